// EDEN (models/eden.hpp, sim/experiments/eden_capacity.hpp; docs/models.md §3.4): the hidden layer
// and the fixed point by hand for two patterns, the system's derivative, the transition across the
// phase boundary alpha_s / alpha_c = 1, the per-bit checks against a direct implementation written
// out memory by memory, the law's gamma, and thread-count independence.
#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>
#include <stdexcept>

#include "models/eden.hpp"
#include "models/memories.hpp"
#include "models/sequence_laws.hpp"
#include "sim/experiments/eden_capacity.hpp"

using namespace seqmem;

namespace {

// xi^1 = (1, 1), xi^2 = (1, -1); xi^0 = xi^2.
Mat two_patterns() {
  Mat X(2, 2);
  X << 1, 1,  //
      1, -1;
  return X;
}

// The per-bit checks of EDEN written out for one memory at a time: softmax by explicit exponentials,
// the transition by the classical RK4 formulas on a vector.
long direct_right_bits(const Mat& Xi, const EdenCapacityOptions& o, int n) {
  const int N = static_cast<int>(Xi.rows()), P = static_cast<int>(Xi.cols());
  const double kappa = o.net.normalisation == EdenNormalisation::code ? o.net.beta / N : 1.0;
  auto target = [&](const Vec& v, const Vec& s) {
    Vec h(P);
    for (int mu = 0; mu < P; ++mu)
      h(mu) = kappa * (o.net.alpha_s * Xi.col(mu).dot(v) + o.net.alpha_c * Xi.col((mu + P - 1) % P).dot(s));
    const double top = h.maxCoeff();
    double Z = 0;
    for (int mu = 0; mu < P; ++mu) Z += std::exp(h(mu) - top);
    Vec out = Vec::Zero(N);
    for (int mu = 0; mu < P; ++mu) out += std::exp(h(mu) - top) / Z * Xi.col(mu);
    return out;
  };
  long right = 0;
  for (int mu = 0; mu < n; ++mu) {
    Vec v = Xi.col(mu), goal;
    if (o.criterion == BaselineCriterion::fixed_point) {
      v = target(v, o.s_scale * Xi.col((mu + P - 1) % P));
      goal = Xi.col(mu);
    } else {
      const Vec s = o.s_scale * Xi.col(mu);
      auto f = [&](const Vec& x) { return Vec((target(x, s) - x) / o.net.T_f); };
      const double h = o.dt;
      for (long j = 0; j < std::lround(o.t_transition / o.dt); ++j) {
        const Vec k1 = f(v), k2 = f(v + h / 2 * k1), k3 = f(v + h / 2 * k2), k4 = f(v + h * k3);
        v += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
      }
      goal = Xi.col((mu + 1) % P);
    }
    for (int i = 0; i < N; ++i) right += v(i) * goal(i) >= 1 - o.bit_tolerance;
  }
  return right;
}

}  // namespace

