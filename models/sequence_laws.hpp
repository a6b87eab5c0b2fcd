// The capacity laws of the sequence memories (docs/models.md §3.3): the largest number of patterns P
// of a cycle that a network of N neurons recalls, from the signal-to-noise analysis of Chaudhry,
// Zavatone-Veth, Krotov & Pehlevan (NeurIPS 2023, C23), to leading order as N -> infinity with zero
// bit errors (c -> 0):
//   P_T  (transition capacity: one given transition exactly right)
//   P_S  (sequence capacity: every transition of the cycle exactly right).
// DenseNet, polynomial f(m) = m^d (C23 Eq. 9; App. C.1, D):
//   P_T = N^d / (2 (2d-1)!! ln N),   P_S = N^d / (2 (d+1) (2d-1)!! ln N)       (SeqNet: d = 1)
// DenseNet, exponential (C23 Eq. 10; App. C.2; beta^{N-1} as in the authors' Plots.ipynb):
//   P_T = beta^{N-1} / (2 ln N),     P_S = beta^{N-1} / (2 N ln beta),   beta = e^2 / cosh 2
// MixedNet with d_S = d_A = d and weight lambda (C23 Eqs. 15-16; constants of the authors' code):
//   P_T = (lambda - 1)^2 N^d / (2 gamma ln N),
//   gamma = (lambda^2 + 1)(2d-1)!! + 2 lambda ((d-1)!!)^2 [d even]
//   P_S = P_T / (d + 1) (App. F.1's text, alpha >= 2(d+1)); the authors' code divides by d instead
//   (MixedLawReading::code).
// Exponential MixedNet (App. F.2): the exponential DenseNet's laws times (lambda-1)^2/(lambda^2+1).
// MixedNet with lambda <= 1 makes no transitions: its laws are NaN.
// EDEN (Karuvally et al. 2025 §2.4; models/eden.hpp), the fixed-point capacity with the paper's
// normalisation: C = k(eps, delta) gamma^{N-1},
//   gamma = e^{alpha_s} e^{alpha_c} / (cosh alpha_s cosh alpha_c) = 4 / ((1 + e^{-2 alpha_s})(1 + e^{-2 alpha_c}))
// (the text's alpha = alpha_c, r = alpha_s / alpha_c): the ratio of e^{h} of the pattern to its mean
// over a random one, per neuron. With the delay layer at s_scale xi^{mu-1} (the checks of
// sim/experiments/eden_capacity.hpp) alpha_c enters as s_scale alpha_c. k is not given in what was
// read, so only the growth per neuron gamma is a law here (SequenceLaw::growth). With the code's normalisation
// (beta / N) the per-neuron strength falls as 1 / N and no such law applies (NaN).
// The growth per neuron of the exponential DenseNet's laws is beta, of the power laws NaN.
// These are asymptotic lower bounds (App. D); at finite N they are a scale, not a prediction to the
// pattern (docs/capacity.md, "The family", measures how close).
#pragma once

#include <cmath>

#include "models/choice_names.hpp"
#include "models/eden.hpp"
#include "models/sequence_net.hpp"

namespace seqmem {

// MixedNet's P_S denominator: App. F.1's text (d + 1) or the authors' code (d).
enum class MixedLawReading { text, code };
inline constexpr ChoiceName<MixedLawReading> kMixedLawReadingNames[] = {{"text", MixedLawReading::text},
                                                                        {"code", MixedLawReading::code}};
constexpr const auto& choice_names(MixedLawReading) { return kMixedLawReadingNames; }
inline const char* to_string(MixedLawReading v) { return name_in(kMixedLawReadingNames, v); }

// n!! = n (n-2) (n-4) ... down to 1 or 2; (-1)!! = 0!! = 1.
double double_factorial(int n);

// beta = e^2 / cosh 2 = 2 / (1 + e^-4) ~ 1.9640: 1 / beta^{N-1} is the variance of one crosstalk term
// of the exponential separation.
double exponential_beta();

struct SequenceLaw {
  double P_T = NAN, P_S = NAN;
  double growth = NAN;  // the factor per neuron of an exponential law
};

// The laws above for N >= 2 neurons (models/sequence_laws.cpp).
SequenceLaw sequence_law(int N, const SequenceNetParams& p, MixedLawReading reading = MixedLawReading::text);
// EDEN's: growth = gamma (paper normalisation; alpha_c times s_scale), P_T = P_S = NaN.
SequenceLaw eden_law(const EdenParams& p, double s_scale = 1.0);

}  // namespace seqmem
