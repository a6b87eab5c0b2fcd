"""Read the HDF5 files written by ``seqmem run`` (and, with :func:`sweep_tables` and
:func:`sweep_configs`, those written by ``seqmem sweep``).

Layout: one group per run under ``/runs/<id>`` (``r0000``, ``r0001``, ...) holding the datasets
``time``, ``overlaps`` (time, memory), ``Xi`` (neuron, memory), Phi as its nonzero entries
(``Phi_from``, ``Phi_to``, ``Phi_value`` over ``Phi_entry``; :func:`phi` makes the matrix),
``visit_memory`` and ``visit_time`` over ``visit`` (:func:`visits`) and, when recorded, ``state_time`` with ``V_f``/``V_d``
(state_time, neuron) and ``V_h`` (state_time, memory). Memory labels are 1-based, as the
paper's xi_1 ... xi_K. The run's attributes are its resolved scenario keys plus its outcome
(status, message, t_stop, wall_time_s, and cycles_completed ... when the scenario has
expect_cycle).

Diffusion runs (``kind = "diffusion"``, Ambrogioni 2024) have another layout, read with
:func:`diffusion_run`, :func:`landscape`, :func:`diffusion_table` and :func:`diffusion_labels`
(module :mod:`seqmem.diffusion_reader`).

Needs only h5py, numpy, pandas and xarray (with the h5netcdf engine).
"""

import tomllib

import h5py
import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["open_runs", "load_run", "load_runs", "visits", "phi", "overlaps", "runs_table", "attrs", "parse_list", "key_values", "episodes",
           "fixed_points", "energy_surfaces", "sweep_tables", "sweep_configs", "baseline_tables", "OUTCOMES", "flags"]


def _value(v):
    """An HDF5 attribute value as a plain Python value (bytes -> str, NumPy scalar -> int/float)."""
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, np.generic):
        return v.item()
    return v


def attrs(obj):
    """The attributes of an h5py file, group or dataset as a dict of plain Python values."""
    return {k: _value(v) for k, v in obj.attrs.items()}


def parse_list(value):
    """A list-valued key as a Python list. Files of format 2 store lists as arrays
    (``expect_cycle = [4, 5, 6, 7]``); files written before (no ``format_version``) as TOML text
    (``"[ 4, 5, 6, 7 ]"``). Both give ``[4, 5, 6, 7]``."""
    if isinstance(value, str):
        return tomllib.loads(f"v = {value}")["v"]
    return [_value(v) for v in np.atleast_1d(value)]


def _nested(flat, lengths):
    out, i = [], 0
    for n in lengths:
        out.append(flat[i:i + n])
        i += n
    return out


def key_values(a):
    """A group's attributes (from :func:`attrs`) with list-valued keys as Python lists: arrays
    become lists, TOML text of files before format 2 is parsed, and ``cycles`` (stored as the
    concatenated labels with ``cycles_lengths``) becomes the list of episodes."""
    def value(v):
        if np.ndim(v) > 0:
            return parse_list(v)
        if isinstance(v, str) and v.startswith("["):  # format 1
            try:
                return parse_list(v)
            except tomllib.TOMLDecodeError:
                pass
        return v

    out = {k: value(v) for k, v in a.items() if k != "cycles_lengths"}
    if "cycles_lengths" in a and "cycles" in out:
        out["cycles"] = _nested(out["cycles"], parse_list(a["cycles_lengths"]))
    return out


def _run_id(f, run, path):
    """The run group to read: ``run`` when given (it must exist), else the file's only run; a file
    of several runs without ``run`` is an error that lists them (no silent first run)."""
    runs = sorted(f["runs"]) if "runs" in f else []
    if run is not None:
        if run not in runs:
            raise KeyError(f"{path}: no run {run!r} (the file holds {_listing(runs)})")
        return run
    if len(runs) == 1:
        return runs[0]
    if not runs:
        raise ValueError(f"{path}: no runs (not a run file: seqmem.run(out=...) or the command seqmem run write one)")
    raise ValueError(f"{path} holds {len(runs)} runs ({_listing(runs)}): name one with run=..., or read them all "
                     f"with seqmem.load_runs")


