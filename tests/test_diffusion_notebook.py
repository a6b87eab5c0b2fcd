"""Runs seqmem on the four diffusion scenarios (scenarios/diffusion_*.toml, Ambrogioni 2024) and executes
analysis/fig_diffusion.ipynb on the results.

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_diffusion_notebook.py /path/to/seqmem

To stay near a minute on two cores the runs are reduced: recall with 4000 trajectories (--set; the
trajectories keep their own generators, so these are the first 4000 of the full run), equivalence with
4 of its 8 t_end values and continuum with 5 of its cue_noise values (copies of
the scenarios written to the temporary folder, with scenarios/data/ next to them).

The checks recompute, with numpy only, from each file's own inputs (means, prior weights, covariance
factors, cues, t0, t_end, sigma, T, gamma_v), the quantities the simulator wrote: the posterior at the
cues (label_posterior), the component each end state falls in (end_component), the landscape (log
density, score, energy) and the energy along recorded paths; then the physics: chi-square of the recall
counts against the posterior (§5.1), the finite-difference gradient of log p_t against the score, the
mass of p_t on the grid, a numpy integration of the VE probability flow, the agreement of the flows with
modern Hopfield descent at large beta (Eq. 13-14), and the recall -> generation trend (§6.1). It also
compares the numbers the notebook prints (its last line, JSON) with the same ones computed here, and
checks its PNGs. The measured numbers are printed at the end.
"""

import math
import os
import re
import shutil
import sys
import tempfile
import time
import unittest
from pathlib import Path

import h5py
import numpy as np
from scipy.stats import chi2

from diffusion_reference import Mixture, kernel_at, ve_flow_rk4  # tests/diffusion_reference.py
from notebook_runner import ANALYSIS, ROOT, analysis_listing, check_png, execute_notebook, run_seqmem  # tests/notebook_runner.py
import unittest_main  # noqa: E402  (tests/unittest_main.py)

seqmem = unittest_main.import_seqmem()  # the build's package (build/python)

sys.dont_write_bytecode = True  # no __pycache__ next to the package

NOTEBOOK = ANALYSIS / "fig_diffusion.ipynb"
SCENARIOS = ROOT / "scenarios"
SEQMEM = None  # the binary, from argv
PANELS = ("landscapes", "recall", "equivalence", "continuum")

# Reductions for the test (see the module docstring).
RECALL_TRAJECTORIES = 4000
EQUIVALENCE_T_END = "[0.999, 0.99, 0.9, 0.3333333333333333]"  # beta (VE) 1000, 100, 10, 1.5
CONTINUUM_NOISE = "[0.1, 0.3, 0.6, 1.0, 1.6]"
CONTINUUM_TRAJECTORIES = 4000

MEASURED = []  # printed at the end: the numbers for docs/reproduction.md


def report(line):
    MEASURED.append(line)


def run_attrs(path):
    """{run: attributes} of a seqmem file."""
    with h5py.File(path, "r") as f:
        return {r: seqmem.attrs(f["runs"][r]) for r in sorted(f["runs"])}


def reduced_copy(name, tmp, grid):
    """scenarios/<name>.toml with its `grid = {...}` line replaced, written to tmp (where data/ is)."""
    text = (SCENARIOS / f"{name}.toml").read_text()
    new, n = re.subn(r"(?m)^grid\s*=\s*\{\s*(\w+)\s*=\s*\[[^\]]*\]\s*\}", lambda m: f"grid = {{ {m.group(1)} = {grid} }}",
                     text)
    if n != 1:
        raise RuntimeError(f"{name}.toml: expected one `grid = {{ key = [...] }}` line, found {n}")
    out = Path(tmp) / f"{name}_reduced.toml"
    out.write_text(new)
    return out


