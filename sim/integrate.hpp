// Integration of an odeint system with the stepper a scenario chooses (Boost.Odeint), calling an
// observer at every sample time t = n * sample_dt. The whole coupled state is one vector.
#pragma once

#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <algorithm>
#include <cmath>
#include <functional>

#include "scenario.hpp"

namespace seqmem {
namespace odeint = boost::numeric::odeint;

using RK4 = odeint::runge_kutta4<Vec, double, Vec, double, odeint::vector_space_algebra>;
using DoPri5 = odeint::runge_kutta_dopri5<Vec, double, Vec, double, odeint::vector_space_algebra>;

// Integrates `system` from x(0) = x to t_end. rk4: fixed step dt, the observer sees every
// (sample_dt / dt)-th step. dopri5: adaptive steps within abs_tol / rel_tol (first trial step dt), the
// observer sees the dense-output interpolant at the sample times; x ends at the last sample. Observers may throw to stop the integration.
template <class System, class Observer>
void integrate(const System& system, Vec& x, StepperKind stepper, double dt, double t_end, double sample_dt,
               double abs_tol, double rel_tol, Observer&& observe) {
  if (stepper == StepperKind::rk4) {
    const long long every = std::llround(sample_dt / dt);
    long long step = 0;
    auto decimate = [&](const Vec& xs, double t) {
      if (step++ % every == 0) observe(xs, t);
    };
    // a whole number of steps, so that t_end itself is reached despite rounding of n * dt
    const auto steps = static_cast<std::size_t>(std::floor(t_end / dt + 1e-9));
    odeint::integrate_n_steps(RK4(), std::cref(system), x, 0.0, dt, steps, decimate);
  } else {
    // Our own sampling loop over the dense-output stepper: odeint's integrate_const reads the
    // interpolant before the first step when t_end == sample_dt (Boost 1.74), and crashes.
    auto dense = odeint::make_dense_output(abs_tol, rel_tol, DoPri5());
    dense.initialize(x, 0.0, std::min(dt, t_end));
    observe(x, 0.0);
    const double t_last = t_end * (1 + 1e-12);
    for (long long n = 1; n * sample_dt <= t_last; ++n) {
      const double t = static_cast<double>(n) * sample_dt;
      while (dense.current_time() < t) dense.do_step(std::cref(system));
      dense.calc_state(t, x);
      observe(x, t);
    }
  }
}

template <class System, class Observer>
void integrate(const System& system, Vec& x, const RunSpec& s, Observer&& observe) {
  integrate(system, x, s.stepper, s.dt, s.t_end, s.sample_dt, s.abs_tol, s.rel_tol,
            std::forward<Observer>(observe));
}

}  // namespace seqmem
