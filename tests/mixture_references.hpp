// Test helpers shared by the Gaussian-mixture tests (tests/test_mixture.cpp,
// tests/test_mixture_forward.cpp): the mixtures of Ambrogioni 2024 Eq. 23-25 built at random,
// the forward kernel written out independently of models/diffusion.hpp, and samples of the
// forward process.
#pragma once

#include <Eigen/QR>
#include <cmath>
#include <random>
#include <utility>

#include "models/gaussian_mixture.hpp"
#include "tests/random_fields.hpp"

namespace seqmem::testing {

// Two orthonormal vectors in R^D (e_1, e_2 rotated by a random orthogonal matrix for D > 2).
inline std::pair<Vec, Vec> plane(int D, std::mt19937& rng) {
  if (D == 2) return {Vec::Unit(2, 0), Vec::Unit(2, 1)};
  const Eigen::HouseholderQR<Mat> qr(gaussian(D, 2, rng));
  const Mat Q = qr.householderQ() * Mat::Identity(D, 2);
  return {Q.col(0), Q.col(1)};
}

// Eq. 23: three extended memories (rank 1 in D = 2, rank 3 otherwise).
inline GaussianMixture extended_mixture(int D, std::mt19937& rng) {
  std::mt19937_64 rng64(rng());
  return extended_memories(gaussian(D, 3, rng, 1.2), D == 2 ? 1 : 3, 0.3, rng64);
}

// Eq. 24: a semantic memory, 16 components on a circle of radius 1.2 with tangent variance 0.05.
inline GaussianMixture semantic_mixture(int D, std::mt19937& rng) {
  GaussianMixture g(D);
  const auto [u, v] = plane(D, rng);
  add_circle_manifold(g, gaussian(D, 1, rng, 0.2).col(0), u, v, 1.2, 16, 0.05, 1.0);
  return g;
}

// Eq. 25: episodic cores (two extended memories of different rank and a point, unequal weights)
// together with a semantic circle of prior mass 0.6.
inline GaussianMixture reconstructive_mixture(int D, std::mt19937& rng) {
  GaussianMixture g(D);
  const Eigen::HouseholderQR<Mat> qr(gaussian(D, std::min(D, 2), rng));
  const Mat Q = qr.householderQ() * Mat::Identity(D, std::min(D, 2));
  g.add(gaussian(D, 1, rng, 1.2).col(0), 1.0, 1, Q.leftCols(1), Vec::Constant(1, 0.4));
  g.add(gaussian(D, 1, rng, 1.2).col(0), 2.0, 2, Q, (Vec(Q.cols()) << 0.2, 0.7).finished().head(Q.cols()));
  g.add(gaussian(D, 1, rng, 1.2).col(0), 0.5, 3);
  const auto [u, v] = plane(D, rng);
  add_circle_manifold(g, Vec::Zero(D), u, v, 1.0, 12, 0.08, 0.6);
  return g;
}

// The forward time tau = T - t at which s^2(tau) = s2: sigma^2 tau = s2 (VE) or
// sigma^2 (1 - exp(-2 gamma tau)) / (2 gamma) = s2 (VP).
inline double tau_for(double s2, double sigma, double gamma) {
  if (gamma == 0.0) return s2 / (sigma * sigma);
  return -std::log1p(-2.0 * gamma * s2 / (sigma * sigma)) / (2.0 * gamma);
}

// Independent closed forms of the forward kernel a(tau), s^2(tau).
inline double kernel_a(double gamma, double tau) { return std::exp(-gamma * tau); }
inline double kernel_s2(double sigma, double gamma, double tau) {
  return gamma == 0.0 ? sigma * sigma * tau : sigma * sigma * (1.0 - std::exp(-2.0 * gamma * tau)) / (2.0 * gamma);
}

// x = a y + s eps with y ~ p_0 (component k ~ pi, y = mu_k + U_k (sqrt(lambda_k) .* z)).
inline Vec sample_forward(const GaussianMixture& g, std::discrete_distribution<int>& pick, double a, double s2,
                   std::mt19937& rng, int& k) {
  std::normal_distribution<double> nd(0.0, 1.0);
  k = pick(rng);
  Vec y = g.means().col(k);
  const Mat& U = g.basis(k);
  for (Eigen::Index j = 0; j < U.cols(); ++j) y += std::sqrt(g.variances(k)(j)) * nd(rng) * U.col(j);
  Vec x = a * y;
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) += std::sqrt(s2) * nd(rng);
  return x;
}

inline std::discrete_distribution<int> component_picker(const GaussianMixture& g) {
  const Vec pi = g.weights();
  return std::discrete_distribution<int>(pi.data(), pi.data() + pi.size());
}

}  // namespace seqmem::testing
