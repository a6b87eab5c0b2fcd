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
#include "bench/machine.hpp"
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

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Smallest wall time in seconds of `reps` calls of f().
template <class F>
double best_of(int reps, F&& f) {
  double best = std::numeric_limits<double>::infinity();
  for (int rep = 0; rep < reps; ++rep) {
    const auto t0 = Clock::now();
    f();
    best = std::min(best, since(t0));
  }
  return best;
}

volatile double g_sink = 0.0;  // keeps timed results alive

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
// 2. and 3. The Figure 1 problem: RK4 via simulate(), CVODE via the same model and recording.
std::string find_scenario(const std::string& arg) {
  if (!arg.empty()) return arg;
  const std::string rel = "scenarios/fig1_two_episodes.toml";
  if (std::filesystem::exists(rel)) return rel;
  return std::string(SEQMEM_SOURCE_DIR) + "/" + rel;
}

std::string visits_text(const std::vector<Visit>& v, std::size_t max_items = 1000) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < max_items; ++i) s += (i ? " " : "") + std::to_string(v[i].memory + 1);
  if (v.size() > max_items) s += " ...";
  return s;
}

struct Comparison {
  bool same = false;  // same memories in the same order, entry times within tol
  bool same_order = false;
  double max_dt = 0;  // max |t_entry difference| over the common prefix
  std::size_t first_diff = 0;
};

Comparison compare(const std::vector<Visit>& ref, const std::vector<Visit>& v, double tol) {
  Comparison c;
  const std::size_t n = std::min(ref.size(), v.size());
  std::size_t i = 0;
  for (; i < n && ref[i].memory == v[i].memory; ++i) c.max_dt = std::max(c.max_dt, std::abs(ref[i].t_entry - v[i].t_entry));
  c.first_diff = i;
  c.same_order = (i == n && ref.size() == v.size());
  c.same = c.same_order && c.max_dt <= tol;
  return c;
}

// The model and the initial state exactly as simulate()/run_model() build them.
struct Fig1Problem {
  DenseGsemm model;
  Vec x0;
};

Fig1Problem fig1_problem(const RunSpec& spec, const RunInputs& in) {
  InitialConditions ic = initial_conditions(spec, in);
  Fig1Problem p{DenseGsemm(in.Xi, in.Phi, spec.params, std::move(ic.input)), Vec()};
  p.x0 = p.model.initial_state(ic.V_f0, ic.V_d0);
  return p;
}

using seqmem::cvode_eigen::mat;
using seqmem::cvode_eigen::vec;

// CVODE's user data: the model, copy buffers (DenseGsemm takes const Vec&), Jacobian work space.
struct CvUser {
  CvUser(const DenseGsemm& m, const Mat& Phi)
      : model(m), PhiT(Phi.transpose()), x(m.state_size()), dx(m.state_size()), s(m.N_f()), gp(m.K()) {}
  const DenseGsemm& model;
  Mat PhiT, A, B;
  Vec x, dx, s, ds, h, gp;
};

int cv_rhs(realtype t, N_Vector y, N_Vector ydot, void* ud) {
  auto& u = *static_cast<CvUser*>(ud);
  u.x = vec(y);
  u.model(u.x, u.dx, t);
  vec(ydot) = u.dx;
  return 0;
}

