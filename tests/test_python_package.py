"""The Python package `seqmem` (analysis/seqmem/, the compiled seqmem._core): in-process runs equal
the command line's files, the three ways to give a scenario agree, errors, and the models against
the command line's trajectory, finite differences and SciPy's solve_ivp. Ctrl-C, memory, threads
and provenance: tests/test_python_runtime.py.

Run by ctest as
    .venv/bin/python -m pytest -q tests/test_python_package.py
(conftest-free: the command line comes from the environment SEQMEM_BIN, set by tests/CMakeLists.txt;
the shared helpers are in tests/python_package_env.py).
"""

import re

import h5py
import numpy as np
import pytest

from python_package_env import PROCESS, SC, assert_same_attrs, cli, seqmem, sets

# Every shipped scenario that `seqmem run` takes, shortened where long.
RUNS = {
    "fig1_two_episodes": {"t_end": 200.0},
    "fig2_energy_landscape": {"fp_every": 20},
    "gamm_recall": {},
    "gsemm_stiff_limit": {"t_end": 60.0},
    "diffusion_recall": {"trajectories": 200},
    "diffusion_equivalence": {"trajectories": 20},
    "diffusion_landscapes": {"trajectories": 40},
    "diffusion_continuum": {"trajectories": 40},
    "free_recall_peers": {"lists": 10},
    "free_recall_phi_sweep": {"lists": 20},
    "free_recall_recognition": {"lists": 10},
    "free_recall_salience": {"lists": 20},
    "free_recall_gsemm": {"lists": 2, "t_end": 80.0},
    "family_runs": {},
    "eden_run": {"t_end": 200.0},
    "family_eden_runs": {"t_end": 300.0},
    "family_eden_runs_N": {"t_end": 300.0},
}
# Every shipped sweep and baseline scenario, shortened to one or two (degree, seed) pairs.
SMALL_SWEEP = {"sweep_degrees": [1, 2], "sweep_seeds": [1], "K_max": 6, "K_list": [], "sweep_alpha_c": [0.2, 1.0]}
SWEEPS = {
    **{p.stem: SMALL_SWEEP for p in sorted(SC.glob("fig3_*.toml"))},
    "baseline_hopfield": {"trials": 3, "baseline_N": [40]},
    "baseline_dense": {"trials": 2, "baseline_N": [20], "baseline_degrees": [2]},
    "family_capacity": {"trials": 2, "baseline_N": [30], "baseline_degrees": [1, 2]},
    "family_scaling": {"trials": 2, "baseline_N": [20, 30]},
    "family_eden": {"trials": 2, "P_max": 64},
    "family_delay": {"trials": 2, "baseline_N": [30], "baseline_degrees": [1, 2]},
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_run_equals_the_command_line_bitwise(name, tmp_path):
    out = tmp_path / "cli.h5"
    cli("run", SC / f"{name}.toml", "-o", out, "-q", *sets(RUNS[name]))
    got = seqmem.run(SC / f"{name}.toml", overrides=RUNS[name])
    with h5py.File(out, "r") as f:
        runs = sorted(f["runs"])
        assert len(got) == len(runs)
        for ds, run in zip(got, runs):
            g = f["runs"][run]
            datasets = {k for k in g if isinstance(g[k], h5py.Dataset)}
            assert set(ds.variables) == datasets, run
            for k in datasets:
                a, b = g[k][()], ds[k].values
                assert a.dtype == b.dtype, (run, k)
                np.testing.assert_array_equal(a, b, err_msg=f"{run}/{k}")  # NaN == NaN, bit for bit
                for attr in ("units", "long_name", "equation"):
                    assert ds[k].attrs.get(attr) == g[k].attrs.get(attr), (run, k, attr)
            # the run's attributes, the file's provenance and the run id, as load_run gives them
            expected = {**{k: v for k, v in f.attrs.items()}, **{k: v for k, v in g.attrs.items()}, "run": run}
            assert_same_attrs(expected, ds.attrs, run)


@pytest.mark.parametrize("name", sorted(SWEEPS))
def test_sweep_equals_the_command_line(name, tmp_path):
    out = tmp_path / "cli.h5"
    cli("sweep", SC / f"{name}.toml", "-o", out, "-q", *sets(SWEEPS[name]))
    a, b = seqmem.sweep(SC / f"{name}.toml", overrides=SWEEPS[name])
    with h5py.File(out, "r") as f:
        for table, group in zip((a, b), ("evaluations", "capacity") if "evaluations" in f else
                                ("baseline", "baseline_summary")):
            for col in table.columns:
                if col in f[group] and col != "wall_time_s":
                    np.testing.assert_array_equal(table[col].to_numpy(), f[group][col][()], err_msg=f"{group}/{col}")


def test_path_toml_string_and_dict_give_the_same_run():
    text = (SC / "fig1_two_episodes.toml").read_text()
    import tomllib
    as_dict = tomllib.loads(text)
    o = {"t_end": 100.0}
    a = seqmem.run(SC / "fig1_two_episodes.toml", overrides=o)[0]
    b = seqmem.run(text, overrides=o)[0]
    c = seqmem.run(as_dict, overrides=o)[0]
    for other in (b, c):
        for v in a.variables:
            np.testing.assert_array_equal(a[v].values, other[v].values, err_msg=v)
        for k in set(a.attrs) - PROCESS - {"scenario", "scenario_path", "title"}:  # the source, named as given
            np.testing.assert_array_equal(a.attrs[k], other.attrs[k], err_msg=k)


def test_overrides_behave_like_set(tmp_path):
    out = tmp_path / "cli.h5"
    cli("run", SC / "fig1_two_episodes.toml", "-o", out, "-q", "--set", "t_end=100", "--set", "model.alpha_c=0.01")
    for overrides in ({"t_end": 100, "model.alpha_c": 0.01}, ["t_end=100", "model.alpha_c=0.01"]):
        ds = seqmem.run(SC / "fig1_two_episodes.toml", overrides=overrides)[0]
        assert ds.attrs["alpha_c"] == 0.01
        with h5py.File(out, "r") as f:
            np.testing.assert_array_equal(ds["overlaps"].values, f["runs/r0000/overlaps"][()])


def test_out_keeps_the_file_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "kept.h5"
    seqmem.run(SC / "gamm_recall.toml", out=out)
    assert out.exists()
    with pytest.raises(seqmem.InputError, match="exists"):
        seqmem.run(SC / "gamm_recall.toml", out=out)
    seqmem.run(SC / "gamm_recall.toml", out=out, overwrite=True)


def test_messages_name_the_packages_arguments_not_the_command_lines_flags(tmp_path):
    out = tmp_path / "kept.h5"
    seqmem.run(SC / "gamm_recall.toml", out=out)
    with pytest.raises(seqmem.InputError, match=r"exists; use overwrite=True to replace it$"):
        seqmem.run(SC / "gamm_recall.toml", out=out)
    with pytest.raises(seqmem.InputError, match=r"resume=True continues the output, overwrite=True replaces it"):
        seqmem.sweep(SC / "fig3_capacity_quick.toml", out=tmp_path / "s.h5", resume=True, overwrite=True)
    with pytest.raises(seqmem.InputError, match=r"^overrides\[0\] = 'alpha_c': expected key=value$"):
        seqmem.validate(SC / "fig1_two_episodes.toml", overrides=["alpha_c"])
    with pytest.raises(seqmem.InputError, match=r"^overrides\['runs'\]: \[runs\] cannot be overridden"):
        seqmem.validate(SC / "fig1_two_episodes.toml", overrides={"runs": {"grid": {"alpha_c": [0.1, 0.2]}}})
    with pytest.warns(UserWarning, match=r"key 'abs_tol' is not read by a capacity sweep \(\[sweep\]\) with "
                                         r"stepper = \"rk4\" once the overrides are applied") as record:
        seqmem.validate(SC / "fig3_capacity_quick.toml", overrides={"stepper": "rk4"})
    assert not [w for w in record if "--" in str(w.message)]
    base = tmp_path / "base.h5"
    seqmem.sweep(SC / "baseline_hopfield.toml", out=base, overrides={"trials": 2})
    with pytest.raises(seqmem.InputError, match=r"exists; replace it with overwrite=True \(a baseline sweep is not"):
        seqmem.sweep(SC / "baseline_hopfield.toml", out=base, overrides={"trials": 2})
    with pytest.raises(seqmem.InputError, match=r"resume=True: a \[baseline\] sweep .* replace its output with "
                                                r"overwrite=True"):
        seqmem.sweep(SC / "baseline_hopfield.toml", out=base, resume=True)
    with pytest.raises(seqmem.InputError, match=r"run it with seqmem.sweep$"):
        seqmem.run(SC / "fig3_capacity_quick.toml")
    with pytest.raises(seqmem.InputError, match=r"beyond the 24 core-hours allowed without allow_large=True$"):
        seqmem.validate(SC / "fig3_capacity_quick.toml", overrides={"K_max": 100000})
    assert seqmem.shipped_scenario("fig1_two_episodes.toml") == str(SC / "fig1_two_episodes.toml")
    for bad in ("/etc/hostname", "../README.md", None, "", "data"):
        with pytest.raises(ValueError, match=r"give the file name of a scenario"):
            seqmem.shipped_scenario(bad)
    with pytest.raises(FileNotFoundError, match=r"no such shipped scenario; there are .*fig1_two_episodes\.toml"):
        seqmem.shipped_scenario("fig1_two_episode.toml")
    big = seqmem.validate(SC / "fig3_capacity_quick.toml", overrides={"K_max": 100000}, allow_large=True)
    assert re.search(r"at most [0-9.]+ (h|days) of one core$", big["cost"]), big


def test_bad_input_raises_input_error_with_file_line_and_key(tmp_path):
    with pytest.raises(seqmem.InputError, match=r"^<string>:3:1: unknown key 'alpah_c' in \[model\]; did you mean 'alpha_c'"):
        seqmem.run("[model]\nN_f = 20\nalpah_c = 0.3\n[memories]\nK = 3\n")
    with pytest.raises(seqmem.InputError, match=r"^scenario\['model'\]\['N_f'\] = 'many': must be an integer in 1\.\.1000000$"):
        seqmem.run({"model": {"N_f": "many"}, "memories": {"K": 3}})
    with pytest.raises(ValueError):  # InputError is a ValueError
        seqmem.validate({"memories": {"K": -1}})
    with pytest.raises(seqmem.InputError, match=r"no_such\.toml: cannot read the scenario file"):
        seqmem.run(tmp_path / "no_such.toml")
    with pytest.raises(seqmem.InputError, match=r"^overrides\['alpah_c'\]: unknown key 'alpah_c'; did you mean 'alpha_c'"):
        seqmem.run(SC / "gamm_recall.toml", overrides={"alpah_c": 1})
    with pytest.raises(seqmem.InputError, match="no \\[sweep\\] or \\[baseline\\]"):
        seqmem.sweep(SC / "gamm_recall.toml")


def test_validate_and_keys():
    v = seqmem.validate(SC / "fig3_capacity_quick.toml")
    assert (v["command"], v["runs"], v["warnings"]) == ("sweep", ["r0000"], [])
    assert v["estimates"][0]["memory_bytes"] > 0
    k = seqmem.keys()
    assert k.loc["alpha_c", "section"] == "model" and k.loc["alpha_c", "default"] == "0.0"
    # the kinds each key applies to, as in the CLI's table
    assert k.loc["T_h", "family"] == "gsemm" and k.loc["sigma", "family"] == "diffusion"
    assert k.loc["tau", "family"] == "free_recall" and k.loc["alpha_c", "family"] == "gsemm, free_recall"
    assert k.loc["seed", "family"] == "all"
    table = cli("keys").stdout
    assert len(k) == table.count("\n") - 2  # one row per key below the header


# --- models -----------------------------------------------------------------------------------

def fig1_model(tmp_path):
    """Xi, Phi, the model and the recorded file of Figure 1 (rk4, dt = 0.01, states every 1.0)."""
    out = tmp_path / "fig1.h5"
    cli("run", SC / "fig1_two_episodes.toml", "-o", out, "-q", "--set", "t_end=100")
    with h5py.File(out, "r") as f:
        g = f["runs/r0000"]
        Xi = g["Xi"][()]
        K = Xi.shape[1]
        Phi = np.zeros((K, K))
        Phi[g["Phi_from"][()] - 1, g["Phi_to"][()] - 1] = g["Phi_value"][()]
        rec = {k: g[k][()] for k in ("time", "overlaps", "energy", "state_time", "V_f", "V_d")}
        params = {k: g.attrs[k] for k in ("alpha_s", "alpha_c", "T_f", "T_d", "beta_d", "degree", "alpha_s_placement")}
    params = {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}
    return Xi, Phi, seqmem.DenseGSEMM(Xi, Phi, **params), rec


def test_dense_gsemm_energy_equals_the_recorded_energy(tmp_path):
    Xi, Phi, model, rec = fig1_model(tmp_path)
    idx = np.searchsorted(rec["time"], rec["state_time"])
    for j in range(0, len(idx), 10):
        x = model.state(rec["V_f"][j], rec["V_d"][j])
        assert model.energy(x) == pytest.approx(rec["energy"][idx[j]], rel=1e-12, abs=1e-12)


def test_rhs_and_jacobian_against_finite_differences(tmp_path):
    Xi, Phi, model, rec = fig1_model(tmp_path)
    rng = np.random.default_rng(1)
    x = model.state(rec["V_f"][30], rec["V_d"][30]) + 0.01 * rng.standard_normal(model.state_size)
    J = model.jacobian(x)
    assert J.shape == (model.state_size, model.state_size)
    h = 1e-6
    for i in rng.choice(model.state_size, 12, replace=False):
        e = np.zeros_like(x)
        e[i] = h
        column = (model.rhs(x + e) - model.rhs(x - e)) / (2 * h)
        np.testing.assert_allclose(J[:, i], column, rtol=1e-6, atol=1e-8)
    # the energy's gradient in V_f: -T_f diag(sigma_f'(V_f)) dV_f/dt (no input current)
    # the energy's gradient in V_f: -T_f diag(sigma_f'(V_f)) dV_f/dt (no input current; T_f = 1)
    N, h = model.N_f, 1e-4
    idx = np.argsort(-np.abs((1 - np.tanh(x[:N]) ** 2) * model.rhs(x)[:N]))[:5]  # where the gradient is large
    g = np.array([(model.energy(x + h * np.eye(len(x))[i]) - model.energy(x - h * np.eye(len(x))[i])) / (2 * h)
                  for i in idx])
    expect = -(1 - np.tanh(x[idx]) ** 2) * model.rhs(x)[idx]
    assert np.abs(expect).min() > 1e-3
    np.testing.assert_allclose(g, expect, rtol=1e-5)


def test_solve_ivp_reproduces_the_command_line_trajectory(tmp_path):
    from scipy.integrate import solve_ivp
    Xi, Phi, model, rec = fig1_model(tmp_path)
    x0 = model.state(5 * 0 + Xi[:, 4].copy(), np.zeros(model.N_f))  # cue xi_5, V_d(0) = 0
    t = rec["time"][rec["time"] <= 60]
    sol = solve_ivp(lambda tt, x: model.rhs(x, tt), (0, t[-1]), x0, t_eval=t, rtol=1e-10, atol=1e-12,
                    method="DOP853")
    m = Xi.T @ np.tanh(sol.y[:model.N_f]) / model.N_f  # overlaps (time in units of T_f)
    np.testing.assert_allclose(m.T, rec["overlaps"][:len(t)], atol=2e-6)


def test_modern_hopfield_against_its_formula():
    rng = np.random.default_rng(2)
    Y = rng.standard_normal((6, 4))
    mh = seqmem.ModernHopfield(Y, 3.0)
    x = rng.standard_normal(6)
    p = np.exp(3.0 * Y.T @ x - np.max(3.0 * Y.T @ x))
    p /= p.sum()
    np.testing.assert_allclose(mh.rhs(x), Y @ p - x, rtol=1e-12)
    lse = np.log(np.sum(np.exp(3.0 * Y.T @ x)))
    assert mh.energy(x) == pytest.approx(-lse / 3.0 + x @ x / 2, rel=1e-12)
    h = 1e-6
    J = mh.jacobian(x)
    for i in range(6):
        e = np.zeros(6)
        e[i] = h
        np.testing.assert_allclose(J[:, i], (mh.rhs(x + e) - mh.rhs(x - e)) / (2 * h), rtol=1e-6, atol=1e-9)


def test_wrong_arrays_raise_value_error_naming_the_shape():
    Xi = np.sign(np.random.default_rng(3).standard_normal((10, 3)))
    model = seqmem.DenseGSEMM(Xi, np.zeros((3, 3)), alpha_c=0.1)
    with pytest.raises(ValueError, match=r"x: expected shape \(23,\), got \(5,\)"):
        model.rhs(np.zeros(5))
    with pytest.raises(ValueError, match=r"y: expected shape \(23,\) or \(23, k\) for k states, got \(5, 2\)"):
        model.fun(0.0, np.zeros((5, 2)))
    with pytest.raises(TypeError, match="expected real numbers, got an array of dtype complex128"):
        model.fun(0.0, np.zeros(23, dtype=complex))
    with pytest.raises(ValueError, match=r"Phi: expected shape \(3, 3\)"):
        seqmem.DenseGSEMM(Xi, np.zeros((4, 4)))
    with pytest.raises(ValueError, match="Xi: expected a 2-D array of real numbers"):
        seqmem.DenseGSEMM(Xi[:, 0], np.zeros((3, 3)))
    with pytest.raises(seqmem.InputError, match=r"^DenseGSEMM\(alpha_c=-1\.0\): must be a number >= 0$"):
        seqmem.DenseGSEMM(Xi, np.zeros((3, 3)), alpha_c=-1.0)
    with pytest.raises(seqmem.InputError, match=r"^DenseGSEMM\(alpah_c=\.\.\.\): not a parameter of the model.*'alpha_c'"):
        seqmem.DenseGSEMM(Xi, np.zeros((3, 3)), alpah_c=1.0)
    # SciPy's order is fun(t, y): rhs(t, x) is told so, in Python's terms
    y = model.state(np.ones(10), np.zeros(10))
    with pytest.raises(TypeError, match=r"SciPy's order is fun\(t, y\)"):
        model.rhs(0.0, y)
    with pytest.raises(TypeError, match=r"SciPy's order is fun\(t, y\)"):
        model.fun(y, 0.0)


def test_models_follow_scipys_conventions():
    from scipy.integrate import solve_ivp
    rng = np.random.default_rng(5)
    Xi = np.sign(rng.standard_normal((20, 4))).astype(np.int64)  # integer +-1 memories
    Phi = np.roll(np.eye(4), 1, axis=1)
    params = dict(alpha_s=1.0, alpha_c=0.5, beta_d=7.0, degree=2)
    model = seqmem.DenseGSEMM(Xi, Phi, **params)
    as_float = seqmem.DenseGSEMM(Xi.astype(float), Phi, **params)
    y0 = model.state(3.0 * Xi[:, 0], np.zeros(20))
    np.testing.assert_array_equal(model.fun(0.0, y0), as_float.fun(0.0, y0))
    # any real dtype and layout: float32, a non-contiguous column, a list
    ys = np.stack([y0, 2 * y0], axis=1)
    np.testing.assert_array_equal(model.fun(1.0, ys[:, 1]), model.fun(1.0, 2 * y0))
    np.testing.assert_allclose(model.fun(1.0, y0.astype(np.float32)), model.fun(1.0, y0.astype(np.float32).astype(float)))
    np.testing.assert_array_equal(model.fun(1.0, list(y0)), model.fun(1.0, y0))
    # vectorised: one state per column, as solve_ivp(vectorized=True) and its Jacobians call it
    F = model.fun(0.0, ys)
    assert F.shape == ys.shape
    np.testing.assert_array_equal(F[:, 0], model.fun(0.0, y0))
    np.testing.assert_array_equal(model.jac(0.0, y0), model.jacobian(y0, 0.0))
    # the three ways of SciPy agree: RK45, BDF with the analytic Jacobian, Radau vectorised
    kw = dict(t_span=(0.0, 30.0), y0=y0, rtol=1e-9, atol=1e-9, t_eval=[30.0])
    a = solve_ivp(model.fun, method="RK45", **kw)
    b = solve_ivp(model.fun, method="BDF", jac=model.jac, **kw)
    c = solve_ivp(model.fun, method="Radau", vectorized=True, **kw)
    assert a.success and b.success and c.success
    np.testing.assert_allclose(b.y[:, -1], a.y[:, -1], atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(c.y[:, -1], a.y[:, -1], atol=1e-5, rtol=1e-5)
    r = repr(model)
    assert r.startswith("DenseGSEMM(N_f=20, K=4, alpha_s=1.0, alpha_c=0.5, ") and "degree=2" in r and "beta_d=7.0" in r
    assert repr(seqmem.ModernHopfield(Xi, 2.0)) == "ModernHopfield(D=20, N=4, beta=2.0)"
    d = seqmem.Diffusion(Xi, sigma=1.0, T=1.0)
    assert repr(d) == "Diffusion(D=20, N=4, sigma=1.0, T=1.0, process='ve')"
    np.testing.assert_array_equal(d.fun(0.5, np.stack([y0[:20], y0[:20]], axis=1))[:, 1], d.rhs(y0[:20], 0.5))


def test_python_values_are_checked_as_the_schema_checks_a_file():
    fig1 = SC / "fig1_two_episodes.toml"
    cases = [
        (dict(threads=100000), r"^threads = 100000: must be None or an integer in 0\.\.1024"),
        (dict(threads=-1), r"^threads = -1: must be None or an integer in 0\.\.1024"),
        (dict(threads=2.5), r"^threads = 2\.5: must be None or an integer"),
        (dict(overrides={"t_end": 10**30}), r"^overrides\['t_end'\] = 10{30}: must be a number > 0$"),
        (dict(overrides={"alpha_c": None}), r"^overrides\['alpha_c'\] = None: None is not a value; leave the key out for its default 0\.0$"),
        (dict(overrides={"model": 0.1}), r"^overrides\['model'\] = 0\.1: \[model\] is a section"),
        (dict(overrides={"model": {"alpha_c": "big"}}), r"^overrides\['model'\]\['alpha_c'\] = 'big': must be a number >= 0$"),
        (dict(overrides={"cycles": [[1, 2, 9]]}), r"^overrides\['cycles'\]: key 'cycles': memory 9 does not exist"),
        (dict(overrides={"expect_cycle": [4, 5.5]}), r"^overrides\['expect_cycle'\]\[1\] = 5\.5: must be an integer"),
        (dict(overrides={"stepper": "rk5"}), r"^overrides\['stepper'\] = 'rk5': must be one of 'rk4', 'dopri5'"),
        (dict(overrides={"seed": True}), r"^overrides\['seed'\] = True: must be an integer"),
        (dict(overrides={"model.T_d": 0}), r"^overrides\['model\.T_d'\] = 0: must be a number > 0$"),
        (dict(overrides={"memories.alpha_c": 1.0}), r"^overrides\['memories\.alpha_c'\]: key 'alpha_c' does not belong in \[memories\]; it belongs overrides\['model'\]\['alpha_c'\]"),
    ]
    for kwargs, message in cases:
        with pytest.raises(seqmem.InputError, match=message):
            seqmem.run(fig1, **kwargs)
    with pytest.raises(seqmem.InputError, match=r"^overrides\['lists'\] = 10{30}: must be an integer in 1\.\.10000000$"):
        seqmem.run(SC / "free_recall_peers.toml", overrides={"lists": 10**30})
    with pytest.raises(seqmem.InputError, match=r"^scenario\['runs'\]\['grid'\]\['alpha_c'\]\[1\] = -1: must be a number >= 0$"):
        seqmem.run({"model": {"N_f": 10}, "memories": {"K": 3}, "runs": {"grid": {"alpha_c": [0.1, -1]}}})
    # a check of one key against another names the key path too
    with pytest.raises(seqmem.InputError, match=r"^scenario\['input'\]\['t_off'\]: key 't_off': the current is on for"):
        seqmem.run({"memories": {"K": 3}, "input": {"input_memory": 1, "t_on": 5.0, "t_off": 1.0}})
    # nested, dotted and NumPy values are the same override
    a = seqmem.run(fig1, overrides={"model": {"alpha_c": 0.01}, "t_end": np.float64(50.0)})[0]
    b = seqmem.run(fig1, overrides={"model.alpha_c": 0.01, "t_end": 50})[0]
    np.testing.assert_array_equal(a.overlaps.values, b.overlaps.values)
    assert a.attrs["overrides"] == "alpha_c=0.01\nt_end=50.0"
