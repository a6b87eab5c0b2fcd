// The capacity engine (sim/experiments/capacity.hpp) side by side with the engine before it, in one run:
//   products    the right-hand side of Dense GSEMM at N_f = 100, K = 8192, degree 3, in a dwell:
//               Eigen's dense products against a = Xi^T s from bits and saturation, equal to rounding
//   evaluation  one successful evaluation at N_f = 100, K = 1000, degree 3, alpha_c = 1.0 (3 cycles):
//               RK4 dt = 0.01 with dense products (the engine before) against the event-driven
//               engine (sim/solvers/event_driven.hpp) and dopri5 at 1e-3, both with the bit-packed product;
//               the same outcome and visit sequence
//   memory      resident size of one evaluation at K = 8192
//   grid        scenarios/fig3_capacity_quick.toml on all threads: with the engine before (RK4,
//               dense, alpha_c from the largest) against event_driven with the rk4 fallback and
//               alpha_c from the previous winner; the capacities per (degree, seed) compared
//   usage: seqmem_bench_capacity [--only=products|evaluation|memory|grid]
#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>


#include "bench/machine.hpp"
#include "models/dense_gsemm.hpp"
#include "models/memories.hpp"
#include "sim/experiments/capacity.hpp"
#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/sweeps/sweep.hpp"

using namespace seqmem;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
volatile double g_sink = 0;

GsemmParams fig3_params(int degree, double alpha_c) {
  GsemmParams p;  // fig3_capacity_quick.toml: Eq. 10, alpha_s = 1, T_d = 20, beta_d = 7
  p.alpha_s = 1.0;
  p.T_d = 20.0;
  p.beta_d = 7.0;
  p.alpha_c = alpha_c;
  p.sigma_h.degree = degree;
  return p;
}

void bench_products() {
  const int N = 100, K = 8192;
  const Mat Xi = random_memories(N, K, 1);
  const GsemmParams p = fig3_params(3, 1.0);
  const DenseGsemm dense(Xi, cyclic_phi(K), p, {}, DenseGsemm::Products::dense);
  const DenseGsemm bits(Xi, cyclic_phi(K), p, {}, DenseGsemm::Products::binary);
  // a dwell on xi_5: V_f = 1e6 xi_5 (all saturated) but for three neurons, a delay of the previous memory
  Vec Vf = 1e6 * Xi.col(4), Vd = 7.0 * Xi.col(3);
  Vf(0) = 0.5, Vf(1) = -3.0, Vf(2) = 10.0;
  const Vec x = dense.initial_state(Vf, Vd);
  Vec dx1(x.size()), dx2(x.size());
  auto time = [&](const DenseGsemm& m, Vec& dx) {
    double best = 1e9;
    for (int rep = 0; rep < 5; ++rep) {
      const auto t0 = Clock::now();
      for (int i = 0; i < 200; ++i) m(x, dx, 0.0);
      best = std::min(best, since(t0) / 200);
      g_sink = dx(0);
    }
    return best;
  };
  const double td = time(dense, dx1), tb = time(bits, dx2);
  const double err = (dx1 - dx2).cwiseAbs().maxCoeff() / dx1.cwiseAbs().maxCoeff();
  std::printf("== products: right-hand side of Dense GSEMM, N_f = %d, K = %d, degree 3, in a dwell (97 of 100 neurons "
              "saturated) ==\n", N, K);
  std::printf("  dense products (Eigen)       %8.1f us\n", 1e6 * td);
  std::printf("  a = Xi^T s from bits         %8.1f us   %.2fx   max relative difference %.1e\n", 1e6 * tb, td / tb, err);
  std::printf("  (the other product, Xi sigma_h(h), stays dense: every memory contributes; target 10x: %s)\n\n",
              td / tb >= 10 ? "met" : "not met");
}

SequenceTask evaluation_task(const IntegratorSpec& integrator, bool dense) {
  SequenceTask t;
  t.N_f = 100;
  t.K = 1000;
  t.seed = 1;
  t.params = fig3_params(3, 1.0);
  t.t_max = 1e6;
  t.integrator = integrator;
  t.dense_products = dense;
  return t;
}

IntegratorSpec events() {  // the Figure 3 scenarios' engine: flip_time 1e-2, dopri5 stretches at 1e-6
  IntegratorSpec s{StepperKind::event_driven, 0.01, 1e-6, 1e-6};
  s.max_steps = 1000000000LL;
  s.flip_time = 1e-2;
  return s;
}

