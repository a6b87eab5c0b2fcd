// Parameters shared by the GSEMM family (paper Table 1, Eq. 1, 9, 10; models.md §1).
#pragma once

#include <Eigen/Sparse>

#include "activations.hpp"

namespace seqmem {

// Where sqrt(alpha_s) stands in the hidden input of Dense GSEMM:
//   eq10 (as printed): h = Xi^T s + alpha_c Phi^T Xi^T V_d
//   eq9  (consistent with Eq. 1 and 9): h = sqrt(alpha_s) Xi^T s + alpha_c Phi^T Xi^T V_d
// The three-layer model always has sqrt(alpha_s) there (Eq. 1).
enum class AlphaSPlacement { eq10, eq9 };

struct GsemmParams {
  double alpha_s = 1.0;  // strength of the feature-hidden synapses Xi
  double alpha_c = 0.0;  // strength of the delayed hidden-hidden synapses Phi
  double T_f = 1.0;      // feature timescale
  double T_h = 0.1;      // hidden timescale (three-layer model only)
  double T_d = 20.0;     // delay timescale
  double beta_d = 1.0;   // delay gain: T_d dV_d/dt = beta_d sigma_f(V_f) - V_d (paper: 1)
  double gamma = 1.0;    // feature gain: sigma_f = tanh(gamma x)
  HiddenActivation sigma_h;
  AlphaSPlacement alpha_s_placement = AlphaSPlacement::eq10;
};

// The energy and the two parts of its rate along a trajectory, dE/dt = F + G (Eq. 5-8):
// F is the part through the fast variables (V_f, and V_h in the three-layer model), G the part
// through the delay V_d. Without input current F = -[T_f Vf'^T H(L_f) Vf' + T_h Vh'^T H(L_h) Vh'].
struct EnergyRates {
  double E = 0, F = 0, G = 0;
};

// The feature layer's part of the energy, sum_i [V_i sigma_f(V_i) - L_f(V_i)] with
// L_f(V) = log cosh(gamma V) / gamma (Eq. 3, 4), and log cosh(y) = |y| + log1p(e^{-2|y|}) - log 2.
inline double feature_energy(const Vec& V, const Vec& s, double gamma) {
  const Eigen::ArrayXd y = (gamma * V.array()).abs();
  const Eigen::ArrayXd log_cosh = y + (-2.0 * y).exp().log1p() - std::log(2.0);
  return (V.array() * s.array()).sum() - log_cosh.sum() / gamma;
}

// An external current added to the feature layer, I_f(t) = I for t_on <= t < t_off:
//   T_f dV_f/dt = ... - V_f + I_f(t).
struct InputCurrent {
  Vec I;  // empty: no input
  double t_on = 0.0;
  double t_off = 0.0;
  bool active(double t) const { return I.size() > 0 && t >= t_on && t < t_off; }
};

}  // namespace seqmem
