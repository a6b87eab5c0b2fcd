"""seqmem: energy-based sequence memory (GSEMM and its relatives) from Python.

Two halves, one package:

- the simulator, in-process (``seqmem.run``, ``seqmem.sweep``, ``seqmem.validate``,
  ``seqmem.keys``) and the models as objects with ``rhs``/``energy``/``jacobian``
  (``seqmem.DenseGSEMM``, ``seqmem.GSEMM``, ``seqmem.ModernHopfield``): C++ compiled into
  ``seqmem._core`` by the project's CMake build (module :mod:`seqmem.simulate`; sources in
  ``sim/python_module.cpp`` and ``analysis/python/seqmem/``);
- the reader of the HDF5 files the simulator writes (``load_run``, ``visits``, ``sweep_tables``,
  ``diffusion_table``, ...; module :mod:`seqmem.reader`), pure Python;
- the free-recall analyses (serial-position curve, first recall, lag-CRP, ... on psifr's event
  table, and the human reference curves; module :mod:`seqmem.free_recall`), pure Python.

Time is in units of the feature time constant T_f throughout. The package lives in
``build/python`` after the build; ``./setup.sh build`` makes Debian's ``/usr/bin/python3`` find it
(docs/python.md).
"""

from .reader import *  # noqa: F401,F403
from .reader import __all__ as _reader_all
from . import free_recall  # noqa: F401

from .simulate import (DenseGSEMM, Diffusion, GSEMM, InputError, ModernHopfield, OutputError, keys, run,  # noqa: E402
                       sweep, validate)

from .simulate import _core  # noqa: E402  (None when only the pure-Python modules are there)

__version__ = _core.version if _core is not None else "unknown"
__all__ = ["run", "sweep", "validate", "keys", "InputError", "OutputError", "DenseGSEMM", "GSEMM",
           "ModernHopfield", "Diffusion", *_reader_all]
