// Modern Hopfield networks and diffusion models (Ambrogioni 2024, Eq. 5, 7-8, 11-14, 15-21;
// models.md §2): models/modern_hopfield.hpp and models/diffusion.hpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "models/diffusion.hpp"
#include "models/modern_hopfield.hpp"
#include "tests/random_fields.hpp"

using namespace seqmem;
using namespace seqmem::testing;

namespace {

Mat unit_patterns(int D, int N, std::mt19937& rng) {
  Mat Y = gaussian(D, N, rng);
  Y.colwise().normalize();
  return Y;
}


// Laplacian of f at x by central second differences.
template <class F>
double fd_laplacian(F f, const Vec& x, double h) {
  const double f0 = f(x);
  double lap = 0.0;
  Vec y = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    y(i) = x(i) + h;
    const double fp = f(y);
    y(i) = x(i) - h;
    const double fm = f(y);
    y(i) = x(i);
    lap += (fp - 2.0 * f0 + fm) / (h * h);
  }
  return lap;
}
}  // namespace

// Eq. 13-14. With s^2 = (T - t) sigma^2 = 1/beta and |y_n| = 1,
//   |x - y_n|^2 = |x|^2 - 2 x.y_n + 1, so
//   log p_t(x) = -log N - (D/2) log(2 pi / beta) + logsumexp_n(beta x.y_n) - beta |x|^2/2 - beta/2,
//   beta^-1 u_DM / sigma^2 = -beta^-1 log p_t
//                          = [-beta^-1 logsumexp(beta Y^T x) + |x|^2/2] + c(t)
//   c(t) = 1/2 + beta^-1 (log N + (D/2) log(2 pi / beta)),
// independent of x: u_DM and u_MH have the same minimisers at every t.
TEST_CASE("diffusion: VE energy is the modern Hopfield energy plus c(t) (Eq. 13-14)") {
  constexpr int D = 20, N = 10;
  std::mt19937 rng(11);
  const Mat Y = unit_patterns(D, N, rng);
  const Mat X = gaussian(D, 50, rng, 0.5);
  for (const double sigma : {1.0, 0.7}) {
    const auto dm = PatternDiffusion::ve(Y, sigma, 1.0);
    ModernHopfield mh(Y, 1.0);
    for (const double t : {0.0, 0.5, 0.9, 0.99, 0.999}) {
      const double beta = 1.0 / ((1.0 - t) * sigma * sigma);
      CHECK(dm.beta(t) == doctest::Approx(beta).epsilon(1e-14));
      const double c = 0.5 + (std::log(double(N)) + 0.5 * D * std::log(2.0 * kPi / beta)) / beta;
      double lo = 1e300, hi = -1e300, worst_c = 0.0;
      for (Eigen::Index k = 0; k < X.cols(); ++k) {
        const Vec x = X.col(k);
        const double diff = dm.energy(x, t) / (beta * sigma * sigma) - mh.energy(x, beta);
        lo = std::min(lo, diff);
        hi = std::max(hi, diff);
        worst_c = std::max(worst_c, std::abs(diff - c) / std::abs(c));
      }
      const double spread = (hi - lo) / std::abs(0.5 * (hi + lo));
      MESSAGE("sigma " << sigma << " t " << t << " beta " << beta << " c(t) " << c << " spread " << spread
                       << " max|diff - c|/|c| " << worst_c);
      CHECK(spread < 1e-10);
      CHECK(worst_c < 1e-10);
    }
  }
}

TEST_CASE("diffusion: exact score is the gradient of log p_t (VE and VP)") {
  constexpr int D = 20, N = 10;
  std::mt19937 rng(12);
  const Mat Y = gaussian(D, N, rng, 0.3);
  const Mat X = gaussian(D, 10, rng, 0.5);
  for (const double gamma : {0.0, 0.8}) {
    const PatternDiffusion dm(Y, 1.2, 1.0, gamma);
    double worst = 0.0;
    for (const double t : {0.0, 0.6, 0.9}) {
      for (Eigen::Index k = 0; k < X.cols(); ++k) {
        const Vec x = X.col(k);
        Vec s(D);
        dm.score(x, t, s);
        const Vec g = fd_gradient([&](const Vec& z) { return dm.log_p(z, t); }, x, 1e-5);
        worst = std::max(worst, (s - g).norm() / s.norm());
        // and the energy: grad u_DM = -sigma^2 score
        const Vec ge = fd_gradient([&](const Vec& z) { return dm.energy(z, t); }, x, 1e-5);
        worst = std::max(worst, (ge + dm.sigma() * dm.sigma() * s).norm() / (dm.sigma() * dm.sigma() * s.norm()));
        // drifts: reverse SDE sigma^2 score + gamma x, probability flow half the score term
        Vec r(D), p(D);
        dm.reverse_drift(x, t, r);
        dm.probability_flow_drift(x, t, p);
        CHECK((r - (1.44 * s + gamma * x)).norm() < 1e-12 * r.norm());
        CHECK((p - (0.72 * s + gamma * x)).norm() < 1e-12 * p.norm());
      }
    }
    MESSAGE("gamma " << gamma << ": max relative |score - FD grad log p| " << worst);
    CHECK(worst < 1e-6);
  }
}

