// Capacity of EDEN (models/eden.hpp; docs/capacity.md, "The family"): the largest number P of random
// +-1 patterns of a cycle xi^1 -> ... -> xi^P -> xi^1 that a network of N neurons holds, under EDEN's
// own per-bit criteria (scenario key baseline_criterion), restated from the authors' code
// (EDEN_torch, experiments/capacity.cpp, get_capacity) and the paper's §2.4:
//   fixed_point  the paper's fixed-point capacity (capacity.cpp's type 1): with v = xi^mu and the
//                delay layer at s = s_scale xi^{mu-1} (the state just after the transition), the
//                point the feature layer relaxes to, v* = Xi softmax(h), has bit i right when
//                v*_i xi_i^mu >= 1 - bit_tolerance;
//   P_T          one transition (type 2): v(0) = xi^mu, the delay layer frozen at s = s_scale xi^mu,
//                the feature layer integrated (odeint's runge_kutta4, step dt) to t_transition; bit i
//                right when v_i(t) xi_i^{mu+1} >= 1 - bit_tolerance.
// Both check n = transitions_checked memories: those of the trial's set, then of further independent
// sets of P patterns until n are checked (set k > 0 from singleton_trial_seed(seed_t, k), as the
// sequence memories' P_T): at small P a single set would make the fraction below a coin toss of a
// few memories (with one set, 4 of 10 seeds at N = 25 stopped at P <= 6 and the rest reached
// 172-2 087). P succeeds when at least (1 - error_tolerance) of the checked (memory, bit) pairs
// are right. The code's defaults
// (capacity.cpp): s_scale 1.2, bit_tolerance 0.1, error_tolerance 0.1, dt 0.01 for 100 Euler steps
// (t_transition = 1); the paper's criterion is stricter (epsilon = delta = 10^-3). capacity.cpp's
// type 1 leaves out the 1 / N of its normalisation; here both checks use the network's kappa.
// The search, the seeds and the statistics are those of the sequence memories
// (sim/experiments/sequence_capacity.hpp).
//
// Cost per evaluation at P with n = transitions_checked memories: fixed_point ~ 4 N P n flops,
// P_T ~ 16 N P n t_transition / dt; memory ~ 24 N P bytes (the patterns, shifted, and their draw)
// plus two P x b inputs of a block of b = min(256, 2^22 / P) memories (at most 64 MiB).
#pragma once

#include <cstdint>

#include "models/eden.hpp"
#include "sim/experiments/singleton_capacity.hpp"

namespace seqmem {

struct EdenCapacityOptions {
  EdenParams net;
  int N = 100;
  BaselineCriterion criterion = BaselineCriterion::fixed_point;  // fixed_point or P_T
  double s_scale = 1.2;                                          // the delay layer's amplitude in the checks
  double bit_tolerance = 0.1;                                    // epsilon: a bit is right when v_i xi_i >= 1 - epsilon
  double error_tolerance = 0.1;          // c: the fraction of checked (memory, bit) pairs allowed wrong
  int transitions_checked = 1000;        // memories checked per evaluation (of further sets when P is smaller)
  double t_transition = 1.0, dt = 0.01;  // P_T: the integration
  int trials = 10;
  std::uint64_t seed = 1;
  int P_max = 1 << 20;
};

// Throws std::invalid_argument naming the first bad option.
void validate(const EdenCapacityOptions& opt);

// One evaluation (trial t, P patterns): the (memory, bit) pairs checked and right.
struct EdenEvaluation {
  bool success = false;
  long checked = 0, right = 0;
};
EdenEvaluation evaluate_eden(const EdenCapacityOptions& opt, int trial, int P);

// The capacity of every trial and their statistics; OpenMP over trials, each trial by one thread
// alone (the result does not depend on the thread count).
SingletonCapacityResult eden_capacity(const EdenCapacityOptions& opt);

}  // namespace seqmem
