"""An independent NumPy implementation of CMR's likelihood of free recall, written from the equations
of docs/free_recall.md ("The likelihood") for the benchmark and the tests: the peer seqmem's
compiled likelihood (seqmem.likelihood.log_likelihood) is measured against, and checked against, within
lists and across the lists of a session. Vectorised within a list (one matrix-vector product per
support); lists one after another.

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


def session_log_likelihood(lists, p, softmax=False, across=True):
    """log P(recalls, stop) of each list of one session of localist items. `lists`: [(L, events)] in
    study order, events [(lag, position)] in output order (lag 0 this list, d > 0 d lists back, -1 an
    extra-list intrusion; position 0-based), repeats already left out. across=False: every list starts
    afresh and its pool is its own items. `p`: dict of CMR's parameters."""
    beta_enc, beta_rec, beta_start = p["beta_enc"], p["beta_rec"], p["beta_start"]
    gamma_fc, phi, phi_s, phi_d = p["gamma_fc"], p["phi"], p["phi_s"], p["phi_d"]
    tau, X_s, X_k, p_eli, beta_list = p["tau"], p["X_s"], p["X_k"], p["p_eli"], p["beta_list"]
    decay, ri = p["salience_decay_time"], p["retention_interval"]
    S = sum(L for L, _ in lists)
    dim = S + len(lists)  # the session's items, then one start-of-list unit per list

    def update(c, c_in, beta):  # CMR's context update, Eq. 2: unit norm kept
        d = c @ c_in
        rho = math.sqrt(1.0 + beta * beta * (d * d - 1.0)) - beta * d
        return rho * c + beta * c_in

    def stop(o):  # the stop rule, below its ceiling 1 - 1e-6
        return min(1.0 - 1e-6, X_s * math.exp(X_k * o))

    eye = np.eye(dim)
    C = np.zeros((dim, S))  # the context after each study event
    gain = np.zeros(S)      # primacy gain per item
    c = eye[S]
    first = []
    out = []
    for k, (L, events) in enumerate(lists):
        if k > 0:
            c = update(c, eye[S + k], beta_list) if across else eye[S + k].copy()
        g0 = sum(Lk for Lk, _ in lists[:k])
        first.append(g0)
        for j in range(L):
            c = update(c, eye[g0 + j], beta_enc)
            C[:, g0 + j] = c
            gain[g0 + j] = phi_s * math.exp(-phi_d * j) + 1.0
        if beta_start > 0:
            c = update(c, eye[S + k], beta_start)
        n = g0 + L
        pool = np.zeros(S, bool)
        pool[(0 if across else g0):n] = True
        sal = np.exp(-(n - np.arange(S) + ri) / decay) if decay > 0 else np.ones(S)
        ll, o = 0.0, 0
        for lag, pos in events:
            g = first[k - lag] + pos if lag >= 0 and (across or lag == 0) else None
            if g is None and p_eli == 0:
                continue  # outside the pool and not modelled: left out
            ll += math.log1p(-stop(o))
            p_out = p_eli if pool.any() else 1.0
            if g is None:
                ll += math.log(p_out)
            else:
                idx = np.flatnonzero(pool)
                a = np.maximum(c[:S] + phi * gain * sal * (C.T @ c), 1e-7)[idx]  # the support of the pool
                x = tau * (a if softmax else np.log(a))  # log of Luce's a^tau, or softmax's exponent
                top = x.max()
                ll += math.log1p(-p_out) + x[np.searchsorted(idx, g)] - top - math.log(np.exp(x - top).sum())
                pool[g] = False
                c_in = eye[g].copy()
                if gamma_fc > 0:
                    c_in = (1 - gamma_fc) * c_in + gamma_fc * C[:, g]
                    c_in /= np.linalg.norm(c_in)
                c = update(c, c_in, beta_rec)
            o += 1
        if pool.any() or p_eli > 0:
            ll += math.log(stop(o))
        out.append(ll)
    return out


def list_log_likelihood(recalls, L, p, softmax=False):
    """log P(recalls, stop) of one list of L items within lists; `recalls`: serial positions 0..L-1."""
    return session_log_likelihood([(L, [(0, j) for j in recalls])], {**DEFAULTS, **p}, softmax, across=False)[0]


DEFAULTS = {"beta_enc": 0.7, "beta_rec": 0.5, "beta_start": 0.0, "gamma_fc": 0.0, "phi": 1.0, "phi_s": 0.0,
            "phi_d": 0.0, "salience_decay_time": 0.0, "retention_interval": 0.0, "tau": 1.0, "X_s": 0.01,
            "X_k": 0.3, "beta_list": 1.0, "p_eli": 0.0}


def sessions(df):
    """The sessions of an event table: [[(L, events)]] in (subject, session, list) order, each recall
    event (lag, position) as session_log_likelihood reads it, a word's source the latest list of the
    session that studied it up to this one; repeats (a word recalled before in the list) left out."""
    if "session" not in df.columns:
        df = df.assign(session=0)
    out = []
    for _, s in df.groupby(["subject", "session"], sort=True):
        lists, where = [], {}
        for k, (_, g) in enumerate(s.groupby("list", sort=True)):
            study = g[g["trial_type"] == "study"].sort_values("position")
            for item, j in zip(study["item"], study["position"]):
                where[item] = (k, int(j) - 1)
            seen, events = set(), []
            for item in g[g["trial_type"] == "recall"].sort_values("position")["item"]:
                if item in seen:
                    continue
                seen.add(item)
                events.append((k - where[item][0], where[item][1]) if item in where else (-1, 0))
            lists.append((int(study["position"].max()), events))
        out.append(lists)
    return out


def sequences(df):
    """(L, recalls) of every list of an event table within lists (intrusions and repeats left out), in
    (subject, session, list) order."""
    return [(L, [j for lag, j in events if lag == 0]) for s in sessions(df) for L, events in s]


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
    ses = sessions(df)
    prepared = seqmem.likelihood.recall_lists(df)  # both score lists read once, as a fit does
    core = seqmem.free_recall._core()
    for model, extra in (("within", {}), ("across", {"beta_list": 0.3, "p_eli": 0.02})):
        q = {**params, **extra}
        across = model == "across"
        reps = 20
        t0 = time.perf_counter()
        for _ in range(reps):
            ll_numpy = [x for s in ses for x in session_log_likelihood(s, q, across=across)]
        t_numpy = (time.perf_counter() - t0) / reps
        args = (prepared.length, prepared.session, prepared.lags, prepared.positions, prepared.n_recalls,
                prepared.repeats, q, False, across, 1)
        core.cmr_log_likelihood(*args)  # warm
        reps_c = 1000
        t0 = time.perf_counter()
        for _ in range(reps_c):
            r = core.cmr_log_likelihood(*args)
        t_seqmem = (time.perf_counter() - t0) / reps_c
        t0 = time.perf_counter()
        for _ in range(reps):
            seqmem.likelihood.log_likelihood(prepared, q, model=model)
        t_frame = (time.perf_counter() - t0) / reps
        diff = float(np.max(np.abs(np.array(ll_numpy) - r["log_likelihood"])))
        print(f"subject {subject}, {model} lists: {len(ll_numpy)} lists, total log-likelihood {sum(ll_numpy):.6f} "
              f"(largest difference {diff:.2e})")
        print(f"  NumPy {t_numpy * 1e3:.3f} ms, seqmem {t_seqmem * 1e3:.4f} ms (seqmem._core, one thread), "
              f"ratio {t_numpy / t_seqmem:.0f}x; seqmem.likelihood.log_likelihood with its DataFrame "
              f"{t_frame * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
