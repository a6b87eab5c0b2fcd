"""An independent NumPy implementation of seqmem's free-recall model (kind = "free_recall"): the
peer of tests/test_free_recall_peer.py and bench/bench_free_recall.py.

It is written from the model's equations (CMR: Polyn, Norman & Kahana 2009; TCM: Howard & Kahana
2002), the way a researcher writes CMR in NumPy: linear algebra vectorised within a step, a Python
loop over lists, study positions, outputs and accumulator steps. It shares no code with seqmem's
C++ and draws from NumPy's own generator, so it agrees with seqmem statistically, not draw by draw.
What it covers: discrete drift, orthonormal items (optionally in categories), the choice rules
luce and softmax with the stop rule, and the leaky competing accumulator.

The model, for one list of L items drawn without repeats from a pool of N_items:

  items      f_i = e_i, or with categories f_i = sqrt(1 - s) e_i + sqrt(s) e_{N_items + cat(i)},
             cat(i) = floor(i * categories / N_items); N_f = N_items + categories
  context    c in R^{N_f + 1} (item features and a start-of-list unit), c = e_start at the start
  drift      c <- rho c + beta c_in,  rho = sqrt(1 + beta^2 ((c . c_in)^2 - 1)) - beta (c . c_in)
  study      for j = 1..L: c_in = [f_j; 0] at beta_enc, then c_j = c is stored, with the primacy
             gain P_j = phi_s exp(-phi_d (j - 1)) + 1
  test       c drifts to e_start at beta_start (when > 0); salience s_j = exp(-(L - j + 1 +
             retention_interval) / salience_decay_time) for the 1-based position j (1 without
             decay)
  support    a = F^T c_feat + phi sum_j P_j s_j (c_j . c) e_{item j}, floored at 1e-7; recalled
             items 0
  luce       before output o = 0, 1, ...: stop with probability min(1, X_s exp(X_k o)); else
             choose item i with probability a_i^tau / sum (softmax: exp(tau a_i) / sum); at most
             one recall of each pool item; recall ends when all L studied items are recalled
  accumulator  competitions one after another from t = 0 until t = recall_period: x = 0, then
             Euler-Maruyama steps h = (T - t) / ceil((T - t) / dt) of
             dx = (a - kappa x - lambda (sum(x) - x)) dt + eta dW, after each step x = max(x, 0)
             and recalled items at 0; the first step at which some x_i >= threshold recalls the
             item with the largest x; the next competition starts at that time; no crossing by
             T ends recall
  reinstate  a recalled item i drifts c at beta_rec towards [f_i; 0], or for a studied item with
             gamma_fc > 0 towards ((1 - gamma_fc) [f_i; 0] + gamma_fc c_j) normalised

Parameters carry seqmem's key names (DEFAULTS; dt is the accumulator's step). The peer is the
simulation; its curves come from seqmem.free_recall (the analyses every table gets, seqmem's runs
included) on a psifr-style event table, so the comparison is of the two simulators.

Usage: .venv/bin/python bench/free_recall_numpy.py [--lists N] [--seed S] [--set key=value ...] [--toml]
(prints the curves; --toml prints seqmem's scenario for the same parameters instead)
"""

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent

from seqmem import free_recall as fr  # noqa: E402

# seqmem's keys (and defaults) of a free-recall scenario that this peer implements.
DEFAULTS = {
    "N_items": 64, "categories": 0, "category_similarity": 0.0,
    "L": 16,
    "beta_enc": 0.7, "beta_rec": 0.5, "beta_start": 0.0, "gamma_fc": 0.0, "phi": 1.0, "phi_s": 0.0, "phi_d": 0.0,
    "salience_decay_time": 0.0, "retention_interval": 0.0,
    "recall_rule": "luce", "tau": 1.0, "X_s": 0.01, "X_k": 0.3,
    "kappa": 0.1, "lambda": 0.1, "eta": 0.1, "accumulator_threshold": 1.0, "recall_period": 90.0, "dt": 0.01,
}
# The scenario section of each key (dt: [integrator]).
SECTIONS = {
    "items": ["N_items", "categories", "category_similarity"],
    "lists": ["L", "subjects", "lists"],
    "context": ["beta_enc", "beta_rec", "beta_start", "gamma_fc", "phi", "phi_s", "phi_d", "salience_decay_time",
                "retention_interval"],
    "recall": ["recall_rule", "tau", "X_s", "X_k", "kappa", "lambda", "eta", "accumulator_threshold",
               "recall_period"],
    "integrator": ["dt"],
}
MIN_SUPPORT = 1e-7


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float):
        return repr(v)
    return str(v)


