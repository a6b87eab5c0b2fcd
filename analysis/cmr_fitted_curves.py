"""The per-subject likelihood fits, simulated, against the human curves (docs/free_recall.md §7e).

Each subject's fitted parameters (a table from seqmem-fit --objective likelihood, or the rows of
analysis/cmr_model_comparison.py for one variant) are run forwards by the model they were fitted
under (seqmem.likelihood.sample_events), `reps` times the subject's own sessions; the simulated
subjects' SPC, PFR, lag-CRP (lags -5..5), PLIs by list lag (1..3) and intrusions per list are averaged
over subjects, as the human ones are, and compared by RMSE. Beside them: the summary-curve fit of
scenarios/free_recall_peers.toml (one parameter set for everyone, within lists, no intrusions), run
forwards the same way.

usage:
    .venv/bin/python analysis/cmr_fitted_curves.py EVENTS.csv FITS.csv [--variant across] [--reps 10] \
        [-o curves.csv] [--per-subject subject_curves.csv]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build" / "python"))

from seqmem import free_recall, likelihood  # noqa: E402

# scenarios/free_recall_peers.toml's fitted parameters (the summary-curve fit; X_k = 0)
SUMMARY_FIT = {"beta_enc": 0.8793864671763805, "beta_rec": 0.5794880848666768, "beta_start": 0.1145602240020504,
               "phi_s": 8.931038506166416, "phi_d": 1.4662013577857915, "tau": 1.077936956232813,
               "X_s": 0.049891161069374836, "X_k": 0.0}
PARAMS = ["beta_enc", "beta_rec", "beta_start", "beta_list", "gamma_fc", "phi_s", "phi_d", "tau", "X_s", "X_k", "p_eli"]


def curves(events):
    """The subject-averaged curves of an event table, one Series indexed by (curve, x)."""
    s = free_recall.summary(events, max_lag=5)
    pli = free_recall.pli_recency(events).groupby(level="lag")["rate"].mean()
    src = free_recall.recall_sources(events)
    n_lists = events[["subject", "list"]].drop_duplicates().groupby("subject").size()
    kinds = src[~src["repeat"]].assign(pli=lambda d: d["lag"] > 0, eli=lambda d: d["lag"] < 0)
    per = kinds.groupby("subject")[["pli", "eli"]].sum().reindex(n_lists.index, fill_value=0).div(n_lists, axis=0)
    parts = {"spc": s["spc"], "pfr": s["pfr"], "lag_crp": s["lag_crp"], "pli_by_lag": pli,
             "per_list": pd.Series({"recalls": s["recalls_per_list"], "plis": per["pli"].mean(),
                                    "elis": per["eli"].mean(), "repeats": s["repeats_per_list"]})}
    return pd.concat(parts, names=["curve", "x"])


def subject_curves(events):
    """Every subject's SPC, PFR and lag-CRP (lags -5..5), one Series indexed by (subject, curve, x)."""
    lag = free_recall.lag_crp(events, 5)["prob"]
    lag = lag[lag.index.get_level_values("lag") != 0]
    parts = {"spc": free_recall.spc(events)["recall"], "pfr": free_recall.pfr(events)["prob"], "lag_crp": lag}
    out = pd.concat({k: v.rename_axis(["subject", "x"]) for k, v in parts.items()}, names=["curve"])
    return out.reorder_levels(["subject", "curve", "x"]).sort_index()


def simulate(fits, shape, model, rule, reps, seed):
    """Every subject's parameters run forwards: `reps` x its sessions; subjects keep their ids."""
    out = []
    for i, (subject, row) in enumerate(fits.iterrows()):
        params = {k: float(row[k]) for k in PARAMS if k in row and pd.notna(row[k])}
        sessions, lists, length = shape.loc[subject]
        ev = likelihood.sample_events(params, rule=rule, model=model, sessions=int(sessions) * reps,
                                      lists=int(lists), length=int(length), seed=seed + i)
        out.append(ev.assign(subject=subject))
    return pd.concat(out, ignore_index=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("events", help="psifr event table (CSV) the fits were made to")
    ap.add_argument("fits", help="per-subject fitted parameters (CSV with a subject column)")
    ap.add_argument("--variant", help="the rows of this variant (a comparison table's variant column)")
    ap.add_argument("--model", choices=likelihood.MODELS, help="default: the variant's, else within")
    ap.add_argument("--rule", choices=likelihood.RULES, default="luce")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", help="the curves (CSV: curve, x, human, fitted, summary_fit)")
    ap.add_argument("--per-subject", help="every subject's curves (CSV: subject, curve, x, human, fitted)")
    args = ap.parse_args()
    events = pd.read_csv(args.events)
    fits = pd.read_csv(args.fits)
    if args.variant:
        fits = fits[fits["variant"] == args.variant]
    model = args.model or ("across" if args.variant == "across" else "within")
    fits = fits.set_index("subject")
    events = events[events["subject"].isin(fits.index)]
    if "session" not in events.columns:
        events = events.assign(session=1)
    study = events[events["trial_type"] == "study"]
    shape = pd.DataFrame({"sessions": study.groupby("subject")["session"].nunique(),
                          "lists": study.groupby(["subject", "session"])["list"].nunique().groupby("subject").max(),
                          "length": study.groupby("subject")["position"].max()})
    human = curves(events)
    simulated = simulate(fits, shape, model, args.rule, args.reps, args.seed)
    fitted = curves(simulated)
    if args.per_subject:
        per = pd.DataFrame({"human": subject_curves(events), "fitted": subject_curves(simulated)})
        per.reset_index().to_csv(args.per_subject, index=False)
    summary_fits = pd.DataFrame([SUMMARY_FIT] * len(fits), index=fits.index)
    summary_fit = curves(simulate(summary_fits, shape, "within", "luce", args.reps, args.seed))
    table = pd.DataFrame({"human": human, "fitted": fitted, "summary_fit": summary_fit})
    if args.output:
        table.reset_index().to_csv(args.output, index=False)
    print(f"{len(fits)} subjects, {model} model, {args.reps} x each subject's sessions simulated\n")
    print("| curve | RMSE, per-subject likelihood fits | RMSE, summary-curve fit |")
    print("|---|---|---|")
    for name in ["spc", "pfr", "lag_crp", "pli_by_lag"]:
        t = table.loc[name]
        rmse = lambda col: float(np.sqrt(np.nanmean((t[col] - t["human"]) ** 2)))
        print(f"| {name} | {rmse('fitted'):.4f} | {rmse('summary_fit'):.4f} |")
    print("\nper list:", ", ".join(f"{x}: human {r.human:.3f}, fitted {r.fitted:.3f}, summary fit {r.summary_fit:.3f}"
                                  for x, r in table.loc["per_list"].iterrows()))
    print("PLIs by lag:", ", ".join(f"{x}: human {r.human:.4f}, fitted {r.fitted:.4f}"
                                    for x, r in table.loc["pli_by_lag"].iterrows()))


if __name__ == "__main__":
    main()
