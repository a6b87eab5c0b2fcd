"""The resource estimate covers every allocation that grows with a key: for each kind, with the keys
that make it large, the memory `seqmem validate` estimates is at least the peak resident memory the
run then takes (measured with wait4), and not absurdly more (at most 5 times, so that the refusal
of a scenario beyond 80% of this machine means something). Inputs beyond the limits are refused
before anything is allocated: exit 2, the keys named, no file, no internal error.

usage: /usr/bin/python3 tests/test_estimates.py /path/to/seqmem   (from the repository root)
"""

import atexit
import os
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

import unittest_main  # tests/unittest_main.py

SEQMEM = None
SC = Path(__file__).resolve().parent.parent / "scenarios"
UNIT = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50, "EiB": 2**60}
DIFFUSION = [str(SC / "diffusion_recall.toml"), "--set", "paths=0", "--set", "path_every=10", "--set", "dt=0.3",
             "--set", "trajectories=20"]
# a map of the sequence family alone (scenarios/family_runs.toml lists five)
MAP = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
MAP.write('[model]\nkind = "densenet"\ndegree = 2\n[memories]\nK = 100\n[record]\nstates = ["S"]\n')
MAP.close()
atexit.register(os.unlink, MAP.name)
CASES = {  # (command, arguments): each a few hundred MiB and seconds
    "diffusion, 3e5 manifold components": ("run", [*DIFFUSION, "--set", "manifold_components=300000",
                                                   "--set", "manifold_weight=0.5", "--set", "manifold_variance=0.01"]),
    "diffusion, 3e4 points in 100 dimensions": ("run", [*DIFFUSION, "--set", "N=30000", "--set", "D=100"]),
    "diffusion, 1e4 extended memories of rank 10": ("run", [*DIFFUSION, "--set", "N=10000", "--set", "D=50",
                                                           "--set", "extended_rank=10", "--set",
                                                           "extended_variance=0.1"]),
    "diffusion, 3e5 trajectories": ("run", [*DIFFUSION, "--set", "trajectories=300000", "--set", "D=20"]),
    "diffusion, landscape 1001 x 1001": ("run", [*DIFFUSION, "--set", "landscape_grid=1001"]),
    "dense GSEMM, K = 2e4, N_f = 1000": ("run", [str(SC / "fig1_two_episodes.toml"), "--set", "t_end=0.2",
                                                 "--set", "K=20000", "--set", "N_f=1000", "--set", "cycles=[[1,2,3]]",
                                                 "--set", "expect_cycle=[]", "--set", "states=[]",
                                                 "--set", "state_every=1", "--set", "energy=false"]),
    "fixed points and surfaces": ("run", [str(SC / "fig2_energy_landscape.toml"), "--set", "N_f=300", "--set", "K=60",
                                          "--set", "fp_every=20", "--set", "cycles=[[1,2,3]]",
                                          "--set", "expect_cycle=[]", "--set", "surface_grid=201"]),
    "CVODE, N_f = K = 300": ("run", [str(SC / "fig1_two_episodes.toml"), "--set", "t_end=2", "--set", "N_f=300",
                                     "--set", "K=300", "--set", "stepper=cvode_bdf", "--set", "expect_cycle=[]",
                                     "--set", "cycles=[[1,2,3]]", "--set", "dt=0.01"]),
    "free recall, a pool of 1e4 random items": ("run", [str(SC / "free_recall_peers.toml"), "--set", "lists=2",
                                                        "--set", "subjects=1", "--set", "N_items=10000",
                                                        "--set", "item_vectors=random", "--set", "N_f=2000"]),
    "free recall, lists of 2000": ("run", [str(SC / "free_recall_peers.toml"), "--set", "lists=2", "--set",
                                           "subjects=1", "--set", "N_items=4000", "--set", "L=2000"]),
    "DenseNet run, K = 2e4, N_f = 1000, 50 updates": ("run", [MAP.name, "--set", "K=20000", "--set", "N_f=1000",
                                                               "--set", "t_end=50"]),
    "EDEN run, K = 2e4, N_f = 1000": ("run", [str(SC / "eden_run.toml"), "--set", "K=20000", "--set", "N_f=1000",
                                               "--set", "t_end=0.5"]),
    "sweep, K = 3000": ("sweep", [str(SC / "fig3_capacity_quick.toml"), "--set", "sweep_degrees=[3]",
                                  "--set", "sweep_seeds=[1, 2]", "--set", "K_min=3000", "--set", "K_max=3000",
                                  "--set", "sweep_alpha_c=[5.0]", "--set", "t_end=30"]),
    "baseline, Hopfield N = 2000": ("sweep", [str(SC / "baseline_hopfield.toml"), "--set", "baseline_N=[2000]",
                                              "--set", "trials=2"]),
}


