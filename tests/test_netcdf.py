"""Every kind of file seqmem writes, read with the tools users open them with: `ncdump -h`
(netCDF-C, Debian netcdf-bin), xarray with the h5netcdf engine, and h5py.

Usage (from the repository root, as ctest does):
    /usr/bin/python3 tests/test_netcdf.py /path/to/seqmem

The kinds: a dense GSEMM run with every state recorded, a three-layer GSEMM run (cvode_bdf), a
GAMM run (no Phi), a run with the fixed-point analysis and energy surfaces (Figure 2), diffusion
runs (reverse SDE with paths and a semantic manifold; point, extended and manifold memories with
a landscape and the probability flow; VE, VP and modern Hopfield dynamics), runs of the sequence
family (the maps SeqNet, DenseNet, MixedNet with their states S; EDEN with v and s), a capacity sweep, the merge of two shards, and the two classical baselines. Each file is
checked for:
  - ncdump -h lists every variable of every group (netCDF-C reads the file);
  - every group opens on its own in xarray with a coordinate for each of its dimensions, and an
    open_dataset -> to_netcdf -> open_dataset round trip keeps every variable, its values and
    attributes;
  - every variable has `units` and `long_name`; coded integers have CF flag_values/flag_meanings;
  - the root has Conventions = "CF-1.10", format_version and the provenance attributes.
"""

import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import xarray as xr

import unittest_main  # noqa: E402  (tests/unittest_main.py)

ROOT = Path(__file__).resolve().parent.parent
SC = ROOT / "scenarios"
SEQMEM = None

# (file name, command line after the binary); OUT is replaced by the file's path.
KINDS = {
    "run.h5": ["run", SC / "fig1_two_episodes.toml", "--set", "t_end=100", "--set", 'states=["V_f","V_h","V_d"]'],
    "gsemm.h5": ["run", SC / "gsemm_stiff_limit.toml", "--set", "t_end=50"],
    "gamm.h5": ["run", SC / "gamm_recall.toml"],
    "fixed_points.h5": ["run", SC / "fig2_energy_landscape.toml", "--set", "fp_t_end=30", "--set", "t_end=40"],
    "diffusion_recall.h5": ["run", SC / "diffusion_recall.toml", "--set", "trajectories=200"],
    "diffusion_landscape.h5": ["run", SC / "diffusion_landscapes.toml", "--set", "trajectories=50"],
    "diffusion_continuum.h5": ["run", SC / "diffusion_continuum.toml", "--set", "trajectories=40"],
    "diffusion_equivalence.h5": ["run", SC / "diffusion_equivalence.toml", "--set", "trajectories=20"],
    "free_recall.h5": ["run", SC / "free_recall_phi_sweep.toml", "--set", "lists=3", "--set", "subjects=2"],
    "free_recall_recognition.h5": ["run", SC / "free_recall_recognition.toml", "--set", "lists=3"],
    "free_recall_gsemm.h5": ["run", SC / "free_recall_gsemm.toml", "--set", "lists=2", "--set", "t_end=80"],
    "family_runs.h5": ["run", SC / "family_runs.toml"],
    "eden_run.h5": ["run", SC / "eden_run.toml", "--set", "t_end=100"],
    "sweep.h5": ["sweep", SC / "fig3_capacity_quick.toml", "--set", "sweep_degrees=[1,2]", "--set",
                 "sweep_seeds=[1]", "--set", "K_max=6"],
    "baseline_hopfield.h5": ["sweep", SC / "baseline_hopfield.toml", "--set", "trials=4", "--set", "baseline_N=[50]"],
    "baseline_dense.h5": ["sweep", SC / "baseline_dense.toml", "--set", "trials=3"],
}
SHARD_ARGS = ["sweep", SC / "fig3_capacity_quick.toml", "--set", "sweep_degrees=[1,2]", "--set", "sweep_seeds=[1]",
              "--set", "K_max=6"]
PROVENANCE = ["Conventions", "format_version", "title", "source", "history", "seqmem_version", "git_commit",
              "build_type", "build_flags", "compiler", "cpu_model", "host", "command_line", "created", "scenario",
              "scenario_path", "overrides"]


def seqmem(*args):
    r = subprocess.run([SEQMEM, *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"seqmem {' '.join(map(str, args))}: status {r.returncode}\n{r.stderr}")
    return r


def groups_and_variables(path):
    """{group path ('/' for the root): [variable names]} from h5py."""
    out = {"/": []}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Group):
                out.setdefault(name, [])
            else:
                out.setdefault(name.rpartition("/")[0] or "/", []).append(name.rpartition("/")[2])
        f.visititems(visit)
    return out


