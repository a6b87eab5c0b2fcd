#!/usr/bin/python3
"""The dynamic schedule of `mpirun -np P seqmem sweep` simulated over measured work-unit costs.

A work unit is one (configuration, degree, seed) pair: its K search runs on one thread, and its cost is
the sum of the wall times of its evaluations (column /evaluations/wall_time_s of a sweep file). The
coordinator (sim/parallel/work_queue.cpp) hands out units in the sweep's order (highest degree first, then the
scenario's order) to whichever worker thread is free; this program replays that as a discrete-event
simulation for P ranks x T threads, with a per-message cost on rank 0 (a request and its answer per
unit, one message per evaluation), and prints the predicted wall time, the parallel efficiency
(total work / (workers x wall time)) and the two lower bounds: total work / workers and the longest
single unit.

The full Figure 3 grid (degrees 1-15 x 30 seeds) is built from the measured pairs (of one or more
sweep files: a pair measured in two files counts once, from the first): a degree with measured pairs
draws its 30 seeds from them (with replacement, seeded); a degree without them takes the pairs of the
nearest measured degree n_m scaled by (n + 2) / (n_m + 2), the event-driven engine's cost per memory
(sim/experiments/capacity_cost.hpp). Those are assumptions; the measured sweep is reported as it is.

usage: /usr/bin/python3 bench/schedule_model.py SWEEP.h5[:DEGREES] [MORE.h5 ...] [--threads T] [--message-us 50]
       [--ranks 2,16,64,256,512] [--grid-degrees 15 --grid-seeds 30]
"""

import argparse
import heapq
import random

import h5py
import numpy as np


def unit_costs(spec):
    """{(config, degree, seed): (seconds, evaluations)} from a sweep file, "FILE" or "FILE:d1,d2" (those
    degrees only)."""
    path, _, only = spec.partition(":")
    keep = {int(d) for d in only.split(",")} if only else None
    with h5py.File(path, "r") as f:
        e = f["evaluations"]
        keys = zip(e["config"][()], e["degree"][()], e["seed"][()])
        wall = e["wall_time_s"][()]
    units = {}
    for k, w in zip(keys, wall):
        if keep is not None and k[1] not in keep:
            continue
        s, n = units.get(k, (0.0, 0))
        units[k] = (s + float(w), n + 1)
    return units


def simulate(units, workers, message_s):
    """Makespan of the dynamic schedule: units (cost, messages) in order, each to the first free worker.
    The coordinator serves messages one at a time: a unit's messages delay its start by their queueing."""
    free = [0.0] * workers
    heapq.heapify(free)
    coordinator = 0.0  # when rank 0 is next free to answer
    end = 0.0
    for cost, messages in units:
        t = heapq.heappop(free)
        coordinator = max(coordinator, t) + message_s * (1 + messages)
        finish = max(t, coordinator - message_s * messages) + cost
        end = max(end, finish)
        heapq.heappush(free, finish)
    return end


def hms(s):
    return f"{s:.1f} s" if s < 120 else f"{s / 60:.1f} min" if s < 7200 else f"{s / 3600:.2f} h"


def report(title, units, ranks, threads, message_s):
    total = sum(c for c, _ in units)
    longest = max(c for c, _ in units)
    print(f"\n{title}: {len(units)} units, total {total / 3600:.2f} core-hours, longest unit {hms(longest)}, "
          f"{sum(m for _, m in units)} evaluations")
    print(f"{'ranks':>6} {'workers':>8} {'wall':>10} {'efficiency':>11} {'bound: work/P':>14} {'bound: longest':>15}")
    for p in ranks:
        w = p * threads
        wall = simulate(units, w, message_s)
        print(f"{p:>6} {w:>8} {hms(wall):>10} {total / (w * wall):>11.2f} {hms(total / w):>14} {hms(longest):>15}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sweep", nargs="+")
    ap.add_argument("--threads", type=int, default=1, help="threads per rank (-j)")
    ap.add_argument("--message-us", type=float, default=50.0, help="rank 0's cost per message, microseconds")
    ap.add_argument("--ranks", default="2,16,64,256,512")
    ap.add_argument("--grid-degrees", type=int, default=15)
    ap.add_argument("--grid-seeds", type=int, default=30)
    a = ap.parse_args()
    ranks = [int(x) for x in a.ranks.split(",")]
    message_s = a.message_us * 1e-6
    measured = {}
    for path in a.sweep:
        for k, v in unit_costs(path).items():
            measured.setdefault(k, v)
    order = sorted(measured, key=lambda k: -k[1])  # the sweep's order: highest degree first (stable)
    print(f"measured: {', '.join(a.sweep)}")
    by_degree = {}
    for k in order:
        by_degree.setdefault(k[1], []).append(measured[k])
    for d in sorted(by_degree):
        c = np.array([x for x, _ in by_degree[d]])
        print(f"  degree {d:>2}: {len(c)} units, cost per unit min {c.min():.1f} s, median {np.median(c):.1f} s, "
              f"max {c.max():.1f} s")
    report("the measured sweep", [measured[k] for k in order], ranks, a.threads, message_s)

    rng = random.Random(1)
    grid = []
    for d in range(a.grid_degrees, 0, -1):
        near = min(by_degree, key=lambda m: (abs(m - d), -m))
        pool, scale = by_degree[near], (d + 2) / (near + 2)
        for _ in range(a.grid_seeds):
            c, m = rng.choice(pool)
            grid.append((c * scale, m))
    scaled = sorted(set(range(1, a.grid_degrees + 1)) - set(by_degree))
    report(f"the Figure 3 grid modelled ({a.grid_degrees} degrees x {a.grid_seeds} seeds; degrees {scaled} scaled from "
           f"the nearest measured one)", grid, ranks, a.threads, message_s)


if __name__ == "__main__":
    main()
