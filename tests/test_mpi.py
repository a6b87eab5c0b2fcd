"""Sweeps and run grids over MPI ranks (a real `mpirun` of OpenMPI), job-array shards and `seqmem merge`:
the tables and datasets equal those of a single-process `-j 1` run; a SIGKILLed job resumes to the same
tables; bad shard specifications and bad merges exit with status 2, a message and no output.
A seqmem built without MPI must say so under mpirun (the only test then).

usage: /usr/bin/python3 tests/test_mpi.py /path/to/seqmem   (from the repository root)
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import h5py
import numpy as np

import unittest_main  # tests/unittest_main.py

SEQMEM = None
ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios/fig3_capacity_quick.toml")
# degrees 1-3, 3 seeds, K up to 24: 9 pairs of unequal cost, a few seconds on one core
SETS = ["--set", "sweep_degrees=[1, 2, 3]", "--set", "sweep_seeds=[1, 2, 3]", "--set", "K_max=24",
        "--set", "sweep_alpha_c=[0.2, 0.4, 0.6, 0.8, 1.0]"]
# OpenMPI refuses root without these (CI runs as root); --oversubscribe: more ranks than cores
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_btl="self,vader",
           OMPI_MCA_btl_vader_single_copy_mechanism="none",  # containers often forbid the CMA it uses
           OMPI_MCA_rmaps_base_oversubscribe="1")


def mpirun(n, *args, wait=True):
    cmd = ["mpirun", "--oversubscribe", "-np", str(n), SEQMEM, *args]
    if not wait:
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV, start_new_session=True)
    return subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=600)


def seqmem(*args):
    return subprocess.run([SEQMEM, *args], capture_output=True, text=True, timeout=600)


PROCESS = {"created", "history", "command_line"}  # the root attributes that name the process that wrote a file


def sweep_tables(path):
    """Every column of /evaluations and /capacity but the wall times, and the root attributes but
    those of the process (`created`, `history`, `command_line`)."""
    with h5py.File(path, "r") as f:
        cols = {f"{g}/{c}": f[g][c][()] for g in ("evaluations", "capacity") for c in f[g] if c != "wall_time_s"}
        attrs = {k: str(v) for k, v in f.attrs.items() if k not in PROCESS}
        return cols, attrs


def everything(path):
    """Every dataset and attribute of a file but wall times and the process's root attributes."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
            for k, v in obj.attrs.items():
                if "wall" not in k and k != "created" and k != "DIMENSION_LIST" and k != "REFERENCE_LIST":
                    out[f"{name}@{k}"] = str(v)
        f.visititems(visit)
        out.update({f"@{k}": str(v) for k, v in f.attrs.items() if k not in PROCESS})
    return out


