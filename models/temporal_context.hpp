// Temporal context: a unit vector c that drifts towards each input c_in (TCM, Howard & Kahana
// 2002; CMR, Polyn, Norman & Kahana 2009; docs/free_recall.md §2). Two forms of one motion:
//
//   discrete (CMR Eq. 2-3):  c <- rho c + beta c_in,
//                            rho = sqrt(1 + beta^2 ((c . c_in)^2 - 1)) - beta (c . c_in)
//   continuous (an ODE on the unit sphere, the tangent part of c_in):
//                            dc/dt = r (c_in - (c . c_in) c)
//
// Both keep |c| = 1 (for |c| = |c_in| = 1: d|c|^2/dt = 2 r (c.c_in)(1 - |c|^2) = 0) and both move c
// along the great circle from c to c_in. With theta the angle between c and c_in the ODE is
// d theta / dt = -r sin theta, so tan(theta(t) / 2) = tan(theta_0 / 2) e^{-r t}. The discrete
// update lands at cos theta_1 = rho cos theta_0 + beta, so the ODE reaches the same point after
//
//   t* = ln( tan(theta_0 / 2) / tan(theta_1 / 2) ) / r                      (matched_duration)
//
// which depends on c . c_in: CMR takes a context orthogonal to its input (cos theta_0 = 0) to
// cos theta_1 = beta, and one nearer its input through a different angle. A fixed-rate drift for a fixed duration (one
// presentation) instead moves every context by the same law; drift_rate(beta) chooses r so that an
// orthogonal input (the common case, a new item) moves c exactly as far as CMR's update does.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/activations.hpp"

namespace seqmem {

// rho of CMR's update for an input at dot product `dot` = c . c_in (Polyn et al. 2009 Eq. 3).
inline double context_rho(double beta, double dot) {
  return std::sqrt(1.0 + beta * beta * (dot * dot - 1.0)) - beta * dot;
}

// CMR's discrete update in place: c <- rho c + beta c_in (|c| = |c_in| = 1; the result has |c| = 1
// to rounding).
inline void context_update(Vec& c, const Vec& c_in, double beta) {
  const double rho = context_rho(beta, c.dot(c_in));
  c = rho * c + beta * c_in;
}

// The continuous drift as an odeint system, state c (unit vector), time in units of T_f.
struct ContextDrift {
  const Vec* c_in;  // the input, unit norm, fixed for the event
  double r;         // drift rate, 1/T_f

  void operator()(const Vec& c, Vec& dcdt, double /*t*/) const {
    const double dot = c.dot(*c_in);
    dcdt = r * (*c_in - dot * c);
  }
};

// The duration for which the drift at rate r moves c to where context_update(c, c_in, beta) puts it
// (see the top): ln(tan(theta_0 / 2) / tan(theta_1 / 2)) / r. Infinite for beta = 1 (c reaches c_in
// only in the limit); 0 when c = c_in already.
inline double matched_duration(double beta, double dot, double r) {
  dot = std::clamp(dot, -1.0, 1.0);
  const double cos1 = std::clamp(context_rho(beta, dot) * dot + beta, -1.0, 1.0);
  const double th0 = std::acos(dot), th1 = std::acos(cos1);
  if (th0 <= 0.0) return 0.0;
  if (th1 <= 0.0) return std::numeric_limits<double>::infinity();
  return std::log(std::tan(0.5 * th0) / std::tan(0.5 * th1)) / r;
}

// The rate at which one unit of time moves a context orthogonal to its input as far as CMR's
// update with this beta: theta_0 = pi/2, cos theta_1 = beta, so r = -ln tan(acos(beta) / 2).
inline double drift_rate(double beta) { return matched_duration(beta, 0.0, 1.0); }

}  // namespace seqmem
