// The evaluation engines of the capacity sweep against a reference, on a fixed validation set
// (issue: "capacity that answers"). For each (degree, K, alpha_c, seed) of the set, one evaluation
// (sim/experiments/capacity.hpp: cue xi_1, success after 3 cycles, a wrong visit or a stall ends it) with
//   reference   dopri5 at abs = rel = 1e-8, min_step 1e-16 (degrees 1-4), or RK4 at dt = 0.001 for
//               degrees >= 5, where no adaptive stepper can resolve the flips of saturated neurons in
//               double precision (|V_f| reaches 1e10 and beyond: a neuron crosses |V| < 19 within
//               1e-9 time units, below the resolution of t)
//   candidates  RK4 at dt = 0.01 (the paper's), dopri5 at two tolerances, and the event-driven engine
//               (sim/solvers/event_driven.hpp) at two flip_time bounds and two tolerances of its dopri5
//               stretches; the adaptive ones fall back to RK4 at dt = 0.01 when their stepper gives
//               up, as seqmem sweep does (column "rk4 after": how many did)
// and counts how many give the reference's outcome and its visit sequence (the memories in order).
// Disagreements are listed with the outcome and the first differing visit.
//   usage: seqmem_capacity_validation [--quick] [--threads=N]
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "sim/experiments/capacity.hpp"

using namespace seqmem;