def _listing(runs, shown=6):
    return ", ".join(runs[:shown]) + (f", ... ({len(runs) - shown} more)" if len(runs) > shown else "") if runs else "none"


def _run(path, run):
    """The id of the run to read from the file at ``path`` (see :func:`_run_id`)."""
    with h5py.File(path, "r") as f:
        return _run_id(f, run, path)


def episodes(path, run=None):
    """The episodes of a GSEMM run as lists of 1-based memory labels, e.g. ``[[1, 2, 3], [4, 5, 6, 7]]``
    (the ``cycles`` key); ``[]`` when the run has none (Phi from a file, or kind = "gamm")."""
    with h5py.File(path, "r") as f:
        return key_values(attrs(f["runs"][_run_id(f, run, path)])).get("cycles", [])


def open_runs(path):
    """The run ids in the file (``["r0000", ...]``), sorted."""
    with h5py.File(path, "r") as f:
        return sorted(f["runs"])


def load_run(path, run=None):
    """One run as an ``xarray.Dataset``, loaded into memory (the file is closed on return).

    ``ds.attrs`` holds the run's attributes, the file's root attributes (``seqmem_version``,
    ``git_commit``, ``scenario``, ``scenario_path``, ``overrides``, ``created``, ``n_runs``, ...) and
    ``run`` (the run id). ``run=None`` reads the file's only run; a file of several runs then raises
    ``ValueError`` listing them (:func:`load_runs` reads them all).
    """
    run = _run(path, run)
    with xr.open_dataset(path, group=f"runs/{run}", engine="h5netcdf") as ds:
        ds = ds.load()
    with h5py.File(path, "r") as f:
        for k, v in attrs(f).items():
            ds.attrs.setdefault(k, v)
    ds.attrs["run"] = run
    return ds


def load_runs(path):
    """Every run of a file as a list of ``xarray.Dataset`` (:func:`load_run` of each, in run order)."""
    return [load_run(path, r) for r in open_runs(path)]


def visits(path, run=None):
    """The visited memories in order: a DataFrame with columns ``memory`` (1-based) and
    ``t_entry`` (time in units of T_f), indexed by ``visit`` (1, 2, ...). In the file these are
    the variables ``visit_memory`` and ``visit_time`` over the dimension ``visit``."""
    with h5py.File(path, "r") as f:
        g = f["runs"][_run_id(f, run, path)]
        df = pd.DataFrame({"memory": g["visit_memory"][()], "t_entry": g["visit_time"][()]},
                          index=pd.Index(g["visit"][()], name="visit"))
    return df


def phi(path, run=None):
    """Phi of a run as a dense K x K NumPy array: Phi[a - 1, b - 1] is the weight of the step
    xi_a -> xi_b. The file stores its nonzero entries (``Phi_from``, ``Phi_to``, ``Phi_value``
    over ``Phi_entry``, 1-based memory labels)."""
    with h5py.File(path, "r") as f:
        g = f["runs"][_run_id(f, run, path)]
        K = len(g["memory"])
        P = np.zeros((K, K))
        np.add.at(P, (g["Phi_from"][()] - 1, g["Phi_to"][()] - 1), g["Phi_value"][()])
    return P


def overlaps(path, run=None):
    """The overlaps m_mu(t): a DataFrame indexed by ``time`` with one column per memory label."""
    with h5py.File(path, "r") as f:
        g = f["runs"][_run_id(f, run, path)]
        return pd.DataFrame(g["overlaps"][()],
                            index=pd.Index(g["time"][()], name="time"),
                            columns=pd.Index(g["memory"][()], name="memory"))


def runs_table(path):
    """One row per run (indexed by run id) with the run's scalar attributes: the resolved
    parameters, status, t_stop, cycles_completed, ... List-valued keys (``cycles``,
    ``expect_cycle``, ``states``, ...) are Python lists (see :func:`key_values`)."""
    rows = {}
    with h5py.File(path, "r") as f:
        for run in sorted(f["runs"]):
            rows[run] = key_values(attrs(f["runs"][run]))
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("run")


