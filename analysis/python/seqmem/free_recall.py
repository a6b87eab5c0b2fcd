"""Free-recall analyses: serial-position curve, probability of first recall, lag-CRP, category
clustering, intrusions and repeats, recognition d', on psifr's event table.

The table (psifr's layout, Morton 2020, JOSS 5(54) 2669) has one row per event and the columns

========== ================================================================================
subject    participant (or simulated subject) id, any sortable hashable
list       list id within the subject
position   serial position for study rows (1 .. L), output position for recall rows (1, 2, ...)
trial_type ``"study"`` or ``"recall"``
item       the item: any hashable (words in human data, 1-based pool indices in seqmem output)
========== ================================================================================

A recall is an *intrusion* when its item is not among the study rows of the same (subject, list),
and a *repeat* when the same item was recalled earlier in that list. A recall that is neither is
*valid*. Curves are computed per subject and indexed by ``(subject, ...)``; :func:`summary`
averages them over subjects, as psifr's plots do.

The counting is seqmem's compiled accumulator (analysis/free_recall_curves.hpp, through
seqmem._core), the one the simulator's runs use, so that a run's curves and the curves of any table
(human data included) are one implementation; the module needs the built package
(``./setup.sh build``, ``.venv/bin/python``) and otherwise numpy, pandas and h5py.
"""

import os
from typing import NamedTuple

import h5py
import numpy as np
import pandas as pd

__all__ = ["merge", "spc", "pfr", "lag_crp", "intrusion_rate", "recall_sources", "pli_recency", "category_crp",
           "recognition", "summary",
           "summary_table", "human_summary", "read_events", "to_csv", "HUMAN_SUMMARY"]

COLUMNS = ["subject", "list", "position", "trial_type", "item"]
_LIST = ["subject", "list"]

# The subject-averaged curves of the PEERS sample shipped with psifr (analysis/peers_summary.py):
# analysis/data/peers_summary.csv, which the package carries as seqmem/data/peers_summary.csv (the
# build links it there, pip copies it: setup.py).
HUMAN_SUMMARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "peers_summary.csv")


