"""The command line shared by the Python tests: `/usr/bin/python3 tests/test_X.py /path/to/seqmem`,
unittest output, and a closing 'N passed, N failed' line (subtests of one test count once)."""

import sys
import unittest
from pathlib import Path


def seqmem_path():
    """The seqmem binary named on the command line, as an absolute path."""
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} /path/to/seqmem")
    return str(Path(sys.argv[1]).resolve())


def package_path():
    """The folder that holds the build's Python package seqmem (build/python, next to the
    binary named on the command line)."""
    return str(Path(seqmem_path()).parent / "python")


def import_seqmem():
    """The package seqmem of the build that made the binary named on the command line."""
    sys.path.insert(0, package_path())
    import seqmem
    return seqmem


def run(case):
    """Runs the TestCase class `case` and exits with 0 when everything passed."""
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len({getattr(t, "test_case", t).id() for t, _ in result.failures + result.errors})
    print(f"{max(0, result.testsRun - failed - len(result.skipped))} passed, {failed} failed")
    sys.exit(0 if result.wasSuccessful() else 1)
