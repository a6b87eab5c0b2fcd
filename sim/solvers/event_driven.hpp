// Event-driven integration of Dense GSEMM with a polynomial sigma_h (stepper = "event_driven"),
// the capacity sweeper's engine for K in the thousands.
//
// In a dwell every feature neuron is saturated, sigma_f(V_i) = +-1 exactly in double precision
// (|gamma V_i| >= 20), so the state between two sign flips is known in closed form
// (models/saturated_phase.hpp): no time steps at all. The engine finds the next time a neuron
// reaches the unsaturated band |gamma V_i| < 20 (each V_i is a sum of n + 2 exponentials: a scan
// at 0.1 / max(1/T_f, n/T_d), then bracketed root finding) and then
//   - a fast passage, one that crosses the band in delta = 40 / (gamma |dV_i/dt|) <= flip_time,
//     is one event: s_i changes sign at the zero of V_i. tanh is odd, so over a passage at a
//     steady rate the difference between tanh(gamma V_i(t)) and sign(V_i(t)) integrates to
//     zero; what remains is second order in delta (delta is about 4e-6 T_f at degree 3, K = 1000);
//   - a slow passage (degree 1, a neuron that lingers, a just-flipped neuron driven back) is
//     integrated by dopri5 with the full tanh at the scenario's tolerances until every neuron is
//     saturated again.
// The cost per event is one product Xi [W_0 ... W_n] (the GEMM of the phase) and Xi^T s (bits);
// a transition flips about N_f / 2 neurons. Agreement with tight references: bench
// "capacity_validation".
#pragma once

#include <functional>

#include "models/dense_gsemm.hpp"
#include "sim/solvers/integrator_spec.hpp"
#include "sim/solvers/solver_stats.hpp"

namespace seqmem {

// What the engine reports to: observe(t, a) after every change of a = Xi^T sigma_f(V_f) (N_f
// times the overlaps), at the start, at wake_at() if nothing changed before it, and at t_end;
// return false to stop. wake_at(): the next time the observer must see even without a change
// (a stall deadline), +inf for none.
struct OverlapObserver {
  std::function<bool(double t, const Vec& a)> observe;
  std::function<double()> wake_at;
};

// Integrates model from x(t0) = x to t_end; x ends at the last time reached. Statistics: steps =
// saturated phases plus dopri5 steps, rhs_evals = dopri5's evaluations. Needs
// model.has_saturated_phases() (std::invalid_argument otherwise). Bounded by spec.max_steps.
IntegrationResult integrate_event_driven(const DenseGsemm& model, Vec& x, double t0, double t_end,
                                         const IntegratorSpec& spec, const OverlapObserver& observer);

}  // namespace seqmem
