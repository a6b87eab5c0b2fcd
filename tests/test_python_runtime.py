"""The Python package `seqmem` at run time: in-process results carry the file's provenance, Ctrl-C
stops every engine and leaves no file, a thousand runs do not grow memory, calls from several
threads run one after another, NumPy values in dicts, the free-recall events as CSV.

Run by ctest as
    .venv/bin/python -m pytest -q tests/test_python_runtime.py
(the command line comes from the environment SEQMEM_BIN, set by tests/CMakeLists.txt).
"""

import signal
import subprocess
import threading
import time
import warnings

import h5py
import numpy as np
import pytest

from python_package_env import PROCESS, SC, SEQMEM, cli, seqmem


def test_capacity_per_alpha_c_and_configurations_by_their_values(tmp_path):
    # one capacity search per alpha_c: a tidy table with an alpha_c column, ready to pivot
    small = {"sweep_degrees": [2, 3], "sweep_seeds": [1, 2], "K_max": 16, "sweep_alpha_c": [0.2, 1.0],
             "capacity_per_alpha_c": True}
    ev, cap = seqmem.sweep(SC / "fig3_capacity_quick.toml", overrides=small)
    assert list(cap.columns[:4]) == ["config", "degree", "seed", "alpha_c"] and len(cap) == 8
    table = cap.pivot_table(index="alpha_c", columns="degree", values="capacity", aggfunc="min")
    assert table.shape == (2, 2)
    # each search used its own alpha_c only
    for _, row in cap.iterrows():
        rows = ev[(ev.degree == row.degree) & (ev.seed == row.seed) & (ev.alpha_c == row.alpha_c)]
        assert len(rows) > 0
    # configurations of a [runs] grid carry their values: as columns, and in the printed table
    text = (SC / "fig3_capacity_quick.toml").read_text() + "\n[runs]\ngrid = { T_d = [10.0, 30.0] }\n"
    scenario = tmp_path / "grid.toml"
    scenario.write_text(text)
    sets = ["--set", "sweep_degrees=[2]", "--set", "sweep_seeds=[1]", "--set", "K_max=8", "--set", "sweep_alpha_c=[0.5]"]
    p = cli("sweep", scenario, "-o", tmp_path / "grid.h5", "-q", *sets)
    assert "capacity (r0000: T_d=10):" in p.stdout and "capacity (r0001: T_d=30):" in p.stdout
    ev, cap = seqmem.sweep_tables(tmp_path / "grid.h5")
    assert list(cap.columns[:2]) == ["config", "T_d"] and sorted(cap.T_d) == [10.0, 30.0]


def test_in_process_results_carry_the_files_provenance(tmp_path):
    ds = seqmem.run(SC / "fig1_two_episodes.toml", overrides={"t_end": 10.0}, out=tmp_path / "f.h5")[0]
    assert ds.attrs["run"] == "r0000" and ds.attrs["git_commit"] == seqmem._core.git_commit
    assert ds.attrs["scenario"] == (SC / "fig1_two_episodes.toml").read_text()
    on_disk = seqmem.load_run(tmp_path / "f.h5")
    assert set(ds.attrs) == set(on_disk.attrs)
    for k in set(ds.attrs) - PROCESS:
        np.testing.assert_array_equal(ds.attrs[k], on_disk.attrs[k], err_msg=k)


# --- interruption and memory --------------------------------------------------------------------

