"""What the command line promises when things go wrong, tried the way they go wrong for users:
a full disk (an LD_PRELOAD shim that fails writes with ENOSPC, and a real small tmpfs where this
machine lets us mount one), a killed run, an output named like an input, an existing output,
memory over a 10^6-sample run, uninitialised bytes in files (valgrind), byte-identical files for
the same scenario, and runs that must end although the dynamics explode.

usage: /usr/bin/python3 tests/test_robustness.py /path/to/seqmem /path/to/libenospc_shim.so
"""

import math
import os
import re
import shutil
import signal
import socket
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
SHIM = None
ROOT = Path(__file__).resolve().parent.parent
FIG1 = str(ROOT / "scenarios/fig1_two_episodes.toml")
QUICK = str(ROOT / "scenarios/fig3_capacity_quick.toml")
SMALL_SWEEP = ["--set", "sweep_degrees=[2]", "--set", "sweep_seeds=[1]", "--set", "K_max=8",
               "--set", "sweep_alpha_c=[1.0]"]
# Runs of different lengths, so that with two threads they finish out of order.
GRID = """[memories]
K = 5
[episodes]
cycles = [[1, 2, 3, 4, 5]]
[model]
N_f = 40
alpha_c = 0.5
[integrator]
t_end = 30
[record]
states = ["V_f"]
[runs]
grid = { seed = [1, 2, 3, 4], t_end = [200.0, 5.0, 60.0] }
"""
DIFFUSION = """[model]
kind = "diffusion"
dynamics = "probability_flow"
[patterns]
D = 2
N = 0
Y_file = "Y.csv"
[cue]
cue_noise = 0.3
[integrator]
t_end = 0.9
[trajectories]
trajectories = 8
"""


