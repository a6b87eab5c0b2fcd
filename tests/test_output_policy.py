"""What every command promises about the files it writes and reads (docs/guide.md, "Output files"):

- the same output options everywhere: -o, --overwrite (and --resume for sweeps), an existing output
  refused with the same advice by run, sweep, merge and events;
- a failed write to standard output (a full disk: /dev/full, the kernel's full device) is an error (exit 2, "cannot write
  standard output: no space left on device"), for every command that prints;
- the final name holds only complete files: a sweep keeps its checkpoints beside it, and a full disk
  during a sweep leaves nothing under the final name;
- names near the file system's limit: a legal output name of up to NAME_MAX bytes works (the names
  beside it fit), one beyond is refused naming the user's path, before any work;
- a file that cannot be read says why: missing, a directory, permission denied, locked by another
  process, not HDF5, empty, truncated.

usage: /usr/bin/python3 tests/test_output_policy.py /path/to/seqmem /path/to/libenospc_shim.so
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py

import unittest_main  # tests/unittest_main.py

SEQMEM = None
SHIM = None
ROOT = Path(__file__).resolve().parent.parent
FIG1 = str(ROOT / "scenarios/fig1_two_episodes.toml")
QUICK = str(ROOT / "scenarios/fig3_capacity_quick.toml")
PEERS = str(ROOT / "scenarios/free_recall_peers.toml")
SMALL_SWEEP = ["--set", "sweep_degrees=[2]", "--set", "sweep_seeds=[1]", "--set", "K_max=8",
               "--set", "sweep_alpha_c=[1.0]"]
SHORT = ["--set", "t_end=5"]


def run(*args, env=None, stdout=None, cwd=None):
    return subprocess.run([SEQMEM, *map(str, args)], stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env, timeout=300, cwd=cwd)


class OutputPolicy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp_all = tempfile.TemporaryDirectory()
        cls.shared = Path(cls.tmp_all.name)
        cls.recall = cls.shared / "recall.h5"
        assert run("run", PEERS, "-o", cls.recall, "-q", "--set", "lists=2", "--set", "subjects=2").returncode == 0
        cls.shards = [cls.shared / f"s{i}.h5" for i in (1, 2)]
        for i, s in enumerate(cls.shards, 1):
            assert run("sweep", QUICK, "-o", s, "-q", "--shard", f"{i}/2", *SMALL_SWEEP,
                       "--set", "sweep_seeds=[1, 2]").returncode == 0

    @classmethod
    def tearDownClass(cls):
        cls.tmp_all.cleanup()

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="seqmem_policy_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def commands(self, out):
        """Every command that writes a file, writing `out`."""
        return {
            "run": ["run", FIG1, "-o", out, "-q", *SHORT],
            "sweep": ["sweep", QUICK, "-o", out, "-q", *SMALL_SWEEP],
            "merge": ["merge", *self.shards, "-o", out, "-q"],
            "events": ["events", self.recall, "-o", out],
        }

    # --- the same output options for every command -----------------------------------------------

    def test_every_writing_command_takes_the_same_output_options(self):
        for name, args in self.commands(self.tmp / "out.file").items():
            with self.subTest(command=name):
                out = self.tmp / "out.file"
                out.unlink(missing_ok=True)
                self.assertEqual(run(*args).returncode, 0, name)
                first = out.read_bytes()
                again = run(*args)
                self.assertEqual(again.returncode, 2, again.stderr)
                self.assertIn(f"{out}: exists;", again.stderr)
                self.assertIn("--overwrite", again.stderr)
                self.assertEqual(out.read_bytes(), first, "a refused command changed the file")
                p = run(*args, "--overwrite")
                self.assertEqual(p.returncode, 0, p.stderr)
        p = run("sweep", QUICK, "-o", self.tmp / "x.h5", "--overwrite", "--resume", *SMALL_SWEEP)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"--overwrite.*--resume|--resume.*--overwrite")

    # --- write errors ----------------------------------------------------------------------------

    def test_a_full_standard_output_is_an_error(self):
        cases = {
            "events": ["events", self.recall],
            "keys": ["keys"],
            "validate": ["validate", FIG1],
            "run summary": ["run", FIG1, "-o", self.tmp / "r.h5", "-q", *SHORT],
            "sweep table": ["sweep", QUICK, "-o", self.tmp / "s.h5", "-q", *SMALL_SWEEP],
            "merge table": ["merge", *self.shards, "-o", self.tmp / "m.h5", "-q"],
        }
        # Standard output is the kernel's full device (writes fail with ENOSPC): /dev/full, or a node
        # made for the test where a container lacks it. Never open /dev/full by name when it is not the
        # device: that would create a regular file in /dev that accepts everything.
        full_device = self.full_device()
        for name, args in cases.items():
            with self.subTest(command=name), open(full_device, "w") as full:
                p = run(*args, stdout=full)
                self.assertEqual(p.returncode, 2, p.stderr)
                out = args[args.index("-o") + 1] if "-o" in args else None
                if out is None:
                    self.assertIn("cannot write standard output: no space left on device", p.stderr)
                else:  # the file was complete before its summary failed: it stays, and the message says so
                    self.assertIn(f"cannot write standard output ({out} was written and is complete): no space left "
                                  "on device", p.stderr)
                    with h5py.File(out, "r") as f:
                        self.assertNotEqual(f.attrs.get("complete", 1), 0)

    def full_device(self):
        def is_full_device(path):
            try:
                st = path.stat()
            except OSError:
                return False
            return stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 7)
        if is_full_device(Path("/dev/full")):
            return Path("/dev/full")
        made = self.tmp / "full"
        try:
            os.mknod(made, stat.S_IFCHR | 0o666, os.makedev(1, 7))
            with open(made, "w") as f:  # a nodev mount refuses to open it
                pass
        except OSError as e:
            self.skipTest(f"no full device: /dev/full is missing or not the device, and mknod failed ({e})")
        return made

    def test_a_folder_that_refuses_new_files_is_named_up_front(self):
        # /proc passes the permission checks for root, yet refuses every new file; the message names
        # the user's path, not the partial file's, in one line, before any work
        if not Path("/proc/self").exists():
            self.skipTest("no /proc")
        for args in (["run", FIG1, *SHORT], ["sweep", QUICK, *SMALL_SWEEP]):
            with self.subTest(command=args[0]):
                p = run(*args, "-o", "/proc/seqmem-test.h5", "-q")
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertRegex(p.stderr, r"^seqmem: error: /proc/seqmem-test\.h5: the folder '/proc' refuses new files\n$")

    # --- the final name holds only complete files ------------------------------------------------

    def test_a_full_disk_during_a_sweep_leaves_nothing_under_the_final_name(self):
        out = self.tmp / "sweep.h5"
        checkpoint = self.tmp / "sweep.h5.checkpoint"
        for after in (0, 20000):  # the first checkpoint, a later one
            with self.subTest(after=after):
                env = dict(os.environ, LD_PRELOAD=SHIM, SEQMEM_ENOSPC_AFTER=str(after), SEQMEM_ENOSPC_MATCH=".partial-")
                p = run("sweep", QUICK, "-o", out, "-q", "--overwrite", "--set", "K_max=40",
                        "--set", "sweep_degrees=[2, 3]", "--set", "sweep_seeds=[1, 2]",
                        "--set", "sweep_alpha_c=[0.5, 1.0]", env=env)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(f"cannot write {out}: no space left on device", p.stderr)
                self.assertFalse(out.exists(), "an unfinished sweep under the final name")
                if checkpoint.exists():  # the last good checkpoint is named, with what to do
                    self.assertIn(f"the checkpoint {checkpoint} keeps", p.stderr)
                    with h5py.File(checkpoint, "r") as f:
                        self.assertFalse(f.attrs["complete"])
                self.assertEqual([x.name for x in self.tmp.iterdir() if ".partial-" in x.name], [])

    def test_readers_refuse_an_unfinished_sweep(self):
        sys.path.insert(0, str(Path(SEQMEM).parent / "python"))
        import seqmem
        out = self.tmp / "q.h5"
        self.assertEqual(run("sweep", QUICK, "-o", out, "-q", *SMALL_SWEEP).returncode, 0)
        unfinished = self.tmp / "q.h5.checkpoint"
        shutil.copy(out, unfinished)
        with h5py.File(unfinished, "r+") as f:
            f.attrs["complete"] = 0
        with self.assertRaisesRegex(ValueError, "unfinished sweep"):
            seqmem.sweep_tables(unfinished)
        with self.assertWarnsRegex(UserWarning, "unfinished sweep"):
            ev, cap = seqmem.sweep_tables(unfinished, partial=True)
        self.assertGreater(len(ev), 0)
        ev, cap = seqmem.sweep_tables(out)  # a finished one, silently
        self.assertEqual(len(cap), 1)

    # --- names near the file system's limit ------------------------------------------------------

    def test_output_names_up_to_the_limit(self):
        name_max = os.pathconf(self.tmp, "PC_NAME_MAX")
        for command in ("run", "sweep"):
            with self.subTest(command=command):
                out = self.tmp / ("x" * (name_max - 3) + ".h5")  # a legal name of NAME_MAX bytes
                p = run(*self.commands(out)[command])
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertTrue(out.exists())
                self.assertEqual([x.name for x in self.tmp.iterdir() if x != out], [])
                out.unlink()
        too_long = self.tmp / ("y" * (name_max + 1))
        p = run(*self.commands(too_long)["run"])
        self.assertEqual(p.returncode, 2)
        self.assertIn(f"{too_long}: the file name is {name_max + 1} bytes, more than this file system allows", p.stderr)

    def test_an_interrupted_sweep_with_a_long_name_keeps_a_checkpoint_that_fits(self):
        name_max = os.pathconf(self.tmp, "PC_NAME_MAX")
        out = self.tmp / ("z" * (name_max - 3) + ".h5")
        env = dict(os.environ, LD_PRELOAD=SHIM, SEQMEM_ENOSPC_AFTER="40000", SEQMEM_ENOSPC_MATCH=".partial-")
        p = run("sweep", QUICK, "-o", out, "-q", "--set", "K_max=40", "--set", "sweep_degrees=[2, 3]",
                "--set", "sweep_seeds=[1, 2]", "--set", "sweep_alpha_c=[0.5, 1.0]", env=env)
        self.assertEqual(p.returncode, 2, p.stderr)
        kept = [x for x in self.tmp.iterdir() if x.name.endswith(".checkpoint")]
        self.assertEqual(len(kept), 1, p.stderr)
        self.assertLessEqual(len(kept[0].name), name_max)
        self.assertIn(str(kept[0]), p.stderr)
        p = run("sweep", QUICK, "-o", out, "-q", "--resume", "--set", "K_max=40", "--set", "sweep_degrees=[2, 3]",
                "--set", "sweep_seeds=[1, 2]", "--set", "sweep_alpha_c=[0.5, 1.0]")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([x.name for x in self.tmp.iterdir()], [out.name])

    # --- files that cannot be read say why -------------------------------------------------------

    def test_a_file_that_cannot_be_read_says_why(self):
        good = self.tmp / "good.h5"
        shutil.copy(self.recall, good)
        empty = self.tmp / "empty.h5"
        empty.write_bytes(b"")
        text = self.tmp / "text.h5"
        text.write_text("subject,list\n1,1\n")
        truncated = self.tmp / "truncated.h5"
        truncated.write_bytes(good.read_bytes()[:4000])
        cases = {
            "missing": (self.tmp / "none.h5", "no such file"),
            "directory": (self.tmp, "is a directory, not an HDF5 file"),
            "empty": (empty, "an empty file, not HDF5"),
            "not HDF5": (text, "not an HDF5 file"),
            "truncated": (truncated, "truncated: the file is shorter than its HDF5 header says"),
        }
        for name, (path, why) in cases.items():
            with self.subTest(case=name):
                for args in (["events", path], ["merge", path, self.shards[1], "-o", self.tmp / "m.h5"]):
                    p = run(*args)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertIn(f"{path}", p.stderr)
                    self.assertIn(why, p.stderr)
                    self.assertNotIn("internal error", p.stderr)
        # held open for writing by another process: locked, not broken
        with h5py.File(good, "a"):
            p = run("events", good)
            self.assertEqual(p.returncode, 2)
            self.assertIn(f"{good}: locked by another process that has it open for writing", p.stderr)
            shard = self.tmp / "s1.h5"
            shutil.copy(self.shards[0], shard)
            with h5py.File(shard, "a"):
                p = run("merge", shard, self.shards[1], "-o", self.tmp / "m.h5")
                self.assertIn(f"{shard}: merge: locked by another process", p.stderr)
            checkpoint = self.tmp / "c.h5.checkpoint"
            shutil.copy(self.shards[0], checkpoint)
            with h5py.File(checkpoint, "a"):
                p = run("sweep", QUICK, "-o", self.tmp / "c.h5", "--resume", "-q", *SMALL_SWEEP)
                self.assertIn(f"{checkpoint}: --resume: locked by another process", p.stderr)
        self.assertEqual(run("events", good, stdout=subprocess.DEVNULL).returncode, 0)

    def test_permission_denied(self):
        locked = self.tmp / "private.h5"
        shutil.copy(self.recall, locked)
        locked.chmod(0)
        args = [SEQMEM, "events", str(locked)]
        if os.geteuid() == 0:  # root reads anything: run as nobody
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                self.skipTest("root without setpriv")
            self.tmp.chmod(0o755)
            args = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *args]
        p = subprocess.run(args, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"{locked}: permission denied", p.stderr)


def main():
    global SEQMEM, SHIM
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} /path/to/seqmem /path/to/libenospc_shim.so")
    SEQMEM, SHIM = str(Path(sys.argv[1]).resolve()), str(Path(sys.argv[2]).resolve())
    sys.argv[1:] = [SEQMEM]
    unittest_main.run(OutputPolicy)


if __name__ == "__main__":
    main()
