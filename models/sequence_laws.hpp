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
// These are asymptotic lower bounds (App. D); at finite N they are a scale, not a prediction to the
// pattern (docs/capacity.md, "The family", measures how close).
#pragma once

#include <cmath>

#include "models/choice_names.hpp"
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
};

// The laws above for N >= 2 neurons (models/sequence_laws.cpp).
SequenceLaw sequence_law(int N, const SequenceNetParams& p, MixedLawReading reading = MixedLawReading::text);

}  // namespace seqmem
