"""Executes analysis/python_workflow.ipynb (the in-process workflow: a Figure 1 run, an alpha_c
scan, a solve_ivp cross-check) headless from a temporary working directory, and checks its summary
against the command line.

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_python_notebook.py /path/to/seqmem
"""

import subprocess
import tempfile
import unittest
from pathlib import Path

import h5py

from notebook_runner import ANALYSIS, ROOT, analysis_listing, check_png, execute_notebook  # tests/notebook_runner.py
import unittest_main  # noqa: E402  (tests/unittest_main.py)

NOTEBOOK = ANALYSIS / "python_workflow.ipynb"
SCENARIO = ROOT / "scenarios" / "fig1_two_episodes.toml"
SEQMEM = None


class PythonWorkflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_pynb_")
        tmp = Path(cls.tmp.name)
        before = analysis_listing()
        cls.summary = execute_notebook(NOTEBOOK, tmp / "unused.h5", tmp, extra_env={"SEQMEM_FIGDIR": str(tmp)})
        cls.wrote_in_analysis = analysis_listing() != before

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def cli_cycles(self, alpha_c):
        out = Path(self.tmp.name) / f"a{alpha_c}.h5"
        subprocess.run([SEQMEM, "run", str(SCENARIO), "-o", str(out), "-q", "--overwrite", "--set", "t_end=1000",
                        "--set", f"alpha_c={alpha_c}"], check=True, capture_output=True)
        with h5py.File(out, "r") as f:
            return int(f["runs/r0000"].attrs["cycles_completed"])

    def test_figure1_run(self):
        s = self.summary
        self.assertEqual(s["status"], "completed")
        self.assertEqual(s["first_visits"][:4], [5, 6, 7, 4])  # cue xi5, then the episode
        self.assertGreaterEqual(s["cycles"], 5)
        self.assertEqual(s["cycles"], self.cli_cycles(0.007))

    def test_scan_equals_the_command_line(self):
        for row in self.summary["scan"]:
            with self.subTest(alpha_c=row["alpha_c"]):
                self.assertEqual(row["cycles"], self.cli_cycles(row["alpha_c"]))

    def test_solve_ivp_agrees_with_rk4(self):
        # RK4 at dt = 0.01 against DOP853 at rtol 1e-10: the RK4 error, O(dt^4) per unit time
        self.assertLess(self.summary["solve_ivp_max_diff"], 1e-7)  # measured 7.8e-10

    def test_png_and_nothing_in_analysis(self):
        check_png(self, Path(self.summary["png"]), 10_000, 500, 300, 20)
        self.assertFalse(self.wrote_in_analysis)


if __name__ == "__main__":
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(PythonWorkflow)