def test_keyboard_interrupt_stops_a_long_run_and_leaves_no_file(tmp_path):
    out = tmp_path / "long.h5"
    main = threading.get_ident()
    timer = threading.Timer(0.5, lambda: signal.pthread_kill(main, signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        seqmem.run(SC / "fig1_two_episodes.toml", overrides={"t_end": 1e6, "sample_dt": 1.0, "states": []}, out=out)
    elapsed = time.monotonic() - t0
    timer.join()
    assert elapsed < 2.5, f"returned {elapsed - 0.5:.2f} s after the signal"
    assert list(tmp_path.iterdir()) == [], "a partial or output file was left"
    # and the package still works afterwards
    assert seqmem.run(SC / "gamm_recall.toml")[0].attrs["status"] == "completed"


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


def test_a_thousand_runs_do_not_grow_memory():
    small = {"model": {"N_f": 30}, "memories": {"K": 3}, "integrator": {"t_end": 2.0}}
    for _ in range(50):  # warm-up: caches, HDF5's free lists
        seqmem.run(small)
    before = rss_mb()
    for _ in range(1000):
        seqmem.run(small)
    grown = rss_mb() - before
    print(f"resident memory grew by {grown:.1f} MB over 1000 runs")
    assert grown < 50


def test_diffusion_score_against_its_closed_form_and_finite_differences():
    rng = np.random.default_rng(4)
    Y = rng.standard_normal((3, 4))
    dm = seqmem.Diffusion(Y, sigma=1.0, T=1.0, process="ve")
    x, t = rng.standard_normal(3), 0.6
    var = (1.0 - t) * 1.0 ** 2  # VE: p_t = mean_n N(y_n, (T - t) sigma^2 I) (Ambrogioni Eq. 8)
    d2 = ((x[:, None] - Y) ** 2).sum(axis=0)
    w = np.exp(-(d2 - d2.min()) / (2 * var))
    w /= w.sum()
    np.testing.assert_allclose(dm.score(x, t), (Y - x[:, None]) @ w / var, rtol=1e-10)
    log_p = np.log(np.mean(np.exp(-d2 / (2 * var)))) - 1.5 * np.log(2 * np.pi * var)
    assert dm.log_p(x, t) == pytest.approx(log_p, rel=1e-12)
    assert dm.energy(x, t) == pytest.approx(-log_p, rel=1e-12)  # -sigma^2 log p_t, sigma = 1
    np.testing.assert_allclose(dm.rhs(x, t), 0.5 * dm.score(x, t), rtol=1e-12)  # probability flow
    h = 1e-6
    fd = np.array([(dm.log_p(x + h * e, t) - dm.log_p(x - h * e, t)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(dm.score(x, t), fd, rtol=1e-6)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        dm.score(np.zeros(4), t)


def test_calls_from_several_threads_run_one_after_another():
    alone = seqmem.run(SC / "fig1_two_episodes.toml", overrides={"t_end": 300})[0]
    results = [None] * 3

    def work(i):
        results[i] = seqmem.run(SC / "fig1_two_episodes.toml", overrides={"t_end": 300})[0]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for ds in results:
        np.testing.assert_array_equal(ds["overlaps"].values, alone["overlaps"].values)


def test_numpy_values_in_dicts_are_lists_and_numbers():
    a = seqmem.validate(SC / "fig3_capacity_quick.toml",
                        overrides={"sweep_alpha_c": np.array([0.1, 0.2]), "sweep_degrees": np.array([2]),
                                   "K_max": np.int64(8)})
    assert a["command"] == "sweep"
    ds = seqmem.run({"model": {"N_f": np.int64(30)}, "memories": {"K": 3},
                     "episodes": {"cycles": [np.arange(1, 4)]}, "integrator": {"t_end": 5.0}})[0]
    assert ds.attrs["cycles"].tolist() == [1, 2, 3]


def interrupt_after(seconds, call):
    main = threading.get_ident()
    timer = threading.Timer(seconds, lambda: signal.pthread_kill(main, signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
    finally:
        timer.cancel()  # a call that failed at once must not leave a signal to come
    timer.join()
    return time.monotonic() - t0 - seconds


# Every engine polls the cancel flag at every step, not only at its samples: each case below has
# samples (or lists, or trajectories) many seconds of work apart.
ENGINES = {
    "rk4": ("fig1_two_episodes.toml", {"t_end": 1e6, "sample_dt": 1e5, "states": []}),
    "dopri5": ("fig1_two_episodes.toml", {"t_end": 1e7, "sample_dt": 1e6, "states": [], "stepper": "dopri5"}),
    "cvode_bdf": ("gsemm_stiff_limit.toml", {"t_end": 1e6, "sample_dt": 1e5}),
    "free recall, GSEMM with noise on V_f": ("free_recall_gsemm.toml", {"lists": 1, "t_end": 1e5, "sample_dt": 1e4}),
    "free recall, accumulator": ("free_recall_peers.toml", {"recall_rule": "accumulator", "recall_period": 1e5,
                                                             "accumulator_threshold": 1e9, "lists": 20,
                                                             "subjects": 1, "dt": 0.01}),
    "diffusion, reverse SDE": ("diffusion_recall.toml", {"trajectories": 2, "paths": 0, "dt": 1e-8}),
    "diffusion, probability flow": ("diffusion_recall.toml", {"trajectories": 1000000, "paths": 0,
                                                              "dynamics": "probability_flow"}),
    # the Figure 2 run (about 2.5 s): the signal comes during the fixed-point analysis, whose skipped
    # descents and slices must not be written (this crashed Python before)
    "fixed-point analysis": ("fig2_energy_landscape.toml", {}),
}


@pytest.mark.parametrize("engine", ENGINES)
def test_keyboard_interrupt_stops_every_engine_between_its_samples(engine, tmp_path):
    scenario, overrides = ENGINES[engine]
    out = tmp_path / "out.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # keys of the file the overrides leave unread
        late = interrupt_after(1.0, lambda: seqmem.run(SC / scenario, overrides=overrides, out=out, threads=1))
    assert late < 2.0, f"{engine}: stopped {late:.2f} s after the signal"
    assert list(tmp_path.iterdir()) == [], "a partial or output file was left"


def test_keyboard_interrupt_stops_an_event_driven_evaluation_and_a_baseline(tmp_path):
    # one evaluation at K = 2048, degree 3 (event-driven: tens of seconds uninterrupted)
    late = interrupt_after(1.0, lambda: seqmem.sweep(
        SC / "fig3_capacity.toml", overrides={"sweep_degrees": [3], "sweep_seeds": [1], "K_min": 2048,
                                              "K_max": 2048, "sweep_alpha_c": [0.3]}))
    assert late < 1.5, f"the sweep stopped {late:.2f} s after the signal"
    late = interrupt_after(1.0, lambda: seqmem.sweep(
        SC / "baseline_hopfield.toml", overrides={"baseline_N": [1000], "trials": 100}, out=tmp_path / "b.h5"))
    assert late < 1.5, f"the baseline stopped {late:.2f} s after the signal"
    assert not (tmp_path / "b.h5").exists()


def test_free_recall_events_as_csv_from_the_command_line_and_from_python(tmp_path):
    import io

    import pandas as pd
    from seqmem import free_recall as fr

    out = tmp_path / "phi.h5"
    seqmem.run(SC / "free_recall_phi_sweep.toml", overrides={"lists": 5, "subjects": 3}, out=out)
    table = fr.read_events(out, run="r0001")
    csv = cli("events", out, "--run", "r0001").stdout
    assert csv.startswith("subject,list,position,trial_type,item\n")
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(csv)), table.reset_index(drop=True), check_dtype=False)
    assert set(table.trial_type) == {"study", "recall"}
    assert (table[table.trial_type == "study"].groupby(["subject", "list"]).size() == 16).all()
    # the C++ serial-position curve of the run pools its lists: the same count from the table
    with h5py.File(out, "r") as f:
        spc = f["runs/r0001/spc"][:]
    merged = fr.merge(table)
    correct = merged[~merged.intrusion & ~merged.repeat]
    pooled = correct.groupby("input").size().reindex(range(1, 17), fill_value=0) / 15
    np.testing.assert_allclose(spc, pooled.to_numpy(), rtol=0, atol=1e-15)
    # errors: exit 2, one line naming the file
    odd = tmp_path / "odd.h5"  # a trial_type code that is neither study nor recall
    with h5py.File(odd, "w") as f:
        for col, v in {"subject": [1, 1], "list": [1, 1], "position": [1, 1], "trial_type": [0, 7], "item": [3, 3]}.items():
            f[f"runs/r0000/events/{col}"] = np.array(v, np.int32)
    for args in (["events", tmp_path / "none.h5"], ["events", out], ["events", out, "--run", "r0099"],
                 ["events", SC / "free_recall_phi_sweep.toml"], ["events", odd], ["events", tmp_path]):
        p = subprocess.run([SEQMEM, *map(str, args)], capture_output=True, text=True)
        assert p.returncode == 2, (args, p.stderr)
        assert p.stdout == "" and p.stderr.count("\n") == 1 and str(args[1]) in p.stderr, (args, p.stderr)
