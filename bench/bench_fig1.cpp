// seqmem_bench, sections 2 and 3 (bench/bench_fig1.hpp).
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
#include "bench/bench_fig1.hpp"
#include "bench/timing.hpp"

using namespace seqmem;

namespace seqmem::bench {

// ---------------------------------------------------------------------------------------------
// 2. and 3. The Figure 1 problem: RK4 via simulate(), CVODE via the same model and recording.
std::string find_scenario(const std::string& arg) {
  if (!arg.empty()) return arg;
  const std::string rel = "scenarios/fig1_two_episodes.toml";
  if (std::filesystem::exists(rel)) return rel;
  return std::string(SEQMEM_SOURCE_DIR) + "/" + rel;
}

namespace {

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

}  // namespace

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

}  // namespace seqmem::bench
