"""Model comparison of CMR variants by likelihood, with held-out lists (docs/free_recall.md §7d).

Every subject is fitted by maximum likelihood (seqmem.fit_likelihood.fit_subjects) on the lists of
even ordinal (2, 4, ..., 28 in PEERS) and scored on the odd ones, under each variant:

  within          the within-list model (the pool is the list; every intrusion outside it, p_eli)
  within+gamma_fc the same with learned item-to-context associations (gamma_fc free)
  softmax         the within-list model with the softmax choice rule instead of Luce's
  across          context carried across a session's lists (beta_list) and PLIs from the pool

The searches of within+gamma_fc and across start at the subject's within-list fit (differential
evolution's x0), with gamma_fc = 0 and beta_list = 1. Every variant frees p_eli, so all of them score
the same events: every recall but repeats, and every
stop. Printed: seqmem.fit_likelihood.comparison_table, the summed AIC and BIC (of the fitted halves),
the held-out log-likelihood per event (recalls and stops of the held-out lists), and how many
subjects each variant wins (the best held-out log-likelihood). Written (-o): one row per subject and
variant.

usage:
    .venv/bin/python analysis/cmr_model_comparison.py EVENTS.csv [--subjects N] [--processes P] -o OUT.csv
"""

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build" / "python"))

from seqmem import fit_likelihood as fl  # noqa: E402

ELI = {"p_eli": fl.ACROSS_FREE["p_eli"]}
VARIANTS = {
    "within": dict(model="within", rule="luce", free={**fl.DEFAULT_FREE, **ELI}),
    "within+gamma_fc": dict(model="within", rule="luce", free={**fl.DEFAULT_FREE, **ELI, "gamma_fc": (0.0, 1.0, False)}),
    "softmax": dict(model="within", rule="softmax", free={**fl.DEFAULT_FREE, **ELI}),
    "across": dict(model="across", rule="luce", free=fl.default_free("across")),
}
# The variants that contain the within-list model: their search starts at its fit (gamma_fc = 0 is the
# within-list model; beta_list = 1 resets the context, the within-list model but for the prior-list
# items left in the pool at the floor of the support).
NESTED = {"within+gamma_fc": {"gamma_fc": 0.0}, "across": {"beta_list": 1.0}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("events", help="psifr event table (CSV)")
    ap.add_argument("-o", "--output", required=True, help="per-subject rows (CSV)")
    ap.add_argument("--subjects", type=int, help="the first N subjects in sorted order (default: all)")
    ap.add_argument("--processes", type=int, default=None)
    ap.add_argument("--popsize", type=int, default=15)
    ap.add_argument("--maxiter", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    events = pd.read_csv(args.events)
    ids = sorted(events["subject"].unique())[:args.subjects]
    out, within = [], None
    for name, v in VARIANTS.items():
        t0 = time.time()
        start = None
        if name in NESTED:  # the within-list fit, with the larger model's extra parameter at its nested value
            start = within[list(fl.DEFAULT_FREE) + ["p_eli"]].assign(**NESTED[name])
        table, _ = fl.fit_subjects(events, free=v["free"], rule=v["rule"], model=v["model"], subjects=ids,
                                   seed=args.seed, processes=args.processes, popsize=args.popsize,
                                   maxiter=args.maxiter, holdout="odd", start=start)
        if name == "within":
            within = table
        print(f"{name}: {len(table)} subjects in {time.time() - t0:.0f} s", file=sys.stderr)
        out.append(table.reset_index().assign(variant=name))
    rows = pd.concat(out, ignore_index=True)
    rows.to_csv(args.output, index=False)
    t = fl.comparison_table(rows)
    print(f"{len(ids)} subjects; fitted on the even lists, held-out: the odd lists\n")
    print("| variant | k | summed AIC | summed BIC | held-out log-likelihood per event | subjects won | converged |")
    print("|---|---|---|---|---|---|---|")
    for name, r in t.iterrows():
        print(f"| {name} | {int(r['k'])} | {r['AIC']:.1f} | {r['BIC']:.1f} | {r['held_out_per_event']:.4f} | "
              f"{int(r['subjects_won'])} | {int(r['converged'])} |")


if __name__ == "__main__":
    main()
