// Gaussian-mixture memories with a closed-form exact score (Ambrogioni 2024, §5.2 Eq. 23, §6.1
// Eq. 24-25, Figure 1; models.md §2): models/gaussian_mixture.hpp and PatternDiffusion on a mixture.
// The references below are written out independently of the class: full covariances
// C_k = a^2 Sigma_k + s^2 I factorised with Eigen's LLT, finite differences, quadrature, and
// samples of the forward process.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/diffusion.hpp"
#include "models/gaussian_mixture.hpp"
#include "tests/random_fields.hpp"
#include "tests/mixture_references.hpp"

using namespace seqmem;
using namespace seqmem::testing;

namespace {

// p_t(x) = sum_k pi_k N(x; a mu_k, a^2 Sigma_k + s^2 I) with full covariances and Cholesky (LLT).
struct Reference {
  double log_p;
  Vec w, score;
};
Reference reference(const GaussianMixture& g, double a, double s2, const Vec& x) {
  const int D = g.D(), K = g.K();
  const Vec pi = g.weights();
  Vec l(K);
  Mat G(D, K);  // C_k^-1 (x - a mu_k)
  for (int k = 0; k < K; ++k) {
    const Mat C = a * a * g.covariance(k) + s2 * Mat::Identity(D, D);
    const Eigen::LLT<Mat> llt(C);
    const Vec r = x - a * g.means().col(k);
    G.col(k) = llt.solve(r);
    const double logdet = 2.0 * Mat(llt.matrixL()).diagonal().array().log().sum();
    l(k) = std::log(pi(k)) - 0.5 * r.dot(G.col(k)) - 0.5 * logdet - 0.5 * D * std::log(2.0 * kPi);
  }
  const double m = l.maxCoeff();
  const Vec e = (l.array() - m).exp().matrix();
  Reference ref;
  ref.log_p = m + std::log(e.sum());
  ref.w = e / e.sum();
  ref.score = -G * ref.w;
  return ref;
}

}  // namespace

TEST_CASE("mixture: point memories built with add() are the pattern set of Eq. 8 (bitwise)") {
  constexpr int D = 20, N = 10;
  std::mt19937 rng(21);
  const Mat Y = gaussian(D, N, rng, 0.4);
  GaussianMixture g(D);
  for (int n = 0; n < N; ++n) g.add(Y.col(n), 2.5, n + 1);
  const GaussianMixture p = GaussianMixture::points(Y);
  CHECK(g.K() == N);
  CHECK(g.all_points());
  CHECK(g.max_rank() == 0);
  CHECK(p.all_points());
  for (int n = 0; n < N; ++n) {
    CHECK(p.label(n) == n + 1);
    CHECK(g.label(n) == n + 1);
    CHECK(p.rank(n) == 0);
    // 1/N from weights 1 and from weights 2.5: one rounding each
    CHECK(p.weights()(n) == doctest::Approx(0.1).epsilon(1e-15));
    CHECK(g.weights()(n) == doctest::Approx(0.1).epsilon(1e-15));
  }
  CHECK(g.means() == Y);
  const Mat X = gaussian(D, 8, rng, 0.5);
  for (const double gamma : {0.0, 0.8}) {
    const PatternDiffusion ref(Y, 1.1, 1.0, gamma);
    const PatternDiffusion dm(g, 1.1, 1.0, gamma);
    CHECK(dm.N() == N);
    CHECK(dm.Y() == Y);
    for (const double t : {0.0, 0.5, 0.9, 0.999}) {
      for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const Vec x = X.col(j);
        Vec s1(D), s2(D);
        ref.score(x, t, s1);
        dm.score(x, t, s2);
        // Same fast path on the same data: bitwise equal.
        CHECK(s1 == s2);
        CHECK(ref.log_p(x, t) == dm.log_p(x, t));
        CHECK(ref.weights(x, t) == dm.weights(x, t));
      }
    }
  }
}