// Analytic Jacobian of Dense GSEMM, x = [V_f; V_d; u_d], for sigma_h = x^n or max(x,0)^n.
// s = sigma_f(V_f), s' = gamma (1 - s^2), h = c Xi^T s + alpha_c Phi^T u_d, g' = sigma_h'(h),
// A = Xi diag(g'); T_d du_d/dt = beta_d Xi^T s - u_d:
//   d(dV_f)/dV_f = (sqrt(alpha_s) c A Xi^T diag(s') - I) / T_f,  d(dV_f)/du_d = sqrt(alpha_s) alpha_c A Phi^T / T_f
//   d(dV_d)/dV_f = beta_d diag(s') / T_d,                          d(dV_d)/dV_d = -I / T_d
//   d(du_d)/dV_f = beta_d Xi^T diag(s') / T_d,                     d(du_d)/du_d = -I / T_d
// All other blocks are zero (V_d enters h only through u_d; the input current does not depend on x).
void jacobian(CvUser& u, Eigen::Ref<const Vec> x, Eigen::Ref<Mat> J) {
  const int N = u.model.N_f(), K = u.model.K();
  const auto& p = u.model.params();
  const Mat& Xi = u.model.Xi();
  const double c = p.alpha_s_placement == AlphaSPlacement::eq9 ? std::sqrt(p.alpha_s) : 1.0;
  const double sa = std::sqrt(p.alpha_s);
  sigma_f(x.head(N), p.gamma, u.s);
  u.ds = p.gamma * (1.0 - u.s.array().square());
  u.h.noalias() = p.alpha_c * (u.PhiT * x.tail(K));
  u.h.noalias() += c * (Xi.transpose() * u.s);
  // g' = n h^(n-1) (polynomial) or n max(h,0)^(n-1) (rectified), by repeated multiplication
  const int n = p.sigma_h.degree;
  const bool rectified = p.sigma_h.kind == HiddenKind::rectified_polynomial;
  u.gp.setConstant(static_cast<double>(n));
  for (int k = 1; k < n; ++k) {
    if (rectified)
      u.gp.array() *= u.h.array().max(0.0);
    else
      u.gp.array() *= u.h.array();
  }
  if (rectified) u.gp = (u.h.array() > 0.0).select(u.gp, 0.0);
  u.A.noalias() = Xi * u.gp.asDiagonal();
  u.B.noalias() = u.A * Xi.transpose();
  J.setZero();
  J.block(0, 0, N, N) = (sa * c / p.T_f) * (u.B * u.ds.asDiagonal());
  J.block(0, 0, N, N).diagonal().array() -= 1.0 / p.T_f;
  J.block(0, 2 * N, N, K).noalias() = (sa * p.alpha_c / p.T_f) * (u.A * u.PhiT);
  J.block(N, 0, N, N).diagonal() = (p.beta_d / p.T_d) * u.ds;
  J.block(N, N, N, N).diagonal().setConstant(-1.0 / p.T_d);
  J.block(2 * N, 0, K, N) = (p.beta_d / p.T_d) * (Xi.transpose() * u.ds.asDiagonal());
  J.block(2 * N, 2 * N, K, K).diagonal().setConstant(-1.0 / p.T_d);
}

int cv_jac(realtype, N_Vector y, N_Vector, SUNMatrix J, void* ud, N_Vector, N_Vector, N_Vector) {
  jacobian(*static_cast<CvUser*>(ud), vec(y), mat(J));
  return 0;
}

// Max |J_analytic - J_central_difference| / max |J|, at x.
double check_jacobian(const DenseGsemm& model, const Mat& Phi, const Vec& x) {
  CvUser u(model, Phi);
  const auto n = x.size();
  Mat J(n, n), Jfd(n, n);
  jacobian(u, x, J);
  Vec xp = x, fp(n), fm(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double e = 1e-6 * std::max(1.0, std::abs(x(j)));
    xp(j) = x(j) + e;
    model(xp, fp, 0.0);
    xp(j) = x(j) - e;
    model(xp, fm, 0.0);
    xp(j) = x(j);
    Jfd.col(j) = (fp - fm) / (2 * e);
  }
  return (J - Jfd).cwiseAbs().maxCoeff() / J.cwiseAbs().maxCoeff();
}

// The "O3" rows: CVODE with its per-step vector operations, dense matrix operations and dense LU
// replaced by Eigen code compiled here (sim/solvers/cvode_eigen.hpp: Debian's libsundials is -O0).
namespace o3 = seqmem::cvode_eigen;

struct CvConfig {
  const char* label;
  bool bdf;        // false: Adams with the fixed-point nonlinear solver
  bool analytic;   // BDF: analytic Jacobian (else difference quotients)
  bool optimised;  // "O3": Eigen N_Vector / SUNMatrix operations and Eigen LU instead of Debian's -O0 code
  int max_order;   // 0: CVODE's default (12 Adams, 5 BDF)
};