def scenario_toml(params, lists, seed=1):
    """seqmem's scenario for these parameters: the keys given in `params` (seqmem's defaults, which
    DEFAULTS repeat, for the rest), one subject with `lists` lists."""
    unknown = set(params) - set(DEFAULTS)
    if unknown:
        raise KeyError(f"unknown parameter(s) {sorted(unknown)}")
    values = {**params, "subjects": 1, "lists": lists}
    lines = [f"seed = {seed}", "[model]", 'kind = "free_recall"']
    for section, keys in SECTIONS.items():
        given = [k for k in keys if k in values]
        if given:
            lines.append(f"[{section}]")
            lines += [f"{k} = {_toml_value(values[k])}" for k in given]
    return "\n".join(lines) + "\n"


def word_pool(N_items, categories=0, s=0.0):
    """F (N_f x N_items, unit columns) of orthonormal items, and each item's category (or None)."""
    if categories == 0:
        return np.eye(N_items), None
    category = np.arange(N_items) * categories // N_items
    F = np.zeros((N_items + categories, N_items))
    F[np.arange(N_items), np.arange(N_items)] = math.sqrt(1.0 - s)
    F[N_items + category, np.arange(N_items)] = math.sqrt(s)
    return F, category


def drift(c, c_in, beta):
    """CMR's context update (Polyn et al. 2009 Eq. 2-3) for unit c and c_in."""
    dot = c @ c_in
    rho = math.sqrt(1.0 + beta * beta * (dot * dot - 1.0)) - beta * dot
    return rho * c + beta * c_in


class CMR:
    """The model with parameters `params` (seqmem's keys, DEFAULTS for the rest)."""

    def __init__(self, **params):
        unknown = set(params) - set(DEFAULTS)
        if unknown:
            raise KeyError(f"unknown parameter(s) {sorted(unknown)}")
        self.p = p = {**DEFAULTS, **params}
        if p["recall_rule"] not in ("luce", "softmax", "accumulator"):
            raise ValueError(f"recall_rule {p['recall_rule']!r}: this peer has luce, softmax and accumulator")
        self.F, self.category = word_pool(p["N_items"], p["categories"], p["category_similarity"])
        N_f = self.F.shape[0]
        self.Fc = np.vstack([self.F, np.zeros((1, p["N_items"]))])  # [f_i; 0]: the item's input to context
        self.start = np.zeros(N_f + 1)
        self.start[-1] = 1.0
        L = p["L"]
        j = np.arange(L)
        primacy = p["phi_s"] * np.exp(-p["phi_d"] * j) + 1.0
        salience = (np.exp(-(L - j + p["retention_interval"]) / p["salience_decay_time"])
                    if p["salience_decay_time"] > 0 else np.ones(L))
        self.weight = p["phi"] * primacy * salience  # of the context match c_j . c in the support

    def simulate(self, lists, seed=0):
        """`lists` lists: (study, recalls), study an (lists, L) int array of pool items (0-based),
        recalls a list of int arrays (the recalled pool items in output order)."""
        rng = np.random.default_rng(seed)
        study = np.empty((lists, self.p["L"]), np.int64)
        recalls = []
        for g in range(lists):
            study[g], r = self.one_list(rng)
            recalls.append(r)
        return study, recalls

    def one_list(self, rng):
        p, Fc = self.p, self.Fc
        N, L = p["N_items"], p["L"]
        items = rng.choice(N, L, replace=False)
        # study
        c = self.start.copy()
        C = np.empty((c.size, L))
        for j in range(L):
            c = drift(c, Fc[:, items[j]], p["beta_enc"])
            C[:, j] = c
        if p["beta_start"] > 0:
            c = drift(c, self.start, p["beta_start"])
        position = np.full(N, -1)
        position[items] = np.arange(L)
        recalled = np.zeros(N, bool)
        out = []

        def support(c):
            a = self.F.T @ c[:-1]
            a[items] += self.weight * (C.T @ c)
            a = np.maximum(a, MIN_SUPPORT)
            a[recalled] = 0.0
            return a

        def reinstate(c, i):
            c_in = Fc[:, i]
            j = position[i]
            if j >= 0 and p["gamma_fc"] > 0:
                c_in = (1.0 - p["gamma_fc"]) * c_in + p["gamma_fc"] * C[:, j]
                c_in = c_in / np.linalg.norm(c_in)
            return drift(c, c_in, p["beta_rec"])

        if p["recall_rule"] == "accumulator":
            T, dt = p["recall_period"], p["dt"]
            kappa, lam, eta, theta = p["kappa"], p["lambda"], p["eta"], p["accumulator_threshold"]
            t = 0.0
            while t < T and len(out) < N:
                a = support(c)
                K = max(1, math.ceil((T - t) / dt * (1.0 - 1e-9)))
                h = (T - t) / K
                noise = eta * math.sqrt(h)
                x = np.zeros(N)
                winner = -1
                for k in range(K):
                    x += h * (a - kappa * x - lam * (x.sum() - x)) + noise * rng.standard_normal(N)
                    x[x < 0] = 0.0
                    x[recalled] = 0.0
                    if x.max() >= theta:
                        winner = int(np.argmax(x))
                        t = T if k + 1 == K else t + (k + 1) * h
                        break
                if winner < 0:
                    break
                out.append(winner)
                recalled[winner] = True
                c = reinstate(c, winner)
            return items, np.array(out, np.int64)

        softmax = p["recall_rule"] == "softmax"
        tau = p["tau"]
        correct = 0
        for o in range(N):
            if correct == L or rng.random() < min(1.0, p["X_s"] * math.exp(p["X_k"] * o)):
                break
            a = support(c)
            if softmax:
                w = np.exp(tau * (a - a[~recalled].max()))
                w[recalled] = 0.0
            else:
                w = a ** tau
            cw = np.cumsum(w)
            i = min(int(np.searchsorted(cw, rng.random() * cw[-1], side="right")), N - 1)
            out.append(i)
            recalled[i] = True
            correct += position[i] >= 0
            c = reinstate(c, i)
        return items, np.array(out, np.int64)

    def run(self, lists, seed=0):
        """simulate(lists, seed) and its curves (curves())."""
        study, recalls = self.simulate(lists, seed)
        return curves(study, recalls, self.category)


