// Test helpers shared by the diffusion tests: Gaussian random matrices and central
// finite-difference gradients.
#pragma once

#include <random>

#include "models/activations.hpp"

namespace seqmem::testing {

constexpr double kPi = 3.14159265358979323846;

// rows x cols independent N(0, scale^2) entries, column by column.
inline Mat gaussian(int rows, int cols, std::mt19937& rng, double scale = 1.0) {
  std::normal_distribution<double> nd(0.0, scale);
  Mat M(rows, cols);
  for (Eigen::Index j = 0; j < M.cols(); ++j)
    for (Eigen::Index i = 0; i < M.rows(); ++i) M(i, j) = nd(rng);
  return M;
}

// Central finite-difference gradient of f at x.
template <class F>
Vec fd_gradient(F f, const Vec& x, double h) {
  Vec g(x.size()), xp = x, xm = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    xp(i) = x(i) + h;
    xm(i) = x(i) - h;
    g(i) = (f(xp) - f(xm)) / (2.0 * h);
    xp(i) = xm(i) = x(i);
  }
  return g;
}

}  // namespace seqmem::testing
