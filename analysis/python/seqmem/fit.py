"""Fit CMR (kind = "free_recall") to free-recall data: the command ``seqmem-fit`` and the function
:func:`fit_free_recall`.

The data: a psifr event table (CSV with ``subject, list, position, trial_type, item``, e.g. PEERS as
psifr ships it), the event table of a seqmem free-recall run (HDF5), or a summary table in the
layout of analysis/data/peers_summary.csv (``curve, x, value, sem``; what
``seqmem.free_recall.summary_table`` writes). The objective ``summary``: the sum of squared
differences, model minus data, over the serial-position curve (SPC), the probability of first
recall (PFR) and the lag-CRP (lags -5..5 without 0), the data's curves averaged over subjects, the
model's counted over all its simulated lists. Every evaluation simulates ``subjects`` x ``lists``
lists with the same seed (common random numbers: the objective is a deterministic function of the
parameters). The search: SciPy's differential evolution (its seed the same seed), then
Nelder-Mead from its best point inside the same bounds.

The model: CMR with orthonormal items and a pool of L items (every list is the whole pool in a
random order: no intrusions), Luce's choice and the stop rule P_stop(o) = X_s exp(X_k o). The
parameters to free and their bounds are arguments (``--free beta_enc=0.2:0.95``,
``--free phi_s=0.1:1000:log``); the defaults are the seven of the shipped fit
(scenarios/free_recall_peers.toml): beta_enc, beta_rec, beta_start, phi_s (log scale), phi_d, tau,
X_s, with X_k = 0 fixed. Other keys are fixed with ``--set key=value``.

The output: the fitted scenario (a TOML file whose comments give the fit, its RMSEs and where it
misses the data), written only where ``-o`` says (``-o -``: standard output); an existing file is
refused unless ``--overwrite``.

``--objective likelihood`` fits every subject of an event table by maximum likelihood instead
(seqmem.fit_likelihood: ``--model within|across``, ``--rule``, ``--restarts``, ``--holdout odd|even``,
``--subject``, ``--processes``; the defaults free eight parameters, ten across lists) and writes
OUTPUT.h5 (netCDF-4: the per-subject table on dimension ``subject``, the per-list log-likelihoods on
``list_index``), OUTPUT.csv and OUTPUT_lists.csv.

Usage::

    seqmem-fit analysis/data/peers_summary.csv -o fitted.toml              # the shipped fit, ~6 min
    seqmem-fit my_events.csv --free tau=0.5:10 --free X_s=0.005:0.15 --set X_k=0.1 --seed 3 -o my.toml
    seqmem-fit analysis/data/peers_summary.csv --quick -o -                 # a short search, printed
    seqmem-fit events.csv --objective likelihood --model across -o fits      # fits.h5, fits.csv, fits_lists.csv
"""

import argparse
import math
import os
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import free_recall

# The shipped fit's free parameters: key -> (low, high, log scale).
DEFAULT_FREE = {
    "beta_enc": (0.2, 0.95, False),    # context drift at study
    "beta_rec": (0.2, 0.99, False),    # context drift at each recall (reinstatement)
    "beta_start": (0.0, 0.6, False),   # drift back to the start-of-list context before recall
    "phi_s": (0.1, 1000.0, True),      # primacy gain P_j = phi_s exp(-phi_d (j - 1)) + 1
    "phi_d": (0.0, 6.0, False),        # its decay over serial positions
    "tau": (0.5, 10.0, False),         # Luce exponent: P(recall i) ~ a_i^tau
    "X_s": (0.005, 0.15, False),       # stop probability before each recall
}
# X_k = 0: a stop probability that does not grow with the output position (searches with X_k free
# put it near 0.02 and fitted no better).
DEFAULT_FIXED = {"X_k": 0.0}
LAGS = [-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]
CURVES = ["spc", "pfr", "lag_crp"]
CHECK_SEED_OFFSET = 1  # the fitted parameters are also run with seed + 1 (not fitted to its random numbers)
SEARCHES = {"full": (10, 25, 250), "quick": (3, 3, 40)}  # (popsize, maxiter, Nelder-Mead evaluations)