def _run_coords(path, run, *names):
    """Dimension scales of the run group (``memory``, ``neuron``, ...) as {name: array}."""
    with h5py.File(path, "r") as f:
        g = f["runs"][run]
        return {n: g[n][()] for n in names if n in g}


def fixed_points(path, run=None):
    """The fixed-point analysis of a run (group ``runs/<run>/fixed_points``, written when the
    scenario has ``[fixed_points] find_fixed_points = true``; paper Figure 2C, D) as an
    ``xarray.Dataset`` loaded into memory, with coordinates ``fp_time``, ``memory`` (1-based) and
    ``neuron``.

    Per sample (``fp_time``): the sampled states ``V_f``, ``V_d`` (fp_time, neuron); the fixed point
    reached from the state with V_d frozen, ``state_V_f``, ``state_overlaps`` (fp_time, memory),
    ``state_energy``, ``state_n_unstable``, ``state_converged``, ``state_residual``,
    ``state_max_eigenvalue``, ``state_distance`` (|state_V_f - V_f|); and the one reached from each
    memory, ``memory_V_f`` (fp_time, memory, neuron), ``memory_energy``, ``memory_overlap`` (with
    its own start memory), ``memory_nearest`` (1-based label of the largest overlap),
    ``memory_n_unstable``, ``memory_converged`` (fp_time, memory). The ``*_converged`` flags are
    returned as booleans. The energy surfaces are in :func:`energy_surfaces`.
    """
    run = _run(path, run)
    group = f"runs/{run}/fixed_points"
    with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
        ds = ds.load()
    # files before format 2 keep the memory and neuron coordinates in the run group only
    ds = ds.assign_coords({k: v for k, v in _run_coords(path, run, "memory", "neuron").items() if k in ds.dims})
    for k in ("state_converged", "memory_converged"):
        if k in ds:
            ds[k] = ds[k].astype(bool)
    ds.attrs["run"] = run
    return ds


def energy_surfaces(path, run=None):
    """The energy surfaces of a run (group ``runs/<run>/fixed_points/surface``; paper Figure 2A) as
    an ``xarray.Dataset`` loaded into memory.

    ``energy`` (slice_time, a, b) is E(V_f = a e1 + b e2; V_d(slice_time)), with ``basis``
    (plane, neuron) holding the unit vectors e1, e2 (the first two principal directions of V_f in
    the window for ``surface_plane = "pca"``); ``trajectory`` (fp_time, plane) is the sampled V_f
    projected on (e1, e2). Coordinates: ``slice_time``, ``a``, ``b``, ``plane`` (1, 2), ``fp_time``
    and ``neuron`` (files before format 2: taken from the enclosing groups).
    """
    run = _run(path, run)
    group = f"runs/{run}/fixed_points/surface"
    with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
        ds = ds.load()
    coords = _run_coords(path, run, "neuron")
    with h5py.File(path, "r") as f:
        coords["fp_time"] = f["runs"][run]["fixed_points"]["fp_time"][()]
    ds = ds.assign_coords({k: v for k, v in coords.items() if k in ds.dims})
    ds.attrs["run"] = run
    return ds


# The outcome codes of /evaluations/outcome (sim/experiments/capacity.hpp), used when the file's
# flag_values / flag_meanings attributes are missing.
OUTCOMES = {0: "success", 1: "wrong", 2: "stalled", 3: "horizon", 4: "diverged", 5: "censored"}


def flags(dataset):
    """{code: name} of a coded integer variable from its CF ``flag_values`` and ``flag_meanings``
    attributes (``outcome``: ``0 1 2 3 4 5`` / ``success wrong stalled horizon diverged censored``),
    or from the ``codes`` text of files written before format 2 ("0 success, 1 wrong (...), ...")."""
    a = dataset.attrs
    if "flag_values" in a and "flag_meanings" in a:
        return dict(zip((int(v) for v in np.atleast_1d(a["flag_values"])), _value(a["flag_meanings"]).split()))
    import re

    return {int(c): n for c, n in re.findall(r"(?:^|,)\s*(\d+)\s+([A-Za-z_]\w*)", _value(a.get("codes", "")))}


