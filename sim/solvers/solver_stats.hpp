// What an integration cost and how it ended: written into every run's group (docs/output.md).
#pragma once

#include <string>

namespace seqmem {

struct SolverStats {
  long long steps = 0;      // accepted steps
  long long rhs_evals = 0;  // right-hand-side evaluations (CVODE: including those of its Jacobian estimates)
  long long rejected = 0;   // steps rejected by the error test (adaptive steppers)
  long long jac_evals = 0;  // Jacobian evaluations (cvode_bdf)

  SolverStats& operator+=(const SolverStats& o) {
    steps += o.steps;
    rhs_evals += o.rhs_evals;
    rejected += o.rejected;
    jac_evals += o.jac_evals;
    return *this;
  }
};

// How an integration ended.
enum class EndStatus {
  completed,  // reached t_end
  stopped,    // the observer stopped it (a stop condition)
  diverged,   // NaN or Inf in the state
  failed      // the stepper gave up: step size underflow, too many steps, no convergence
};
inline const char* to_string(EndStatus s) {
  switch (s) {
    case EndStatus::completed: return "completed";
    case EndStatus::stopped: return "stopped";
    case EndStatus::diverged: return "diverged";
    case EndStatus::failed: return "failed";
  }
  return "?";
}

struct IntegrationResult {
  EndStatus status = EndStatus::completed;
  double t_stop = 0;    // the last time reached (the divergence time when diverged)
  std::string message;  // why, when not completed
  SolverStats stats;
};

}  // namespace seqmem
