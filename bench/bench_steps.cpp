// seqmem_bench: how fast is Dense GSEMM on one core, is RK4 the right integrator, and how fast is
// stochastic recall with the diffusion model?
//   1.  microseconds per RK4 step and per right-hand-side evaluation, N_f = 100, K in {10, 100},
//       degree in {1, 15} (Boost.Odeint runge_kutta4 on Eigen::VectorXd, sim/solvers/integrate.hpp's RK4);
//   2.  wall time of one whole Figure 1 run (scenarios/fig1_two_episodes.toml, no output file);
//   2b. the same run with larger RK4 steps and with odeint's dopri5;
//   3.  the same Figure 1 problem with SUNDIALS CVODE (Adams, BDF), sampled every sample_dt with
//       the recorder's overlaps and visit detection, compared with RK4's visited sequence; once
//       with Debian's libsundials as packaged, once with its vector and dense-matrix operations
//       replaced by Eigen code compiled here ("O3");
//   4.  where the time of one RHS evaluation goes (its building blocks timed one by one);
//   5.  the Figure 2 analysis (scenarios/fig2_energy_landscape.toml) on 1 and 2 threads;
//   6.  reverse-SDE recall (sim/experiments/recall.hpp, sim/solvers/sde.hpp), the project's speed target
//       "10 000 trajectories in D = 100 with 50 patterns and 1000 steps in under 10 s on 2 cores":
//       10 000 trajectories, D = 100, N = 50 random unit-norm patterns, VE, 1000 Euler-Maruyama
//       steps, on 1 thread and on omp_get_max_threads() threads (wall s, trajectories/s, whether
//       the end states are bitwise equal), and where the time goes: the Gaussian generator alone
//       (the same number of normals, drawn as EulerMaruyama::run draws them), the drift
//       PatternDiffusion::reverse_drift alone, and the rest. (This measurement was a skipped case
//       of tests/test_recall.cpp.) About 30 s on 2 cores.
// Sections 2 and 3 are in bench/bench_fig1.cpp.
// Run from the repository root:
//   ./build/bench/seqmem_bench [--only=steps|fig1|cvode|adams|anatomy|fig2|recall] [path/to/scenario.toml]
// Sections 1-4 are single-threaded (seqmem_core defines EIGEN_DONT_PARALLELIZE); 5 and 6 also use
// OpenMP threads, one trajectory or one fixed point per thread. Not a test.
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_config.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include <Eigen/Sparse>
#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <boost/version.hpp>
#include <chrono>
#include <omp.h>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "analysis/overlaps.hpp"
#include "analysis/sequence.hpp"
#include "bench/bench_fig1.hpp"
#include "bench/machine.hpp"
#include "bench/timing.hpp"
#include "models/cue.hpp"
#include "models/dense_gsemm.hpp"
#include "models/memories.hpp"
#include "sim/experiments/recall.hpp"
#include "sim/kinds/gsemm/runner.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/solvers/cvode_eigen.hpp"
#include "sim/solvers/integrate.hpp"
#include "sim/solvers/sde.hpp"

using namespace seqmem;

