// Integration of an odeint system `system(x, dxdt, t)` with the stepper a scenario chooses, calling
// an observer at the sample times. The stepper and the observer are separate (Boost.Odeint's
// design): models know nothing of sampling, recording or stopping.
//
//   rk4        odeint's runge_kutta4, fixed step dt; the samples must lie on the step grid except
//              the last, t_end, which a shortened final step reaches.
//   rk4_split  the same with the authors' public code's split step: the fast part of the state a
//              full step with the slow part frozen, then the slow part (GSEMM: the delay).
//   dopri5     odeint's Dormand-Prince 5(4) with step-size control and dense output; samples from
//              the interpolant.
//   cvode_bdf  SUNDIALS CVODE, BDF with a dense Jacobian (sim/solvers/cvode.hpp), for stiff problems.
//
// Every integration ends in bounded work: the state is checked for NaN / Inf after every step
// (diverged), and the adaptive steppers fail when a step falls below min_step * max(1, |t|) or the
// step count exceeds max_steps (failed, with the time). The observer returns false to stop
// (stopped). Nothing here throws for numerical trouble.
#pragma once

#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "models/activations.hpp"
#include "sim/core/cancel.hpp"
#include "sim/solvers/cvode.hpp"
#include "sim/solvers/integrator_spec.hpp"
#include "sim/solvers/solver_stats.hpp"

namespace seqmem {
namespace odeint = boost::numeric::odeint;

using RK4 = odeint::runge_kutta4<Vec, double, Vec, double, odeint::vector_space_algebra>;
using DoPri5 = odeint::runge_kutta_dopri5<Vec, double, Vec, double, odeint::vector_space_algebra>;

// The observation times: t0, t0 + every, t0 + 2 every, ... below t_end, and t_end itself (a time
// within 1e-9 every of t_end is t_end); or an explicit increasing list; or every step the stepper
// takes (every_step: the adaptive steppers' accepted steps, rk4's steps of dt), and t_end.
class SampleTimes {
 public:
  static SampleTimes every_step(double t0, double t_end, double dt) {
    SampleTimes s(t0, t_end, dt);
    s.every_step_ = true;
    return s;
  }
  bool is_every_step() const { return every_step_; }
  double end() const { return (*this)[size() - 1]; }
  SampleTimes(double t0, double t_end, double every) : t0_(t0), t_end_(t_end), every_(every) {
    const double span = (t_end - t0) / every;
    const auto m = static_cast<long long>(std::floor(span + 1e-9));  // whole intervals
    n_ = static_cast<std::size_t>(m) + 1 + (span - static_cast<double>(m) > 1e-9 ? 1 : 0);
  }
  explicit SampleTimes(std::vector<double> times) : list_(std::move(times)), n_(list_.size()) {}
  std::size_t size() const { return n_; }
  double operator[](std::size_t j) const {
    if (!list_.empty()) return list_[j];
    return j + 1 == n_ ? t_end_ : t0_ + static_cast<double>(j) * every_;
  }
  double every() const { return every_; }

