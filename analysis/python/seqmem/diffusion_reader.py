"""Read the diffusion runs (``kind = "diffusion"``; Ambrogioni 2024, "Diffusion models are associative
memories") of the HDF5 files written by ``seqmem run``: one run as an ``xarray.Dataset``
(:func:`diffusion_run`), its energy landscape (:func:`landscape`), a table of every run
(:func:`diffusion_table`) and of the labels reached (:func:`diffusion_labels`), and the chi-square
test of label frequencies against their posterior (:func:`chi_square`). The layout is
docs/output.md's; the GSEMM-family runs and the sweeps are read by :mod:`seqmem.reader`.

Needs only h5py, numpy, pandas and xarray.
"""

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .reader import _run_id, _value, attrs

__all__ = ["diffusion_run", "landscape", "diffusion_table", "diffusion_labels", "chi_square"]


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