# The column order of the sweep tables, as seqmem writes them (h5py lists them alphabetically).
_SWEEP_COLUMNS = ["config", "degree", "seed", "K", "alpha_c", "success", "outcome", "cycles", "visits", "dwell",
                  "t_first_error", "t_stop", "solver_steps", "solver_rhs_evals", "fell_back", "wall_time_s", "capacity", "censored",
                  "K_largest_tried", "stop"]


def _table(group, dim):
    """A group of column datasets over one dimension ``dim`` as a DataFrame indexed by ``dim``,
    the known columns in seqmem's order, then any others."""
    cols = {k: ds[()] for k, ds in group.items() if k != dim and isinstance(ds, h5py.Dataset)}
    order = [k for k in _SWEEP_COLUMNS if k in cols] + sorted(k for k in cols if k not in _SWEEP_COLUMNS)
    index = pd.Index(group[dim][()], name=dim) if dim in group else None
    return pd.DataFrame({k: cols[k] for k in order}, index=index)


def sweep_tables(path, partial=False):
    """The two tables of a capacity sweep file (``seqmem sweep``; paper Figure 3) as DataFrames:
    ``(evaluations, capacity)``.

    ``evaluations`` (index ``evaluation``, 1-based) has one row per simulated task, with the stored
    columns ``config`` (0-based position of the scenario run; its parameters are
    ``/configs/r0000`` ..., see :func:`sweep_configs`), ``degree``, ``seed``, ``K``, ``alpha_c``,
    ``success`` (0/1), ``outcome`` (0 success, 1 wrong visit, 2 stalled, 3 horizon, 4 diverged,
    5 censored), ``cycles`` (complete cycles retrieved in order), ``visits``, ``dwell`` (median time
    between visits, time in units of T_f; NaN with fewer than 2 visits), ``t_first_error`` (NaN:
    none; files before format 2 have -1 for "none" in both), ``t_stop``, ``solver_steps``, ``solver_rhs_evals`` and ``wall_time_s``; plus
    ``outcome_name``, the outcome as a categorical of the names given by the dataset's
    ``flag_meanings`` attribute (every name is a category, counted or not).

    ``capacity`` (index ``pair``, 1-based) has one row per (config, degree, seed): ``config``,
    ``degree``, ``seed``, ``capacity`` (the largest K that succeeded for some alpha_c, ``K_min - 1``
    when none did), ``censored`` (1: ``capacity`` is a lower bound), ``K_largest_tried`` and
    ``stop`` (0 a K failed, 1 every K up to K_max succeeded, 2 an evaluation ran out of its budget).
    Rows are sorted as in the file (by config, degree, seed, K, alpha_c). The search evaluates only
    some K (growing by K_growth, then bisection, or the K_list) and, at each K, the alpha_c in the
    order of sim/experiments/capacity.hpp up to the first success, so not every (K, alpha_c) of the grid has
    a row.

    An unfinished sweep (root attribute ``complete`` false: the checkpoint ``OUT.checkpoint`` of an
    interrupted ``seqmem sweep``, or a file of seqmem 0.1 stopped midway) holds only what was done
    before it stopped: it raises ``ValueError`` unless ``partial=True``, which reads it with a
    ``UserWarning``. Capacity tables of configurations that differ (a ``[runs]`` grid) carry the
    differing keys as columns (``T_d``, ...), so that ``cap.pivot_table(index="T_d",
    columns="degree", values="capacity")`` needs nothing else; with ``capacity_per_alpha_c`` the
    table has an ``alpha_c`` column.
    """
    with h5py.File(path, "r") as f:
        if not bool(f.attrs.get("complete", True)):
            what = (f"{path} is an unfinished sweep (complete = 0): its tables hold only the evaluations done "
                    f"before it stopped")
            if not partial:
                raise ValueError(f"{what}; finish it with seqmem.sweep(SCENARIO, out=OUT, resume=True) (the command "
                                 f"line: seqmem sweep SCENARIO -o OUT --resume), or pass partial=True to read it as it is")
            import warnings
            warnings.warn(what, UserWarning, stacklevel=2)
        if "evaluations" not in f or "capacity" not in f:
            raise ValueError(f"{path}: not a sweep file (no evaluations and capacity tables; seqmem.sweep(out=...) or "
                             f"the command seqmem sweep write one)")
        ev = _table(f["evaluations"], "evaluation")
        cap = _table(f["capacity"], "pair")
        has_configs = "configs" in f
        names = (flags(f["evaluations/outcome"]) if "outcome" in f["evaluations"] else {}) or dict(OUTCOMES)
    if "outcome" in ev:
        cats = [names[c] for c in sorted(names)]
        ev["outcome_name"] = pd.Categorical(ev["outcome"].map(names), categories=cats)
    if "config" in cap and has_configs:
        cap = _with_config_values(path, cap)
    return ev, cap


