// Probabilistic recall by the reverse SDE (Ambrogioni 2024, §5.1), its thread-count independence,
// the Euler-Maruyama observer, and the probability-flow ODE against the modern Hopfield flow at
// beta(t_end) (Eq. 13-14); sim/experiments/recall.hpp, sim/solvers/sde.hpp. (The speed of 10 000 trajectories,
// D = 100, N = 50, is measured by bench/bench_steps.cpp, section 6, not here.)
#include <doctest/doctest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <cstring>
#include <random>
#include <sstream>
#include <vector>

#include "sim/experiments/recall.hpp"
#include "sim/solvers/sde.hpp"

using namespace seqmem;

namespace {

// N unit-norm Gaussian patterns in D dimensions.
Mat unit_patterns(int D, int N, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd(0.0, 1.0);
  Mat Y(D, N);
  for (Eigen::Index j = 0; j < N; ++j)
    for (Eigen::Index i = 0; i < D; ++i) Y(i, j) = nd(rng);
  Y.colwise().normalize();
  return Y;
}

// y_k + Gaussian noise of standard deviation nu per entry.
Vec noisy_cue(const Mat& Y, int k, double nu, std::mt19937_64& rng) {
  std::normal_distribution<double> nd(0.0, nu);
  Vec x = Y.col(k);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) += nd(rng);
  return x;
}

// Pearson's chi-square of counts against probabilities p, and its upper-tail p-value (N - 1 dof).
std::pair<double, double> chi_square(const std::vector<long>& counts, const Vec& p) {
  long M = 0;
  for (long c : counts) M += c;
  double chi2 = 0;
  for (std::size_t n = 0; n < counts.size(); ++n) {
    const double e = static_cast<double>(M) * p(static_cast<Eigen::Index>(n));
    chi2 += (static_cast<double>(counts[n]) - e) * (static_cast<double>(counts[n]) - e) / e;
  }
  const boost::math::chi_squared dist(static_cast<double>(counts.size() - 1));
  return {chi2, boost::math::cdf(boost::math::complement(dist, chi2))};
}

std::string fmt_vec(const Vec& v) {
  std::ostringstream os;
  os.precision(4);
  for (Eigen::Index i = 0; i < v.size(); ++i) os << (i ? " " : "") << v(i);
  return os.str();
}

// The recall problem of §5.1: 4 unit patterns in D = 10, VE with sigma = 1, T = 1; the cue is
// y_0 + N(0, 0.3^2 I) read at t0 = 0, i.e. at noise variance (T - t0) sigma^2 = 1, where the
// posterior is spread over all four patterns.
struct RecallProblem {
  Mat Y = unit_patterns(10, 4, 20240501);
  PatternDiffusion dm = PatternDiffusion::ve(Y, 1.0, 1.0);
  Vec x0;
  RecallProblem() {
    std::mt19937_64 rng(7);
    x0 = noisy_cue(Y, 0, 0.3, rng);
  }
};

}  // namespace

TEST_CASE("recall: reverse-SDE end states are bitwise equal for 1 and 2 threads") {
  const RecallProblem P;
  RecallSpec s;
  s.t0 = 0.0;
  s.t_end = 0.999;
  s.dt = 1e-2;
  s.trajectories = 200;
  s.seed = 42;
  s.threads = 1;
  const RecallResult one = reverse_sde_recall(P.dm, P.x0, s);
  s.threads = 2;
  const RecallResult two = reverse_sde_recall(P.dm, P.x0, s);
  REQUIRE(one.end_states.size() == two.end_states.size());
  CHECK(std::memcmp(one.end_states.data(), two.end_states.data(), sizeof(double) * one.end_states.size()) == 0);
  CHECK(one.nearest == two.nearest);
  CHECK(one.counts == two.counts);
  // Trajectory i depends on (seed, i) only, not on how many trajectories run.
  s.trajectories = 37;
  const RecallResult few = reverse_sde_recall(P.dm, P.x0, s);
  CHECK(std::memcmp(few.end_states.data(), one.end_states.data(), sizeof(double) * few.end_states.size()) == 0);
  // A different seed gives different paths.
  s.seed = 43;
  const RecallResult other = reverse_sde_recall(P.dm, P.x0, s);
  CHECK((other.end_states - few.end_states).norm() > 0.1);
}

