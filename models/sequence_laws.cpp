#include "models/sequence_laws.hpp"

#include <cmath>

namespace seqmem {

double double_factorial(int n) {
  double r = 1;
  for (int k = n; k > 1; k -= 2) r *= k;
  return r;
}

double exponential_beta() { return std::exp(2.0) / std::cosh(2.0); }

SequenceLaw sequence_law(int N, const SequenceNetParams& p, MixedLawReading reading) {
  const double lnN = std::log(static_cast<double>(N));
  SequenceLaw law;
  if (p.separation == Separation::polynomial) {
    const int d = p.degree;
    const double Nd = std::pow(static_cast<double>(N), d);
    if (!p.mixed) {
      law.P_T = Nd / (2 * double_factorial(2 * d - 1) * lnN);
      law.P_S = law.P_T / (d + 1);
    } else if (p.lambda <= 1) {
      return law;  // no transitions (C23 App. F: lambda > 1): NaN
    } else {
      const double l = p.lambda;
      const double dd = double_factorial(d - 1);
      const double gamma = (l * l + 1) * double_factorial(2 * d - 1) + (d % 2 == 0 ? 2 * l * dd * dd : 0.0);
      law.P_T = (l - 1) * (l - 1) * Nd / (2 * gamma * lnN);
      law.P_S = law.P_T / (reading == MixedLawReading::text ? d + 1 : d);
    }
    return law;
  }
  const double beta = exponential_beta();
  const double bN = std::pow(beta, N - 1);
  law.P_T = bN / (2 * lnN);
  law.P_S = bN / (2 * N * std::log(beta));
  law.growth = beta;
  if (p.mixed) {
    if (p.lambda <= 1) return SequenceLaw{};
    const double l = p.lambda, factor = (l - 1) * (l - 1) / (l * l + 1);
    law.P_T *= factor;
    law.P_S *= factor;
  }
  return law;
}

SequenceLaw eden_law(const EdenParams& p, double s_scale) {
  SequenceLaw law;
  if (p.normalisation == EdenNormalisation::paper)  // gamma = 4 / ((1 + e^{-2 alpha_s})(1 + e^{-2 alpha_c}))
    law.growth = 4.0 / ((1.0 + std::exp(-2.0 * p.alpha_s)) * (1.0 + std::exp(-2.0 * s_scale * p.alpha_c)));
  return law;
}

}  // namespace seqmem
