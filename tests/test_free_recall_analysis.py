"""The free-recall analyses of seqmem.free_recall (analysis/python/seqmem/free_recall.py): every
function against small tables worked out by hand, the HDF5 events reader, and on the PEERS sample
shipped with psifr (psifr's sample data) against a plain-loop implementation written here, the
committed human summary analysis/data/peers_summary.csv, and landmark facts of human free recall.

Run as
    SEQMEM_PEERS_CSV=PATH/peers_free_recall.csv .venv/bin/python -m pytest -q tests/test_free_recall_analysis.py
(without SEQMEM_PEERS_CSV the PEERS tests are skipped). seqmem.free_recall counts with the compiled
accumulator that the simulator's runs use (analysis/free_recall_curves.hpp), so these tests check that
one implementation on tables; the plain-loop implementation here is the independent expectation.
"""

import math
import os
import statistics
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
from seqmem import free_recall as fr  # noqa: E402


def events(lists):
    """An event table from {(subject, list): (studied items, recalled items)}."""
    rows = []
    for (subject, lst), (study, recall) in lists.items():
        rows += [(subject, lst, i + 1, "study", item) for i, item in enumerate(study)]
        rows += [(subject, lst, i + 1, "recall", item) for i, item in enumerate(recall)]
    return pd.DataFrame(rows, columns=["subject", "list", "position", "trial_type", "item"])


# Two subjects, lists of four items. x and z are intrusions (not studied in their list); the second
# c of subject 1, list 1 is a repeat; subject 2 repeats its intrusion z; lists (1, 3) and (2, 2)
# have one and no recall.
HAND = events({
    (1, 1): ("abcd", "cdbca"),   # inputs 3 4 2 3(repeat) 1
    (1, 2): ("efgh", "xfge"),    # inputs - 2 3 1 (intrusion first)
    (1, 3): ("ijkl", "k"),       # input 3
    (2, 1): ("mnop", "pnzmoz"),  # inputs 4 2 - 1 3 - (intrusion, then the same intrusion again)
    (2, 2): ("qrst", ""),        # no recall
})
CATEGORY = {**dict.fromkeys("bef", "animal"), **dict.fromkeys("acdgh", "tool"),
            **dict.fromkeys("ijmnqr", "animal"), **dict.fromkeys("klopst", "tool")}


def test_merge_labels_inputs_intrusions_and_repeats():
    m = fr.merge(HAND)
    assert list(m.columns) == ["subject", "list", "item", "output", "input", "intrusion", "repeat"]
    assert list(m["item"]) == list("cdbca" "xfge" "k" "pnzmoz")
    assert list(m["output"]) == [1, 2, 3, 4, 5, 1, 2, 3, 4, 1, 1, 2, 3, 4, 5, 6]
    np.testing.assert_array_equal(m["input"], [3, 4, 2, 3, 1, np.nan, 2, 3, 1, 3, 4, 2, np.nan, 1, 3, np.nan])
    assert list(m["intrusion"]) == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1]
    # the second c, and the second z (an intrusion repeated is a repeat too)
    assert list(m["repeat"]) == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_spc_by_hand():
    # Subject 1, three lists: position 1 = a (recalled), e (recalled), i (not) -> 2/3;
    # 2 = b, f recalled, j not -> 2/3; 3 = c, g, k all recalled -> 3/3; 4 = d recalled, h, l not
    # -> 1/3. The repeat of c counts once. Subject 2, two lists: m, n, o, p recalled in list 1 and
    # nothing in list 2 -> 1/2 each; the intrusions z add nothing.
    s = fr.spc(HAND)["recall"]
    assert s.index.names == ["subject", "input"]
    assert s.loc[1].tolist() == [2 / 3, 2 / 3, 1.0, 1 / 3]
    assert s.loc[2].tolist() == [0.5, 0.5, 0.5, 0.5]


def test_pfr_by_hand():
    # Subject 1: first recalls c (position 3), x (an intrusion: no position), k (3) -> 2/3 at 3,
    # the denominator is all 3 lists. Subject 2: p (4) and a list with no recall -> 1/2 at 4.
    p = fr.pfr(HAND)["prob"]
    assert p.index.names == ["subject", "input"]
    assert p.loc[1].tolist() == [0.0, 0.0, 2 / 3, 0.0]
    assert p.loc[2].tolist() == [0.0, 0.0, 0.0, 0.5]


