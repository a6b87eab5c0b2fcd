"""Runs seqmem on the Figure 2 scenario and executes analysis/fig2_energy_landscape.ipynb on the result.

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_fig2_notebook.py /path/to/seqmem

The notebook runs headless as in test_notebook.py (tests/notebook_runner.py). The checks compare the
JSON summary it prints last with the same quantities recomputed here from the file with raw h5py
(visits, the fixed points' nearest memories, F, G, energy), check the paper's claims on them, and
check the PNG it writes next to its input file. seqmem.reader's fixed_points() and
energy_surfaces() are checked against raw h5py too.
"""

import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np

from notebook_runner import ANALYSIS, NotebookChecks, ROOT, analysis_listing, execute_notebook, run_seqmem  # tests/notebook_runner.py
import unittest_main  # noqa: E402  (tests/unittest_main.py)

seqmem = unittest_main.import_seqmem()  # the build's package (build/python)

sys.dont_write_bytecode = True  # no __pycache__ next to the package

NOTEBOOK = ANALYSIS / "fig2_energy_landscape.ipynb"
SCENARIO = ROOT / "scenarios" / "fig2_energy_landscape.toml"
SEQMEM = None  # the binary, from argv


def first_index(mask):
    i = np.flatnonzero(mask)
    return int(i[0]) if i.size else None