 private:
  double t0_ = 0, t_end_ = 0, every_ = 0;
  std::vector<double> list_;
  std::size_t n_ = 0;
  bool every_step_ = false;
};

namespace detail {

template <class S, class = void>
struct has_split : std::false_type {};
template <class S>
struct has_split<S, std::void_t<decltype(std::declval<const S&>().split_index())>> : std::true_type {};

// rk4_split: the derivatives of one part of the state, the other part frozen (its derivatives 0).
template <class System>
struct PartOf {
  const System& system;
  Eigen::Index split;  // [0, split) fast, [split, n) slow
  bool fast;
  void operator()(const Vec& x, Vec& dxdt, double t) const {
    system(x, dxdt, t);
    if (fast) dxdt.tail(dxdt.size() - split).setZero();
    else dxdt.head(split).setZero();
  }
};

template <class S, class = void>
struct has_jacobian : std::false_type {};
template <class S>
struct has_jacobian<S, std::void_t<decltype(std::declval<const S&>().jacobian(std::declval<const Vec&>(), 0.0,
                                                                               std::declval<Mat&>()))>>
    : std::true_type {};

// Calls the observer; observers that return nothing never stop the integration. A cancel
// (sim/core/cancel.hpp) stops it at the next sample, and the steppers at their next step (CVODE: at its
// next right-hand side), so that a run with samples far apart stops as soon; the caller throws
// Cancelled outside any parallel region.
template <class Observer>
bool observe(Observer& obs, const Vec& x, double t) {
  if (cancel_requested()) return false;
  if constexpr (std::is_void_v<decltype(obs(x, t))>) {
    obs(x, t);
    return true;
  } else {
    return obs(x, t);
  }
}

inline IntegrationResult diverged(double t, SolverStats stats) {
  return {EndStatus::diverged, t, fmt::format("NaN or Inf in the state at t = {}", t), stats};
}

// rk4: the samples must be whole multiples of dt after t0 (checked when the scenario is loaded).
template <class System, class Observer>
IntegrationResult integrate_rk4(const System& system, Vec& x, double t0, const SampleTimes& times,
                                const IntegratorSpec& spec, Observer& obs) {
  IntegrationResult r;
  r.t_stop = t0;
  const double t_end = times[times.size() - 1];
  const double dt = spec.dt;
  const long long every = std::max(1LL, std::llround(times.every() / dt));
  // a whole number of steps, so that t_end itself is reached despite rounding of k * dt
  const auto steps = static_cast<long long>(std::floor((t_end - t0) / dt + 1e-9));
  double rest = (t_end - t0) - static_cast<double>(steps) * dt;
  if (rest <= 1e-9 * dt) rest = 0;
  RK4 stepper;
  if (!observe(obs, x, t0)) return {EndStatus::stopped, t0, "", r.stats};
  // The public code's split step: the fast part (V_f) a full RK4 step with the slow part (the
  // delay) frozen, then the slow part a full RK4 step with the new fast part.
  const bool split = spec.stepper == StepperKind::rk4_split;
  Eigen::Index split_at = 0;
  if constexpr (has_split<System>::value) split_at = system.split_index();
  else if (split) return {EndStatus::failed, t0, "rk4_split needs a model with a fast and a slow part", r.stats};
  const PartOf<System> fast{system, split_at, true}, slow{system, split_at, false};
  auto one_step = [&](double tt, double h) {
    if (split) {
      stepper.do_step(std::cref(fast), x, tt, h);
      stepper.do_step(std::cref(slow), x, tt, h);
      r.stats.rhs_evals += 8;
    } else {
      stepper.do_step(std::cref(system), x, tt, h);
      r.stats.rhs_evals += 4;
    }
    ++r.stats.steps;
  };
  double t = t0;
  for (long long k = 1; k <= steps; ++k) {
    if (cancel_requested()) return {EndStatus::stopped, t, "cancelled", r.stats};  // at every step
    one_step(t, dt);
    t = t0 + static_cast<double>(k) * dt;
    if (!x.allFinite()) return diverged(t, r.stats);
    r.t_stop = t;
    if (k % every == 0 || (k == steps && rest == 0))
      if (!observe(obs, x, t)) return {EndStatus::stopped, t, "", r.stats};
  }
  if (rest > 0) {  // the shortened last step to t_end
    one_step(t, rest);
    if (!x.allFinite()) return diverged(t_end, r.stats);
    r.t_stop = t_end;
    if (!observe(obs, x, t_end)) return {EndStatus::stopped, t_end, "", r.stats};
  }
  return r;
}

template <class System, class Observer>
IntegrationResult integrate_dopri5(const System& system, Vec& x, double t0, const SampleTimes& times,
                                   const IntegratorSpec& spec, Observer& obs) {
  IntegrationResult r;
  r.t_stop = t0;
  long long evals = 0;
  auto counted = [&](const Vec& xs, Vec& dxdt, double t) {
    ++evals;
    system(xs, dxdt, t);
  };
  auto finish = [&](IntegrationResult res) {
    res.stats.steps = r.stats.steps;
    res.stats.rhs_evals = evals;
    // FSAL: one evaluation at the start, six per tried step, accepted or rejected
    res.stats.rejected = std::max(0LL, (evals - 1) / 6 - r.stats.steps);
    return res;
  };
  const double t_end = times[times.size() - 1];
  auto dense = odeint::make_dense_output(spec.abs_tol, spec.rel_tol, DoPri5());
  if (!observe(obs, x, t0)) return finish({EndStatus::stopped, t0, "", {}});
  if (times.size() < 2) return finish({EndStatus::completed, t0, "", {}});
  dense.initialize(x, t0, std::min(spec.dt, t_end - t0));
  const bool every_step = times.is_every_step();
  for (std::size_t j = 1; j < times.size(); ++j) {
    const double ts = every_step ? t_end : times[j];
    while (dense.current_time() < ts) {
      if (cancel_requested()) return finish({EndStatus::stopped, dense.current_time(), "cancelled", {}});
      if (r.stats.steps >= spec.max_steps)
        return finish({EndStatus::failed, dense.current_time(),
                       fmt::format("more than max_steps = {} steps by t = {}", spec.max_steps, dense.current_time()),
                       {}});
      const double t_prev = dense.current_time();
      try {
        dense.do_step(std::cref(counted));
      } catch (const std::exception& e) {  // odeint gives up on the step size after 500 rejections
        return finish({EndStatus::failed, t_prev, fmt::format("{} at t = {}", e.what(), t_prev), {}});
      }
      ++r.stats.steps;
      if (!dense.current_state().allFinite()) {
        x = dense.current_state();
        return finish(diverged(dense.current_time(), {}));
      }
      if (dense.current_time() - t_prev < spec.min_step * std::max(1.0, std::abs(t_prev))) {
        x = dense.current_state();
        return finish({EndStatus::failed, t_prev,
                       fmt::format("step size underflow at t = {} (step {:.3g} < min_step * max(1, |t|))", t_prev,
                                   dense.current_time() - t_prev),
                       {}});
      }
      if (every_step && dense.current_time() < t_end) {  // the accepted state itself
        r.t_stop = dense.current_time();
        if (!observe(obs, dense.current_state(), r.t_stop)) {
          x = dense.current_state();
          return finish({EndStatus::stopped, r.t_stop, "", {}});
        }
      }
    }
    dense.calc_state(ts, x);
    r.t_stop = ts;
    if (!observe(obs, x, ts)) return finish({EndStatus::stopped, ts, "", {}});
    if (every_step) break;
  }
  return finish({EndStatus::completed, r.t_stop, "", {}});
}

template <class System, class Observer>
IntegrationResult integrate_cvode(const System& system, Vec& x, double t0, const SampleTimes& times,
                                  const IntegratorSpec& spec, Observer& obs) {
  CvodeBdf::Jacobian jac;
  if constexpr (has_jacobian<System>::value)
    jac = [&system](const Vec& xs, double t, Mat& J) { system.jacobian(xs, t, J); };
  CvodeBdf::Options o;
  o.abs_tol = spec.abs_tol;
  o.rel_tol = spec.rel_tol;
  o.max_steps = spec.max_steps;
  o.min_step = spec.min_step;
  IntegrationResult r;
  r.t_stop = t0;
  if (!observe(obs, x, t0)) return {EndStatus::stopped, t0, "", {}};
  if (times.size() < 2) return r;
  std::unique_ptr<CvodeBdf> made;
  try {
    made = std::make_unique<CvodeBdf>([&system](const Vec& xs, Vec& dxdt, double t) { system(xs, dxdt, t); }, jac, x,
                                      t0, o);
  } catch (const std::exception& e) {
    return {EndStatus::failed, t0, e.what(), {}};
  }
  CvodeBdf& solver = *made;
  if (times.is_every_step()) {  // CVODE's own steps, up to t_end exactly
    const double t_end = times.end();
    for (;;) {
      std::string msg;
      double t = 0;
      const EndStatus s = solver.step(t_end, x, t, msg);
      if (s != EndStatus::completed) return {s, solver.t(), msg, solver.stats()};
      r.t_stop = t;
      if (!observe(obs, x, t)) return {EndStatus::stopped, t, "", solver.stats()};
      if (t >= t_end) break;
    }
    r.stats = solver.stats();
    return r;
  }
  for (std::size_t j = 1; j < times.size(); ++j) {
    const double ts = times[j];
    std::string msg;
    const EndStatus s = solver.advance(ts, x, msg);
    if (s != EndStatus::completed) return {s, solver.t(), msg, solver.stats()};
    r.t_stop = ts;
    if (!observe(obs, x, ts)) return {EndStatus::stopped, ts, "", solver.stats()};
  }
  r.stats = solver.stats();
  return r;
}

}  // namespace detail

// Integrates `system` from x(t0) = x over `times` (times[0] = t0), calling observe(x, t) at every
// time (return false to stop). x ends at the last time reached.
template <class System, class Observer>
IntegrationResult integrate(const System& system, Vec& x, double t0, const SampleTimes& times,
                            const IntegratorSpec& spec, Observer&& observe) {
  switch (spec.stepper) {
    case StepperKind::rk4:
    case StepperKind::rk4_split: return detail::integrate_rk4(system, x, t0, times, spec, observe);
    case StepperKind::dopri5: return detail::integrate_dopri5(system, x, t0, times, spec, observe);
    case StepperKind::cvode_bdf: return detail::integrate_cvode(system, x, t0, times, spec, observe);
    case StepperKind::event_driven: break;  // sim/solvers/event_driven.hpp: capacity evaluations only
  }
  return {EndStatus::failed, t0, "unknown stepper", {}};
}


}  // namespace seqmem