def run(*args, env=None, timeout=300):
    return subprocess.run([SEQMEM, *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout)


def shim_env(after, match=".partial-"):
    env = dict(os.environ)
    env.update(LD_PRELOAD=SHIM, SEQMEM_ENOSPC_AFTER=str(after), SEQMEM_ENOSPC_MATCH=match)
    return env


def peak_rss_kb(args):
    """Runs seqmem and returns (exit status, its own peak resident memory in KiB)."""
    p = subprocess.Popen([SEQMEM, *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, usage.ru_maxrss


class Robustness(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="seqmem_robust_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def leftovers(self):
        return sorted(p.name for p in self.tmp.iterdir() if ".partial-" in p.name)

    # --- a full disk --------------------------------------------------------------------------

    def test_full_disk_run(self):
        out = self.tmp / "out.h5"
        for after in (0, 3000, 60000):  # at the file's creation, in its header, in the samples
            with self.subTest(after=after):
                p = run("run", FIG1, "-o", out, "-q", env=shim_env(after))
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(f"cannot write {out}: no space left on device", p.stderr)
                self.assertNotIn("internal error", p.stderr)
                self.assertFalse(out.exists())
                self.assertEqual(self.leftovers(), [])

    def test_full_disk_with_parallel_runs_says_it_once(self):
        grid = self.tmp / "grid.toml"
        grid.write_text(GRID)
        p = run("run", grid, "-o", self.tmp / "g.h5", "-q", "-j", "2", env=shim_env(30000))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stderr.strip().count("\n"), 0, p.stderr[:2000])  # one line, no HDF5 diagnostics
        self.assertIn("no space left on device", p.stderr)
        self.assertEqual(self.leftovers(), [])

    def test_two_commands_writing_the_same_output(self):
        # the slower one finds OUT written by the faster one when it finishes: it keeps its result aside
        out = self.tmp / "x.h5"
        slow = subprocess.Popen([SEQMEM, "run", FIG1, "-o", out, "-q", "--set", "t_end=20000"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3)
        fast = run("run", FIG1, "-o", out, "-q", "--set", "t_end=3")
        self.assertEqual(fast.returncode, 0, fast.stderr)
        _, err = slow.communicate(timeout=300)
        self.assertEqual(slow.returncode, 2, err)
        self.assertIn(f"cannot write {out}: it appeared while this command ran", err)
        with h5py.File(out, "r") as f:
            self.assertEqual(f["runs/r0000/time"][-1], 3.0)  # the fast one's file, untouched
        kept = [p for p in self.tmp.iterdir() if ".kept-" in p.name]
        self.assertEqual(len(kept), 1, list(self.tmp.iterdir()))
        with h5py.File(kept[0], "r") as f:
            self.assertEqual(f["runs/r0000/time"][-1], 20000.0)
        self.assertEqual(self.leftovers(), [])

    def test_sighup_removes_the_partial_files(self):
        out = self.tmp / "out.h5"
        p = subprocess.Popen([SEQMEM, "run", FIG1, "-o", out, "-q", "--set", "t_end=1e5"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if self.leftovers():
                break
            time.sleep(0.05)
        time.sleep(0.3)
        p.send_signal(signal.SIGHUP)
        p.wait()
        self.assertEqual(self.leftovers(), [])
        self.assertFalse(out.exists())

    def test_full_disk_never_replaces_a_good_file(self):
        out = self.tmp / "sweep.h5"
        p = run("sweep", QUICK, "-o", out, "-q", *SMALL_SWEEP)
        self.assertEqual(p.returncode, 0, p.stderr)
        good = out.read_bytes()
        for after in (0, 5000):
            p = run("sweep", QUICK, "-o", out, "-q", "--resume", *SMALL_SWEEP, env=shim_env(after))
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(f"cannot write {out}: no space left on device", p.stderr)
            self.assertEqual(out.read_bytes(), good)
            self.assertEqual(self.leftovers(), [])
        # a run over an existing file (--overwrite) on a full disk leaves the old file as it was
        run_out = self.tmp / "run.h5"
        self.assertEqual(run("run", FIG1, "-o", run_out, "-q", "--set", "t_end=10").returncode, 0)
        old = run_out.read_bytes()
        p = run("run", FIG1, "-o", run_out, "-q", "--overwrite", env=shim_env(20000))
        self.assertEqual(p.returncode, 2)
        self.assertEqual(run_out.read_bytes(), old)

    def test_full_disk_on_a_real_small_filesystem(self):
        # a 64 KiB tmpfs in a private mount namespace: needs root and permission to mount
        if shutil.which("unshare") is None or os.geteuid() != 0:
            self.skipTest("needs root and unshare (the shim test covers the logic)")
        mnt = self.tmp / "small"
        mnt.mkdir()
        script = (f"mount -t tmpfs -o size=64k tmpfs {mnt} || exit 77; "
                  f"'{SEQMEM}' run '{FIG1}' -o {mnt}/out.h5 -q; echo \"rc=$?\"; ls -A {mnt}")
        p = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120)
        if p.returncode == 77 or "rc=" not in p.stdout:
            self.skipTest(f"cannot mount a tmpfs here: {p.stderr.strip()}")
        self.assertIn("rc=2", p.stdout)
        self.assertIn("no space left on device", p.stderr)
        self.assertEqual(p.stdout.split("rc=2", 1)[1].strip(), "", "files left on the full filesystem")

    # --- debris and existing outputs -----------------------------------------------------------

    def test_stale_partial_files_are_removed_with_a_note(self):
        out = self.tmp / "out.h5"
        host = socket.gethostname().replace("-", "_").replace("/", "_")
        dead = 4194304 + 12345  # above pid_max on Linux: no such process
        mine_new, mine_old = self.tmp / f"out.h5.partial-{host}-{dead}", self.tmp / f"out.h5.partial-{dead}"
        other = self.tmp / "out.h5.partial-otherhost-1"
        for f in (mine_new, mine_old, other):
            f.write_bytes(b"debris")
        p = run("run", FIG1, "-o", out, "--set", "t_end=5")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"removed {mine_new} left by process {dead} that no longer exists", p.stderr)
        self.assertFalse(mine_new.exists() or mine_old.exists())
        self.assertTrue(other.exists(), "another machine's partial file may belong to a running job")

    def test_sigkill_leaves_a_partial_file_that_the_next_run_removes(self):
        out = self.tmp / "out.h5"
        p = subprocess.Popen([SEQMEM, "run", FIG1, "-o", out, "-q", "--set", "t_end=1e5"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if self.leftovers():
                break
            time.sleep(0.05)
        time.sleep(0.3)
        p.send_signal(signal.SIGKILL)
        p.wait()
        self.assertGreaterEqual(len(self.leftovers()), 1)  # the output's partial file and the run's part file
        self.assertFalse(out.exists())
        q = run("run", FIG1, "-o", out, "--set", "t_end=5")
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertIn("no longer exists", q.stderr)
        self.assertEqual(self.leftovers(), [])

    def test_run_refuses_an_existing_output_unless_overwrite(self):
        out = self.tmp / "out.h5"
        self.assertEqual(run("run", FIG1, "-o", out, "-q", "--set", "t_end=5").returncode, 0)
        before = out.read_bytes()
        p = run("run", FIG1, "-o", out, "-q", "--set", "t_end=7")
        self.assertEqual(p.returncode, 2)
        self.assertIn(f"{out}: exists; use --overwrite to replace it", p.stderr)
        self.assertEqual(out.read_bytes(), before)
        p = run("run", FIG1, "-o", out, "-q", "--set", "t_end=7", "--overwrite")
        self.assertEqual(p.returncode, 0, p.stderr)
        with h5py.File(out, "r") as f:
            self.assertEqual(f["runs/r0000/time"][-1], 7.0)

    def test_output_never_an_input(self):
        scenario = self.tmp / "s.toml"
        shutil.copy(FIG1, scenario)
        shutil.copy(ROOT / "scenarios/data/fig1_patterns.csv", self.tmp / "Y.csv")
        (self.tmp / "d.toml").write_text(DIFFUSION)
        xi = self.tmp / "xi.csv"
        xi.write_text("\n".join(", ".join("1" if (i + j) % 2 else "-1" for j in range(7)) for i in range(100)) + "\n")
        (self.tmp / "link.h5").symlink_to(scenario)
        os.link(xi, self.tmp / "hard.h5")
        originals = {f: f.read_bytes() for f in (scenario, xi, self.tmp / "Y.csv")}
        cases = [
            (["run", scenario, "-o", scenario], scenario),
            (["run", scenario, "-o", self.tmp / "link.h5", "--overwrite"], scenario),
            (["run", scenario, "-o", self.tmp / "hard.h5", "--overwrite", "--set", f"Xi_file={xi}", "--set", "K=0"], xi),
            (["run", self.tmp / "d.toml", "-o", self.tmp / "Y.csv", "--overwrite"], self.tmp / "Y.csv"),
            (["sweep", QUICK, "-o", QUICK, "--resume"], Path(QUICK)),
        ]
        for args, victim in cases:
            with self.subTest(args=args):
                p = run(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn("the output would overwrite the input file", p.stderr)
        for f, b in originals.items():
            self.assertEqual(f.read_bytes(), b, f)

    # --- memory, bytes ---------------------------------------------------------------------------

    def test_memory_flat_over_a_million_samples(self):
        base = ["run", FIG1, "-q", "--set", "dt=0.1", "--set", "sample_dt=0.1"]
        rc1, short = peak_rss_kb([*base, "-o", self.tmp / "a.h5", "--set", "t_end=2000"])
        rc2, long = peak_rss_kb([*base, "-o", self.tmp / "b.h5", "--set", "t_end=100000"])  # 10^6 samples
        self.assertEqual((rc1, rc2), (0, 0))
        with h5py.File(self.tmp / "b.h5", "r") as f:
            self.assertEqual(len(f["runs/r0000/time"]), 1000001)
        print(f"peak resident memory: {short / 1024:.1f} MiB at 2e4 samples, {long / 1024:.1f} MiB at 1e6")
        self.assertLess(long - short, 3 * 1024, "resident memory grows with the simulated duration")

    def test_same_scenario_same_bytes_but_provenance(self):
        shutil.copy(ROOT / "scenarios/data/fig1_patterns.csv", self.tmp / "Y.csv")
        (self.tmp / "d.toml").write_text(DIFFUSION)
        (self.tmp / "grid.toml").write_text(GRID)
        kinds = {"run": ["run", FIG1, "--set", "t_end=50"], "fixed_points": ["run", str(ROOT / "scenarios/fig2_energy_landscape.toml"), "--set", "fp_every=40"],
                 "diffusion": ["run", self.tmp / "d.toml"], "sweep": ["sweep", QUICK, *SMALL_SWEEP],
                 "grid": ["run", self.tmp / "grid.toml"]}
        for kind, args in kinds.items():
            with self.subTest(kind=kind):
                a, b = self.tmp / f"{kind}_a.h5", self.tmp / f"{kind}_b.h5"
                for out, threads in ((a, "1"), (b, "2")):  # any thread count: the same bytes
                    p = run(*args, "-o", out, "-q", "-j", threads)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    time.sleep(1.1)  # another `created` second
                A0 = a.read_bytes()
                self.assertNotEqual(A0, b.read_bytes(), "created differs, so some bytes must")
                with h5py.File(a, "r") as f:  # the command lines differ in the output name and -j
                    command = f.attrs["command_line"].encode()
                # Provenance (created, the command line, wall times) set to constants in place; what
                # still differs must lie in the bytes of the old strings (h5py leaves them in the
                # global heap).
                for f in (a, b):
                    normalise_provenance(f)
                A, B = a.read_bytes(), b.read_bytes()
                self.assertEqual(len(A), len(B))
                created = created_ranges(A0) + [(m.start(), m.end()) for m in re.finditer(re.escape(command), A0)]
                outside = [i for i in range(len(A)) if A[i] != B[i] and not any(lo <= i < hi for lo, hi in created)]
                self.assertEqual(outside, [], f"{len(outside)} bytes differ outside the provenance values")

    @unittest.skipIf(shutil.which("valgrind") is None, "valgrind is not installed")
    def test_no_uninitialised_bytes_reach_the_files(self):
        # valgrind cannot decode AVX-512: setup.sh check gives a portable build in $SEQMEM_VALGRIND
        binary = os.environ.get("SEQMEM_VALGRIND", SEQMEM)
        shutil.copy(ROOT / "scenarios/data/fig1_patterns.csv", self.tmp / "Y.csv")
        (self.tmp / "d.toml").write_text(DIFFUSION)
        kinds = {"run": ["run", FIG1, "--set", "t_end=5", "--set", "states=[\"V_f\"]"],
                 "diffusion": ["run", self.tmp / "d.toml"],
                 "sweep": ["sweep", QUICK, "--set", "sweep_degrees=[1]", "--set", "sweep_seeds=[1]",
                           "--set", "K_max=2", "--set", "sweep_alpha_c=[1.0]"],
                 "baseline": ["sweep", str(ROOT / "scenarios/baseline_dense.toml"), "--set", "baseline_N=[8]",
                              "--set", "trials=1", "--set", "baseline_degrees=[2]"]}
        for kind, args in kinds.items():
            with self.subTest(kind=kind):
                cmd = ["valgrind", "--error-exitcode=99", "--leak-check=no", "--track-origins=no", "-q",
                       binary, *map(str, args), "-o", str(self.tmp / f"{kind}.h5"), "-q", "-j", "1"]
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
                if "unhandled instruction" in p.stderr or p.returncode == -signal.SIGILL:
                    self.skipTest("this binary uses instructions valgrind cannot decode (AVX-512); "
                                  "setup.sh check runs the test on a portable build")
                self.assertNotIn("uninitialised", p.stderr)
                self.assertEqual(p.returncode, 0, p.stderr[-3000:])

    # --- runs that must end ------------------------------------------------------------------------

    def test_large_mixtures_validate_in_linear_time(self):
        # 200 000 components on the circle: the mixture was built in quadratic time (a minute here)
        sc = self.tmp / "m.toml"
        sc.write_text("[model]\nkind = \"diffusion\"\n[patterns]\nD = 2\nN = 0\nmanifold_components = 200000\n"
                      "manifold_weight = 1.0\n[trajectories]\ntrajectories = 1\n")
        p = run("validate", sc, timeout=20)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_diffusion_trajectories_whose_stepper_gave_up(self):
        # not counted as recalls; the unreached parts of their paths are NaN, not memory garbage
        shutil.copy(ROOT / "scenarios/data/fig1_patterns.csv", self.tmp / "Y.csv")
        (self.tmp / "d.toml").write_text(DIFFUSION + "paths = 4\n")
        p = run("run", self.tmp / "d.toml", "-o", self.tmp / "d.h5", "-q", "--set", "max_steps=3")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("stepper gave up 1.000", p.stdout)
        with h5py.File(self.tmp / "d.h5", "r") as f:
            g = f["runs/r0000"]
            self.assertEqual(g.attrs["status"], "failed")
            self.assertTrue((g["end_memory"][()] == -1).all())
            self.assertEqual(int(g["label_counts"][()].sum()), 0)
            self.assertTrue(np.isnan(g["path_energy"][()][:, -1]).all())

    def test_exploding_dynamics_end_for_every_stepper(self):
        # Dense GSEMM degree 30, alpha_c = 1e6, beta_d = 1e3, T_d = 1, K = 4: dopri5 ran for ever
        sc = self.tmp / "explode.toml"
        sc.write_text("[model]\ndegree = 30\nalpha_c = 1e6\nbeta_d = 1e3\nT_d = 1.0\n[memories]\nK = 4\n"
                      "[episodes]\ncycles = [[1, 2, 3, 4]]\n[integrator]\nt_end = 1.0\n"
                      "[runs]\nlist = [{ stepper = \"rk4\" }, { stepper = \"dopri5\" }, { stepper = \"cvode_bdf\" },"
                      " { stepper = \"dopri5\", t_end = 1e-4 }, { stepper = \"rk4\", degree = 1, alpha_c = 0.5 }]\n")
        p = run("run", sc, "-o", self.tmp / "x.h5", "-q", timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        with h5py.File(self.tmp / "x.h5", "r") as f:
            status = [f[f"runs/r000{i}"].attrs["status"] for i in range(5)]
            messages = [f[f"runs/r000{i}"].attrs["message"] for i in range(5)]
        self.assertEqual(status[4], "completed", "the healthy run of the grid goes on")
        for s, m in zip(status[:4], messages[:4]):
            self.assertIn(s, ("diverged", "failed"))
            self.assertRegex(m, r"at t = ")
        # the summary says it, and does not read like a clean result
        self.assertNotIn("no wrong visit\n", p.stdout.split("r0001")[0])


PROVENANCE_TIMES = ("wall_time_s", "wall_s")


def normalise_provenance(path):
    """Sets the documented provenance values that change from run to run (`created`, `history`,
    `command_line`, wall times) to constants, in place."""
    with h5py.File(path, "r+") as f:
        f.attrs.modify("created", "2000-01-01T00:00:00Z")
        f.attrs.modify("command_line", "seqmem")
        f.attrs.modify("history", "2000-01-01T00:00:00Z: seqmem")

        def visit(name, obj):
            for k in PROVENANCE_TIMES:
                if k in obj.attrs:
                    obj.attrs.modify(k, 0.0)
            if name.endswith("evaluations"):  # the sweep's per-evaluation wall times
                obj["wall_time_s"][...] = 0.0
        f.visititems(visit)


def created_ranges(data):
    """Where ISO 8601 `created` strings (YYYY-MM-DDTHH:MM:SSZ) lie in the file's bytes."""
    import re
    return [(m.start(), m.end()) for m in re.finditer(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", data)]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} /path/to/seqmem /path/to/libenospc_shim.so")
    SHIM = str(Path(sys.argv.pop()).resolve())
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Robustness)
