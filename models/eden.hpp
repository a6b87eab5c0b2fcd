// EDEN, the Exponential Dynamic Energy Network of Karuvally, Lertsaroj, Sejnowski & Siegelmann
// (NeurIPS 2025; docs/models.md §3.4): a continuous-time sequence memory with a fast feature layer
// v in R^N, an instantaneous softmax hidden layer (one unit per pattern) and a slow delay layer s in R^N.
// Patterns xi^1 -> ... -> xi^P -> xi^1 (the columns of Xi; xi^0 = xi^P):
//
//   h_mu = kappa (alpha_s xi^mu . v + alpha_c xi^{mu-1} . s)        (the hidden layer's input)
//   T_f dv/dt = Xi softmax(h) - v                                     (the feature layer)
//   T_d ds/dt = v - s                                                 (the delay layer)
//
// restated from the authors' code (EDEN_torch, eden/EDEN.cpp update_v, update_s; the paper's Eq. 1 was
// not read). kappa is the normalisation, where the sources disagree (scenario key eden_normalisation):
//   code   kappa = beta / N (EDEN.cpp's softmax((beta / N) h));
//   paper  kappa = 1 (§2.3 writes the competition with the raw dot products; beta is not read).
// With alpha_s / alpha_c < 1 the state leaves xi^mu for xi^{mu+1} once s has followed v (§2.3);
// alpha_s / alpha_c > 1 holds it.
//
// The softmax is computed with its largest input subtracted (no overflow for any finite input; the
// scenario keys bound alpha_s, alpha_c to 1000 and beta to 10^6).
// Memory: two N x P matrices (Xi and Xi shifted), 16 N P bytes.
#pragma once

#include "models/activations.hpp"
#include "models/choice_names.hpp"

namespace seqmem {

enum class EdenNormalisation { code, paper };
inline constexpr ChoiceName<EdenNormalisation> kEdenNormalisationNames[] = {{"code", EdenNormalisation::code},
                                                                            {"paper", EdenNormalisation::paper}};
constexpr const auto& choice_names(EdenNormalisation) { return kEdenNormalisationNames; }
inline const char* to_string(EdenNormalisation v) { return name_in(kEdenNormalisationNames, v); }

struct EdenParams {
  double alpha_s = 0.98;  // self (stabilising) strength (EDEN's defaults, App. A.1 and the code)
  double alpha_c = 1.0;   // cross (transition) strength
  double beta = 20.0;     // inverse temperature of the code's normalisation (capacity.cpp uses 20)
  EdenNormalisation normalisation = EdenNormalisation::code;
  double T_f = 0.3;   // feature time constant (capacity.cpp; the paper's simulations use 1)
  double T_d = 20.0;  // delay time constant
};

class Eden {
 public:
  // Xi: N x P, N >= 1, P >= 1, finite entries (the patterns, +-1 in the papers); positive finite
  // T_f, T_d, finite alpha_s, alpha_c, beta. std::invalid_argument otherwise.
  Eden(const Mat& Xi, EdenParams p);

  int N() const { return static_cast<int>(Xi_.rows()); }
  int P() const { return static_cast<int>(Xi_.cols()); }
  const EdenParams& params() const { return p_; }
  const Mat& patterns() const { return Xi_; }
  double kappa() const;  // the normalisation (above)

  // The hidden layer's inputs H = kappa (alpha_s Xi^T V + alpha_c Xi_-^T S) (P x n) for the feature
  // states V and delay states S (N x n each).
  Mat hidden_input(const Mat& V, const Mat& S) const;
  // Xi softmax(h) of every column (N x n): where the feature layer relaxes to.
  Mat feature_target(const Mat& V, const Mat& S) const;

  // The system (Boost.Odeint's (x, dxdt, t)): x = [v; s], 2N entries.
  void operator()(const Vec& x, Vec& dxdt, double t) const;
  // The feature layer alone with the delay layer frozen at S (n states side by side, N x n).
  struct FrozenDelay {
    const Eden& net;
    const Mat& S;
    void operator()(const Mat& V, Mat& dVdt, double t) const;
  };

  // The overlaps m_mu = xi^mu . v / N (P) of a feature state.
  Vec overlaps(const Vec& v) const { return Xi_.transpose() * v / static_cast<double>(N()); }

 private:
  EdenParams p_;
  Mat Xi_, Xi_prev_;  // xi^mu and xi^{mu-1} as column mu
};

// softmax of every column of H in place (largest entry subtracted first).
void softmax_columns(Mat& H);

}  // namespace seqmem