TEST_CASE("recall: the Euler-Maruyama observer sees k = 0..K at t_k and does not change the path") {
  const RecallProblem P;
  PatternDiffusion local = P.dm;
  auto drift = [&local](const Vec& xs, double t, Vec& out) { local.reverse_drift(xs, t, out); };
  const double t0 = 0.1, t_end = 0.95, dt = 0.013;  // K = ceil(0.85 / 0.013) = 66, h = 0.85 / 66
  const long long K = EulerMaruyama::steps(t0, t_end, dt);
  REQUIRE(K == 66);
  const double h = (t_end - t0) / static_cast<double>(K);
  EulerMaruyama em(P.dm.D());
  Vec plain = P.x0;
  em.run(drift, P.dm.sigma(), plain, t0, t_end, dt, 5, 3);
  Vec observed = P.x0;
  std::vector<long long> ks;
  std::vector<double> ts;
  Mat path(P.dm.D(), K + 1);
  em.run(drift, P.dm.sigma(), observed, t0, t_end, dt, 5, 3, [&](long long k, double t, const Vec& x) {
    ks.push_back(k);
    ts.push_back(t);
    if (k >= 0 && k <= K) path.col(k) = x;
  });
  REQUIRE(ks.size() == static_cast<std::size_t>(K + 1));
  for (long long k = 0; k <= K; ++k) CHECK(ks[k] == k);
  CHECK(ts.front() == t0);
  CHECK(ts.back() == t_end);
  for (long long k = 1; k < K; ++k) CHECK(ts[k] == doctest::Approx(t0 + k * h).epsilon(1e-14));
  CHECK(std::memcmp(path.col(0).data(), P.x0.data(), sizeof(double) * P.x0.size()) == 0);
  CHECK(std::memcmp(path.col(K).data(), observed.data(), sizeof(double) * observed.size()) == 0);
  // The observer does not change the path: same end state, bitwise.
  CHECK(std::memcmp(plain.data(), observed.data(), sizeof(double) * plain.size()) == 0);
  // A diffusion coefficient given as a callable g(t) = sigma is the same as the number sigma.
  Vec callable = P.x0;
  const double sigma = P.dm.sigma();
  em.run(drift, [sigma](double) { return sigma; }, callable, t0, t_end, dt, 5, 3);
  CHECK(std::memcmp(plain.data(), callable.data(), sizeof(double) * plain.size()) == 0);
}

TEST_CASE("recall: reverse-SDE recall frequencies match the posterior p(n | x0) (paper §5.1)") {
  const RecallProblem P;
  RecallSpec s;
  s.t0 = 0.0;
  s.t_end = 0.999;  // end noise sigma sqrt(T - t_end) = 0.032 per entry: nearest pattern = the recalled one
  s.trajectories = 10000;
  s.seed = 2024;
  const Vec post = P.dm.weights(P.x0, s.t0);
  // VE: softmax(-|x0 - y_n|^2 / (2 (T - t0) sigma^2)).
  Vec expected(P.Y.cols());
  for (Eigen::Index n = 0; n < P.Y.cols(); ++n) expected(n) = -(P.x0 - P.Y.col(n)).squaredNorm() / 2.0;
  expected = (expected.array() - expected.maxCoeff()).exp();
  expected /= expected.sum();
  REQUIRE((post - expected).cwiseAbs().maxCoeff() < 1e-12);
  REQUIRE(post.minCoeff() >= 0.05);  // every pattern is a real outcome
  MESSAGE("posterior p(n | x0) = " << fmt_vec(post));

  // Discretisation bias: weak order 1 in dt. Coarser steps first, same seed.
  for (double dt : {2e-2, 5e-3}) {
    s.dt = dt;
    const RecallResult r = reverse_sde_recall(P.dm, P.x0, s);
    const auto [chi2, p] = chi_square(r.counts, post);
    MESSAGE("dt " << dt << ": frequencies " << fmt_vec(r.frequencies()) << ", max |f - p| "
                  << (r.frequencies() - post).cwiseAbs().maxCoeff() << ", chi2 " << chi2 << ", p " << p);
  }
  s.dt = 1e-3;
  const RecallResult r = reverse_sde_recall(P.dm, P.x0, s);
  const auto [chi2, p] = chi_square(r.counts, post);
  MESSAGE("dt " << s.dt << ": frequencies " << fmt_vec(r.frequencies()) << ", max |f - p| "
                << (r.frequencies() - post).cwiseAbs().maxCoeff() << ", chi2 " << chi2 << " (3 dof), p " << p
                << "; largest end distance to the nearest pattern " << r.distance.maxCoeff());
  CHECK(p > 1e-3);
  // The end states sit on their patterns (bridge: distance ~ sqrt(D (T - t_end)) sigma = 0.1).
  CHECK(r.distance.maxCoeff() < 0.35);
  CHECK(r.overlap.minCoeff() > 0.8);
}

