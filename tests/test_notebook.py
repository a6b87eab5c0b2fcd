"""Runs seqmem on the Figure 1 scenario and executes analysis/fig1_overlaps.ipynb on the result.

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_notebook.py /path/to/seqmem

The notebook runs headless with nbclient in a kernel pinned to the interpreter running this file
(Debian's Python, which has h5py/xarray/matplotlib), with the working directory set to analysis/
and its input given by the environment variable SEQMEM_FILE. The checks are on the JSON summary
the notebook prints as its last line, and on the PNG it writes next to its input file.
"""

import sys
import tempfile
import unittest
from pathlib import Path

from notebook_runner import ANALYSIS, NotebookChecks, ROOT, analysis_listing, execute_notebook, run_seqmem  # tests/notebook_runner.py
import unittest_main  # noqa: E402  (tests/unittest_main.py)

NOTEBOOK = ANALYSIS / "fig1_overlaps.ipynb"
SCENARIO = ROOT / "scenarios" / "fig1_two_episodes.toml"
SEQMEM = None  # the binary, from argv


class Fig1Notebook(NotebookChecks, unittest.TestCase):
    PNG_NAME = "fig1_overlaps.png"
    PNG_LIMITS = (20_000, 600, 250, 20)

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_nb_")
        tmp = Path(cls.tmp.name)
        cls.h5 = tmp / "fig1.h5"
        run_seqmem(SEQMEM, SCENARIO, cls.h5)
        cls.analysis_before = analysis_listing()
        cls.summary = execute_notebook(NOTEBOOK, cls.h5, tmp)

        import h5py
        with h5py.File(cls.h5, "r") as f:
            a = f["runs/r0000"].attrs
            cls.threshold = float(a["threshold"])
            cls.cycles_completed = int(a["cycles_completed"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
    def test_read_the_given_file(self):
        self.assertEqual(Path(self.summary["file"]), self.h5)
        self.assertEqual(self.summary["status"], "completed")

    def test_first_visit_is_cue(self):
        self.assertEqual(self.summary["first_visit"], 5, f"sequence {self.summary['sequence']}")

    def test_at_least_five_cycles(self):
        n = self.summary["complete_cycles"]
        self.assertGreaterEqual(n, 5, f"complete 4->5->6->7->4 cycles in {self.summary['sequence']}")
        # seqmem counts 4 correct transitions in a row from any start: the two counts differ by <= 1
        self.assertLessEqual(abs(n - self.cycles_completed), 1, f"seqmem says {self.cycles_completed}")

    def test_only_the_cued_episode(self):
        seq = self.summary["sequence"]
        self.assertTrue(set(seq) <= {4, 5, 6, 7}, f"visited outside the 4-cycle: {seq}")

def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Fig1Notebook)


if __name__ == "__main__":
    main()
