// A run's integration: from t = 0 to t_end, observed every sample_dt and at t_end, with the run's
// stepper and limits (sim/solvers/integrate.hpp).
#pragma once

#include <utility>

#include "sim/scenario/scenario.hpp"
#include "sim/solvers/integrate.hpp"

namespace seqmem {

template <class System, class Observer>
IntegrationResult integrate(const System& system, Vec& x, const RunSpec& s, Observer&& observe) {
  return integrate(system, x, 0.0, SampleTimes(0.0, s.t_end, s.sample_dt), integrator_spec(s),
                   std::forward<Observer>(observe));
}

}  // namespace seqmem
