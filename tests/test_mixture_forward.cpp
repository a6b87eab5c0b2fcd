// Gaussian-mixture memories (Ambrogioni 2024, §5.2 Eq. 23, §6.1 Eq. 24-25; models.md §2), continued
// from tests/test_mixture.cpp: Monte Carlo moments of the forward process, covariances from a
// file's matrices, the circle manifold, the modern Hopfield limit and large beta.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/diffusion.hpp"
#include "models/gaussian_mixture.hpp"
#include "tests/mixture_references.hpp"
#include "tests/random_fields.hpp"

using namespace seqmem;
using namespace seqmem::testing;

TEST_CASE("mixture: Monte Carlo moments of the forward process match the closed-form marginal") {
  constexpr int D = 3, M = 100000;
  std::mt19937 rng(25);
  GaussianMixture g = reconstructive_mixture(D, rng);
  const int K = g.K();
  const double sigma = 1.2, gamma = 0.8, T = 1.0, t = 0.4, tau = T - t;
  const double a = kernel_a(gamma, tau), s2 = kernel_s2(sigma, gamma, tau);
  const PatternDiffusion dm(g, sigma, T, gamma);
  auto pick = component_picker(g);
  std::vector<int> count(K, 0);
  std::vector<Vec> sum(K, Vec::Zero(D));
  std::vector<Mat> sum2(K, Mat::Zero(D, D));
  Vec wsum = Vec::Zero(K), wsum2 = Vec::Zero(K), ssum = Vec::Zero(D), ssum2 = Vec::Zero(D);
  double xs = 0.0, xs2 = 0.0;
  Vec s(D);
  for (int m = 0; m < M; ++m) {
    int k;
    const Vec x = sample_forward(g, pick, a, s2, rng, k);
    ++count[k];
    sum[k] += x;
    sum2[k] += x * x.transpose();
    const Vec& w = dm.weights(x, t);
    wsum += w;
    wsum2 += w.cwiseProduct(w);
    dm.score(x, t, s);
    ssum += s;
    ssum2 += s.cwiseProduct(s);
    xs += x.dot(s);
    xs2 += x.dot(s) * x.dot(s);
  }
  const Vec pi = g.weights();
  int failures = 0;
  double worst_z = 0.0;
  auto check_z = [&](double est, double expect, double se) {
    const double z = std::abs(est - expect) / se;
    worst_z = std::max(worst_z, z);
    failures += z > 5.0;
  };
  for (int k = 0; k < K; ++k) {
    const double n = count[k];
    check_z(n / M, pi(k), std::sqrt(pi(k) * (1.0 - pi(k)) / M));
    const Vec mean = sum[k] / n;
    const Mat cov = (sum2[k] - n * mean * mean.transpose()) / (n - 1.0);
    const Mat C = a * a * g.covariance(k) + s2 * Mat::Identity(D, D);
    for (int i = 0; i < D; ++i) {
      check_z(mean(i), a * g.means()(i, k), std::sqrt(C(i, i) / n));
      for (int j = 0; j < D; ++j) check_z(cov(i, j), C(i, j), std::sqrt((C(i, i) * C(j, j) + C(i, j) * C(i, j)) / n));
    }
    const double w_mean = wsum(k) / M, w_sd = std::sqrt(std::max(wsum2(k) / M - w_mean * w_mean, 1e-300));
    check_z(w_mean, pi(k), w_sd / std::sqrt(double(M)));
  }
  for (int i = 0; i < D; ++i) {
    const double mean = ssum(i) / M, sd = std::sqrt(ssum2(i) / M - mean * mean);
    check_z(mean, 0.0, sd / std::sqrt(double(M)));
  }
  const double xs_mean = xs / M, xs_sd = std::sqrt(xs2 / M - xs_mean * xs_mean);
  check_z(xs_mean, -double(D), xs_sd / std::sqrt(double(M)));
  MESSAGE(K << " components, " << M << " samples: largest |estimate - closed form| / standard error " << worst_z
            << ", E[x . score] = " << xs_mean << " (expected " << -D << ")");
  CHECK(failures == 0);
}

