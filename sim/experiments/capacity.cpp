#include "sim/experiments/capacity.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "analysis/sequence_monitor.hpp"
#include "models/dense_gsemm.hpp"
#include "models/memories.hpp"
#include "sim/solvers/event_driven.hpp"
#include "sim/solvers/integrate.hpp"

namespace seqmem {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::success: return "success";
    case Outcome::wrong: return "wrong";
    case Outcome::stalled: return "stalled";
    case Outcome::horizon: return "horizon";
    case Outcome::diverged: return "diverged";
    case Outcome::censored: return "censored";
  }
  return "?";
}

namespace {

// success_rule = public_scripts: the changes of the retrieved memory (the largest overlap, once it
// reaches the visit threshold) over the whole run. Changes of the largest overlap below the
// threshold are not counted: mid-transition the previous memory briefly leads (xi_4 -> xi_3 -> xi_5
// at degree 3) and at degree 1 the small overlaps flicker thousands of times.
struct ArgmaxChanges {
  int K = 0;
  double threshold = 0.8;
  int top = -1;
  long long changes = 0, to_successor = 0;
  void add(const Vec& m) {
    Eigen::Index mu;
    if (m.maxCoeff(&mu) < threshold) return;
    const int now = static_cast<int>(mu);
    if (top >= 0 && now != top) {
      ++changes;
      if (now == (top + 1) % K) ++to_successor;
    }
    top = now;
  }
  bool success() const { return changes > 5LL * K && to_successor > 0.8 * static_cast<double>(changes); }
};

double median_dwell(const std::vector<Visit>& v) {
  if (v.size() < 2) return -1;
  std::vector<double> d(v.size() - 1);
  for (std::size_t i = 1; i < v.size(); ++i) d[i - 1] = v[i].t_entry - v[i - 1].t_entry;
  const auto mid = d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2);
  std::nth_element(d.begin(), mid, d.end());
  if (d.size() % 2) return *mid;
  const double hi = *mid;
  return 0.5 * (hi + *std::max_element(d.begin(), mid));
}

// The stop rules of a task: strict, success, a wrong visit and (adaptive horizon) a stall end the
// run; otherwise it runs to its horizon.
StopRules stop_rules(const SequenceTask& task) {
  StopRules rules;
  if (task.success_rule == SuccessRule::strict) {
    rules.detect_stall = task.horizon == Horizon::stall;
    rules.stall_time = task.stall_time;
    rules.stop_on_stall = rules.detect_stall;
    rules.stop_after_cycles = task.cycles_required;
    rules.stop_on_wrong_visit = true;
  }
  return rules;
}

// The outcome of an evaluation from how the integration ended and what the monitor saw (all but
// its wall time).
Evaluation judge(const SequenceTask& task, const IntegrationResult& ir, const SequenceMonitor& monitor,
                 const ArgmaxChanges& argmax, bool over_budget, bool keep_visits) {
  const bool strict = task.success_rule == SuccessRule::strict;
  Evaluation e;
  e.t_stop = ir.t_stop;
  e.stats = ir.stats;
  e.cycles = monitor.check().cycles_completed;
  e.visits = static_cast<int>(monitor.visits().size());
  e.dwell = median_dwell(monitor.visits());
  if (keep_visits)
    for (const auto& v : monitor.visits()) e.visit_sequence.push_back(v.memory);
  if (over_budget) {
    e.outcome = Outcome::censored;
  } else if (ir.status == EndStatus::diverged) {
    e.outcome = Outcome::diverged;
  } else if (ir.status == EndStatus::failed) {  // the stepper gave up: undecided
    e.outcome = Outcome::censored;
  } else if (!strict) {
    e.outcome = argmax.success() ? Outcome::success : Outcome::horizon;
  } else if (ir.status == EndStatus::completed) {  // t_max reached undecided
    e.outcome = task.horizon == Horizon::stall ? Outcome::censored : Outcome::horizon;
  } else if (!monitor.check().ok()) {
    e.outcome = Outcome::wrong;
    e.t_first_error = monitor.check().first_wrong_time;
  } else if (e.cycles >= task.cycles_required) {
    e.outcome = Outcome::success;
  } else {
    e.outcome = Outcome::stalled;
  }
  return e;
}

}  // namespace

