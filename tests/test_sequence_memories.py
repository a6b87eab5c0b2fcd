"""The sequence memories from Python and on file (docs/capacity.md, "The family"):
seqmem.sequence_transition_errors against an independent NumPy computation of C23's update rule,
seqmem.sequence_law against the laws written out here, and a shortened scenarios/family_capacity.toml
swept by the command line, read with raw h5py and with seqmem.baseline_tables; the models as runs
(scenarios/family_runs.toml, eden_run.toml), every trajectory against the rule written out in NumPy.

Usage (from the repository root, as ctest does):
    .venv/bin/python tests/test_sequence_memories.py /path/to/seqmem
"""

import math
import subprocess
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

import unittest_main  # tests/unittest_main.py

seqmem = unittest_main.import_seqmem()
ROOT = Path(__file__).resolve().parent.parent
SEQMEM = None


def reference_errors(Xi, separation, d, mixed=False, lam=2.5):
    """Wrong bits of each transition, straight from C23 Eq. 2 / 14: for the state S = xi^mu, the
    leave-one-out overlaps m_i^nu = (sum_{j != i} xi_j^nu S_j) / (N - 1) of every neuron and pattern,
    f, the field, its sign (0 counts as wrong) against xi^(mu+1). The polynomial DenseNet's field is
    summed as the integer (N - 1)^d h (same sign), so that a tie is an exact zero (SeqNet and MixedNet at
    d = 1 have many)."""
    N, P = Xi.shape
    nxt = np.roll(Xi, -1, axis=1)
    errors = []
    for mu in range(P):
        S = Xi[:, mu]
        k = np.rint((Xi.T @ S)[None, :] - Xi * S[:, None]).astype(np.int64)  # (N, P): sum_{j != i}, integers
        m = k / (N - 1)
        if separation == "exponential":
            f = np.exp((N - 1) * (m - 1))
        else:  # (N - 1)^d h in integers (both of MixedNet's terms): a zero field is exactly zero, as in seqmem
            f = k ** d
        h = (lam if mixed else 1.0) * np.sum(nxt * f, axis=1)
        if mixed:
            h += np.sum(Xi * f, axis=1)
        errors.append(int(np.sum(np.sign(h) != nxt[:, mu])))
    return errors


def reference_field(Xi, S, S_delayed, d, lam):
    """MixedNet's field (C23 Eq. 13) with the asymmetric term on the delayed state, summed as the
    integer (N - 1)^d h: the symmetric term on S, lambda times the asymmetric one on S_delayed."""
    nxt = np.roll(Xi, -1, axis=1)

    def f(state):  # (N, P): (sum_{j != i} xi_j^nu x_j)^d
        return np.rint((Xi.T @ state)[None, :] - Xi * state[:, None]).astype(np.int64) ** d

    return np.sum(Xi * f(S), axis=1) + lam * np.sum(nxt * f(S_delayed), axis=1)


def reference_delayed_errors(Xi, d, lam):
    """Per transition mu -> mu + 1 with a delay tau >= 2: the wrong bits of the move (S = S' = xi^mu)
    plus those of the hold (S = xi^(mu+1), S' = xi^mu), both against xi^(mu+1)."""
    nxt = np.roll(Xi, -1, axis=1)
    return [int(np.sum(np.sign(reference_field(Xi, Xi[:, mu], Xi[:, mu], d, lam)) != nxt[:, mu]) +
                np.sum(np.sign(reference_field(Xi, nxt[:, mu], Xi[:, mu], d, lam)) != nxt[:, mu]))
            for mu in range(Xi.shape[1])]


def iterate_delayed(Xi, d, lam, tau, steps):
    """The delayed map iterated from tau steps of xi^1 (a zero field keeps the spin): the states."""
    history = [Xi[:, 0].copy() for _ in range(tau)]
    states = [Xi[:, 0].copy()]
    for _ in range(steps):
        h = reference_field(Xi, history[-1], history[-tau], d, lam)
        s = np.where(h > 0, 1.0, np.where(h < 0, -1.0, history[-1]))
        history = history[1:] + [s]
        states.append(s)
    return states


def double_factorial(n):
    return math.prod(range(n, 0, -2)) if n > 0 else 1


