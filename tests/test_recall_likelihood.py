"""The likelihood of free recall under CMR (seqmem.likelihood.log_likelihood; docs/free_recall.md §7),
within lists and across a session's lists, as the field validates a fitting tool:
  - against simulation: lists of 5 simulated by `seqmem run` (kind = "free_recall"), the frequency
    of every exact recall sequence against exp(log-likelihood), a chi^2 test (Luce and softmax);
  - against an independent NumPy implementation of the same equations (bench/bench_cmr_likelihood.py)
    on simulated lists of 16 and on PEERS subjects when the sample is found (SEQMEM_PEERS_CSV, or
    shared/data/peers_free_recall.csv in the folder that holds the checkout, as on CI);
  - intrusions and repeats left out and counted as seqmem.free_recall.intrusion_rate counts them;
  - the across-list model sampled (seqmem.likelihood.sample_events): its prior-list intrusions fall
    with list lag, and the within-list model makes none;
  - the per-subject fit, as a function and as the command seqmem-fit --objective likelihood (HDF5
    read back with xarray, CSV, held-out lists, bad arguments).

Usage (from the repository root, as ctest does):
    .venv/bin/python tests/test_recall_likelihood.py /path/to/seqmem
"""

import math
import os
import subprocess
import sys
import tempfile
import unittest
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import unittest_main  # tests/unittest_main.py

seqmem = unittest_main.import_seqmem()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import bench_cmr_likelihood as reference  # noqa: E402

SEQMEM = None
PEERS = Path(os.environ.get("SEQMEM_PEERS_CSV", ROOT.parent / "shared" / "data" / "peers_free_recall.csv"))
PARAMS = {"beta_enc": 0.75, "beta_rec": 0.55, "beta_start": 0.2, "gamma_fc": 0.3, "phi_s": 3.0, "phi_d": 0.8,
          "tau": 2.5, "X_s": 0.08, "X_k": 0.35}


def simulate(L, lists, rule, out, pool=None, params=PARAMS):
    """Lists simulated by the command line: their event table."""
    text = (f"seed = 7\n[model]\nkind = \"free_recall\"\n[items]\nN_items = {pool or L}\n[lists]\nL = {L}\n"
            f"subjects = 1\nlists = {lists}\n[recall]\nrecall_rule = \"{rule}\"\n")
    sc = Path(out).with_suffix(".toml")
    sc.write_text(text)
    sets = [x for k, v in params.items() for x in ("--set", f"{k}={v}")]
    p = subprocess.run([SEQMEM, "run", str(sc), "-o", str(out), "-q", *sets], capture_output=True, text=True,
                       timeout=600)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return seqmem.free_recall.read_events(out)


def sequence_table(seqs, L):
    """An event table with one list per recall sequence (serial positions 0-based), items = positions."""
    rows = []
    for k, s in enumerate(seqs):
        rows += [(1, k + 1, j + 1, "study", j) for j in range(L)]
        rows += [(1, k + 1, o + 1, "recall", j) for o, j in enumerate(s)]
    return pd.DataFrame(rows, columns=["subject", "list", "position", "trial_type", "item"])