class Mpi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls.tmp.name)
        cls.with_mpi = "with MPI" in seqmem("--version").stdout
        if cls.with_mpi:
            cls.ref = cls.dir / "ref.h5"
            t0 = time.monotonic()
            p = seqmem("sweep", SCENARIO, "-o", str(cls.ref), "-j", "1", "-q", *SETS)
            assert p.returncode == 0, p.stderr
            cls.ref_seconds = time.monotonic() - t0
            cls.ref_tables = sweep_tables(cls.ref)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        if not self.with_mpi and self._testMethodName != "test_build_without_mpi_says_so":
            self.skipTest("seqmem built without MPI (test_build_without_mpi_says_so covers it)")

    def assertSameFiles(self, one, other):
        """Every dataset and attribute of the two files equal (bitwise for numbers); returns the first's."""
        a, b = everything(one), everything(other)
        self.assertEqual(a.keys(), b.keys())
        for k in a:
            if isinstance(a[k], np.ndarray):
                np.testing.assert_array_equal(a[k], b[k], err_msg=k)
            else:
                self.assertEqual(a[k], b[k], k)
        return a

    def assertSameTables(self, path):
        cols, attrs = sweep_tables(path)
        ref_cols, ref_attrs = self.ref_tables
        self.assertEqual(cols.keys(), ref_cols.keys())
        for k in ref_cols:
            self.assertEqual(cols[k].dtype, ref_cols[k].dtype, k)
            np.testing.assert_array_equal(cols[k], ref_cols[k], err_msg=k)  # bitwise: equal doubles
        self.assertEqual(attrs, ref_attrs)

    def test_build_without_mpi_says_so(self):
        if self.with_mpi:
            self.assertIsNotNone(shutil.which("mpirun"), "built with MPI but mpirun is missing")
            return
        if shutil.which("mpirun") is None:
            self.skipTest("no mpirun here")
        p = mpirun(2, "validate", SCENARIO)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("built without MPI", p.stderr)

    def test_reference_has_unequal_pairs(self):
        cols, _ = self.ref_tables
        self.assertEqual(len(cols["capacity/capacity"]), 9)
        caps = dict(zip(zip(cols["capacity/degree"], cols["capacity/seed"]), cols["capacity/capacity"]))
        self.assertLess(caps[1, 1], 12)  # degree 1 ends early (quick-grid result: 4)
        self.assertEqual(caps[3, 1], 24)  # degree 3 reaches K_max

    def test_sweep_over_three_ranks_equals_one_process(self):
        out = self.dir / "np3.h5"
        p = mpirun(3, "sweep", SCENARIO, "-o", str(out), "-j", "1", *SETS)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.count("capacity:"), 1, "rank 0 alone prints")
        self.assertSameTables(out)

    def test_sweep_two_ranks_two_threads(self):
        out = self.dir / "np2j2.h5"
        p = mpirun(2, "sweep", SCENARIO, "-o", str(out), "-j", "2", "-q", *SETS)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertSameTables(out)

    def kill_midway(self, start, out):
        """Starts a sweep, waits for its first checkpoint (OUT.checkpoint), SIGKILLs its process group at a
        random moment after it (shorter waits if the sweep ended first) and returns True when nothing is
        under OUT's name and the checkpoint is an incomplete sweep file."""
        checkpoint = out.with_name(out.name + ".checkpoint")
        for fraction in (0.5, 0.25, 0.1, 0.0):
            for f in (out, checkpoint):
                if f.exists():
                    f.unlink()
            p = start()
            for _ in range(600):
                if checkpoint.exists() or p.poll() is not None:
                    break
                time.sleep(0.01)
            time.sleep(random.uniform(0.5, 1.0) * fraction * self.ref_seconds)
            os.killpg(p.pid, signal.SIGKILL)  # mpirun and every rank
            p.wait()
            time.sleep(0.2)
            if checkpoint.exists() and not out.exists():
                with h5py.File(checkpoint, "r") as f:  # the last checkpoint opens
                    if not f.attrs["complete"]:
                        return True
        return False

    def test_killed_job_resumes_to_the_same_tables(self):
        out = self.dir / "killed.h5"
        start = lambda: mpirun(3, "sweep", SCENARIO, "-o", str(out), "-j", "1", "-q", *SETS, wait=False)
        self.assertTrue(self.kill_midway(start, out), "never killed before the end")
        r = mpirun(3, "sweep", SCENARIO, "-o", str(out), "-j", "1", "-q", "--resume", *SETS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertSameTables(out)
        self.assertEqual([x for x in os.listdir(self.dir) if x.startswith("killed.h5.partial")], [])

    def test_one_rank_dying_ends_the_job_and_names_it(self):
        out = self.dir / "rankdied.h5"
        p = mpirun(3, "sweep", SCENARIO, "-o", str(out), "-j", "1", "-q", *SETS, "--set", "K_max=48", wait=False)
        victim = None
        for _ in range(200):  # rank 2, found by the environment mpirun gave it
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                except OSError:
                    continue
                if b"OMPI_COMM_WORLD_RANK=2" in env and b"OMPI_COMM_WORLD_SIZE=3" in env:
                    victim = int(pid)
            if victim and out.with_name(out.name + ".checkpoint").exists():
                break
            time.sleep(0.05)
        self.assertIsNotNone(victim, "rank 2 not found")
        time.sleep(0.3)
        os.kill(victim, signal.SIGKILL)
        _, err = p.communicate(timeout=120)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("rank 2", err.decode())  # mpirun names the rank that died
        self.assertFalse(out.exists(), "an unfinished sweep under the final name")
        with h5py.File(out.with_name(out.name + ".checkpoint"), "r") as f:  # the last complete checkpoint
            self.assertFalse(f.attrs["complete"])
        r = mpirun(3, "sweep", SCENARIO, "-o", str(out), "-j", "1", "-q", "--resume", *SETS, "--set", "K_max=48")
        self.assertEqual(r.returncode, 0, r.stderr)
        r1 = seqmem("sweep", SCENARIO, "-o", str(self.dir / "k48.h5"), "-j", "2", "-q", *SETS, "--set", "K_max=48")
        self.assertEqual(r1.returncode, 0, r1.stderr)
        a, b = sweep_tables(out), sweep_tables(self.dir / "k48.h5")
        for k in a[0]:
            np.testing.assert_array_equal(a[0][k], b[0][k], err_msg=k)

    def test_shards_merge_to_the_same_tables(self):
        parts = []
        for i in (1, 2, 3):
            part = self.dir / f"shard{i}.h5"
            p = seqmem("sweep", SCENARIO, "-o", str(part), "-j", "1", "-q", "--shard", f"{i}/3", *SETS)
            self.assertEqual(p.returncode, 0, p.stderr)
            parts.append(str(part))
        with h5py.File(parts[0], "r") as f:
            self.assertEqual((f.attrs["shard_index"], f.attrs["shard_count"]), (1, 3))
            self.assertEqual(len(f["capacity/capacity"]), 3)  # 9 pairs over 3 shards
        out = self.dir / "merged.h5"
        p = seqmem("merge", parts[2], parts[0], parts[1], "-o", str(out))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertSameTables(out)
        with h5py.File(out, "r") as f:
            self.assertNotIn("shard_count", f.attrs)

    def test_killed_shard_resumes(self):
        part = self.dir / "kshard.h5"
        args = ["sweep", SCENARIO, "-o", str(part), "-j", "1", "-q", "--shard", "1/2", *SETS]
        start = lambda: subprocess.Popen([SEQMEM, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True)
        self.assertTrue(self.kill_midway(start, part), "never killed before the end")
        r = seqmem(*args, "--resume")
        self.assertEqual(r.returncode, 0, r.stderr)
        # resuming it as another shard is refused
        other = seqmem("sweep", SCENARIO, "-o", str(part), "-q", "--shard", "2/2", "--resume", *SETS)
        self.assertEqual(other.returncode, 2)
        self.assertIn("shard 1/2", other.stderr)
        part2 = self.dir / "kshard2.h5"
        self.assertEqual(seqmem("sweep", SCENARIO, "-o", str(part2), "-q", "--shard", "2/2", *SETS).returncode, 0)
        out = self.dir / "kmerged.h5"
        self.assertEqual(seqmem("merge", str(out), str(part), str(part2)).returncode, 0)  # the form of seqmem 0.1
        self.assertSameTables(out)

    def test_bad_shards_and_merges(self):
        for bad in ("3/2", "0/0", "0/3", "1/0", "-1/2", "2", "a/b", "1/2/3"):
            with self.subTest(shard=bad):
                out = self.dir / "bad.h5"
                p = seqmem("sweep", SCENARIO, "-o", str(out), "-q", "--shard", bad, *SETS)
                self.assertEqual(p.returncode, 2)
                self.assertIn("--shard", p.stderr)
                self.assertFalse(out.exists())
        a = [self.dir / f"m{i}.h5" for i in (1, 2)]
        for i, path in enumerate(a, 1):
            self.assertEqual(seqmem("sweep", SCENARIO, "-o", str(path), "-q", "--shard", f"{i}/2", *SETS).returncode, 0)
        other = self.dir / "other.h5"  # another scenario text
        literal = str(ROOT / "scenarios/fig3_reading_literal.toml")
        self.assertEqual(seqmem("sweep", literal, "-o", str(other), "-q", "--shard", "2/2", *SETS).returncode, 0)
        three = self.dir / "of3.h5"  # another split
        self.assertEqual(seqmem("sweep", SCENARIO, "-o", str(three), "-q", "--shard", "2/3", *SETS).returncode, 0)
        cases = {
            "missing": ([a[0]], "shard 2 of 2 missing"),
            "twice": ([a[0], a[1], a[1]], "given twice"),
            "other scenario": ([a[0], other], "another scenario text"),
            "other split": ([a[0], three], "another split"),
            "not a shard": ([a[0], self.ref], "not a shard"),
            "no file": ([a[0], self.dir / "none.h5"], "none.h5: merge: no such file"),
        }
        for name, (files, message) in cases.items():
            with self.subTest(merge=name):
                out = self.dir / "bad_merge.h5"
                p = seqmem("merge", *map(str, files), "-o", str(out))
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(message, p.stderr)
                self.assertEqual(p.stderr.count("\n"), 1, "one line")
                self.assertFalse(out.exists())
        # an existing output is never replaced, but with --overwrite
        p = seqmem("merge", str(a[0]), str(a[1]), "-o", str(self.ref))
        self.assertEqual(p.returncode, 2)
        self.assertIn("exists; replace it with --overwrite", p.stderr)
        self.assertSameTables(self.ref)
        merged = self.dir / "again.h5"
        self.assertEqual(seqmem("merge", str(a[0]), str(a[1]), "-o", str(merged)).returncode, 0)
        self.assertEqual(seqmem("merge", str(a[0]), str(a[1]), "-o", str(merged), "--overwrite").returncode, 0)

    def test_run_grid_over_three_ranks_equals_one_process(self):
        grid = self.dir / "grid.toml"
        text = (ROOT / "scenarios/fig1_two_episodes.toml").read_text().replace("t_end = 1000.0", "t_end = 150.0")
        grid.write_text(text + "\n[runs]\ngrid = { alpha_c = [0.005, 0.007, 0.009], seed = [1, 2] }\n")
        one, three = self.dir / "grid1.h5", self.dir / "grid3.h5"
        p = seqmem("run", str(grid), "-o", str(one), "-j", "1", "-q")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = mpirun(3, "run", str(grid), "-o", str(three), "-j", "1", "-q")
        self.assertEqual(p.returncode, 0, p.stderr)
        a = self.assertSameFiles(one, three)
        self.assertGreater(sum(1 for k in a if k.startswith("runs/r0005/")), 5)
        self.assertEqual([x for x in os.listdir(self.dir) if ".partial" in x], [])

    def test_sequence_family_over_ranks_equals_one_process(self):
        # the maps (a [runs] list over kinds) and EDEN (a grid of seeds): the same bytes from 1
        # process on 1 thread as from 3 ranks on 2 threads each
        eden = self.dir / "eden_grid.toml"
        eden.write_text((ROOT / "scenarios/eden_run.toml").read_text().replace("t_end = 1000.0", "t_end = 100.0")
                        + "\n[runs]\ngrid = { seed = [1, 2, 3] }\n")
        for scenario in (ROOT / "scenarios/family_runs.toml", eden):
            with self.subTest(scenario=scenario.name):
                one, three = self.dir / f"{scenario.stem}1.h5", self.dir / f"{scenario.stem}3.h5"
                p = seqmem("run", str(scenario), "-o", str(one), "-j", "1", "-q")
                self.assertEqual(p.returncode, 0, p.stderr)
                p = mpirun(3, "run", str(scenario), "-o", str(three), "-j", "2", "-q")
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("runs/r0002/overlaps", self.assertSameFiles(one, three))

    def test_likelihood_fit_over_ranks_equals_one_process(self):
        # seqmem-fit --objective likelihood under mpirun: 3 ranks fit subjects 0, 3, ... / 1, 4, ... / ...
        # and rank 0 writes the same tables as one process; a rank that fails alone ends the job
        sys.path.insert(0, unittest_main.package_path())
        import seqmem

        ev = seqmem.likelihood.sample_events({"beta_enc": 0.4, "tau": 1.0, "beta_list": 0.4, "p_eli": 0.02},
                                             model="across", subjects=5, sessions=2, lists=3, length=8, seed=4)
        data = self.dir / "events.csv"
        ev.to_csv(data, index=False)
        env = dict(ENV, PYTHONPATH=unittest_main.package_path())
        fit = [sys.executable, "-m", "seqmem.fit", str(data), "--objective", "likelihood", "--model", "across",
               "--quick"]
        p = subprocess.run([*fit, "-o", str(self.dir / "fit1"), "--processes", "1"], capture_output=True, text=True,
                           env=env, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = subprocess.run(["mpirun", "--oversubscribe", "-np", "3", "-x", "PYTHONPATH", *fit, "-o",
                            str(self.dir / "fit3")], capture_output=True, text=True, env=env, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("on 3 rank(s)", p.stderr)
        for suffix in (".csv", "_lists.csv"):
            self.assertEqual((self.dir / f"fit1{suffix}").read_bytes(), (self.dir / f"fit3{suffix}").read_bytes())
        with h5py.File(self.dir / "fit1.h5", "r") as a, h5py.File(self.dir / "fit3.h5", "r") as b:
            self.assertEqual(int(b.attrs["ranks"]) if "ranks" in b.attrs else None, 3)
            for k in a:
                if isinstance(a[k], h5py.Dataset):
                    np.testing.assert_array_equal(a[k][()], b[k][()], err_msg=k)
        cmd = ["mpirun", "--oversubscribe", "-np", "1", "-x", "PYTHONPATH", *fit, "-o", str(self.dir / "never"), ":",
               "-np", "1", "-x", "PYTHONPATH", *[str(self.dir / "none.csv") if x == str(data) else x for x in fit],
               "-o", str(self.dir / "never")]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("seqmem-fit: rank 1: error: ", p.stderr)
        self.assertEqual([x for x in os.listdir(self.dir) if x.startswith("never")], [])

    def test_bad_input_under_mpirun(self):
        out = self.dir / "never.h5"
        p = mpirun(3, "sweep", SCENARIO, "-o", str(out), "--set", "K_max=0")
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stderr.count("seqmem: error"), 1, "rank 0 alone says it")
        self.assertFalse(out.exists())
        # one rank alone fails (a file it cannot read) or differs (other overrides): no hang, that rank says why
        for other, message in ((["sweep", str(self.dir / "none.toml")], "rank 1: error"),
                               (["sweep", SCENARIO, *SETS, "--set", "K_max=8"], "rank 1: error: its scenario text")):
            with self.subTest(other=other[1]):
                cmd = ["mpirun", "--oversubscribe", "-np", "1", SEQMEM, "sweep", SCENARIO, "-o", str(out), *SETS, ":",
                       "-np", "1", SEQMEM, *other, "-o", str(out)]
                p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=120)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn(message, p.stderr)
                self.assertFalse(out.exists())
        grid = self.dir / "g_bad.toml"
        grid.write_text((ROOT / "scenarios/fig1_two_episodes.toml").read_text() + "\n[runs]\ngrid = { seed = [1, 2] }\n")
        cmd = ["mpirun", "--oversubscribe", "-np", "1", SEQMEM, "run", str(grid), "-o", str(out), ":",
               "-np", "1", SEQMEM, "run", str(self.dir / "none.toml"), "-o", str(out)]
        p = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=120)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("rank 1: error", p.stderr)
        self.assertFalse(out.exists())
        self.assertEqual([x for x in os.listdir(self.dir) if x.startswith("never.h5.partial")], [])
        p = mpirun(2, "sweep", SCENARIO, "-o", str(self.ref), *SETS)  # exists: refused, untouched
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("exists", p.stderr)
        self.assertSameTables(self.ref)


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Mpi)


if __name__ == "__main__":
    main()
