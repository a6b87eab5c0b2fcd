#include "sim/experiments/eden_capacity.hpp"

#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/memories.hpp"
#include "sim/core/cancel.hpp"
#include "sim/experiments/capacity.hpp"

namespace seqmem {
namespace {

namespace odeint = boost::numeric::odeint;
using BatchRK4 = odeint::runge_kutta4<Mat, double, Mat, double, odeint::vector_space_algebra>;

// Memories per batch: 256, fewer where P x 256 inputs would pass 2^22 doubles (32 MiB; a block of
// 256 at P = 10^6 would take 2 GiB, and its page faults more time than its products).
int block_size(int P) { return std::max(1, std::min(256, (1 << 22) / std::max(1, P))); }

// The (memory, bit) pairs right among the n memories mu = first .. first + n - 1 of the net.
long right_bits(const Eden& net, const EdenCapacityOptions& opt, int first, int n) {
  const Mat& Xi = net.patterns();
  const int P = net.P();
  Mat V = Xi.middleCols(first, n), S(net.N(), n), target(net.N(), n);
  if (opt.criterion == BaselineCriterion::fixed_point) {
    for (int k = 0; k < n; ++k) S.col(k) = opt.s_scale * Xi.col((first + k + P - 1) % P);  // s = s_scale xi^{mu-1}
    V = net.feature_target(V, S);                                                          // v* = Xi softmax(h)
    target = Xi.middleCols(first, n);
  } else {  // P_T: the feature layer with the delay layer frozen at s_scale xi^mu
    S = opt.s_scale * V;
    BatchRK4 rk4;
    const Eden::FrozenDelay system{net, S};
    const long steps = std::lround(opt.t_transition / opt.dt);
    for (long j = 0; j < steps; ++j) rk4.do_step(system, V, j * opt.dt, opt.dt);
    for (int k = 0; k < n; ++k) target.col(k) = Xi.col((first + k + 1) % P);
  }
  return ((V.array() * target.array()) >= 1.0 - opt.bit_tolerance).count();
}

}  // namespace

void validate(const EdenCapacityOptions& opt) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("EDEN capacity: " + what); };
  if (opt.N < 1) fail("N must be at least 1");
  if (opt.criterion != BaselineCriterion::fixed_point && opt.criterion != BaselineCriterion::P_T)
    fail("the criterion must be fixed_point or P_T");
  if (!(opt.net.T_f > 0 && std::isfinite(opt.net.T_f) && opt.net.T_d > 0 && std::isfinite(opt.net.T_d)))
    fail("T_f and T_d must be positive and finite");
  if (!std::isfinite(opt.net.alpha_s) || !std::isfinite(opt.net.alpha_c) || !std::isfinite(opt.net.beta))
    fail("alpha_s, alpha_c and beta must be finite");
  if (!std::isfinite(opt.s_scale)) fail("s_scale must be finite");
  if (!(opt.bit_tolerance >= 0 && opt.bit_tolerance <= 2)) fail("bit_tolerance must lie in [0, 2]");
  if (!(opt.error_tolerance >= 0 && opt.error_tolerance < 1)) fail("error_tolerance must lie in [0, 1)");
  if (opt.transitions_checked < 1) fail("transitions_checked must be at least 1");
  if (!(opt.dt > 0 && opt.t_transition > 0 && opt.t_transition / opt.dt <= 1e7))
    fail("t_transition and dt must be positive, with at most 10^7 steps");
  if (opt.trials < 1) fail("trials must be at least 1");
  if (opt.P_max < 2) fail("P_max must be at least 2");
}

EdenEvaluation evaluate_eden(const EdenCapacityOptions& opt, int trial, int P) {
  // transitions_checked memories from ceil(transitions_checked / P) pattern sets: set 0 is the
  // trial's own, set k > 0 is drawn from singleton_trial_seed(seed_t, k) (each nested in P)
  const std::uint64_t seed_t = singleton_trial_seed(opt.seed, trial);
  const int block = block_size(P);
  EdenEvaluation ev;
  int memories = 0;
  for (int k = 0; memories < opt.transitions_checked && !cancel_requested(); ++k) {
    const Eden net(random_memories(opt.N, P, k == 0 ? seed_t : singleton_trial_seed(seed_t, k)), opt.net);
    const int n = std::min(P, opt.transitions_checked - memories);
    for (int b0 = 0; b0 < n && !cancel_requested(); b0 += block) {
      const int m = std::min(block, n - b0);
      ev.right += right_bits(net, opt, b0, m);
      ev.checked += static_cast<long>(m) * opt.N;
      memories += m;
    }
  }
  ev.success = memories == opt.transitions_checked &&
               ev.right >= std::ceil((1.0 - opt.error_tolerance) * static_cast<double>(ev.checked) - 1e-9);
  return ev;
}

SingletonCapacityResult eden_capacity(const EdenCapacityOptions& opt) {
  validate(opt);  // before the parallel region: exceptions must not leave it
  return capacity_over_trials(opt.trials, opt.N, opt.P_max, [&](int t, long& evaluations) {
    return largest_success(2, opt.P_max, [&](int P) {
      ++evaluations;
      return !cancel_requested() && evaluate_eden(opt, t, P).success;
    });
  });
}

}  // namespace seqmem