class DiffusionNotebook(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_nbdiff_")
        tmp = Path(cls.tmp.name)
        shutil.copytree(SCENARIOS / "data", tmp / "data")
        cls.h5 = {p: tmp / f"{p}.h5" for p in PANELS}
        cls.figdir = tmp / "figs"
        wall = {
            "landscapes": run_seqmem(SEQMEM, SCENARIOS / "diffusion_landscapes.toml", cls.h5["landscapes"]),
            "recall": run_seqmem(SEQMEM, SCENARIOS / "diffusion_recall.toml", cls.h5["recall"],
                                 f"trajectories={RECALL_TRAJECTORIES}"),
            "equivalence": run_seqmem(SEQMEM, reduced_copy("diffusion_equivalence", tmp, EQUIVALENCE_T_END),
                                      cls.h5["equivalence"]),
            "continuum": run_seqmem(SEQMEM, reduced_copy("diffusion_continuum", tmp, CONTINUUM_NOISE), cls.h5["continuum"],
                                    f"trajectories={CONTINUUM_TRAJECTORIES}"),
        }
        report("seqmem wall time: " + ", ".join(f"{k} {v:.1f} s" for k, v in wall.items()))
        cls.analysis_before = analysis_listing()
        for p in PANELS:
            os.environ[f"SEQMEM_{p.upper()}"] = str(cls.h5[p])
        os.environ["SEQMEM_FIGDIR"] = str(cls.figdir)
        t = time.monotonic()
        try:
            cls.summary = execute_notebook(NOTEBOOK, cls.h5["recall"], tmp)
        finally:
            for p in PANELS:
                os.environ.pop(f"SEQMEM_{p.upper()}", None)
            os.environ.pop("SEQMEM_FIGDIR", None)
        report(f"notebook: {time.monotonic() - t:.1f} s")
        cls.attrs = {p: run_attrs(cls.h5[p]) for p in PANELS}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def runs(self, panel):
        """(run id, h5py group, attributes) of every run of a panel's file (the file stays open
        while the generator runs)."""
        with h5py.File(self.h5[panel], "r") as f:
            for r in sorted(f["runs"]):
                yield r, f["runs"][r], self.attrs[panel][r]

    # -- every file ----------------------------------------------------------------------------

    def test_runs_completed(self):
        for panel in PANELS:
            for r, a in self.attrs[panel].items():
                with self.subTest(panel=panel, run=r):
                    self.assertEqual(a["status"], "completed", a.get("message"))
                    self.assertEqual(a["diverged"], 0)

    def test_matched_start_time(self):
        # t0 = -1 in the recall and continuum scenarios: s^2(T - t0) = cue_noise^2
        for panel in ("recall", "continuum"):
            for r, _, a in self.runs(panel):
                with self.subTest(panel=panel, run=r):
                    _, s2 = kernel_at(a["t0"], a)
                    self.assertAlmostEqual(s2, a["cue_noise"] ** 2, delta=1e-12)

    def test_label_posterior_recomputed(self):
        # label_posterior = mean over the cues of the posterior mass of each label at (cue, t0); for
        # VE point memories softmax(log pi_n - |x0 - y_n|^2 / (2 (T - t0) sigma^2))
        worst = 0.0
        for panel in PANELS:
            for r, g, a in self.runs(panel):
                with self.subTest(panel=panel, run=r):
                    mix = Mixture(g, seqmem.attrs(g))
                    cues = np.atleast_2d(g["cue"][()])
                    post = mix.label_mass(mix.posterior(cues, a["t0"]), g["label"][()]).mean(axis=0)
                    err = float(np.abs(post - g["label_posterior"][()]).max())
                    worst = max(worst, err)
                    self.assertLess(err, 1e-10)
                    if mix.factors is None and a["process"] == "ve" and np.ptp(mix.weights) == 0:
                        # the formula of §5.1 literally
                        d2 = ((cues[:, None, :] - mix.means[None]) ** 2).sum(axis=2)
                        z = -d2 / (2 * (a["T"] - a["t0"]) * a["sigma"] ** 2)
                        w = np.exp(z - z.max(axis=1, keepdims=True))
                        w /= w.sum(axis=1, keepdims=True)
                        self.assertLess(np.abs(mix.label_mass(w, g["label"][()]).mean(axis=0)
                                               - g["label_posterior"][()]).max(), 1e-10)
        report(f"label_posterior vs numpy (all runs of the 4 files): max |diff| = {worst:.2e}")

    def test_end_component_recomputed(self):
        # end_component = argmax_k p(k | end_state, t_end); end_memory its label; counts, frequencies
        for panel in PANELS:
            for r, g, a in self.runs(panel):
                with self.subTest(panel=panel, run=r):
                    mix = Mixture(g, seqmem.attrs(g))
                    ec = g["end_component"][()]
                    W = mix.posterior(g["end_state"][()], a["t_end"])
                    same = W.argmax(axis=1) == ec
                    # a different argmax is acceptable only at a near-tie of the top two components
                    top2 = np.sort(W, axis=1)[:, -2:]
                    self.assertTrue(np.all(same | (top2[:, 1] - top2[:, 0] < 1e-9)),
                                    f"{(~same).sum()} end components differ")
                    # memory weights: the posterior mass of each label (hopfield: softmax(beta Y^T x));
                    # an end state whose largest memory weight is below mixture_threshold is a mixture (-2)
                    labels = g["label"][()]
                    if a["dynamics"] == "hopfield":
                        Y = g["means"][()]
                        z = a["beta_used"] * g["end_state"][()] @ Y.T
                        z = np.exp(z - z.max(axis=1, keepdims=True))
                        W = z / z.sum(axis=1, keepdims=True)
                    LW = np.stack([W[:, mix.labels == l].sum(axis=1) for l in labels], axis=1)
                    np.testing.assert_allclose(g["end_weight"][()], LW.max(axis=1), rtol=0, atol=1e-9)
                    expect = np.where(LW.max(axis=1) >= a["mixture_threshold"], LW.argmax(axis=1), -2)
                    near = np.abs(LW.max(axis=1) - a["mixture_threshold"]) < 1e-9
                    np.testing.assert_array_equal(labels, np.arange(len(labels)))  # so argmax = label
                    np.testing.assert_array_equal(g["end_memory"][()][~near], expect[~near])
                    self.assertEqual(a["mixtures"], int((g["end_memory"][()] == -2).sum()))
                    counts = np.array([(g["end_memory"][()] == l).sum() for l in labels])
                    np.testing.assert_array_equal(g["label_counts"][()], counts)
                    np.testing.assert_allclose(g["label_frequency"][()], counts / a["trajectories"], rtol=0, atol=1e-15)

    def test_paths(self):
        # recorded paths start at the cue, end at the end state, path_energy = -sigma^2 log p_t(x)
        for panel in ("landscapes", "recall", "continuum"):
            for r, g, a in self.runs(panel):
                with self.subTest(panel=panel, run=r):
                    path, t = g["path"][()], g["path_time"][()]
                    P = path.shape[0]
                    cue = np.atleast_2d(g["cue"][()])
                    np.testing.assert_array_equal(path[:, 0], np.broadcast_to(cue[:P], path[:, 0].shape))
                    np.testing.assert_array_equal(path[:, -1], g["end_state"][:P])
                    self.assertAlmostEqual(t[0], a["t0"], places=12)
                    self.assertAlmostEqual(t[-1], a["t_end"], places=12)
                    mix = Mixture(g, seqmem.attrs(g))
                    js = np.unique(np.linspace(0, len(t) - 1, 6).astype(int))
                    for j in js:
                        e = -a["sigma"] ** 2 * mix.log_density(path[:, j], t[j])
                        np.testing.assert_allclose(g["path_energy"][:, j], e, rtol=1e-9, atol=1e-9)

    # -- (a) landscapes --------------------------------------------------------------------------

    def landscapes(self):
        for r, g, a in self.runs("landscapes"):
            ls = g["landscape"]
            yield r, g, a, {k: ls[k][()] for k in ("x", "y", "energy", "log_density", "score_x", "score_y")}, \
                float(ls.attrs["t"])

    def test_landscape_energy_is_minus_sigma2_log_density(self):
        for r, _, a, L, _ in self.landscapes():
            with self.subTest(run=r):
                np.testing.assert_allclose(L["energy"], -a["sigma"] ** 2 * L["log_density"], rtol=1e-12, atol=0)

    def test_landscape_closed_form(self):
        # log p_t and the score on the whole grid against the numpy mixture (full covariances)
        for r, g, a, L, t in self.landscapes():
            with self.subTest(run=r):
                self.assertEqual(a["landscape_t"], t)
                X, Y = np.meshgrid(L["x"], L["y"])  # (y, x) as in the file
                P = np.stack([X.ravel(), Y.ravel()], axis=1)
                mix = Mixture(g, seqmem.attrs(g))
                ld = mix.log_density(P, t).reshape(X.shape)
                sc = mix.score(P, t)
                scale = np.abs(sc).max()
                np.testing.assert_allclose(L["log_density"], ld, rtol=1e-11, atol=1e-11)
                np.testing.assert_allclose(L["score_x"], sc[:, 0].reshape(X.shape), rtol=0, atol=1e-11 * scale)
                np.testing.assert_allclose(L["score_y"], sc[:, 1].reshape(X.shape), rtol=0, atol=1e-11 * scale)

    def test_landscape_score_is_gradient_of_log_density(self):
        # Central differences of the file's log_density against its score. Taylor: the error of
        # (f(x + h) - f(x - h)) / 2h is h^2/6 f'''(xi) for some xi in [x - h, x + h], f''' = d^2 score /
        # dx^2; its largest |value| on the interval is bounded from the numpy score sampled at h/10
        # (second differences), times 1.25 for what that sampling misses, plus roundoff
        # 1e-12 max|log p| / h. Where the posterior switches between components f''' reaches ~1e4
        # (h = 0.05: errors ~ 2), elsewhere the agreement is ~1e-9.
        for r, g, a, L, t in self.landscapes():
            with self.subTest(run=r):
                mix = Mixture(g, seqmem.attrs(g))
                x, y, ld = L["x"], L["y"], L["log_density"]
                h = x[1] - x[0]
                self.assertTrue(np.allclose(np.diff(x), h) and np.allclose(np.diff(y), h))
                roundoff = 1e-12 * np.abs(ld).max() / h
                worst = 0.0
                for axis, name in ((1, "score_x"), (0, "score_y")):
                    s = L[name]
                    if axis == 1:
                        fd, sc = (ld[:, 2:] - ld[:, :-2]) / (2 * h), s[:, 1:-1]
                        XX, YY = np.meshgrid(x[1:-1], y)
                    else:
                        fd, sc = (ld[2:] - ld[:-2]) / (2 * h), s[1:-1]
                        XX, YY = np.meshgrid(x, y[1:-1])
                    offs = np.linspace(-1.1 * h, 1.1 * h, 23)  # spacing h / 10
                    d = offs[1] - offs[0]
                    e = np.eye(2)[1 - axis]  # the direction of the derivative
                    base = np.stack([XX.ravel(), YY.ravel()], axis=1)
                    vals = np.stack([mix.score(base + o * e, t)[:, 1 - axis] for o in offs], axis=1)
                    f3 = np.abs(vals[:, 2:] - 2 * vals[:, 1:-1] + vals[:, :-2]).max(axis=1) / d ** 2
                    bound = (1.25 * h * h / 6 * f3 + roundoff).reshape(fd.shape)
                    err = np.abs(fd - sc)
                    self.assertTrue(np.all(err <= bound), f"{name}: {(err > bound).sum()} of {err.size} points, "
                                    f"worst err/bound {np.max(err / bound):.3g}")
                    worst = max(worst, float(np.max(err / bound)))
                report(f"landscape {a['name']}: |FD - score| <= Taylor bound everywhere (max err/bound {worst:.2f}); "
                       f"max |FD - score| = {np.abs((ld[:, 2:] - ld[:, :-2]) / (2 * h) - L['score_x'][:, 1:-1]).max():.3g}")

    def test_landscape_density_integrates_to_grid_mass(self):
        # The trapezoid rule on the 81 x 81 grid (h = 0.05, against Gaussians of sd >= s(t) = 0.22, so
        # h / s <= 0.23) against the exact mass of p_t in the square; tolerance 1e-4 for the rule. The
        # point and semantic runs keep >= 0.999 of their mass in the square, so their integral is 1 within
        # 1e-3; the extended memories (variance 0.15 along lines) reach beyond it.
        for r, g, a, L, t in self.landscapes():
            with self.subTest(run=r):
                x = L["x"]
                h = x[1] - x[0]
                w = np.ones_like(x)
                w[[0, -1]] = 0.5
                integral = float(w @ np.exp(L["log_density"]) @ w * h * h)
                mass = Mixture(g, seqmem.attrs(g)).square_mass(t, x[-1])
                self.assertAlmostEqual(x[0], -x[-1])
                self.assertLess(abs(integral - mass), 1e-4)
                if a["name"] in ("point", "semantic"):
                    self.assertGreater(mass, 0.999)
                    self.assertLess(abs(integral - 1), 1e-3)
                self.assertAlmostEqual(self.summary["landscapes"][r]["integral"], integral, places=12)
                report(f"landscape {a['name']} (t = {t:g}): integral of p_t on the grid {integral:.7f}, "
                       f"exact mass in the square {mass:.7f}")

    # -- (b) recall --------------------------------------------------------------------------------

    def test_recall_frequencies_follow_posterior(self):
        with h5py.File(self.h5["recall"], "r") as f:
            (r,) = list(f["runs"])
            g, a = f["runs"][r], self.attrs["recall"][r]
            self.check_recall(g["label"][()], g["label_counts"][()], g["label_posterior"][()], g["cue"].shape, a)

    def check_recall(self, labels, counts, post, cue_shape, a):
        self.assertEqual(a["trajectories"], RECALL_TRAJECTORIES)
        self.assertEqual(cue_shape, (a["D"],), "one cue shared by all trajectories")
        keep = post > 0
        self.assertEqual(counts[~keep].sum(), 0, "trajectories ended on a label of posterior 0")
        M = counts.sum()
        self.assertEqual(M, RECALL_TRAJECTORIES)
        expected = post[keep] / post[keep].sum() * M
        self.assertGreaterEqual(expected.min(), 5, "chi-square needs expected counts >= 5")
        stat = float(((counts[keep] - expected) ** 2 / expected).sum())
        dof = int(keep.sum()) - 1
        p = float(chi2.sf(stat, dof))
        report(f"recall (M = {M}, cue noise {a['cue_noise']}, t0 = {a['t0']:.4g}): counts "
               f"{dict(zip(labels[keep].tolist(), counts[keep].tolist()))}, posterior "
               f"{dict(zip(labels[keep].tolist(), np.round(post[keep], 4).tolist()))}, chi2 = {stat:.3f} (dof {dof}), "
               f"p = {p:.4f}")
        self.assertGreater(p, 0.001)
        nb = self.summary["recall"]
        self.assertEqual(nb["counts"], counts[keep].tolist())
        self.assertAlmostEqual(nb["chi2"], stat, places=9)
        self.assertEqual(nb["dof"], dof)
        self.assertAlmostEqual(nb["p_value"], p, places=12)

    # -- (c) equivalence ---------------------------------------------------------------------------

    def equivalence(self):
        """{t_end: {(dynamics, process): (attrs, end_component, end_state, cue, means)}}."""
        out = {}
        for _, g, a in self.runs("equivalence"):
            out.setdefault(round(a["t_end"], 12), {})[(a["dynamics"], a["process"])] = (
                a, g["end_component"][()], g["end_state"][()], g["cue"][()], g["means"][()])
        return out

    def test_equivalence_runs_share_cues(self):
        eq = self.equivalence()
        ref = next(iter(next(iter(eq.values())).values()))
        cue0, Y0 = ref[3], ref[4]
        for t_end, runs in eq.items():
            for key, (a, _, _, cue, Y) in runs.items():
                np.testing.assert_array_equal(cue, cue0)
                np.testing.assert_array_equal(Y, Y0)
        a = ref[0]
        M, N = cue0.shape[0], Y0.shape[0]
        noise = cue0 - Y0[np.arange(M) % N]  # trajectory i cued by pattern (i mod N) + 1
        self.assertAlmostEqual(float((noise ** 2).mean()), a["cue_noise"] ** 2, delta=0.05 * a["cue_noise"] ** 2)
        np.testing.assert_allclose(np.linalg.norm(Y0, axis=1), a["pattern_norm"], rtol=1e-12)
        nearest_is_cued = float(np.mean((cue0 @ Y0.T).argmax(axis=1) == np.arange(M) % N))
        report(f"equivalence: D = {a['D']}, N = {N}, {M} cues, noise {a['cue_noise']}: the cued pattern has the "
               f"largest overlap for {nearest_is_cued:.3f} of the cues")

    def test_hopfield_ends_are_fixed_points(self):
        # x* = Y softmax(beta Y^T x*) (Eq. 5) at the beta the run used, for every cue
        for t_end, runs in self.equivalence().items():
            for proc in ("ve", "vp"):
                a, _, X, _, Y = runs["hopfield", proc]
                with self.subTest(t_end=t_end, process=proc):
                    z = a["beta_used"] * X @ Y.T
                    w = np.exp(z - z.max(axis=1, keepdims=True))
                    w /= w.sum(axis=1, keepdims=True)
                    self.assertLess(np.abs(w @ Y - X).max(), 1e-8)
                    a_t, s2 = kernel_at(a["t_end"], a)
                    self.assertAlmostEqual(a["beta_used"], a_t / s2, delta=1e-9 * a["beta_used"])

    def test_ve_flow_against_numpy_integration(self):
        # VE, point memories, equal weights: with u = log((T - t0) / (T - t)) the probability flow
        # dx/dt = (sigma^2 / 2) score reads dx/du = (Y w(x) - x) / 2, w = softmax(-|x - y_n|^2 /
        # (2 sigma^2 (T - t))): classical RK4 in u (step 0.005) from the cues to the largest t_end.
        eq = self.equivalence()
        t_end = max(eq)
        a, ec, X_file, cue, Y = eq[t_end]["probability_flow", "ve"]
        T, sig2, t0 = a["T"], a["sigma"] ** 2, a["t0"]
        u_end = math.log((T - t0) / (T - t_end))
        x, n = ve_flow_rk4(cue, Y, T, sig2, t0, u_end, 0.005)
        ec_np = ((x[:, None, :] - Y[None]) ** 2).sum(axis=2).argmin(axis=1)  # VE, equal weights: nearest mean
        dist = np.linalg.norm(x - X_file, axis=1)
        report(f"VE flow to t_end = {t_end} (beta {a['beta_used']:.4g}) vs numpy RK4 ({n} steps): same end "
               f"component {np.mean(ec_np == ec):.3f}, median |x_numpy - x_file| {np.median(dist):.2e}")
        self.assertGreaterEqual(np.mean(ec_np == ec), 0.99)
        self.assertLess(np.median(dist), 1e-4)

    def test_flows_and_hopfield_agree_at_large_beta(self):
        eq = self.equivalence()
        rows = []
        for t_end in sorted(eq):
            r = eq[t_end]
            ve, vp, hve, hvp = (r[k][1] for k in (("probability_flow", "ve"), ("probability_flow", "vp"),
                                                  ("hopfield", "ve"), ("hopfield", "vp")))
            beta = r["probability_flow", "ve"][0]["beta_used"]
            rows.append((beta, float(np.mean((ve == vp) & (ve == hve))), float(np.mean(ve == hve)),
                         float(np.mean(ve == vp)), float(np.mean(hve == hvp)), len(np.unique(hve))))
        rows.sort()
        for beta, all3, ve_h, ve_vp, h_h, distinct in rows:
            report(f"equivalence beta = {beta:7.4g}: VE flow = VP flow = Hopfield {all3:.3f}; VE flow = Hopfield "
                   f"{ve_h:.3f}; VE = VP flow {ve_vp:.3f}; Hopfield VE = VP {h_h:.3f}; Hopfield ends on {distinct} "
                   "distinct components")
            if beta >= 100:
                with self.subTest(beta=beta):
                    self.assertGreaterEqual(all3, 0.99)
                    self.assertEqual(h_h, 1.0, "Hopfield at beta and at beta (1 +- 1e-7) end apart")
        # the notebook's numbers are the same
        nb = sorted(self.summary["equivalence"], key=lambda d: d["beta"])
        self.assertEqual(len(nb), len(rows))
        for (beta, all3, ve_h, ve_vp, h_h, distinct), d in zip(rows, nb):
            self.assertAlmostEqual(d["beta"], beta, places=9)
            self.assertEqual((d["all_three"], d["ve_flow_vs_hopfield"], d["ve_vs_vp_flow"], d["hopfield_ve_vs_vp"],
                              d["hopfield_distinct_ends"]), (all3, ve_h, ve_vp, h_h, distinct))
        # At small beta nothing forces agreement: a unique Hopfield fixed point is guaranteed only when
        # the update x -> Y softmax(beta Y^T x) contracts, beta lambda_max(Y Y^T) / 2 < 1.
        beta = rows[0][0]
        Y = next(iter(eq.values()))["hopfield", "ve"][4]
        lam = float(np.linalg.eigvalsh(Y @ Y.T).max())
        if beta * lam / 2 < 1:
            self.assertEqual(rows[0][5], 1, "the Hopfield update contracts: all cues must end at one point")
        report(f"smallest beta {beta:.3g}: beta lambda_max(YY^T)/2 = {beta * lam / 2:.3f} "
               f"({'contracting' if beta * lam / 2 < 1 else 'no contraction guarantee'})")

    # -- (d) continuum -----------------------------------------------------------------------------

    def test_continuum(self):
        rows = []
        for r, g, a in self.runs("continuum"):
            M = a["trajectories"]
            labels, freq, post = g["label"][()], g["label_frequency"][()], g["label_posterior"][()]
            se = np.sqrt(post * (1 - post) / M)
            with self.subTest(run=r, cue_noise=a["cue_noise"]):
                self.assertEqual(M, CONTINUUM_TRAJECTORIES)
                bad = np.abs(freq - post) > 4 * se + 0.01
                self.assertFalse(bad.any(), f"labels {labels[bad]}: frequency {freq[bad]} vs posterior {post[bad]}")
            cued = a["cue_memory"]
            rows.append((a["cue_noise"], freq[labels == cued][0], freq[(labels > 0) & (labels != cued)].sum(),
                         freq[labels == 0][0], post[labels == 0][0], float(np.max(np.abs(freq - post) / (se + 1e-300)))))
        rows.sort()
        for noise, fc, fo, fm, pm, z in rows:
            report(f"continuum cue_noise {noise:4.2f}: cued {fc:.3f}, other memories {fo:.3f}, manifold {fm:.3f} "
                   f"(posterior {pm:.3f}); max |f - p| / SE = {z:.2f}")
        first, last = rows[0][3], rows[-1][3]
        M = CONTINUUM_TRAJECTORIES
        self.assertGreater(last - first, 5 * math.sqrt(0.25 / M), "the manifold fraction does not grow with the noise")
        self.assertGreater(rows[0][1], 0.95, "the smallest cue noise should recall the cued memory")
        nb = self.summary["continuum"]
        np.testing.assert_allclose(nb["semantic manifold"]["frequency"], [r[3] for r in rows], rtol=0, atol=1e-15)
        np.testing.assert_allclose(nb["cued memory"]["frequency"], [r[1] for r in rows], rtol=0, atol=1e-15)

    # -- the notebook itself -------------------------------------------------------------------------

    def test_kernel_is_this_python(self):
        self.assertEqual(Path(self.summary["python"]).resolve(), Path(sys.executable).resolve())

    def test_pngs(self):
        self.assertEqual(self.summary["skipped"], [])
        for panel, limits in {"landscapes": (100_000, 1200, 400, 200), "recall": (10_000, 400, 300, 20),
                              "equivalence": (10_000, 400, 300, 20), "continuum": (10_000, 400, 300, 20)}.items():
            with self.subTest(panel=panel):
                png = Path(self.summary["png"][panel])
                self.assertEqual(png, self.figdir / f"fig_diffusion_{panel}.png")
                check_png(self, png, *limits)

    def test_panels_without_input_are_skipped(self):
        # no SEQMEM_* variable: every panel prints its note, nothing is drawn or written
        tmp = Path(self.tmp.name) / "skip"
        tmp.mkdir()
        before = analysis_listing()
        summary = execute_notebook(NOTEBOOK, self.h5["recall"], tmp)
        self.assertEqual(summary["skipped"], list(PANELS))
        self.assertEqual(summary["png"], {})
        self.assertEqual(analysis_listing(), before)

    def test_nothing_written_into_the_repository(self):
        self.assertEqual(analysis_listing(), self.analysis_before)


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    t = time.monotonic()
    try:
        unittest_main.run(DiffusionNotebook)
    finally:
        print("\nMeasured (tests/test_diffusion_notebook.py):")
        for line in MEASURED:
            print("  " + line)
        print(f"  total {time.monotonic() - t:.1f} s")


if __name__ == "__main__":
    main()