def test_lag_crp_by_hand():
    # Counted transitions (both recalls valid and consecutive), with the positions still available
    # (studied, not yet recalled; the source counts as recalled):
    #   subject 1, list 1 (c d b c a):  c->d  3->4 lag +1, available {1,2,4}: lags -2 -1 +1
    #                                   d->b  4->2 lag -2, available {1,2}:   lags -3 -2
    #                                   b->c(repeat) and c(repeat)->a: not counted
    #   subject 1, list 2 (x f g e):    x->f not counted (intrusion)
    #                                   f->g  2->3 lag +1, available {1,3,4}: lags -1 +1 +2
    #                                   g->e  3->1 lag -2, available {1,4}:   lags -2 +1
    #   subject 1, list 3 (k):          none
    # subject 1: actual  -3:0 -2:2 -1:0 +1:2 +2:0 +3:0
    #            possible -3:1 -2:3 -1:2 +1:3 +2:1 +3:0
    #   subject 2, list 1 (p n z m o z): p->n 4->2 lag -2, available {1,2,3}: lags -3 -2 -1
    #                                    n->z, z->m not counted (intrusion)
    #                                    m->o 1->3 lag +2, available {3}:     lag +2
    #                                    o->z not counted
    # subject 2: actual  -2:1 +2:1;  possible -3:1 -2:1 -1:1 +2:1, others 0
    c = fr.lag_crp(HAND)
    assert c.index.names == ["subject", "lag"]
    assert c.loc[1].index.tolist() == [-3, -2, -1, 1, 2, 3]
    assert c.loc[1, "actual"].tolist() == [0, 2, 0, 2, 0, 0]
    assert c.loc[1, "possible"].tolist() == [1, 3, 2, 3, 1, 0]
    np.testing.assert_array_equal(c.loc[1, "prob"], [0.0, 2 / 3, 0.0, 2 / 3, 0.0, np.nan])
    assert c.loc[2, "actual"].tolist() == [0, 1, 0, 0, 1, 0]
    assert c.loc[2, "possible"].tolist() == [1, 1, 1, 0, 1, 0]
    np.testing.assert_array_equal(c.loc[2, "prob"], [0.0, 1.0, 0.0, np.nan, 1.0, np.nan])
    limited = fr.lag_crp(HAND, max_lag=1)
    assert limited.loc[1].index.tolist() == [-1, 1]
    pd.testing.assert_frame_equal(limited, c[c.index.get_level_values("lag").isin([-1, 1])])


def test_lists_of_several_lengths_by_hand():
    # One subject: list 1 studies a b c and recalls c a; list 2 studies only d e and recalls e d.
    # SPC: position 1 recalled in both lists (1.0), 2 in list 2 of the two (0.5), 3 in the one list
    # that had it (1.0). Lag-CRP: list 1 c->a (lag -2; available -2 -1), list 2 e->d (lag -1;
    # available -1 only: there is no third position, so +1 was never possible).
    df = events({(1, 1): ("abc", "ca"), (1, 2): ("de", "ed")})
    assert fr.spc(df)["recall"].tolist() == [1.0, 0.5, 1.0]
    assert fr.pfr(df)["prob"].tolist() == [0.0, 0.5, 0.5]
    c = fr.lag_crp(df).loc[1]
    assert c["actual"].tolist() == [1, 1, 0, 0] and c["possible"].tolist() == [1, 2, 0, 0]


def test_intrusion_rate_by_hand():
    # Subject 1: valid recalls c d b a + f g e + k = 8, intrusion x = 1, repeat c = 1, over 3 lists.
    # Subject 2: valid p n m o = 4, intrusions z z = 2 (the second also a repeat, counted as an
    # intrusion only), repeats 0, over 2 lists.
    r = fr.intrusion_rate(HAND)
    assert list(r.columns) == ["recalls", "intrusions", "repeats"]
    assert r.loc[1].tolist() == [8 / 3, 1 / 3, 1 / 3]
    assert r.loc[2].tolist() == [2.0, 1.0, 0.0]


def test_category_crp_by_hand():
    # Categories: b e f m n animals, a c d g h o p tools. The lag-CRP's transitions; every
    # available item counts as a possible same- or other-category transition:
    #   c->d tool->tool   same;  available a b d: a d tools, b an animal -> same +2, other +1
    #   d->b tool->animal other; available a b:   a tool, b animal      -> same +1, other +1
    #   f->g animal->tool other; available e g h: e animal, g h tools    -> same +1, other +2
    #   g->e tool->animal other; available e h:   h tool, e animal       -> same +1, other +1
    # subject 1: same actual 1, possible 5; other actual 3, possible 5.
    #   p->n tool->animal other; available m n o: o tool, m n animals    -> same +1, other +2
    #   m->o animal->tool other; available o                             -> other +1
    # subject 2: same actual 0, possible 1; other actual 2, possible 3.
    # (psifr's category_crp would count subject 1's same-category possible as 4, one per transition.)
    c = fr.category_crp(HAND, CATEGORY)
    assert c.index.names == ["subject", "category"]
    assert c.index.get_level_values("category").tolist() == ["same", "other"] * 2
    assert c["actual"].tolist() == [1, 3, 0, 2]
    assert c["possible"].tolist() == [5, 5, 1, 3]
    assert c["prob"].tolist() == [1 / 5, 3 / 5, 0.0, 2 / 3]
    pd.testing.assert_frame_equal(c, fr.category_crp(HAND, pd.Series(CATEGORY)))
    with pytest.raises(ValueError, match="no category"):
        fr.category_crp(HAND, {k: v for k, v in CATEGORY.items() if k != "a"})


