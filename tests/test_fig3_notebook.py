"""Runs a small capacity sweep (`seqmem sweep`) and executes analysis/fig3_capacity.ipynb on the result.

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_fig3_notebook.py /path/to/seqmem

The sweep is scenarios/fig3_capacity_quick.toml reduced with --set to degrees {1, 2, 3} x seeds {1, 2}
x 4 alpha_c, K <= 24 (a few seconds on one core). The notebook runs headless as in
test_fig2_notebook.py (tests/notebook_runner.py). The checks compare the JSON summary it prints last
with the same quantities recomputed here from the file with raw h5py (capacities per degree, censored
counts, outcome counts), recompute every stored capacity from /evaluations (the largest K with a
success), check that the search is monotone as recorded (every evaluated K above the capacity failed
for every alpha_c of the grid, every one at or below it succeeded), check seqmem.reader's
sweep_tables() and sweep_configs() against raw h5py, and check the PNG written next to the input.
"""

import subprocess
import sys
import tempfile
import tomllib
import unittest
from collections import defaultdict
from pathlib import Path

import h5py
import numpy as np

from notebook_runner import (ANALYSIS, NotebookChecks, ROOT, analysis_listing, check_png,  # tests/notebook_runner.py
                             execute_notebook)
import unittest_main  # noqa: E402  (tests/unittest_main.py)

seqmem = unittest_main.import_seqmem()  # the build's package (build/python)

sys.dont_write_bytecode = True  # no __pycache__ next to the package

NOTEBOOK = ANALYSIS / "fig3_capacity.ipynb"
SCENARIO = ROOT / "scenarios" / "fig3_capacity_quick.toml"
SETS = ["sweep_degrees=[1, 2, 3]", "sweep_seeds=[1, 2]", "K_max=24", "sweep_alpha_c=[0.4, 0.6, 0.8, 1.0]"]
EV_COLUMNS = ["config", "degree", "seed", "K", "alpha_c", "success", "outcome", "cycles", "t_first_error", "t_stop",
              "wall_time_s"]
OUTCOME_NAMES = ["success", "wrong", "stalled", "horizon", "diverged", "censored"]
SEQMEM = None  # the binary, from argv


# The family section's inputs, shortened: family_capacity at N = 100 (the N of the sweep) for degrees 1-2
# with 2 seeds, and family_scaling at N = 20, 30, 40 (and its exponential entry at its own N), 2 seeds.
FAMILY_SETS = ["baseline_degrees=[1, 2]", "trials=2"]
SCALING_SETS = ["baseline_N=[20, 30, 40]", "trials=2"]  # degrees 1-3: the exponential entry reads none


def run_baseline(scenario, h5, sets):
    cmd = [SEQMEM, "sweep", str(ROOT / "scenarios" / scenario), "-o", str(h5), "-j", "2", "-q"]
    for s in sets:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"seqmem sweep {scenario} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")


def run_sweep(h5):
    cmd = [SEQMEM, "sweep", str(SCENARIO), "-o", str(h5), "-j", "1", "-q"]
    for s in SETS:
        cmd += ["--set", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"seqmem sweep failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")


