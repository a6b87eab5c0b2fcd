#!/usr/bin/python3
"""Threads against MPI ranks on one machine, side by side in one run: the quick Figure 3 grid
(scenarios/fig3_capacity_quick.toml as shipped: 35 pairs, 541 evaluations, about a minute of one core)
with `seqmem sweep -j 1`, `-j 2`, `mpirun -np 2 -j 1` and `mpirun -np 2 -j 2` (four workers and a
coordinator thread on two cores: oversubscribed here), and the start-up of `mpirun -np 2` alone
(`seqmem validate` under it: MPI_Init and MPI_Finalize included). Prints the wall times, the
parallel efficiency T(1) / (workers x T), the overhead of MPI against threads with and without the
start-up, and whether every table equals the -j 1 one. The machine is printed first.

usage: /usr/bin/python3 bench/bench_mpi.py build/seqmem   (from the repository root)
"""

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SETS = []
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mpi = subprocess.run(["mpirun", "--version"], capture_output=True, text=True, env=ENV).stdout.splitlines()
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.node()}; {mpi[0] if mpi else 'mpirun ?'}"


def tables(path):
    with h5py.File(path, "r") as f:
        return {f"{g}/{c}": f[g][c][()] for g in ("evaluations", "capacity") for c in f[g] if c != "wall_time_s"}


def main():
    seqmem = str(Path(sys.argv[1]).resolve())
    print(f"machine: {machine()}")
    print(f"seqmem: {subprocess.run([seqmem, '--version'], capture_output=True, text=True).stdout.strip()}")
    runs = [("-j 1", [], 1, 1), ("-j 2", [], 2, 1), ("mpirun -np 2 -j 1", ["mpirun", "-np", "2"], 1, 2),
            ("mpirun -np 2 -j 2", ["mpirun", "-np", "2"], 2, 2)]
    with tempfile.TemporaryDirectory() as tmp:
        walls, ref = {}, None
        for name, launcher, threads, ranks in runs:
            out = Path(tmp) / f"{len(walls)}.h5"
            cmd = [*launcher, seqmem, "sweep", str(ROOT / "scenarios/fig3_capacity_quick.toml"), "-o", str(out),
                   "-j", str(threads), "-q", *SETS]
            t0 = time.monotonic()
            p = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
            wall = time.monotonic() - t0
            if p.returncode != 0:
                sys.exit(f"{name} failed: {p.stderr}")
            t = tables(out)
            ref = ref or t
            same = all(np.array_equal(t[k], ref[k]) for k in ref)
            walls[name] = (wall, threads * ranks)
            t1 = walls["-j 1"][0]
            print(f"  {name:<20} {wall:7.1f} s   workers {threads * ranks}   efficiency "
                  f"{t1 / (threads * ranks * wall):5.2f}   tables equal to -j 1: {'yes' if same else 'NO'}")
        t0 = time.monotonic()
        subprocess.run(["mpirun", "-np", "2", seqmem, "validate", str(ROOT / "scenarios/fig3_capacity_quick.toml")],
                       capture_output=True, env=ENV, check=True)
        startup = time.monotonic() - t0
        mpi, threads = walls["mpirun -np 2 -j 1"][0], walls["-j 2"][0]
        print(f"mpirun -np 2 start-up and shut-down alone: {startup:.2f} s")
        print(f"MPI against threads at 2 workers: {100 * (mpi / threads - 1):+.1f}% wall time, "
              f"{100 * ((mpi - startup) / threads - 1):+.1f}% without the start-up (the coordinator, messages, "
              f"one process per rank)")


if __name__ == "__main__":
    main()
