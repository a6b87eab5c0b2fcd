// What a capacity sweep will cost, printed before it starts (`seqmem sweep`), from a model of one
// evaluation:
//   wall(K) = cycles_required x K memories x work per memory x seconds per right-hand side
// A success at K retrieves cycles_required cycles of K memories with a dwell per memory that depends
// on r = alpha_c beta_d (Eq. 10 with V_d(0) = 0 depends on alpha_c and beta_d only through r):
// measured 11, 13.5, 17, 25 and 38 time units at r = 7, 4.9, 3.5, 2.1 and 1.4 (beta_d = 7), about
// 11 (r / 7)^-0.7. Failures end within a few dwells and cost little. The seconds per right-hand
// side are measured on this machine at the sweep's K_max when the sweep starts (the least of five
// batches, in CPU time: the machine's load does not move it); the work per memory is in right-hand
// sides (or their equivalent for event_driven), from the measurements of the steppers on the
// Figure 3 problem (bench/capacity_validation.cpp, bench/bench_capacity.cpp).
#pragma once

#include "sim/experiments/capacity.hpp"

namespace seqmem {

struct CapacityCost {
  double rhs_seconds = 0;       // one right-hand side at K (measured)
  double dwell = 0;             // time units per memory
  double evals_per_memory = 0;  // right-hand sides (or the equivalent work) per memory of the cycle
  // Core-seconds of one successful evaluation at K.
  double success_seconds(int K, int cycles_required) const {
    return cycles_required * static_cast<double>(K) * evals_per_memory * rhs_seconds;
  }
};

// The model for one task at its K (the right-hand side timed with a few evaluations on a state with
// every neuron saturated, as in a dwell).
CapacityCost capacity_cost(const SequenceTask& task);

// Right-hand sides per memory of the cycle (dwell time units) on the Figure 3 problem: rk4 4 / dt
// per time unit, rk4_split 8 / dt, dopri5 and cvode_bdf about 100 per time unit at 1e-3;
// event_driven: about N_f / 2 sign flips per transition, each a phase costing about degree + 2
// right-hand sides (degree 1: its slow flips are integrated by dopri5, about 20 per time unit).
double evaluations_per_memory(const IntegratorSpec& integrator, int N_f, int degree, double dwell);

}  // namespace seqmem