def test_recognition_log_linear_d_prime():
    # 20 hits, 0 misses, 3 false alarms, 17 correct rejections:
    # H = 20.5 / 21, FA = 3.5 / 21 = 1/6, d' = z(H) - z(FA) = 1.980752... + 0.967422... = 2.948174...
    r = fr.recognition(20, 0, 3, 17)
    assert r["hit_rate"] == 20.5 / 21
    assert r["false_alarm_rate"] == 3.5 / 21
    z = statistics.NormalDist().inv_cdf
    assert r["d_prime"] == pytest.approx(z(20.5 / 21) - z(3.5 / 21), abs=1e-12)
    assert r["d_prime"] == pytest.approx(2.948174, abs=1e-6)
    # no information: equal rates, d' = 0; arrays of counts work elementwise
    both = fr.recognition([5, 20], [5, 0], [5, 3], [5, 17])
    np.testing.assert_allclose(both["d_prime"], [0.0, r["d_prime"]], atol=1e-12)
    with pytest.raises(ValueError):
        fr.recognition(-1, 0, 0, 0)


def test_summary_by_hand():
    # Means over the two subjects of the per-subject values above; NaN (a lag never possible)
    # left out: lag +1 is subject 1's 2/3 alone.
    s = fr.summary(HAND, max_lag=2)
    approx = lambda v: pytest.approx(v, abs=1e-15)  # noqa: E731
    assert s["spc"].index.name == "input" and s["lag_crp"].index.name == "lag"
    assert s["spc"].tolist() == approx([(2 / 3 + 0.5) / 2, (2 / 3 + 0.5) / 2, 0.75, (1 / 3 + 0.5) / 2])
    assert s["pfr"].tolist() == approx([0.0, 0.0, 1 / 3, 0.25])
    assert s["lag_crp"].index.tolist() == [-2, -1, 1, 2]
    assert s["lag_crp"].tolist() == approx([5 / 6, 0.0, 2 / 3, 0.5])
    # sem = sample SD / sqrt(n): lag -2 values 2/3 and 1 -> SD = (1/3)/sqrt 2, n = 2 -> 1/6
    assert s["lag_crp_sem"].loc[-2] == approx(1 / 6)
    assert math.isnan(s["lag_crp_sem"].loc[1])  # one subject
    assert s["recalls_per_list"] == approx((8 / 3 + 2) / 2)
    assert s["intrusions_per_list"] == approx((1 / 3 + 1) / 2)
    assert s["repeats_per_list"] == approx((1 / 3 + 0) / 2)
    assert (s["subjects"], s["lists"]) == (2, 5)
    t = fr.summary_table(s)
    assert list(t.columns) == ["curve", "x", "value", "sem"]
    assert t["curve"].tolist() == ["spc"] * 4 + ["pfr"] * 4 + ["lag_crp"] * 4 + [
        "recalls_per_list", "intrusions_per_list", "repeats_per_list", "subjects", "lists"]


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="column"):
        fr.spc(HAND.drop(columns="item"))
    with pytest.raises(ValueError, match="studied twice"):
        fr.merge(events({(1, 1): ("aba", "a")}))
    with pytest.raises(ValueError, match="without study events"):
        fr.merge(pd.concat([HAND, events({(3, 1): ("", "a")})]))
    with pytest.raises(ValueError, match="trial_type"):
        fr.merge(HAND.assign(trial_type="test"))
    # missing values (NaN) in any column
    with pytest.raises(ValueError, match="missing values in column 'item'"):
        fr.spc(HAND.assign(item=HAND["item"].where(HAND.index != 0)))
    with pytest.raises(ValueError, match="missing values in column 'list'"):
        fr.lag_crp(HAND.assign(list=HAND["list"].where(HAND.index != 3)))
    # a serial position beyond the list's length (the arrays are lists x positions: 10^9 would
    # ask for gigabytes)
    far = pd.DataFrame({"subject": [1, 1], "list": [1, 1], "position": [1, 10**9], "trial_type": ["study"] * 2,
                        "item": ["a", "b"]})
    with pytest.raises(ValueError, match="1..n"):
        fr.spc(far)