struct CvResult {
  double wall = 0;
  long steps = 0, nfe = 0, nfe_ls = 0, nsetups = 0, netf = 0;
  int last_order = 0;
  std::string status = "completed";
  std::vector<Visit> visits;
};

#define CV_CHECK(call)                                                       \
  do {                                                                       \
    const int flag_ = (call);                                                \
    if (flag_ < 0) {                                                         \
      std::fprintf(stderr, "CVODE: %s failed with flag %d\n", #call, flag_); \
      std::exit(1);                                                          \
    }                                                                        \
  } while (0)

CvResult run_cvode(const RunSpec& spec, const RunInputs& in, const CvConfig& cfg, double rtol, double atol) {
  CvResult r;
  const auto t0 = Clock::now();  // like simulate(): model, cue, integration and recording
  const Fig1Problem prob = fig1_problem(spec, in);
  const DenseGsemm& model = prob.model;
  CvUser u(model, in.Phi);
  const int N = model.N_f(), S = static_cast<int>(model.state_size());

  SUNContext ctx;
  CV_CHECK(SUNContext_Create(nullptr, &ctx));
  N_Vector y = N_VNew_Serial(S, ctx);
  if (cfg.optimised) o3::install(y);
  vec(y) = prob.x0;
  void* mem = CVodeCreate(cfg.bdf ? CV_BDF : CV_ADAMS, ctx);
  CV_CHECK(CVodeInit(mem, cv_rhs, 0.0, y));
  CV_CHECK(CVodeSStolerances(mem, rtol, atol));
  CV_CHECK(CVodeSetUserData(mem, &u));
  CV_CHECK(CVodeSetMaxNumSteps(mem, 1000000));
  if (cfg.max_order > 0) CV_CHECK(CVodeSetMaxOrd(mem, cfg.max_order));
  SUNNonlinearSolver nls = nullptr;
  SUNMatrix A = nullptr;
  SUNLinearSolver ls = nullptr;
  if (!cfg.bdf) {
    nls = SUNNonlinSol_FixedPoint(y, 0, ctx);
    CV_CHECK(CVodeSetNonlinearSolver(mem, nls));
  } else {
    A = SUNDenseMatrix(S, S, ctx);
    if (cfg.optimised) o3::install(A);
    ls = cfg.optimised ? o3::eigen_lu(ctx) : SUNLinSol_Dense(y, A, ctx);
    CV_CHECK(CVodeSetLinearSolver(mem, ls, A));
    if (cfg.analytic) CV_CHECK(CVodeSetJacFn(mem, cv_jac));
  }

  // The recorder without output (sim/kinds/gsemm/recorder.hpp): overlaps and visits at t = n * sample_dt.
  VisitDetector visits(spec.threshold);
  Vec s(N), m(model.K());
  auto record = [&](Eigen::Ref<const Vec> x, double t) {
    if (!x.allFinite()) return false;
    overlaps(model.Xi(), x.head(N), spec.params.gamma, s, m);
    visits.add(t, m);
    return true;
  };
  record(prob.x0, 0.0);
  const long n_samples = std::llround(spec.t_end / spec.sample_dt);
  for (long k = 1; k <= n_samples; ++k) {
    realtype t = 0;
    const int flag = CVode(mem, static_cast<double>(k) * spec.sample_dt, y, &t, CV_NORMAL);
    if (flag < 0) {
      r.status = "failed (flag " + std::to_string(flag) + ")";
      break;
    }
    if (!record(vec(y), t)) {
      r.status = "diverged";
      break;
    }
  }
  r.wall = since(t0);

  CVodeGetNumSteps(mem, &r.steps);
  CVodeGetNumRhsEvals(mem, &r.nfe);
  CVodeGetNumErrTestFails(mem, &r.netf);
  CVodeGetLastOrder(mem, &r.last_order);
  if (cfg.bdf) {
    CVodeGetNumLinRhsEvals(mem, &r.nfe_ls);
    CVodeGetNumLinSolvSetups(mem, &r.nsetups);
  }
  r.visits = visits.visits();
  CVodeFree(&mem);
  if (ls) SUNLinSolFree(ls);
  if (A) SUNMatDestroy(A);
  if (nls) SUNNonlinSolFree(nls);
  N_VDestroy(y);
  SUNContext_Free(&ctx);
  return r;
}

struct Fig1Ref {
  double wall = 0;
  std::vector<Visit> visits;
};

Fig1Ref bench_fig1(const Scenario& sc, const RunSpec& spec, const RunInputs& in) {
  const int reps = 3;
  std::printf("== 2. one whole Figure 1 run: simulate(spec, inputs, out = nullptr) ==\n");
  std::printf("  %s: run '%s', N_f = %d, K = %d, %s, t_end = %g, dt = %g, sample_dt = %g, threshold = %g\n",
              sc.path.c_str(), spec.id.c_str(), spec.N_f, static_cast<int>(in.Xi.cols()),
              spec.stepper == StepperKind::rk4 ? "rk4" : "dopri5", spec.t_end, spec.dt, spec.sample_dt,
              spec.threshold);
  std::vector<double> walls;
  RunOutcome o;
  for (int rep = 0; rep < reps; ++rep) {
    const auto t0 = Clock::now();
    o = simulate(spec, in, nullptr);
    walls.push_back(since(t0));
  }
  const Fig1Ref ref{*std::min_element(walls.begin(), walls.end()), o.visits};
  const long long steps = std::llround(spec.t_end / spec.dt);
  std::printf("  wall time  %.1f ms (best of %d: %.1f, %.1f, %.1f ms)  = %.3f us per step incl. recording\n",
              ref.wall * 1e3, reps, walls[0] * 1e3, walls[1] * 1e3, walls[2] * 1e3, ref.wall / steps * 1e6);
  std::printf("  steps      %lld RK4 steps = %lld RHS evaluations; %lld samples; status %s\n", steps, 4 * steps,
              o.samples, o.status.c_str());
  std::printf("  visits     %zu: %s\n", o.visits.size(), visits_text(o.visits).c_str());
  std::printf("  entries    t =");
  for (std::size_t i = 0; i < o.visits.size() && i < 8; ++i) std::printf(" %.2f", o.visits[i].t_entry);
  std::printf("%s\n", o.visits.size() > 8 ? " ..." : "");
  if (o.checked)
    std::printf("  episode    expect_cycle: %d correct transitions, %d cycles, %s\n", o.check.correct_transitions,
                o.check.cycles_completed, o.check.ok() ? "no wrong visit" : "WRONG VISIT");
  std::printf("\n");
  return ref;
}

// The same Figure 1 run through simulate() with other odeint settings: fewer, larger steps.
void bench_fig1_variants(const RunSpec& spec, const RunInputs& in, const Fig1Ref& ref) {
  const double tol_t = 0.5;
  std::printf("== 2b. the same run through simulate() with other odeint settings (scenario keys changed) ==\n");
  std::printf("  %-28s %9s %7s %-4s %8s %7s\n", "integrator", "wall ms", "visits", "same", "max|dt|", "ratio");
  struct Variant {
    const char* label;
    StepperKind stepper;
    double dt, tol;
  };
  const Variant variants[] = {{"rk4, dt = 0.02", StepperKind::rk4, 0.02, 0},
                              {"rk4, dt = 0.05", StepperKind::rk4, 0.05, 0},
                              {"rk4, dt = 0.1", StepperKind::rk4, 0.1, 0},
                              {"dopri5, abs = rel tol 1e-6", StepperKind::dopri5, 0.01, 1e-6},
                              {"dopri5, abs = rel tol 1e-8", StepperKind::dopri5, 0.01, 1e-8}};
  for (const Variant& v : variants) {
    RunSpec s2 = spec;
    s2.stepper = v.stepper;
    s2.dt = v.dt;
    if (v.tol > 0) s2.abs_tol = s2.rel_tol = v.tol;
    RunOutcome o;
    const double best = best_of(3, [&] { o = simulate(s2, in, nullptr); });
    const Comparison c = compare(ref.visits, o.visits, tol_t);
    std::printf("  %-28s %9.1f %7zu %-4s %8.2g %6.2fx%s\n", v.label, best * 1e3, o.visits.size(),
                c.same ? "yes" : "NO", c.max_dt, best / ref.wall, o.status == "completed" ? "" : "  (not completed)");
  }
  std::printf("  (same / max|dt| / ratio against the rk4 dt = %g run of section 2; wall: best of 3)\n\n", spec.dt);
}

void bench_cvode(const RunSpec& spec, const RunInputs& in, const Fig1Ref& ref, bool adams_only) {
  const double tol_t = 0.5;
  std::printf("== 3. the Figure 1 problem with CVODE (SUNDIALS %s), sampled every %g as the recorder ==\n",
              SUNDIALS_VERSION, spec.sample_dt);
  // jacobian() knows sigma_h = x^n and max(x,0)^n: no analytic rows for softmax.
  const bool has_jacobian = spec.params.sigma_h.kind != HiddenKind::softmax;
  if (has_jacobian) {
    const Fig1Problem prob = fig1_problem(spec, in);
    Vec x1 = prob.x0;  // also a state off the memory, where sigma_f is not saturated
    x1.head(spec.N_f) = 0.3 * prob.x0.head(spec.N_f) + 0.2 * in.Xi.col(0);
    const double e0 = check_jacobian(prob.model, in.Phi, prob.x0), e1 = check_jacobian(prob.model, in.Phi, x1);
    std::printf("  analytic Jacobian (state of %ld entries) vs central differences: max rel. error %.1e (cue),\n"
                "  %.1e (mixed state)%s\n",
                static_cast<long>(prob.x0.size()), e0, e1, std::max(e0, e1) < 1e-5 ? "" : ": WRONG");
  }
  {
    SUNContext ctx;
    CV_CHECK(SUNContext_Create(nullptr, &ctx));
    std::printf("  O3 N_Vector operations vs Debian's on random vectors: max rel. difference %.1e\n",
                o3::self_check(ctx));
    SUNContext_Free(&ctx);
  }
  std::printf("  RK4 reference: %.1f ms, %zu visits. same = same memories in the same order and every entry time\n"
              "  within %.1f of RK4's; ratio = CVODE wall / RK4 wall (simulate, best of 3); atol = rtol;\n"
              "  wall: best of 3 for runs under 0.3 s\n",
              ref.wall * 1e3, ref.visits.size(), tol_t);
  const CvConfig configs[] = {
      {"Adams, fixed-point", false, false, false, 0},     {"BDF, dense LU, DQ Jac", true, false, false, 0},
      {"Adams, fixed-point", false, false, true, 0},      {"Adams q<=5, fixed-point", false, false, true, 5},
      {"BDF, Eigen LU, DQ Jac", true, false, true, 0},    {"BDF, Eigen LU, analytic J", true, true, true, 0},
  };
  std::printf("  %-26s %-6s %5s %8s %6s %2s %6s %6s %5s %4s %6s %-4s %8s %7s\n", "method", "code", "rtol", "wall ms",
              "steps", "q", "RHS", "+LSRHS", "LUset", "ETF", "visits", "same", "max|dt|", "ratio");
  for (double tol : {1e-6, 1e-8}) {
    for (const CvConfig& cfg : configs) {
      if ((adams_only && cfg.bdf) || (cfg.analytic && !has_jacobian)) continue;
      CvResult r = run_cvode(spec, in, cfg, tol, tol);
      for (int rep = 1; rep < 3 && r.wall < 0.3; ++rep) {  // best of 3 for the fast ones
        const CvResult again = run_cvode(spec, in, cfg, tol, tol);
        if (again.wall < r.wall) r = again;
      }
      const Comparison c = compare(ref.visits, r.visits, tol_t);
      std::printf("  %-26s %-6s %5.0e %8.1f %6ld %2d %6ld %6ld %5ld %4ld %6zu %-4s %8.2g %6.2fx%s\n", cfg.label,
                  cfg.optimised ? "O3" : "Debian", tol, r.wall * 1e3, r.steps, r.last_order, r.nfe, r.nfe_ls,
                  r.nsetups, r.netf, r.visits.size(), c.same ? "yes" : "NO", c.max_dt, r.wall / ref.wall,
                  r.status == "completed" ? "" : ("  " + r.status).c_str());
      if (!c.same_order)
        std::printf("      ^ sequences differ at visit %zu: CVODE %s\n", c.first_diff + 1,
                    visits_text(r.visits, 40).c_str());
    }
  }
  std::printf(
      "  code: Debian = libsundials 6.4.1 as packaged (compiled -O0); O3 = the same CVODE with its N_Vector\n"
      "  operations, dense LU, matrix copy and scale-add replaced by Eigen code compiled here. q: last order;\n"
      "  RHS: CVODE's RHS calls; +LSRHS: extra calls for difference-quotient Jacobians; LUset: Jacobian/LU\n"
      "  setups; ETF: error test failures. Every RHS call also copies the state in and out between N_Vector\n"
      "  and Eigen::VectorXd.\n\n");
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
    std::printf("  %d thread%s: %d samples x (1 + %d) fixed points + %d surfaces of %d x %d: %.3f s "
                "(whole run %.3f s, best of 3)\n",
                threads, threads == 1 ? " " : "s", o.fixed_points, int(in.Xi.cols()), spec.fixed_points.surface_slices,
                spec.fixed_points.surface_grid, spec.fixed_points.surface_grid, best_fp, best_total);
  }
  omp_set_num_threads(max_threads);
  std::printf("\n");
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
  const double h = (t_end - t0) / static_cast<double>(K);
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

  // Breakdown on one thread: the parts of `part` trajectories, best of 3, scaled to M.
  const double scale = static_cast<double>(M) / part;
  Vec xi(D);
  const double t_gauss = best_of(3, [&] {
    double acc = 0;
    for (int i = 0; i < part; ++i) {
      std::mt19937_64 rng = trajectory_rng(seed, static_cast<std::uint64_t>(i));
      boost::random::normal_distribution<double> gauss(0.0, 1.0);
      for (long long k = 0; k < K; ++k) {
        for (Eigen::Index j = 0; j < D; ++j) xi(j) = gauss(rng);
        acc += xi(k % D);
      }
    }
    g_sink = acc;
  }) * scale;
  const double t_std = best_of(3, [&] {
    double acc = 0;
    for (int i = 0; i < part; ++i) {
      std::mt19937_64 rng = trajectory_rng(seed, static_cast<std::uint64_t>(i));
      std::normal_distribution<double> gauss(0.0, 1.0);
      for (long long k = 0; k < K; ++k) {
        for (Eigen::Index j = 0; j < D; ++j) xi(j) = gauss(rng);
        acc += xi(k % D);
      }
    }
    g_sink = acc;
  }) * scale;
  PatternDiffusion local = dm;
  Vec f(D);
  const double t_drift = best_of(3, [&] {
    double acc = 0;
    for (int i = 0; i < part; ++i)
      for (long long k = 0; k < K; ++k) {
        local.reverse_drift(x0, t0 + static_cast<double>(k) * h, f);
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
    const Scenario sc = load_scenario(find_scenario(scenario));
    const RunSpec& spec = sc.runs[0];
    const FileCache files = load_files(sc);
    const RunInputs in = make_inputs(spec, files);
    const Fig1Ref ref = bench_fig1(sc, spec, in);
    if (want("fig1")) bench_fig1_variants(spec, in, ref);
    if (want("cvode") || only == "adams") bench_cvode(spec, in, ref, only == "adams");
  }
  if (want("anatomy")) bench_anatomy();
  if (want("fig2")) bench_fig2();
  if (want("recall")) bench_recall();
  std::printf("total %.1f s\n", since(t_all));
  return 0;
}