def estimate(args):
    p = subprocess.run([SEQMEM, "validate", *args, "-j", "2"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    m = re.search(r"^r0000: about ([0-9.e+]+) (\w+) of memory", p.stdout, re.MULTILINE)
    assert m, p.stdout
    return float(m.group(1)) * UNIT[m.group(2)]


def peak(command, args, out):
    p = subprocess.Popen([SEQMEM, command, *args, "-o", str(out), "-q", "-j", "2"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, p.stderr.read().decode()
    return usage.ru_maxrss * 1024


class Estimates(unittest.TestCase):
    def test_the_estimate_covers_the_peak_memory(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, (command, args) in CASES.items():
                with self.subTest(case=name):
                    e = estimate(args)
                    p = peak(command, args, Path(tmp) / "out.h5")
                    print(f"{name}: estimate {e / 2**20:.0f} MiB, peak {p / 2**20:.0f} MiB")
                    self.assertGreaterEqual(e, p, f"{name}: the run took more memory than estimated")
                    if p > 100 * 2**20:
                        self.assertLessEqual(e, 5 * p, f"{name}: the estimate is far above the run")
                    (Path(tmp) / "out.h5").unlink()

    def test_beyond_the_limits_is_refused_before_any_allocation(self):
        # the reviewer's two cases: a std::bad_alloc after 17 s and a partial file; an internal error
        cases = {
            "manifold_components = 1e7": ([str(SC / "diffusion_recall.toml"), "--set", "manifold_components=10000000",
                                           "--set", "manifold_weight=0.5"], r"manifold_components"),
            "1e7 trajectories and cues in 1000 dimensions": ([str(SC / "diffusion_recall.toml"),
                                                              "--set", "trajectories=10000000", "--set", "D=1000",
                                                              "--set", "cue_per_trajectory=true"], r"trajectories, D"),
            "N = 1e7 in 1000 dimensions": ([str(SC / "diffusion_recall.toml"), "--set", "N=10000000", "--set", "D=1000"],
                                           r"trajectories, D, N"),
        }
        for name, (args, keys) in cases.items():
            with self.subTest(case=name), tempfile.TemporaryDirectory() as tmp:
                p = subprocess.run([SEQMEM, "run", *args, "-o", str(Path(tmp) / "out.h5")], capture_output=True,
                                   text=True, timeout=60)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertRegex(p.stderr, keys)
                self.assertNotIn("internal error", p.stderr)
                self.assertEqual(list(Path(tmp).iterdir()), [])

    def test_validate_answers_from_the_estimate_without_building_the_memories(self):
        # the reviewer's case: validate took 76 s and 2.4 GB building 10^7 mixture components before
        # printing; the mixture comes from keys the schema checked, so validate needs none of it
        args = [str(SC / "diffusion_landscapes.toml"), "--set", "manifold_components=10000000"]
        p = subprocess.Popen([SEQMEM, "validate", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(p.pid, 0)
        out, err = p.stdout.read(), p.stderr.read()
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, err)
        self.assertRegex(out, r"r0000: about [0-9.]+ GiB of memory")
        self.assertLess(usage.ru_maxrss * 1024, 200 * 2**20, "validate allocated what the run would")


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Estimates)


if __name__ == "__main__":
    main()