void bench_evaluation() {
  std::printf("== evaluation: N_f = 100, K = 1000, degree 3, alpha_c = 1.0, seed 1, one core ==\n");
  auto row = [](const char* name, const Evaluation& e) {
    std::printf("  %-28s %-8s %d cycles, %d visits, %9lld steps or phases, %10lld rhs evaluations, %8.2f s\n", name,
                to_string(e.outcome), e.cycles, e.visits, e.stats.steps, e.stats.rhs_evals, e.wall_s);
    std::fflush(stdout);
  };
  const Evaluation after = evaluate_sequence(evaluation_task(events(), false), true);
  row("event_driven, bit-packed", after);
  IntegratorSpec adaptive{StepperKind::dopri5, 0.01, 1e-3, 1e-3};
  adaptive.max_steps = 1000000000LL;
  const Evaluation middle = evaluate_sequence(evaluation_task(adaptive, false), true);
  row("dopri5 1e-3, bit-packed", middle);
  const Evaluation before = evaluate_sequence(evaluation_task({StepperKind::rk4, 0.01}, true), true);
  row("rk4 dt = 0.01, dense (before)", before);
  auto same = [&](const Evaluation& e) {
    return e.outcome == before.outcome && e.visit_sequence == before.visit_sequence ? "same" : "DIFFERENT";
  };
  std::printf("  speed-up of event_driven %.1fx (target 30x: %s), of dopri5 %.1fx; outcome and visit sequence: %s, %s\n\n",
              before.wall_s / after.wall_s, before.wall_s / after.wall_s >= 30 ? "met" : "not met",
              before.wall_s / middle.wall_s, same(after), same(middle));
}

double rss_mb() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

void bench_memory() {
  const double before = rss_mb();
  SequenceTask t = evaluation_task(events(), false);
  t.K = 8192;
  t.t_max = 50;  // a few transitions: the buffers, not the duration, set the size
  const Evaluation e = evaluate_sequence(t);
  std::printf("== memory: one evaluation at K = 8192 (event_driven, bit-packed; %s at t = %.0f) ==\n", to_string(e.outcome),
              e.t_stop);
  std::printf("  peak resident size %.1f MB (before: %.1f MB); target < 100 MB per thread\n\n", rss_mb(), before);
}

void bench_grid(const std::string& scenario) {
  std::printf("== grid: %s on %d threads ==\n", scenario.c_str(), omp_get_max_threads());
  const auto dir = std::filesystem::temp_directory_path() / ("seqmem_bench_grid_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto sweep = [&](const std::vector<std::string>& sets, bool legacy, const std::string& name) {
    const Scenario sc = load_scenario(scenario, sets);
    SweepOptions o;
    o.progress = false;
    o.dense_products = legacy;
    o.alpha_from_previous = !legacy;
    const std::string out = (dir / name).string();
    const auto t0 = Clock::now();
    const SweepSummary s = run_sweep(sc, out, o);
    std::printf("  %-58s %6lld evaluations %8.1f s\n", name.c_str(), s.evaluations, since(t0));
    std::fflush(stdout);
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::open_file_readonly(out);
    return std::pair{h5::read_vector(f.id(), "capacity/capacity"), since(t0)};
  };
  const auto [c_new, t_new] = sweep({"stepper=event_driven", "flip_time=0.01", "abs_tol=1e-6", "rel_tol=1e-6"}, false,
                                    "new: event_driven, rk4 fallback, bits, alpha_c from the winner");
  const auto [c_old, t_old] = sweep({"stepper=rk4", "dt=0.01"}, true, "before: rk4 dt = 0.01, dense, alpha_c from the largest");
  int same = 0;
  for (std::size_t i = 0; i < c_old.size(); ++i) same += c_old[i] == c_new[i];
  std::printf("  speed-up %.1fx (target 5x: %s); capacities equal for %d of %zu (degree, seed)\n\n", t_old / t_new,
              t_old / t_new >= 5 ? "met" : "not met", same, c_old.size());
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  std::string only;
  for (int i = 1; i < argc; ++i)
    if (!std::strncmp(argv[i], "--only=", 7)) only = argv[i] + 7;
  auto want = [&](const char* s) { return only.empty() || only == s; };
  bench::print_machine();
  std::printf("\n");
  if (want("products")) bench_products();
  if (want("memory")) bench_memory();
  if (want("evaluation")) bench_evaluation();
  if (want("grid")) bench_grid(std::string(SEQMEM_SOURCE_DIR) + "/scenarios/fig3_capacity_quick.toml");
  return 0;
}