class Fig3Notebook(NotebookChecks, unittest.TestCase):
    PNG_NAME = "fig3_fig3.png"
    PNG_LIMITS = (50_000, 1200, 700, 100)

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_nb3_")
        tmp = Path(cls.tmp.name)
        cls.h5 = tmp / "fig3.h5"
        run_sweep(cls.h5)
        run_baseline("family_capacity.toml", tmp / "family.h5", FAMILY_SETS)  # the notebook's default names
        run_baseline("family_scaling.toml", tmp / "scaling.h5", SCALING_SETS)
        # EDEN's runs, shortened: up to t = 600 only the small cycles complete their 3 passes
        p = subprocess.run([SEQMEM, "run", str(ROOT / "scenarios/family_eden_runs.toml"), "-o", str(tmp / "eden_runs.h5"),
                            "-j", "2", "-q", "--set", "t_end=600"], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"seqmem run family_eden_runs.toml failed ({p.returncode}):\n{p.stderr}")
        cls.analysis_before = analysis_listing()
        cls.summary = execute_notebook(NOTEBOOK, cls.h5, tmp)

        # The same quantities from raw h5py, computed independently of the notebook.
        with h5py.File(cls.h5, "r") as f:
            cls.complete = bool(f.attrs["complete"])
            cls.overrides = f.attrs["overrides"]
            cls.ev = {c: f["evaluations"][c][()] for c in EV_COLUMNS}
            cls.cap = {c: f["capacity"][c][()] for c in ("config", "degree", "seed", "capacity", "censored",
                                                           "K_largest_tried", "stop")}
            cls.cfg = {int(cid[1:]): dict(f["configs"][cid].attrs) for cid in f["configs"]}
        cls.K_min = {c: int(a["K_min"]) for c, a in cls.cfg.items()}
        cls.K_max = {c: int(a["K_max"]) for c, a in cls.cfg.items()}
        cls.alpha_grid = {c: sorted(float(x) for x in a["sweep_alpha_c"]) for c, a in cls.cfg.items()}
        # (config, degree, seed) -> {K: {alpha_c: success}}
        cls.tried = defaultdict(lambda: defaultdict(dict))
        for c, d, s, K, a, ok in zip(*(cls.ev[k] for k in ("config", "degree", "seed", "K", "alpha_c", "success"))):
            cls.tried[int(c), int(d), int(s)][int(K)][float(a)] = bool(ok)
        cls.capacity = {(int(c), int(d), int(s)): int(k) for c, d, s, k in
                        zip(*(cls.cap[k] for k in ("config", "degree", "seed", "capacity")))}
        cls.by_degree = {(e["config"], e["degree"]): e for e in cls.summary["degrees"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
    def test_read_the_given_file(self):
        self.assertTrue(self.complete)
        self.assertEqual(Path(self.summary["file"]), self.h5)
        self.assertTrue(self.summary["complete"])
        self.assertEqual(self.summary["scenario"], "fig3_capacity_quick")
        self.assertEqual(self.summary["overrides"], SETS)

    def test_K_max_is_the_overridden_one(self):
        # the root `scenario` text says K_max = 160; the --set override (and /configs) say 24
        self.assertEqual(tomllib.loads(self.overrides.splitlines()[2])["K_max"], 24)
        self.assertEqual(self.K_max, {0: 24})
        self.assertEqual(self.summary["K_max"], {"0": 24})

    def test_grid_as_requested(self):
        pairs = set(self.capacity)
        self.assertEqual(pairs, {(0, d, s) for d in (1, 2, 3) for s in (1, 2)})
        self.assertEqual(set(self.tried), pairs, "a pair without evaluations, or evaluations of no pair")
        self.assertEqual(self.alpha_grid[0], [0.4, 0.6, 0.8, 1.0])

    def test_capacity_is_largest_successful_K(self):
        for key, capacity in self.capacity.items():
            with self.subTest(pair=key):
                won = [K for K, alphas in self.tried[key].items() if any(alphas.values())]
                self.assertEqual(capacity, max(won) if won else self.K_min[key[0]] - 1)
                self.assertGreaterEqual(capacity, self.K_min[key[0]] - 1)
                self.assertLessEqual(capacity, self.K_max[key[0]])
        self.assertTrue(self.summary["capacity_matches_evaluations"])

    def test_monotone_as_recorded(self):
        grid = self.alpha_grid
        for key, capacity in self.capacity.items():
            for K, alphas in self.tried[key].items():
                with self.subTest(pair=key, K=K):
                    if K > capacity:  # failed: every alpha_c of the grid tried, none succeeded
                        self.assertEqual(sorted(alphas), grid[key[0]])
                        self.assertFalse(any(alphas.values()), f"K = {K} > capacity {capacity} succeeded")
                    else:  # succeeded: the alpha_c tried end at the first success
                        self.assertEqual(sum(alphas.values()), 1)
        self.assertTrue(self.summary["monotone_as_recorded"])

    def test_search_replayed(self):
        # The K search and the alpha_c order, replayed from the recorded outcomes (sim/experiments/capacity.hpp):
        # K doubles from K_min until a failure, then bisection; at each K the alpha_c that won at the
        # previous K first, then the smaller ones from the largest down, then the larger ones upwards.
        def order(prev, grid):
            desc = sorted(grid, reverse=True)
            if prev is None:
                return desc
            return [prev] + [a for a in desc if a < prev] + [a for a in sorted(grid) if a > prev]

        for key, capacity in self.capacity.items():
            with self.subTest(pair=key):
                c = key[0]
                tried, prev, seq = self.tried[key], None, []

                def verdict(K):
                    nonlocal prev
                    seq.append(K)
                    expect = order(prev, self.alpha_grid[c])
                    got = tried[K]
                    n = next((i + 1 for i, a in enumerate(expect) if got.get(a)), len(expect))
                    self.assertEqual(sorted(got), sorted(expect[:n]), f"K = {K}: tried {sorted(got)}")
                    if n <= len(expect) and got.get(expect[n - 1]):
                        prev = expect[n - 1]
                        return True
                    return False

                good, bad = self.K_min[c] - 1, None
                if verdict(self.K_min[c]):
                    good = self.K_min[c]
                    while good < self.K_max[c]:
                        K = min(self.K_max[c], max(good + 1, 2 * good))
                        if not verdict(K):
                            bad = K
                            break
                        good = K
                    while bad is not None and bad - good > 1:
                        mid = good + (bad - good) // 2
                        if verdict(mid):
                            good = mid
                        else:
                            bad = mid
                self.assertEqual(good, capacity)
                self.assertEqual(sorted(seq), sorted(tried), "evaluated K")
                i = [k for k in zip(self.cap["config"], self.cap["degree"], self.cap["seed"])].index(key)
                self.assertEqual(int(self.cap["K_largest_tried"][i]), max(seq))
                self.assertEqual(int(self.cap["censored"][i]), int(capacity >= self.K_max[c]))
                self.assertEqual(int(self.cap["stop"][i]), 1 if capacity >= self.K_max[c] else 0)

    def test_per_degree_statistics(self):
        self.assertEqual(len(self.summary["degrees"]), len({(c, d) for c, d, _ in self.capacity}))
        for (c, d), e in self.by_degree.items():
            with self.subTest(config=c, degree=d):
                seeds = sorted(s for cc, dd, s in self.capacity if (cc, dd) == (c, d))
                caps = np.array([self.capacity[c, d, s] for s in seeds])
                self.assertEqual(e["n_seeds"], len(seeds))
                self.assertEqual(e["seeds"], seeds)
                self.assertEqual(e["capacities"], caps.tolist())
                self.assertAlmostEqual(e["mean"], float(caps.mean()), places=12)
                self.assertEqual((e["min"], e["max"]), (int(caps.min()), int(caps.max())))
                cen = np.array([self.cap["censored"][list(zip(self.cap["config"], self.cap["degree"], self.cap["seed"]))
                                                     .index((c, d, s))] for s in seeds])
                self.assertEqual(e["n_censored"], int(cen.sum()))
                self.assertEqual(e["n_below_K_min"], int((caps < self.K_min[c]).sum()))
                for s, k, a in zip(seeds, caps, e["alpha_c_at_capacity"]):
                    won = [al for al, ok in self.tried[c, d, s].get(int(k), {}).items() if ok]
                    self.assertEqual(a, max(won) if won else None)
        caps = np.array(list(self.capacity.values()))
        self.assertEqual(self.summary["n_pairs"], len(caps))
        # the dense-memory line, N^n / (2 (2n-1)!! ln N) at N = 100 by hand: 100 / (2 ln 100) = 10.857,
        # 10^4 / (6 ln 100) = 361.9, 10^6 / (30 ln 100) = 7238 (the values docs/capacity.md quotes)
        for (c, d), want in {(0, 1): 10.857, (0, 2): 361.9, (0, 3): 7238.0}.items():
            self.assertAlmostEqual(self.by_degree[c, d]["theory"] / want, 1.0, places=3)
        self.assertEqual(self.summary["n_censored"], int((caps >= self.K_max[0]).sum()))
        self.assertEqual(self.summary["n_below_K_min"], int((caps < self.K_min[0]).sum()))

    def test_what_this_grid_gives(self):
        # beta_d = 7 (docs/capacity.md, "Readings of Figure 3"): degree 1 stalls or visits wrongly early,
        # degrees >= 2 cycle through K_max = 24 memories for every seed (censored)
        self.assertLess(self.by_degree[0, 1]["max"], 12)
        for d in (2, 3):
            self.assertEqual(self.by_degree[0, d]["n_censored"], 2, f"degree {d}")
        self.assertEqual(self.summary["n_censored"], 4)

    def test_outcome_counts(self):
        out = self.ev["outcome"]
        self.assertEqual(self.summary["n_evaluations"], len(out))
        np.testing.assert_array_equal(self.ev["success"] != 0, out == 0)
        counts = np.bincount(out, minlength=len(OUTCOME_NAMES))
        self.assertEqual(self.summary["outcome_counts"], dict(zip(OUTCOME_NAMES, map(int, counts))))
        self.assertAlmostEqual(self.summary["wall_time_s_total"], float(self.ev["wall_time_s"].sum()), places=9)

    def test_family_rows_are_the_files(self):
        # one entry per (model, criterion, degree) of family.h5, its mean and min / max from raw h5py
        with h5py.File(self.h5.with_name("family.h5"), "r") as f:
            summ = {k: f["baseline_summary"][k][()] for k in ("config", "N", "degree", "mean", "law_P_T", "law_P_S")}
            tri = {k: f["baseline"][k][()] for k in ("config", "degree", "capacity")}
            cfg = {int(c[1:]): (f["configs"][c].attrs["baseline_model"], f["configs"][c].attrs["baseline_criterion"])
                   for c in f["configs"]}
        rows = {(e["model"], e["criterion"], e["degree"]): e for e in self.summary["family"]}
        self.assertEqual(len(rows), len(summ["config"]))
        for c, d, mean, lt, ls in zip(summ["config"], summ["degree"], summ["mean"], summ["law_P_T"], summ["law_P_S"]):
            caps = tri["capacity"][(tri["config"] == c) & (tri["degree"] == d)]
            e = rows[(*cfg[int(c)], int(d))]
            with self.subTest(config=int(c), degree=int(d)):
                self.assertEqual(e["mean"], float(mean))
                self.assertEqual((e["min"], e["max"], e["n_trials"]), (int(caps.min()), int(caps.max()), 2))
                self.assertEqual((e["law_P_T"], e["law_P_S"]), (float(lt), float(ls)))
        self.assertEqual({e["criterion"] for e in rows.values()}, {"P_T", "P_S", "cycles"})
        check_png(self, Path(self.summary["family_png"]), 30_000, 1200, 400, 50)

    def test_eden_band_is_the_runs(self):
        # per seed the largest K whose run completed 3 cycles with no wrong visit, from raw h5py
        largest = defaultdict(int)
        with h5py.File(self.h5.with_name("eden_runs.h5"), "r") as f:
            for run in f["runs"].values():
                a = run.attrs
                if int(a["cycles_completed"]) >= 3 and int(a["first_wrong_visit"]) == 0:
                    largest[int(a["seed"])] = max(largest[int(a["seed"])], int(a["K"]))
        e = self.summary["eden"]
        self.assertEqual(e["seeds"], list(range(1, 11)))
        self.assertEqual(e["capacities"], [largest[s] for s in range(1, 11)])
        self.assertEqual(e["K_grid"], [2, 5, 10, 20, 50, 100, 200])
        self.assertGreater(e["mean"], 0)  # K = 2 completes its 3 passes within t = 600 (about 250)

    def test_scaling_exponents(self):
        # the fitted exponent of log P_S on log N, recomputed from raw h5py with numpy.polyfit
        with h5py.File(self.h5.with_name("scaling.h5"), "r") as f:
            t = {k: f["baseline_summary"][k][()] for k in ("config", "N", "degree", "mean", "law_P_S")}
        fits = {e["degree"]: e for e in self.summary["scaling"]}
        for d in (1, 2, 3):
            sel = t["degree"] == d
            k = np.polyfit(np.log(t["N"][sel]), np.log(t["mean"][sel]), 1)[0]
            k_law = np.polyfit(np.log(t["N"][sel]), np.log(t["law_P_S"][sel]), 1)[0]
            self.assertAlmostEqual(fits[d]["exponent"], k, places=9)
            self.assertAlmostEqual(fits[d]["law_exponent"], k_law, places=9)
            self.assertEqual(fits[d]["N"], [20, 30, 40])
        self.assertIn(0, fits)  # the exponential entry: its growth per neuron
        self.assertGreater(fits[0]["growth"], 1.0)


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Fig3Notebook)


if __name__ == "__main__":
    main()