// The general path (unequal weights, ranks > 0) against p_t written with full covariances and LLT.
// For the chosen t the condition number of C_k is at most (s^2 + a^2 lambda_max) / s^2 < 1e3, so
// both evaluations agree to ~1e3 x 1e-16 relative: log_p to 1e-12 (absolute, |log_p| < 40),
// posterior weights to 1e-12 (absolute), score to 1e-11 (relative).
TEST_CASE("mixture: log_p, posterior and score equal full-covariance Gaussians (Eigen LLT)") {
  std::mt19937 rng(22);
  SUBCASE("a single extended component (rank 2 in D = 5)") {
    constexpr int D = 5;
    const Eigen::HouseholderQR<Mat> qr(gaussian(D, 2, rng));
    const Mat U = qr.householderQ() * Mat::Identity(D, 2);
    const Vec mu = gaussian(D, 1, rng).col(0), lambda = (Vec(2) << 0.3, 1.7).finished();
    GaussianMixture g(D);
    g.add(mu, 3.0, 1, U, lambda);
    CHECK(g.rank(0) == 2);
    CHECK(g.weights()(0) == 1.0);
    for (const double gamma : {0.0, 0.7}) {
      const PatternDiffusion dm(g, 1.3, 2.0, gamma);
      double worst = 0.0;
      for (const double t : {0.0, 1.0, 1.9, 1.99}) {
        const double tau = 2.0 - t, a = kernel_a(gamma, tau), s2 = kernel_s2(1.3, gamma, tau);
        for (int j = 0; j < 10; ++j) {
          const Vec x = a * mu + gaussian(D, 1, rng, 0.8).col(0);
          // N(x; a mu, a^2 U diag(lambda) U^T + s^2 I), written out
          const Mat C = a * a * U * lambda.asDiagonal() * U.transpose() + s2 * Mat::Identity(D, D);
          const Eigen::LLT<Mat> llt(C);
          const Vec r = x - a * mu;
          const double lp = -0.5 * r.dot(llt.solve(r)) - Mat(llt.matrixL()).diagonal().array().log().sum() -
                            0.5 * D * std::log(2.0 * kPi);
          worst = std::max(worst, std::abs(dm.log_p(x, t) - lp));
          Vec s(D);
          dm.score(x, t, s);
          CHECK((s + llt.solve(r)).norm() <= 1e-11 * s.norm());
        }
      }
      MESSAGE("gamma " << gamma << ": max |log_p - LLT Gaussian log density| " << worst);
      CHECK(worst < 1e-12);
    }
  }
  SUBCASE("reconstructive mixtures (Eq. 25) in D = 2 and D = 10") {
    for (const int D : {2, 10}) {
      const GaussianMixture g = reconstructive_mixture(D, rng);
      CHECK_FALSE(g.all_points());
      for (const double gamma : {0.0, 0.8}) {
        const double sigma = 1.2, T = 1.0;
        const PatternDiffusion dm(g, sigma, T, gamma);
        double worst_lp = 0.0, worst_w = 0.0, worst_s = 0.0;
        for (const double t : {0.0, 0.5, 0.9, 0.98}) {
          const double a = kernel_a(gamma, T - t), s2 = kernel_s2(sigma, gamma, T - t);
          CHECK(dm.kernel_scale(t) == doctest::Approx(a).epsilon(1e-14));
          CHECK(dm.kernel_variance(t) == doctest::Approx(s2).epsilon(1e-14));
          auto pick = component_picker(g);
          for (int j = 0; j < 12; ++j) {
            int k;
            const Vec x = j < 8 ? sample_forward(g, pick, a, s2, rng, k) : gaussian(D, 1, rng, 1.0).col(0);
            const Reference ref = reference(g, a, s2, x);
            Vec s(D);
            dm.score(x, t, s);
            worst_lp = std::max(worst_lp, std::abs(dm.log_p(x, t) - ref.log_p));
            worst_w = std::max(worst_w, (dm.weights(x, t) - ref.w).cwiseAbs().maxCoeff());
            worst_s = std::max(worst_s, (s - ref.score).norm() / ref.score.norm());
            CHECK(dm.energy(x, t) == doctest::Approx(-sigma * sigma * ref.log_p).epsilon(1e-12));
          }
        }
        MESSAGE("D " << D << " gamma " << gamma << ": max |log_p - ref| " << worst_lp << ", max |w - ref| "
                     << worst_w << ", max rel |score - ref| " << worst_s);
        CHECK(worst_lp < 1e-12);
        CHECK(worst_w < 1e-12);
        CHECK(worst_s < 1e-11);
      }
    }
  }
  SUBCASE("points with unequal weights (general path, rank 0)") {
    constexpr int D = 6;
    const Mat Y = gaussian(D, 5, rng);
    GaussianMixture g(D);
    for (int n = 0; n < 5; ++n) g.add(Y.col(n), 1.0 + n, n + 1);
    CHECK(g.all_points());
    CHECK_FALSE(g.equal_weights());
    const PatternDiffusion dm(g, 1.0, 1.0);
    for (const double t : {0.0, 0.7}) {
      const Vec x = gaussian(D, 1, rng, 0.7).col(0);
      const Reference ref = reference(g, 1.0, 1.0 - t, x);
      Vec s(D);
      dm.score(x, t, s);
      CHECK(std::abs(dm.log_p(x, t) - ref.log_p) < 1e-12);
      CHECK((dm.weights(x, t) - ref.w).cwiseAbs().maxCoeff() < 1e-13);
      CHECK((s - ref.score).norm() < 1e-12 * ref.score.norm());
    }
  }
}