Evaluation evaluate_sequence(const SequenceTask& task, bool keep_visits) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const bool adaptive = task.integrator.stepper == StepperKind::dopri5 || task.integrator.stepper == StepperKind::cvode_bdf ||
                        task.integrator.stepper == StepperKind::event_driven;
  const Mat Xi = random_memories(task.N_f, task.K, task.seed);
  const DenseGsemm model(Xi, cyclic_phi(task.K), task.params, {},
                         task.dense_products ? DenseGsemm::Products::dense : DenseGsemm::Products::automatic);
  std::vector<int> cycle(task.K);
  for (int i = 0; i < task.K; ++i) cycle[i] = i;

  const bool strict = task.success_rule == SuccessRule::strict;
  const StopRules rules = stop_rules(task);
  SequenceMonitor monitor(task.threshold, cycle, rules);
  ArgmaxChanges argmax{task.K, task.threshold};
  Vec s(task.N_f), a(task.K), m(task.K);
  bool over_budget = false;
  long long observed = 0;
  // one observation from a = Xi^T sigma_f(V_f)
  auto observe_drive = [&](double t, const Vec& drive) {
    m = drive / static_cast<double>(task.N_f);
    if (!strict) argmax.add(m);
    if ((++observed & 1023) == 0 && task.max_wall_s > 0 &&
        std::chrono::duration<double>(Clock::now() - t0).count() > task.max_wall_s) {
      over_budget = true;
      return false;
    }
    return monitor.add(t, m);
  };
  Vec x = model.initial_state(task.cue_amplitude * Xi.col(0), Vec::Zero(task.N_f));
  const IntegratorSpec& spec = task.integrator;
  IntegrationResult ir;
  if (spec.stepper == StepperKind::event_driven) {
    OverlapObserver obs;
    obs.observe = observe_drive;
    // the stall deadline (a hair after it: stalled means more than stall_time without a new visit)
    obs.wake_at = [&] { return rules.stop_on_stall ? monitor.stall_deadline() + 1e-6 : std::numeric_limits<double>::infinity(); };
    ir = integrate_event_driven(model, x, 0.0, task.t_max, spec, obs);
  } else {
    auto observe = [&](const Vec& y, double t) {
      // a = Xi^T s: the last stage of a dopri5 step is this state, otherwise one product
      const Vec* drive = model.last_overlap_drive(y);
      if (!drive) {
        sigma_f(DenseGsemm::V_f(y, task.N_f), task.params.gamma, s);
        model.overlap_drive(s, a);
        drive = &a;
      }
      return observe_drive(t, *drive);
    };
    const bool fixed_step = spec.stepper == StepperKind::rk4 || spec.stepper == StepperKind::rk4_split;
    const SampleTimes times =
        fixed_step ? SampleTimes(0.0, task.t_max, spec.dt) : SampleTimes::every_step(0.0, task.t_max, spec.dt);
    ir = integrate(model, x, 0.0, times, spec, observe);
  }
  if (ir.status == EndStatus::failed && adaptive && task.fallback_rk4_dt > 0 && !over_budget) {
    SequenceTask again = task;
    again.integrator = IntegratorSpec{StepperKind::rk4, task.fallback_rk4_dt};
    again.integrator.max_steps = task.integrator.max_steps;
    again.max_wall_s = task.max_wall_s > 0
                           ? std::max(1e-3, task.max_wall_s - std::chrono::duration<double>(Clock::now() - t0).count())
                           : 0;
    Evaluation e = evaluate_sequence(again, keep_visits);
    e.fell_back = true;
    e.stats += ir.stats;
    e.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
    return e;
  }

  Evaluation e = judge(task, ir, monitor, argmax, over_budget, keep_visits);
  e.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return e;
}

SearchResult search_capacity(int K_min, int K_max, double growth, const std::vector<int>& K_list,
                             const std::function<Verdict(int)>& evaluate, bool K_list_all, double K_resolution) {
  SearchResult r;
  r.capacity = K_min - 1;
  auto tried = [&](int K) { r.largest_tried = std::max(r.largest_tried, K); };
  if (!K_list.empty()) {
    bool failed = false;
    for (int K : K_list) {
      tried(K);
      const Verdict v = evaluate(K);
      if (v == Verdict::success) {
        r.capacity = K;
        continue;
      }
      if (v == Verdict::censored) {  // undecided: a lower bound, whatever the rest would give
        r.stop = SearchStop::censored;
        return r;
      }
      failed = true;
      if (!K_list_all) break;
    }
    // every K: the capacity is the largest success, measured if a larger K failed
    r.stop = failed && (!K_list_all || r.capacity < K_list.back()) ? SearchStop::failure : SearchStop::K_max;
    return r;
  }
  tried(K_min);
  const Verdict first = evaluate(K_min);
  if (first != Verdict::success) {
    r.stop = first == Verdict::failure ? SearchStop::failure : SearchStop::censored;
    return r;
  }
  int good = K_min, bad = -1;
  while (good < K_max) {
    const int K = std::min(K_max, std::max(good + 1, static_cast<int>(std::ceil(good * growth - 1e-9))));
    tried(K);
    const Verdict v = evaluate(K);
    if (v == Verdict::censored) {
      r.capacity = good;
      r.stop = SearchStop::censored;
      return r;
    }
    if (v == Verdict::failure) {
      bad = K;
      break;
    }
    good = K;
  }
  if (bad < 0) {
    r.capacity = good;
    r.stop = SearchStop::K_max;
    return r;
  }
  while (bad - good > std::max(1.0, K_resolution * good)) {
    const int mid = good + (bad - good) / 2;
    tried(mid);
    const Verdict v = evaluate(mid);
    if (v == Verdict::censored) {
      r.capacity = good;
      r.stop = SearchStop::censored;
      return r;
    }
    (v == Verdict::success ? good : bad) = mid;
  }
  r.capacity = good;
  r.stop = SearchStop::failure;
  return r;
}

int largest_success(int K_min, int K_max, const std::function<bool(int)>& succeeds) {
  return search_capacity(K_min, K_max, 2.0, {}, [&](int K) { return succeeds(K) ? Verdict::success : Verdict::failure; })
      .capacity;
}

}  // namespace seqmem
