#include "capacity_cost.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "../models/dense_gsemm.hpp"
#include "../models/memories.hpp"

namespace seqmem {

double evaluations_per_memory(const IntegratorSpec& integrator, int N_f, int degree, double dwell) {
  // dopri5 on the Figure 3 problem (bench/capacity_validation.cpp): EVALS_DOPRI5 per time unit at 1e-3,
  // growing about as tol^-0.5 (the flips of saturated neurons make the error first order in the step)
  const double dopri5 = 280.0 * std::pow(1e-3 / integrator.rel_tol, 0.5);
  switch (integrator.stepper) {
    case StepperKind::rk4: return 4.0 / integrator.dt * dwell;
    case StepperKind::rk4_split: return 8.0 / integrator.dt * dwell;
    case StepperKind::dopri5: return dopri5 * dwell;
    case StepperKind::cvode_bdf: return dopri5 * dwell;
    case StepperKind::event_driven:
      if (degree == 1) return 100.0 * dwell;
      return 0.5 * N_f * (0.5 * (degree + 1) + 2.0);
  }
  return 400 * dwell;
}

CapacityCost capacity_cost(const SequenceTask& task) {
  CapacityCost c;
  const Mat Xi = random_memories(task.N_f, task.K, task.seed);
  const DenseGsemm model(Xi, cyclic_phi(task.K), task.params);
  Vec x = model.initial_state(40.0 * Xi.col(0), Vec::Zero(task.N_f)), dx(x.size());
  model(x, dx, 0.0);  // warm-up
  const int n = std::max(3, static_cast<int>(2e7 / (4.0 * task.N_f * task.K)));  // ~ a few ms
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) model(x, dx, 0.0);
  c.rhs_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / n;
  const double r = std::max(1e-3, task.params.alpha_c * task.params.beta_d);
  c.dwell = 11.0 * std::pow(r / 7.0, -0.7);
  c.evals_per_memory = evaluations_per_memory(task.integrator, task.N_f, task.params.sigma_h.degree, c.dwell);
  return c;
}

}  // namespace seqmem