class FitError(ValueError):
    """Bad arguments or data of a fit (names the argument)."""


def read_data(data):
    """The data's summary: ``{"curves": {name: (values, sem)}, "L", "subjects", "lists",
    "recalls_per_list", "intrusions_per_list", "source"}``, from a path (event-table CSV, seqmem
    HDF5 file, summary CSV) or a DataFrame (event table or summary table)."""
    source = str(data) if not isinstance(data, pd.DataFrame) else "a DataFrame"
    if isinstance(data, pd.DataFrame):
        table = data
    else:
        path = Path(data)
        if not path.exists():
            raise FitError(f"{path}: no such file")
        if path.suffix in (".h5", ".hdf5"):
            table = free_recall.read_events(path)
        else:
            table = pd.read_csv(path, comment="#")
    if {"curve", "x", "value"} <= set(table.columns):  # a summary table
        s = table
        L = int(s.loc[s["curve"] == "spc", "x"].max())
        scalars = s[s["x"].isna()].set_index("curve")["value"]
        get = lambda name, xs: (s[s["curve"] == name].set_index("x").loc[xs, "value"].to_numpy(float),
                                s[s["curve"] == name].set_index("x").loc[xs, "sem"].to_numpy(float))
        curves = {"spc": get("spc", list(range(1, L + 1))), "pfr": get("pfr", list(range(1, L + 1))),
                  "lag_crp": get("lag_crp", LAGS)}
        subjects, lists = int(scalars["subjects"]), int(scalars["lists"])
        recalls, intrusions = float(scalars["recalls_per_list"]), float(scalars["intrusions_per_list"])
    else:
        missing = set(free_recall.COLUMNS) - set(table.columns)
        if missing:
            raise FitError(f"{source}: not an event table (no column {', '.join(sorted(missing))}) nor a summary "
                           "table (curve, x, value, sem)")
        s = free_recall.summary(table, max_lag=5)
        L = int(table.loc[table["trial_type"] == "study", "position"].max())
        curves = {"spc": (s["spc"].reindex(range(1, L + 1)).to_numpy(float),
                          s["spc_sem"].reindex(range(1, L + 1)).to_numpy(float)),
                  "pfr": (s["pfr"].reindex(range(1, L + 1)).to_numpy(float),
                          s["pfr_sem"].reindex(range(1, L + 1)).to_numpy(float)),
                  "lag_crp": (s["lag_crp"].reindex(LAGS).to_numpy(float), s["lag_crp_sem"].reindex(LAGS).to_numpy(float))}
        subjects, lists = s["subjects"], s["lists"]
        recalls, intrusions = s["recalls_per_list"], s["intrusions_per_list"]
    return {"curves": curves, "L": L, "subjects": subjects, "lists": lists, "recalls_per_list": recalls,
            "intrusions_per_list": intrusions, "source": source}


def parse_free(specs):
    """``["beta_enc=0.2:0.95", "phi_s=0.1:1000:log"]`` -> ``{key: (low, high, log)}``."""
    out = {}
    for spec in specs:
        key, _, rng = spec.partition("=")
        parts = rng.split(":")
        if not key or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "log"):
            raise FitError(f"--free {spec}: expected key=low:high or key=low:high:log")
        try:
            lo, hi = float(parts[0]), float(parts[1])
        except ValueError:
            raise FitError(f"--free {spec}: the bounds must be numbers") from None
        out[key] = (lo, hi, len(parts) == 3)
    return out


def parse_fixed(specs):
    """``["X_k=0.1", "recall_rule=softmax"]`` -> ``{key: value}`` (numbers where they parse)."""
    out = {}
    for spec in specs:
        key, eq, value = spec.partition("=")
        if not key or not eq:
            raise FitError(f"--set {spec}: expected key=value")
        try:
            out[key] = int(value) if value.lstrip("+-").isdigit() else float(value)
        except ValueError:
            out[key] = value
    return out


