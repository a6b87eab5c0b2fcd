"""The exact likelihood of free recall under CMR, within lists or across the lists of a session, and
the same model sampled into an event table (docs/free_recall.md §7a-7b; the equations in
sim/experiments/recall_likelihood.hpp and models/cmr_session.hpp).

    from seqmem import likelihood
    ll = likelihood.log_likelihood(events, {"beta_enc": 0.7, "tau": 2.0}, model="across")
    sim = likelihood.sample_events({"beta_list": 0.3, "p_eli": 0.02}, model="across", subjects=10)

The models: ``"within"`` (the pool is the list's own items; every intrusion is outside it) and
``"across"`` (context carried through a session's lists by ``beta_list``; the pool is every item
studied in the session so far, so a prior-list intrusion has a probability). A recall outside the
pool is scored with ``p_eli`` when ``p_eli > 0`` and left out and counted when ``p_eli = 0``;
repeats are always left out and counted.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

from . import free_recall

MODELS = ("within", "across")
RULES = ("luce", "softmax")
# The likelihood's own parameters besides the scenario keys of kind = "free_recall".
PARAMETERS = ("beta_list", "p_eli")


class RecallLists(NamedTuple):
    """The recall sequences of an event table as arrays (recall_lists), for log_likelihood."""
    index: pd.MultiIndex   # (subject, list), the lists of a session consecutive and in order
    length: np.ndarray     # (lists,): L, the largest serial position studied
    session: np.ndarray    # (lists,): a code per (subject, session)
    lags: np.ndarray       # (lists, most recalls): 0 this list, d a PLI from d lists back, -1 an ELI
    positions: np.ndarray  # (lists, most recalls): the serial position (1-based) in the list it came from
    n_recalls: np.ndarray  # (lists,): recall events, repeats left out
    repeats: np.ndarray    # (lists,): repeats left out


def _check(model, rule):
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    if rule not in RULES:
        raise ValueError(f"rule must be 'luce' or 'softmax', got {rule!r}")


def recall_lists(df):
    """The recall sequences of an event table (``subject, list, position, trial_type, item``,
    ``session`` where present) as the arrays log_likelihood scores: read once, then scored for many
    parameter sets (a fit). Raises ValueError for a malformed table."""
    m = free_recall.recall_sources(df)  # sorted by (subject, list, output)
    study = df[df["trial_type"] == "study"]
    if study.empty:
        raise ValueError("the event table has no study events: nothing to score")
    sess = free_recall._sessions(df, study)  # (subject, session, list) order
    index = pd.MultiIndex.from_frame(sess[["subject", "list"]])
    length = study.groupby(["subject", "list"])["position"].max().reindex(index).to_numpy(np.int64)
    session = pd.MultiIndex.from_frame(sess[["subject", "session"]]).factorize()[0].astype(np.int64)
    lid = index.get_indexer(pd.MultiIndex.from_frame(m[["subject", "list"]]))
    repeats = np.bincount(lid[m["repeat"].to_numpy()], minlength=len(index)).astype(np.int64)
    keep = ~m["repeat"].to_numpy()
    m, lid = m[keep], lid[keep]
    n_recalls = np.bincount(lid, minlength=len(index)).astype(np.int64)
    width = int(n_recalls.max()) if len(index) else 0
    lags = np.full((len(index), width), -1, np.int64)
    positions = np.zeros((len(index), width), np.int64)
    column = m.groupby(["subject", "list"], sort=False).cumcount().to_numpy()
    lags[lid, column] = m["lag"].to_numpy(np.int64)
    positions[lid, column] = m["source_input"].fillna(0).to_numpy(np.int64)
    return RecallLists(index, length, session, lags, positions, n_recalls, repeats)


def log_likelihood(data, params=None, rule="luce", model="within", threads=1):
    """The log-likelihood of every list's recall sequence under CMR (docs/free_recall.md §7a-7b): per
    output position the stop rule's probability of going on times the choice probability of the
    recalled item (Luce's ``a^tau`` or the softmax ``exp(tau a)``), then the stop, with the context
    following the recalled items (CMR's discrete update; localist items). The stop rule is
    P_stop(o) = min(1 - 1e-6, X_s e^{X_k o}).

    Parameters
    ----------
    data : pandas.DataFrame or RecallLists
        Event table (psifr's layout), or its recall_lists (read once for many calls).
    params : dict, optional
        CMR's parameters by their scenario keys (``beta_enc``, ``beta_rec``, ``beta_start``,
        ``gamma_fc``, ``phi``, ``phi_s``, ``phi_d``, ``salience_decay_time``, ``retention_interval``,
        ``tau``, ``X_s``, ``X_k``) and the likelihood's ``beta_list`` (drift between lists, default 1)
        and ``p_eli`` (a recall outside the pool, default 0); the others take their defaults.
    rule : {"luce", "softmax"}
    model : {"within", "across"}
    threads : int
        Threads over sessions (the result does not depend on them).

    Returns
    -------
    pandas.DataFrame
        One row per list, indexed by (subject, list): ``log_likelihood`` (natural log; finite: the stop
        probability stays below 1 - 1e-6), ``recalls`` (events
        scored), ``intrusions`` (PLIs and ELIs), ``left_out`` (events outside the pool not scored,
        p_eli = 0), ``repeats`` (left out) and ``length`` (L).

    Raises
    ------
    ValueError
        For a malformed event table, an unknown parameter, model or rule, or a parameter outside its
        range (a beta, gamma_fc outside [0, 1], p_eli outside [0, 1), tau <= 0, X_s < 0).
    """
    _check(model, rule)
    lists = data if isinstance(data, RecallLists) else recall_lists(data)
    r = free_recall._core().cmr_log_likelihood(lists.length, lists.session, lists.lags, lists.positions,
                                               lists.n_recalls, lists.repeats, dict(params or {}),
                                               rule == "softmax", model == "across", int(threads))
    return pd.DataFrame({"log_likelihood": r["log_likelihood"], "recalls": r["scored"],
                         "intrusions": r["intrusions"], "left_out": r["left_out"], "repeats": lists.repeats,
                         "length": lists.length}, index=lists.index)


def sample_events(params=None, rule="luce", model="within", subjects=1, sessions=1, lists=4, length=16, seed=1,
                  max_outputs=200, threads=1):
    """Recall sequences drawn from the model that log_likelihood scores, as a psifr event table.

    Every subject studies ``sessions`` sessions of ``lists`` lists of ``length`` items; session s of
    subject i is the sampler's stream (seed, i * sessions + s), so the table does not depend on
    `threads`. Items are named ``"s{session}l{list}p{position}"`` (unique in a session) and an ELI
    ``"eli{n}"`` (a new word each time).

    Returns
    -------
    pandas.DataFrame
        ``subject, list, position, trial_type, item, session`` (subject, list, session 1-based; lists
        numbered through the subject's sessions). ``attrs["truncated"]``: the lists stopped at
        max_outputs recall events.

    Raises
    ------
    ValueError
        For an unknown model, rule or parameter, a parameter outside its range, or a size below 1.
    """
    _check(model, rule)
    for name, v in (("subjects", subjects), ("sessions", sessions), ("lists", lists), ("length", length)):
        if int(v) < 1:
            raise ValueError(f"{name} must be >= 1, got {v}")
    shape = [[int(length)] * int(lists)] * (int(subjects) * int(sessions))
    r = free_recall._core().cmr_sample(shape, dict(params or {}), rule == "softmax", model == "across", int(seed),
                                       int(max_outputs), int(threads))
    code = np.arange(int(subjects) * int(sessions))
    subject, session = code // sessions + 1, code % sessions + 1
    k = np.arange(int(lists))
    study = pd.DataFrame({
        "subject": np.repeat(subject, lists * length), "session": np.repeat(session, lists * length),
        "list": np.repeat((session - 1)[:, None] * lists + k[None, :] + 1, length, axis=None),
        "position": np.tile(np.arange(1, length + 1), len(code) * lists), "trial_type": "study"})
    study["item"] = ("s" + study["session"].astype(str) + "l" + study["list"].astype(str) + "p" +
                     study["position"].astype(str))
    e = {name: np.asarray(r[name]) for name in ("session", "list", "output", "lag", "position")}
    s_of = e["session"]
    rec = pd.DataFrame({"subject": subject[s_of], "session": session[s_of],
                        "list": (session[s_of] - 1) * lists + e["list"] + 1, "position": e["output"] + 1,
                        "trial_type": "recall"})
    source = rec["list"].to_numpy() - np.where(e["lag"] >= 0, e["lag"], 0)
    rec["item"] = ("s" + rec["session"].astype(str) + "l" + pd.Series(source).astype(str) + "p" +
                   pd.Series(e["position"]).astype(str))
    eli = e["lag"] < 0
    rec.loc[eli, "item"] = ["eli" + str(i) for i in range(int(eli.sum()))]
    out = pd.concat([study, rec], ignore_index=True)
    out = out.sort_values(["subject", "list", "trial_type", "position"], ascending=[True, True, False, True],
                          kind="stable").reset_index(drop=True)
    out = out[["subject", "list", "position", "trial_type", "item", "session"]]
    out.attrs["truncated"] = int(r["truncated"])
    return out
