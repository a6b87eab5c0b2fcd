"""Executes analysis/free_recall_peers.ipynb (the fitted CMR scenario against the human PEERS curves)
headless from a temporary working directory, and checks its RMSEs against an independent
computation: the curves of a command-line run of the same scenario (`seqmem run`, read with h5py)
against the committed human summary analysis/data/peers_summary.csv (read with pandas, not the
package).

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_free_recall_notebook.py /path/to/seqmem
"""

import math
import re
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from notebook_runner import ANALYSIS, ROOT, analysis_listing, check_png, execute_notebook, run_seqmem  # tests/notebook_runner.py
import unittest_main  # noqa: E402  (tests/unittest_main.py)

NOTEBOOK = ANALYSIS / "free_recall_peers.ipynb"
SCENARIO = ROOT / "scenarios" / "free_recall_peers.toml"
HUMAN_CSV = ANALYSIS / "data" / "peers_summary.csv"
LAGS = [-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]
CURVES = ["spc", "pfr", "lag_crp"]

# Upper bounds on the RMSE of each curve, model against human: the values of the shipped fit
# (scenarios/free_recall_peers.toml, made by seqmem-fit; the simulation is
# deterministic, seed 1) plus 0.005, room for rounding differences between builds that change a
# few of the 14 112 simulated lists, not for a worse model. Fit: spc 0.01925, pfr 0.01343, lag_crp 0.03526.
BOUNDS = {"spc": 0.0243, "pfr": 0.0185, "lag_crp": 0.0403}
SEQMEM = None


def rmse(model, human):
    return math.sqrt(float(np.mean((np.asarray(model, float) - np.asarray(human, float)) ** 2)))


class FreeRecallPeers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_frnb_")
        tmp = Path(cls.tmp.name)
        cls.analysis_before = analysis_listing()
        cls.summary = execute_notebook(NOTEBOOK, tmp / "unused.h5", tmp, extra_env={"SEQMEM_FIGDIR": str(tmp)})
        cls.analysis_after = analysis_listing()

        # The independent side: the command line's curves and the committed human table.
        h5 = tmp / "cli.h5"
        run_seqmem(SEQMEM, SCENARIO, h5)
        with h5py.File(h5, "r") as f:
            g = f["runs/r0000"]
            lag = g["lag"][()]
            cls.cli = {"spc": g["spc"][()], "pfr": g["pfr"][()],
                       "lag_crp": np.array([g["lag_crp"][()][list(lag).index(x)] for x in LAGS])}
            cls.cli_positions = g["serial_position"][()]
        human = pd.read_csv(HUMAN_CSV, comment="#")
        cls.human = {}
        for c in CURVES:
            d = human[human["curve"] == c]
            cls.human[c] = d.set_index(d["x"].astype(int))["value"].loc[LAGS if c == "lag_crp" else range(1, 17)]
        cls.cli_rmse = {c: rmse(cls.cli[c], cls.human[c].to_numpy()) for c in CURVES}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_ran_the_shipped_scenario(self):
        s = self.summary
        self.assertEqual(Path(s["scenario"]).resolve(), SCENARIO.resolve())
        self.assertEqual(s["status"], "completed")
        self.assertEqual(list(self.cli_positions), list(range(1, 17)))
        self.assertEqual(s["lists"], 126 * 112)

    def test_model_curves_equal_the_command_line(self):
        for c in CURVES:
            with self.subTest(curve=c):
                np.testing.assert_allclose(self.summary["model"][c], self.cli[c], rtol=0, atol=1e-15)

    def test_rmse_equals_an_independent_computation(self):
        for c in CURVES:
            with self.subTest(curve=c):
                self.assertAlmostEqual(self.summary["rmse"][c], self.cli_rmse[c], places=12)

    def test_rmse_below_the_fitted_bounds(self):
        for c in CURVES:
            with self.subTest(curve=c):
                self.assertLess(self.cli_rmse[c], BOUNDS[c])
                self.assertLess(self.summary["rmse"][c], BOUNDS[c])

    def test_scenario_comments_give_these_rmses(self):
        # the fit's header line "# Result (this file, seed 1): SSE ...; RMSE spc x, pfr y, lag_crp z."
        m = re.search(r"^# Result \(this file, seed 1\): SSE [0-9.]+; RMSE spc ([0-9.]+), pfr ([0-9.]+), "
                      r"lag_crp ([0-9.]+)\.$", SCENARIO.read_text(), re.M)
        self.assertIsNotNone(m, "no RMSE line in the scenario's comments")
        for c, text in zip(CURVES, m.groups()):
            with self.subTest(curve=c):
                self.assertAlmostEqual(float(text), self.cli_rmse[c], delta=5e-5)

    def test_kernel_is_this_python(self):
        self.assertEqual(Path(self.summary["python"]).resolve(), Path(sys.executable).resolve())

    def test_png_and_nothing_in_analysis(self):
        png = Path(self.summary["png"])
        self.assertEqual(png.parent, Path(self.tmp.name))
        check_png(self, png, 10_000, 600, 200, 20)
        self.assertEqual(self.analysis_after, self.analysis_before)


if __name__ == "__main__":
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(FreeRecallPeers)
