// CVODE BDF with Eigen-backed vectors and LU (see cvode.hpp).
#include "sim/solvers/cvode.hpp"

#include <cvode/cvode.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "sim/core/cancel.hpp"
#include "sim/solvers/cvode_eigen.hpp"

namespace seqmem {
namespace {
// CVODE's name of a return flag; CVodeGetReturnFlagName allocates it with malloc.
std::string flag_name(long flag) {
  char* p = CVodeGetReturnFlagName(flag);
  std::string s = p ? p : "?";
  std::free(p);
  return s;
}
}  // namespace

using cvode_eigen::mat;
using cvode_eigen::vec;

struct CvodeBdf::Impl {
  Rhs f;
  Jacobian jac;
  Options opt;
  SUNContext ctx = nullptr;
  N_Vector y = nullptr;
  SUNMatrix A = nullptr;
  SUNLinearSolver ls = nullptr;
  void* mem = nullptr;
  Vec x, dx;  // copies: the systems take const Vec& / Vec&
  Mat J;
  bool rhs_not_finite = false;
  std::string last_error;

  ~Impl() {
    if (mem) CVodeFree(&mem);
    if (ls) SUNLinSolFree(ls);
    if (A) SUNMatDestroy(A);
    if (y) N_VDestroy(y);
    if (ctx) SUNContext_Free(&ctx);
  }

