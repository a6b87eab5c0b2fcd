"""Per-subject maximum-likelihood fits of CMR to free recall (docs/free_recall.md, "Fitting by
likelihood"): for each subject, SciPy's differential evolution over the free parameters' box, then a
local polish (L-BFGS-B), of the summed log-likelihood of the subject's lists
(seqmem.free_recall.log_likelihood: the within-list model, intrusions and repeats left out).
Subjects are fitted in parallel worker processes; each subject's search has its own seed
(seed + the subject's rank in sorted order), so the result does not depend on the process count.

    from seqmem.fit_likelihood import fit_subjects
    table, lists = fit_subjects(events, processes=2)

The table: one row per subject with the fitted parameters, log_likelihood, n_lists, n_recalls (the
events scored), k (free parameters), AIC = 2k - 2 logL, BIC = k ln(n_recalls + n_lists) - 2 logL
(the observations: every recall event and every stop), converged (the search's own flag) and
evaluations. `lists`: the log-likelihood of every list at the subject's fit.
"""

import math
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from . import free_recall
from .fit import FitError, _check_free

# The within-list model's free parameters and their boxes (CMR's usual ranges; Polyn et al. 2009,
# Morton & Polyn 2016); X_s and phi_s on a log scale.
DEFAULT_FREE = {"beta_enc": (0.05, 0.99, False), "beta_rec": (0.05, 0.99, False),
                "beta_start": (0.0, 0.99, False), "phi_s": (0.01, 100.0, True), "phi_d": (0.0, 5.0, False),
                "tau": (0.1, 20.0, True), "X_s": (1e-4, 0.5, True), "X_k": (0.0, 1.0, False)}


def _to_params(z, names, free, fixed):
    p = dict(fixed)
    for v, name in zip(z, names):
        p[name] = math.exp(v) if free[name][2] else v  # a log-scale parameter is searched as its log
    return p


def _fit_one(job):
    """One subject's search: (subject, recall lists, free, fixed, rule, seed, popsize, maxiter)."""
    from scipy.optimize import differential_evolution, minimize

    subject, lists, free, fixed, rule, seed, popsize, maxiter = job
    names = sorted(free)
    bounds = [(math.log(free[n][0]), math.log(free[n][1])) if free[n][2] else free[n][:2] for n in names]
    core = free_recall._core()
    softmax = rule == "softmax"

    def nll(z):
        r = core.cmr_log_likelihood(lists.length, lists.positions, lists.n_recalls, _to_params(z, names, free, fixed),
                                    softmax, 1)
        total = float(r["log_likelihood"].sum())
        return -total if math.isfinite(total) else 1e10  # an impossible sequence (a recall where P_stop = 1)

    de = differential_evolution(nll, bounds, seed=seed, popsize=popsize, maxiter=maxiter, tol=1e-6, polish=False)
    local = minimize(nll, de.x, method="L-BFGS-B", bounds=bounds)
    best = local if local.fun <= de.fun else de
    params = _to_params(best.x, names, free, fixed)
    per_list = free_recall.log_likelihood(lists, params, rule=rule)
    return subject, params, per_list, bool(de.success), int(de.nfev + local.nfev)


def fit_subjects(events, free=None, fixed=None, rule="luce", subjects=None, seed=1, processes=None, popsize=15,
                 maxiter=300):
    """Fit CMR to every subject of a psifr event table by maximum likelihood.

    Parameters
    ----------
    events : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``).
    free : dict, optional
        ``{key: (low, high, log)}`` (default DEFAULT_FREE: eight parameters).
    fixed : dict, optional
        Parameters held at a value (default: none; the others keep the scenario defaults).
    rule : {"luce", "softmax"}
    subjects : list, optional
        The subjects to fit (default: every subject).
    seed : int
        The search's seed; subject i (in sorted order) uses seed + i.
    processes : int, optional
        Worker processes (default: the CPUs).
    popsize, maxiter : int
        differential_evolution's population factor and generations.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The per-subject table and the per-list log-likelihoods at the fits.
    """
    import seqmem

    free = dict(DEFAULT_FREE if free is None else free)
    fixed = dict(fixed or {})
    if rule not in ("luce", "softmax"):
        raise FitError(f"rule must be 'luce' or 'softmax', got {rule!r}")
    _check_free(free, fixed, seqmem.keys())
    ids = sorted(events["subject"].unique()) if subjects is None else list(subjects)
    jobs = []
    for i, s in enumerate(ids):
        sub = events[events["subject"] == s]
        if sub.empty:
            raise FitError(f"subject {s!r}: no events")
        jobs.append((s, free_recall.recall_lists(sub), free, fixed, rule, seed + i, popsize, maxiter))
    workers = processes or os.cpu_count() or 1
    if workers == 1:
        results = list(map(_fit_one, jobs))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_fit_one, jobs))
    rows, per_list = [], []
    k = len(free)
    for subject, params, lists, converged, nfev in results:
        ll = float(lists["log_likelihood"].sum())
        n_lists, n_recalls = len(lists), int(lists["recalls"].sum())
        rows.append({"subject": subject, **{n: params[n] for n in sorted(free)}, "log_likelihood": ll,
                     "n_lists": n_lists, "n_recalls": n_recalls, "k": k, "AIC": 2 * k - 2 * ll,
                     "BIC": k * math.log(n_recalls + n_lists) - 2 * ll, "converged": converged,
                     "evaluations": nfev})
        per_list.append(lists)
    return pd.DataFrame(rows).set_index("subject"), pd.concat(per_list)
