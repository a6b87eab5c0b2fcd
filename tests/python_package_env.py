"""What the Python package's tests share (tests/test_python_package.py, tests/test_python_runtime.py):
the build's package and command line (SEQMEM_BIN, set by tests/CMakeLists.txt), and the command
line's runs to compare with."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEQMEM = os.environ.get("SEQMEM_BIN", str(ROOT / "build/seqmem"))
sys.path.insert(0, str(Path(SEQMEM).resolve().parent / "python"))  # the build's package
import seqmem  # noqa: E402,F401  (the tests import it from here)

SC = ROOT / "scenarios"
# Attributes that name the process or the moment, not the result.
PROCESS = {"created", "history", "command_line", "wall_time_s"}


def cli(*args):
    p = subprocess.run([SEQMEM, *map(str, args)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p


def toml_value(v):
    """A Python value as TOML text, written here independently of the package's conversion."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, str):
        return '"' + v + '"'
    return repr(v)


def sets(overrides):
    return [a for k, v in overrides.items() for a in ("--set", f"{k}={toml_value(v)}")]


def assert_same_attrs(a, b, where):
    keys = set(a) - PROCESS
    assert keys == set(b) - PROCESS, where
    for k in keys:
        x, y = a[k], b[k]
        if isinstance(x, float) and np.isnan(x):
            assert np.isnan(y), (where, k)
        else:
            np.testing.assert_array_equal(x, y, err_msg=f"{where}@{k}")