class NetCDF(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = Path(cls.tmp.name)
        cls.files = {}
        for name, args in KINDS.items():
            out = tmp / name
            seqmem(*args, "-o", out)
            cls.files[name] = out
        shards = [tmp / "shard1.h5", tmp / "shard2.h5"]
        for i, s in enumerate(shards, 1):
            seqmem(*SHARD_ARGS, "--shard", f"{i}/2", "-o", s)
        cls.files["merged.h5"] = tmp / "merged.h5"
        seqmem("merge", cls.files["merged.h5"], *shards)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def each_group(self):
        for name, path in self.files.items():
            for group, variables in groups_and_variables(path).items():
                yield name, path, group, variables

    def test_ncdump_lists_every_variable(self):
        for name, path in self.files.items():
            with self.subTest(file=name):
                r = subprocess.run(["ncdump", "-h", str(path)], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                # ncdump -h prints "group: NAME {" and then "type NAME(dims) ;" for each variable
                listed, stack = set(), []
                for line in r.stdout.splitlines():
                    if m := re.match(r"\s*group: (\S+) \{", line):
                        stack.append(m.group(1))
                    elif re.match(r"\s*\} // group", line):
                        stack.pop()
                    elif m := re.match(r"\s*(?:double|int|int64|byte|float|string|short|char) (\w+)(?:\(.*\))? ;",
                                       line):
                        listed.add(("/".join(stack) or "/", m.group(1)))
                expected = {(g, v) for g, vs in groups_and_variables(path).items() for v in vs}
                self.assertEqual(expected - listed, set(), "variables ncdump does not show")
                self.assertGreater(len(expected), 5)

    def test_units_and_long_name_on_every_variable(self):
        with_equation = 0
        for name, path in self.files.items():
            with h5py.File(path, "r") as f:
                def visit(vname, obj):
                    nonlocal with_equation
                    if isinstance(obj, h5py.Dataset):
                        for a in ("units", "long_name"):
                            self.assertIn(a, obj.attrs, f"{name}:{vname} lacks {a}")
                            self.assertTrue(str(obj.attrs[a]), f"{name}:{vname}: empty {a}")
                        with_equation += "equation" in obj.attrs
                f.visititems(visit)
        self.assertGreater(with_equation, 20)

    def test_time_units_and_flags(self):
        with h5py.File(self.files["run.h5"], "r") as f:
            g = f["runs/r0000"]
            for v in ("time", "state_time", "visit_time"):
                self.assertEqual(g[v].attrs["units"], "T_f", v)
            self.assertEqual(g["overlaps"].attrs["units"], "1")
            self.assertEqual(g["energy"].attrs["equation"], "GSEMM Eq. 4 (Eq. 13 for the dense model)")
            self.assertNotIn("status", g, "the status is an attribute, not also a variable")
        with h5py.File(self.files["sweep.h5"], "r") as f:
            o = f["evaluations/outcome"]
            self.assertEqual(o.attrs["flag_values"].tolist(), [0, 1, 2, 3, 4, 5])
            self.assertEqual(o.attrs["flag_values"].dtype, o.dtype)  # CF: the variable's type
            self.assertEqual(o.attrs["flag_meanings"], "success wrong stalled horizon diverged censored")
            self.assertEqual(f["evaluations/success"].attrs["flag_meanings"], "false true")
            self.assertEqual(f["capacity/stop"].attrs["flag_meanings"], "failure K_max censored")
            self.assertEqual(f["evaluations/wall_time_s"].attrs["units"], "s")
            # "none" is NaN, not -1: every t_first_error of a success is NaN, every other is a time
            ok = f["evaluations/success"][()] == 1
            t = f["evaluations/t_first_error"][()]
            self.assertTrue(ok.any())
            self.assertTrue(np.isnan(t[ok]).all())
            self.assertFalse((t == -1).any())

    def test_every_group_opens_with_its_coordinates_and_round_trips(self):
        out = Path(self.tmp.name) / "round_trip.nc"
        for name, path, group, variables in self.each_group():
            with self.subTest(file=name, group=group):
                with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
                    ds.load()
                    self.assertEqual(set(ds.variables), set(variables))
                    for dim in ds.dims:
                        self.assertIn(dim, ds.coords, f"dimension {dim} has no coordinate in {group}")
                    ds.to_netcdf(out, engine="h5netcdf")
                with xr.open_dataset(out, engine="h5netcdf") as back:
                    back.load()
                    self.assertEqual(set(back.variables), set(ds.variables))
                    for v in ds.variables:
                        xr.testing.assert_identical(back[v], ds[v])
                    self.assertEqual(set(back.attrs), set(ds.attrs))
                out.unlink()

    def test_root_provenance(self):
        for name, path in self.files.items():
            with self.subTest(file=name), h5py.File(path, "r") as f:
                a = f.attrs
                for k in PROVENANCE:
                    self.assertIn(k, a)
                self.assertEqual(a["Conventions"], "CF-1.10")
                self.assertEqual(a["format_version"], "2.0")
                self.assertIn(f" -o {path}" if name != "merged.h5" else " merge ", a["command_line"])
                self.assertTrue(a["history"].endswith(a["command_line"]))
                self.assertRegex(a["git_commit"], r"^([0-9a-f]{7,40}(-dirty)?|unknown)$")
                self.assertTrue(a["cpu_model"])
        with h5py.File(self.files["run.h5"], "r") as f:
            self.assertEqual(f.attrs["overrides"], 't_end=100\nstates=["V_f","V_h","V_d"]')
            self.assertEqual(f.attrs["scenario"], (SC / "fig1_two_episodes.toml").read_text())

    def test_output_reference_lists_every_variable_with_its_units(self):
        # docs/output.md: table rows "| `name`[, `name`] | dimensions | `units` | meaning |"
        documented = {}
        for line in (ROOT / "docs/output.md").read_text().splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("| `") and len(cells) >= 4:
                for name in re.findall(r"`(\w+)`", cells[0]):
                    documented.setdefault(name, set()).update(re.findall(r"`([^`]+)`", cells[2]))
        for name, path in self.files.items():
            with h5py.File(path, "r") as f:
                def visit(vname, obj):
                    if isinstance(obj, h5py.Dataset):
                        v = vname.rpartition("/")[2]
                        self.assertIn(v, documented, f"{name}:{vname} is not in docs/output.md")
                        self.assertIn(obj.attrs["units"], documented[v], f"{name}:{vname}: units")
                f.visititems(visit)

    def test_only_applicable_keys(self):
        sweep_keys = {"K_max", "K_min", "sweep_degrees", "sweep_seeds", "sweep_alpha_c", "horizon", "success_rule"}
        baseline_keys = {"baseline_model", "baseline_N", "trials", "P_max"}
        fixed_point_keys = {"find_fixed_points", "fp_every", "surface_grid"}
        diffusion_keys = {"sigma", "trajectories", "D", "process"}
        with h5py.File(self.files["run.h5"], "r") as f:
            a = set(f["runs/r0000"].attrs)
            self.assertFalse(a & (sweep_keys | baseline_keys | diffusion_keys), a & (sweep_keys | baseline_keys))
            self.assertFalse(a & {"abs_tol", "rel_tol", "flip_time", "T_h", "beta_h", "input_amplitude", "fp_every"})
            self.assertTrue({"dt", "alpha_c", "N_f", "degree", "cycles", "cycles_lengths"} <= a)
        with h5py.File(self.files["gsemm.h5"], "r") as f:
            a = set(f["runs/r0000"].attrs)
            self.assertTrue({"T_h", "abs_tol", "rel_tol"} <= a)  # three layers, cvode_bdf
            self.assertNotIn("dt", a)
        with h5py.File(self.files["gamm.h5"], "r") as f:
            self.assertFalse(set(f["runs/r0000"].attrs) & {"cycles", "cyclic", "weights", "alpha_c", "T_d", "beta_d"},
                             "GAMM has no Phi: the delay never reaches the features")
        with h5py.File(self.files["fixed_points.h5"], "r") as f:
            self.assertTrue(fixed_point_keys <= set(f["runs/r0000"].attrs))
        with h5py.File(self.files["sweep.h5"], "r") as f:
            a = set(f["configs/r0000"].attrs)
            self.assertTrue({"K_max", "sweep_degrees", "stepper", "flip_time"} <= a)
            self.assertFalse(a & (baseline_keys | fixed_point_keys | {"degree", "cue_memory", "cycles", "seed",
                                                                      "states", "K", "sample_dt"}))
            self.assertEqual(f["configs/r0000"].attrs["sweep_degrees"].tolist(), [1, 2])
        with h5py.File(self.files["baseline_hopfield.h5"], "r") as f:
            a = set(f["configs/r0000"].attrs)
            self.assertTrue(baseline_keys <= a)
            self.assertFalse(a & (sweep_keys | {"alpha_c", "stepper", "N_f", "baseline_degrees"}))
        with h5py.File(self.files["diffusion_recall.h5"], "r") as f:
            a = set(f["runs/r0000"].attrs)
            self.assertTrue(diffusion_keys <= a)
            self.assertFalse(a & ({"alpha_c", "N_f", "landscape_range", "gamma_v"} | sweep_keys))
            self.assertIn("wall_time_s", a)  # one name for the wall time in every kind
            nearest, component = f["runs/r0000/nearest"][()], f["runs/r0000/component"][()]
            self.assertTrue(set(nearest) <= set(component), "nearest is a component index")
            self.assertNotIn("wall_s", a)


if __name__ == "__main__":
    SEQMEM = unittest_main.seqmem_path()
    unittest_main.run(NetCDF)
