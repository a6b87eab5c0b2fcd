// The models of seqmem._core as Python classes (python_models.cpp).
#pragma once

#include <pybind11/pybind11.h>

namespace seqmem::python {

// DenseGSEMM, GSEMM, ModernHopfield and Diffusion on the module `m`.
void bind_models(pybind11::module_& m);

}  // namespace seqmem::python
