"""The Python package is installed for the checkout, not for the machine (docs/python.md): ./setup.sh
puts it, with pip, into the checkout's own environment .venv (Debian's python3 with the system's
site packages), registers that environment's Jupyter kernels inside it, and changes nothing outside
the checkout. From any folder, .venv/bin/python imports this checkout's build; /usr/bin/python3 does
not import it; the installed package is the build's (same commit, same modules); `seqmem-fit` is
there; the README's Python example runs with the interpreter the README names.

usage: .venv/bin/python tests/test_install.py /path/to/seqmem   (from the repository root)
"""

import filecmp
import json
import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

import unittest_main  # tests/unittest_main.py

SEQMEM = None
ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"


def python(interpreter, code, cwd):
    return subprocess.run([str(interpreter), "-c", code], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})


class Install(unittest.TestCase):
    def setUp(self):
        if not PYTHON.exists():
            self.skipTest("no .venv: ./setup.sh build creates it")
        self.tmp = tempfile.TemporaryDirectory()  # a folder outside the checkout
        self.cwd = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_the_environment_imports_this_checkouts_build_from_anywhere(self):
        p = python(PYTHON, "import seqmem; print(seqmem.__file__); print(seqmem._core.git_commit)", self.cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        where, commit = p.stdout.split()
        self.assertTrue(Path(where).resolve().is_relative_to(VENV.resolve()), where)
        version = subprocess.run([SEQMEM, "--version"], capture_output=True, text=True).stdout
        self.assertEqual(commit, re.search(r"^commit: (\S+)$", version, re.MULTILINE).group(1),
                         "the installed core is not this build's: run ./setup.sh build")
        installed = Path(where).parent
        for module in (ROOT / "analysis/python/seqmem").glob("*.py"):
            self.assertTrue(filecmp.cmp(module, installed / module.name, shallow=False),
                            f"{module.name} differs from the installed copy: run ./setup.sh build")

    def test_nothing_outside_the_checkout_imports_it(self):
        p = python("/usr/bin/python3", "import seqmem; print(seqmem.__file__)", self.cwd)
        if p.returncode == 0:  # another installation of seqmem on this machine, not this checkout's
            self.assertFalse(Path(p.stdout.strip()).resolve().is_relative_to(ROOT.resolve()), p.stdout)
        else:
            self.assertIn("No module named 'seqmem'", p.stderr)

    def test_the_kernels_are_the_environments(self):
        code = ("import json; from jupyter_client.kernelspec import KernelSpecManager as M; m = M(); "
                "print(json.dumps({k: m.get_kernel_spec(k).argv[0] for k in m.find_kernel_specs()}))")
        p = python(PYTHON, code, self.cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        kernels = json.loads(p.stdout)
        name = "seqmem-" + re.sub(r"[^A-Za-z0-9._-]", "-", ROOT.name).lower()  # Jupyter lower-cases kernel names
        for k in ("python3", name):
            self.assertIn(k, kernels)
            self.assertTrue(Path(kernels[k]).is_relative_to(VENV), kernels[k])

    def test_the_fit_command_is_installed(self):
        p = subprocess.run([str(VENV / "bin" / "seqmem-fit"), "--help"], capture_output=True, text=True,
                           cwd=self.cwd, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("--free", p.stdout)

    def test_the_readmes_python_runs_from_another_folder(self):
        readme = (ROOT / "README.md").read_text()
        code = re.search(r"```python\n(import seqmem\n.*?)```", readme, re.DOTALL).group(1)
        code = code.replace('"scenarios/', f'"{ROOT}/scenarios/')
        p = python(PYTHON, code, self.cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("10 [5 6 7 4 5 6 7 4]", p.stdout)

    def test_the_installed_package_finds_this_checkouts_scenarios(self):
        # the notebooks that default to a shipped scenario find it through the installed package
        # (once they looked 3 folders above seqmem/__init__.py: .venv/lib/... after pip)
        p = python(PYTHON, "import seqmem; print(seqmem.shipped_scenario('fig1_two_episodes.toml'))", self.cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(Path(p.stdout.strip()), ROOT / "scenarios" / "fig1_two_episodes.toml")
        p = python(PYTHON, "import seqmem; seqmem.shipped_scenario('no_such.toml')", self.cwd)
        self.assertIn("FileNotFoundError", p.stderr)

    def test_a_notebook_with_a_shipped_default_runs_with_the_readmes_command(self):
        # the free-recall notebook (its default: scenarios/free_recall_peers.toml), as a user runs it:
        # the environment's jupyter-execute, from another folder, without PYTHONPATH
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        p = subprocess.run([VENV / "bin" / "jupyter-execute", ROOT / "analysis/free_recall_peers.ipynb"],
                           cwd=self.cwd, capture_output=True, text=True, env=dict(env, SEQMEM_FIGDIR=self.cwd),
                           timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        self.assertTrue((Path(self.cwd) / "free_recall_peers.png").is_file())

    def test_the_readmes_notebook_command_runs_from_another_folder(self):
        # the command as README.md prints it, run from a folder outside the checkout: the notebook's
        # kernel is the environment's and imports this checkout's seqmem
        readme = (ROOT / "README.md").read_text()
        line = re.search(r"^SEQMEM_FILE=\$PWD/fig1\.h5 (\.venv/bin/jupyter-execute) (analysis/fig1_overlaps\.ipynb)$",
                         readme, re.MULTILINE)
        self.assertIsNotNone(line, "README.md no longer gives the Figure 1 notebook command")
        fig1 = Path(self.cwd) / "fig1.h5"
        run = subprocess.run([SEQMEM, "run", ROOT / "scenarios/fig1_two_episodes.toml", "-o", fig1, "-q",
                              "--set", "t_end=200"], capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        p = subprocess.run([ROOT / line.group(1), ROOT / line.group(2)], cwd=self.cwd, capture_output=True, text=True,
                           env=dict(os.environ, SEQMEM_FILE=str(fig1)), timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        self.assertNotIn("Error", p.stderr)


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Install)


if __name__ == "__main__":
    main()