def write_events(path, runs):
    """A seqmem-like file: /runs/<id>/events with the event datasets of each table in `runs`."""
    with h5py.File(path, "w") as f:
        for run, df in runs.items():
            g = f.create_group(f"runs/{run}/events")
            for c in ["subject", "list", "position", "item"]:
                g[c] = df[c].to_numpy(np.int32)
            tt = g.create_dataset("trial_type", data=(df["trial_type"] == "recall").to_numpy(np.int8))
            tt.attrs["flag_values"] = np.array([0, 1], np.int8)
            tt.attrs["flag_meanings"] = "study recall"
        f.create_group("runs/r0002")  # a run without events


def test_read_events_and_to_csv(tmp_path):
    ints = events({(1, 1): ([11, 12, 13], [13, 11, 40]), (1, 2): ([14, 15, 16], [16]), (2, 1): ([3, 2, 1], [])})
    other = ints.assign(subject=ints["subject"] + 10)
    write_events(tmp_path / "one.h5", {"r0000": ints})
    got = fr.read_events(tmp_path / "one.h5")
    pd.testing.assert_frame_equal(got, ints.astype({c: np.int64 for c in ["subject", "list", "position", "item"]}))
    write_events(tmp_path / "two.h5", {"r0000": ints, "r0001": other})
    with pytest.raises(ValueError, match="2 runs"):
        fr.read_events(tmp_path / "two.h5")
    assert fr.read_events(tmp_path / "two.h5", run="r0001")["subject"].tolist() == other["subject"].tolist()
    with pytest.raises(KeyError):
        fr.read_events(tmp_path / "two.h5", run="r0002")
    assert fr.spc(got)["recall"].tolist() == [0.5, 0.0, 1.0, 0.0, 0.0, 0.0]
    fr.to_csv(got, tmp_path / "ev.csv")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "ev.csv"), got)


# --- PEERS (psifr's sample data) --------------------------------------------------------------

@pytest.fixture(scope="module")
def peers():
    path = os.environ.get("SEQMEM_PEERS_CSV")
    if not path:
        pytest.skip("SEQMEM_PEERS_CSV is not set: name psifr's sample file peers_free_recall.csv to run the PEERS checks")
    return pd.read_csv(path)


def loop_curves(df, max_lag, category):
    """SPC, PFR, lag-CRP (actual, possible), category-CRP counts and per-list counts per subject,
    by plain loops over lists, independently of seqmem.free_recall. `category`: item -> category."""
    out = {}
    for subject, sdf in df.groupby("subject"):
        lists = list(sdf.groupby("list"))
        L = int(sdf.loc[sdf.trial_type == "study", "position"].max())
        recalled, first = np.zeros(L + 1), np.zeros(L + 1)
        actual, possible = {}, {}
        cat_actual, cat_possible = {"same": 0, "other": 0}, {"same": 0, "other": 0}
        n_valid = n_intrusion = n_repeat = 0
        for _, ldf in lists:
            study = ldf[ldf.trial_type == "study"]
            pos = dict(zip(study["item"], study["position"]))
            recall = ldf[ldf.trial_type == "recall"].sort_values("position")["item"].tolist()
            if recall and recall[0] in pos:
                first[pos[recall[0]]] += 1
            said, prev, prev_item = set(), None, None  # the previous recall if it was valid: position, item
            for item in recall:
                if item not in pos:
                    n_intrusion += 1
                    prev = None
                    continue
                if item in said:
                    n_repeat += 1
                    prev = None
                    continue
                p = pos[item]
                if prev is not None:
                    actual[p - prev] = actual.get(p - prev, 0) + 1
                    cat_actual["same" if category[item] == category[prev_item] else "other"] += 1
                    for other, a in pos.items():
                        if other not in said:
                            possible[a - prev] = possible.get(a - prev, 0) + 1
                            cat_possible["same" if category[other] == category[prev_item] else "other"] += 1
                said.add(item)
                recalled[p] += 1
                n_valid += 1
                prev, prev_item = p, item
        n = len(lists)
        lags = [g for g in range(-max_lag, max_lag + 1) if g != 0]
        out[subject] = {
            "spc": recalled[1:] / n, "pfr": first[1:] / n,
            "actual": [actual.get(g, 0) for g in lags], "possible": [possible.get(g, 0) for g in lags],
            "lag_crp": [actual.get(g, 0) / possible[g] if possible.get(g, 0) else np.nan for g in lags],
            "rates": [n_valid / n, n_intrusion / n, n_repeat / n],
            "category": [cat_actual["same"], cat_actual["other"], cat_possible["same"], cat_possible["other"]]}
    return out


