"""Checks the HDF5 layout written by `seqmem run`, with raw h5py and xarray, and checks
the package seqmem's reader against raw h5py.

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_hdf5_layout.py /path/to/seqmem

A small scenario (two episodes as in Figure 1, gamma != 1, all three states recorded, a [runs]
grid of two cues) is written to a temporary folder and run twice: as is, and with
--set alpha_c=0.3 --set seed=4.
"""

import functools
import subprocess
import sys
import tempfile
import tomllib
import unittest
from datetime import datetime
from pathlib import Path

import h5py
import numpy as np
import xarray as xr

ROOT = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True  # no __pycache__ next to the package

import unittest_main  # noqa: E402  (tests/unittest_main.py)

seqmem = unittest_main.import_seqmem()  # the build's package (build/python)

SEQMEM = None  # the binary, from argv

SCENARIO = """\
# test_hdf5_layout.py: two episodes, cue xi5 (run r0000) or xi1 (run r0001)
name = "layout"
seed = 3

[model]
kind = "dense_gsemm"
N_f = 60
alpha_s = 0.05
alpha_c = 0.007
T_d = 20.0
beta_d = 30.0
gamma = 1.5
alpha_s_placement = "eq9"

[memories]
K = 6

[episodes]
cycles = [[1, 2, 3], [4, 5, 6]]

[cue]
cue_memory = 5

[integrator]
dt = 0.01
t_end = 150.0

[record]
sample_dt = 0.1
threshold = 0.8
states = ["V_f", "V_h", "V_d"]
state_every = 5

[analysis]
expect_cycle = [4, 5, 6]

[runs]
grid = { cue_memory = [5, 1] }
"""
CUES = {"r0000": 5, "r0001": 1}
SC = tomllib.loads(SCENARIO)
N, K = SC["model"]["N_f"], SC["memories"]["K"]


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def per_run(test):
    """Runs test(self, run, group) once per run of the plain file, each as a subtest."""
    @functools.wraps(test)
    def wrapper(self):
        for run in CUES:
            with self.subTest(run=run):
                test(self, run, self.f["runs"][run])
    return wrapper



def raw_visits(g):
    """The visits of a run group with h5py alone: {'memory': 1-based labels, 't_entry': times}."""
    return {"memory": g["visit_memory"][()], "t_entry": g["visit_time"][()]}

