// The models of seqmem._core as Python classes (python_models.cpp).
#pragma once

#include <pybind11/pybind11.h>

namespace seqmem::python {

// DenseGSEMM, GSEMM, ModernHopfield and Diffusion on the module `m`.
void bind_models(pybind11::module_& m);

// sequence_transition_errors and sequence_law (python_sequence.cpp).
void bind_sequence(pybind11::module_& m);

// cmr_log_likelihood (python_likelihood.cpp).
void bind_likelihood(pybind11::module_& m);
// The MPI job from Python (python_mpi.cpp).
void bind_mpi(pybind11::module_& m);

}  // namespace seqmem::python
