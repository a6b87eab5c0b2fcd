#include "sim/experiments/sequence_capacity.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "analysis/sequence_monitor.hpp"
#include "models/cue.hpp"
#include "models/memories.hpp"
#include "sim/core/cancel.hpp"
#include "sim/experiments/capacity.hpp"

namespace seqmem {
namespace {

// The cue's stream of a trial (the patterns use seed_t itself).
std::uint64_t cycle_cue_seed(std::uint64_t seed_t) { return seed_t ^ 0x6379636C6573ull; }

// GSEMM's criterion on the map: iterate from the cue (the history, tau states, all the cue), feed
// the overlaps a / N to the sequence monitor at t = step. Along the exact trajectory (the state
// xi^mu, the delayed state xi^mu or xi^{mu-1}) whose update is exact, the next state is known without
// a product (the errors of every update are computed first, in blocks).
SequenceEvaluation evaluate_cycles(const SequenceNet& net, const SequenceCapacityOptions& opt, std::uint64_t seed_t) {
  const int N = net.N(), P = net.P(), tau = net.params().delay;
  const std::vector<int> move = net.update_errors(0, P, false);
  const std::vector<int> hold = tau >= 2 ? net.update_errors(0, P, true) : std::vector<int>();
  std::vector<int> cycle(P);
  std::iota(cycle.begin(), cycle.end(), 0);
  StopRules rules;
  rules.detect_stall = rules.stop_on_stall = true;
  // a failure at stall_steps steps without a new visit beyond the dwell of tau - 1 further steps
  rules.stall_time = opt.stall_steps + (tau - 1) - 0.5;
  rules.stop_after_cycles = opt.cycles_required;
  rules.stop_on_wrong_visit = true;
  SequenceMonitor monitor(opt.threshold, cycle, rules);

  CueSpec cue;
  cue.memory = 0;
  cue.flip = opt.cue_flip;
  const auto find_exact = [&](const Eigen::VectorXi& a) {
    for (int mu = 0; mu < P; ++mu)
      if (a(mu) == N) return mu;
    return -1;
  };
  // The last tau states and the pattern each equals (-1: none): x(t) in slot t % tau, the delayed
  // state x(t - tau + 1) in slot (t + 1) % tau, where x(t + 1) goes.
  std::vector<Vec> history(tau, make_cue(net.patterns(), cue, cycle_cue_seed(seed_t)));
  Eigen::VectorXi a = net.overlaps(history[0]);
  std::vector<int> exact(tau, find_exact(a));
  // Bounded: the cycles, one more cycle of slack and the stall window.
  const long max_steps = static_cast<long>(opt.cycles_required + 1) * P * tau + opt.stall_steps + tau;
  SequenceEvaluation ev;
  for (long t = 0;; ++t) {
    if (!monitor.add(static_cast<double>(t), a.cast<double>() / N) || t >= max_steps) break;
    const int now = static_cast<int>(t % tau), back = static_cast<int>((t + 1) % tau);
    const int mu = exact[now], nu = exact[back];
    int next = -1;  // the pattern of the next state along the exact trajectory, -1: compute it
    if (mu >= 0 && nu == mu && move[mu] == 0) next = (mu + 1) % P;
    if (mu >= 0 && tau >= 2 && nu == (mu + P - 1) % P && hold[nu] == 0) next = mu;
    Vec s;
    if (next >= 0) {
      s = net.patterns().col(next);
    } else {
      s = history[now];
      net.step(s, history[back]);
    }
    a = net.overlaps(s);
    history[back] = std::move(s);  // x(t + 1) replaces x(t - tau + 1)
    exact[back] = next >= 0 ? next : find_exact(a);
    ev.steps = t + 1;
  }
  ev.cycles = monitor.check().cycles_completed;
  ev.success = monitor.check().ok() && ev.cycles >= opt.cycles_required;
  return ev;
}

}  // namespace

void validate(const SequenceCapacityOptions& opt) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("sequence capacity: " + what); };
  if (opt.N < 2) fail("N must be at least 2");
  if (opt.net.separation == Separation::polynomial && opt.net.degree < 1) fail("degree must be at least 1");
  if (opt.net.mixed && !(opt.net.lambda >= 0 && std::isfinite(opt.net.lambda))) fail("lambda must be finite and >= 0");
  if (opt.net.delay < 1 || opt.net.delay > 1000 || (!opt.net.mixed && opt.net.delay != 1))
    fail("the delay tau must lie in 1..1000, and be 1 unless the network is MixedNet");
  if (opt.criterion != BaselineCriterion::P_T && opt.criterion != BaselineCriterion::P_S &&
      opt.criterion != BaselineCriterion::cycles)
    fail("the criterion must be P_T, P_S or cycles");
  if (!(opt.error_tolerance >= 0 && opt.error_tolerance < 1)) fail("error_tolerance must lie in [0, 1)");
  if (opt.transitions_checked < 1) fail("transitions_checked must be at least 1");
  if (!(opt.threshold > 0 && opt.threshold <= 1)) fail("threshold must lie in (0, 1]");
  if (opt.cycles_required < 1) fail("cycles_required must be at least 1");
  if (opt.stall_steps < 1) fail("stall_steps must be at least 1");
  if (!(opt.cue_flip >= 0 && opt.cue_flip <= 1)) fail("cue_flip must lie in [0, 1]");
  if (opt.trials < 1) fail("trials must be at least 1");
  if (opt.P_max < 2) fail("P_max must be at least 2");
  if (!fields_exact(opt.N, opt.P_max, opt.net))
    fail(
        "2 P_max (N+1)^d (1 + lambda for MixedNet) must be below 2^53 (the fields' exactness, "
        "models/sequence_net.hpp)");
}

SequenceEvaluation evaluate_sequence_net(const SequenceCapacityOptions& opt, int trial, int P) {
  const std::uint64_t seed_t = singleton_trial_seed(opt.seed, trial);
  SequenceEvaluation ev;
  if (opt.criterion == BaselineCriterion::P_T) {
    // transitions_checked transitions from ceil(transitions_checked / P) pattern sets: set 0 is the
    // trial's own, set k > 0 is drawn from singleton_trial_seed(seed_t, k) (each nested in P)
    for (int k = 0; ev.checked < opt.transitions_checked; ++k) {
      const SequenceNet net(random_memories(opt.N, P, k == 0 ? seed_t : singleton_trial_seed(seed_t, k)), opt.net);
      for (const int e : net.transition_errors(0, std::min(P, opt.transitions_checked - ev.checked))) {
        ++ev.checked;
        ev.exact += e == 0;
      }
    }
    ev.success = ev.exact >= std::ceil((1.0 - opt.error_tolerance) * ev.checked - 1e-9);
    return ev;
  }
  const SequenceNet net(random_memories(opt.N, P, seed_t), opt.net);
  if (opt.criterion == BaselineCriterion::cycles) return evaluate_cycles(net, opt, seed_t);
  for (const int e : net.transition_errors(0, P, true)) {
    if (e < 0) break;  // not computed: P_S stopped at an error
    ++ev.checked;
    ev.exact += e == 0;
  }
  ev.success = ev.exact == P;
  return ev;
}

SingletonCapacityResult sequence_capacity(const SequenceCapacityOptions& opt) {
  validate(opt);  // before the parallel region: exceptions must not leave it
  return capacity_over_trials(opt.trials, opt.N, opt.P_max, [&](int t, long& evaluations) {
    return largest_success(2, opt.P_max, [&](int P) {
      ++evaluations;
      return !cancel_requested() && evaluate_sequence_net(opt, t, P).success;
    });
  });
}

}  // namespace seqmem
