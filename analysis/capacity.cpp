#include "capacity.hpp"

#include <chrono>

#include "../models/dense_gsemm.hpp"
#include "../models/memories.hpp"
#include "overlaps.hpp"
#include "sequence_monitor.hpp"
#include "../sim/integrate.hpp"

namespace seqmem {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::success: return "success";
    case Outcome::wrong: return "wrong";
    case Outcome::stalled: return "stalled";
    case Outcome::horizon: return "horizon";
    case Outcome::diverged: return "diverged";
  }
  return "?";
}

Evaluation evaluate_sequence(const SequenceTask& task) {
  const auto t0 = std::chrono::steady_clock::now();
  const Mat Xi = random_memories(task.N_f, task.K, task.seed);
  const DenseGsemm model(Xi, cyclic_phi(task.K), task.params);
  std::vector<int> cycle(task.K);
  for (int i = 0; i < task.K; ++i) cycle[i] = i;

  // Success: cycles_required complete cycles; failure: a wrong visit or a stall (rules of a run).
  StopRules rules;
  rules.detect_stall = true;
  rules.stall_time = task.stall_time;
  rules.stop_on_stall = true;
  rules.stop_after_cycles = task.cycles_required;
  rules.stop_on_wrong_visit = true;
  SequenceMonitor monitor(task.threshold, cycle, rules);
  Vec s(task.N_f), m(task.K);
  auto observe = [&](const Vec& x, double t) {
    overlaps(Xi, DenseGsemm::V_f(x, task.N_f), task.params.gamma, s, m);
    return monitor.add(t, m);
  };
  Vec x = model.initial_state(task.cue_amplitude * Xi.col(0), Vec::Zero(task.N_f));
  IntegratorSpec spec;  // RK4 at dt, every step observed
  spec.dt = task.dt;
  const IntegrationResult ir = integrate(model, x, 0.0, SampleTimes(0.0, task.t_max, task.dt), spec, observe);

  Evaluation e;
  e.t_stop = ir.t_stop;
  e.cycles = monitor.check().cycles_completed;
  if (ir.status == EndStatus::diverged || ir.status == EndStatus::failed) {
    e.outcome = Outcome::diverged;
  } else if (ir.status == EndStatus::completed) {
    e.outcome = Outcome::horizon;
  } else if (!monitor.check().ok()) {
    e.outcome = Outcome::wrong;
    e.t_first_error = monitor.check().first_wrong_time;
  } else if (e.cycles >= task.cycles_required) {
    e.outcome = Outcome::success;
  } else {
    e.outcome = Outcome::stalled;
  }
  e.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return e;
}

int largest_success(int K_min, int K_max, const std::function<bool(int)>& succeeds) {
  if (!succeeds(K_min)) return K_min - 1;
  int good = K_min, bad = K_max + 1;
  for (int K = std::min(2 * K_min, K_max); K > good; K = std::min(2 * K, K_max)) {
    if (!succeeds(K)) {
      bad = K;
      break;
    }
    good = K;
    if (K == K_max) return K_max;
  }
  while (bad - good > 1) {
    const int mid = good + (bad - good) / 2;
    (succeeds(mid) ? good : bad) = mid;
  }
  return good;
}

}  // namespace seqmem