def _split(df):
    """The study and recall rows of an event table, checked."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"event table lacks the column(s) {', '.join(missing)} (needs {', '.join(COLUMNS)})")
    kinds = set(pd.unique(df["trial_type"]))
    if not kinds <= {"study", "recall"}:
        raise ValueError(f"trial_type must be 'study' or 'recall', found {sorted(map(str, kinds - {'study', 'recall'}))}")
    for column in COLUMNS:
        if df[column].isna().any():
            raise ValueError(f"event table has missing values in column {column!r}")
    position = df["position"]
    if not pd.api.types.is_numeric_dtype(position) or pd.api.types.is_bool_dtype(position) or \
            (len(df) and (np.asarray(position, float) % 1 != 0).any()):
        raise ValueError("column 'position' must hold whole numbers (serial and output positions)")
    study = df.loc[df["trial_type"] == "study", ["subject", "list", "position", "item"]]
    recall = df.loc[df["trial_type"] == "recall", ["subject", "list", "position", "item"]]
    if study.duplicated(_LIST + ["item"]).any():
        raise ValueError("an item is studied twice in one list: items must be unique within a list")
    if study.duplicated(_LIST + ["position"]).any():
        raise ValueError("two study events share a serial position in one list")
    if len(study) and (study["position"] < 1).any():
        raise ValueError("serial positions of study events start at 1")
    # unique positions >= 1 whose largest is the list's length are 1..n: the study arrays built
    # from them (lists x longest list) are then no larger than lists x positions
    by_list = study.groupby(_LIST)["position"]
    if len(study) and (by_list.max() > by_list.size()).any():
        raise ValueError("the serial positions of a list's n study events must be 1..n")
    return study, recall


def merge(df):
    """Label every recall event with its serial position and whether it is an intrusion or a repeat.

    Parameters
    ----------
    df : pandas.DataFrame
        Event table with columns ``subject, list, position, trial_type, item``.

    Returns
    -------
    pandas.DataFrame
        One row per recall event, sorted by (subject, list, output), with columns
        ``subject, list, item, output`` (the output position), ``input`` (the serial position of
        the item in that list's study rows; NaN for an intrusion), ``intrusion`` (bool: the item
        was not studied in that list) and ``repeat`` (bool: the same item was recalled earlier in
        that list; intrusions repeated are repeats too). Like psifr's ``merge_free_recall``, but
        with boolean ``repeat``.

    Raises
    ------
    ValueError
        When columns are missing, an item is studied twice in one list, or recalls belong to a
        list without study events.
    """
    return _merge(*_split(df))


def _merge(study, recall):
    s = study[_LIST + ["item", "position"]].rename(columns={"position": "input"})
    r = recall.rename(columns={"position": "output"}).sort_values(_LIST + ["output"], kind="stable")
    lists = pd.MultiIndex.from_frame(study[_LIST].drop_duplicates())
    if (lists.get_indexer(pd.MultiIndex.from_frame(r[_LIST])) < 0).any():
        raise ValueError("recall events for a (subject, list) without study events")
    m = r.merge(s, on=_LIST + ["item"], how="left")
    m["input"] = m["input"].astype(float)
    m["intrusion"] = m["input"].isna()
    m["repeat"] = m.duplicated(_LIST + ["item"])
    return m[["subject", "list", "item", "output", "input", "intrusion", "repeat"]].reset_index(drop=True)


class _Counts(NamedTuple):
    """The counts of the accumulator FreeRecallCurves (analysis/free_recall_curves.hpp) per subject."""
    subjects: pd.Index  # the sorted subject ids
    length: int         # L, the largest serial position
    c: dict             # name -> int64 array: (subjects,), (subjects, L) or (subjects, 2L - 1) (lags)


def _core():
    try:
        from . import _core as core
    except ImportError as e:
        raise ImportError("seqmem.free_recall counts in seqmem's compiled core (seqmem._core), the code that "
                          "the simulator's runs use: build it with ./setup.sh build and use .venv/bin/python "
                          "(docs/python.md)") from e
    return core


def _counts(df, category=None):
    """The curves' counts of every subject: the event table as arrays over lists (item codes in
    study and output order, padded with -1), counted by seqmem._core.free_recall_counts, which runs
    the simulator's own accumulator (analysis/free_recall_curves.hpp) list by list. `category`:
    item -> category, for the category CRP."""
    study, recall = _split(df)
    m = _merge(study, recall)  # recalls sorted by (subject, list, output); checks their lists
    keys = study[_LIST].drop_duplicates().sort_values(_LIST).reset_index(drop=True)
    index = pd.MultiIndex.from_frame(keys)
    s_lid = index.get_indexer(pd.MultiIndex.from_frame(study[_LIST]))
    r_lid = index.get_indexer(pd.MultiIndex.from_frame(m[_LIST]))
    codes, items = pd.factorize(pd.concat([study["item"], m["item"]], ignore_index=True))
    s_code, r_code = codes[:len(study)], codes[len(study):]
    n = len(keys)
    length = int(study["position"].max()) if len(study) else 0
    study_items = np.full((n, length), -1, np.int64)
    study_items[s_lid, study["position"].to_numpy(np.int64) - 1] = s_code
    n_recalls = np.bincount(r_lid, minlength=n)
    recalls = np.full((n, int(n_recalls.max()) if n else 0), -1, np.int64)
    recalls[r_lid, m.groupby(_LIST, sort=False).cumcount().to_numpy()] = r_code
    subject, subjects = pd.factorize(keys["subject"], sort=True)
    cat = np.empty(0, np.int64)
    if category is not None:
        of_item = pd.Series(pd.Index(items)).map(category)
        studied = np.zeros(len(items), bool)
        studied[s_code] = True
        missing = studied & of_item.isna().to_numpy()
        if missing.any():
            raise ValueError(f"no category for {int(missing.sum())} studied item(s), e.g. {list(items[missing][:5])}")
        cat = np.full(len(items), -1, np.int64)
        cat[of_item.notna().to_numpy()] = pd.factorize(of_item.dropna())[0]
    c = _core().free_recall_counts(study_items, np.bincount(s_lid, minlength=n), recalls, n_recalls, subject,
                                   len(subjects), cat)
    return _Counts(pd.Index(subjects, name="subject"), length, c)


def _counted(df):
    """The counts of an event table, or the counts themselves (summary counts once for its curves)."""
    return df if isinstance(df, _Counts) else _counts(df)


def _grid(k, name, values):
    """(subjects, L) array as a DataFrame indexed by (subject, input)."""
    index = pd.MultiIndex.from_product([k.subjects, np.arange(1, k.length + 1)], names=["subject", "input"])
    return pd.DataFrame({name: values.ravel()}, index=index)


def _ratio(actual, possible):
    with np.errstate(invalid="ignore", divide="ignore"):
        return actual / possible


def spc(df):
    """Serial-position curve (Murdock 1962): probability of recall by serial position.

    Parameters
    ----------
    df : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``).

    Returns
    -------
    pandas.DataFrame
        Indexed by (subject, input), input = 1 .. L (L the largest serial position), with column
        ``recall``: the fraction of the subject's lists that had an item at serial position
        ``input`` in which that item was recalled, at any output position. Intrusions and repeats
        do not count. NaN where none of the subject's lists had that position.
    """
    k = _counted(df)
    return _grid(k, "recall", _ratio(k.c["recalled"], k.c["studied"]))


def pfr(df):
    """Probability of first recall by serial position.

    Parameters
    ----------
    df : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``).

    Returns
    -------
    pandas.DataFrame
        Indexed by (subject, input), input = 1 .. L, with column ``prob``: the fraction of the
        subject's lists whose first recall event (output position 1) is the item studied at
        ``input``. Every list of the subject is in the denominator: a list without recalls, or
        whose first recall is an intrusion, adds to no input, so the row sums are at most 1.
        (psifr's ``pfr`` instead takes the first *valid* recall and only lists that have one.)
    """
    k = _counted(df)
    return _grid(k, "prob", _ratio(k.c["first_recalled"], k.c["lists"][:, None]))


def lag_crp(df, max_lag=None):
    """Lag conditional response probability (Kahana 1996), counted as psifr's ``lag_crp``.

    Each list's recalls are walked in output order. A transition from recall k to recall k+1 is
    counted only when both are valid (studied in that list, not repeats): the pairs
    (valid, intrusion), (intrusion, valid), (valid, repeat) and (repeat, valid) are skipped, so the
    recall after an intrusion or a repeat starts no counted transition with its predecessor (psifr's
    behaviour). For a counted transition from serial position i to j, ``actual[j - i] += 1``, and
    for every studied position a not yet recalled (at outputs up to k; i itself counts as recalled)
    ``possible[a - i] += 1``: the conditional response probability of Kahana (1996) and Howard &
    Kahana (1999), with psifr's handling of intrusions and repeats.

    Parameters
    ----------
    df : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``).
    max_lag : int, optional
        Keep only lags with ``|lag| <= max_lag``.

    Returns
    -------
    pandas.DataFrame
        Indexed by (subject, lag), lag = -(L-1) .. L-1 without 0, with columns ``actual`` and
        ``possible`` (int counts summed over the subject's lists) and ``prob`` = actual / possible
        (NaN when possible is 0).
    """
    k = _counted(df)
    lags = np.arange(1 - k.length, k.length)
    index = pd.MultiIndex.from_product([k.subjects, lags], names=["subject", "lag"])
    out = pd.DataFrame({"actual": k.c["lag_actual"].ravel(), "possible": k.c["lag_possible"].ravel()}, index=index)
    keep = lags != 0 if max_lag is None else (lags != 0) & (np.abs(lags) <= max_lag)
    out = out[np.tile(keep, len(k.subjects))]
    out["prob"] = _ratio(out["actual"], out["possible"])
    return out


def category_crp(df, category):
    """Category CRP (semantic clustering): the lag-CRP with the lag replaced by whether the next
    item shares the category of the current one.

    Transitions are those of :func:`lag_crp` (consecutive valid recalls). For a counted transition
    from item i to item j, ``actual[same]`` or ``actual[other]`` gains 1 as j's category is or is
    not i's; every studied, not yet recalled item a adds 1 to ``possible[same]`` or
    ``possible[other]`` as a's category is or is not i's. So ``prob[same]`` is the probability of
    recalling a given available same-category item next, the per-item normalisation of the
    lag-CRP. psifr's ``category_crp`` instead counts a transition once as possible when at least
    one same-category item is available (its prob: P(same-category transition | one was available)).

    Parameters
    ----------
    df : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``).
    category : mapping or pandas.Series
        item -> category, for every studied item (intrusions need none).

    Returns
    -------
    pandas.DataFrame
        Indexed by (subject, category) with category ``"same"``, ``"other"``, and columns
        ``actual``, ``possible`` (int, summed over the subject's lists) and ``prob`` =
        actual / possible (NaN when possible is 0).
    """
    k = _counts(df, category)
    index = pd.MultiIndex.from_product([k.subjects, ["same", "other"]], names=["subject", "category"])
    pair = {name: np.column_stack([k.c[f"same_category_{name}"], k.c[f"other_category_{name}"]]).ravel()
            for name in ("actual", "possible")}
    out = pd.DataFrame(pair, index=index)
    out["prob"] = _ratio(out["actual"], out["possible"])
    return out


def intrusion_rate(df):
    """Correct recalls, intrusions and repeats per list.

    Parameters
    ----------
    df : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``).

    Returns
    -------
    pandas.DataFrame
        Indexed by subject, with the mean number per list (over all the subject's lists, those
        without recalls included) of ``recalls`` (valid recalls: studied items, each counted once),
        ``intrusions`` (recall events of items not studied in that list, every event counted) and
        ``repeats`` (recall events of a studied item already recalled in that list). Every recall
        event is in exactly one of the three.
    """
    k = _counted(df)
    n = k.c["lists"]
    return pd.DataFrame({"recalls": k.c["correct"] / n, "intrusions": k.c["intrusions"] / n,
                         "repeats": k.c["repeats"] / n}, index=k.subjects)


def recall_sources(df):
    """Where every recall event's item comes from: this list, an earlier list of the session, or
    neither.

    Parameters
    ----------
    df : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``, and ``session`` where present;
        without it every subject's lists are one session).

    Returns
    -------
    pandas.DataFrame
        merge(df)'s rows and columns plus ``session``, ``lag`` (0: studied in this list; d > 0: a
        prior-list intrusion (PLI), last studied d lists earlier in the session, lists counted in
        their order within the session; -1: an extra-list intrusion (ELI), not studied in the
        session before this list's test) and ``source_input`` (the serial position in the list it
        came from; NaN for an ELI).

    Raises
    ------
    ValueError
        As merge, and when a list's events name two sessions.
    """
    study, recall = _split(df)
    m = _merge(study, recall)
    sess = _sessions(df, study)
    m = m.merge(sess, on=_LIST, how="left")
    s = study.merge(sess, on=_LIST)[["subject", "session", "ordinal", "item", "position"]]
    s = s.rename(columns={"ordinal": "source", "position": "source_input"})
    cand = m.reset_index().merge(s, on=["subject", "session", "item"], how="inner")
    cand = cand[cand["source"] <= cand["ordinal"]].sort_values("source").drop_duplicates("index", keep="last")
    m["lag"] = -1
    m["source_input"] = np.nan
    m.loc[cand["index"].to_numpy(), "lag"] = (cand["ordinal"] - cand["source"]).to_numpy()
    m.loc[cand["index"].to_numpy(), "source_input"] = cand["source_input"].to_numpy(float)
    return m.drop(columns="ordinal")


def _sessions(df, study):
    """Every (subject, list) with its session and its ordinal within the session (0, 1, ...)."""
    if "session" in df.columns:
        sess = df[_LIST + ["session"]].drop_duplicates()
        if sess["session"].isna().any():
            raise ValueError("event table has missing values in column 'session'")
        if sess.duplicated(_LIST).any():
            raise ValueError("a list's events name more than one session")
    else:
        sess = study[_LIST].drop_duplicates().assign(session=0)
    sess = sess.sort_values(["subject", "session", "list"], kind="stable").reset_index(drop=True)
    sess["ordinal"] = sess.groupby(["subject", "session"]).cumcount()
    return sess


def pli_recency(df, max_lag=3):
    """Prior-list intrusions (PLIs) by list lag (recall_sources): per subject, the PLIs from lag d
    per list that has at least d lists before it in its session. People's fall with lag (Zaromb et
    al. 2006; Lohnas et al. 2015).

    Returns
    -------
    pandas.DataFrame
        Indexed by (subject, lag) for lag = 1 .. max_lag: ``plis`` (events, repeats excluded),
        ``lists`` (the lists with at least `lag` lists before them) and ``rate`` = plis / lists.
    """
    m = recall_sources(df)
    plis = m[~m["repeat"] & (m["lag"] > 0)].groupby(["subject", "lag"]).size()
    sess = _sessions(df, _split(df)[0])
    rows = []
    for subject, g in sess.groupby("subject"):
        for d in range(1, max_lag + 1):
            n, k = int((g["ordinal"] >= d).sum()), int(plis.get((subject, d), 0))
            rows.append({"subject": subject, "lag": d, "plis": k, "lists": n, "rate": k / n if n else np.nan})
    return pd.DataFrame(rows).set_index(["subject", "lag"])


def recognition(hits, misses, false_alarms, correct_rejections):
    """Hit rate, false-alarm rate and sensitivity d' of an old/new recognition test.

    Both rates take the log-linear correction (Hautus 1995, Behav. Res. Methods Instrum. Comput.
    27, 46-51): rate = (count + 0.5) / (n + 1), so that no rate is 0 or 1; then
    d' = z(H) - z(FA), z the inverse of the standard normal distribution function. The same
    functions as a run's recognition test (analysis/free_recall_curves.hpp).

    Parameters
    ----------
    hits, misses, false_alarms, correct_rejections : int or array_like of int
        Counts: old items called old, old items called new, new items called old, new items
        called new.

    Returns
    -------
    pandas.Series
        ``hit_rate``, ``false_alarm_rate``, ``d_prime`` (each a float, or an array for array
        counts).

    Raises
    ------
    ValueError
        When a count is negative or not a whole number.
    """
    counts = np.broadcast_arrays(*[np.asarray(c) for c in (hits, misses, false_alarms, correct_rejections)])
    for c in counts:
        if c.size and (c.dtype.kind not in "iuf" or (c < 0).any() or (c != np.floor(c)).any()):
            raise ValueError("recognition counts must be non-negative whole numbers")
    core = _core()
    rates = np.vectorize(lambda *k: core.recognition(*map(int, k)), otypes=[float, float, float])(*counts)
    if all(np.ndim(c) == 0 for c in (hits, misses, false_alarms, correct_rejections)):
        rates = [float(r) for r in rates]
    return pd.Series(dict(zip(["hit_rate", "false_alarm_rate", "d_prime"], rates)))


def _mean_sem(per_subject, level=None):
    """Mean over subjects and its standard error (sample SD / sqrt(n), NaN entries left out)."""
    g = per_subject.groupby(level=level) if level is not None else per_subject
    mean, sd, n = g.mean(), g.std(ddof=1), g.count()
    return mean, sd / np.sqrt(n)


def summary(df, max_lag=5):
    """The subject-averaged curves and per-list counts, as psifr plots them.

    Parameters
    ----------
    df : pandas.DataFrame
        Event table (``subject, list, position, trial_type, item``).
    max_lag : int
        The lag-CRP is kept for lags -max_lag .. max_lag without 0.

    Returns
    -------
    dict
        ``spc`` (:func:`spc`'s ``recall``, index input), ``pfr`` (:func:`pfr`'s ``prob``, index
        input), ``lag_crp`` (:func:`lag_crp`'s ``prob``, index lag), each a pandas Series of the
        mean over subjects of the per-subject values (NaN values, e.g. a lag never possible for a
        subject, left out), and ``recalls_per_list``, ``intrusions_per_list``,
        ``repeats_per_list`` (:func:`intrusion_rate`, mean over subjects, floats); for each of
        these six the standard error over subjects under the key with ``_sem`` appended; and
        ``subjects`` and ``lists``, the numbers of subjects and of lists (int).
    """
    out = {}
    k = _counts(df)
    curves = {"spc": (spc(k)["recall"], "input"), "pfr": (pfr(k)["prob"], "input"),
              "lag_crp": (lag_crp(k, max_lag)["prob"], "lag")}
    for name, (per_subject, level) in curves.items():
        out[name], out[name + "_sem"] = _mean_sem(per_subject, level)
    rates = intrusion_rate(k)
    for column in rates:
        mean, sem = _mean_sem(rates[column])
        out[column + "_per_list"], out[column + "_per_list_sem"] = float(mean), float(sem)
    out["subjects"], out["lists"] = len(k.subjects), int(k.c["lists"].sum())
    return out


_CURVES = ["spc", "pfr", "lag_crp"]
_SCALARS = ["recalls_per_list", "intrusions_per_list", "repeats_per_list", "subjects", "lists"]


def summary_table(s):
    """:func:`summary`'s dict as a long table, the layout of analysis/data/peers_summary.csv.

    Returns
    -------
    pandas.DataFrame
        Columns ``curve`` (spc, pfr, lag_crp, then recalls_per_list, intrusions_per_list,
        repeats_per_list, subjects, lists), ``x`` (input or lag, Int64; missing for the scalars), ``value``
        and ``sem`` (standard error over subjects; NaN for subjects and lists).
    """
    parts = [pd.DataFrame({"curve": name, "x": pd.array(s[name].index, dtype="Int64"), "value": s[name].to_numpy(float),
                           "sem": s[name + "_sem"].to_numpy(float)}) for name in _CURVES]
    parts.append(pd.DataFrame({"curve": _SCALARS, "x": pd.array([pd.NA] * len(_SCALARS), dtype="Int64"),
                               "value": [float(s[k]) for k in _SCALARS],
                               "sem": [float(s.get(k + "_sem", np.nan)) for k in _SCALARS]}))
    return pd.concat(parts, ignore_index=True)


def human_summary(path=HUMAN_SUMMARY):
    """The human reference curves: :func:`summary_table` of the PEERS sample shipped with psifr
    (psifr's sample data; Kahana lab; 126 subjects x 28 lists x 16 items, immediate free recall),
    as written by analysis/peers_summary.py to analysis/data/peers_summary.csv.

    Returns
    -------
    pandas.DataFrame
        Columns ``curve, x, value, sem`` (see :func:`summary_table`).
    """
    return pd.read_csv(path, comment="#")


def _trial_types(dataset):
    """{code: name} of the trial_type dataset, from its CF flag attributes when present."""
    a = dataset.attrs
    if "flag_values" in a and "flag_meanings" in a:
        meanings = a["flag_meanings"]
        meanings = meanings.decode() if isinstance(meanings, bytes) else str(meanings)
        return dict(zip((int(v) for v in np.atleast_1d(a["flag_values"])), meanings.split()))
    return {0: "study", 1: "recall"}


def read_events(path, run=None):
    """The event table of a seqmem free-recall run.

    Reads the group ``/runs/<run>/events`` of a seqmem HDF5 file: 1-D datasets of equal length
    ``subject`` (1-based), ``list`` (1-based within the subject), ``position``, ``trial_type``
    (0 = study, 1 = recall; CF ``flag_values`` / ``flag_meanings`` attributes) and ``item``
    (1-based pool index).

    Parameters
    ----------
    path : str or path-like
        The HDF5 file.
    run : str, optional
        The run id (group name under ``/runs``). Default: the only run that has events.

    Returns
    -------
    pandas.DataFrame
        Columns ``subject, list, position, trial_type, item`` in the file's order, with
        trial_type as the strings ``"study"`` / ``"recall"``.
    """
    with h5py.File(path, "r") as f:
        runs = sorted(r for r, g in f.get("runs", {}).items() if isinstance(g, h5py.Group) and "events" in g)
        if run is None:
            if len(runs) != 1:
                raise ValueError(f"{path}: {len(runs)} runs with events ({', '.join(runs) or 'none'}): name one with run=")
            run = runs[0]
        elif run not in runs:
            raise KeyError(f"{path}: no run {run!r} with events (runs with events: {', '.join(runs) or 'none'})")
        g = f["runs"][run]["events"]
        columns = {c: g[c][()] for c in COLUMNS}
        names = _trial_types(g["trial_type"])
    lengths = {c: v.shape for c, v in columns.items()}
    if len(set(lengths.values())) != 1 or any(len(s) != 1 for s in lengths.values()):
        raise ValueError(f"{path}: runs/{run}/events datasets are not 1-D of one length: {lengths}")
    codes = columns["trial_type"].astype(np.int64)
    unknown = set(np.unique(codes)) - set(names)
    if unknown or not set(names.values()) <= {"study", "recall"}:
        raise ValueError(f"{path}: runs/{run}/events/trial_type codes {sorted(unknown)} / meanings {names} are not study/recall")
    out = pd.DataFrame({c: columns[c].astype(np.int64) for c in ["subject", "list", "position", "item"]})
    out.insert(3, "trial_type", pd.Series(codes).map(names).to_numpy(object))
    return out


def to_csv(df, path):
    """Write an event table (or any result) as CSV, the index dropped unless it is named."""
    named = any(n is not None for n in df.index.names)
    df.to_csv(path, index=named)