class Fig2Notebook(NotebookChecks, unittest.TestCase):
    PNG_NAME = "fig2_fig2.png"
    PNG_LIMITS = (100_000, 1200, 900, 200)

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_nb2_")
        tmp = Path(cls.tmp.name)
        cls.h5 = tmp / "fig2.h5"
        run_seqmem(SEQMEM, SCENARIO, cls.h5)
        cls.analysis_before = analysis_listing()
        cls.summary = execute_notebook(NOTEBOOK, cls.h5, tmp)

        # The same quantities from raw h5py, computed independently of the notebook.
        with h5py.File(cls.h5, "r") as f:
            g = f["runs/r0000"]
            fp = g["fixed_points"]
            cls.threshold = float(g.attrs["threshold"])
            cls.expect_cycle = [int(m) for m in g.attrs["expect_cycle"]]
            cls.labels = g["memory"][()]
            cls.visits = [(int(mu), float(t)) for mu, t in zip(g["visit_memory"][()], g["visit_time"][()])]
            cls.time, cls.E, cls.F, cls.G = (g[k][()] for k in ("time", "energy", "F", "G"))
            cls.t_fp = fp["fp_time"][()]
            cls.mem_nearest = fp["memory_nearest"][()]
            cls.mem_ok = (fp["memory_converged"][()] != 0) & (fp["memory_n_unstable"][()] == 0)
            cls.state_nearest = cls.labels[np.argmax(fp["state_overlaps"][()], axis=1)]
            cls.state_converged = fp["state_converged"][()] != 0
            cls.state_energy = fp["state_energy"][()]

        t0, t1 = cls.t_fp[0], cls.t_fp[-1]
        cls.transitions = []  # (from, to, t_prev_entry, t_visit): the whole dwell in `from` is in the window
        for (c, t_prev), (n, t_visit) in zip(cls.visits, cls.visits[1:]):
            if t0 <= t_prev and t_visit <= t1:
                cls.transitions.append((c, n, t_prev, t_visit))
        cls.by_pair = {(tr["from"], tr["to"]): tr for tr in cls.summary["transitions"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def successor(self, mu):
        cyc = self.expect_cycle
        return cyc[(cyc.index(mu) + 1) % len(cyc)]
    def test_read_the_given_file(self):
        self.assertEqual(Path(self.summary["file"]), self.h5)
        self.assertEqual(self.summary["status"], "completed")
        self.assertEqual(self.summary["window"], [float(self.t_fp[0]), float(self.t_fp[-1])])

    def test_transitions_in_the_window(self):
        # Figure 2's window holds xi6 -> xi7 (t ~ 46) and xi7 -> xi4 (t ~ 79), along the cued cycle
        self.assertGreaterEqual(len(self.transitions), 2, f"visits {self.visits}")
        got = [(tr["from"], tr["to"], tr["t_visit"]) for tr in self.summary["transitions"]]
        self.assertEqual(len(got), len(self.transitions))
        for (c, n, _, t_visit), (gc, gn, gt) in zip(self.transitions, got):
            self.assertEqual((gc, gn), (c, n))
            self.assertAlmostEqual(gt, t_visit, places=9)
            self.assertEqual(n, self.successor(c), f"{c} -> {n} is not along {self.expect_cycle}")

    def test_basin_of_current_memory_switches_to_successor_before_transition(self):
        for c, n, t_prev, t_visit in self.transitions:
            with self.subTest(transition=f"{c}->{n}"):
                dwell = (self.t_fp >= t_prev) & (self.t_fp < t_visit)
                j = list(self.labels).index(c)
                i = first_index(dwell & (self.mem_nearest[:, j] != c))
                self.assertIsNotNone(i, f"the fixed point from xi{c} stays at xi{c} until the visit of xi{n}")
                self.assertEqual(int(self.mem_nearest[i, j]), n, f"the fixed point from xi{c} went elsewhere first")
                self.assertLess(self.t_fp[i], t_visit)
                self.assertTrue(np.all(self.mem_nearest[dwell & (self.t_fp >= self.t_fp[i]), j] == n),
                                "the switch to the successor does not last until the visit")
                tr = self.by_pair[(c, n)]
                self.assertAlmostEqual(tr["basin_switch_t"], float(self.t_fp[i]), places=9)
                self.assertEqual(tr["basin_switch_to"], n)
                self.assertTrue(tr["basin_switch_is_successor"])
                self.assertTrue(tr["basin_switch_persists"])
                k = first_index(dwell & ~self.mem_ok[:, j])
                self.assertEqual(tr["lost_stability_t"], None if k is None else float(self.t_fp[k]))
        self.assertTrue(self.summary["all_preceded_by_basin_switch"])

    def test_state_fixed_point_switch_precedes_visit(self):
        for c, n, t_prev, t_visit in self.transitions:
            with self.subTest(transition=f"{c}->{n}"):
                dwell = (self.t_fp >= t_prev) & (self.t_fp < t_visit)
                i = first_index(dwell & (self.state_nearest != c))
                self.assertIsNotNone(i, f"the state's fixed point stays at xi{c} until the visit of xi{n}")
                self.assertLessEqual(self.t_fp[i], t_visit)
                self.assertEqual(int(self.state_nearest[i]), n)
                tr = self.by_pair[(c, n)]
                self.assertAlmostEqual(tr["state_fp_switch_t"], float(self.t_fp[i]), places=9)
                self.assertEqual(tr["state_fp_switch_to"], n)
        self.assertTrue(self.summary["all_state_fp_switch_before_visit"])

    def test_fixed_points_from_state_converge(self):
        frac = float(self.state_converged.mean())
        self.assertGreaterEqual(frac, 0.99)
        self.assertAlmostEqual(self.summary["state_converged_fraction"], frac, places=12)

    def test_fixed_point_from_state_is_below_state(self):
        # the descent from the state with V_d frozen only lowers E (same energy function)
        i = np.abs(self.time[:, None] - self.t_fp[None, :]).argmin(axis=0)
        drop = self.E[i] - self.state_energy
        self.assertGreaterEqual(drop.min(), -1e-8 * np.abs(self.E).max())
        self.assertAlmostEqual(self.summary["min_E_minus_state_fp_energy"], float(drop.min()), places=9)

    def test_state_close_to_its_fixed_point_outside_transitions(self):
        self.assertLess(self.summary["state_distance_at_memory_rel"], 0.2)
        self.assertLess(self.summary["state_distance_at_memory"], 0.25 * self.summary["state_distance_max"])
        self.assertGreater(self.summary["at_memory_fraction"], 0.3)

    def test_fast_energy_part_never_increases_energy(self):
        self.assertLessEqual(self.F.max(), 1e-9, "F = dE/dt from the fast subsystem must be <= 0")
        self.assertAlmostEqual(self.summary["F_max"], float(self.F.max()), places=12)
        self.assertEqual(self.summary["F_nonpositive_fraction"], float((self.F <= 0).mean()))

    def test_energy_balance(self):
        S = self.F + self.G
        r = np.abs(np.gradient(self.E, self.time) - S)[1:-1]
        rel = float(r.max() / np.abs(S).max())
        self.assertAlmostEqual(self.summary["dEdt_residual_rel"], rel, places=9)
        self.assertLess(rel, 0.1, "central differences of E far from F + G")
        self.assertLess(self.summary["dEdt_residual_rel_quiet"], 0.01, "dE/dt != F + G between transitions")

    def test_energy_rises_between_transitions(self):
        # the slow part lifts the occupied basin (paper: "the previous basin increases energy")
        self.assertGreater(self.summary["E_rising_fraction_quiet"], 0.5)
        self.assertGreater(self.summary["G_positive_fraction_quiet"], 0.5)

def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Fig2Notebook)


if __name__ == "__main__":
    main()
