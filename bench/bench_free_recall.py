"""Free recall: seqmem against the NumPy peer (bench/free_recall_numpy.py), the same model and
parameters, in one process on one machine (docs/benchmarks.md, "Free recall"):

1. Luce retrieval, 10 000 lists of 16 items from a pool of 64, analyses included (SPC, PFR,
   lag-CRP, recalls per list): seqmem's command line on 2 threads (wall time around the
   subprocess, which writes the HDF5 file with every event; the median of 3) and on 1 thread, the
   run's own wall time (its attribute wall_time_s), seqmem.run in-process (2 threads, the median
   of 3), and the NumPy peer (simulation, then seqmem.free_recall's analyses on its event table).
2. The leaky competing accumulator (recall_period 15, Euler-Maruyama dt = 0.01, so 1500 steps per
   list), per list: seqmem 2000 lists (2 threads), the NumPy peer 200 lists.

Both parts also compare the curves (z of every point: bench/free_recall_numpy.py's comparison).
The peer's time is for --numpy-lists lists (default all 10 000), scaled linearly to 10 000 when
fewer.

Usage: .venv/bin/python bench/bench_free_recall.py build/seqmem [--numpy-lists N]
"""

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("free_recall_numpy", ROOT / "bench/free_recall_numpy.py")
peer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(peer)

LUCE = dict(N_items=64, L=16, beta_enc=0.6, beta_rec=0.5, phi_s=4.0, phi_d=0.8, tau=2.0, X_s=0.02, X_k=0.25)
ACCUMULATOR = dict(N_items=64, L=16, recall_rule="accumulator", beta_enc=0.4, beta_rec=0.4, phi_s=1.0, phi_d=0.5,
                   kappa=0.1, eta=0.05, accumulator_threshold=0.5, recall_period=15.0, dt=0.01, **{"lambda": 0.02})
LISTS = 10_000
ACC_SEQMEM_LISTS, ACC_PEER_LISTS = 2000, 200


def cpu():
    model, cores = platform.processor(), os.cpu_count()
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return model, cores


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def seqmem_cli(seqmem, toml, out, threads):
    """Wall time of `seqmem run` (process start to exit, file written) and the run's wall_time_s."""
    t0 = time.perf_counter()
    subprocess.run([seqmem, "run", str(toml), "-o", str(out), "-q", "--overwrite", "-j", str(threads)], check=True,
                   capture_output=True)
    wall = time.perf_counter() - t0
    import h5py
    with h5py.File(out, "r") as f:
        (run,) = f["runs"].values()
        return wall, float(run.attrs["wall_time_s"])


def median_of(n, f):
    results = [f() for _ in range(n)]
    return tuple(statistics.median(r[i] for r in results) for i in range(len(results[0])))


def in_process(seqmem, toml, repeat=3):
    """Median wall time of seqmem.run(toml, threads=2), or None without the package."""
    sys.path.insert(0, str(Path(seqmem).parent / "python"))
    try:
        import seqmem as package
    except ImportError as e:
        print(f"(seqmem.run not timed: {e})")
        return None

    def once():
        t0 = time.perf_counter()
        package.run(toml, threads=2)
        return (time.perf_counter() - t0,)

    return median_of(repeat, once)[0]


def numpy_peer(params, lists, seed):
    """(simulation s, analyses s, curves) of the peer on `lists` lists."""
    model = peer.CMR(**params)
    t0 = time.perf_counter()
    study, recalls = model.simulate(lists, seed)
    t1 = time.perf_counter()
    c = peer.curves(study, recalls, model.category)
    return t1 - t0, time.perf_counter() - t1, c


