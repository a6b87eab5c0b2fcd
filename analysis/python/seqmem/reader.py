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
:func:`diffusion_run`, :func:`landscape`, :func:`diffusion_table` and :func:`diffusion_labels`.

Needs only h5py, numpy, pandas and xarray (with the h5netcdf engine).
"""

import tomllib

import h5py
import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["open_runs", "load_run", "load_runs", "visits", "phi", "overlaps", "runs_table", "attrs", "parse_list", "key_values", "episodes",
           "fixed_points", "energy_surfaces", "sweep_tables", "sweep_configs", "OUTCOMES", "flags",
           "diffusion_run", "landscape", "diffusion_table", "diffusion_labels", "chi_square"]


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


# ------------------------------------------------------------------------------------------------
# Diffusion runs (kind = "diffusion"; Ambrogioni 2024, "Diffusion models are associative memories")


def _is_scale(d):
    """True for an HDF5 dimension scale (a coordinate)."""
    return _value(d.attrs.get("CLASS", b"")) == "DIMENSION_SCALE"


def _dims(d, name):
    """The dimension names of dataset ``d``: the names of its attached dimension scales, else
    ``<name>_dim<i>``."""
    out = []
    for i in range(d.ndim):
        scales = list(d.dims[i].values())
        out.append(scales[0].name.rsplit("/", 1)[-1] if scales else f"{name}_dim{i}")
    return out


def _group_dataset(g):
    """The datasets of the h5py group ``g`` (not its sub-groups) as an ``xarray.Dataset``: the
    dimension scales become coordinates, the others variables over their attached scales."""
    coords, data = {}, {}
    for name, d in g.items():
        if not isinstance(d, h5py.Dataset):
            continue
        if _is_scale(d):
            coords[name] = ((name,), d[()])
        else:
            data[name] = (_dims(d, name), d[()])
    return xr.Dataset(data, coords=coords)


def diffusion_run(path, run=None):
    """One diffusion run (``kind = "diffusion"``) as an ``xarray.Dataset`` loaded into memory.

    Coordinates: ``trajectory`` (0..M-1), ``dim`` (1..D), ``component`` (0..K-1), ``label``
    (0 = semantic manifold, 1..N = the memories), and when present ``rank`` (1..r_max),
    ``path_trajectory`` and ``path_time``. Variables:

    * per trajectory: ``cue`` (trajectory, dim), or (dim) when all trajectories share one cue,
      ``end_state`` (trajectory, dim), ``end_component`` (argmax of the posterior over components
      at t_end, -1 when the end state is not finite), ``end_memory`` (that component's label, -1
      if not finite), ``nearest`` (the component whose mean is nearest), ``distance``, ``overlap``;
    * per component: ``means`` (component, dim), ``component_weight`` (the prior pi_k),
      ``component_label``, ``component_rank`` and, when some rank is > 0, ``component_factor``
      (component, dim, rank) = U_k sqrt(lambda_k): Sigma_k = F_k F_k^T;
    * per label: ``label_counts``, ``label_frequency`` (counts / M: what the trajectories did) and
      ``label_posterior`` (the mean over the cues of the posterior mass of the label at (cue, t0):
      what the reverse-SDE frequencies estimate, §5.1);
    * recorded paths: ``path`` (path_trajectory, path_time, dim) and ``path_energy``
      (path_trajectory, path_time) = u_DM(x, t) = -sigma^2 log p_t(x).

    ``ds.attrs`` holds the run's attributes (the resolved scenario keys, ``t0`` resolved,
    ``landscape_t``, ``beta_used``, ``status``, ``message``, ``wall_time_s``, ``diverged``,
    ``N_components``), the file's root attributes and ``run``. The energy landscape, when written,
    is in :func:`landscape`.
    """
    with h5py.File(path, "r") as f:
        run = _run_id(f, run, path)
        g = f["runs"][run]
        ds = _group_dataset(g)
        ds.attrs.update(attrs(g))
        for k, v in attrs(f).items():
            ds.attrs.setdefault(k, v)
    ds.attrs["run"] = run
    return ds


def landscape(path, run=None):
    """The energy landscape of a diffusion run (group ``runs/<run>/landscape``; paper Figure 1) as
    an ``xarray.Dataset`` over (``y``, ``x``): ``energy`` = u_DM(x, t) = -sigma^2 log p_t(x)
    (Eq. 11-12), ``log_density`` = log p_t(x) and the score grad log p_t(x) as ``score_x``,
    ``score_y``, on the plane of coordinates 1 and 2 (the others 0) at time ``attrs["t"]``.
    ``attrs`` also holds ``plane`` and ``run``; raises KeyError when the run has no landscape
    (``landscape_grid = 0``)."""
    with h5py.File(path, "r") as f:
        run = _run_id(f, run, path)
        g = f["runs"][run]
        if "landscape" not in g:
            raise KeyError(f"{path}: run {run} has no landscape group (landscape_grid = 0)")
        ds = _group_dataset(g["landscape"])
        ds.attrs.update(attrs(g["landscape"]))
    ds.attrs["run"] = run
    return ds


# Attributes that differ between runs for reasons other than the scenario's keys.
_OUTCOME_KEYS = {"status", "message", "wall_time_s", "diverged", "id"}


def diffusion_table(path, keys=None):
    """One row per diffusion run (indexed by run id): the keys that vary between the runs (or the
    attribute names in ``keys``), then ``t0``, ``beta_used``, ``status``, ``N_components``,
    ``trajectories``, ``diverged``, ``wall_time_s``, and per label l the columns ``count_l``,
    ``frequency_l`` and ``posterior_l`` (NaN for a label the run does not have; label 0 is the
    semantic manifold, 1..N the memories)."""
    rows, labels = {}, set()
    with h5py.File(path, "r") as f:
        for run in sorted(f["runs"]):
            g = f["runs"][run]
            a = {k: v for k, v in attrs(g).items() if np.ndim(v) == 0}
            if "label" in g:
                for l, c, fr, po in zip(g["label"][()], g["label_counts"][()], g["label_frequency"][()],
                                        g["label_posterior"][()]):
                    a[f"count_{l}"], a[f"frequency_{l}"], a[f"posterior_{l}"] = int(c), float(fr), float(po)
                    labels.add(int(l))
            rows[run] = a
    df = pd.DataFrame.from_dict(rows, orient="index").rename_axis("run")
    if keys is None:
        label_cols = {f"{p}_{l}" for l in labels for p in ("count", "frequency", "posterior")}
        keys = [c for c in df.columns if c not in _OUTCOME_KEYS and c not in label_cols
                and c not in ("t0", "beta_used", "N_components", "landscape_t", "trajectories")
                and df[c].astype(str).nunique() > 1]
    fixed = [c for c in ("t0", "beta_used", "status", "N_components", "trajectories", "diverged", "wall_time_s")
             if c in df.columns and c not in keys]
    per_label = [f"{p}_{l}" for l in sorted(labels) for p in ("count", "frequency", "posterior")]
    return df[list(keys) + fixed + [c for c in per_label if c in df.columns]]


def diffusion_labels(path):
    """The per-label outcome of every diffusion run in long form: a DataFrame with columns
    ``run``, ``label`` (0 = semantic manifold, 1..N memories), ``count``, ``frequency``,
    ``posterior`` and ``stderr`` = sqrt(f (1 - f) / M), the binomial standard error of the
    frequency f over the run's M trajectories."""
    out = []
    with h5py.File(path, "r") as f:
        for run in sorted(f["runs"]):
            g = f["runs"][run]
            if "label" not in g:
                continue
            M = int(_value(g.attrs["trajectories"]))
            fr = g["label_frequency"][()]
            out.append(pd.DataFrame({"run": run, "label": g["label"][()], "count": g["label_counts"][()],
                                     "frequency": fr, "posterior": g["label_posterior"][()],
                                     "stderr": np.sqrt(fr * (1 - fr) / M)}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(
        columns=["run", "label", "count", "frequency", "posterior", "stderr"])


def chi_square(counts, probabilities, min_expected=5.0):
    """Pearson's goodness-of-fit test of ``counts`` (per category) against ``probabilities``.

    Categories with probability 0 are left out (any count there gives p = 0); categories whose
    expected count is below ``min_expected`` are pooled into one. Returns ``(statistic, dof,
    p_value)`` with dof = (categories after pooling) - 1; p is 1 when one category is left.
    """
    counts = np.asarray(counts, float)
    prob = np.asarray(probabilities, float)
    M = counts.sum()
    if np.any(counts[prob <= 0] > 0):
        return np.inf, max(1, int((prob > 0).sum()) - 1), 0.0
    keep = prob > 0
    counts, prob = counts[keep], prob[keep] / prob[keep].sum()
    small = prob * M < min_expected
    if small.any():
        counts = np.append(counts[~small], counts[small].sum())
        prob = np.append(prob[~small], prob[small].sum())
    if len(counts) < 2:
        return 0.0, 0, 1.0
    from scipy.stats import chisquare

    stat, p = chisquare(counts, prob * M)
    return float(stat), len(counts) - 1, float(p)