TEST_CASE("diffusion: modern Hopfield flow is -grad u_MH") {
  constexpr int D = 20, N = 10;
  std::mt19937 rng(13);
  const Mat Y = unit_patterns(D, N, rng);
  const Mat X = gaussian(D, 10, rng, 0.5);
  double worst = 0.0;
  for (const double beta : {0.5, 4.0, 30.0}) {
    ModernHopfield mh(Y, beta);
    for (Eigen::Index k = 0; k < X.cols(); ++k) {
      const Vec x = X.col(k);
      Vec f(D);
      mh(x, f, 0.0);
      const Vec g = fd_gradient([&](const Vec& z) { return mh.energy(z); }, x, 1e-5);
      worst = std::max(worst, (f + g).norm() / f.norm());
    }
  }
  MESSAGE("max relative |dx/dt + FD grad u_MH| " << worst);
  CHECK(worst < 1e-6);
}

TEST_CASE("diffusion: log-sum-exp safety near t = T (beta ~ 1e12)") {
  constexpr int D = 20, N = 10;
  std::mt19937 rng(14);
  const Mat Y = unit_patterns(D, N, rng);
  const Mat X = gaussian(D, 20, rng, 0.5);
  const double T = 1.0, t = T - 1e-12;
  for (const double gamma : {0.0, 0.8}) {
    const PatternDiffusion dm(Y, 1.0, T, gamma);
    const ModernHopfield mh(Y, dm.beta(t));
    CHECK(dm.beta(t) > 0.9e12);
    double worst_cos = 1.0;
    for (Eigen::Index k = 0; k < X.cols(); ++k) {
      const Vec x = X.col(k);
      Vec s(D), f(D);
      dm.score(x, t, s);
      mh(x, f, 0.0);
      const double e = dm.energy(x, t), lp = dm.log_p(x, t), u = mh.energy(x);
      CHECK(std::isfinite(e));
      CHECK(std::isfinite(lp));
      CHECK(std::isfinite(u));
      CHECK(s.allFinite());
      CHECK(f.allFinite());
      Eigen::Index nearest;
      (Y.colwise() - x).colwise().squaredNorm().minCoeff(&nearest);
      const Vec to = dm.kernel_scale(t) * Y.col(nearest) - x;
      worst_cos = std::min(worst_cos, s.dot(to) / (s.norm() * to.norm()));
      CHECK(dm.weights(x, t)(nearest) == doctest::Approx(1.0));
      // the MHN flow goes to the pattern with the largest overlap, here the nearest one
      Eigen::Index best;
      (Y.transpose() * x).maxCoeff(&best);
      CHECK((f - (Y.col(best) - x)).norm() < 1e-12);
    }
    MESSAGE("gamma " << gamma << ": beta " << dm.beta(t) << ", min cos(score, nearest - x) " << worst_cos);
    CHECK(worst_cos > 1.0 - 1e-12);
  }
}