TEST_CASE("mixture: add_covariance validates symmetry and PSD, keeps the range") {
  std::mt19937 rng(26);
  SUBCASE("eigenvalues {1, -0.5}: rejected, message states the smallest eigenvalue") {
    GaussianMixture g(2);
    const double c = std::cos(0.3), s = std::sin(0.3);
    const Mat R = (Mat(2, 2) << c, -s, s, c).finished();
    const Mat C = R * Vec((Vec(2) << 1.0, -0.5).finished()).asDiagonal() * R.transpose();
    std::string msg;
    try {
      g.add_covariance(Vec::Zero(2), 1.0, 1, C);
    } catch (const std::invalid_argument& e) {
      msg = e.what();
    }
    REQUIRE(msg.find("smallest eigenvalue ") != std::string::npos);
    const double reported = std::stod(msg.substr(msg.find("smallest eigenvalue ") + 20));
    CHECK(reported == doctest::Approx(-0.5).epsilon(1e-14));  // a 2 x 2 eigenproblem: rounding only
    CHECK(g.K() == 0);
  }
  SUBCASE("asymmetric: rejected") {
    GaussianMixture g(2);
    const Mat C = (Mat(2, 2) << 1.0, 0.2, 0.0, 1.0).finished();
    CHECK_THROWS_AS(g.add_covariance(Vec::Zero(2), 1.0, 1, C), std::invalid_argument);
    CHECK_THROWS_AS(g.add_covariance(Vec::Zero(2), 1.0, 1, Mat::Identity(3, 3)), std::invalid_argument);
  }
  SUBCASE("rank 1 in D = 3: accepted, equals add() with the same basis and variance") {
    constexpr int D = 3;
    const Vec u = gaussian(D, 1, rng).col(0).normalized();
    const Vec mu = gaussian(D, 1, rng).col(0);
    const Mat C = 0.7 * u * u.transpose();
    GaussianMixture gc(D), ga(D);
    const Vec other = gaussian(D, 1, rng).col(0);
    for (GaussianMixture* g : {&gc, &ga}) g->add(other, 1.0, 1);
    gc.add_covariance(mu, 2.0, 2, C);
    ga.add(mu, 2.0, 2, u, Vec::Constant(1, 0.7));
    REQUIRE(gc.rank(1) == 1);
    // A 3 x 3 symmetric eigenproblem is backward stable: eigenvalue and eigenvector to ~1e-15.
    CHECK(gc.variances(1)(0) == doctest::Approx(0.7).epsilon(1e-14));
    CHECK(std::abs(std::abs(gc.basis(1).col(0).dot(u)) - 1.0) < 1e-14);
    CHECK((gc.covariance(1) - C).cwiseAbs().maxCoeff() < 1e-15);
    CHECK(gc.label(1) == 2);
    for (const double gamma : {0.0, 0.5}) {
      const PatternDiffusion dc(gc, 1.0, 1.0, gamma), da(ga, 1.0, 1.0, gamma);
      for (const double t : {0.0, 0.6, 0.95}) {
        const Vec x = gaussian(D, 1, rng, 0.8).col(0);
        Vec sc(D), sa(D);
        dc.score(x, t, sc);
        da.score(x, t, sa);
        // inputs differ by ~1e-15 relative, cond(C_k) <= (s^2 + 0.7) / s^2 < 20: 1e-13 relative
        CHECK(dc.log_p(x, t) == doctest::Approx(da.log_p(x, t)).epsilon(1e-13));
        CHECK((dc.weights(x, t) - da.weights(x, t)).cwiseAbs().maxCoeff() < 1e-13);
        CHECK((sc - sa).norm() < 1e-13 * sa.norm());
      }
    }
  }
  SUBCASE("tiny negative rounding is tolerated and dropped; zero covariance is a point") {
    GaussianMixture g(2);
    g.add_covariance(Vec::Zero(2), 1.0, 1, (Mat(2, 2) << 1.0, 0.0, 0.0, -1e-14).finished());
    CHECK(g.rank(0) == 1);
    CHECK(g.variances(0)(0) == 1.0);
    g.add_covariance(Vec::Ones(2), 1.0, 2, Mat::Zero(2, 2));
    CHECK(g.rank(1) == 0);
  }
  SUBCASE("add(): basis and variance checks") {
    GaussianMixture g(3);
    const Mat skew = (Mat(3, 2) << 1.0, 1.0 / std::sqrt(2.0), 0.0, 1.0 / std::sqrt(2.0), 0.0, 0.0).finished();
    CHECK_THROWS_AS(g.add(Vec::Zero(3), 1.0, 1, skew, Vec::Ones(2)), std::invalid_argument);
    const Mat E = Mat::Identity(3, 2);
    CHECK_THROWS_AS(g.add(Vec::Zero(3), 1.0, 1, E, Vec::Ones(1)), std::invalid_argument);
    CHECK_THROWS_AS(g.add(Vec::Zero(3), 1.0, 1, E, (Vec(2) << 1.0, -0.1).finished()), std::invalid_argument);
    CHECK_THROWS_AS(g.add(Vec::Zero(3), 0.0, 1), std::invalid_argument);
    CHECK_THROWS_AS(g.add(Vec::Zero(2), 1.0, 1), std::invalid_argument);
    CHECK(g.K() == 0);
    g.add(Vec::Zero(3), 1.0, 1, E, (Vec(2) << 0.5, 0.0).finished());  // the zero variance is dropped
    CHECK(g.rank(0) == 1);
    CHECK(g.max_rank() == 1);
    CHECK(g.basis(0) == Mat::Identity(3, 1));
    CHECK(g.variances(0)(0) == 0.5);
  }
}

