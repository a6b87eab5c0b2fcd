// Which stepper integrates a run and within which limits (sim/integrate.hpp).
#pragma once

namespace seqmem {

enum class StepperKind { rk4, dopri5, cvode_bdf, rk4_split, event_driven };

inline const char* to_string(StepperKind s) {
  switch (s) {
    case StepperKind::rk4: return "rk4";
    case StepperKind::dopri5: return "dopri5";
    case StepperKind::cvode_bdf: return "cvode_bdf";
    case StepperKind::rk4_split: return "rk4_split";
    case StepperKind::event_driven: return "event_driven";
  }
  return "?";
}

struct IntegratorSpec {
  StepperKind stepper = StepperKind::rk4;
  double dt = 0.01;  // rk4: the step; adaptive steppers: the first trial step (dopri5)
  double abs_tol = 1e-8, rel_tol = 1e-8;
  long long max_steps = 100000000;
  double min_step = 1e-12;
  double flip_time = 0.01;  // event_driven: the longest passage through the unsaturated band taken as one event
};

}  // namespace seqmem
