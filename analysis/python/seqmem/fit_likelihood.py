"""Per-subject maximum-likelihood fits of CMR to free recall (docs/free_recall.md §7c, "Fitting by
likelihood"): for each subject, SciPy's differential evolution over the free parameters' box, then a
local polish (L-BFGS-B), of the summed log-likelihood of the subject's lists
(seqmem.likelihood.log_likelihood, within lists or across a session's lists), from `restarts`
seeds. Subjects are fitted in parallel worker processes; each subject's search has its own seeds
(seed + the subject's rank in sorted order + 100003 r for restart r), so the result does not depend
on the process count.

    from seqmem.fit_likelihood import fit_subjects
    table, lists = fit_subjects(events, model="across", processes=2)

The table: one row per subject with the fitted parameters, log_likelihood, n_lists, n_recalls (the
events scored), k (free parameters), AIC = 2k - 2 logL, BIC = k ln(n_recalls + n_lists) - 2 logL
(the observations: every recall event and every stop), converged (the best restart's search flag),
restarts and restarts_agreeing (within 0.1 of the best log-likelihood) and evaluations. With a
held-out half (holdout = "odd" or "even": the lists whose ordinal within the subject is odd or even
are scored, not fitted) the fitted sums are over the other lists and held_out_log_likelihood,
held_out_recalls score the held-out ones; in the across-list model the context still passes through
every list (the held-out lists are scored given all the recalls before them). `lists`: the
log-likelihood of every list at the subject's fit, with ``held_out``.
"""

import hashlib
import math
import multiprocessing
import os
import pickle
import shlex
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import free_recall, likelihood
from .fit import FitError, _check_free, parse_fixed, parse_free

# The within-list model's free parameters and their boxes (CMR's usual ranges; Polyn et al. 2009,
# Morton & Polyn 2016); X_s and phi_s on a log scale.
DEFAULT_FREE = {"beta_enc": (0.05, 0.99, False), "beta_rec": (0.05, 0.99, False),
                "beta_start": (0.0, 0.99, False), "phi_s": (0.01, 100.0, True), "phi_d": (0.0, 5.0, False),
                "tau": (0.1, 20.0, True), "X_s": (1e-4, 0.5, True), "X_k": (0.0, 1.0, False)}
# The across-list model adds the drift between lists and the extra-list intrusions' probability.
ACROSS_FREE = {"beta_list": (0.0, 1.0, False), "p_eli": (1e-4, 0.2, True)}
HOLDOUTS = (None, "odd", "even")
AGREEING = 0.1  # restarts whose log-likelihood is within this of the best agree


def default_free(model="within"):
    """The free parameters and boxes of a model: DEFAULT_FREE, plus ACROSS_FREE across lists."""
    return {**DEFAULT_FREE, **(ACROSS_FREE if model == "across" else {})}


def _to_params(z, names, free, fixed):
    p = dict(fixed)
    for v, name in zip(z, names):
        lo, hi, log = free[name]
        p[name] = min(max(math.exp(v) if log else v, lo), hi)  # a log scale is searched as its log; exp rounds
    return p


