"""Runs seqmem on the Figure 1 scenario and executes analysis/fig1_overlaps.ipynb on the result.

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_notebook.py /path/to/seqmem

The notebook runs headless with nbclient in a kernel pinned to the interpreter running this file
(Debian's Python, which has h5py/xarray/matplotlib), with the working directory set to analysis/
and its input given by the environment variable SEQMEM_FILE. The checks are on the JSON summary
the notebook prints as its last line, and on the PNG it writes next to its input file.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

# ipykernel (imported here by jupyter_client, and in the kernel) loads debugpy, which warns about
# frozen modules on stderr at import.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import unittest_main  # noqa: E402  (tests/unittest_main.py)

ROOT = Path(__file__).resolve().parent.parent
ANALYSIS = ROOT / "analysis"
NOTEBOOK = ANALYSIS / "fig1_overlaps.ipynb"
SCENARIO = ROOT / "scenarios" / "fig1_two_episodes.toml"
SEQMEM = None  # the binary, from argv


def pinned_kernel(kernels_dir):
    """A kernel manager for kernel "python3" that runs this interpreter's ipykernel, whatever
    kernel specs are installed for the user or system."""
    spec = kernels_dir / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (test)", "language": "python"}))
    return KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels_dir)]))


def stdout_lines(nb):
    return [line for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
            if out.get("output_type") == "stream" and out.get("name") == "stdout"
            for line in out["text"].splitlines() if line.strip()]


class Fig1Notebook(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_nb_")
        tmp = Path(cls.tmp.name)
        cls.h5 = tmp / "fig1.h5"
        p = subprocess.run([SEQMEM, "run", str(SCENARIO), "-o", str(cls.h5), "-q"], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"seqmem run failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")

        cls.analysis_before = sorted(p.name for p in ANALYSIS.iterdir() if p.name != "__pycache__")
        nb = nbformat.read(NOTEBOOK, as_version=4)
        env = dict(os.environ, SEQMEM_FILE=str(cls.h5),
                   PYTHONDONTWRITEBYTECODE="1")
        km = pinned_kernel(tmp / "kernels")
        client = NotebookClient(nb, km=km, timeout=300,
                                resources={"metadata": {"path": str(ANALYSIS)}})  # the kernel's cwd
        try:
            client.execute(env=env)
        except CellExecutionError as e:
            raise RuntimeError(f"the notebook failed:\n{e}") from None
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
            nbformat.write(nb, tmp / "executed.ipynb")

        lines = stdout_lines(nb)
        if not lines:
            raise RuntimeError("the notebook printed nothing")
        try:
            cls.summary = json.loads(lines[-1])
        except json.JSONDecodeError:
            raise RuntimeError(f"the notebook's last line is not JSON: {lines[-1]!r}") from None

        import h5py
        with h5py.File(cls.h5, "r") as f:
            a = f["runs/r0000"].attrs
            cls.threshold = float(a["threshold"])
            cls.cycles_completed = int(a["cycles_completed"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_kernel_is_this_python(self):
        self.assertEqual(Path(self.summary["python"]).resolve(), Path(sys.executable).resolve(),
                         "the notebook ran in another interpreter than the test's")

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

    def test_other_episode_never_near_threshold(self):
        # xi1..xi3 pass through transient mixtures (xi1 reaches ~0.58 mid xi5->xi6), so the bound
        # is the visit threshold rather than 0.5.
        mo = self.summary["max_overlap"]
        self.assertEqual(sorted(mo), ["xi1", "xi2", "xi3"])
        for k, x in mo.items():
            self.assertLess(x, self.threshold, f"{k} reached overlap {x:.3f}")

    def test_png(self):
        png = Path(self.summary["png"])
        self.assertEqual(png, self.h5.with_name("fig1_overlaps.png"), "the PNG goes next to the input file")
        self.assertTrue(png.is_file(), f"{png} missing")
        self.assertGreater(png.stat().st_size, 20_000, "PNG suspiciously small")
        import matplotlib.image
        img = matplotlib.image.imread(png)
        self.assertGreaterEqual(img.shape[1], 600)
        self.assertGreaterEqual(img.shape[0], 250)
        self.assertGreater(len({tuple(px) for px in img.reshape(-1, img.shape[2])[::7]}), 20,
                           "PNG has hardly any colours: empty plot?")

    def test_nothing_written_into_the_repository(self):
        after = sorted(p.name for p in ANALYSIS.iterdir() if p.name != "__pycache__")
        self.assertEqual(after, self.analysis_before)


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Fig1Notebook)


if __name__ == "__main__":
    main()
