#include "capacity_cost.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "../models/dense_gsemm.hpp"
#include "../models/memories.hpp"

namespace seqmem {

double evaluations_per_time(const IntegratorSpec& integrator) {
  switch (integrator.stepper) {
    case StepperKind::rk4: return 4.0 / integrator.dt;
    case StepperKind::rk4_split: return 8.0 / integrator.dt;
    // measured on the Figure 3 problem (bench section "capacity", 200 evaluations), at rel_tol 1e-6
    case StepperKind::dopri5: return 25.0 * std::pow(1e-6 / integrator.rel_tol, 0.2);
    case StepperKind::cvode_bdf: return 20.0 * std::pow(1e-6 / integrator.rel_tol, 0.2);
  }
  return 400;
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
  c.evals_per_time = evaluations_per_time(task.integrator);
  const double r = std::max(1e-3, task.params.alpha_c * task.params.beta_d);
  c.dwell = 11.0 * std::pow(r / 7.0, -0.7);
  return c;
}

}  // namespace seqmem