def events(study, recalls):
    """psifr's event table (subject 1, lists 1.., 1-based positions and pool items)."""
    n, L = study.shape
    count = np.array([len(r) for r in recalls], np.int64)
    flat = np.concatenate(recalls) if count.sum() else np.zeros(0, np.int64)
    study_rows = pd.DataFrame({"subject": 1, "list": np.repeat(np.arange(1, n + 1), L),
                               "position": np.tile(np.arange(1, L + 1), n), "trial_type": "study",
                               "item": study.ravel() + 1})
    starts = np.cumsum(count) - count
    recall_rows = pd.DataFrame({"subject": 1, "list": np.repeat(np.arange(1, n + 1), count),
                                "position": np.arange(flat.size) - np.repeat(starts, count) + 1,
                                "trial_type": "recall", "item": flat + 1})
    return pd.concat([study_rows, recall_rows], ignore_index=True)


def curves(study, recalls, category=None):
    """analyse() of the lists' event table."""
    return analyse(events(study, recalls), study.shape[1], category)


def analyse(df, L, category=None):
    """The analyses of seqmem.free_recall on an event table of one subject with lists of L items
    (the peer's, or seqmem's from seqmem.free_recall.read_events): a dict of

    lists, spc, pfr (L,); lag (-(L-1)..L-1), lag_actual, lag_possible (2L - 1; lag 0: 0);
    recalls and intrusions (correct recalls and intrusions of each list), recalls_per_list and
    intrusions_per_list (their means); with `category` (per pool item, 0-based) also
    category_actual and category_possible ([same, other])."""
    lag = np.arange(1 - L, L)
    crp = fr.lag_crp(df).loc[1].reindex(lag, fill_value=0)
    merged = fr.merge(df)
    n = int(df.loc[df["trial_type"] == "study", "list"].nunique())
    lists = merged["list"].to_numpy() - 1
    valid = (~merged["intrusion"] & ~merged["repeat"]).to_numpy()
    recalls = np.bincount(lists[valid], minlength=n)
    intrusions = np.bincount(lists[merged["intrusion"].to_numpy()], minlength=n)
    out = {
        "lists": n,
        "spc": fr.spc(df)["recall"].to_numpy(),
        "pfr": fr.pfr(df)["prob"].to_numpy(),
        "lag": lag,
        "lag_actual": crp["actual"].to_numpy(np.int64),
        "lag_possible": crp["possible"].to_numpy(np.int64),
        "recalls": recalls,
        "intrusions": intrusions,
        "recalls_per_list": float(recalls.mean()),
        "intrusions_per_list": float(intrusions.mean()),
    }
    if category is not None:
        category = np.asarray(category)
        cc = fr.category_crp(df, pd.Series(category, index=np.arange(1, category.size + 1))).loc[1]
        out["category_actual"] = cc.loc[["same", "other"], "actual"].to_numpy(np.int64)
        out["category_possible"] = cc.loc[["same", "other"], "possible"].to_numpy(np.int64)
    return out