def _check_free(free, fixed, keys):
    for key, (lo, hi, log) in free.items():
        if key not in keys.index or "free_recall" not in keys.loc[key, "family"].split(", "):
            raise FitError(f"free parameter '{key}': not a key of kind = \"free_recall\" (see seqmem.keys())")
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise FitError(f"free parameter '{key}': the bounds must be finite with low < high, got {lo}, {hi}")
        if log and lo <= 0:
            raise FitError(f"free parameter '{key}': a log scale needs low > 0, got {lo}")
        if key in fixed:
            raise FitError(f"'{key}' is both free and fixed")
    if not free:
        raise FitError("nothing to fit: give at least one free parameter")


def _scenario(params, fixed, L, subjects, lists, seed, keys):
    """The scenario as a dict (seqmem.run's input)."""
    sc = {"seed": seed, "model": {"kind": "free_recall"}, "items": {"N_items": L},
          "lists": {"L": L, "subjects": subjects, "lists": lists}}
    for key, value in {**fixed, **params}.items():
        sc.setdefault(keys.loc[key, "section"], {})[key] = value
    return sc


def _simulate(sc):
    from .simulate import run
    ds = run(sc, threads=1)[0]
    return ({"spc": ds["spc"].values, "pfr": ds["pfr"].values, "lag_crp": ds["lag_crp"].sel(lag=LAGS).values},
            float(ds.attrs["recalls_per_list"]))


def _sse(model, data):
    return float(sum(np.sum((np.nan_to_num(model[c], nan=0.0) - data[c][0]) ** 2) for c in CURVES))


def _rmse(model, data):
    return {c: float(np.sqrt(np.nanmean((model[c] - data[c][0]) ** 2))) for c in CURVES}


