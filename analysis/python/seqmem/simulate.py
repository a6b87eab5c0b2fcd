"""The simulator in-process: run, sweep and validate scenarios, list the keys, and the models as
objects. Wraps the compiled module ``seqmem._core`` (sim/python_module.cpp).

A scenario is given as

- a path (``str`` without ``=`` or a newline, or ``pathlib.Path``) to a TOML file;
- a TOML string (contains ``=`` or a newline); files it names are looked up from the working
  directory;
- a nested ``dict`` with the same sections and keys as a file (``{"model": {"N_f": 100}, ...}``).

``overrides`` behave like the command line's ``--set``: a ``dict`` ``{"alpha_c": 0.3}`` or a list
of ``"key=value"`` strings (``"model.alpha_c=0.3"`` works too).

Results are read back from the HDF5 file the C++ writer produced, so an in-process run and
``seqmem run -o FILE`` give the same variables, dimensions, coordinates and attributes (one layout,
docs/output.md). Without ``out=`` that file lives in a private temporary folder (Python's
``tempfile``: ``$TMPDIR`` or ``/tmp``) and is removed before the function returns; the Datasets are
loaded into memory, so a run whose output does not fit in memory should use ``out=`` and read the
file lazily with ``xarray.open_dataset``.

Errors: bad input raises :class:`InputError` (a ``ValueError``) with the command line's message
(``FILE:LINE:COL: key 'K': ...``; the file is ``<string>`` or ``<dict>`` for text and dicts); a
failed write raises :class:`OutputError` (an ``OSError``). Ctrl-C (``KeyboardInterrupt``) stops a
run at its next sample, a sweep evaluation at its next event or sample (the evaluation is not
recorded), a diffusion run at its next trajectory, a fixed-point analysis at its next state, and
removes the partial output.
"""

import os
import tempfile
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from . import reader

try:
    from . import _core
    InputError = _core.InputError
    OutputError = _core.OutputError
except ImportError:
    _core = None

    class InputError(ValueError):
        """Bad input (raised by the compiled core, which is not built here)."""

    class OutputError(OSError):
        """A failed write (raised by the compiled core, which is not built here)."""


def _need_core():
    if _core is None:
        raise ImportError("seqmem's compiled core (seqmem._core) is not built: run ./setup.sh build and import "
                          "seqmem from build/python (docs/python.md)")
    return _core


def _scenario(scenario):
    """(text, name in messages, folder for relative file names) of a path, TOML string or dict."""
    core = _need_core()
    if isinstance(scenario, dict):
        return core.toml_text(scenario), "<dict>", os.getcwd()
    if isinstance(scenario, os.PathLike) or (isinstance(scenario, str) and "\n" not in scenario
                                             and "=" not in scenario):
        p = Path(scenario)
        try:
            text = p.read_text()
        except OSError as e:
            raise InputError(f"{p}: cannot read the scenario file ({e.strerror or e})") from None
        return text, str(p), str(p.parent) if str(p.parent) else "."
    if isinstance(scenario, str):
        return scenario, "<string>", os.getcwd()
    raise TypeError(f"scenario: expected a path, a TOML string or a dict, got {type(scenario).__name__}")


def _overrides(overrides):
    """The --set strings of a dict or a list of "key=value"."""
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        core = _need_core()
        out = []
        for k, v in overrides.items():
            text = core.toml_text({"v": v}).strip()  # "v = <value>"
            out.append(f"{k}={text.partition('=')[2].strip()}")
        return out
    if isinstance(overrides, str):
        return [overrides]
    return [str(o) for o in overrides]


def _load(path, group):
    with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
        return ds.load()