namespace {

using seqmem::bench::best_of;
using seqmem::bench::Clock;
using seqmem::bench::g_sink;
using seqmem::bench::since;

// ---------------------------------------------------------------------------------------------
// 0. The machine (bench/machine.hpp)
void print_machine() {
  seqmem::bench::print_machine();
  std::printf("  threads    sections 1-4: 1 (Eigen built with EIGEN_DONT_PARALLELIZE); 5, 6: 1 and up to\n"
              "             omp_get_max_threads() = %d (OpenMP)\n\n",
              omp_get_max_threads());
}

// ---------------------------------------------------------------------------------------------
// 1. RK4 steps
struct StepTiming {
  double us_step = 0, us_rhs = 0;
  bool finite = false;
  double max_abs_Vf = 0, max_abs_Vd = 0, top_overlap = 0;
  int top_memory = -1;
};

StepTiming time_rk4(const DenseGsemm& model, const Vec& x0, double dt, long nsteps, long nrhs, int reps) {
  StepTiming r;
  const int N = model.N_f();
  RK4 stepper;
  Vec x;
  r.us_step = best_of(reps, [&] {
                x = x0;
                for (long i = 0; i < nsteps; ++i) stepper.do_step(std::cref(model), x, static_cast<double>(i) * dt, dt);
              }) / static_cast<double>(nsteps) * 1e6;
  r.finite = x.allFinite();
  r.max_abs_Vf = x.head(N).cwiseAbs().maxCoeff();
  r.max_abs_Vd = x.segment(N, N).cwiseAbs().maxCoeff();
  if (r.finite) {
    Vec s(N), m(model.K());
    overlaps(model.Xi(), x.head(N), model.params().gamma, s, m);
    Eigen::Index mu;
    r.top_overlap = m.maxCoeff(&mu);
    r.top_memory = static_cast<int>(mu);
  }
  // RHS alone, at the final state (or at the start when that is not finite).
  const Vec xr = r.finite ? x : x0;
  Vec dx(xr.size());
  r.us_rhs = best_of(reps, [&] {
               double acc = 0;
               for (long i = 0; i < nrhs; ++i) {
                 model(xr, dx, 0.0);
                 acc += dx(i % dx.size());
               }
               g_sink = acc;
             }) / static_cast<double>(nrhs) * 1e6;
  return r;
}

// Section 1's parameters: h placement of Eq. 10, alpha_s = 1, polynomial sigma_h of this degree.
GsemmParams step_params(int degree) {
  GsemmParams p;
  p.alpha_s = 1.0;
  p.alpha_c = 0.5;
  p.beta_d = 7.0;
  p.T_f = 1.0;
  p.T_d = 20.0;
  p.sigma_h.kind = HiddenKind::polynomial;
  p.sigma_h.degree = degree;
  p.alpha_s_placement = AlphaSPlacement::eq10;
  return p;
}

void bench_steps() {
  const int N = 100;
  const double dt = 0.01;
  const long nsteps = 20000, nrhs = 100000;
  const int reps = 3;
  std::printf("== 1. RK4 (odeint runge_kutta4, vector_space_algebra, Eigen::VectorXd), N_f = %d ==\n", N);
  std::printf("  cyclic episode xi1 -> ... -> xiK -> xi1 of K random +-1 memories (seed 1), alpha_c = 0.5,\n"
              "  beta_d = 7, T_f = 1, T_d = 20, gamma = 1, cue V_f(0) = xi1, V_d(0) = 0, dt = %.2f;\n"
              "  %ld steps (t = 0..%.0f) best of %d; RHS: %ld calls at the final state, best of %d\n",
              dt, nsteps, nsteps * dt, reps, nrhs, reps);
  std::printf("  %4s %3s %-22s %9s %8s %9s %7s  %-8s %9s %9s %s\n", "K", "deg", "h placement, alpha_s", "us/step",
              "us/RHS", "4*RHS/st", "steps/s", "finite", "max|V_f|", "max|V_d|", "top overlap at end");
  for (int K : {10, 100}) {
    const Mat Xi = random_memories(N, K, 1);
    const Mat Phi = cyclic_phi(K);
    const Vec Vf0 = make_cue(Xi, CueSpec{0}, 1);
    for (int degree : {1, 15}) {
      const DenseGsemm model(Xi, Phi, step_params(degree));
      const StepTiming r = time_rk4(model, model.initial_state(Vf0, Vec::Zero(N)), dt, nsteps, nrhs, reps);
      char top[64] = "-";
      if (r.finite) std::snprintf(top, sizeof top, "m_%d = %.3f", r.top_memory + 1, r.top_overlap);
      std::printf("  %4d %3d %-22s %9.3f %8.3f %8.0f%% %7.0fk  %-8s %9.3g %9.3g %s\n", K, degree, "eq10, alpha_s = 1",
                  r.us_step, r.us_rhs, 400.0 * r.us_rhs / r.us_step, 1e3 / r.us_step, r.finite ? "yes" : "NO",
                  r.max_abs_Vf, r.max_abs_Vd, top);
      if (!r.finite) std::printf("       ^ ERROR: the state overflowed (Inf/NaN); the timings above are not valid\n");
    }
  }
  std::printf("  (4*RHS/st: share of a step spent in its 4 RHS calls; the rest is odeint's vector updates)\n\n");
}

// ---------------------------------------------------------------------------------------------
// 4. Where the time of one RHS goes: the whole DenseGsemm::operator() and the building blocks
//    such an evaluation is made of, timed one by one on the same data.
template <class F>
double time_us(F&& f, long n) {  // us per call of f(), best of 3 x n calls
  return best_of(3, [&] {
           for (long i = 0; i < n; ++i) f();
         }) / static_cast<double>(n) * 1e6;
}

void bench_anatomy() {
  const int N = 100;
  const long n = 50000;
  std::printf("== 4. where the time goes: one RHS evaluation at N_f = 100 and its building blocks ==\n");
  std::printf("  (us per call, best of 3 x %ld calls, state near memory 1, parameters of section 1)\n", n);
  std::printf("  %-58s %8s %8s\n", "", "K = 10", "K = 100");
  std::vector<std::pair<std::string, std::vector<double>>> rows;  // one timing per K
  auto add = [&](const std::string& name, double us) {
    for (auto& r : rows)
      if (r.first == name) {
        r.second.push_back(us);
        return;
      }
    rows.push_back({name, {us}});
  };
  long state_size = 0;
  for (int K : {10, 100}) {
    const Mat Xi = random_memories(N, K, 1);
    const Mat Phi = cyclic_phi(K);
    const Mat PhiT_XiT = (Xi * Phi).transpose();
    const Eigen::SparseMatrix<double> PhiT_sp = Mat(Phi.transpose()).sparseView();
    const DenseGsemm model(Xi, Phi, step_params(1));
    const DenseGsemm model15(Xi, Phi, step_params(15));
    const Vec Vf = 3.0 * Xi.col(0) + 0.1 * Vec::LinSpaced(N, -1, 1);
    const Vec Vd = 7.0 * Xi.col(1).array().tanh().matrix();
    const Vec x = model.initial_state(Vf, Vd);
    state_size = static_cast<long>(x.size());
    Vec dx(x.size()), s(N), h(K), g(K), y(N), yd(N), u = Vec::Ones(K), w(K);
    Mat S(N, 2), P(K, 2);
    const double bd = 7, Tf = 1, Td = 20;
    sigma_f(Vf, 1.0, s);
    S << s, Vd;
    h.noalias() = PhiT_XiT * Vd;
    g = h;
    add("DenseGsemm::operator() (models/ as built), degree 1", time_us([&] { model(x, dx, 0.0); g_sink = dx(0); }, n));
    add("DenseGsemm::operator() (models/ as built), degree 15",
        time_us([&] { model15(x, dx, 0.0); g_sink = dx(0); }, n));
    add("blocks: sigma_f(V_f) = tanh, N_f exp", time_us([&] { sigma_f(Vf, 1.0, s); g_sink = s(0); }, n));
    add("  Xi^T s                   K x N_f gemv", time_us([&] { h.noalias() = Xi.transpose() * s; g_sink = h(0); }, n));
    add("  Xi g                     N_f x K gemv", time_us([&] { y.noalias() = Xi * g; g_sink = y(0); }, n));
    add("  PhiT_XiT V_d             K x N_f gemv (before 6ee055a)",
        time_us([&] { h.noalias() = PhiT_XiT * Vd; g_sink = h(0); }, n));
    add("  Xi^T [s, V_d]            one N_f x 2 product (GEMM)",
        time_us([&] { P.noalias() = Xi.transpose() * S; g_sink = P(0); }, n));
    add("  Phi^T u                  Phi sparse, K nonzeros", time_us([&] { w.noalias() = PhiT_sp * u; g_sink = w(0); }, n));
    add("  g = sigma_h(h), degree 1", time_us([&] { g = h; g_sink = g(0); }, n));
    add("  g = sigma_h(h), degree 15 (14 multiplies)", time_us([&] {
          g = h;
          for (int k = 1; k < 15; ++k) g.array() *= h.array();
          g_sink = g(0);
        }, n));
    add("  elementwise updates of dV_f, dV_d, du_d", time_us([&] {
          y = (1.0 * y - Vf) / Tf;
          yd = (bd * s - Vd) / Td;
          w = (bd * h - u) / Td;
          g_sink = y(0) + yd(0) + w(0);
        }, n));
  }
  for (const auto& r : rows) std::printf("  %-58s %8.3f %8.3f\n", r.first.c_str(), r.second[0], r.second[1]);
  std::printf("  (state of the model as built: %ld entries at K = 100. A dense gemv streams its matrix, 8 N_f K\n"
              "   bytes = 78 KiB at K = 100, more than a core's 32 KiB L1d: L2 bandwidth bound. Eigen 3.4 computes\n"
              "   the N_f x 2 product with its GEMM kernel, packing included: dearer than two gemvs.)\n\n",
              state_size);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 5. The Figure 2 analysis: fixed points from the state and from all 7 memories at 600 samples
//    (t = 20..80) plus 12 energy surfaces, as `seqmem run scenarios/fig2_energy_landscape.toml`.
void bench_fig2() {
  std::printf("== 5. Figure 2 analysis (scenarios/fig2_energy_landscape.toml, no output file) ==\n");
  const int max_threads = omp_get_max_threads();  // restored at the end, for section 6
  const Scenario sc = load_scenario(std::string(SEQMEM_SOURCE_DIR) + "/scenarios/fig2_energy_landscape.toml");
  const RunSpec& spec = sc.runs[0];
  const RunInputs in = make_inputs(spec, load_files(sc));
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    double best_total = 1e300, best_fp = 1e300;
    RunOutcome o;
    for (int rep = 0; rep < 3; ++rep) {
      o = simulate(spec, in, nullptr);
      best_total = std::min(best_total, o.wall_s);
      best_fp = std::min(best_fp, o.fixed_points_wall_s);
    }
    std::printf(
        "  %d thread%s: %d samples x (1 + %d) fixed points + %d surfaces of %d x %d: %.3f s "
        "(whole run %.3f s, best of 3)\n",
        threads, threads == 1 ? " " : "s", o.fixed_points, int(in.Xi.cols()), spec.gsemm().fixed_points.surface_slices,
        spec.gsemm().fixed_points.surface_grid, spec.gsemm().fixed_points.surface_grid, best_fp, best_total);
  }
  omp_set_num_threads(max_threads);
  std::printf("\n");
}

// Where bench_recall's 1-thread time (wall_1, s) goes: Gaussian increments, the drift and the rest,
// each timed on `part` trajectories of K steps (best of 3) and scaled to spec.trajectories.
void recall_breakdown(const PatternDiffusion& dm, const Vec& x0, const RecallSpec& spec, long long K, int part,
                      double wall_1) {
  const Eigen::Index D = x0.size();
  const int M = spec.trajectories;
  const double h = (spec.t_end - spec.t0) / static_cast<double>(K);
  const double scale = static_cast<double>(M) / part;
  Vec xi(D);
  // `part` trajectories' increments from their own generators, drawn with the type of `dist`
  auto time_normals = [&](auto dist) {
    return best_of(3, [&] {
      double acc = 0;
      for (int i = 0; i < part; ++i) {
        std::mt19937_64 rng = trajectory_rng(spec.seed, static_cast<std::uint64_t>(i));
        decltype(dist) gauss(0.0, 1.0);
        for (long long k = 0; k < K; ++k) {
          for (Eigen::Index j = 0; j < D; ++j) xi(j) = gauss(rng);
          acc += xi(k % D);
        }
      }
      g_sink = acc;
    }) * scale;
  };
  const double t_gauss = time_normals(boost::random::normal_distribution<double>());
  const double t_std = time_normals(std::normal_distribution<double>());
  PatternDiffusion local = dm;
  Vec f(D);
  const double t_drift = best_of(3, [&] {
    double acc = 0;
    for (int i = 0; i < part; ++i)
      for (long long k = 0; k < K; ++k) {
        local.reverse_drift(x0, spec.t0 + static_cast<double>(k) * h, f);
        acc += f(k % D);
      }
    g_sink = acc;
  }) * scale;
  auto share = [&](double t) { return 100.0 * t / wall_1; };
  std::printf("  where the 1-thread time goes (%d trajectories x %lld steps, best of 3, scaled to %d; %% of the\n"
              "  1-thread run):\n", part, K, M);
  std::printf("    %-70s %7.2f s %5.1f%%\n", "Gaussian increments, boost::random::normal_distribution (ziggurat)", t_gauss,
              share(t_gauss));
  std::printf("    %-70s %7.2f s %5.1f%%\n", "drift, PatternDiffusion::reverse_drift (at the cue)", t_drift,
              share(t_drift));
  std::printf("    %-70s %7.2f s %5.1f%%\n", "rest: x update, seeding, nearest pattern, OpenMP (by difference)",
              wall_1 - t_gauss - t_drift, share(wall_1 - t_gauss - t_drift));
  std::printf("    %-70s %7.2f s %5.1f%%\n", "(for comparison: the same normals by std::normal_distribution, polar)",
              t_std, share(t_std));
  std::printf("  (%.2f vs %.2f ns per normal; %lld normals per trajectory)\n\n", t_gauss / (1e-9 * M * K * D),
              t_std / (1e-9 * M * K * D), K * D);
}


// ---------------------------------------------------------------------------------------------
// 6. Reverse-SDE recall: the speed target of the diffusion-model side of the project.
void bench_recall() {
  const int D = 100, N = 50, M = 10000, part = 500;  // part: trajectories of the breakdown
  const double t0 = 0.0, t_end = 0.999;
  const std::uint64_t seed = 1;
  // N unit-norm Gaussian patterns (seed 5), the cue y_1 + N(0, 0.1^2 I) (seed 11): the problem of
  // the former speed case of tests/test_recall.cpp.
  Mat Y(D, N);
  {
    std::mt19937_64 rng(5);
    std::normal_distribution<double> nd(0.0, 1.0);
    for (Eigen::Index j = 0; j < N; ++j)
      for (Eigen::Index i = 0; i < D; ++i) Y(i, j) = nd(rng);
    Y.colwise().normalize();
  }
  Vec x0 = Y.col(0);
  {
    std::mt19937_64 rng(11);
    std::normal_distribution<double> nd(0.0, 0.1);
    for (Eigen::Index i = 0; i < D; ++i) x0(i) += nd(rng);
  }
  const PatternDiffusion dm = PatternDiffusion::ve(Y, 1.0, 1.0);
  RecallSpec spec;
  spec.t0 = t0;
  spec.t_end = t_end;
  spec.dt = (t_end - t0) / 1000;
  spec.trajectories = M;
  spec.seed = seed;
  const long long K = EulerMaruyama::steps(t0, t_end, spec.dt);
  std::printf("== 6. reverse-SDE recall: %d trajectories, D = %d, N = %d unit patterns, VE (sigma = 1, T = 1), "
              "%lld Euler-Maruyama steps ==\n", M, D, N, K);
  std::printf("  (reverse_sde_recall, t = %g..%g, cue y_1 + N(0, 0.1^2 I), seed %llu; one run per thread count)\n",
              t0, t_end, static_cast<unsigned long long>(seed));

  const int max_threads = omp_get_max_threads();
  std::vector<int> thread_counts{1};
  if (max_threads > 1) thread_counts.push_back(max_threads);
  std::vector<Mat> ends;
  double wall_1 = 0, wall_max = 0;
  for (int threads : thread_counts) {
    spec.threads = threads;
    const auto start = Clock::now();
    const RecallResult r = reverse_sde_recall(dm, x0, spec);
    const double wall = since(start);
    (threads == 1 ? wall_1 : wall_max) = wall;
    std::printf("  %2d thread%s %7.2f s wall, %7.0f trajectories/s, %6.3f us per step and thread; "
                "end states finite: %s, frequency of pattern 1: %.4f\n",
                threads, threads == 1 ? ": " : "s:", wall, M / wall, wall / (static_cast<double>(M) * K) * 1e6 * threads,
                r.end_states.allFinite() ? "yes" : "NO", r.frequencies()(0));
    ends.push_back(r.end_states);
  }
  if (ends.size() == 2) {
    const bool same = ends[0].size() == ends[1].size() &&
                      std::equal(ends[0].data(), ends[0].data() + ends[0].size(), ends[1].data());
    std::printf("  end states of 1 and %d threads bitwise equal: %s\n", max_threads, same ? "yes" : "NO");
  }
  const double wall_2 = max_threads == 2 ? wall_max : (max_threads == 1 ? 0.0 : -1.0);
  if (wall_2 > 0)
    std::printf("  target \"under 10 s on 2 cores\": %s (%.2f s)\n", wall_2 < 10.0 ? "met" : "NOT met", wall_2);
  else
    std::printf("  target \"under 10 s on 2 cores\": not measured here (omp_get_max_threads() = %d; "
                "OMP_NUM_THREADS=2 measures it)\n", max_threads);

  recall_breakdown(dm, x0, spec, K, part, wall_1);
}

int main(int argc, char** argv) {
  // seqmem_bench [--only=steps|fig1|cvode|adams|anatomy|fig2|recall] [scenario.toml]
  std::string only, scenario;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--only=", 0) == 0)
      only = a.substr(7);
    else if (a == "-h" || a == "--help") {
      std::printf(
          "usage: seqmem_bench [--only=steps|fig1|cvode|adams|anatomy|fig2|recall] [path/to/fig1_two_episodes.toml]\n");
      return 0;
    } else
      scenario = a;
  }
  auto want = [&](const char* s) { return only.empty() || only == s; };
  const auto t_all = Clock::now();
  std::printf("seqmem_bench: Dense GSEMM steps, Figure 1 run, CVODE comparison, Figure 2 analysis, reverse-SDE recall\n\n");
  print_machine();
  if (want("steps")) bench_steps();
  if (want("fig1") || want("cvode") || only == "adams") {
    const Scenario sc = load_scenario(bench::find_scenario(scenario));
    const RunSpec& spec = sc.runs[0];
    const FileCache files = load_files(sc);
    const RunInputs in = make_inputs(spec, files);
    const bench::Fig1Ref ref = bench::bench_fig1(sc, spec, in);
    if (want("fig1")) bench::bench_fig1_variants(spec, in, ref);
    if (want("cvode") || only == "adams") bench::bench_cvode(spec, in, ref, only == "adams");
  }
  if (want("anatomy")) bench_anatomy();
  if (want("fig2")) bench_fig2();
  if (want("recall")) bench_recall();
  std::printf("total %.1f s\n", since(t_all));
  return 0;
}