def test_peers_matches_a_plain_loop_implementation(peers):
    # a made-up category for the category CRP: the word's first letter
    category = {w: w[0] for w in peers["item"].unique()}
    ref = loop_curves(peers, max_lag=5, category=category)
    subjects = sorted(ref)
    spc, pfr = fr.spc(peers)["recall"], fr.pfr(peers)["prob"]
    crp, rates = fr.lag_crp(peers, max_lag=5), fr.intrusion_rate(peers)
    cat = fr.category_crp(peers, category)
    assert fr.spc(peers).index.get_level_values("subject").unique().tolist() == subjects
    for s in subjects:
        np.testing.assert_allclose(spc.loc[s], ref[s]["spc"], rtol=0, atol=1e-12, err_msg=f"spc {s}")
        np.testing.assert_allclose(pfr.loc[s], ref[s]["pfr"], rtol=0, atol=1e-12, err_msg=f"pfr {s}")
        assert crp.loc[s, "actual"].tolist() == ref[s]["actual"], s
        assert crp.loc[s, "possible"].tolist() == ref[s]["possible"], s
        np.testing.assert_allclose(crp.loc[s, "prob"], ref[s]["lag_crp"], rtol=0, atol=1e-12, err_msg=f"crp {s}")
        np.testing.assert_allclose(rates.loc[s], ref[s]["rates"], rtol=0, atol=1e-12, err_msg=f"rates {s}")
        assert cat.loc[s, "actual"].tolist() + cat.loc[s, "possible"].tolist() == ref[s]["category"], s
    s = fr.summary(peers, max_lag=5)
    for name in ["spc", "pfr", "lag_crp"]:
        per_subject = np.array([ref[k][name] for k in subjects], float)
        np.testing.assert_allclose(s[name], np.nanmean(per_subject, axis=0), rtol=0, atol=1e-12, err_msg=name)
        sem = np.nanstd(per_subject, axis=0, ddof=1) / np.sqrt(np.sum(~np.isnan(per_subject), axis=0))
        np.testing.assert_allclose(s[name + "_sem"], sem, rtol=0, atol=1e-12, err_msg=name)
    per_list = np.array([ref[k]["rates"] for k in subjects]).mean(axis=0)
    assert [s["recalls_per_list"], s["intrusions_per_list"], s["repeats_per_list"]] == pytest.approx(per_list, abs=1e-12)
    assert (s["subjects"], s["lists"]) == (126, 126 * 28)


def test_committed_human_summary_is_current(peers):
    committed = fr.human_summary()
    now = fr.summary_table(fr.summary(peers, max_lag=5))
    assert committed["curve"].tolist() == now["curve"].tolist()
    np.testing.assert_array_equal(committed["x"].to_numpy(float), now["x"].to_numpy(float, na_value=np.nan))
    for column in ["value", "sem"]:
        np.testing.assert_allclose(committed[column], now[column], rtol=0, atol=1e-9, err_msg=column)
    header = [line for line in Path(fr.HUMAN_SUMMARY).read_text().splitlines() if line.startswith("#")]
    assert any("PEERS" in line for line in header) and any("psifr" in line for line in header)


def test_peers_landmarks_of_human_free_recall(peers):
    s = fr.summary(peers, max_lag=5)
    spc, pfr, crp = s["spc"], s["pfr"], s["lag_crp"]
    assert len(spc) == len(pfr) == 16 and crp.index.tolist() == [-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]
    # recency in first recall: most lists start with the last item, then the first (primacy)
    assert pfr.idxmax() == 16 and pfr.loc[16] > 0.3
    assert pfr.loc[1] > pfr.loc[2:14].max()
    assert pfr.sum() <= 1.0
    # serial position curve: U-shaped
    assert spc.loc[16] > spc.loc[6:10].mean() + 0.2
    assert spc.loc[1] > spc.loc[6:10].mean() + 0.1
    assert 0.4 < spc.loc[6:10].mean() < 0.75
    # contiguity with a forward asymmetry (Kahana 1996)
    assert crp.loc[1] > crp.loc[-1] > crp.loc[2]
    assert crp.loc[1] > 2 * crp.loc[2] and crp.loc[-1] > 1.5 * crp.loc[-2]
    assert crp.loc[[-5, 5]].max() < crp.loc[[-1, 1]].min()
    assert 8 < s["recalls_per_list"] < 13 and s["intrusions_per_list"] < 1
