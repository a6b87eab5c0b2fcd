"""`seqmem sweep` interrupted by SIGINT and by SIGKILL: nothing appears under the output's name, the
checkpoint beside it (OUT.checkpoint) opens and holds the evaluations written so far, SIGINT says
where it is and how to go on, and `--resume` completes it to the same tables as an uninterrupted
sweep (the checkpoint then goes).

usage: /usr/bin/python3 tests/test_sweep_resume.py /path/to/seqmem   (from the repository root)
"""

import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import h5py
import numpy as np

import unittest_main  # tests/unittest_main.py

SEQMEM = None
ROOT = Path(__file__).resolve().parent.parent
# a small grid: degrees 2 and 3, 3 seeds, K up to 24 (a few seconds on one core)
SETS = ["--set", "sweep_degrees=[2, 3]", "--set", "sweep_seeds=[1, 2, 3]", "--set", "K_max=24",
        "--set", "sweep_alpha_c=[0.4, 0.6, 0.8, 1.0]"]
COLUMNS = ["config", "degree", "seed", "K", "alpha_c", "success", "outcome", "cycles", "t_first_error", "t_stop"]


def sweep(out, *extra, wait=True):
    cmd = [SEQMEM, "sweep", str(ROOT / "scenarios/fig3_capacity_quick.toml"), "-o", str(out), "-j", "2", "-q",
           *SETS, *extra]
    if not wait:
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"seqmem sweep failed ({p.returncode}): {p.stderr}")
    return p


def tables(path):
    with h5py.File(path, "r") as f:
        ev = {c: f["evaluations"][c][()] for c in COLUMNS}
        cap = {c: f["capacity"][c][()] for c in ("config", "degree", "seed", "capacity")}
        return ev, cap, bool(f.attrs["complete"])


class SweepResume(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls.tmp.name)
        cls.ref = cls.dir / "ref.h5"
        t0 = time.monotonic()
        sweep(cls.ref)
        cls.ref_seconds = time.monotonic() - t0
        cls.ref_ev, cls.ref_cap, complete = tables(cls.ref)
        assert complete

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_reference_is_sane(self):
        self.assertEqual(len(self.ref_cap["capacity"]), 6)  # 2 degrees x 3 seeds
        self.assertTrue((self.ref_cap["capacity"] >= 2).all())
        self.assertTrue((np.diff(self.ref_ev["K"][self.ref_ev["degree"] == 2]) >= -24).all())

    def interrupted(self, sig, name):
        out = self.dir / name
        checkpoint = self.dir / (name + ".checkpoint")
        p = sweep(out, wait=False)
        time.sleep(min(1.5, 0.4 * self.ref_seconds))
        p.send_signal(sig)
        _, err = p.communicate()
        # nothing under the final name; the checkpoint opens and holds what was written before the signal
        self.assertFalse(out.exists(), "an unfinished sweep under the final name")
        ev, cap, complete = tables(checkpoint)
        self.assertFalse(complete, "interrupted too late: the sweep had finished")
        self.assertLess(len(ev["K"]), len(self.ref_ev["K"]))
        if sig == signal.SIGINT:  # says where the checkpoint is and how to go on
            self.assertIn(f"interrupted; the checkpoint {checkpoint} keeps", err.decode())
            self.assertIn("--resume", err.decode())
        # without --resume the checkpoint is not thrown away
        p2 = subprocess.run([SEQMEM, "sweep", str(ROOT / "scenarios/fig3_capacity_quick.toml"), "-o", str(out), "-q",
                             *SETS], capture_output=True, text=True)
        self.assertEqual(p2.returncode, 2)
        self.assertIn(f"the checkpoint {checkpoint} of an interrupted sweep exists; continue it with --resume", p2.stderr)
        # resume: only the missing evaluations, then the same tables as without interruption
        done = len(ev["K"])
        r = sweep(out, "--resume")
        self.assertIn(f"{done} reused", r.stdout.replace(" reused from the file", " reused"))
        ev2, cap2, complete2 = tables(out)
        self.assertTrue(complete2)
        self.assertFalse(checkpoint.exists(), "the checkpoint outlived the finished sweep")
        for c in COLUMNS:
            np.testing.assert_array_equal(ev2[c], self.ref_ev[c], err_msg=c)
        for c in cap2:
            np.testing.assert_array_equal(cap2[c], self.ref_cap[c], err_msg=c)

    def test_sigint_then_resume(self):
        self.interrupted(signal.SIGINT, "int.h5")

    def test_sigkill_then_resume(self):
        self.interrupted(signal.SIGKILL, "kill.h5")

    def test_existing_output_needs_resume(self):
        p = subprocess.run([SEQMEM, "sweep", str(ROOT / "scenarios/fig3_capacity_quick.toml"), "-o", str(self.ref),
                            "-q", *SETS], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("exists; replace it with --overwrite, or, if it is this sweep's own output, continue it with --resume", p.stderr)

    def test_resume_refuses_another_scenario(self):
        p = subprocess.run([SEQMEM, "sweep", str(ROOT / "scenarios/fig3_capacity_quick.toml"), "-o", str(self.ref),
                            "-q", "--resume", *SETS, "--set", "K_max=30"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("other --set overrides", p.stderr)


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(SweepResume)


if __name__ == "__main__":
    main()
