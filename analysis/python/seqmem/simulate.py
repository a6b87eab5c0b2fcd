"""The simulator in-process: run, sweep and validate scenarios, list the keys, and the models as
objects. Wraps the compiled module ``seqmem._core`` (sim/app/python_module.cpp).

A scenario is given as

- a path (``str`` without ``=`` or a newline, or ``pathlib.Path``) to a TOML file;
- a TOML string (contains ``=`` or a newline); files it names are looked up from the working
  directory;
- a nested ``dict`` with the same sections and keys as a file (``{"model": {"N_f": 100}, ...}``).

``overrides`` behave like the command line's ``--set``: a ``dict`` (``{"alpha_c": 0.3}``,
``{"model.alpha_c": 0.3}`` or ``{"model": {"alpha_c": 0.3}}``) or a list of ``"key=value"``
strings.

Results are read back from the HDF5 file the C++ writer produced, so an in-process run and
``seqmem run -o FILE`` give the same variables, dimensions, coordinates and attributes (one layout,
docs/output.md). Without ``out=`` that file lives in a private temporary folder (Python's
``tempfile``: ``$TMPDIR`` or ``/tmp``) and is removed before the function returns; the Datasets are
loaded into memory, so a run whose output does not fit in memory should use ``out=`` and read the
file lazily with ``xarray.open_dataset``.

Values: a scenario dict and ``overrides`` take Python values (``int``, ``float``, ``bool``, ``str``,
lists and NumPy scalars and arrays), converted once and checked against the same types and ranges
as a file's (``seqmem keys``).

Errors: bad input raises :class:`InputError` (a ``ValueError``) naming where the value came from,
in Python's terms for Python values (``overrides['lists'] = 1000000000000000000000000000000: must
be an integer in 1..10000000``; ``scenario['model']['T_d']: key 'T_d': must be > 0, got -2``;
``DenseGSEMM(alpha_c=-1.0): must be >= 0``) and as the command line for files (``FILE:LINE:COL:
key 'K': ...``); ``threads`` outside 0..1024 is an InputError too. A failed write raises
:class:`OutputError` (an ``OSError``). Ctrl-C (``KeyboardInterrupt``) stops a run within a step of
its integration, a sweep evaluation likewise (the evaluation is not recorded), a diffusion run in
its current trajectory, a fixed-point analysis in its current descent, and removes the partial
output. Keys of a file that only the overrides leave unread give a ``UserWarning``.
"""

import os
import tempfile
import warnings
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

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
    """(TOML text or dict, name in messages, folder for relative file names) of a path, TOML
    string or dict."""
    _need_core()
    if isinstance(scenario, dict):
        return scenario, "<dict>", os.getcwd()
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


def _warn(notes):
    for n in notes:
        warnings.warn(n, UserWarning, stacklevel=3)


def run(scenario, overrides=None, threads=None, out=None, overwrite=False, progress=False, allow_large=False):
    """Run every run of a scenario (``seqmem run``) in this process.

    Parameters: ``scenario`` (path, TOML string or dict; see the module), ``overrides`` (a dict
    ``{"alpha_c": 0.3}``, ``{"model.alpha_c": 0.3}`` or ``{"model": {"alpha_c": 0.3}}``, or
    ``"key=value"`` strings as ``--set``), ``threads`` (OpenMP threads over the runs, 0..1024;
    ``None``: OpenMP's default, as the command line), ``out`` (also keep the HDF5 file there;
    refused if it exists unless ``overwrite``), ``progress`` (the command line's progress lines on
    stderr), ``allow_large`` (go beyond the soft limits on output size and work, as ``--allow-large``).

    Returns a list with one ``xarray.Dataset`` per run (``runs/r0000``, ``runs/r0001``, ...), loaded
    into memory by :func:`seqmem.load_run`: the variables, dimensions, coordinates and attributes of
    the run's HDF5 group (docs/output.md; e.g. ``overlaps(time, memory)``, time in units of T_f)
    with the file's provenance (``run``, ``git_commit``, ``seqmem_version``, ``scenario``,
    ``overrides``, ``created``, ...), as from the file. Sub-groups (the fixed-point analysis,
    diffusion landscapes) are read from a file kept with ``out=`` by :func:`seqmem.fixed_points`,
    :func:`seqmem.energy_surfaces`, :func:`seqmem.landscape`.

    Raises :class:`InputError` (bad scenario, overrides or threads), :class:`OutputError`,
    ``KeyboardInterrupt``.
    """
    source, name, folder = _scenario(scenario)
    with tempfile.TemporaryDirectory(prefix="seqmem-") as tmp:
        target = str(out) if out is not None else os.path.join(tmp, "run.h5")
        result = _core.run(source, name, folder, overrides, target, threads, bool(overwrite), bool(progress),
                           bool(allow_large))
        _warn(result["warnings"])
        return [reader.load_run(target, o["id"]) for o in result["runs"]]


