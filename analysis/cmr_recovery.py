"""Parameter recovery of the per-subject likelihood fit (docs/free_recall.md, "Fitting each subject by
likelihood"): subjects simulated by `seqmem run` from known CMR parameters (PEERS-sized: 28 lists of
16), each fitted by seqmem.fit_likelihood.fit_subjects, and per parameter the correlation of the
fitted with the true values and the bias (mean of fitted - true).

usage (from the repository root):
    .venv/bin/python analysis/cmr_recovery.py build/seqmem [--subjects 20] [--seed 1] [--processes 2]
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

# the generating parameters: drawn inside the fit's default box (seqmem.fit_likelihood.DEFAULT_FREE)
DRAWS = {"beta_enc": (0.5, 0.95, False), "beta_rec": (0.3, 0.9, False), "beta_start": (0.0, 0.5, False),
         "phi_s": (0.5, 20.0, True), "phi_d": (0.2, 2.0, False), "tau": (0.5, 5.0, True), "X_s": (0.005, 0.1, True),
         "X_k": (0.0, 0.5, False)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seqmem")
    ap.add_argument("--subjects", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "build" / "python"))
    import seqmem
    from seqmem.fit_likelihood import fit_subjects

    rng = np.random.default_rng(args.seed)
    true = []
    for _ in range(args.subjects):
        p = {}
        for k, (lo, hi, log) in DRAWS.items():
            p[k] = float(np.exp(rng.uniform(np.log(lo), np.log(hi)))) if log else float(rng.uniform(lo, hi))
        true.append(p)
    entries = ", ".join("{" + ", ".join(f"{k} = {v!r}" for k, v in p.items()) + "}" for p in true)
    text = (f"seed = {args.seed}\n[model]\nkind = \"free_recall\"\n[items]\nN_items = 16\n[lists]\nL = 16\n"
            f"subjects = 1\nlists = 28\n[runs]\nlist = [{entries}]\n")
    with tempfile.TemporaryDirectory() as tmp:
        sc, out = Path(tmp) / "recovery.toml", Path(tmp) / "recovery.h5"
        sc.write_text(text)
        p = subprocess.run([args.seqmem, "run", str(sc), "-o", str(out), "-q"], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(p.stderr)
        events = []
        for i in range(args.subjects):
            ev = seqmem.free_recall.read_events(out, run=f"r{i:04d}")
            ev["subject"] = i + 1
            events.append(ev)
    fits, _ = fit_subjects(pd.concat(events, ignore_index=True), seed=args.seed, processes=args.processes)
    truth = pd.DataFrame(true, index=pd.Index(range(1, args.subjects + 1), name="subject"))
    rows = []
    for k in DRAWS:
        t, f = truth[k], fits[k]
        rows.append({"parameter": k, "r": float(np.corrcoef(t, f)[0, 1]), "bias": float((f - t).mean()),
                     "median |error|": float((f - t).abs().median()), "true range": f"{t.min():.3g}-{t.max():.3g}"})
    table = pd.DataFrame(rows).set_index("parameter")
    print(f"{args.subjects} subjects, 28 lists of 16 each; {int(fits['converged'].sum())} converged")
    print(table.round(3).to_string())


if __name__ == "__main__":
    main()