def z_proportions(k1, n1, k2, n2):
    """(k1/n1 - k2/n2) / its standard error under one common proportion (pooled): a two-sample z;
    0 where both samples are all 0 or all 1."""
    k1, n1, k2, n2 = (np.asarray(v, float) for v in (k1, n1, k2, n2))
    pooled = (k1 + k2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    diff = k1 / n1 - k2 / n2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(se > 0, diff / se, np.where(diff == 0, 0.0, np.inf))


def z_means(x1, x2):
    """Difference of two sample means over its standard error (pooled variance)."""
    var = np.var(np.concatenate([x1, x2]), ddof=1)
    se = np.sqrt(var * (1 / len(x1) + 1 / len(x2)))
    diff = np.mean(x1) - np.mean(x2)
    return 0.0 if se == 0 and diff == 0 else diff / se


def comparison(ours, theirs, lags=3):
    """{point: z} for every compared point of two analyse() dicts of independent samples: SPC and
    PFR at each serial position (binomial over lists), the lag-CRP at lags -lags..lags (actual out
    of possible), recalls per list (mean), and when both have categories intrusions per list and
    the category CRP (same, other)."""
    n1, n2 = ours["lists"], theirs["lists"]
    L = len(ours["spc"])
    z = {}
    for curve in ("spc", "pfr"):
        zs = z_proportions(np.rint(ours[curve] * n1), n1, np.rint(theirs[curve] * n2), n2)
        z.update({f"{curve}[{p + 1}]": float(v) for p, v in enumerate(zs)})
    for lag in range(-lags, lags + 1):
        i = lag + L - 1
        if lag != 0 and ours["lag_possible"][i] > 0 and theirs["lag_possible"][i] > 0:
            z[f"crp[{lag:+d}]"] = float(z_proportions(ours["lag_actual"][i], ours["lag_possible"][i],
                                                      theirs["lag_actual"][i], theirs["lag_possible"][i]))
    z["recalls_per_list"] = float(z_means(ours["recalls"], theirs["recalls"]))
    if "category_actual" in ours and "category_actual" in theirs:
        z["intrusions_per_list"] = float(z_means(ours["intrusions"], theirs["intrusions"]))
        for k, which in enumerate(("same", "other")):
            z[f"category_crp[{which}]"] = float(z_proportions(ours["category_actual"][k], ours["category_possible"][k],
                                                              theirs["category_actual"][k],
                                                              theirs["category_possible"][k]))
    return z


def read_seqmem(path, params):
    """seqmem's curves of the free-recall run in the file `path` (its only run), in analyse()'s
    layout: SPC, PFR and the lag-CRP counts as seqmem's C++ computed them (the file's datasets),
    per-list counts and category counts from analyse() of the file's events. Also "attrs" (the
    run's attributes), "file" (its datasets) and "events" (analyse() of its events, whole)."""
    import h5py
    with h5py.File(path, "r") as f:
        (run,) = f["runs"].values()
        attrs = dict(run.attrs)
        datasets = {k: run[k][()] for k in ("spc", "pfr", "lag", "lag_crp_actual", "lag_crp_possible",
                                             "item_category")}
    from_events = analyse(fr.read_events(path), int(attrs["L"]), CMR(**params).category)
    out = dict(from_events)
    out.update(spc=datasets["spc"], pfr=datasets["pfr"], lag_actual=datasets["lag_crp_actual"],
               lag_possible=datasets["lag_crp_possible"], attrs=attrs, file=datasets, events=from_events)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lists", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--toml", action="store_true", help="print seqmem's scenario for these parameters and exit")
    args = ap.parse_args()
    params = {}
    for kv in args.set:
        k, v = kv.split("=", 1)
        params[k] = type(DEFAULTS[k])(v) if k in DEFAULTS else v
    if args.toml:
        print(scenario_toml(params, args.lists, args.seed), end="")
        return
    c = CMR(**params).run(args.lists, args.seed)
    np.set_printoptions(precision=3, suppress=True, linewidth=120)
    print(f"{c['lists']} lists: recalls per list {c['recalls_per_list']:.3f}, "
          f"intrusions {c['intrusions_per_list']:.3f}")
    print("spc", c["spc"])
    print("pfr", c["pfr"])
    with np.errstate(invalid="ignore"):
        print("lag-CRP -5..5", (c["lag_actual"] / c["lag_possible"])[len(c["spc"]) - 6:len(c["spc"]) + 5])


if __name__ == "__main__":
    main()
