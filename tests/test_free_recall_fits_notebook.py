"""Executes analysis/free_recall_fits.ipynb (the per-subject likelihood fits of CMR to PEERS: model
comparison with held-out lists, and the fitted subjects run forwards) headless, and checks it
against independent computations:
  - the comparison numbers against pandas sums over the shipped per-subject table
    (analysis/data/peers_likelihood_fits.csv) and the table of docs/free_recall.md §7d;
  - the RMSEs against the shipped curves (analysis/data/peers_fitted_curves.csv);
  - with PEERS' sample present (SEQMEM_PEERS_CSV, or shared/data beside the checkout, as on CI): the
    shipped held-out log-likelihoods of three subjects rescored from the raw data by the independent
    NumPy implementation (bench/bench_cmr_likelihood.py), and the shipped human curves recomputed.

Usage (from the repository root, as ctest does):
    .venv/bin/python tests/test_free_recall_fits_notebook.py /path/to/seqmem
"""

import math
import os
import re
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import pandas as pd

from notebook_runner import ANALYSIS, ROOT, analysis_listing, check_png, execute_notebook  # tests/notebook_runner.py
import unittest_main  # noqa: E402  (tests/unittest_main.py)

sys.path.insert(0, str(ROOT / "bench"))
import bench_cmr_likelihood as reference  # noqa: E402

NOTEBOOK = ANALYSIS / "free_recall_fits.ipynb"
DATA = ANALYSIS / "data"
PEERS = Path(os.environ.get("SEQMEM_PEERS_CSV", ROOT.parent / "shared" / "data" / "peers_free_recall.csv"))
PARAMS = ["beta_enc", "beta_rec", "beta_start", "beta_list", "gamma_fc", "phi_s", "phi_d", "tau", "X_s", "X_k",
          "p_eli"]


class FreeRecallFits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_fitsnb_")
        tmp = Path(cls.tmp.name)
        cls.before = analysis_listing()
        cls.summary = execute_notebook(NOTEBOOK, tmp / "unused.h5", tmp, extra_env={"SEQMEM_FIGDIR": str(tmp)})
        cls.after = analysis_listing()
        cls.rows = pd.read_csv(DATA / "peers_likelihood_fits.csv")
        cls.curves = pd.read_csv(DATA / "peers_fitted_curves.csv")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_comparison_equals_pandas_sums(self):
        r = self.rows
        self.assertEqual(self.summary["subjects"], r["subject"].nunique())
        for v, g in r.groupby("variant"):
            with self.subTest(variant=v):
                per_event = g["held_out_log_likelihood"].sum() / (g["held_out_recalls"] + g["held_out_lists"]).sum()
                self.assertAlmostEqual(self.summary["held_out_per_event"][v], per_event, places=12)
        best = r.loc[r.groupby("subject")["held_out_log_likelihood"].idxmax(), "variant"].value_counts()
        for v in r["variant"].unique():
            self.assertEqual(self.summary["subjects_won"][v], int(best.get(v, 0)))
        self.assertEqual(sum(self.summary["subjects_won"].values()), r["subject"].nunique())

    def test_docs_table_is_the_shipped_one(self):
        # docs/free_recall.md §7d's rows "| variant | k | AIC | BIC | per event | won | converged |"
        text = (ROOT / "docs" / "free_recall.md").read_text()
        found = 0
        for v in self.rows["variant"].unique():
            m = re.search(rf"^\| {re.escape(v)} \| (\d+) \| ([0-9 .]+) \| ([0-9 .]+) \| (−?[0-9.]+) \| (\d+) \|", text,
                          re.M)
            if m is None:
                continue
            found += 1
            g = self.rows[self.rows["variant"] == v]
            with self.subTest(variant=v):
                self.assertAlmostEqual(float(m.group(2).replace(" ", "")), g["AIC"].sum(), delta=0.06)
                self.assertAlmostEqual(float(m.group(3).replace(" ", "")), g["BIC"].sum(), delta=0.06)
                self.assertAlmostEqual(float(m.group(4).replace("−", "-")), self.summary["held_out_per_event"][v],
                                       delta=6e-5)
                self.assertEqual(int(m.group(5)), self.summary["subjects_won"][v])
        self.assertEqual(found, self.rows["variant"].nunique())

    def test_rmse_equals_the_shipped_curves(self):
        for c in ("spc", "pfr", "lag_crp", "pli_by_lag"):
            t = self.curves[self.curves["curve"] == c]
            if c == "lag_crp":
                t = t[t["x"].astype(float) != 0]
            for col in ("fitted", "summary_fit"):
                with self.subTest(curve=c, fit=col):
                    want = math.sqrt(float(np.nanmean((t[col] - t["human"]) ** 2)))
                    self.assertAlmostEqual(self.summary["rmse"][c][col], want, places=12)

    @unittest.skipUnless(PEERS.is_file(), "PEERS' sample not found (set SEQMEM_PEERS_CSV)")
    def test_shipped_fits_rescored_from_the_raw_data(self):
        # the held-out log-likelihood of three subjects' odd lists at their shipped parameters, by the
        # NumPy reference (its own reading of the table), within lists and across
        df = pd.read_csv(PEERS)
        for variant, across in (("within", False), ("across", True)):
            g = self.rows[self.rows["variant"] == variant].set_index("subject")
            for subject in sorted(g.index)[:3]:
                with self.subTest(variant=variant, subject=subject):
                    row = g.loc[subject]
                    p = {**reference.DEFAULTS, **{k: float(row[k]) for k in PARAMS if k in row and pd.notna(row[k])}}
                    sessions = reference.sessions(df[df["subject"] == subject])
                    ll = [x for s in sessions for x in reference.session_log_likelihood(s, p, across=across)]
                    self.assertAlmostEqual(sum(ll[0::2]), row["held_out_log_likelihood"], delta=1e-8)
                    self.assertAlmostEqual(sum(ll[1::2]), row["log_likelihood"], delta=1e-8)
        # and the human curves shipped are PEERS' own
        import seqmem
        spc = seqmem.free_recall.summary(df)["spc"]
        shipped = self.curves[self.curves["curve"] == "spc"]
        shipped = shipped.set_index(shipped["x"].astype(float).astype(int))
        np.testing.assert_allclose(shipped.loc[spc.index, "human"], spc.to_numpy(), rtol=0, atol=1e-12)

    def test_pngs_and_nothing_in_analysis(self):
        for name in ("comparison", "curves", "subjects"):
            check_png(self, Path(self.tmp.name) / f"free_recall_fits_{name}.png", 10_000, 600, 200, 10)
        self.assertEqual(self.after, self.before)


if __name__ == "__main__":
    unittest_main.seqmem_path()
    seqmem_pkg = unittest_main.import_seqmem()
    unittest_main.run(FreeRecallFits)