def run(scenario, overrides=None, threads=None, out=None, overwrite=False, progress=False):
    """Run every run of a scenario (``seqmem run``) in this process.

    Parameters: ``scenario`` (path, TOML string or dict; see the module), ``overrides`` (like
    ``--set``), ``threads`` (OpenMP threads over the runs; ``None``: OpenMP's default, as the
    command line), ``out`` (also keep the HDF5 file there; refused if it exists unless
    ``overwrite``), ``progress`` (the command line's progress lines on stderr).

    Returns a list with one ``xarray.Dataset`` per run (``runs/r0000``, ``runs/r0001``, ...), loaded
    into memory: the variables, dimensions, coordinates and attributes of the run's HDF5 group
    (docs/output.md; e.g. ``overlaps(time, memory)``, time in units of T_f). Sub-groups (the
    fixed-point analysis, diffusion landscapes) are read from a file kept with ``out=`` by
    :func:`seqmem.fixed_points`, :func:`seqmem.energy_surfaces`, :func:`seqmem.landscape`.

    Raises :class:`InputError` (bad scenario or overrides), :class:`OutputError`,
    ``KeyboardInterrupt``.
    """
    text, name, folder = _scenario(scenario)
    sets = _overrides(overrides)
    with tempfile.TemporaryDirectory(prefix="seqmem-") as tmp:
        target = str(out) if out is not None else os.path.join(tmp, "run.h5")
        outcomes = _core.run(text, name, folder, sets, target, int(threads or 0), bool(overwrite), bool(progress))
        return [_load(target, f"runs/{o['id']}") for o in outcomes]


def sweep(scenario, overrides=None, threads=None, out=None, resume=False, progress=False):
    """A capacity sweep (``[sweep]``) or a classical baseline (``[baseline]``), like ``seqmem sweep``.

    Returns two ``pandas.DataFrame``: for a capacity sweep ``(evaluations, capacity)`` as
    :func:`seqmem.sweep_tables` gives them (one row per simulated (K, alpha_c); one row per
    (config, degree, seed) with the capacity, ``censored`` 1 for a lower bound); for a baseline
    ``(baseline, baseline_summary)`` (one row per trial; one per (config, N, degree)).
    ``out``/``resume`` keep and continue a checkpoint file as ``--resume`` does.

    Raises :class:`InputError` (also for a scenario without ``[sweep]`` or ``[baseline]``),
    :class:`OutputError`, ``KeyboardInterrupt`` (the last checkpoint of ``out`` stays resumable).
    """
    text, name, folder = _scenario(scenario)
    sets = _overrides(overrides)
    with tempfile.TemporaryDirectory(prefix="seqmem-") as tmp:
        target = str(out) if out is not None else os.path.join(tmp, "sweep.h5")
        _core.sweep(text, name, folder, sets, target, int(threads or 0), bool(resume), bool(progress))
        with h5py.File(target, "r") as f:
            capacity_sweep = "evaluations" in f
        if capacity_sweep:
            return reader.sweep_tables(target)
        return tuple(_load(target, g).to_dataframe() for g in ("baseline", "baseline_summary"))


def validate(scenario, overrides=None):
    """Check a scenario and the files it names, like ``seqmem validate``; writes nothing.

    Returns ``{"command": "run" | "sweep" | "baseline", "runs": ["r0000", ...]}``; raises
    :class:`InputError`.
    """
    text, name, folder = _scenario(scenario)
    return _core.validate(text, name, folder, _overrides(overrides))


def keys():
    """Every scenario key as a ``pandas.DataFrame`` indexed by key: ``section``, ``type``,
    ``default`` (TOML), ``range`` (the checked range or choices), ``meaning``, ``family`` (gsemm,
    diffusion, free_recall, "gsemm, free_recall" or all) — the table of ``seqmem keys`` and docs/scenarios.md."""
    return pd.DataFrame(_need_core().keys()).set_index("key")


def _model_toml(kind, N_f, K, params):
    model = {"kind": kind, "N_f": int(N_f), **params}
    return _need_core().toml_text({"model": model, "memories": {"K": int(K)}})


def _matrix(a, name, shape=None):
    a = np.ascontiguousarray(a, dtype=np.float64) if isinstance(a, np.ndarray) and a.dtype == np.float64 else a
    if not isinstance(a, np.ndarray) or a.dtype != np.float64 or a.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D float64 NumPy array"
                         + (f" of shape {shape}" if shape else "") + f", got {getattr(a, 'dtype', type(a).__name__)}"
                         + (f" of shape {a.shape}" if isinstance(a, np.ndarray) else ""))
    return a