TEST_CASE("recall: probability-flow ODE and modern Hopfield at beta(t_end) recall the same pattern (Eq. 13-14)") {
  // 200 cues y_k + N(0, nu^2 I), nu = 0.3, k = i mod 4; the flow starts at the noise level of the
  // cue, (T - t0) sigma^2 = nu^2, and ends at T - t_end = 1e-3 (beta = 1000).
  const Mat Y = unit_patterns(10, 4, 20240501);
  const double sigma = 1.0, T = 1.0, nu = 0.3;
  const PatternDiffusion dm = PatternDiffusion::ve(Y, sigma, T);
  const double t0 = T - nu * nu / (sigma * sigma);
  std::mt19937_64 rng(99);
  std::vector<Vec> cues;
  for (int i = 0; i < 200; ++i) cues.push_back(noisy_cue(Y, i % 4, nu, rng));

  auto agreement = [&](double t_end) {
    int same = 0, converged = 0;
    for (const Vec& x0 : cues) {
      const Vec x_pf = probability_flow_recall(dm, x0, t0, t_end);
      const HopfieldRecall h = hopfield_recall(Y, dm.beta(t_end), x0);
      converged += h.converged;
      same += nearest_pattern(Y, x_pf).index == nearest_pattern(Y, h.x).index;
    }
    return std::make_pair(same / static_cast<double>(cues.size()), converged);
  };
  const auto [frac, conv] = agreement(T - 1e-3);
  MESSAGE("beta(t_end) = " << dm.beta(T - 1e-3) << ": same nearest pattern in " << frac
                            << " of 200 cues; Hopfield converged in " << conv);
  CHECK(frac >= 0.99);
  CHECK(conv == 200);
  for (double tau_end : {1e-2, 3e-2, 6e-2, 8e-2}) {
    const auto [f, c] = agreement(T - tau_end);
    MESSAGE("beta(t_end) = " << dm.beta(T - tau_end) << " (beta(t0) = " << dm.beta(t0) << "): same nearest pattern in "
                              << f << "; Hopfield converged in " << c);
  }
  // Below beta(t0) the flow must start earlier: from T - t0 = 1 (beta(t0) = 1), down to beta = 1.
  // Mixture: the Hopfield end state is farther than 0.5 from every pattern.
  const double t0_early = 0.0;
  for (double tau_end : {1e-3, 1e-1, 0.3, 0.6, 0.9}) {
    int same = 0, mixture = 0;
    for (const Vec& x0 : cues) {
      const Vec x_pf = probability_flow_recall(dm, x0, t0_early, T - tau_end);
      const HopfieldRecall h = hopfield_recall(Y, dm.beta(T - tau_end), x0);
      const NearestPattern nh = nearest_pattern(Y, h.x);
      same += nearest_pattern(Y, x_pf).index == nh.index;
      mixture += nh.distance > 0.5;
    }
    MESSAGE("from beta(t0) = 1: beta(t_end) = " << dm.beta(T - tau_end) << ": same nearest pattern in "
                                                << same / 200.0 << "; Hopfield mixture end states " << mixture);
  }
}