def agreement(ours, theirs):
    z = peer.comparison(ours, theirs)
    worst = max(z, key=lambda k: abs(z[k]))
    return f"{len(z)} points, max |z| = {abs(z[worst]):.2f} ({worst}); " \
           f"recalls per list {ours['recalls_per_list']:.3f} (seqmem) vs {theirs['recalls_per_list']:.3f} (NumPy)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("seqmem", nargs="?", default=str(ROOT / "build/seqmem"))
    ap.add_argument("--numpy-lists", type=int, default=LISTS, help="lists the NumPy peer runs (scaled to 10 000)")
    args = ap.parse_args()
    seqmem = str(Path(args.seqmem).resolve())
    version = subprocess.run([seqmem, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    model, cores = cpu()
    print(f"machine: {model}, {cores} CPUs ({platform.machine()}); Python {platform.python_version()}, "
          f"NumPy {np.__version__}; {version}")
    print(f"load average at the start: {load()}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # 1. Luce
        toml, out = tmp / "luce.toml", tmp / "luce.h5"
        toml.write_text(peer.scenario_toml(LUCE, LISTS, seed=1))
        seqmem_cli(seqmem, toml, out, 2)  # warm the page cache
        cli2, run2 = median_of(3, lambda: seqmem_cli(seqmem, toml, out, 2))
        cli1, run1 = median_of(3, lambda: seqmem_cli(seqmem, toml, out, 1))
        ours = peer.read_seqmem(out, LUCE)
        t_py = in_process(seqmem, toml)
        n = args.numpy_lists
        sim, ana, theirs = numpy_peer(LUCE, n, seed=2)
        scale = LISTS / n
        np_total = (sim + ana) * scale
        # 2. accumulator
        toml_a, out_a = tmp / "acc.toml", tmp / "acc.h5"
        toml_a.write_text(peer.scenario_toml(ACCUMULATOR, ACC_SEQMEM_LISTS, seed=1))
        acc_cli, acc_run = median_of(3, lambda: seqmem_cli(seqmem, toml_a, out_a, 2))
        ours_a = peer.read_seqmem(out_a, ACCUMULATOR)
        acc_sim, acc_ana, theirs_a = numpy_peer(ACCUMULATOR, ACC_PEER_LISTS, seed=2)
    print(f"load average at the end: {load()}")

    scaled = "" if n == LISTS else f" ({n} lists timed, scaled x{scale:g})"
    print()
    print(f"Luce retrieval, {LISTS} lists of 16 items (pool 64), analyses included")
    print("| | wall | per list | NumPy peer / this |")
    print("|---|---|---|---|")
    rows = [("seqmem CLI, 2 threads (process, file with all events)", cli2),
            ("seqmem CLI, 1 thread", cli1),
            ("seqmem run itself, 2 threads (wall_time_s)", run2)]
    if t_py is not None:
        rows.append(("seqmem.run in-process, 2 threads (Dataset included)", t_py))
    for label, t in rows:
        print(f"| {label} | {t:.3f} s | {t / LISTS * 1e6:.1f} µs | {np_total / t:.0f}x |")
    print(f"| NumPy peer: simulation{scaled} | {sim * scale:.2f} s | {sim * scale / LISTS * 1e6:.0f} µs | |")
    print(f"| NumPy peer: analyses (seqmem.free_recall){scaled} | {ana * scale:.2f} s | | |")
    print(f"| NumPy peer: total{scaled} | {np_total:.2f} s | {np_total / LISTS * 1e6:.0f} µs | 1x |")
    print(f"speed-up, seqmem CLI on 2 threads against the NumPy peer: {np_total / cli2:.1f}x "
          f"(target >= 10x: {'met' if np_total / cli2 >= 10 else 'NOT met'})")
    print(f"agreement ({LISTS} lists seqmem, {n} NumPy): {agreement(ours, theirs)}")
    print()
    acc_np = (acc_sim + acc_ana) / ACC_PEER_LISTS
    print(f"leaky competing accumulator, 16 items, recall_period 15, dt 0.01 ({ACC_SEQMEM_LISTS} lists seqmem, "
          f"{ACC_PEER_LISTS} NumPy)")
    print("| | per list | NumPy peer / this |")
    print("|---|---|---|")
    print(f"| seqmem CLI, 2 threads | {acc_cli / ACC_SEQMEM_LISTS * 1e3:.3f} ms | "
          f"{acc_np * ACC_SEQMEM_LISTS / acc_cli:.0f}x |")
    print(f"| seqmem run itself (wall_time_s) | {acc_run / ACC_SEQMEM_LISTS * 1e3:.3f} ms | "
          f"{acc_np * ACC_SEQMEM_LISTS / acc_run:.0f}x |")
    print(f"| NumPy peer (simulation {acc_sim / ACC_PEER_LISTS * 1e3:.1f} ms + analyses) | "
          f"{acc_np * 1e3:.1f} ms | 1x |")
    print(f"agreement: {agreement(ours_a, theirs_a)}")


if __name__ == "__main__":
    main()
