"""The Python package's overheads, side by side in one process (docs/benchmarks.md):

1. seqmem.run against the command line (a subprocess writing the same file) for the Figure 1 run
   (t_end = 1000) and a run of about one second of wall time (Figure 1 with t_end = 5000 and all
   states recorded), Dataset construction included; the median of 5.
2. model.rhs(x, t) per call from Python at N_f = K = 100 (Dense GSEMM, degree 2) against a NumPy
   implementation of the same right-hand side (Eq. 9 placement), checked equal first; the median
   per call over 2000 calls.

Usage: /usr/bin/python3 bench/bench_python.py build/seqmem
"""

import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEQMEM = str(Path(sys.argv[1]).resolve()) if len(sys.argv) > 1 else str(ROOT / "build/seqmem")
sys.path.insert(0, str(Path(SEQMEM).parent / "python"))
import seqmem  # noqa: E402

FIG1 = ROOT / "scenarios/fig1_two_episodes.toml"


def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def median_time(f, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_overhead(label, overrides):
    sets = [a for o in seqmem.simulate._overrides(overrides) for a in ("--set", o)]
    with tempfile.TemporaryDirectory() as tmp:
        def cli():
            subprocess.run([SEQMEM, "run", str(FIG1), "-o", f"{tmp}/x.h5", "-q", "--overwrite", *sets], check=True,
                           capture_output=True)
        t_cli = median_time(cli)
        t_py = median_time(lambda: seqmem.run(FIG1, overrides=overrides, threads=1))
    print(f"{label:<42} CLI {t_cli * 1e3:8.1f} ms   seqmem.run {t_py * 1e3:8.1f} ms   "
          f"overhead {100 * (t_py / t_cli - 1):+6.1f} %")


def numpy_rhs(Xi, PhiT, p, x):
    """Dense GSEMM, Eq. 9 placement, polynomial sigma_h of degree p["degree"]: x = [V_f, V_d, u_d]."""
    n, k = Xi.shape
    Vf, Vd, ud = x[:n], x[n:2 * n], x[2 * n:]
    s = np.tanh(Vf)
    a = Xi.T @ s
    h = np.sqrt(p["alpha_s"]) * a + p["alpha_c"] * (PhiT @ ud)
    dVf = (np.sqrt(p["alpha_s"]) * (Xi @ h ** p["degree"]) - Vf) / p["T_f"]
    dVd = (p["beta_d"] * s - Vd) / p["T_d"]
    dud = (p["beta_d"] * a - ud) / p["T_d"]
    return np.concatenate([dVf, dVd, dud])


def rhs_cost():
    rng = np.random.default_rng(1)
    N, K = 100, 100
    Xi = np.sign(rng.standard_normal((N, K)))
    Phi = np.roll(np.eye(K), 1, axis=1)  # one cycle
    p = dict(alpha_s=1.0, alpha_c=0.3, T_f=1.0, T_d=20.0, beta_d=7.0, degree=2)
    model = seqmem.DenseGSEMM(Xi, Phi, alpha_s_placement="eq9", **p)
    x = model.state(Xi[:, 0].copy(), np.zeros(N))
    x = x + 0.01 * rng.standard_normal(x.size)
    PhiT = Phi.T.copy()
    ref = numpy_rhs(Xi, PhiT, p, x)
    np.testing.assert_allclose(model.rhs(x), ref, rtol=1e-12, atol=1e-12)
    calls = 2000

    def per_call(f):
        def loop():
            for _ in range(calls):
                f()
        return median_time(loop) / calls

    t_cpp = per_call(lambda: model.rhs(x, 0.0))
    t_np = per_call(lambda: numpy_rhs(Xi, PhiT, p, x))
    print(f"rhs per call, N_f = K = 100, degree 2          seqmem {t_cpp * 1e6:7.2f} us   NumPy {t_np * 1e6:7.2f} us   "
          f"ratio {t_np / t_cpp:.1f}x")


if __name__ == "__main__":
    print(f"machine: {cpu()}, {platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}; "
          f"seqmem {seqmem.__version__} ({seqmem._core.git_commit})")
    run_overhead("Figure 1 run (t_end = 1000)", {})
    run_overhead("one-second run (t_end = 5000, all states)", {"t_end": 5000, "states": ["V_f", "V_d"],
                                                                "state_every": 1})
    rhs_cost()
