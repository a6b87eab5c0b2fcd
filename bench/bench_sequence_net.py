"""The sequence memories' P_S check: seqmem against NumPy, the same rule in one process on one machine
(docs/benchmarks.md, "Sequence memories").

One P_S check of the polynomial DenseNet (Chaudhry et al. 2023, Eq. 2; docs/models.md §3.3) at
N = 100, d = 3, P = 2 000 random +-1 patterns of one cycle: is every transition xi^mu -> xi^(mu+1)
exact after one synchronous update? (P = 2 000 is below the capacity, about 3 100 at N = 100, so
every transition is checked: no early exit helps either side.) Three implementations:

1. numpy_iterated: the authors' way (their poly_asym_update, vectorised over neurons and patterns
   within a step): iterate the map from xi^1 for P steps, each step the N x P leave-one-out
   overlaps, f, and the sum over patterns; compare with the next pattern.
2. numpy_batched: NumPy with the decomposition seqmem uses (docs/models.md §3.3), every transition
   at once in blocks of 256: the overlaps Xi^T Xi by one matrix product, the tables A and B, then
   two matrix products (BLAS). The same arithmetic as seqmem without the bit packing.
3. seqmem.sequence_transition_errors: popcount overlaps of the packed patterns, the tables, Eigen's
   matrix products.

All three must give the same per-transition error counts (checked). Timings are the median of
--repeats runs (numpy_iterated: one run unless --repeats-numpy says more; it takes seconds).

Usage: .venv/bin/python bench/bench_sequence_net.py [--N 100] [--d 3] [--P 2000] [--repeats 5]
"""

import argparse
import os
import platform
import statistics
import time

import numpy as np

import seqmem


def patterns(N, P, seed):
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=(N, P))


def numpy_iterated(Xi, d):
    """Errors of each transition, iterating S(t+1) = sgn(sum_mu xi^{mu+1} m_i^mu^d) from xi^1 while
    every step is exact (the authors' loop: stops at the first wrong bit). Returns the errors of the
    transitions up to the first wrong one (the rest -1)."""
    N, P = Xi.shape
    Xi_next = np.roll(Xi, -1, axis=1)
    errors = np.full(P, -1)
    S = Xi[:, 0].copy()
    for mu in range(P):
        m = (Xi.T @ S)[None, :] - Xi * S[:, None]  # (N, P): sum_{j != i} xi_j^mu S_j
        m /= N - 1
        h = np.sum(Xi_next * m ** d, axis=1)
        S_new = np.sign(h)
        errors[mu] = int(np.sum(S_new != Xi_next[:, mu]))
        if errors[mu]:
            break
        S = S_new
    return errors


def numpy_batched(Xi, d, block=256):
    """Errors of every transition at once: g(a - x) = A + x B with a = Xi^T Xi and x = xi_i^mu xi_i^nu."""
    N, P = Xi.shape
    Xi_next = np.roll(Xi, -1, axis=1)
    Q = Xi_next * Xi
    errors = np.empty(P, dtype=int)
    for b in range(0, P, block):
        S = Xi[:, b:b + block]
        a = Xi.T @ S  # (P, n) integers
        lo, hi = (a - 1) ** d, (a + 1) ** d
        A, B = 0.5 * (lo + hi), 0.5 * (lo - hi)
        H = Xi_next @ A + S * (Q @ B)
        errors[b:b + block] = np.sum(H * Xi_next[:, b:b + block] <= 0, axis=0)
    return errors


def timed(f, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip(), os.cpu_count()
    return platform.processor(), os.cpu_count()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--N", type=int, default=100)
    ap.add_argument("--d", type=int, default=3)
    ap.add_argument("--P", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--repeats-numpy", type=int, default=1)
    a = ap.parse_args()
    Xi = patterns(a.N, a.P, a.seed)
    model, cores = cpu()
    print(f"machine: {model}, {cores} cores; numpy {np.__version__}; load {open('/proc/loadavg').read().split()[:3]}")
    print(f"one P_S check of the polynomial DenseNet: N = {a.N}, d = {a.d}, P = {a.P}")
    t_seq, e_seq = timed(lambda: seqmem.sequence_transition_errors(Xi, degree=a.d), a.repeats)
    t_bat, e_bat = timed(lambda: numpy_batched(Xi, a.d), a.repeats)
    t_it, e_it = timed(lambda: numpy_iterated(Xi, a.d), a.repeats_numpy)
    e_seq, e_bat = np.array(e_seq), np.array(e_bat)
    done = e_it >= 0
    assert np.array_equal(e_seq, e_bat), "seqmem and numpy_batched disagree"
    assert np.array_equal(e_seq[done], e_it[done]), "seqmem and numpy_iterated disagree"
    exact = int(np.sum(e_seq == 0))
    print(f"exact transitions: {exact} of {a.P} (every implementation agrees)")
    print(f"{'implementation':<34}{'time':>12}{'seqmem faster by':>20}")
    for name, t in [("seqmem.sequence_transition_errors", t_seq), ("numpy_batched (same decomposition)", t_bat),
                    ("numpy_iterated (the authors' loop)", t_it)]:
        print(f"{name:<34}{t * 1e3:>10.1f} ms{t / t_seq:>19.1f}x")


if __name__ == "__main__":
    main()