def sweep(scenario, overrides=None, threads=None, out=None, resume=False, overwrite=False, progress=False,
          allow_large=False):
    """A capacity sweep (``[sweep]``) or a classical baseline (``[baseline]``), like ``seqmem sweep``.

    Returns two ``pandas.DataFrame``: for a capacity sweep ``(evaluations, capacity)`` as
    :func:`seqmem.sweep_tables` gives them (one row per simulated (K, alpha_c); one row per
    (config, degree, seed[, alpha_c]) with the capacity, ``censored`` 1 for a lower bound, and the
    keys in which the configurations differ); for a baseline ``(baseline, baseline_summary)`` as
    :func:`seqmem.baseline_tables` gives them (one row per trial; one per (config, N, degree), with
    the sequence memories' laws). With ``out``, the sweep keeps its checkpoints as
    ``OUT.checkpoint`` and writes ``out`` at the end; ``resume=True`` continues from the
    checkpoint (or a finished ``out``), ``overwrite=True`` replaces ``out`` (as ``--resume`` and
    ``--overwrite``); ``allow_large`` as ``--allow-large``.

    Raises :class:`InputError` (also for a scenario without ``[sweep]`` or ``[baseline]``),
    :class:`OutputError`, ``KeyboardInterrupt`` (with ``out``, after a ``UserWarning`` naming the
    checkpoint, which ``resume=True`` continues).
    """
    source, name, folder = _scenario(scenario)
    with tempfile.TemporaryDirectory(prefix="seqmem-") as tmp:
        target = str(out) if out is not None else os.path.join(tmp, "sweep.h5")
        try:
            result = _core.sweep(source, name, folder, overrides, target, threads, bool(resume), bool(overwrite),
                                 bool(progress), bool(allow_large))
        except KeyboardInterrupt:
            checkpoint = _core.checkpoint_of(target)
            if out is not None and os.path.exists(checkpoint):
                warnings.warn(f"interrupted; the checkpoint {checkpoint} keeps what was done: continue it with "
                              f"seqmem.sweep(..., out={str(out)!r}, resume=True)", UserWarning, stacklevel=2)
            raise
        _warn(result["warnings"])
        with h5py.File(target, "r") as f:
            capacity_sweep = "evaluations" in f
        if capacity_sweep:
            return reader.sweep_tables(target)
        return reader.baseline_tables(target)


def validate(scenario, overrides=None, threads=None, allow_large=False):
    """Check a scenario and the files it names, like ``seqmem validate``; writes nothing.

    Returns ``{"command": "run" | "sweep" | "baseline", "runs": ["r0000", ...], "estimates":
    [{"memory_bytes", "output_bytes", "work_core_seconds"}, ...], "warnings": [...]}`` (the
    estimates with ``threads`` runs at once, docs/guide.md "Sizes"), and for a capacity sweep
    ``"cost"``: the cost model's bound, as ``seqmem sweep`` prints it. The warnings are also given
    as ``UserWarning``. Raises :class:`InputError`, also for what ``run`` or ``sweep`` would refuse
    as too large (unless ``allow_large``).
    """
    source, name, folder = _scenario(scenario)
    result = _core.validate(source, name, folder, overrides, threads, bool(allow_large))
    _warn(result["warnings"])
    return result


