"""An independent NumPy implementation of CMR's likelihood of free recall, written from the equations
of docs/free_recall.md ("The likelihood") for the benchmark and the tests: the peer seqmem's
compiled likelihood (seqmem.free_recall.log_likelihood) is measured against, and checked against.
Vectorised within a list (one matrix-vector product per support); lists one after another.

usage (the speed table of docs/free_recall.md):
    .venv/bin/python bench/bench_cmr_likelihood.py [events.csv] [--subject ID]
without a file: PEERS' sample, named by SEQMEM_PEERS_CSV or found as shared/data/peers_free_recall.csv
in the folder that holds the checkout.
"""

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np


def list_log_likelihood(recalls, L, p, softmax=False):
    """log P(recalls, stop) of one list of L localist items; `recalls`: serial positions 0..L-1 in
    output order (intrusions and repeats already left out). `p`: dict of CMR's parameters."""
    beta_enc, beta_rec, beta_start = p["beta_enc"], p["beta_rec"], p["beta_start"]
    gamma_fc, phi, phi_s, phi_d = p["gamma_fc"], p["phi"], p["phi_s"], p["phi_d"]
    tau, X_s, X_k = p["tau"], p["X_s"], p["X_k"]
    decay, ri = p["salience_decay_time"], p["retention_interval"]
    dim = L + 1  # the items, then the start-of-list unit

    def update(c, c_in, beta):  # CMR's context update, Eq. 2: unit norm kept
        d = c @ c_in
        rho = math.sqrt(1.0 + beta * beta * (d * d - 1.0)) - beta * d
        return rho * c + beta * c_in

    c = np.zeros(dim)
    c[L] = 1.0
    C = np.zeros((dim, L))  # the context after each study event
    eye = np.eye(dim)
    for j in range(L):
        c = update(c, eye[j], beta_enc)
        C[:, j] = c
    if beta_start > 0:
        c = update(c, eye[L], beta_start)
    gain = phi_s * np.exp(-phi_d * np.arange(L)) + 1.0
    if decay > 0:
        gain = gain * np.exp(-(L - np.arange(L) + ri) / decay)
    left = np.ones(L, bool)
    ll = 0.0
    for o, item in enumerate(recalls):
        stop = min(1.0, X_s * math.exp(X_k * o))
        ll += math.log1p(-stop) if stop < 1 else -math.inf
        idx = np.flatnonzero(left)
        a = np.maximum(c[:L] + phi * gain * (C.T @ c), 1e-7)[idx]  # the support of the items left
        x = tau * (a if softmax else np.log(a))  # log of Luce's a^tau, or softmax's exponent
        top = x.max()
        ll += x[np.searchsorted(idx, item)] - top - math.log(np.exp(x - top).sum())
        left[item] = False
        c_in = eye[item].copy()
        if gamma_fc > 0:
            c_in = (1 - gamma_fc) * c_in + gamma_fc * C[:, item]
            c_in /= np.linalg.norm(c_in)
        c = update(c, c_in, beta_rec)
    if len(recalls) < L:
        ll += math.log(min(1.0, X_s * math.exp(X_k * len(recalls))))
    return ll


DEFAULTS = {"beta_enc": 0.7, "beta_rec": 0.5, "beta_start": 0.0, "gamma_fc": 0.0, "phi": 1.0, "phi_s": 0.0,
            "phi_d": 0.0, "salience_decay_time": 0.0, "retention_interval": 0.0, "tau": 1.0, "X_s": 0.01,
            "X_k": 0.3}


def sequences(df):
    """(L, recalls) of every list of an event table, intrusions and repeats left out, in
    (subject, list) order."""
    out = []
    for _, g in df.sort_values(["subject", "list"], kind="stable").groupby(["subject", "list"], sort=True):
        study = g[g["trial_type"] == "study"]
        pos = dict(zip(study["item"], study["position"]))
        seen, rec = set(), []
        for item in g[g["trial_type"] == "recall"].sort_values("position")["item"]:
            j = pos.get(item)
            if j is not None and j not in seen:
                seen.add(j)
                rec.append(int(j) - 1)
        out.append((int(study["position"].max()), rec))
    return out


def main():
    import pandas as pd

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "build" / "python"))
    import seqmem

    ap = argparse.ArgumentParser()
    ap.add_argument("events", nargs="?", default=None)
    ap.add_argument("--subject", default=None)
    args = ap.parse_args()
    peers = Path(os.environ.get("SEQMEM_PEERS_CSV",
                                Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "peers_free_recall.csv"))
    path = args.events or (str(peers) if peers.is_file() else None)
    if path is None:
        sys.exit("no event table: give a psifr-format CSV file (or name PEERS' sample by SEQMEM_PEERS_CSV)")
    df = pd.read_csv(path)
    subject = args.subject if args.subject is not None else sorted(df["subject"].unique())[0]
    df = df[df["subject"].astype(str) == str(subject)]
    params = {**DEFAULTS, "beta_enc": 0.88, "beta_rec": 0.58, "beta_start": 0.11, "phi_s": 8.9, "phi_d": 1.47,
              "tau": 1.08, "X_s": 0.05, "X_k": 0.0}  # scenarios/free_recall_peers.toml
    lists = sequences(df)
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        ll_numpy = [list_log_likelihood(r, L, params) for L, r in lists]
    t_numpy = (time.perf_counter() - t0) / reps
    # both score lists read once (a fit reads the table once and scores it thousands of times)
    prepared = seqmem.free_recall.recall_lists(df)
    core = seqmem.free_recall._core()
    core.cmr_log_likelihood(prepared.length, prepared.positions, prepared.n_recalls, params, False, 1)  # warm
    reps_c = 2000
    t0 = time.perf_counter()
    for _ in range(reps_c):
        r = core.cmr_log_likelihood(prepared.length, prepared.positions, prepared.n_recalls, params, False, 1)
    t_seqmem = (time.perf_counter() - t0) / reps_c
    t0 = time.perf_counter()
    for _ in range(reps):
        seqmem.free_recall.log_likelihood(prepared, params)
    t_frame = (time.perf_counter() - t0) / reps
    diff = float(np.max(np.abs(np.array(ll_numpy) - r["log_likelihood"])))
    print(f"subject {subject}: {len(lists)} lists, total log-likelihood {sum(ll_numpy):.6f} (largest difference "
          f"{diff:.2e})")
    print(f"NumPy {t_numpy * 1e3:.3f} ms, seqmem {t_seqmem * 1e3:.4f} ms (seqmem._core, one thread), "
          f"ratio {t_numpy / t_seqmem:.0f}x; seqmem.free_recall.log_likelihood with its DataFrame "
          f"{t_frame * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