// VP kernel, forward OU dX = -gamma X dtau + sigma dW from X(0) = y: mean exp(-gamma tau) y,
// variance sigma^2 (1 - exp(-2 gamma tau)) / (2 gamma). Checked against the moment ODEs
// dm/dtau = -gamma m, ds2/dtau = -2 gamma s2 + sigma^2 (RK4), and the score of a single point pattern
// against the Gaussian score -(x - m) / s2 and finite differences.
TEST_CASE("diffusion: VP (Ornstein-Uhlenbeck) kernel and single-pattern score") {
  constexpr int D = 5;
  std::mt19937 rng(15);
  const Mat Y = gaussian(D, 1, rng);
  const double sigma = 1.3, gamma = 0.7, T = 2.0;
  const auto dm = PatternDiffusion::vp(Y, sigma, T, gamma);
  // moment ODEs by RK4 from tau = 0 to tau = T - t
  for (const double t : {0.0, 1.0, 1.9}) {
    const double tau = T - t;
    const int steps = 20000;
    const double h = tau / steps;
    double m = 1.0, s2 = 0.0;
    auto fm = [&](double v) { return -gamma * v; };
    auto fs = [&](double v) { return -2.0 * gamma * v + sigma * sigma; };
    for (int k = 0; k < steps; ++k) {
      const double m1 = fm(m), m2 = fm(m + 0.5 * h * m1), m3 = fm(m + 0.5 * h * m2), m4 = fm(m + h * m3);
      const double s1 = fs(s2), q2 = fs(s2 + 0.5 * h * s1), q3 = fs(s2 + 0.5 * h * q2), q4 = fs(s2 + h * q3);
      m += h / 6.0 * (m1 + 2 * m2 + 2 * m3 + m4);
      s2 += h / 6.0 * (s1 + 2 * q2 + 2 * q3 + q4);
    }
    MESSAGE("t " << t << ": a " << dm.kernel_scale(t) << " (RK4 " << m << "), s2 " << dm.kernel_variance(t)
                 << " (RK4 " << s2 << ")");
    CHECK(dm.kernel_scale(t) == doctest::Approx(m).epsilon(1e-12));
    CHECK(dm.kernel_variance(t) == doctest::Approx(s2).epsilon(1e-12));
    // written out independently of the class
    const double a = std::exp(-gamma * tau), v = sigma * sigma * (1.0 - std::exp(-2.0 * gamma * tau)) / (2.0 * gamma);
    double worst = 0.0, worst_fd = 0.0;
    for (int k = 0; k < 10; ++k) {
      const Vec x = gaussian(D, 1, rng);
      Vec s(D);
      dm.score(x, t, s);
      const Vec gauss = -(x - a * Y.col(0)) / v;
      worst = std::max(worst, (s - gauss).norm() / gauss.norm());
      const Vec g = fd_gradient([&](const Vec& z) { return dm.log_p(z, t); }, x, 1e-5);
      worst_fd = std::max(worst_fd, (s - g).norm() / s.norm());
      // log p is the Gaussian log density
      const double lp = -0.5 * (x - a * Y.col(0)).squaredNorm() / v - 0.5 * D * std::log(2.0 * kPi * v);
      CHECK(dm.log_p(x, t) == doctest::Approx(lp).epsilon(1e-13));
    }
    MESSAGE("  max relative |score - Gaussian score| " << worst << ", |score - FD| " << worst_fd);
    CHECK(worst < 1e-13);
    CHECK(worst_fd < 1e-6);
  }
  // gamma -> 0 recovers the VE kernel (expm1, no cancellation)
  const auto tiny = PatternDiffusion::vp(Y, sigma, T, 1e-12);
  const auto ve = PatternDiffusion::ve(Y, sigma, T);
  CHECK(tiny.kernel_variance(0.5) == doctest::Approx(ve.kernel_variance(0.5)).epsilon(1e-11));
  CHECK(ve.kernel_variance(0.5) == doctest::Approx(1.5 * sigma * sigma).epsilon(1e-15));
  // sigma^2 = 2 gamma: stationary variance 1 as tau -> infinity
  const auto pres = PatternDiffusion::vp(Y, std::sqrt(2.0 * gamma), 100.0, gamma);
  CHECK(pres.kernel_variance(0.0) == doctest::Approx(1.0).epsilon(1e-14));
}

// p_t solves the forward Fokker-Planck equation of dX = -gamma X dtau + sigma dW in tau = T - t:
//   dp/dtau = -dp/dt = gamma div(x p) + (sigma^2/2) lap p = gamma (D p + x.grad p) + (sigma^2/2) lap p.
// An independent check of the mixture kernel (mean, variance, normalisation) for VE and VP.
TEST_CASE("diffusion: p_t solves the forward Fokker-Planck equation (VE and VP)") {
  constexpr int D = 2, N = 3;
  std::mt19937 rng(16);
  const Mat Y = gaussian(D, N, rng);
  for (const double gamma : {0.0, 0.6}) {
    const PatternDiffusion dm(Y, 0.9, 1.0, gamma);
    auto p = [&](const Vec& z, double t) { return std::exp(dm.log_p(z, t)); };
    double worst = 0.0;
    for (const double t : {0.0, 0.5, 0.8}) {
      for (int k = 0; k < 5; ++k) {
        const Vec x = gaussian(D, 1, rng, 0.8);
        const double ht = 1e-5, hx = 2e-4;
        const double dp_dtau = -(p(x, t + ht) - p(x, t - ht)) / (2.0 * ht);
        const Vec gp = fd_gradient([&](const Vec& z) { return p(z, t); }, x, 1e-5);
        const double lap = fd_laplacian([&](const Vec& z) { return p(z, t); }, x, hx);
        const double rhs = gamma * (D * p(x, t) + x.dot(gp)) + 0.5 * dm.sigma() * dm.sigma() * lap;
        // natural size of each term: p / s^2 (guards against all terms vanishing together)
        const double scale = p(x, t) / dm.kernel_variance(t) + std::abs(gamma * D * p(x, t)) +
                             std::abs(gamma * x.dot(gp)) + 0.5 * dm.sigma() * dm.sigma() * std::abs(lap) +
                             std::abs(dp_dtau);
        worst = std::max(worst, std::abs(dp_dtau - rhs) / scale);
      }
    }
    MESSAGE("gamma " << gamma << ": max relative Fokker-Planck residual " << worst);
    CHECK(worst < 1e-6);
  }
}
