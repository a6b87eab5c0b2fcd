// A run's solver statistics as HDF5 attributes, for the writers of every kind.
#pragma once

#include <hdf5.h>

#include "sim/solvers/solver_stats.hpp"

namespace seqmem {

// The solver statistics of a run as attributes of its group: solver_steps, solver_rhs_evals,
// solver_rejected_steps, solver_jacobian_evals. The caller holds h5::lock().
void write_solver_stats(hid_t group, const SolverStats& s);

}  // namespace seqmem