TEST_CASE("mixture: add_circle_manifold weights and geometry - extended_memories (Eq. 23-25)") {
  std::mt19937 rng(27);
  constexpr int D = 5;
  const auto [u, v] = plane(D, rng);
  const Vec center = gaussian(D, 1, rng).col(0);
  GaussianMixture g(D);
  for (int n = 0; n < 3; ++n) g.add(gaussian(D, 1, rng).col(0), 1.0 + n, n + 1);  // pi = 1/6, 2/6, 3/6
  add_circle_manifold(g, center, u, v, 1.5, 8, 0.1, 0.4);
  REQUIRE(g.K() == 11);
  const Vec pi = g.weights();
  // Sums of at most 11 numbers of order 0.1: rounding below 1e-15.
  CHECK(std::abs(pi.sum() - 1.0) < 1e-15);
  CHECK(std::abs(pi.tail(8).sum() - 0.4) < 1e-15);
  for (int n = 0; n < 3; ++n) CHECK(pi(n) == doctest::Approx(0.6 * (1.0 + n) / 6.0).epsilon(1e-15));
  CHECK(std::abs(g.log_weights()(4) - std::log(0.05)) < 1e-15);
  for (int j = 0; j < 8; ++j) {
    const int k = 3 + j;
    const double th = 2.0 * kPi * j / 8;
    CHECK(g.label(k) == 0);
    CHECK(g.rank(k) == 1);
    CHECK(g.variances(k)(0) == 0.1);
    CHECK(pi(k) == doctest::Approx(0.05).epsilon(1e-15));
    const Vec radial = g.means().col(k) - center;
    CHECK((radial - 1.5 * (std::cos(th) * u + std::sin(th) * v)).norm() < 1e-14);
    CHECK(std::abs(radial.dot(g.basis(k).col(0))) < 1e-14);  // tangent to the circle
    CHECK(std::abs(g.basis(k).col(0).norm() - 1.0) < 1e-15);
  }
  // a second manifold: the first eleven keep their proportions and share 1 - 0.2
  add_circle_manifold(g, center, u, v, 0.5, 4, 0.0, 0.2);
  CHECK(g.K() == 15);
  CHECK(g.rank(14) == 0);  // tangent variance 0: points
  CHECK(std::abs(g.weights().head(11).sum() - 0.8) < 1e-15);
  CHECK(g.weights()(0) == doctest::Approx(0.8 * 0.6 / 6.0).epsilon(1e-15));
  // empty mixture: the manifold is the whole density
  GaussianMixture e(D);
  add_circle_manifold(e, center, u, v, 1.0, 5, 0.1, 1.0);
  CHECK(std::abs(e.weights().sum() - 1.0) < 1e-15);
  CHECK(e.equal_weights());
  // invalid: weight 1 would leave nothing for the earlier components; u, v not orthonormal
  CHECK_THROWS_AS(add_circle_manifold(g, center, u, v, 1.0, 5, 0.1, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(add_circle_manifold(g, center, u, u, 1.0, 5, 0.1, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(add_circle_manifold(g, center, u, v, 1.0, 0, 0.1, 0.5), std::invalid_argument);

  // Eq. 23: random rank-3 sub-spaces, orthonormal to rounding (Householder QR), reproducible.
  const Mat Y = gaussian(10, 4, rng);
  std::mt19937_64 r1(9), r2(9);
  const GaussianMixture x1 = extended_memories(Y, 3, 0.25, r1), x2 = extended_memories(Y, 3, 0.25, r2);
  CHECK(x1.K() == 4);
  CHECK(x1.means() == Y);
  CHECK(x1.equal_weights());
  for (int k = 0; k < 4; ++k) {
    CHECK(x1.label(k) == k + 1);
    CHECK(x1.rank(k) == 3);
    CHECK((x1.basis(k).transpose() * x1.basis(k) - Mat::Identity(3, 3)).cwiseAbs().maxCoeff() < 1e-14);
    CHECK(x1.variances(k) == Vec::Constant(3, 0.25));
    CHECK(x1.basis(k) == x2.basis(k));
  }
  CHECK((x1.basis(0) - x1.basis(1)).norm() > 0.1);  // independent draws
  std::mt19937_64 r3(9);
  CHECK(extended_memories(Y, 0, 0.25, r3).all_points());
}

// beta_MH(t) = a / s^2: for unit-norm point memories the posterior is the modern Hopfield softmax
// softmax(beta_MH Y^T x + log pi) (both max-shifted softmaxes of logits equal up to a constant; the
// logits are O(beta) ~ 10, so they agree to ~1e-14).
TEST_CASE("mixture: hopfield_beta = a / s^2 makes the posterior the modern Hopfield softmax") {
  constexpr int D = 8, N = 6;
  std::mt19937 rng(28);
  Mat Y = gaussian(D, N, rng);
  Y.colwise().normalize();
  GaussianMixture g(D);
  for (int n = 0; n < N; ++n) g.add(Y.col(n), 1.0 + 0.5 * n, n + 1);
  const Vec log_pi = g.log_weights();
  for (const double gamma : {0.0, 0.8}) {
    const PatternDiffusion dm(g, 1.0, 1.0, gamma), eq(Y, 1.0, 1.0, gamma);
    for (const double t : {0.0, 0.5, 0.9}) {
      const double beta = dm.hopfield_beta(t);
      if (gamma == 0.0) CHECK(beta == dm.beta(t));
      CHECK(beta == doctest::Approx(kernel_a(gamma, 1.0 - t) / kernel_s2(1.0, gamma, 1.0 - t)).epsilon(1e-14));
      for (int j = 0; j < 5; ++j) {
        const Vec x = gaussian(D, 1, rng, 0.6).col(0);
        Vec l = beta * Y.transpose() * x + log_pi, l0 = beta * Y.transpose() * x;
        softmax_inplace(l);
        softmax_inplace(l0);
        CHECK((dm.weights(x, t) - l).cwiseAbs().maxCoeff() < 1e-13);
        CHECK((eq.weights(x, t) - l0).cwiseAbs().maxCoeff() < 1e-13);
      }
    }
  }
}

// s^2 ~ 1e-12 (beta ~ 1e12): the log terms are ~1e12 apart and the max-shifted log-sum-exp keeps
// them finite. On the sub-space of an extended memory (x = a (mu + U z)) the score is
// -U z a / (s^2 + a^2 lambda); its rounding error is eps |r| / s^2 ~ 2e-4 |r| (the condition number of
// C_k is a^2 lambda / s^2 ~ 1e12), hence the 1e-3 relative tolerance.
TEST_CASE("mixture: large beta (s^2 ~ 1e-12): finite score and log_p") {
  std::mt19937 rng(29);
  for (const int D : {2, 10}) {
    const GaussianMixture g = reconstructive_mixture(D, rng);
    for (const double gamma : {0.0, 0.8}) {
      const double sigma = 1.0, T = 1.0, t = T - tau_for(1e-12, sigma, gamma);
      const PatternDiffusion dm(g, sigma, T, gamma);
      CHECK(dm.kernel_variance(t) == doctest::Approx(1e-12).epsilon(1e-6));
      const double a = dm.kernel_scale(t), s2 = dm.kernel_variance(t);
      auto pick = component_picker(g);
      for (int j = 0; j < 20; ++j) {
        int k;
        const Vec x = j < 10 ? sample_forward(g, pick, a, s2, rng, k) : gaussian(D, 1, rng, 2.0).col(0);
        Vec s(D);
        dm.score(x, t, s);
        CHECK(s.allFinite());
        CHECK(std::isfinite(dm.log_p(x, t)));
        CHECK(std::isfinite(dm.energy(x, t)));
        const Vec& w = dm.weights(x, t);
        CHECK(w.allFinite());
        CHECK(std::abs(w.sum() - 1.0) < 1e-14);
      }
      // on the plane of the rank-2 extended memory (component 1), far from everything else
      const Mat& U = g.basis(1);
      const Vec z = Vec::Constant(U.cols(), 0.3);
      const Vec x = a * (g.means().col(1) + U * z);
      Vec s(D);
      dm.score(x, t, s);
      Vec expect = Vec::Zero(D);
      for (Eigen::Index j = 0; j < U.cols(); ++j) {
        const double lambda = g.variances(1)(j);
        expect -= U.col(j) * a * z(j) / (s2 + a * a * lambda);
      }
      CHECK(dm.weights(x, t)(1) == 1.0);
      MESSAGE("D " << D << " gamma " << gamma << ": on the sub-space, |score - closed form| / |closed form| "
                   << (s - expect).norm() / expect.norm());
      CHECK((s - expect).norm() < 1e-3 * expect.norm());
    }
  }
}