TEST_CASE("eden: the hidden layer and the fixed point of two patterns by hand") {
  EdenParams p;
  p.normalisation = EdenNormalisation::paper;
  p.alpha_s = p.alpha_c = 1.0;
  const Eden net(two_patterns(), p);
  CHECK(net.kappa() == 1.0);
  // v = xi^1, s = xi^0 = xi^2: h_1 = xi^1.xi^1 + xi^2.xi^2 = 4, h_2 = xi^2.xi^1 + xi^1.xi^2 = 0
  const Mat V = two_patterns().col(0), S = two_patterns().col(1);
  const Mat H = net.hidden_input(V, S);
  CHECK(H(0, 0) == 4.0);
  CHECK(H(1, 0) == 0.0);
  // v* = p_1 xi^1 + p_2 xi^2 with p_1 = e^4 / (e^4 + 1) = 0.982014: (1, 0.964028)
  const Mat v_star = net.feature_target(V, S);
  CHECK(v_star(0, 0) == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(v_star(1, 0) == doctest::Approx((std::exp(4.0) - 1) / (std::exp(4.0) + 1)).epsilon(1e-15));
  CHECK(v_star(1, 0) == doctest::Approx(0.964028).epsilon(1e-6));
  // the code's normalisation: kappa = beta / N = 10 at beta = 20, N = 2
  p.normalisation = EdenNormalisation::code;
  CHECK(Eden(two_patterns(), p).kappa() == 10.0);
}

TEST_CASE("eden: the system's derivative, and the transition across alpha_s / alpha_c = 1") {
  EdenParams p;
  p.normalisation = EdenNormalisation::paper;
  p.alpha_s = p.alpha_c = 1.0;
  p.T_f = 0.5;
  p.T_d = 4.0;
  const Eden net(two_patterns(), p);
  Vec x(4), dxdt;
  x << 1, 1, 0, 0;  // v = xi^1, s = 0: h = (2, 0), p_1 = e^2 / (e^2 + 1)
  net(x, dxdt, 0.0);
  const double p1 = std::exp(2.0) / (std::exp(2.0) + 1);
  CHECK(dxdt(0) == doctest::Approx((1 - 1) / 0.5));              // v*_1 = 1
  CHECK(dxdt(1) == doctest::Approx((p1 - (1 - p1) - 1) / 0.5));  // v*_2 = p_1 - p_2
  CHECK(dxdt(2) == doctest::Approx(1 / 4.0));                    // (v - s) / T_d
  CHECK(dxdt(3) == doctest::Approx(1 / 4.0));

  // the one-transition check of 8 orthogonal patterns at N = 64 (columns of a Sylvester Hadamard
  // matrix: no crosstalk), the delay layer at 1.2 xi^mu: h_{mu+1} = 1.2 N against h_mu = alpha_s N.
  // alpha_s = 0.98 moves every memory to its successor; 1.5 holds it at xi^mu, whose bits are right
  // where xi^mu and xi^{mu+1} agree: N / 2 of them
  Mat H = Mat::Ones(1, 1);
  while (H.rows() < 64) {
    Mat G(2 * H.rows(), 2 * H.cols());
    G << H, H, H, -H;
    H = G;
  }
  const Mat Xi = H.middleCols(1, 8);
  EdenCapacityOptions o;
  o.N = 64;
  o.criterion = BaselineCriterion::P_T;
  o.transitions_checked = 8;
  o.net.normalisation = EdenNormalisation::paper;
  o.net.alpha_c = 1.0;
  o.net.alpha_s = 0.98;
  o.net.T_f = 0.3;
  o.t_transition = 3.0;
  o.dt = 0.01;
  CHECK(direct_right_bits(Xi, o, 8) == 8 * 64);
  o.net.alpha_s = 1.5;
  CHECK(direct_right_bits(Xi, o, 8) == 8 * 32);
}

TEST_CASE("eden: the capacity checks against the direct implementation") {
  for (const auto criterion : {BaselineCriterion::fixed_point, BaselineCriterion::P_T})
    for (const auto norm : {EdenNormalisation::code, EdenNormalisation::paper})
      for (const int P : {40, 300, 700}) {  // 8 sets; one; the first 300 of one
        EdenCapacityOptions o;
        o.N = 24;
        o.criterion = criterion;
        o.net.normalisation = norm;
        o.transitions_checked = 300;  // two blocks at P = 700
        o.t_transition = 0.3;         // 30 RK4 steps
        // the trial's set, then further sets of P patterns until 300 memories are checked
        const std::uint64_t seed_t = singleton_trial_seed(o.seed, 2);
        long direct = 0;
        for (int k = 0, done = 0; done < o.transitions_checked; ++k) {
          const int n = std::min(P, o.transitions_checked - done);
          direct += direct_right_bits(random_memories(o.N, P, k == 0 ? seed_t : singleton_trial_seed(seed_t, k)), o, n);
          done += n;
        }
        const EdenEvaluation ev = evaluate_eden(o, 2, P);
        CAPTURE(to_string(criterion));
        CAPTURE(to_string(norm));
        CAPTURE(P);
        CHECK(ev.checked == 300L * o.N);
        CHECK(ev.right == direct);
        CHECK(ev.success == (direct >= std::ceil(0.9 * 300 * o.N - 1e-9)));
      }
}

TEST_CASE("eden: the law's gamma, and the capacity the same on 1 and 2 threads") {
  EdenParams p;
  p.normalisation = EdenNormalisation::paper;
  p.alpha_c = 1.0;
  p.alpha_s = 0.999;
  // gamma = 4 / ((1 + e^-1.998)(1 + e^-2)) = 3.10247
  CHECK(eden_law(p).growth == doctest::Approx(3.10247).epsilon(1e-5));
  // the delay layer at 1.2 xi: alpha_c 1.2, 4 / ((1 + e^-1.998)(1 + e^-2.4)) = 3.22938
  CHECK(eden_law(p, 1.2).growth == doctest::Approx(4 / ((1 + std::exp(-1.998)) * (1 + std::exp(-2.4)))).epsilon(1e-12));
  CHECK(eden_law(p, 1.2).growth == doctest::Approx(3.22938).epsilon(1e-5));
  p.alpha_s = p.alpha_c = 20;
  CHECK(eden_law(p).growth == doctest::Approx(4.0).epsilon(1e-12));  // gamma -> 4 as alpha grows
  p.normalisation = EdenNormalisation::code;
  CHECK(std::isnan(eden_law(p).growth));

  EdenCapacityOptions o;
  o.N = 10;
  o.net.normalisation = EdenNormalisation::paper;
  o.trials = 3;
  o.P_max = 4096;
  omp_set_num_threads(1);
  const SingletonCapacityResult one = eden_capacity(o);
  omp_set_num_threads(2);
  const SingletonCapacityResult two = eden_capacity(o);
  CHECK(one.capacity_per_trial == two.capacity_per_trial);
  CHECK(one.mean > 2);

  o.criterion = BaselineCriterion::P_S;
  CHECK_THROWS_AS(validate(o), std::invalid_argument);
}
