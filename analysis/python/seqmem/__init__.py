"""seqmem: energy-based sequence memory (GSEMM and its relatives) from Python.

Two halves, one package:

- the simulator, in-process (``seqmem.run``, ``seqmem.sweep``, ``seqmem.validate``,
  ``seqmem.keys``) and the models as objects with ``rhs``/``energy``/``jacobian``
  (``seqmem.DenseGSEMM``, ``seqmem.GSEMM``, ``seqmem.ModernHopfield``): C++ compiled into
  ``seqmem._core`` by the project's CMake build (module :mod:`seqmem.simulate`; sources in
  ``sim/app/python_module.cpp`` and ``analysis/python/seqmem/``);
- the reader of the HDF5 files the simulator writes (``load_run``, ``visits``, ``sweep_tables``,
  ``diffusion_table``, ...; modules :mod:`seqmem.reader` and :mod:`seqmem.diffusion_reader`),
  pure Python;
- the free-recall analyses (serial-position curve, first recall, lag-CRP, ... on psifr's event
  table, and the human reference curves; module :mod:`seqmem.free_recall`), counted by the compiled
  accumulator that the runs use;
- the exact likelihood of free recall under CMR, within lists or across a session's lists, and the
  same model sampled (module :mod:`seqmem.likelihood`);
- the fit of CMR to free-recall data, by summary curves (:func:`seqmem.fit_free_recall`, module
  :mod:`seqmem.fit`) or by likelihood per subject (module :mod:`seqmem.fit_likelihood`); the command
  ``seqmem-fit`` runs both.

Time is in units of the feature time constant T_f throughout. ``./setup.sh build`` installs the
package into the checkout's own environment ``.venv`` (``.venv/bin/python``; docs/python.md).
"""

from .reader import *  # noqa: F401,F403
from .reader import __all__ as _reader_all
from .diffusion_reader import *  # noqa: F401,F403
from .diffusion_reader import __all__ as _diffusion_reader_all
from . import free_recall  # noqa: F401
from . import likelihood  # noqa: F401
from .checkout import shipped_scenario  # noqa: F401

from .simulate import (DenseGSEMM, Diffusion, GSEMM, InputError, ModernHopfield, OutputError, keys, run,  # noqa: E402
                       sequence_law, sequence_transition_errors, sweep, validate)

from .simulate import _core  # noqa: E402  (None when only the pure-Python modules are there)

__version__ = _core.version if _core is not None else "unknown"
__all__ = ["run", "sweep", "validate", "keys", "InputError", "OutputError", "DenseGSEMM", "GSEMM",
           "ModernHopfield", "Diffusion", "sequence_transition_errors", "sequence_law", "fit_free_recall",
           "shipped_scenario", *_reader_all, *_diffusion_reader_all]


def __getattr__(name):
    # seqmem.fit_free_recall, imported when first used (`python -m seqmem.fit` then runs the module
    # without a copy already imported by the package)
    if name == "fit_free_recall":
        from .fit import fit_free_recall
        return fit_free_recall
    raise AttributeError(f"module 'seqmem' has no attribute {name!r}")