class SequenceMemories(unittest.TestCase):
    def test_transition_errors_match_numpy(self):
        rng = np.random.default_rng(7)
        for N, P in ((24, 10), (40, 60), (65, 30)):  # 65: two words of bits
            Xi = rng.choice([-1.0, 1.0], size=(N, P))
            for sep, d, mixed in (("polynomial", 1, False), ("polynomial", 2, False), ("polynomial", 3, False),
                                  ("polynomial", 2, True), ("exponential", 1, False), ("exponential", 1, True)):
                with self.subTest(N=N, P=P, separation=sep, d=d, mixed=mixed):
                    got = seqmem.sequence_transition_errors(Xi, separation=sep, degree=d, mixed=mixed, lambda_=1.8)
                    self.assertEqual(got, reference_errors(Xi, sep, d, mixed, 1.8))
        # integer +-1 arrays of any layout are taken
        Xi = rng.choice([-1, 1], size=(30, 8))
        self.assertEqual(seqmem.sequence_transition_errors(np.asfortranarray(Xi), degree=2),
                         reference_errors(Xi.astype(float), "polynomial", 2))

    def test_ties(self):
        # many ties at d = 1 (SeqNet, MixedNet with an integer lambda): exact zeros, counted as wrong bits
        rng = np.random.default_rng(11)
        ties = 0
        for _ in range(200):
            Xi = rng.choice([-1.0, 1.0], size=(4, 3))
            for mixed in (False, True):
                got = seqmem.sequence_transition_errors(Xi, degree=1, mixed=mixed, lambda_=3.0)
                self.assertEqual(got, reference_errors(Xi, "polynomial", 1, mixed, 3.0))
                ties += sum(got)
        self.assertGreater(ties, 100)
        Xi = np.array([[-1, 1, 1], [1, -1, 1], [-1, -1, 1], [-1, 1, 1]])  # by hand: tests/test_sequence_net.cpp
        self.assertEqual(seqmem.sequence_transition_errors(Xi, degree=1, mixed=True, lambda_=3.0), [0, 0, 1])

    def test_delay(self):
        # MixedNet with a delay tau >= 2: every update against the rule written out, and the exact
        # trajectory (tau steps in each pattern) followed exactly when every transition is error-free
        rng = np.random.default_rng(23)
        outcomes = set()
        for N, P in ((30, 6), (40, 12), (40, 20), (70, 30)):
            for trial in range(3):
                Xi = rng.choice([-1.0, 1.0], size=(N, P))
                for d, tau in ((1, 2), (2, 3)):
                    with self.subTest(N=N, P=P, d=d, tau=tau, trial=trial):
                        got = seqmem.sequence_transition_errors(Xi, degree=d, mixed=True, lambda_=2.5, delay=tau)
                        self.assertEqual(got, reference_delayed_errors(Xi, d, 2.5))
                        states = iterate_delayed(Xi, d, 2.5, tau, P * tau)
                        expected = [Xi[:, ((t + tau - 1) // tau) % P] for t in range(P * tau + 1)]  # moves at once
                        on_track = all(np.array_equal(a, b) for a, b in zip(states, expected))
                        self.assertEqual(on_track, sum(got) == 0)
                        outcomes.add(on_track)
        self.assertEqual(outcomes, {True, False})  # both outcomes occur: the check can fail
        with self.assertRaisesRegex(ValueError, "delay"):
            seqmem.sequence_transition_errors(np.ones((5, 3)), degree=2, delay=2)  # DenseNet has no delay

    def test_bad_arguments(self):
        with self.assertRaisesRegex(ValueError, "exact integers"):
            seqmem.sequence_transition_errors(np.ones((5, 6)), degree=20)
        with self.assertRaisesRegex(ValueError, "integer"):
            seqmem.sequence_law(100, degree=2.5)
        with self.assertRaisesRegex(ValueError, r"\+1 or -1"):
            seqmem.sequence_transition_errors(np.full((5, 3), 0.5))
        with self.assertRaisesRegex(ValueError, "separation"):
            seqmem.sequence_transition_errors(np.ones((5, 3)), separation="cubic")
        with self.assertRaisesRegex(ValueError, "reading"):
            seqmem.sequence_law(100, mixed=True, reading="paper")

    def test_laws(self):
        for N in (20, 100, 1000):
            for d in (1, 2, 3, 4):
                law = seqmem.sequence_law(N, degree=d)
                P_T = N ** d / (2 * double_factorial(2 * d - 1) * math.log(N))
                self.assertAlmostEqual(law["P_T"] / P_T, 1, places=12)
                self.assertAlmostEqual(law["P_S"] / (P_T / (d + 1)), 1, places=12)
        beta = math.exp(2) / math.cosh(2)
        law = seqmem.sequence_law(20, separation="exponential")
        self.assertAlmostEqual(law["P_T"] / (beta ** 19 / (2 * math.log(20))), 1, places=12)
        self.assertAlmostEqual(law["P_S"] / (beta ** 19 / (40 * math.log(beta))), 1, places=12)


class FamilySweep(unittest.TestCase):
    """scenarios/family_capacity.toml at N = 30, degrees 1-2, 3 seeds: 12 settings."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_family_")
        cls.h5 = Path(cls.tmp.name) / "family.h5"
        args = [SEQMEM, "sweep", str(ROOT / "scenarios/family_capacity.toml"), "-o", str(cls.h5), "-q", "-j", "2",
                "--set", "baseline_N=[30]", "--set", "baseline_degrees=[1, 2]", "--set", "trials=3"]
        p = subprocess.run(args, capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"seqmem sweep failed ({p.returncode}): {p.stderr}")
        cls.trials, cls.summary = seqmem.baseline_tables(cls.h5)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_tables_as_raw_h5py(self):
        with h5py.File(self.h5, "r") as f:
            raw = {k: f["baseline_summary"][k][()] for k in ("config", "N", "degree", "mean", "law_P_T", "law_P_S")}
            crit = {int(c[1:]): f["configs"][c].attrs["baseline_criterion"] for c in f["configs"]}
            model = {int(c[1:]): f["configs"][c].attrs["baseline_model"] for c in f["configs"]}
            cap = f["baseline"]["capacity"][()]
        self.assertEqual(len(self.summary), 12)
        self.assertEqual(sorted({(model[c], crit[c]) for c in raw["config"]}),
                         sorted((m, c) for m in ("densenet", "mixednet") for c in ("P_T", "P_S", "cycles")))
        np.testing.assert_array_equal(self.summary["mean"].to_numpy(), raw["mean"])
        np.testing.assert_array_equal(self.trials["capacity"].to_numpy(), cap)
        self.assertEqual(list(self.summary["baseline_criterion"]), [crit[c] for c in raw["config"]])
        # the mean of the trials' capacities, by hand
        for r in self.summary.itertuples():
            t = self.trials[(self.trials["config"] == r.config) & (self.trials["degree"] == r.degree)]
            self.assertEqual(len(t), 3)
            self.assertAlmostEqual(r.mean, t["capacity"].mean(), places=12)

    def test_laws_in_the_file(self):
        for r in self.summary.itertuples():
            d, N = r.degree, r.N
            P_T = N ** d / (2 * double_factorial(2 * d - 1) * math.log(N))
            if r.baseline_model == "mixednet":  # lambda = 2.5, C23 Eq. 15 with the authors' gamma
                gamma = 7.25 * double_factorial(2 * d - 1) + (5.0 * double_factorial(d - 1) ** 2 if d % 2 == 0 else 0)
                P_T = 1.5 ** 2 * N ** d / (2 * gamma * math.log(N))
            with self.subTest(model=r.baseline_model, degree=d):
                self.assertAlmostEqual(r.law_P_T / P_T, 1, places=12)
                self.assertAlmostEqual(r.law_P_S / (P_T / (d + 1)), 1, places=12)

    def test_criteria_order(self):
        # every transition exact (P_S) is stricter than the visits of cycles on the same pattern set (a P_S
        # success is a cycles success: the search cannot end lower), and at d = 2 far below 90 % of the
        # transitions exact (P_T, on more sets: N = 30 gives P_T ~ 45, P_S ~ 30)
        m = self.summary.pivot_table(index=["baseline_model", "degree"], columns="baseline_criterion", values="mean")
        for idx, row in m.iterrows():
            with self.subTest(setting=idx):
                self.assertLessEqual(row["P_S"], row["cycles"])
                self.assertGreaterEqual(row["P_S"], 2)
                if idx[1] == 2:
                    self.assertLess(row["P_S"], row["P_T"])


def reference_map(Xi, S0, separation, d, mixed, lam, tau, updates):
    """The map S(t + 1) = sgn(h) of C23 Eq. 2 / 14 iterated from S(u) = S0 for u <= 0, with the
    asymmetric term on the state tau - 1 updates back (a zero field keeps the spin): the states."""
    N = Xi.shape[0]
    nxt = np.roll(Xi, -1, axis=1)

    def f(state):  # (N, P) of the leave-one-out sums k = sum_{j != i} xi_j^nu x_j
        k = np.rint((Xi.T @ state)[None, :] - Xi * state[:, None])
        return np.exp(k - (N - 1)) if separation == "exponential" else k.astype(np.int64) ** d

    history = [S0.copy() for _ in range(tau)]
    states = [S0.copy()]
    for _ in range(updates):
        h = (lam if mixed else 1.0) * np.sum(nxt * f(history[-tau]), axis=1)
        if mixed:
            h = h + np.sum(Xi * f(history[-1]), axis=1)
        s = np.where(h > 0, 1.0, np.where(h < 0, -1.0, history[-1]))
        history = history[1:] + [s]
        states.append(s)
    return np.array(states)


def reference_eden(Xi, v0, alpha_s, alpha_c, kappa, T_f, T_d, dt, steps):
    """EDEN (docs/models.md §3.4) by RK4 written out: h = kappa (alpha_s Xi^T v + alpha_c Xi_-^T s),
    T_f dv/dt = Xi softmax(h) - v, T_d ds/dt = v - s, from (v0, 0): (v, s) after every step."""
    prev = np.roll(Xi, 1, axis=1)

    def rhs(v, s):
        h = kappa * (alpha_s * Xi.T @ v + alpha_c * prev.T @ s)
        p = np.exp(h - h.max())
        return (Xi @ (p / p.sum()) - v) / T_f, (v - s) / T_d

    v, s = v0.copy(), np.zeros_like(v0)
    out = [(v.copy(), s.copy())]
    for _ in range(steps):
        k1 = rhs(v, s)
        k2 = rhs(v + dt / 2 * k1[0], s + dt / 2 * k1[1])
        k3 = rhs(v + dt / 2 * k2[0], s + dt / 2 * k2[1])
        k4 = rhs(v + dt * k3[0], s + dt * k3[1])
        v = v + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        s = s + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        out.append((v.copy(), s.copy()))
    return out


def visits_of(t, m, threshold):
    """A map's visits from its overlaps: the sample at which a memory other than the current one
    reaches the threshold (no interpolation: the state jumps)."""
    visits, current = [], -1
    for ti, row in zip(t, m):
        mu = int(np.argmax(row))
        if row[mu] >= threshold and mu != current:
            visits.append((mu + 1, ti))
            current = mu
    return visits


class FamilyRuns(unittest.TestCase):
    """scenarios/family_runs.toml and scenarios/eden_run.toml run by the command line, every
    trajectory against the rule written out above."""

    @classmethod
    def setUpClass(cls):
        cls.runs_tmp = tempfile.TemporaryDirectory()
        cls.maps = Path(cls.runs_tmp.name) / "maps.h5"
        cls.eden = Path(cls.runs_tmp.name) / "eden.h5"
        for args in ([SEQMEM, "run", str(ROOT / "scenarios/family_runs.toml"), "-o", str(cls.maps), "-q", "-j", "2"],
                     [SEQMEM, "run", str(ROOT / "scenarios/eden_run.toml"), "-o", str(cls.eden), "-q", "--set",
                      "t_end=200"]):
            p = subprocess.run(args, capture_output=True, text=True, timeout=600)
            if p.returncode != 0:
                raise RuntimeError(p.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.runs_tmp.cleanup()

    def test_maps_follow_the_rule(self):
        with h5py.File(self.maps, "r") as f:
            runs = f["runs"]
            self.assertEqual(len(runs), 5)
            for name in runs:
                g = runs[name]
                a = g.attrs
                kind = a["kind"]
                sep = a["separation"] if "separation" in a else "polynomial"
                d = int(a["degree"]) if "degree" in a else 1
                tau = int(a["mixednet_delay"]) if "mixednet_delay" in a else 1
                Xi, S, t, m = g["Xi"][:], g["S"][:].astype(float), g["time"][:], g["overlaps"][:]
                with self.subTest(run=name, kind=kind, separation=sep, degree=d, delay=tau):
                    N, K = Xi.shape
                    self.assertEqual((N, K), (100, int(a["K"])))
                    self.assertEqual(int(np.sum(S[0] != Xi[:, 0])), 10)  # cue_flip = 0.1 of xi^1
                    ref = reference_map(Xi, S[0], sep, d, kind == "mixednet", 2.5, tau, 300)
                    self.assertTrue(np.array_equal(S, ref))
                    np.testing.assert_array_equal(t, np.arange(301.0))
                    np.testing.assert_allclose(m, S @ Xi / N, rtol=0, atol=1e-15)
                    got = list(zip(g["visit_memory"][:].tolist(), g["visit_time"][:].tolist()))
                    self.assertEqual(got, visits_of(t, m, 0.8))
        # the cycles each run completed: all but DenseNet at d = 3 and exponential with K = 2000 (one
        # cycle is 2000 updates), MixedNet dwelling 3 updates in each pattern
        with h5py.File(self.maps, "r") as f:
            cycles = [int(f["runs"][r].attrs["cycles_completed"]) for r in sorted(f["runs"])]
            wrong = [int(f["runs"][r].attrs["first_wrong_visit"]) for r in sorted(f["runs"])]
            times = f["runs/r0004/visit_time"][:4].tolist()
        self.assertEqual(cycles, [30, 3, 0, 0, 2])
        self.assertEqual(wrong, [0, 0, 0, 0, 0])
        self.assertEqual(times, [0.0, 1.0, 4.0, 7.0])

    def test_eden_follows_the_equations(self):
        with h5py.File(self.eden, "r") as f:
            g = f["runs/r0000"]
            a = g.attrs
            Xi, st, v, s = g["Xi"][:], g["state_time"][:], g["v"][:], g["s"][:]
            t, m = g["time"][:], g["overlaps"][:]
            N, K = Xi.shape
            kappa = a["eden_beta"] / N  # the code's normalisation
            ref = reference_eden(Xi, v[0], a["eden_alpha_s"], a["eden_alpha_c"], kappa, a["eden_T_f"], a["eden_T_d"],
                                 a["dt"], 20000)
            np.testing.assert_array_equal(v[0], Xi[:, 0])
            self.assertEqual(len(st), 201)  # every 10th sample of 0.1: every 1.0, and t_end
            for k, tk in enumerate(st):
                step = int(round(tk / a["dt"]))
                np.testing.assert_allclose(v[k], ref[step][0], rtol=0, atol=1e-8)
                np.testing.assert_allclose(s[k], ref[step][1], rtol=0, atol=1e-8)
            m_ref = np.array([Xi.T @ ref[int(round(tk / a["dt"]))][0] / N for tk in t])
            np.testing.assert_allclose(m, m_ref, rtol=0, atol=1e-8)
            # it moves through its cycle in order: 1, 2, ..., 10, 1, ...
            visits = g["visit_memory"][:].tolist()
            self.assertGreaterEqual(len(visits), 11)
            self.assertEqual(visits, [(k % K) + 1 for k in range(len(visits))])
            self.assertEqual(int(a["first_wrong_visit"]), 0)

    def test_states_records_only_what_it_lists(self):
        # states = ["s"]: EDEN's delay layer alone (a fresh user found both layers written)
        out = Path(self.runs_tmp.name) / "s_only.h5"
        p = subprocess.run([SEQMEM, "run", str(ROOT / "scenarios/eden_run.toml"), "-o", str(out), "-q", "--set",
                            "t_end=20", "--set", 'states=["s"]'], capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        with h5py.File(out, "r") as f:
            g = f["runs/r0000"]
            self.assertIn("s", g)
            self.assertNotIn("v", g)
            self.assertEqual(g["s"].shape, (21, 100))  # every 10th sample of 0.1, and t_end


class All(SequenceMemories, FamilySweep, FamilyRuns):
    """The classes in one run of unittest_main.run (the sweep and the runs are set up once each)."""

    @classmethod
    def setUpClass(cls):
        FamilySweep.setUpClass.__func__(cls)
        FamilyRuns.setUpClass.__func__(cls)

    @classmethod
    def tearDownClass(cls):
        FamilySweep.tearDownClass.__func__(cls)
        FamilyRuns.tearDownClass.__func__(cls)


if __name__ == "__main__":
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(All)
