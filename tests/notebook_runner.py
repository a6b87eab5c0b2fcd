"""Shared by the notebook tests (test_notebook.py, test_fig2_notebook.py): run seqmem on a scenario
and execute a notebook of analysis/ headless on its output.

The notebook runs with nbclient in a kernel pinned to the interpreter running the test (Debian's
Python, which has h5py/xarray/matplotlib), with the working directory set to analysis/ and its
input given by the environment variable SEQMEM_FILE. Its last printed line must be a JSON summary.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

# ipykernel (imported here by jupyter_client, and in the kernel) loads debugpy, which warns about
# frozen modules on stderr at import.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import nbformat  # noqa: E402
import unittest_main  # noqa: E402  (tests/unittest_main.py)
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ANALYSIS = ROOT / "analysis"


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
    """The non-blank lines the executed notebook printed on stdout, in order."""
    return [line for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
            if out.get("output_type") == "stream" and out.get("name") == "stdout"
            for line in out["text"].splitlines() if line.strip()]


def run_seqmem(seqmem, scenario, h5, *sets):
    """`seqmem run scenario -o h5 -q [--set k=v ...]`; returns its wall time (s); raises RuntimeError
    with its output when it fails."""
    args = [str(seqmem), "run", str(scenario), "-o", str(h5), "-q"]
    for s in sets:
        args += ["--set", s]
    t = time.monotonic()
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return time.monotonic() - t


def execute_notebook(notebook, h5, tmp, timeout=300, extra_env=None):
    """Executes `notebook` on the seqmem file `h5` (kernel spec and the executed copy go to the
    folder `tmp`) and returns the JSON summary on its last printed line."""
    tmp = Path(tmp)
    nb = nbformat.read(notebook, as_version=4)
    # The kernel imports the build's package (build/python, next to the binary on the command
    # line) and runs in a working directory of its own: the notebooks find their input from the
    # parameter cell alone, from any folder.
    env = dict(os.environ, **(extra_env or {}), SEQMEM_FILE=str(h5), PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=os.pathsep.join([unittest_main.package_path(), *filter(None, [os.environ.get("PYTHONPATH")])]))
    km = pinned_kernel(tmp / "kernels")
    cwd = tmp / "cwd"
    cwd.mkdir(exist_ok=True)
    client = NotebookClient(nb, km=km, timeout=timeout, resources={"metadata": {"path": str(cwd)}})
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
        return json.loads(lines[-1])
    except json.JSONDecodeError:
        raise RuntimeError(f"the notebook's last line is not JSON: {lines[-1]!r}") from None


def analysis_listing():
    """The names in analysis/ (but __pycache__), sorted: to check a notebook wrote nothing there."""
    return sorted(p.name for p in ANALYSIS.iterdir() if p.name != "__pycache__")


def check_png(case, png, min_bytes, min_width, min_height, min_colours):
    """Asserts (on the unittest.TestCase `case`) that `png` is a real, non-trivial picture."""
    import matplotlib.image

    case.assertTrue(png.is_file(), f"{png} missing")
    case.assertGreater(png.stat().st_size, min_bytes, "PNG suspiciously small")
    img = matplotlib.image.imread(png)
    case.assertGreaterEqual(img.shape[1], min_width)
    case.assertGreaterEqual(img.shape[0], min_height)
    case.assertGreater(len({tuple(px) for px in img.reshape(-1, img.shape[2])[::7]}), min_colours,
                       "PNG has hardly any colours: empty plot?")


class NotebookChecks:
    """Checks shared by the notebook tests, mixed into their unittest.TestCase. The test class sets
    h5 (the input file), summary (the notebook's JSON), analysis_before (analysis_listing() before the
    run), PNG_NAME and PNG_LIMITS = (min_bytes, min_width, min_height, min_colours)."""

    def test_kernel_is_this_python(self):
        self.assertEqual(Path(self.summary["python"]).resolve(), Path(sys.executable).resolve(),
                         "the notebook ran in another interpreter than the test's")

    def test_png(self):
        png = Path(self.summary["png"])
        self.assertEqual(png, self.h5.with_name(self.PNG_NAME), "the PNG goes next to the input file")
        check_png(self, png, *self.PNG_LIMITS)

    def test_nothing_written_into_the_repository(self):
        self.assertEqual(analysis_listing(), self.analysis_before)