  static int rhs(realtype t, N_Vector y, N_Vector ydot, void* data) {
    auto& m = *static_cast<Impl*>(data);
    if (cancel_requested()) return -1;  // unrecoverable: CVode returns at once (sim/core/cancel.hpp)
    m.x = vec(y);
    m.f(m.x, m.dx, t);
    if (!m.dx.allFinite()) {
      m.rhs_not_finite = true;
      return 1;  // recoverable: CVODE retries with a smaller step, then gives up
    }
    vec(ydot) = m.dx;
    return 0;
  }
  static int jacobian(realtype t, N_Vector y, N_Vector, SUNMatrix Jm, void* data, N_Vector, N_Vector, N_Vector) {
    auto& m = *static_cast<Impl*>(data);
    m.x = vec(y);
    m.jac(m.x, t, m.J);
    if (!m.J.allFinite()) return 1;
    mat(Jm) = m.J;
    return 0;
  }
  static void on_error(int code, const char* module, const char* function, char* msg, void* data) {
    auto& m = *static_cast<Impl*>(data);
    m.last_error = fmt::format("CVODE {} ({}): {}", function, flag_name(code), msg);
  }
};

namespace {
void check(int flag, const char* call) {
  if (flag < 0) throw std::runtime_error(fmt::format("CVODE: {} failed ({})", call, flag_name(flag)));
}
}  // namespace

CvodeBdf::CvodeBdf(Rhs f, Jacobian jac, const Vec& x0, double t0, const Options& opt) : impl_(new Impl) {
  auto& m = *impl_;
  m.f = std::move(f);
  m.jac = std::move(jac);
  m.opt = opt;
  const auto n = x0.size();
  m.x.resize(n);
  m.dx.resize(n);
  if (SUNContext_Create(nullptr, &m.ctx) != 0) throw std::runtime_error("CVODE: cannot create a SUNDIALS context");
  m.y = N_VNew_Serial(n, m.ctx);
  cvode_eigen::install(m.y);
  vec(m.y) = x0;
  m.mem = CVodeCreate(CV_BDF, m.ctx);
  if (!m.mem) throw std::runtime_error("CVODE: CVodeCreate failed");
  check(CVodeSetErrHandlerFn(m.mem, &Impl::on_error, &m), "CVodeSetErrHandlerFn");
  check(CVodeInit(m.mem, &Impl::rhs, t0, m.y), "CVodeInit");
  check(CVodeSStolerances(m.mem, opt.rel_tol, opt.abs_tol), "CVodeSStolerances");
  check(CVodeSetUserData(m.mem, &m), "CVodeSetUserData");
  check(CVodeSetMaxNumSteps(m.mem, std::min<long long>(opt.max_steps, 1LL << 40)), "CVodeSetMaxNumSteps");
  check(CVodeSetMaxHnilWarns(m.mem, -1), "CVodeSetMaxHnilWarns");  // no warnings on stderr
  if (opt.first_step > 0) check(CVodeSetInitStep(m.mem, opt.first_step), "CVodeSetInitStep");
  m.A = SUNDenseMatrix(n, n, m.ctx);
  cvode_eigen::install(m.A);
  m.ls = cvode_eigen::eigen_lu(m.ctx);
  check(CVodeSetLinearSolver(m.mem, m.ls, m.A), "CVodeSetLinearSolver");
  if (m.jac) {
    m.J.resize(n, n);
    check(CVodeSetJacFn(m.mem, &Impl::jacobian), "CVodeSetJacFn");
  }
}

CvodeBdf::~CvodeBdf() = default;

EndStatus CvodeBdf::advance(double tout, Vec& x, std::string& message) {
  auto& m = *impl_;
  realtype t = 0;
  // The minimum step is relative to the time reached: reset it on every call.
  CVodeSetMinStep(m.mem, m.opt.min_step * std::max(1.0, std::abs(tout)));
  long done = 0;  // max_steps counts over the whole integration, CVODE's limit per call
  CVodeGetNumSteps(m.mem, &done);
  if (done >= m.opt.max_steps) {
    message = fmt::format("more than max_steps = {} steps by t = {}", m.opt.max_steps, this->t());
    return EndStatus::failed;
  }
  CVodeSetMaxNumSteps(m.mem, static_cast<long>(std::min<long long>(m.opt.max_steps - done, 1LL << 40)));
  m.last_error.clear();
  const int flag = CVode(m.mem, tout, m.y, &t, CV_NORMAL);
  if (flag >= 0) {
    x = vec(m.y);
    if (!x.allFinite()) {
      message = fmt::format("NaN or Inf in the state at t = {}", t);
      return EndStatus::diverged;
    }
    return EndStatus::completed;
  }
  x = vec(m.y);
  if (m.rhs_not_finite && (flag == CV_REPTD_RHSFUNC_ERR || flag == CV_FIRST_RHSFUNC_ERR || flag == CV_ERR_FAILURE ||
                           flag == CV_CONV_FAILURE || flag == CV_UNREC_RHSFUNC_ERR)) {
    message = fmt::format("NaN or Inf in the right-hand side at t = {}", this->t());
    return EndStatus::diverged;
  }
  if (flag == CV_TOO_MUCH_WORK)
    message = fmt::format("more than max_steps = {} steps by t = {}", m.opt.max_steps, this->t());
  else
    message = fmt::format("CVODE gave up at t = {} ({})", this->t(),
                          m.last_error.empty() ? flag_name(flag) : m.last_error);
  return EndStatus::failed;
}

EndStatus CvodeBdf::step(double t_stop, Vec& x, double& t, std::string& message) {
  auto& m = *impl_;
  CVodeSetStopTime(m.mem, t_stop);
  long done = 0;
  CVodeGetNumSteps(m.mem, &done);
  if (done >= m.opt.max_steps) {
    message = fmt::format("more than max_steps = {} steps by t = {}", m.opt.max_steps, this->t());
    return EndStatus::failed;
  }
  CVodeSetMinStep(m.mem, m.opt.min_step * std::max(1.0, std::abs(this->t())));
  m.last_error.clear();
  realtype tr = 0;
  const int flag = CVode(m.mem, t_stop, m.y, &tr, CV_ONE_STEP);
  t = tr;
  x = vec(m.y);
  if (flag >= 0) {
    if (!x.allFinite()) {
      message = fmt::format("NaN or Inf in the state at t = {}", t);
      return EndStatus::diverged;
    }
    return EndStatus::completed;
  }
  if (m.rhs_not_finite) {
    message = fmt::format("NaN or Inf in the right-hand side at t = {}", this->t());
    return EndStatus::diverged;
  }
  message = fmt::format("CVODE gave up at t = {} ({})", this->t(), m.last_error.empty() ? flag_name(flag) : m.last_error);
  return EndStatus::failed;
}

double CvodeBdf::t() const {
  realtype t = 0;
  CVodeGetCurrentTime(impl_->mem, &t);
  return t;
}

SolverStats CvodeBdf::stats() const {
  SolverStats s;
  long v = 0;
  CVodeGetNumSteps(impl_->mem, &v);
  s.steps = v;
  CVodeGetNumRhsEvals(impl_->mem, &v);
  s.rhs_evals = v;
  CVodeGetNumLinRhsEvals(impl_->mem, &v);
  s.rhs_evals += v;
  CVodeGetNumErrTestFails(impl_->mem, &v);
  s.rejected = v;
  CVodeGetNumJacEvals(impl_->mem, &v);
  s.jac_evals = v;
  return s;
}

}  // namespace seqmem