def keys():
    """Every scenario key as a ``pandas.DataFrame`` indexed by key: ``section``, ``type``,
    ``default`` (TOML), ``range`` (the checked range or choices), ``meaning``, ``family`` (gsemm,
    diffusion, free_recall, "gsemm, free_recall" or all) — the table of ``seqmem keys`` and docs/scenarios.md."""
    return pd.DataFrame(_need_core().keys()).set_index("key")


def _model_class(name, doc):
    """The compiled model class `name` of seqmem._core with its documentation (or, without the core,
    a placeholder that says so)."""
    if _core is None:
        def missing(*args, **kwargs):
            _need_core()
        missing.__doc__ = doc
        return missing
    cls = getattr(_core, name)
    try:
        cls.__doc__ = doc
    except (AttributeError, TypeError):
        pass
    return cls


DenseGSEMM = _model_class("DenseGSEMM", """Dense GSEMM (GSEMM Eq. 9-10; docs/models.md §1.4) as an object for
your own integrators: ``DenseGSEMM(Xi, Phi, **params)``.

``Xi``: (N_f, K) real array, the memories as columns (float or integer +-1); ``Phi``: (K, K),
``Phi[a, b]`` the step xi_(a+1) -> xi_(b+1). ``params``: the ``[model]`` keys of a scenario
(``alpha_s``, ``alpha_c``, ``T_f``, ``T_d``, ``beta_d``, ``gamma``, ``sigma_h``, ``degree``,
``beta_h``, ``alpha_s_placement``, ``hidden_normalization``), checked like a scenario's
(``InputError``: ``DenseGSEMM(alpha_c=-1.0): must be >= 0``).

The state is ``y = [V_f, V_d, u_d]`` (2 N_f + K entries; ``u_d = Xi^T V_d`` is carried for
speed): ``model.state(V_f, V_d)`` builds it. SciPy's conventions: ``model.fun(t, y)`` is dy/dt
(time in units of T_f) for ``y`` of shape (n,) or (n, k) (one state per column:
``solve_ivp(model.fun, ..., vectorized=True)``), ``model.jac(t, y)`` the (n, n) Jacobian (for
Radau, BDF, LSODA): ``scipy.integrate.solve_ivp(model.fun, (0, 100), y0, jac=model.jac)``.
``model.rhs(x, t)`` and ``model.jacobian(x, t)`` are the same in odeint's order;
``model.energy(y)`` is E(V_f; V_d) (Eq. 13 in the limit). Arrays of real numbers of any dtype and
layout are taken; a wrong shape or type raises ``ValueError`` / ``TypeError`` naming the expected
shape. ``repr(model)`` gives the sizes and parameters.""")

GSEMM = _model_class("GSEMM", """GSEMM with three layers (GSEMM Eq. 1; docs/models.md §1.1): as
:class:`DenseGSEMM`, with the state ``y = [V_f, V_h, V_d]`` (2 N_f + K entries;
``model.state(V_f, V_d)`` puts V_h at the value where dV_h/dt = 0) and the key ``T_h``.
``energy`` is Eq. 4.""")

ModernHopfield = _model_class("ModernHopfield", """The continuous modern Hopfield network (Ambrogioni 2024
Eq. 5; docs/models.md §2.1): ``ModernHopfield(Y, beta)``, ``Y`` (D, N) the patterns as columns,
``beta`` > 0. ``fun(t, y)`` = Y softmax(beta Y^T y) - y for y of shape (D,) or (D, k),
``jac(t, y)`` (D x D), ``energy(x)`` = u_MH(x, beta); ``rhs(x, t)`` and ``jacobian(x, t)`` in
odeint's order.""")