def baseline_tables(path):
    """The two tables of a baseline sweep file (``seqmem sweep`` on a ``[baseline]`` scenario:
    singleton or sequence capacity of the classical and sequence memories; docs/capacity.md, "The
    family") as DataFrames: ``(trials, summary)``.

    ``trials`` (index ``trial_row``) has one row per (config, N, degree, trial): ``config``, ``N``,
    ``degree`` (0 for the exponential memories), ``trial`` (0-based) and ``capacity`` (patterns).
    ``summary`` (index ``setting``) one row per (config, N, degree): ``mean``, ``std``,
    ``mean_per_neuron``, ``trials_at_P_max`` and the laws ``law_P_T``, ``law_P_S`` (NaN for the
    singleton memories). Both carry, after ``config``, the keys whose values differ between the
    configurations (``baseline_model``, ``baseline_criterion``, ``separation``, ...) and always
    ``baseline_model`` and ``baseline_criterion``, so that
    ``summary.pivot_table(index="degree", columns=["baseline_model", "baseline_criterion"], values="mean")``
    is the family table. ``ValueError`` for a file that is not a baseline sweep."""
    with h5py.File(path, "r") as f:
        if "baseline" not in f or "baseline_summary" not in f:
            raise ValueError(f"{path}: not a baseline sweep file (no baseline and baseline_summary tables; "
                             f"seqmem sweep on a scenario with [baseline] writes one)")
        trials = _table(f["baseline"], "trial_row")
        summary = _table(f["baseline_summary"], "setting")
    configs = sweep_configs(path)
    keep = ["baseline_model", "baseline_criterion"]
    keep += [c for c in configs.columns if c not in ("id", *keep) and configs[c].map(repr).nunique() > 1]
    keep = [c for c in keep if c in configs.columns]

    def joined(t):
        out = t.join(configs[keep], on="config")
        return out[["config", *keep] + [c for c in t.columns if c != "config"]]

    return joined(trials), joined(summary)


def _with_config_values(path, cap):
    """``cap`` with the keys whose values differ between the configurations as columns after
    ``config`` (the configurations' values, by name: ``T_d``, ``beta_d``, ...)."""
    configs = sweep_configs(path)
    varying = [c for c in configs.columns if c != "id" and configs[c].map(repr).nunique() > 1]
    if not varying:
        return cap
    values = configs[varying]
    out = cap.join(values, on="config")
    order = ["config", *varying] + [c for c in cap.columns if c != "config"]
    return out[order]


def sweep_configs(path):
    """The configurations of a sweep file (``/configs/r0000`` ...; one per scenario run) as a
    DataFrame indexed by ``config`` (0, 1, ..., the value of the ``config`` columns of
    :func:`sweep_tables`) with the group ``id`` and the resolved scalar parameters (``K_min``,
    ``K_max``, ``N_f``, ``beta_d``, ...); list-valued keys (``sweep_degrees``, ``sweep_alpha_c``,
    ...) are Python lists (see :func:`key_values`)."""
    rows = {}
    with h5py.File(path, "r") as f:
        for cid in sorted(f["configs"]):
            a = key_values(attrs(f["configs"][cid]))
            rows[int(cid.lstrip("r"))] = {"id": cid, **a}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("config")