namespace {

struct Case {
  int degree, K;
  double alpha_c;
  int seed;
};

struct Engine {
  std::string name;
  IntegratorSpec integrator;
};

SequenceTask task(const Case& c, const IntegratorSpec& integrator) {
  SequenceTask t;  // fig3_capacity_quick.toml: N_f = 100, alpha_s = 1, T_d = 20, beta_d = 7, Eq. 10
  t.N_f = 100;
  t.K = c.K;
  t.seed = static_cast<std::uint64_t>(c.seed);
  t.params.alpha_s = 1.0;
  t.params.T_d = 20.0;
  t.params.beta_d = 7.0;
  t.params.alpha_c = c.alpha_c;
  t.params.sigma_h.degree = c.degree;
  t.threshold = 0.8;
  t.cycles_required = 3;
  t.stall_time = 200;
  t.t_max = 1e6;
  t.integrator = integrator;
  return t;
}

IntegratorSpec dopri5(double tol, double min_step = 1e-12) {
  IntegratorSpec s{StepperKind::dopri5, 0.01, tol, tol};
  s.max_steps = 1000000000LL;
  s.min_step = min_step;
  return s;
}
IntegratorSpec rk4(double dt) { return {StepperKind::rk4, dt, 0, 0, 1000000000LL, 1e-12}; }
IntegratorSpec event_driven(double flip_time, double tol) {
  IntegratorSpec s = dopri5(tol);
  s.stepper = StepperKind::event_driven;
  s.flip_time = flip_time;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int threads = omp_get_max_threads();
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strncmp(argv[i], "--threads=", 10)) threads = std::atoi(argv[i] + 10);
  }
  std::vector<Case> cases;
  for (int degree : {1, 2, 3, 4})
    for (int K : {4, 8, 12, 16, 24, 32})
      for (double a : {0.2, 0.5, 1.0})
        for (int seed : {1, 2, 3}) cases.push_back({degree, K, a, seed});
  for (int degree : {6, 10})
    for (int K : {8, 16, 32})
      for (double a : {0.5, 1.0})
        for (int seed : {1, 2}) cases.push_back({degree, K, a, seed});
  for (int K : {3, 5, 6})  // degree 1 near its capacity, where slow passages decide the outcome
    for (double a : {0.2, 0.5, 0.8, 1.0})
      for (int seed : {1, 2, 3, 4, 5}) cases.push_back({1, K, a, seed});
  for (int degree : {2, 3})  // larger K, where the flips of a transition spread out
    for (int K : {64, 128})
      for (double a : {0.5, 1.0})
        for (int seed : {1, 2}) cases.push_back({degree, K, a, seed});
  if (quick) {
    std::vector<Case> few;
    for (std::size_t i = 0; i < cases.size(); i += 12) few.push_back(cases[i]);
    cases = few;
  }
  const std::vector<Engine> engines = {{"rk4 dt=0.01", rk4(0.01)},
                                       {"dopri5 tol=1e-2", dopri5(1e-2)},
                                       {"dopri5 tol=1e-3", dopri5(1e-3)},
                                       {"events flip 1e-3 tol 1e-6", event_driven(1e-3, 1e-6)},
                                       {"events flip 1e-2 tol 1e-6", event_driven(1e-2, 1e-6)},
                                       {"events flip 1e-2 tol 1e-3", event_driven(1e-2, 1e-3)}};
  const std::size_t n = cases.size(), E = engines.size();
  std::vector<Evaluation> ref(n);
  std::vector<std::vector<Evaluation>> got(E, std::vector<Evaluation>(n));
  const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::size_t i = 0; i < n; ++i) {
    const Case& c = cases[i];
    ref[i] = evaluate_sequence(task(c, c.degree <= 4 ? dopri5(1e-8, 1e-16) : rk4(0.001)), true);
    for (std::size_t e = 0; e < E; ++e) {
      SequenceTask t = task(c, engines[e].integrator);
      if (engines[e].integrator.stepper != StepperKind::rk4) t.fallback_rk4_dt = 0.01;  // as seqmem sweep does
      got[e][i] = evaluate_sequence(t, true);
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  int outcomes[6] = {0};
  double ref_evals = 0;
  double ref_wall = 0;
  for (const auto& r : ref) ++outcomes[static_cast<int>(r.outcome)], ref_evals += r.stats.rhs_evals, ref_wall += r.wall_s;
  std::printf("validation set: %zu cases (degrees 1-4: reference dopri5 1e-8; degrees 6, 10: reference rk4 dt=0.001), "
              "%.0f s on %d threads\n", n, wall, threads);
  std::printf("reference outcomes: %d success, %d wrong, %d stalled, %d horizon, %d diverged, %d censored (%.0f s)\n",
              outcomes[0], outcomes[1], outcomes[2], outcomes[3], outcomes[4], outcomes[5], ref_wall);
  std::printf("%-26s %9s %9s %14s %14s %10s %10s\n", "engine", "outcome", "visits", "rhs evals", "vs reference", "wall s",
              "rk4 after");
  for (std::size_t e = 0; e < E; ++e) {
    int same_outcome = 0, same_visits = 0;
    double evals = 0, wall_e = 0;
    int fell_back = 0;
    for (std::size_t i = 0; i < n; ++i) {
      fell_back += got[e][i].fell_back;
      same_outcome += got[e][i].outcome == ref[i].outcome;
      same_visits += got[e][i].visit_sequence == ref[i].visit_sequence;
      evals += got[e][i].stats.rhs_evals;
      wall_e += got[e][i].wall_s;
    }
    std::printf("%-26s %5d/%-3zu %5d/%-3zu %14.3g %13.3gx %10.1f %10d\n", engines[e].name.c_str(), same_outcome, n,
                same_visits, n, evals, evals / ref_evals, wall_e, fell_back);
  }
  std::printf("disagreements (engine: case, reference -> engine, first differing visit):\n");
  for (std::size_t e = 0; e < E; ++e)
    for (std::size_t i = 0; i < n; ++i) {
      const auto &r = ref[i], &g = got[e][i];
      if (g.outcome == r.outcome && g.visit_sequence == r.visit_sequence) continue;
      std::size_t k = 0;
      while (k < r.visit_sequence.size() && k < g.visit_sequence.size() && r.visit_sequence[k] == g.visit_sequence[k]) ++k;
      const Case& c = cases[i];
      std::printf("  %s: degree %d K %d alpha_c %.1f seed %d: %s (%d visits) -> %s (%d visits%s), first difference at "
                  "visit %zu\n",
                  engines[e].name.c_str(), c.degree, c.K, c.alpha_c, c.seed, to_string(r.outcome), r.visits,
                  to_string(g.outcome), g.visits, g.fell_back ? ", after rk4" : "", k + 1);
    }
  return 0;
}
