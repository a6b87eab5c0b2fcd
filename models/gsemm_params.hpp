// Parameters shared by the GSEMM family (paper Table 1, Eq. 1, 9, 10; models.md §1).
#pragma once

#include <Eigen/Sparse>

#include "models/activations.hpp"
#include "models/choice_names.hpp"

namespace seqmem {

// Where alpha_s and the delay enter Dense GSEMM (readings of Figure 3, docs/capacity.md and docs/models.md §1.8):
//   eq10 (as printed):  T_f dV_f = sqrt(alpha_s) Xi sigma_h(Xi^T s + alpha_c Phi^T Xi^T V_d) - V_f
//   eq9 (consistent with Eq. 1 and 9): h = sqrt(alpha_s) Xi^T s + alpha_c Phi^T Xi^T V_d inside sigma_h
//   public_code (the authors' public degree-1 code): the delay outside sigma_h,
//                       T_f dV_f = alpha_s Xi sigma_h(Xi^T s) + alpha_c Xi Phi^T Xi^T V_d - V_f
// The three-layer model always has sqrt(alpha_s) there (Eq. 1).
enum class AlphaSPlacement { eq10, eq9, public_code };
inline constexpr ChoiceName<AlphaSPlacement> kAlphaSPlacementNames[] = {
    {"eq10", AlphaSPlacement::eq10}, {"eq9", AlphaSPlacement::eq9}, {"public_code", AlphaSPlacement::public_code}};
constexpr const auto& choice_names(AlphaSPlacement) { return kAlphaSPlacementNames; }
inline const char* to_string(AlphaSPlacement v) { return name_in(kAlphaSPlacementNames, v); }

// The argument of sigma_h (a reading of Figure 3): none, sigma_h(h); inside, sigma_h(h / N_f);
// inside_rescaled, N_f sigma_h(h / N_f). Set as the scales of HiddenActivation.
enum class HiddenNormalization { none, inside, inside_rescaled };
inline constexpr ChoiceName<HiddenNormalization> kHiddenNormalizationNames[] = {
    {"none", HiddenNormalization::none},
    {"inside", HiddenNormalization::inside},
    {"inside_rescaled", HiddenNormalization::inside_rescaled}};
constexpr const auto& choice_names(HiddenNormalization) { return kHiddenNormalizationNames; }
inline const char* to_string(HiddenNormalization v) { return name_in(kHiddenNormalizationNames, v); }

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
  HiddenNormalization hidden_normalization = HiddenNormalization::none;

  // sigma_h with the scales of hidden_normalization for N_f feature neurons.
  HiddenActivation hidden_activation(int N_f) const {
    HiddenActivation a = sigma_h;
    a.in_scale = hidden_normalization == HiddenNormalization::none ? 1.0 : 1.0 / N_f;
    a.out_scale = hidden_normalization == HiddenNormalization::inside_rescaled ? static_cast<double>(N_f) : 1.0;
    return a;
  }
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