def DenseGSEMM(Xi, Phi, **params):
    """Dense GSEMM (GSEMM Eq. 9-10; docs/models.md §1.4) as an object for your own integrators.

    ``Xi``: (N_f, K) float64, the memories as columns; ``Phi``: (K, K) float64, ``Phi[a, b]`` the
    step xi_(a+1) -> xi_(b+1). ``params``: the ``[model]`` keys of a scenario (``alpha_s``,
    ``alpha_c``, ``T_f``, ``T_d``, ``beta_d``, ``gamma``, ``sigma_h``, ``degree``, ``beta_h``,
    ``alpha_s_placement``, ``hidden_normalization``), checked like a scenario's (InputError).

    The state is ``x = [V_f, V_d, u_d]`` (2 N_f + K entries; ``u_d = Xi^T V_d`` is carried for
    speed): ``model.state(V_f, V_d)`` builds it. ``model.rhs(x, t)`` is dx/dt (time in units of
    T_f), ``model.energy(x)`` E(V_f; V_d) (Eq. 13 in the limit), ``model.jacobian(x, t)`` the
    (2 N_f + K)^2 Jacobian. Arrays are float64, C-contiguous, of the stated shapes (ValueError
    otherwise). ``scipy.integrate.solve_ivp(lambda t, x: model.rhs(x, t), ...)`` integrates it.
    """
    Xi = _matrix(Xi, "Xi")
    Phi = _matrix(Phi, "Phi", (Xi.shape[1], Xi.shape[1]))
    return _core.DenseGSEMM(Xi, Phi, _model_toml("dense_gsemm", Xi.shape[0], Xi.shape[1], params))


def GSEMM(Xi, Phi, **params):
    """GSEMM with three layers (GSEMM Eq. 1; docs/models.md §1.1): as :func:`DenseGSEMM`, with the
    state ``x = [V_f, V_h, V_d]`` (2 N_f + K entries; ``model.state(V_f, V_d)`` puts V_h at the
    value where dV_h/dt = 0) and the key ``T_h``. ``energy`` is Eq. 4."""
    Xi = _matrix(Xi, "Xi")
    Phi = _matrix(Phi, "Phi", (Xi.shape[1], Xi.shape[1]))
    return _core.GSEMM(Xi, Phi, _model_toml("gsemm", Xi.shape[0], Xi.shape[1], params))


def ModernHopfield(Y, beta):
    """The continuous modern Hopfield network (Ambrogioni 2024 Eq. 5; docs/models.md §2.1):
    ``Y`` (D, N) float64, the patterns as columns; ``beta`` > 0. ``rhs(x, t)`` = Y softmax(beta
    Y^T x) - x, ``energy(x)`` = u_MH(x, beta), ``jacobian(x, t)`` (D x D); ``x`` has shape (D,)."""
    return _need_core().ModernHopfield(_matrix(Y, "Y"), float(beta))


def Diffusion(Y, sigma=1.0, T=1.0, process="ve", gamma_v=0.5):
    """A diffusion model whose data are the patterns ``Y`` (D, N) float64, columns y_n, with equal
    weights (Ambrogioni 2024 Eq. 8; docs/models.md §2): ``process`` ``"ve"`` (variance exploding,
    Eq. 7-8) or ``"vp"`` (Ornstein-Uhlenbeck with ``gamma_v``, Eq. 15-21); time t runs from 0 to
    ``T`` (clean data at T), in the process's own units.

    Methods, x of shape (D,): ``rhs(x, t)`` the probability-flow drift dx/dt = sigma^2/2 score (+
    gamma_v x), ``reverse_drift(x, t)`` the reverse SDE's drift, ``score(x, t)`` = grad log p_t(x)
    (exact, closed form), ``log_p(x, t)``, ``energy(x, t)`` = -sigma^2 log p_t(x) (Eq. 11-12),
    ``hopfield_beta(t)`` the matching modern Hopfield inverse temperature (Eq. 13-14). There is no
    Jacobian. Wrong shapes or dtypes raise ``ValueError``.
    """
    return _need_core().Diffusion(_matrix(Y, "Y"), float(sigma), float(T), str(process), float(gamma_v))