class RecallLikelihood(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_simulated_frequencies_match_the_likelihood(self):
        # 40 000 lists of 5: each exact sequence's count against 40 000 exp(log-likelihood), chi^2 over
        # the sequences expected 5 times or more and the rest lumped
        L, n = 5, 40000
        for rule in ("luce", "softmax"):
            with self.subTest(rule=rule):
                ev = simulate(L, n, rule, Path(self.tmp.name) / f"sim_{rule}.h5")
                m = seqmem.free_recall.merge(ev)
                counts = Counter()
                for _, g in m.groupby(["subject", "list"]):
                    counts[tuple(int(x) - 1 for x in g.sort_values("output")["input"])] += 1
                counts[()] += n - sum(counts.values())  # lists without any recall
                seqs = sorted(counts)
                ll = seqmem.likelihood.log_likelihood(sequence_table(seqs, L), PARAMS, rule=rule)
                expected = n * np.exp(ll["log_likelihood"].to_numpy())
                observed = np.array([counts[s] for s in seqs], float)
                big = expected >= 5
                obs, exp = observed[big], expected[big]
                if n - exp.sum() > 1e-6 * n:  # the rest, lumped
                    obs, exp = np.append(obs, n - obs.sum()), np.append(exp, n - exp.sum())
                exp *= obs.sum() / exp.sum()  # equal totals to rounding, as chisquare asks
                chi2, pvalue = stats.chisquare(obs, exp)
                print(f"{rule}: {len(seqs)} sequences seen, {int(big.sum())} bins, chi^2 = {chi2:.1f}, p = {pvalue:.3f}")
                self.assertGreater(pvalue, 0.001)
                self.assertLess(abs(expected.sum() - n) / n, 0.01)  # the sequences seen carry nearly all the mass

    def test_numpy_reference_on_simulated_lists(self):
        # softmax: items outside the list (support 1e-7, weight e^(tau 1e-7)) are recalled: intrusions
        ev = simulate(16, 60, "softmax", Path(self.tmp.name) / "sim16.h5", pool=40)
        for rule in ("luce", "softmax"):
            got = seqmem.likelihood.log_likelihood(ev, PARAMS, rule=rule)
            p = {**reference.DEFAULTS, **PARAMS}
            want = [reference.list_log_likelihood(r, L, p, softmax=rule == "softmax")
                    for L, r in reference.sequences(ev)]
            np.testing.assert_allclose(got["log_likelihood"].to_numpy(), want, rtol=0, atol=1e-10)
        # intrusions and repeats: the events intrusion_rate counts, per list
        rates = seqmem.free_recall.intrusion_rate(ev)
        self.assertEqual(int(got["intrusions"].sum()), round(float(rates["intrusions"].sum()) * 60))
        self.assertGreater(int(got["intrusions"].sum()), 0)
        self.assertEqual(int(got["recalls"].sum()), round(float(rates["recalls"].sum()) * 60))

    @unittest.skipUnless(PEERS.is_file(), "PEERS' sample not found (set SEQMEM_PEERS_CSV)")
    def test_numpy_reference_on_peers(self):
        df = pd.read_csv(PEERS)
        df = df[df["subject"].isin(sorted(df["subject"].unique())[:3])]
        # scenarios/free_recall_peers.toml's parameters (X_k = 0: a recall at any output position possible)
        peers = {"beta_enc": 0.879, "beta_rec": 0.579, "beta_start": 0.115, "phi_s": 8.93, "phi_d": 1.47,
                 "tau": 1.078, "X_s": 0.0499, "X_k": 0.0}
        p = {**reference.DEFAULTS, **peers}
        got = seqmem.likelihood.log_likelihood(df, peers, threads=2)
        want = [reference.list_log_likelihood(r, L, p) for L, r in reference.sequences(df)]
        np.testing.assert_allclose(got["log_likelihood"].to_numpy(), want, rtol=0, atol=1e-10)
        self.assertEqual(len(got), 3 * 28)
        self.assertTrue(np.isfinite(got["log_likelihood"]).all())

    def test_fit_per_subject(self):
        # two subjects of 28 lists of 16 simulated from known parameters, fitted (a short search): the fit
        # scores at least as well as the generating parameters, AIC and BIC by their formulas, and the
        # table does not depend on the number of worker processes
        from seqmem.fit_likelihood import fit_subjects

        true = {"beta_enc": 0.8, "beta_rec": 0.6, "beta_start": 0.2, "phi_s": 2.0, "phi_d": 1.0, "tau": 1.5,
                "X_s": 0.05, "X_k": 0.1}
        text = ("seed = 3\n[model]\nkind = \"free_recall\"\n[items]\nN_items = 16\n[lists]\nL = 16\nsubjects = 2\n"
                "lists = 28\n")
        sc = Path(self.tmp.name) / "subjects.toml"
        sc.write_text(text)
        out = Path(self.tmp.name) / "subjects.h5"
        sets = [x for k, v in true.items() for x in ("--set", f"{k}={v}")]
        p = subprocess.run([SEQMEM, "run", str(sc), "-o", str(out), "-q", *sets], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        ev = seqmem.free_recall.read_events(out)
        one, lists = fit_subjects(ev, processes=1, popsize=8, maxiter=60)
        two, _ = fit_subjects(ev, processes=2, popsize=8, maxiter=60)
        pd.testing.assert_frame_equal(one, two)
        at_true = seqmem.likelihood.log_likelihood(ev, true).groupby(level="subject")["log_likelihood"].sum()
        for s, row in one.iterrows():
            with self.subTest(subject=s):
                self.assertGreaterEqual(row["log_likelihood"], at_true[s] - 1e-9)
                self.assertEqual(row["n_lists"], 28)
                self.assertAlmostEqual(row["AIC"], 16 - 2 * row["log_likelihood"], places=9)
                self.assertAlmostEqual(row["BIC"], 8 * math.log(row["n_recalls"] + 28) - 2 * row["log_likelihood"],
                                       places=9)
        self.assertEqual(len(lists), 56)
        # a search that starts at the generating parameters (x0) ends at least as high, however short
        short, _ = fit_subjects(ev, processes=1, popsize=3, maxiter=1, start=true)
        for s, row in short.iterrows():
            self.assertGreaterEqual(row["log_likelihood"], at_true[s] - 1e-9)

    def test_numpy_reference_across_lists(self):
        # the across-list model on sampled sessions with PLIs and ELIs (every mechanism on), and on PEERS
        # when found, against the reference's own reading of the table and its own equations
        params = {**PARAMS, "beta_enc": 0.4, "tau": 1.0, "beta_list": 0.3, "p_eli": 0.1, "salience_decay_time": 20.0}
        ev = seqmem.likelihood.sample_events(params, model="across", subjects=2, sessions=2, lists=4, length=8, seed=5)
        src = seqmem.free_recall.recall_sources(ev)
        self.assertGreater(int((src["lag"] > 0).sum()), 5)
        self.assertGreater(int((src["lag"] < 0).sum()), 5)
        tables = [ev]
        if PEERS.is_file():
            df = pd.read_csv(PEERS)
            tables.append(df[df["subject"].isin(sorted(df["subject"].unique())[:3])])
        p = {**reference.DEFAULTS, **params}
        for table in tables:
            for rule in ("luce", "softmax"):
                got = seqmem.likelihood.log_likelihood(table, params, rule=rule, model="across", threads=2)
                want = [x for s in reference.sessions(table)
                        for x in reference.session_log_likelihood(s, p, softmax=rule == "softmax", across=True)]
                np.testing.assert_allclose(got["log_likelihood"].to_numpy(), want, rtol=0, atol=1e-10)
                self.assertEqual(int(got["left_out"].sum()), 0)  # p_eli > 0: every intrusion scored

    def test_sampled_prior_list_intrusions(self):
        # across lists with a slow drift (within and between lists): PLIs from lag 1 outnumber those from
        # lag 3 per list (recency); within lists there are none
        params = {**PARAMS, "beta_enc": 0.4, "tau": 1.0, "beta_list": 0.2, "p_eli": 0.0}
        ev = seqmem.likelihood.sample_events(params, model="across", subjects=20, sessions=1, lists=4, length=12,
                                             seed=2, threads=2)
        rec = seqmem.free_recall.pli_recency(ev).groupby(level="lag")[["plis", "lists"]].sum()
        print(f"sampled PLIs by lag: {rec['plis'].tolist()} over {rec['lists'].tolist()} lists")
        self.assertGreater(rec.loc[1, "plis"] / rec.loc[1, "lists"], 2 * rec.loc[3, "plis"] / rec.loc[3, "lists"])
        within = seqmem.likelihood.sample_events(params, model="within", subjects=5, lists=4, length=12, seed=2)
        self.assertEqual(int(seqmem.free_recall.recall_sources(within)["intrusion"].sum()), 0)
        # the table's item names give each event's source: recall_sources reads it back
        src = seqmem.free_recall.recall_sources(ev)
        studied = src[src["lag"] >= 0]
        source_list = studied["item"].str.extract(r"l(\d+)p")[0].astype(int)
        np.testing.assert_array_equal(studied["list"] - studied["lag"], source_list)
        # the same seed gives the same table for any thread count
        again = seqmem.likelihood.sample_events(params, model="across", subjects=20, sessions=1, lists=4,
                                                length=12, seed=2, threads=1)
        pd.testing.assert_frame_equal(ev, again)

    def test_fit_command(self):
        # seqmem-fit --objective likelihood: HDF5 (read with xarray) and CSV agree, held-out columns,
        # the across model's extra parameters, and its refusals (exit 2, nothing written)
        import xarray as xr

        ev = seqmem.likelihood.sample_events({**PARAMS, "beta_enc": 0.4, "beta_list": 0.4, "p_eli": 0.02}, model="across",
                                             subjects=2, sessions=2, lists=4, length=10, seed=9)
        data = Path(self.tmp.name) / "events.csv"
        ev.to_csv(data, index=False)
        out = Path(self.tmp.name) / "fits"

        env = {**os.environ, "PYTHONPATH": unittest_main.package_path()}

        def fit(*args, output=out):
            return subprocess.run([sys.executable, "-m", "seqmem.fit", str(data), "--objective", "likelihood",
                                   "-o", str(output), *args], capture_output=True, text=True, timeout=600, env=env)

        p = fit("--model", "across", "--quick", "--holdout", "odd", "--processes", "2", "--restarts", "2")
        self.assertEqual(p.returncode, 0, p.stderr)
        ds = xr.open_dataset(f"{out}.h5", engine="h5netcdf")
        table = pd.read_csv(f"{out}.csv")
        lists = pd.read_csv(f"{out}_lists.csv")
        self.assertEqual(ds.sizes["subject"], 2)
        self.assertEqual(ds.sizes["list_index"], 16)
        for c in ("beta_list", "p_eli", "log_likelihood", "held_out_log_likelihood", "AIC", "restarts_agreeing"):
            np.testing.assert_allclose(ds[c].values, table[c].to_numpy(), rtol=1e-15)
        self.assertEqual(ds.attrs["model"], "across")
        self.assertTrue((table["restarts"] == 2).all() and (table["restarts_agreeing"] >= 1).all())
        # the held-out sum is the sum of the held-out lists' log-likelihoods, each list scored once
        for s, row in table.set_index("subject").iterrows():
            mine = lists[lists["subject"] == s]
            self.assertAlmostEqual(row["held_out_log_likelihood"],
                                   mine.loc[mine["held_out"], "log_likelihood"].sum(), places=9)
            self.assertAlmostEqual(row["log_likelihood"], mine.loc[~mine["held_out"], "log_likelihood"].sum(),
                                   places=9)
            self.assertEqual(row["k"], 10)
        ds.close()
        # pooled: one parameter set over both subjects' lists (beta_list fixed: 9 free parameters)
        q = fit("--quick", "--pooled", "--model", "across", "--set", "beta_list=0.4",
                output=Path(self.tmp.name) / "pooled")
        self.assertEqual(q.returncode, 0, q.stderr)
        pooled = pd.read_csv(Path(self.tmp.name) / "pooled.csv")
        self.assertEqual(pooled["subject"].tolist(), ["pooled"])
        self.assertEqual(int(pooled["n_lists"].iloc[0]), 16)
        self.assertEqual(int(pooled["k"].iloc[0]), 9)
        again = fit("--quick")
        self.assertEqual(again.returncode, 2)
        self.assertIn("exists; replace it with --overwrite", again.stderr)
        for args, message in ((["--subject", "99"], "--subject 99: no such subject"),
                              (["--free", "tua=1:2"], "free parameter 'tua'"),
                              (["--restarts", "0"], "--restarts 0: must be >= 1"),
                              (["--processes", "0"], "processes must be >= 1"),
                              (["--set", "tau=-1"], "fixed parameter 'tau' = -1: cmr_log_likelihood: tau > 0"),
                              (["--set", "tau=abc"], "fixed parameter 'tau' = 'abc': not a number"),
                              (["--set", "beta_ecn=0.5"], "fixed parameter 'beta_ecn' = 0.5: params['beta_ecn']"),
                              (["--free", "beta_enc=0.5:2"], "free parameter 'beta_enc' at its bound 2.0")):
            q = fit(*args, output=Path(self.tmp.name) / "none")
            self.assertEqual(q.returncode, 2, q.stderr)
            self.assertIn(message, q.stderr)
            self.assertFalse(list(Path(self.tmp.name).glob("none*")))
        # a table with a fractional position, and an empty one: refused with the file's name
        frac = Path(self.tmp.name) / "frac.csv"
        ev.assign(position=ev["position"].astype(float).where(ev.index != 3, 2.5)).to_csv(frac, index=False)
        empty = Path(self.tmp.name) / "empty.csv"
        empty.write_text(",".join(ev.columns) + "\n")
        for table, message in ((frac, "frac.csv: column 'position' must hold whole numbers"),
                               (empty, "empty.csv: the event table has no events")):
            q = subprocess.run([sys.executable, "-m", "seqmem.fit", str(table), "--objective", "likelihood", "-o",
                                str(Path(self.tmp.name) / "none")], capture_output=True, text=True, env=env)
            self.assertEqual(q.returncode, 2, q.stderr)
            self.assertIn(message, q.stderr)
            self.assertFalse(list(Path(self.tmp.name).glob("none*")))
        # the summary objective refuses the likelihood's options
        q = subprocess.run([sys.executable, "-m", "seqmem.fit", str(data), "--model", "across", "-o",
                            str(Path(self.tmp.name) / "none.toml")], capture_output=True, text=True, env=env)
        self.assertEqual(q.returncode, 2, q.stderr)
        self.assertIn("--model: only with --objective likelihood", q.stderr)

    def test_fit_stops_on_ctrl_c(self):
        # SIGINT to the command (worker processes running): exit 130 within seconds, no file, no worker left
        import signal
        import time

        ev = seqmem.likelihood.sample_events({**PARAMS, "beta_enc": 0.4, "beta_list": 0.4}, model="across",
                                             subjects=12, sessions=2, lists=4, length=12, seed=3)
        data = Path(self.tmp.name) / "sampled_events.csv"
        ev.to_csv(data, index=False)
        out = Path(self.tmp.name) / "ctrlc"
        p = subprocess.Popen([sys.executable, "-m", "seqmem.fit", str(data), "--objective", "likelihood", "--model",
                              "across", "--processes", "2", "-o", str(out)], stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": unittest_main.package_path()}, start_new_session=True)
        time.sleep(3)
        self.assertIsNone(p.poll(), "the fit ended before the signal: make it longer")
        t0 = time.monotonic()
        os.killpg(p.pid, signal.SIGINT)
        err = p.communicate(timeout=60)[1]
        self.assertEqual(p.returncode, 130, err)
        self.assertLess(time.monotonic() - t0, 30)
        self.assertIn("seqmem-fit: interrupted; nothing written", err)
        self.assertNotIn("Traceback", err)
        self.assertFalse(list(Path(self.tmp.name).glob("ctrlc*")))

    def test_bad_input(self):
        ev = sequence_table([(0, 1)], 3)
        with self.assertRaisesRegex(ValueError, "params\\['tua'\\]"):
            seqmem.likelihood.log_likelihood(ev, {"tua": 1.0})
        with self.assertRaisesRegex(ValueError, "beta"):
            seqmem.likelihood.log_likelihood(ev, {"beta_rec": 1.5})
        with self.assertRaisesRegex(ValueError, "rule"):
            seqmem.likelihood.log_likelihood(ev, rule="boltzmann")
        with self.assertRaisesRegex(ValueError, "model"):
            seqmem.likelihood.log_likelihood(ev, model="cmr2")
        with self.assertRaisesRegex(ValueError, "p_eli"):
            seqmem.likelihood.log_likelihood(ev, {"p_eli": 1.0})
        with self.assertRaisesRegex(ValueError, "session"):
            seqmem.likelihood.log_likelihood(ev.assign(session=ev["position"]), model="across")


if __name__ == "__main__":
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(RecallLikelihood)