def fit_free_recall(data, free=None, fixed=None, objective="summary", subjects=None, lists=None, seed=1,
                    search="full", progress=True):
    """Fit CMR to free-recall data (see the module).

    Parameters: ``data`` (a path or DataFrame, see :func:`read_data`); ``free`` (``{key: (low,
    high)}`` or ``(low, high, log)``; default: the shipped fit's seven); ``fixed`` (``{key: value}``;
    default ``{"X_k": 0.0}``); ``objective`` (``"summary"``); ``subjects`` and ``lists`` simulated per
    evaluation (default: the data's subjects, four times the data's lists per subject; a quick search
    as many as the data); ``seed``;
    ``search`` (``"full"`` or ``"quick"``).

    Returns a dict: ``params`` (the fitted values), ``sse``, ``rmse`` ({curve: value}),
    ``rmse_check`` (the same with seed + 1), ``calls``, ``seconds``, ``scenario`` (the fitted
    scenario as a dict), ``data`` (the data's summary), ``settings``. Raises :class:`FitError` (a
    ValueError) for bad arguments, ``seqmem.InputError`` for a parameter value the model refuses.
    """
    from scipy.optimize import differential_evolution, minimize
    from .simulate import keys as key_table

    if objective != "summary":
        raise FitError(f"objective '{objective}': the objective is 'summary' (the SPC, PFR and lag-CRP)")
    if search not in SEARCHES:
        raise FitError(f"search '{search}': one of {', '.join(SEARCHES)}")
    if free is not None and not isinstance(free, dict):
        raise FitError(f"free = {free!r}: must be a dict {{key: (low, high[, log])}}")
    free = dict(DEFAULT_FREE if free is None else {k: (tuple(v) + (False,))[:3] for k, v in free.items()})
    fixed = dict(DEFAULT_FIXED if fixed is None else fixed)
    keys = key_table()
    _check_free(free, fixed, keys)
    d = read_data(data)
    L = d["L"]
    subjects = int(subjects or d["subjects"])
    per_subject = max(1, round(d["lists"] / max(1, d["subjects"])))
    lists = int(lists or (per_subject if search == "quick" else 4 * per_subject))
    names = list(free)
    bounds = [(math.log10(lo), math.log10(hi)) if log else (lo, hi) for lo, hi, log in free.values()]
    to_params = lambda z: {k: (10.0 ** v if free[k][2] else float(v)) for k, v in zip(names, z)}
    state = {"calls": 0, "best": math.inf, "z": None}
    t0 = time.perf_counter()

    def objective_value(z):
        state["calls"] += 1
        value = _sse(_simulate(_scenario(to_params(z), fixed, L, subjects, lists, seed, keys))[0], d["curves"])
        if value < state["best"]:
            state["best"], state["z"] = value, np.array(z, float)
        return value

    def report(xk, convergence):
        if progress:
            print(f"  DE generation: best SSE {state['best']:.5f} after {state['calls']} simulations, "
                  f"{time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)

    # every value the search may try is one the model takes: the fixed keys, and the bounds of the
    # free ones (checked before the search, which would hide the message)
    from .simulate import validate
    for corner in (0, 1):
        validate(_scenario({k: (lo, hi)[corner] for k, (lo, hi, _) in free.items()}, fixed, L, subjects, lists, seed,
                           keys))
    popsize, maxiter, polish = SEARCHES[search]
    de = differential_evolution(objective_value, bounds, seed=seed, popsize=popsize, maxiter=maxiter, tol=1e-4,
                                polish=False, callback=report)
    calls_de = state["calls"]
    minimize(objective_value, de.x, method="Nelder-Mead", bounds=bounds,
             options={"maxfev": polish, "xatol": 1e-4, "fatol": 1e-6})
    params = to_params(state["z"])
    seconds = time.perf_counter() - t0
    sc = _scenario(params, fixed, L, subjects, lists, seed, keys)
    model, recalls = _simulate(sc)
    check, _ = _simulate(_scenario(params, fixed, L, subjects, lists, seed + CHECK_SEED_OFFSET, keys))
    return {"params": params, "sse": state["best"], "rmse": _rmse(model, d["curves"]),
            "rmse_check": _rmse(check, d["curves"]), "calls": state["calls"], "calls_de": calls_de,
            "seconds": seconds, "scenario": sc, "model": model, "recalls_per_list": recalls, "data": d,
            "settings": {"free": free, "fixed": fixed, "subjects": subjects, "lists": lists, "seed": seed,
                         "search": search}}


def _wrap(text, width=98, prefix="# "):
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(prefix) + len(line) + 1 + len(w) > width:
            lines.append(prefix + line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(prefix + line)
    return "\n".join(lines)


def _misses(name, model, data, L):
    """Where the model misses a curve by more than 3 standard errors of the data."""
    xs = LAGS if name == "lag_crp" else list(range(1, L + 1))
    h, sem = data
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sem > 0, (model - h) / sem, 0.0)
    bad = [i for i in np.argsort(-np.abs(z)) if abs(z[i]) > 3]
    label = "lag" if name == "lag_crp" else "position"
    if not bad:
        return f"{name}: within 3 standard errors of the data everywhere"
    parts = [f"{label} {xs[i]:+d} {model[i]:.3f} vs {h[i]:.3f}" if name == "lag_crp" else
             f"{label} {xs[i]} {model[i]:.3f} vs {h[i]:.3f}" for i in bad[:6]]
    more = f" (and {len(bad) - 6} more)" if len(bad) > 6 else ""
    return f"{name}: {len(bad)} of {len(xs)} points off by more than 3 SEM; largest: " + "; ".join(parts) + more


def _toml(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(v)


def scenario_text(result, command, name="free_recall_fit", description=None):
    """The fitted scenario as TOML, its comments saying how it was fitted and how well."""
    p, d, st = result["params"], result["data"], result["settings"]
    model, L, r, rc = result["model"], d["L"], result["rmse"], result["rmse_check"]
    spc, pfr, crp = (model[c] for c in CURVES)
    hspc, hpfr, hcrp = (d["curves"][c][0] for c in CURVES)

    def vs(m, h):
        word = "close" if abs(m - h) <= 0.1 * abs(h) else ("too high" if m > h else "too low")
        return f"{m:.3f} (data {h:.3f}, {word})"

    i1, im1 = LAGS.index(1), LAGS.index(-1)
    notes = [
        f"PFR: the model starts with the last item in {vs(pfr[-1], hpfr[-1])} of lists, with the first in "
        f"{vs(pfr[0], hpfr[0])}, and in the middle of the list (positions 2-{L // 2}) in "
        f"{vs(pfr[1:L // 2].sum(), hpfr[1:L // 2].sum())}.",
        f"lag-CRP: lag +1 {vs(crp[i1], hcrp[i1])}, lag -1 {vs(crp[im1], hcrp[im1])}.",
        f"SPC: positions 1-3: {spc[0]:.2f} {spc[1]:.2f} {spc[2]:.2f} (data {hspc[0]:.2f} {hspc[1]:.2f} "
        f"{hspc[2]:.2f}); the last three: {spc[-3]:.2f} {spc[-2]:.2f} {spc[-1]:.2f} (data {hspc[-3]:.2f} "
        f"{hspc[-2]:.2f} {hspc[-1]:.2f}); {result['recalls_per_list']:.2f} recalls per list (data "
        f"{d['recalls_per_list']:.2f}); the model makes no intrusions (every list is the whole pool), the data "
        f"{d['intrusions_per_list']:.2f} per list.",
    ]
    bounds = "; ".join(f"{k} in [{lo:g}, {hi:g}]" + (" (log scale)" if log else "")
                       for k, (lo, hi, log) in st["free"].items())
    fitted = ", ".join(f"{k} = {v:.4g}" for k, v in p.items())
    fixed = ", ".join(f"{k} = {v}" for k, v in st["fixed"].items()) or "none"
    head = [
        _wrap(f"CMR fitted to the free-recall data of {d['source']}: the serial-position curve (SPC), the "
              f"probability of first recall (PFR) and the lag-CRP (lags -5..5), lists of {L} items, {d['subjects']} "
              f"subjects, {d['lists']} lists, the curves averaged over subjects."),
        "#",
        _wrap(f"Fitted ({'a QUICK search' if st['search'] == 'quick' else 'full search'}): {fitted}. Bounds: "
              f"{bounds}. Fixed: {fixed}; the other keys keep their defaults."),
        _wrap("Objective: the sum of squared errors (model - data) over SPC, PFR and lag-CRP, each evaluation "
              f"simulating this file's {st['subjects']} subjects x {st['lists']} lists with seed {st['seed']} "
              "(common random numbers). Search: SciPy differential_evolution then Nelder-Mead: "
              f"{result['calls']} simulations, {result['seconds']:.0f} s on one core."),
        f"# Result (this file, seed {st['seed']}): SSE {result['sse']:.5f}; RMSE spc {r['spc']:.4f}, "
        f"pfr {r['pfr']:.4f}, lag_crp {r['lag_crp']:.4f}.",
        f"# With seed {st['seed'] + CHECK_SEED_OFFSET} (not fitted): RMSE spc {rc['spc']:.4f}, pfr {rc['pfr']:.4f}, "
        f"lag_crp {rc['lag_crp']:.4f}.",
        "#",
        "# What fits and what does not (close: within 10 % of the data; SEM: the standard error over subjects):",
        *[_wrap(n) for n in notes],
        *[_wrap(_misses(c, model[c], d["curves"][c], L)) for c in CURVES],
        "#",
        f"# Made by: {command}",
    ]
    sc = result["scenario"]
    lines = [f'name = "{name}"', f'description = {_toml(description or "CMR fitted to free-recall data (SPC, PFR, lag-CRP)")}',
             f"seed = {sc['seed']}"]
    for section in ("model", "items", "lists", "context", "recall", "cue", "recognition"):
        if section in sc:
            lines += ["", f"[{section}]", *[f"{k} = {_toml(v)}" for k, v in sc[section].items()]]
    return "\n".join(head) + "\n" + "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(prog="seqmem-fit", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="The model, the objective and the search: " + " ".join(__doc__.split("\n\n")[1:4]))
    ap.add_argument("data", help="psifr event table (CSV), a seqmem free-recall file (HDF5) or a summary table (CSV)")
    ap.add_argument("-o", "--output", required=True, help="the fitted scenario (TOML) to write; - for standard output")
    ap.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    ap.add_argument("--free", action="append", default=[], metavar="KEY=LOW:HIGH[:log]",
                    help="a parameter to fit and its bounds (repeatable; default: beta_enc, beta_rec, beta_start, "
                         "phi_s (log), phi_d, tau, X_s with the shipped fit's bounds)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a key fixed at a value (repeatable; default: X_k=0)")
    ap.add_argument("--objective", default="summary", choices=["summary", "likelihood"],
                    help="summary: SSE over the SPC, PFR and lag-CRP (writes a scenario); likelihood: every subject "
                         "by maximum likelihood (writes OUTPUT.h5, OUTPUT.csv, OUTPUT_lists.csv)")
    ap.add_argument("--model", default="within", choices=["within", "across"],
                    help="likelihood: context and pool within each list, or across a session's lists")
    ap.add_argument("--rule", default="luce", choices=["luce", "softmax"], help="likelihood: the choice rule")
    ap.add_argument("--restarts", type=int, default=1, help="likelihood: searches per subject (default 1)")
    ap.add_argument("--holdout", choices=["odd", "even"], help="likelihood: lists scored but not fitted")
    ap.add_argument("--pooled", action="store_true", help="likelihood: one parameter set for all subjects' lists")
    ap.add_argument("--subject", action="append", default=[], help="likelihood: a subject to fit (repeatable; "
                                                                    "default: all)")
    ap.add_argument("--processes", type=int, help="likelihood: worker processes (default: the CPUs; under mpirun: 1 "
                                                  "per rank)")
    ap.add_argument("--subjects", type=int, help="subjects simulated per evaluation (default: the data's)")
    ap.add_argument("--lists", type=int, help="lists per subject simulated (default: four times the data's; --quick: as many)")
    ap.add_argument("--seed", type=int, default=1, help="the seed of the simulations and of the search (default 1)")
    ap.add_argument("--quick", action="store_true", help="a short search (for trying it out)")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    args = ap.parse_args(argv)
    from .simulate import InputError
    if args.objective == "likelihood":
        from .fit_likelihood import main_likelihood
        return main_likelihood(args, argv)
    only = [f"--{n}" for n, default in (("model", "within"), ("rule", "luce"), ("restarts", 1), ("holdout", None),
                                        ("subject", []), ("pooled", False), ("processes", None))
            if getattr(args, n) != default]
    if only:
        print(f"seqmem-fit: error: {', '.join(only)}: only with --objective likelihood", file=sys.stderr)
        return 2
    try:
        if args.output != "-" and os.path.exists(args.output) and not args.overwrite:
            raise FitError(f"{args.output}: exists; replace it with --overwrite")
        if args.output != "-" and not os.path.isdir(os.path.dirname(os.path.abspath(args.output))):
            raise FitError(f"{args.output}: cannot write the output file (its directory does not exist)")
        free = parse_free(args.free) if args.free else None
        fixed = parse_fixed(args.set) if args.set else None
        result = fit_free_recall(args.data, free=free, fixed=fixed, objective=args.objective, subjects=args.subjects,
                                 lists=args.lists, seed=args.seed, search="quick" if args.quick else "full",
                                 progress=not args.quiet)
    except (FitError, InputError) as e:
        print(f"seqmem-fit: error: {e}", file=sys.stderr)
        return 2
    command = "seqmem-fit " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    text = scenario_text(result, command)
    r = result["rmse"]
    print(f"fitted: {', '.join(f'{k} = {v:.4g}' for k, v in result['params'].items())}; RMSE spc {r['spc']:.4f}, "
          f"pfr {r['pfr']:.4f}, lag_crp {r['lag_crp']:.4f}; {result['calls']} simulations in "
          f"{result['seconds']:.1f} s", file=sys.stderr)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    tmp = f"{args.output}.partial-{os.getpid()}"
    try:
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, args.output)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        print(f"seqmem-fit: error: cannot write {args.output}: {e.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