Diffusion = _model_class("Diffusion", """A diffusion model whose data are the patterns ``Y`` (D, N), columns y_n,
with equal weights (Ambrogioni 2024 Eq. 8; docs/models.md §2): ``Diffusion(Y, sigma=1.0, T=1.0,
process="ve", gamma_v=0.5)``, ``process`` ``"ve"`` (variance exploding, Eq. 7-8) or ``"vp"``
(Ornstein-Uhlenbeck with ``gamma_v``, Eq. 15-21); time t runs from 0 to ``T`` (clean data at T),
in the process's own units.

Methods: ``fun(t, y)`` the probability-flow drift dy/dt = sigma^2/2 score (+ gamma_v y) for y of
shape (D,) or (D, k) (SciPy's order), ``rhs(x, t)`` the same for one x, ``reverse_drift(x, t)``
the reverse SDE's drift, ``score(x, t)`` = grad log p_t(x) (exact, closed form), ``log_p(x, t)``,
``energy(x, t)`` = -sigma^2 log p_t(x) (Eq. 11-12), ``hopfield_beta(t)`` the matching modern
Hopfield inverse temperature (Eq. 13-14). There is no Jacobian.""")


def sequence_transition_errors(Xi, separation="polynomial", degree=1, mixed=False, lambda_=2.5,
                               stop_at_error=False, delay=1):
    """Wrong bits of every transition of a cycle of patterns under SeqNet, DenseNet or MixedNet
    (Chaudhry et al. 2023; docs/models.md §3.3), one synchronous update from the exact pattern.

    ``Xi``: (N, P) array of +-1, the patterns xi^1 ... xi^P as columns (the cycle closes:
    xi^(P+1) = xi^1). ``separation``: ``"polynomial"`` (f(m) = m^degree; SeqNet is degree 1) or
    ``"exponential"`` (f(m) = exp((N-1)(m-1))); ``mixed``: MixedNet (the symmetric term plus
    ``lambda_`` times the asymmetric one, which reads the state ``delay`` - 1 steps back: with
    ``delay`` tau >= 2 the state dwells tau steps in each pattern, and entry mu sums the bits wrong of
    the move, from xi^mu with xi^mu delayed, and of the hold, from xi^(mu+1) with xi^mu delayed; tau
    is 1 unless ``mixed``). Returns a list of P ints: entry mu counts the bits i of
    sgn(h) that differ from xi^(mu+1) (a zero field counts as wrong). The cycle is recalled exactly
    (C23's P_S criterion) when every entry is 0. ``stop_at_error``: stop after the first block of
    256 transitions with an error (later entries are -1). Raises ``ValueError`` for entries other
    than +-1, a bad parameter, or a polynomial degree whose fields would not be exact integers in
    doubles (2 P (N+1)^degree (1 + lambda_ if mixed) >= 2^53: a field near zero could take either sign)."""
    return _need_core().sequence_transition_errors(np.asarray(Xi, dtype=float), separation, _integer(degree),
                                                   bool(mixed), float(lambda_), bool(stop_at_error),
                                                   _integer(delay))


def _integer(degree):
    if int(degree) != degree:
        raise ValueError(f"degree must be an integer, got {degree!r}")
    return int(degree)


def sequence_law(N, separation="polynomial", degree=1, mixed=False, lambda_=2.5, reading="text"):
    """The capacity laws of Chaudhry et al. 2023 (docs/models.md §3.3) at N neurons: a dict with the
    transition capacity ``P_T`` and the sequence capacity ``P_S`` (patterns), e.g.
    ``sequence_law(100, degree=2)`` = {P_T: 361.9, P_S: 120.6}. ``reading``: MixedNet's P_S
    denominator, ``"text"`` (d + 1, App. F.1) or ``"code"`` (d, the authors' code)."""
    return _need_core().sequence_law(_integer(N), separation, _integer(degree), bool(mixed), float(lambda_), reading)