class Layout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="seqmem_layout_")
        tmp = Path(cls.tmp.name)
        cls.toml = tmp / "layout.toml"
        cls.toml.write_text(SCENARIO)
        cls.h5 = cls.run_seqmem(tmp / "layout.h5")
        cls.h5_set = cls.run_seqmem(tmp / "layout_set.h5", "--set", "alpha_c=0.3", "--set", "seed=4")
        cls.f = h5py.File(cls.h5, "r")

    @classmethod
    def run_seqmem(cls, out, *args):
        p = subprocess.run([SEQMEM, "run", str(cls.toml), "-o", str(out), "-q", *args], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"seqmem run {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
        return out

    @classmethod
    def tearDownClass(cls):
        cls.f.close()
        cls.tmp.cleanup()

    # --- raw h5py -------------------------------------------------------------------------------

    def test_root_attributes(self):
        a = self.f.attrs
        self.assertTrue({"seqmem_version", "scenario", "scenario_path", "created", "n_runs"} <= set(a))
        self.assertIsInstance(a["scenario"], str)
        self.assertEqual(text(a["scenario"]), SCENARIO)
        self.assertEqual(Path(text(a["scenario_path"])).name, self.toml.name)
        self.assertTrue(text(a["seqmem_version"]))
        datetime.fromisoformat(text(a["created"]))  # ISO 8601
        self.assertEqual(int(a["n_runs"]), 2)
        self.assertEqual(sorted(self.f["runs"]), sorted(CUES))

    @per_run
    def test_run_attributes(self, run, g):
        a = g.attrs
        for section in ("model", "memories", "integrator", "record"):
            for k, v in SC[section].items():
                if not isinstance(v, list):
                    self.assertEqual(a[k], v, k)  # strings are variable-length UTF-8: str, not bytes
        self.assertEqual(a["seed"], 3)
        self.assertEqual(a["cue_memory"], CUES[run])
        self.assertEqual(a["degree"], 1)  # a default, resolved
        self.assertEqual(a["expect_cycle"].tolist(), [4, 5, 6])  # lists are arrays
        self.assertEqual(a["cycles"].tolist(), [1, 2, 3, 4, 5, 6])  # the episodes, concatenated
        self.assertEqual(a["cycles_lengths"].tolist(), [3, 3])
        self.assertEqual(list(a["states"]), ["V_f", "V_h", "V_d"])
        for k in ("K_max", "sweep_degrees", "baseline_model", "abs_tol", "fp_every", "input_amplitude"):
            self.assertNotIn(k, a, "a key that does not apply to this run")
        self.assertEqual(text(a["status"]), "completed")
        self.assertEqual(text(a["message"]), "")
        self.assertEqual(a["t_stop"], SC["integrator"]["t_end"])
        self.assertGreaterEqual(a["wall_time_s"], 0)
        for k in ("cycles_completed", "correct_transitions", "first_wrong_visit", "first_wrong_time"):
            self.assertIn(k, a)

    @per_run
    def test_datasets_shapes_and_scales(self, run, g):
        nt, ns, nv, ne = len(g["time"]), len(g["state_time"]), len(g["visit"]), len(g["Phi_entry"])
        expect = {"time": (nt,), "overlaps": (nt, K), "memory": (K,), "neuron": (N,),
                  "Xi": (N, K), "Phi_entry": (ne,), "Phi_from": (ne,), "Phi_to": (ne,), "Phi_value": (ne,),
                  "visit": (nv,), "visit_memory": (nv,), "visit_time": (nv,),
                  "state_time": (ns,), "V_f": (ns, N), "V_d": (ns, N), "V_h": (ns, K),
                  "energy": (nt,), "F": (nt,), "G": (nt,)}
        self.assertEqual(set(g), set(expect))
        for name, shape in expect.items():
            self.assertEqual(g[name].shape, shape, name)
        np.testing.assert_array_equal(g["memory"], np.arange(1, K + 1))
        np.testing.assert_array_equal(g["neuron"], np.arange(1, N + 1))
        np.testing.assert_array_equal(g["visit"], np.arange(1, nv + 1))
        self.assertEqual(g["visit_memory"].dtype, np.int32)
        self.assertEqual(g["visit_time"].dtype, np.float64)
        np.testing.assert_array_equal(g["Phi_entry"], np.arange(1, ne + 1))
        # HDF5 dimension scales, which netCDF readers (xarray) turn into named dimensions
        for name in ("time", "memory", "neuron", "visit", "state_time", "Phi_entry"):
            self.assertTrue(h5py.h5ds.is_scale(g[name].id), name)
            self.assertEqual(text(g[name].attrs["NAME"]), name)
        dims = {"overlaps": ["time", "memory"], "Xi": ["neuron", "memory"], "Phi_from": ["Phi_entry"],
                "Phi_to": ["Phi_entry"], "Phi_value": ["Phi_entry"], "energy": ["time"], "F": ["time"], "G": ["time"],
                "visit_memory": ["visit"], "visit_time": ["visit"], "V_f": ["state_time", "neuron"],
                "V_d": ["state_time", "neuron"],
                "V_h": ["state_time", "memory"]}
        for name, names in dims.items():
            attached = [[s.name for s in d.values()] for d in g[name].dims]
            self.assertEqual(attached, [[f"{g.name}/{n}"] for n in names], name)

    @per_run
    def test_xarray_dims(self, run, g):
        with xr.open_dataset(self.h5, group=f"runs/{run}", engine="h5netcdf") as ds:
            self.assertEqual(ds["overlaps"].dims, ("time", "memory"))
            self.assertEqual(ds["V_f"].dims, ("state_time", "neuron"))
            self.assertEqual(ds["V_d"].dims, ("state_time", "neuron"))
            self.assertEqual(ds["V_h"].dims, ("state_time", "memory"))
            self.assertEqual(ds["Xi"].dims, ("neuron", "memory"))
            self.assertEqual(ds["Phi_value"].dims, ("Phi_entry",))
            self.assertEqual(ds["visit_memory"].dims, ("visit",))
            self.assertEqual(ds.attrs["kind"], "dense_gsemm")
            self.assertEqual(ds.attrs["cue_memory"], CUES[run])
            np.testing.assert_array_equal(ds["memory"], np.arange(1, K + 1))
            np.testing.assert_array_equal(ds["time"], self.f["runs"][run]["time"][()])

    @per_run
    def test_time_grid(self, run, g):
        dt, every, t_end = SC["record"]["sample_dt"], SC["record"]["state_every"], SC["integrator"]["t_end"]
        t, ts = g["time"][()], g["state_time"][()]
        self.assertEqual(t[0], 0.0)
        np.testing.assert_allclose(np.diff(t), dt, rtol=0, atol=1e-9)
        self.assertAlmostEqual(t[-1], t_end, delta=1e-9)
        np.testing.assert_array_equal(ts, t[::every])

    @per_run
    def test_overlaps_equal_recomputation(self, run, g):
        t, ts = g["time"][()], g["state_time"][()]
        idx = np.searchsorted(t, ts)
        np.testing.assert_array_equal(t[idx], ts)
        m = g["Xi"][()].T @ np.tanh(SC["model"]["gamma"] * g["V_f"][()].T) / N  # (K, state samples)
        np.testing.assert_allclose(g["overlaps"][()][idx], m.T, rtol=0, atol=1e-12)

    @per_run
    def test_energy_equals_recomputation(self, run, g):
        # Dense GSEMM, Eq. 9 placement, degree 1 (models.md §1):
        #   h = sqrt(alpha_s) Xi^T s + alpha_c Phi^T Xi^T V_d,  E = sum(V s - log cosh(gamma V) / gamma) - h.h / 2
        t, ts = g["time"][()], g["state_time"][()]
        idx = np.searchsorted(t, ts)
        m, gamma = SC["model"], SC["model"]["gamma"]
        Xi, Phi, Vf, Vd = g["Xi"][()], seqmem.phi(self.h5, run), g["V_f"][()], g["V_d"][()]
        s = np.tanh(gamma * Vf)
        h = np.sqrt(m["alpha_s"]) * s @ Xi + m["alpha_c"] * Vd @ Xi @ Phi
        E = (Vf * s - np.log(np.cosh(gamma * Vf)) / gamma).sum(axis=1) - (h * h).sum(axis=1) / 2
        np.testing.assert_allclose(g["energy"][()][idx], E, rtol=1e-10, atol=1e-9)

    @per_run
    def test_Xi_and_cue(self, run, g):
        Xi = g["Xi"][()]
        self.assertEqual(set(np.unique(Xi)), {-1.0, 1.0})
        # V_f(0) = cue_amplitude * xi_cue with the 1-based cue label; V_d(0) = 0
        np.testing.assert_array_equal(g["V_f"][0], Xi[:, CUES[run] - 1])
        np.testing.assert_array_equal(g["V_d"][0], 0.0)
        np.testing.assert_array_equal(Xi, self.f["runs/r0000/Xi"])  # one seed: the same memories

    @per_run
    def test_Phi_is_episode_adjacency(self, run, g):
        expect = np.zeros((K, K))
        for cycle in SC["episodes"]["cycles"]:
            for a, b in zip(cycle, cycle[1:] + cycle[:1]):  # cyclic (the default)
                expect[a - 1, b - 1] = 1.0
        np.testing.assert_array_equal(seqmem.phi(self.h5, run), expect)
        # the coordinate list itself: one entry per step, 1-based labels
        self.assertEqual(len(g["Phi_value"]), int(expect.sum()))
        np.testing.assert_array_equal(expect[g["Phi_from"][()] - 1, g["Phi_to"][()] - 1], g["Phi_value"][()])

    @per_run
    def test_visits_consistent_with_overlaps(self, run, g):
        thr = SC["record"]["threshold"]
        t, m, v = g["time"][()], g["overlaps"][()], raw_visits(g)
        self.assertGreater(len(v["memory"]), 0)
        self.assertEqual(v["memory"][0], CUES[run])
        self.assertTrue(np.all(np.diff(v["t_entry"]) > 0) and v["t_entry"][0] >= 0)
        for mu, te in zip(v["memory"], v["t_entry"]):
            i = np.searchsorted(t, te - 1e-12)  # the first sample at or after t_entry
            self.assertGreaterEqual(m[i, mu - 1], thr, f"visit xi{mu} at t={te}")
            self.assertEqual(np.argmax(m[i]) + 1, mu, f"visit xi{mu} at t={te}")
        # independently: a visit starts when the largest overlap reaches the threshold on a
        # memory other than the current one
        seq, cur = [], None
        for row in m:
            mu = int(np.argmax(row)) + 1
            if row[mu - 1] >= thr and mu != cur:
                seq.append(mu)
                cur = mu
        self.assertEqual(seq, v["memory"].tolist())

    def test_episode_check_attributes(self):
        a0, v0 = self.f["runs/r0000"].attrs, raw_visits(self.f["runs/r0000"])["memory"]
        self.assertEqual(a0["first_wrong_visit"], 0)  # cue xi5: on the cycle 4->5->6
        self.assertTrue(np.isnan(a0["first_wrong_time"]))
        self.assertEqual(a0["correct_transitions"], len(v0) - 1)
        self.assertEqual(a0["cycles_completed"], (len(v0) - 1) // 3)
        a1, v1 = self.f["runs/r0001"].attrs, raw_visits(self.f["runs/r0001"])
        self.assertEqual(a1["first_wrong_visit"], 1)  # cue xi1: off the cycle from the start
        self.assertEqual(a1["first_wrong_time"], v1["t_entry"][0])
        self.assertEqual(a1["cycles_completed"], 0)

    def test_set_overrides(self):
        with h5py.File(self.h5_set, "r") as f:
            self.assertEqual(text(f.attrs["scenario"]), SCENARIO)  # the file's text, not the overrides
            self.assertEqual(f.attrs["overrides"], "alpha_c=0.3\nseed=4")  # ... which are recorded here
            for run in CUES:
                with self.subTest(run=run):
                    a = f["runs"][run].attrs
                    self.assertEqual(a["alpha_c"], 0.3)
                    self.assertEqual(a["seed"], 4)
                    self.assertEqual(a["cue_memory"], CUES[run])
                    self.assertEqual(a["gamma"], SC["model"]["gamma"])
                    self.assertFalse(np.array_equal(f["runs"][run]["Xi"], self.f["runs"][run]["Xi"]),
                                     "seed=4 should draw other memories")

    # --- the package seqmem's reader against raw h5py ----------------------------------------------------

    def test_module_open_runs(self):
        self.assertEqual(seqmem.open_runs(self.h5), sorted(self.f["runs"]))

    @per_run
    def test_module_load_run(self, run, g):
        ds = seqmem.load_run(self.h5, run)
        for name in ("time", "overlaps", "Xi", "Phi_from", "Phi_to", "Phi_value", "state_time", "V_f", "V_d", "V_h",
                     "memory", "neuron", "visit_memory", "visit_time"):
            np.testing.assert_array_equal(ds[name].values, g[name][()], name)
        self.assertEqual(ds["overlaps"].dims, ("time", "memory"))
        for k, v in g.attrs.items():
            if isinstance(v, float) and np.isnan(v):
                self.assertTrue(np.isnan(ds.attrs[k]), k)
            elif np.ndim(v) > 0:  # lists are arrays
                np.testing.assert_array_equal(ds.attrs[k], v, k)
            else:
                self.assertEqual(ds.attrs[k], text(v) if isinstance(v, bytes) else v, k)
        self.assertEqual(ds.attrs["seqmem_version"], text(self.f.attrs["seqmem_version"]))
        self.assertEqual(ds.attrs["run"], run)

    @per_run
    def test_module_visits(self, run, g):
        raw, df = raw_visits(g), seqmem.visits(self.h5, run)
        self.assertEqual(list(df.columns), ["memory", "t_entry"])
        np.testing.assert_array_equal(df["memory"], raw["memory"])
        np.testing.assert_array_equal(df["t_entry"], raw["t_entry"])
        np.testing.assert_array_equal(df.index, g["visit"][()])

    @per_run
    def test_module_overlaps(self, run, g):
        df = seqmem.overlaps(self.h5, run)
        np.testing.assert_array_equal(df.to_numpy(), g["overlaps"][()])
        np.testing.assert_array_equal(df.index, g["time"][()])
        self.assertEqual(df.index.name, "time")
        self.assertEqual(list(df.columns), list(range(1, K + 1)))

    def test_module_runs_table(self):
        tab = seqmem.runs_table(self.h5)
        self.assertEqual(list(tab.index), sorted(CUES))
        for run in CUES:
            for k, v in self.f["runs"][run].attrs.items():
                if k in ("cycles", "cycles_lengths"):
                    continue
                got = tab.loc[run, k]
                if isinstance(v, float) and np.isnan(v):
                    self.assertTrue(np.isnan(got), k)
                elif np.ndim(v) > 0:  # lists are arrays in the file, Python lists in the table
                    self.assertEqual(got, [text(x) if isinstance(x, bytes) else x for x in v.tolist()], k)
                else:
                    self.assertEqual(got, text(v) if isinstance(v, bytes) else v, k)
        self.assertEqual(tab.loc["r0000", "cycles"], SC["episodes"]["cycles"])
        self.assertNotIn("cycles_lengths", tab.columns)
        self.assertEqual(seqmem.episodes(self.h5, "r0000"), SC["episodes"]["cycles"])
        # a file of several runs: no silent first run
        with self.assertRaisesRegex(ValueError, r"holds 2 runs \(r0000, r0001\): name one with run="):
            seqmem.episodes(self.h5)
        with self.assertRaisesRegex(ValueError, "holds 2 runs"):
            seqmem.load_run(self.h5)
        self.assertEqual([d.attrs["run"] for d in seqmem.load_runs(self.h5)], ["r0000", "r0001"])
        tab_set = seqmem.runs_table(self.h5_set)
        self.assertTrue((tab_set["alpha_c"] == 0.3).all() and (tab_set["seed"] == 4).all())


def main():
    global SEQMEM
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(Layout)


if __name__ == "__main__":
    main()
