#include "sim/experiments/capacity_cost.hpp"

#include <algorithm>
#include <ctime>
#include <limits>
#include <cmath>

#include "models/dense_gsemm.hpp"
#include "models/memories.hpp"

namespace seqmem {

double evaluations_per_memory(const IntegratorSpec& integrator, int N_f, int degree, double dwell) {
  // dopri5 at 1e-3 on the Figure 3 problem: 60-85 right-hand sides per time unit at K = 300 (degrees
  // 2, 3), 280 at K = 1000 (the flips of a transition spread out as K grows); growing about as
  // tol^-0.5 (a flip makes the local error first order in the step)
  const double dopri5 = 100.0 * std::pow(1e-3 / integrator.rel_tol, 0.5);
  switch (integrator.stepper) {
    case StepperKind::rk4: return 4.0 / integrator.dt * dwell;
    case StepperKind::rk4_split: return 8.0 / integrator.dt * dwell;
    case StepperKind::dopri5:
    case StepperKind::cvode_bdf: return dopri5 * dwell;
    case StepperKind::event_driven:
      // degree 1: its flips are slow, dopri5 stretches (about 20 per time unit, measured); from
      // degree 2: N_f / 2 phases per transition, each (degree + 2) right-hand sides (the product
      // Xi [W_0 .. W_n] is 65% of it; measured 4.9 at K = 1000, degree 3; 7.6 at degree 4)
      if (degree == 1) return 20.0 * dwell;
      return 0.5 * N_f * (degree + 2);
  }
  return 400 * dwell;
}

CapacityCost capacity_cost(const SequenceTask& task) {
  CapacityCost c;
  const Mat Xi = random_memories(task.N_f, task.K, task.seed);
  const DenseGsemm model(Xi, cyclic_phi(task.K), task.params);
  Vec x = model.initial_state(40.0 * Xi.col(0), Vec::Zero(task.N_f)), dx(x.size());
  model(x, dx, 0.0);  // warm-up
  // The least of five batches of ~1 ms, in this thread's CPU time: the load of other processes on
  // the machine (which stretches wall time, not CPU time, and not the fastest batch) leaves it
  // alone, so that two runs of the same command print the same cost.
  const int n = std::max(3, static_cast<int>(5e6 / (4.0 * task.N_f * task.K)));
  auto cpu_seconds = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  c.rhs_seconds = std::numeric_limits<double>::infinity();
  for (int batch = 0; batch < 5; ++batch) {
    const double t0 = cpu_seconds();
    for (int i = 0; i < n; ++i) model(x, dx, 0.0);
    c.rhs_seconds = std::min(c.rhs_seconds, (cpu_seconds() - t0) / n);
  }
  const double r = std::max(1e-3, task.params.alpha_c * task.params.beta_d);
  c.dwell = 11.0 * std::pow(r / 7.0, -0.7);
  c.evals_per_memory = evaluations_per_memory(task.integrator, task.N_f, task.params.sigma_h.degree, c.dwell);
  return c;
}

}  // namespace seqmem
