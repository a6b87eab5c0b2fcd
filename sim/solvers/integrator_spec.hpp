// Which stepper integrates a run and within which limits (sim/solvers/integrate.hpp).
#pragma once

#include "models/choice_names.hpp"

namespace seqmem {

enum class StepperKind { rk4, dopri5, cvode_bdf, rk4_split, event_driven };
inline constexpr ChoiceName<StepperKind> kStepperKindNames[] = {{"rk4", StepperKind::rk4},
                                                                {"dopri5", StepperKind::dopri5},
                                                                {"cvode_bdf", StepperKind::cvode_bdf},
                                                                {"rk4_split", StepperKind::rk4_split},
                                                                {"event_driven", StepperKind::event_driven}};
constexpr const auto& choice_names(StepperKind) { return kStepperKindNames; }
inline const char* to_string(StepperKind v) { return name_in(kStepperKindNames, v); }

struct IntegratorSpec {
  StepperKind stepper = StepperKind::rk4;
  double dt = 0.01;  // rk4: the step; adaptive steppers: the first trial step (dopri5)
  double abs_tol = 1e-8, rel_tol = 1e-8;
  long long max_steps = 100000000;
  double min_step = 1e-12;
  double flip_time = 0.01;  // event_driven: the longest passage through the unsaturated band taken as one event
};

}  // namespace seqmem