def _worker_ignores_sigint():
    """A worker leaves Ctrl-C to the main process, which ends every worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _fit_one(job):
    """One subject's search: (subject, recall lists, fitted mask, free, fixed, rule, model, seeds,
    popsize, maxiter)."""
    from scipy.optimize import differential_evolution, minimize

    subject, lists, fitted, free, fixed, rule, model, seeds, popsize, maxiter, start = job
    names = sorted(free)
    bounds = [(math.log(free[n][0]), math.log(free[n][1])) if free[n][2] else free[n][:2] for n in names]
    x0 = None
    if start:  # a starting point: the given values in the search's scale, the box's middle for the others
        inner = [(lo + 1e-9 * (hi - lo), hi - 1e-9 * (hi - lo)) for lo, hi in bounds]  # SciPy's rescaling rounds
        x0 = [min(max(math.log(max(start[n], free[n][0])) if free[n][2] else start[n], lo), hi) if n in start
              else (lo + hi) / 2 for n, (lo, hi) in zip(names, inner)]
    core = likelihood.free_recall._core()
    args = (lists.length, lists.session, lists.lags, lists.positions, lists.n_recalls, lists.repeats)

    def nll(z):
        r = core.cmr_log_likelihood(*args, _to_params(z, names, free, fixed), rule == "softmax", model == "across", 1)
        total = float(r["log_likelihood"][fitted].sum())
        return -total if math.isfinite(total) else 1e300  # not reached: every sequence has a finite log-likelihood

    runs, nfev = [], 0
    for seed in seeds:
        de = differential_evolution(nll, bounds, seed=seed, popsize=popsize, maxiter=maxiter, tol=1e-6, polish=False,
                                    x0=x0)
        local = minimize(nll, de.x, method="L-BFGS-B", bounds=bounds)
        best = local if local.fun <= de.fun else de
        runs.append((float(best.fun), best.x, bool(de.success)))
        nfev += int(de.nfev + local.nfev)
    fun, x, converged = min(runs, key=lambda r: r[0])
    agreeing = sum(1 for r in runs if r[0] - fun <= AGREEING)
    params = _to_params(x, names, free, fixed)
    per_list = likelihood.log_likelihood(lists, params, rule=rule, model=model)
    per_list["held_out"] = ~fitted
    return subject, params, per_list, converged, agreeing, nfev


def check_arguments(kwargs):
    """Raises FitError for fit_subjects arguments it would refuse (model, rule, holdout, restarts, the
    free parameters and their bounds, a parameter both free and fixed)."""
    import seqmem

    model, rule = kwargs.get("model", "within"), kwargs.get("rule", "luce")
    if model not in likelihood.MODELS:
        raise FitError(f"model must be one of {', '.join(likelihood.MODELS)}, got {model!r}")
    if rule not in likelihood.RULES:
        raise FitError(f"rule must be 'luce' or 'softmax', got {rule!r}")
    if kwargs.get("holdout") not in HOLDOUTS:
        raise FitError(f"holdout must be 'odd', 'even' or None, got {kwargs.get('holdout')!r}")
    if int(kwargs.get("restarts", 1)) < 1:
        raise FitError(f"restarts must be >= 1, got {kwargs.get('restarts')}")
    fixed = dict(kwargs.get("fixed") or {})
    free = _free(kwargs.get("free"), fixed, model)
    extra = pd.DataFrame({"family": "free_recall"}, index=list(likelihood.PARAMETERS))
    _check_free(free, fixed, pd.concat([seqmem.keys(), extra]))
    processes = kwargs.get("processes")
    if processes is not None and int(processes) < 1:
        raise FitError(f"processes must be >= 1, got {processes}")
    # every value the search can reach, scored once on a list of one item: the likelihood's own checks
    core = free_recall._core()
    one = [np.array([1]), np.array([0]), np.array([[0]]), np.array([[1]]), np.array([1]), np.array([0])]
    tries = [(f"fixed parameter '{k}' = {v!r}", {k: v}) for k, v in fixed.items()]
    tries += [(f"free parameter '{k}' at its bound {b!r}", {k: b}) for k, (lo, hi, _) in free.items() for b in (lo, hi)]
    for what, params in tries:
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in params.values()):
            raise FitError(f"{what}: not a number")
        try:
            core.cmr_log_likelihood(*one, params, False, model == "across", 1)
        except (ValueError, TypeError, RuntimeError) as e:
            raise FitError(f"{what}: {e}") from None


def _free(free, fixed, model):
    """The free parameters: those given, or the model's defaults less the fixed ones."""
    return dict(free) if free is not None else {k: v for k, v in default_free(model).items() if k not in fixed}


