#include "sim/output/solver_attributes.hpp"

#include <cstdint>

#include "sim/output/h5file.hpp"

namespace seqmem {

void write_solver_stats(hid_t group, const SolverStats& s) {
  h5::set_attr(group, "solver_steps", std::int64_t(s.steps));
  h5::set_attr(group, "solver_rhs_evals", std::int64_t(s.rhs_evals));
  h5::set_attr(group, "solver_rejected_steps", std::int64_t(s.rejected));
  h5::set_attr(group, "solver_jacobian_evals", std::int64_t(s.jac_evals));
}

}  // namespace seqmem
