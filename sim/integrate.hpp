// Integration of an odeint system with the stepper a scenario chooses (Boost.Odeint), calling an
// observer at every sample time t = n * sample_dt. The whole coupled state is one vector.
#pragma once

#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <cmath>
#include <functional>

#include "scenario.hpp"

namespace seqmem {
namespace odeint = boost::numeric::odeint;

using RK4 = odeint::runge_kutta4<Vec, double, Vec, double, odeint::vector_space_algebra>;
using DoPri5 = odeint::runge_kutta_dopri5<Vec, double, Vec, double, odeint::vector_space_algebra>;

// Integrates `system` from x(0) = x to t_end. rk4: fixed step dt, the observer sees every
// (sample_dt / dt)-th step. dopri5: adaptive steps within abs_tol / rel_tol, the observer sees the
// dense-output interpolant at the sample times. Observers may throw to stop the integration.
template <class System, class Observer>
void integrate(const System& system, Vec& x, StepperKind stepper, double dt, double t_end, double sample_dt,
               double abs_tol, double rel_tol, Observer&& observe) {
  if (stepper == StepperKind::rk4) {
    const long long every = std::llround(sample_dt / dt);
    long long step = 0;
    auto decimate = [&](const Vec& xs, double t) {
      if (step++ % every == 0) observe(xs, t);
    };
    odeint::integrate_const(RK4(), std::cref(system), x, 0.0, t_end, dt, decimate);
  } else {
    auto dense = odeint::make_dense_output(abs_tol, rel_tol, DoPri5());
    odeint::integrate_const(dense, std::cref(system), x, 0.0, t_end, sample_dt, std::ref(observe));
  }
}

template <class System, class Observer>
void integrate(const System& system, Vec& x, const RunSpec& s, Observer&& observe) {
  integrate(system, x, s.stepper, s.dt, s.t_end, s.sample_dt, s.abs_tol, s.rel_tol,
            std::forward<Observer>(observe));
}

}  // namespace seqmem
