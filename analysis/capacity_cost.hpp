// What a capacity sweep will cost, printed before it starts (`seqmem sweep`), from a model of one
// evaluation:
//   wall(K) = simulated time x right-hand-side evaluations per unit of time x seconds per evaluation
// A success at K retrieves cycles_required cycles of K memories with a dwell per memory that depends
// on r = alpha_c beta_d (Eq. 10 with V_d(0) = 0 depends on alpha_c and beta_d only through r):
// measured 11, 13.5, 17, 25 and 38 time units at r = 7, 4.9, 3.5, 2.1 and 1.4 (beta_d = 7), about
// 11 (r / 7)^-0.7. Failures end within a few dwells and cost little. The seconds per evaluation are
// measured on this machine at the sweep's K_max when the sweep starts; the evaluations per unit of
// time are the measured averages of the steppers on the Figure 3 problem (bench section "capacity").
#pragma once

#include "capacity.hpp"

namespace seqmem {

struct CapacityCost {
  double rhs_seconds = 0;   // one right-hand side at K (measured)
  double evals_per_time = 0;
  double dwell = 0;         // time units per memory
  // Core-seconds of one successful evaluation at K.
  double success_seconds(int K, int cycles_required) const {
    return cycles_required * static_cast<double>(K) * dwell * evals_per_time * rhs_seconds;
  }
};

// The model for one task at its K (the right-hand side timed with a few evaluations on a state with
// every neuron saturated, as in a dwell).
CapacityCost capacity_cost(const SequenceTask& task);

// Right-hand-side evaluations per unit of simulated time of a stepper on the Figure 3 problem:
// rk4 400 (dt = 0.01), rk4_split 800; the adaptive steppers from bench section "capacity".
double evaluations_per_time(const IntegratorSpec& integrator);

}  // namespace seqmem