def fit_subjects(events, free=None, fixed=None, rule="luce", model="within", subjects=None, seed=1, processes=None,
                 popsize=15, maxiter=300, restarts=1, holdout=None, pooled=False, start=None, rank=0, size=1,
                 gather=None):
    """Fit CMR to every subject of a psifr event table by maximum likelihood.

    Parameters
    ----------
    events : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``, ``session`` where present).
    free : dict, optional
        ``{key: (low, high, log)}`` (default: default_free(model), eight or ten parameters, less
        those in `fixed`).
    fixed : dict, optional
        Parameters held at a value (default: none; the others keep their defaults).
    rule : {"luce", "softmax"}
    model : {"within", "across"}
    subjects : list, optional
        The subjects to fit (default: every subject).
    seed : int
        The search's seed; subject i (in sorted order) uses seed + i (+ 100003 r for restart r).
    processes : int, optional
        Worker processes (default: the CPUs).
    popsize, maxiter : int
        differential_evolution's population factor and generations.
    restarts : int
        Searches per subject from different seeds; the best is kept.
    holdout : {None, "odd", "even"}
        Lists left out of the fit and scored at it (by their ordinal within the subject, 1-based).
    pooled : bool
        One parameter set for all the subjects' lists together (one row, subject "pooled") instead
        of one per subject.
    start : pandas.DataFrame or dict, optional
        A starting point per subject (rows indexed by subject, columns by parameter; or one dict for
        all): differential evolution's initial population holds it (x0), clipped into the box; a
        free parameter it lacks starts at the box's middle. Used to start a larger model at a
        nested smaller one's fit (gamma_fc = 0, beta_list = 1), so its search begins where the
        smaller model ended.
    rank, size, gather : int, int, callable
        An MPI job of `size` ranks (seqmem-fit under mpirun): this rank fits subjects rank, rank +
        size, ... and gather(bytes) hands every rank's results to rank 0 (a list in rank order there,
        None elsewhere). The seeds do not depend on the ranks, so neither does the table.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame) or None
        The per-subject table and the per-list log-likelihoods at the fits (None on ranks but 0).

    Raises
    ------
    FitError
        For an unknown parameter, model, rule or holdout, bounds out of order, or a subject without
        events.
    """
    check_arguments(dict(free=free, fixed=fixed, rule=rule, model=model, restarts=restarts, holdout=holdout))
    fixed = dict(fixed or {})
    free = _free(free, fixed, model)
    ids = sorted(events["subject"].unique()) if subjects is None else list(subjects)
    groups = []
    for s in ids:
        sub = events[events["subject"] == s]
        if sub.empty:
            raise FitError(f"subject {s!r}: no events")
        groups.append((s, sub))
    if pooled:
        groups = [("pooled", events[events["subject"].isin(ids)])]
    jobs = []
    for i, (s, sub) in enumerate(groups):
        lists = likelihood.recall_lists(sub)
        owner = pd.Series(lists.index.get_level_values("subject"))
        ordinal = owner.groupby(owner).cumcount().to_numpy() + 1  # the list's ordinal within its subject
        fitted = np.ones(len(ordinal), bool) if holdout is None else (ordinal % 2 == (0 if holdout == "odd" else 1))
        seeds = [seed + i + 100003 * r for r in range(int(restarts))]
        if isinstance(start, pd.DataFrame):
            mine = start.loc[s].dropna().to_dict() if s in start.index else None
        else:
            mine = start
        mine = {k: float(v) for k, v in (mine or {}).items() if k in free}
        jobs.append((s, lists, fitted, free, fixed, rule, model, seeds, popsize, maxiter, mine))
    workers = processes or os.cpu_count() or 1
    mine = jobs[rank::size]
    if workers == 1 or len(mine) <= 1:
        results = list(map(_fit_one, mine))
    else:  # under MPI the workers are spawned, not forked from an MPI process
        context = multiprocessing.get_context("spawn" if size > 1 else None)
        pool = context.Pool(workers, initializer=_worker_ignores_sigint)
        try:
            results = pool.map(_fit_one, mine, chunksize=1)
        except KeyboardInterrupt:  # Ctrl-C: the workers stop now, not after their subjects
            pool.terminate()
            raise
        finally:
            pool.close()
            pool.join()
    if size > 1:
        parts = gather(pickle.dumps(results))
        if parts is None:
            return None
        shares = [pickle.loads(p) for p in parts]  # rank r holds subjects r, r + size, ...
        results = [shares[i % size][i // size] for i in range(len(jobs))]
    rows, per_list = [], []
    k = len(free)
    for subject, params, lists, converged, agreeing, nfev in results:
        fit_part, held = lists[~lists["held_out"]], lists[lists["held_out"]]
        ll = float(fit_part["log_likelihood"].sum())
        n_lists, n_recalls = len(fit_part), int(fit_part["recalls"].sum())
        row = {"subject": subject, **{n: params[n] for n in sorted(free)}, "log_likelihood": ll,
               "n_lists": n_lists, "n_recalls": n_recalls, "k": k, "AIC": 2 * k - 2 * ll,
               "BIC": k * math.log(n_recalls + n_lists) - 2 * ll, "converged": converged,
               "restarts": int(restarts), "restarts_agreeing": agreeing, "evaluations": nfev}
        if holdout is not None:
            row["held_out_log_likelihood"] = float(held["log_likelihood"].sum())
            row["held_out_recalls"] = int(held["recalls"].sum())
            row["held_out_lists"] = len(held)
        rows.append(row)
        per_list.append(lists)
    return pd.DataFrame(rows).set_index("subject"), pd.concat(per_list)


def comparison_table(rows):
    """The model-comparison table of fits with a held-out half (docs/free_recall.md §7d).

    Parameters
    ----------
    rows : pandas.DataFrame
        fit_subjects tables of several variants, reset_index()-ed and concatenated, with a column
        ``variant``; fitted with holdout, so with ``held_out_log_likelihood``, ``held_out_recalls``,
        ``held_out_lists``.

    Returns
    -------
    pandas.DataFrame
        Indexed by variant, in the rows' order: ``k``, summed ``AIC`` and ``BIC`` (of the fitted
        lists), ``held_out`` (summed held-out log-likelihood), ``events`` (held-out recalls and
        stops), ``held_out_per_event`` = held_out / events, ``converged`` (subjects) and
        ``subjects_won`` (subjects whose best held-out log-likelihood is this variant's).
    """
    rows = rows.assign(held_out_events=rows["held_out_recalls"] + rows["held_out_lists"])
    wins = rows.loc[rows.groupby("subject")["held_out_log_likelihood"].idxmax(), "variant"].value_counts()
    t = rows.groupby("variant", sort=False).agg(k=("k", "first"), AIC=("AIC", "sum"), BIC=("BIC", "sum"),
                                                  held_out=("held_out_log_likelihood", "sum"),
                                                  events=("held_out_events", "sum"), converged=("converged", "sum"))
    t["held_out_per_event"] = t["held_out"] / t["events"]
    t["subjects_won"] = wins.reindex(t.index).fillna(0).astype(int)
    return t


def output_paths(path):
    """The files write_fits writes for -o PATH: PATH.h5, PATH.csv (subjects), PATH_lists.csv (a
    suffix .h5 on PATH is taken off first)."""
    stem = str(path)[:-3] if str(path).endswith(".h5") else str(path)
    return [stem + ".h5", stem + ".csv", stem + "_lists.csv"]


def check_outputs(path, overwrite=False):
    """The output files of -o PATH (output_paths); raises FitError when one exists and not
    `overwrite`, or its folder does not exist."""
    paths = output_paths(path)
    for p in paths:
        if os.path.exists(p) and not overwrite:
            raise FitError(f"{p}: exists; replace it with --overwrite")
        if not os.path.isdir(os.path.dirname(os.path.abspath(p))):
            raise FitError(f"{p}: cannot write the output file (its directory does not exist)")
    return paths


def write_fits(table, lists, path, attrs=None, overwrite=False):
    """Write a fit_subjects result: an HDF5 (netCDF-4) file with the per-subject table on dimension
    ``subject`` and the per-list table on dimension ``list_index`` (``list`` and ``list_subject``,
    ``list_log_likelihood``, ``list_recalls``, ... ``list_held_out``), the fit's settings as
    attributes; and the same two tables as CSV. Each file is written under a temporary name and
    renamed, so a final name holds only a complete file. Raises FitError (nothing written) as
    check_outputs does."""
    import xarray as xr

    paths = check_outputs(path, overwrite)
    t = table.reset_index()
    per = lists.reset_index()
    ds = xr.Dataset({c: ("subject", t[c].to_numpy()) for c in t.columns if c != "subject"},
                    coords={"subject": t["subject"].to_numpy()})
    for c in per.columns:
        ds["list" if c == "list" else f"list_{c}"] = ("list_index", per[c].to_numpy())
    ds.attrs.update({k: str(v) for k, v in (attrs or {}).items()})
    ds["log_likelihood"].attrs.update(units="nats", long_name="summed log-likelihood of the fitted lists")
    written = []
    try:
        for p, write in zip(paths, (lambda f: ds.to_netcdf(f, engine="h5netcdf"), lambda f: t.to_csv(f, index=False),
                                    lambda f: per.to_csv(f, index=False))):
            tmp = f"{p}.partial-{os.getpid()}"
            written.append(tmp)
            write(tmp)
        for tmp, p in zip(written, paths):
            os.replace(tmp, p)
    finally:
        for tmp in written:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return paths


def main_likelihood(args, argv):
    """seqmem-fit --objective likelihood (seqmem.fit.main's parsed arguments): fit_subjects on an event
    table, over the ranks of an MPI job when mpirun started it; returns the exit status."""
    from .simulate import _core

    rank, size = _core.mpi_start() if _core is not None else (0, 1)
    try:
        return _fit_likelihood(args, argv, rank, size)
    except KeyboardInterrupt:
        if rank == 0:
            print("seqmem-fit: interrupted; nothing written", file=sys.stderr)
        return 130
    finally:
        if _core is not None:
            _core.mpi_finalize()


def _fit_likelihood(args, argv, rank, size):
    """The likelihood fit on this rank of an MPI job of `size` ranks (1: no mpirun); rank 0 writes.
    Every rank reads and checks the input, then the ranks agree (mpi_join: rank 0's arguments and
    data on every rank, and none failed) before any fits, so that a rank that fails alone ends the
    job instead of leaving the others waiting."""
    from .simulate import InputError, _core

    command = "seqmem-fit " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    error, prepared = None, None
    try:
        prepared = _prepare_likelihood(args, size, rank)
    except (FitError, InputError, ValueError) as e:
        error = str(e)
    if size > 1:
        fingerprint = command + "\n" + (hashlib.sha256(Path(args.data).read_bytes()).hexdigest()
                                        if error is None else "")
        failed = _core.mpi_join(fingerprint, error is None)
        if failed >= 0:
            if rank == failed:
                print(f"seqmem-fit: rank {rank}: error: {error or 'its arguments or data differ from rank 0'}",
                      file=sys.stderr)
            return 2
    elif error is not None:
        print(f"seqmem-fit: error: {error}", file=sys.stderr)
        return 2
    events, kwargs, path = prepared
    t0 = time.time()
    try:
        result = fit_subjects(events, rank=rank, size=size, gather=_core.mpi_gather if _core else None, **kwargs)
        if result is None:  # a rank other than 0: its subjects went to rank 0
            return 0
        table, lists = result
        seconds = time.time() - t0
        attrs = {"command": command, "data": str(path), "model": args.model, "rule": args.rule,
                 "holdout": args.holdout or "none", "seed": args.seed, "restarts": args.restarts,
                 "seconds": round(seconds, 1), "ranks": size}
        paths = write_fits(table, lists, args.output, attrs=attrs, overwrite=args.overwrite)
    except (FitError, InputError, ValueError, OSError) as e:
        print(f"seqmem-fit: error: {e}", file=sys.stderr)
        if size > 1:
            _core.mpi_abort(2)
        return 2
    if not args.quiet:
        what = "one parameter set fitted to every subject's lists" if args.pooled else f"{len(table)} subject(s) fitted"
        print(f"{what} in {seconds:.1f} s on {size} rank(s); summed log-likelihood "
              f"{table['log_likelihood'].sum():.2f}, AIC {table['AIC'].sum():.1f}, BIC {table['BIC'].sum():.1f}; "
              f"{int(table['converged'].sum())} converged", file=sys.stderr)
        print("wrote " + ", ".join(paths), file=sys.stderr)
    return 0


def _prepare_likelihood(args, size, rank=0):
    """The checked input of a likelihood fit: (events, fit_subjects' arguments, the data's path).
    Raises FitError naming the argument."""
    if args.output == "-":
        raise FitError("-o -: the likelihood fit writes files (OUTPUT.h5, OUTPUT.csv, OUTPUT_lists.csv)")
    check_outputs(args.output, args.overwrite)
    path = Path(args.data)
    if not path.is_file():
        raise FitError(f"{path}: no such file")
    events = free_recall.read_events(path) if path.suffix in (".h5", ".hdf5") else pd.read_csv(path, comment="#")
    missing = set(free_recall.COLUMNS) - set(events.columns)
    if missing:
        raise FitError(f"{path}: the likelihood needs an event table (no column {', '.join(sorted(missing))})")
    if events.empty:
        raise FitError(f"{path}: the event table has no events")
    try:
        likelihood.recall_lists(events)  # the table's checks, before any work
    except ValueError as e:
        raise FitError(f"{path}: {e}") from None
    if args.model == "across" and "session" not in events.columns and rank == 0:
        print(f"seqmem-fit: note: {path} has no 'session' column: each subject's lists are one session",
              file=sys.stderr)
    subjects = None
    if args.subject:
        known = {str(s): s for s in events["subject"].unique()}
        unknown = [s for s in args.subject if s not in known]
        if unknown:
            raise FitError(f"--subject {unknown[0]}: no such subject in {path}")
        subjects = [known[s] for s in args.subject]
    if args.restarts < 1:
        raise FitError(f"--restarts {args.restarts}: must be >= 1")
    search = {"popsize": 5, "maxiter": 40} if args.quick else {}
    kwargs = dict(free=parse_free(args.free) if args.free else None, fixed=parse_fixed(args.set) if args.set else None,
                  rule=args.rule, model=args.model, subjects=subjects, seed=args.seed,
                  processes=args.processes if args.processes is not None else (1 if size > 1 else None), restarts=args.restarts,
                  holdout=args.holdout, pooled=args.pooled, **search)
    check_arguments(kwargs)
    return events, kwargs, path
