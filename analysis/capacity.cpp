#include "capacity.hpp"

#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <chrono>

#include "../models/dense_gsemm.hpp"
#include "../models/memories.hpp"
#include "overlaps.hpp"
#include "sequence.hpp"

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

namespace {
struct Known {};  // thrown by the observer once the outcome is known
}  // namespace

Evaluation evaluate_sequence(const SequenceTask& task) {
  const auto t0 = std::chrono::steady_clock::now();
  const Mat Xi = random_memories(task.N_f, task.K, task.seed);
  DenseGsemm model(Xi, cyclic_phi(task.K), task.params);
  std::vector<int> cycle(task.K);
  for (int i = 0; i < task.K; ++i) cycle[i] = i;

  Evaluation e;
  VisitDetector visits(task.threshold);
  EpisodeChecker check(cycle);
  Vec s(task.N_f), m(task.K);
  double t_last_visit = 0;
  auto observe = [&](const Vec& x, double t) {
    e.t_stop = t;
    if (!x.allFinite()) {
      e.outcome = Outcome::diverged;
      throw Known{};
    }
    overlaps(Xi, DenseGsemm::V_f(x, task.N_f), task.params.gamma, s, m);
    if (visits.add(t, m)) {
      t_last_visit = t;
      const bool right = check.add(visits.last());
      e.cycles = check.result().cycles_completed;
      if (!right) {
        e.outcome = Outcome::wrong;
        e.t_first_error = check.result().first_wrong_time;
        throw Known{};
      }
      if (e.cycles >= task.cycles_required) {
        e.outcome = Outcome::success;
        throw Known{};
      }
    } else if (t - t_last_visit > task.stall_time) {
      e.outcome = Outcome::stalled;
      throw Known{};
    }
  };
  Vec x = model.initial_state(task.cue_amplitude * Xi.col(0), Vec::Zero(task.N_f));
  namespace odeint = boost::numeric::odeint;
  using RK4 = odeint::runge_kutta4<Vec, double, Vec, double, odeint::vector_space_algebra>;
  try {
    const auto steps = static_cast<std::size_t>(std::floor(task.t_max / task.dt + 1e-9));
    odeint::integrate_n_steps(RK4(), std::cref(model), x, 0.0, task.dt, steps, observe);
    e.outcome = Outcome::horizon;
  } catch (const Known&) {
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