// Central differences: error h^2 |d^3 log p| / 6 + eps |log p| / h. With h = 1e-5 sqrt(s^2) the
// first is ~1e-10 |score| (log p varies on the length scale sqrt(s^2)) and the second
// ~1e-16 |log p| / (1e-5 sqrt(s^2)) against |score| ~ sqrt(D / s^2): both below 1e-7 relative.
TEST_CASE("mixture: exact score is the gradient of log p_t (extended, semantic, Eq. 25 - VE and VP)") {
  std::mt19937 rng(23);
  for (const int D : {2, 10}) {
    const std::vector<std::pair<const char*, GaussianMixture>> mixtures = {
        {"extended (Eq. 23)", extended_mixture(D, rng)},
        {"semantic (Eq. 24)", semantic_mixture(D, rng)},
        {"reconstructive (Eq. 25)", reconstructive_mixture(D, rng)}};
    for (const auto& [label, g] : mixtures) {
      const std::string name = label;
      for (const double gamma : {0.0, 0.8}) {
        const double sigma = 1.2, T = 1.0;
        const PatternDiffusion dm(g, sigma, T, gamma);
        auto pick = component_picker(g);
        double worst = 0.0;
        // t near T: s^2 = 1e-6
        for (const double t : {0.0, 0.5, 0.9, T - tau_for(1e-6, sigma, gamma)}) {
          const double a = dm.kernel_scale(t), s2 = dm.kernel_variance(t);
          for (int j = 0; j < 10; ++j) {
            int k;
            const Vec x = j < 8 ? sample_forward(g, pick, a, s2, rng, k) : gaussian(D, 1, rng, 1.0).col(0);
            Vec s(D);
            dm.score(x, t, s);
            const Vec fd = fd_gradient([&](const Vec& z) { return dm.log_p(z, t); }, x, 1e-5 * std::sqrt(s2));
            worst = std::max(worst, (s - fd).norm() / s.norm());
            // drifts built on the score
            Vec r(D), p(D), o(D);
            dm.reverse_drift(x, t, r);
            dm.probability_flow_drift(x, t, p);
            dm(x, o, t);
            CHECK((r - (sigma * sigma * s + gamma * x)).norm() <= 1e-13 * r.norm());
            CHECK((p - (0.5 * sigma * sigma * s + gamma * x)).norm() <= 1e-13 * p.norm());
            CHECK(o == p);
          }
        }
        MESSAGE("D " << D << " " << name << " gamma " << gamma << ": max relative |score - FD grad log p| "
                     << worst);
        CHECK(worst < 1e-6);
      }
    }
  }
}

// Midpoint rule on [-9, 9]^2 with h = 0.02. The narrowest kernel has standard deviation
// sqrt(s^2) = sqrt(0.05) = 0.22 = 11 h, so the aliasing error of the rule is of order
// exp(-2 pi^2 s^2 / h^2) (negligible); the widest has sqrt(a^2 0.4 + s^2) < 0.7 and every mean lies
// within 2.5 of the origin, so the mass outside the box is below exp(-(6.5/0.7)^2 / 2) ~ 1e-19.
// What is left is rounding in the sum: 1e-9 is a generous bound.
TEST_CASE("mixture: p_t integrates to 1 in D = 2 (extended + circle, VE and VP)") {
  std::mt19937 rng(24);
  GaussianMixture g(2);
  std::mt19937_64 rng64(5);
  const Mat Y = (Mat(2, 2) << 1.5, -1.6, 1.2, 0.9).finished();
  g = extended_memories(Y, 1, 0.4, rng64);
  add_circle_manifold(g, Vec::Zero(2), Vec::Unit(2, 0), Vec::Unit(2, 1), 1.0, 12, 0.05, 0.5);
  CHECK(g.K() == 14);
  CHECK(g.means().colwise().norm().maxCoeff() < 2.5);
  for (const double gamma : {0.0, 0.8}) {
    const double sigma = 1.2, T = 1.0, t = T - tau_for(0.05, sigma, gamma);
    const PatternDiffusion dm(g, sigma, T, gamma);
    CHECK(dm.kernel_variance(t) == doctest::Approx(0.05).epsilon(1e-12));
    const double L = 9.0, h = 0.02;
    const int n = static_cast<int>(std::lround(2.0 * L / h));
    double total = 0.0;
    Vec x(2);
    for (int i = 0; i < n; ++i) {
      double row = 0.0;
      x(0) = -L + (i + 0.5) * h;
      for (int j = 0; j < n; ++j) {
        x(1) = -L + (j + 0.5) * h;
        row += std::exp(dm.log_p(x, t));
      }
      total += row;
    }
    total *= h * h;
    MESSAGE("gamma " << gamma << ": integral of p_t over [-9, 9]^2 = 1 " << (total >= 1 ? "+ " : "- ")
                     << std::abs(total - 1.0));
    CHECK(std::abs(total - 1.0) < 1e-9);
  }
}

// Samples of the forward process at t (y ~ p_0, x = a y + s eps; a, s^2 written out independently)
// against the closed-form marginal: per component mean a mu_k and covariance C_k = a^2 Sigma_k + s^2 I,
// the component frequencies pi_k, E[p(k | x)] = pi_k (the posterior averages to the prior),
// E[grad log p_t] = 0 and E[x . grad log p_t] = -D (Stein's identity). All within 5 standard errors
// (fixed seed; 5 sigma is a ~6e-7 two-sided chance per check).
