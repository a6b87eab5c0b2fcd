// The sequence memories of C23 (models/sequence_net.hpp, models/sequence_laws.hpp,
// sim/experiments/sequence_capacity.hpp; docs/models.md §3.3): a 4-pattern step by hand, the fields
// against the leave-one-out overlap written out term by term, the exponential separation at
// N = 1000, the laws' numbers, and DenseNet d = 2 at N = 100 against the law and the finite-size
// Gaussian estimate; the criteria against each other; thread-count independence; bad options.
#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "models/memories.hpp"
#include "models/sequence_laws.hpp"
#include "models/sequence_net.hpp"
#include "sim/experiments/sequence_capacity.hpp"

using namespace seqmem;

namespace {

// The 4 x 4 Hadamard patterns: xi^1 = (+ + + +), xi^2 = (+ - + -), xi^3 = (+ + - -), xi^4 = (+ - - +).
Mat hadamard() {
  Mat X(4, 4);
  X << 1, 1, 1, 1,   //
      1, -1, 1, -1,  //
      1, 1, -1, -1,  //
      1, -1, -1, 1;
  return X;
}

// h_i = sum_mu xi_i^{mu+1} f(m_i^mu) (+ sum_mu xi_i^mu f_S(m_i^mu) with lambda for MixedNet), the
// leave-one-out overlap m_i^mu = sum_{j != i} xi_j^mu S_j / (N - 1) summed term by term (C23 Eq. 2, 14).
// With a delay (MixedNet, Eq. 13) the asymmetric term's overlap is that of the delayed state Sd.
Vec reference_field(const Mat& Xi, const Vec& S, const Vec& Sd, const SequenceNetParams& p) {
  const int N = static_cast<int>(Xi.rows()), P = static_cast<int>(Xi.cols());
  auto f = [&](const Vec& state, int i, int mu) {
    double m = 0;
    for (int j = 0; j < N; ++j)
      if (j != i) m += Xi(j, mu) * state(j);
    m /= N - 1;
    return p.separation == Separation::polynomial ? std::pow(m, p.degree) : std::exp((N - 1) * (m - 1));
  };
  Vec h = Vec::Zero(N);
  for (int i = 0; i < N; ++i)
    for (int mu = 0; mu < P; ++mu) {
      h(i) += (p.mixed ? p.lambda : 1.0) * Xi(i, (mu + 1) % P) * f(Sd, i, mu);
      if (p.mixed) h(i) += Xi(i, mu) * f(S, i, mu);
    }
  return h;
}
Vec reference_field(const Mat& Xi, const Vec& S, const SequenceNetParams& p) { return reference_field(Xi, S, S, p); }

// E[m^(2d)] for m a sum of N - 1 independent +-1 divided by N - 1 (binomial, in logs).
double even_moment(int N, int d) {
  const int n = N - 1;
  double s = 0;
  for (int k = 0; k <= n; ++k) {
    const double log_choose = std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
    s += std::exp(log_choose - n * std::log(2.0)) * std::pow((n - 2.0 * k) / n, 2 * d);
  }
  return s;
}

// The finite-size Gaussian estimate of the median sequence capacity of the polynomial DenseNet: one
// bit flips with p = Q(1 / sqrt((P - 1) E[m^(2d)])) (signal f(1) = 1 against P - 1 crosstalk terms of
// variance E[m^(2d)]), a cycle of P transitions is exact with probability (1 - p)^(N P) ~ exp(-N P p),
// one half at N P p = ln 2. Bisection on P.
double gaussian_median_P_S(int N, int d) {
  const double m2d = even_moment(N, d);
  auto excess = [&](double P) {
    return N * P * 0.5 * std::erfc(1.0 / std::sqrt((P - 1) * m2d) / std::sqrt(2.0)) - std::log(2.0);
  };
  double lo = 2, hi = 1e7;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (excess(mid) < 0 ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

TEST_CASE("sequence net: one SeqNet and one d = 2 step of the 4 Hadamard patterns, by hand") {
  // From S = xi^1, a = Xi^T S = (4, 0, 0, 0). Leave-one-out: m_i^1 = (4 - 1)/3 = 1 for every i;
  // for mu = 2, 3, 4, a = 0 and m_i^mu = -xi_i^mu / 3.
  // SeqNet: h = xi^2 * 1 + xi^3 .* m^2 + xi^4 .* m^3 + xi^1 .* m^4
  //   = (1, -1, 1, -1) + (-1, 1, 1, -1)/3 + (-1, 1, -1, 1)/3 + (-1, 1, 1, -1)/3 = (0, 0, 4/3, -4/3):
  // neurons 1 and 2 get a zero field (no sign: two wrong bits of the transition 1 -> 2), 3 and 4 are
  // right. The fields are computed without the factor 1/(N-1) = 1/3: (0, 0, 4, -4).
  const Mat Xi = hadamard();
  SequenceNetParams p;
  const SequenceNet seqnet(Xi, p);
  const Mat H = seqnet.fields(Xi.col(0));
  CHECK(H(0, 0) == 0.0);
  CHECK(H(1, 0) == 0.0);
  CHECK(H(2, 0) == 4.0);
  CHECK(H(3, 0) == -4.0);
  CHECK(seqnet.transition_errors(0, 1)[0] == 2);
  Vec s = Xi.col(0);
  seqnet.step(s);  // the zero fields keep spins 1 and 2 (+1, +1); 3 and 4 become +1, -1
  CHECK(s == Vec((Vec(4) << 1, 1, 1, -1).finished()));
  CHECK(seqnet.overlaps(Xi.col(0)) == Eigen::VectorXi((Eigen::VectorXi(4) << 4, 0, 0, 0).finished()));

  // d = 2: f(m) = m^2, so the crosstalk terms are xi^{mu+1} / 9:
  //   h = (1, -1, 1, -1) + [(1, 1, -1, -1) + (1, -1, -1, 1) + (1, 1, 1, 1)] / 9 = (12, -8, 8, -8) / 9,
  // the signs of xi^2: an exact transition. Unnormalised (times 9): (12, -8, 8, -8).
  p.degree = 2;
  const SequenceNet dense(Xi, p);
  const Mat H2 = dense.fields(Xi.col(0));
  CHECK(H2(0, 0) == 12.0);
  CHECK(H2(1, 0) == -8.0);
  CHECK(H2(2, 0) == 8.0);
  CHECK(H2(3, 0) == -8.0);
  CHECK(dense.transition_errors(0, 1)[0] == 0);
}

TEST_CASE("sequence net: a MixedNet tie is an exact zero, and inexact degrees are refused") {
  // N = 4, P = 3, lambda = 3, d = 1, the transition xi^3 -> xi^1 from xi^3 = (1, 1, 1, 1): a = Xi^T S =
  // (-2, 0, 4). Neuron 3 (xi^1_3 = -1, xi^2_3 = -1): leave-one-out sums a - x = (-1, 1, 3), so
  // h = [xi^1 (-1) + xi^2 (1) + xi^3 (3)] + 3 [xi^2 (-1) + xi^3 (1) + xi^1 (3)]
  //   = [1 - 1 + 3] + 3 [1 + 1 - 3] = 3 - 3 = 0 (unnormalised): a tie, one wrong bit.
  Mat Xi(4, 3);
  Xi << -1, 1, 1,  //
      1, -1, 1,    //
      -1, -1, 1,   //
      -1, 1, 1;
  SequenceNetParams p;
  p.mixed = true;
  p.lambda = 3.0;
  const SequenceNet net(Xi, p);
  CHECK(net.fields(Xi.col(2))(2, 0) == 0.0);
  CHECK(net.transition_errors(0, 3) == std::vector<int>{0, 0, 1});
  // 2 P (N+1)^d < 2^53: N = 100, P = 10^5 allows d = 5, not 6
  SequenceNetParams q;
  q.degree = 5;
  CHECK(fields_exact(100, 1e5, q));
  q.degree = 6;
  CHECK_FALSE(fields_exact(100, 1e5, q));
  CHECK_THROWS_AS(SequenceNet(random_memories(5, 6, 1),
                              [] {
                                SequenceNetParams r;
                                r.degree = 20;
                                return r;
                              }()),
                  std::invalid_argument);
}

TEST_CASE("sequence net: the fields equal the leave-one-out sum term by term, for every rule") {
  const Mat Xi = random_memories(23, 9, 5);
  const Mat S = random_memories(23, 6, 77);  // states that are not patterns
  Mat states(23, 9 + 6);
  states << Xi, S;
  for (const Separation sep : {Separation::polynomial, Separation::exponential})
    for (const bool mixed : {false, true})
      for (const int d : {1, 2, 3}) {
        if (sep == Separation::exponential && d > 1) continue;
        SequenceNetParams p;
        p.separation = sep;
        p.degree = d;
        p.mixed = mixed;
        p.lambda = 1.7;
        const SequenceNet net(Xi, p);
        const Mat H = net.fields(states);
        for (int k = 0; k < states.cols(); ++k) {
          const Vec ref = reference_field(Xi, states.col(k), p);
          // the same up to a positive factor per state (dropped normalisations, the exponential's shift)
          Eigen::Index top;
          ref.cwiseAbs().maxCoeff(&top);
          const double factor = H(top, k) / ref(top);
          CAPTURE(to_string(sep));
          CAPTURE(mixed);
          CAPTURE(d);
          CAPTURE(k);
          REQUIRE(factor > 0);
          CHECK((H.col(k) - factor * ref).cwiseAbs().maxCoeff() <= 1e-10 * H.col(k).cwiseAbs().maxCoeff());
        }
        // the polynomial DenseNet's fields are the integers (N - 1)^d h
        if (sep == Separation::polynomial && !mixed)
          CHECK((H.col(0) - std::pow(22.0, d) * reference_field(Xi, Xi.col(0), p)).cwiseAbs().maxCoeff() < 1e-6);
      }
}

TEST_CASE("sequence net: MixedNet's fields with a delayed state equal the sum term by term") {
  // the current and the delayed state differ, and are not patterns: their largest overlaps differ,
  // so the exponential's dropped factor must be common to both terms
  const Mat Xi = random_memories(23, 9, 5);
  Mat S = random_memories(23, 6, 77), Sd = random_memories(23, 6, 78);
  S.col(0) = Xi.col(2);   // a pattern now, a random state delayed
  Sd.col(1) = Xi.col(4);  // and the other way round
  for (const Separation sep : {Separation::polynomial, Separation::exponential}) {
    SequenceNetParams p;
    p.separation = sep;
    p.degree = 2;
    p.mixed = true;
    p.lambda = 1.7;
    p.delay = 3;
    const Mat H = SequenceNet(Xi, p).fields(S, Sd);
    for (int k = 0; k < S.cols(); ++k) {
      const Vec ref = reference_field(Xi, S.col(k), Sd.col(k), p);
      Eigen::Index top;
      ref.cwiseAbs().maxCoeff(&top);
      const double factor = H(top, k) / ref(top);
      CAPTURE(to_string(sep));
      CAPTURE(k);
      REQUIRE(factor > 0);
      CHECK((H.col(k) - factor * ref).cwiseAbs().maxCoeff() <= 1e-10 * H.col(k).cwiseAbs().maxCoeff());
    }
  }
}

TEST_CASE("sequence net: the exponential separation at N = 1000 has finite fields and exact transitions") {
  // exp((N - 1)(m - 1)) spans e^-1998 .. 1: without the shift every crosstalk term underflows and
  // e^{N-1} would overflow a naive exp(N m).
  const Mat Xi = random_memories(1000, 64, 3);
  SequenceNetParams p;
  p.separation = Separation::exponential;
  const SequenceNet net(Xi, p);
  const Mat H = net.fields(Xi);
  CHECK(H.allFinite());
  CHECK(H.cwiseAbs().minCoeff() > 0.1);  // the signal term e^{-2} (1 + ...) survives beside the crosstalk
  for (const int e : net.transition_errors(0, 64)) CHECK(e == 0);
  // a state at Hamming distance 300 from xi^1 still has finite, non-zero fields, and lands on xi^2
  Vec s = Xi.col(0);
  for (int i = 0; i < 300; ++i) s(i) = -s(i);
  net.step(s);
  CHECK(s == Xi.col(1));
}

TEST_CASE("sequence laws: C23's numbers at N = 100 and 20, and MixedNet's constants") {
  // docs/models.md §3.3 (C23 Eq. 9, 10): N = 100, d = 1: 10.9 / 5.4; d = 2: 362 / 121; d = 3: 7.2e3 / 1.8e3
  SequenceNetParams p;
  auto law = [&](int N) { return sequence_law(N, p); };
  CHECK(law(100).P_T == doctest::Approx(100 / (2 * std::log(100.0))));
  CHECK(law(100).P_S == doctest::Approx(100 / (4 * std::log(100.0))));
  p.degree = 2;
  CHECK(law(100).P_T == doctest::Approx(361.9).epsilon(1e-3));
  CHECK(law(100).P_S == doctest::Approx(120.6).epsilon(1e-3));
  p.degree = 3;
  CHECK(law(100).P_T == doctest::Approx(1e6 / (2 * 15 * std::log(100.0))));
  CHECK(law(20).P_S == doctest::Approx(22.3).epsilon(1e-2));
  p.separation = Separation::exponential;
  CHECK(exponential_beta() == doctest::Approx(2 / (1 + std::exp(-4.0))));
  CHECK(law(10).P_T == doctest::Approx(94.4).epsilon(1e-2));
  CHECK(law(10).P_S == doctest::Approx(32.2).epsilon(1e-2));
  // MixedNet, lambda = 2.5, d = 2: gamma = (6.25 + 1) * 3 + 2 * 2.5 * 1 = 26.75
  p = SequenceNetParams{};
  p.mixed = true;
  p.degree = 2;
  const double PT = 1.5 * 1.5 * 1e4 / (2 * 26.75 * std::log(100.0));
  CHECK(sequence_law(100, p).P_T == doctest::Approx(PT));
  CHECK(sequence_law(100, p, MixedLawReading::text).P_S == doctest::Approx(PT / 3));
  CHECK(sequence_law(100, p, MixedLawReading::code).P_S == doctest::Approx(PT / 2));
  p.lambda = 1.0;  // no transitions: no law
  CHECK(std::isnan(sequence_law(100, p).P_T));
  p.separation = Separation::exponential;
  CHECK(std::isnan(sequence_law(10, p).P_S));
  CHECK(double_factorial(-1) == 1);
  CHECK(double_factorial(7) == 105);
}

TEST_CASE("sequence capacity: DenseNet d = 2 at N = 100 against the law and the finite-size estimate") {
  SequenceCapacityOptions o;
  o.net.degree = 2;
  o.N = 100;
  o.trials = 10;
  o.seed = 1;
  // P_T (c = 0.1): the law N^2 / (6 ln N) = 361.9; measured 354.2 +- 13.6 over 10 seeds (2 % below).
  o.criterion = BaselineCriterion::P_T;
  const auto pt = sequence_capacity(o);
  const double law_T = sequence_law(100, o.net).P_T;
  CHECK(std::abs(pt.mean - law_T) < 0.06 * law_T);
  // P_S: the law (a union-bound lower bound, 120.6) is under the measured median by a factor 1.7; the
  // Gaussian estimate of the median at N = 100 (207.8) is within 2 %: measured 205.2 +- 22.
  o.criterion = BaselineCriterion::P_S;
  const auto ps = sequence_capacity(o);
  const double estimate = gaussian_median_P_S(100, 2);
  CHECK(estimate == doctest::Approx(207.8).epsilon(0.01));
  CHECK(ps.mean > sequence_law(100, o.net).P_S);
  CHECK(std::abs(ps.mean - estimate) < 0.08 * estimate);
  // SeqNet (d = 1): the estimate 10.6, the law 5.4
  o.net.degree = 1;
  CHECK(std::abs(sequence_capacity(o).mean - gaussian_median_P_S(100, 1)) < 1.5);
}

TEST_CASE("sequence capacity: the criteria order as they should, and threads change nothing") {
  SequenceCapacityOptions o;
  o.net.degree = 2;
  o.N = 60;
  o.trials = 4;
  o.seed = 3;
  o.criterion = BaselineCriterion::P_S;
  omp_set_num_threads(1);
  const auto ps1 = sequence_capacity(o);
  omp_set_num_threads(2);
  const auto ps2 = sequence_capacity(o);
  CHECK(ps1.capacity_per_trial == ps2.capacity_per_trial);
  // cycles from the exact pattern tolerates bit errors that P_S does not: never below P_S's
  // crossing for the same trial, and the evaluation at P_S's capacity succeeds
  o.criterion = BaselineCriterion::cycles;
  o.threshold = 0.8;
  for (int t = 0; t < o.trials; ++t) {
    const auto ev = evaluate_sequence_net(o, t, ps1.capacity_per_trial[t]);
    CHECK(ev.success);
    CHECK(ev.cycles == 3);
  }
  const auto cyc = sequence_capacity(o);
  CHECK(cyc.mean >= ps1.mean);
  // P_S at P: every transition exact; its evaluation counts them
  o.criterion = BaselineCriterion::P_S;
  const auto ev = evaluate_sequence_net(o, 0, ps1.capacity_per_trial[0]);
  CHECK(ev.success);
  CHECK(ev.exact == ps1.capacity_per_trial[0]);
}

TEST_CASE("sequence capacity: MixedNet with a delay dwells tau steps in each pattern") {
  // At a P whose every move and hold is exact (P_S succeeds), the iterated map from xi^1 follows
  // the exact trajectory: the cycle 3 times in 3 P tau steps (the monitor stops at the visit that
  // completes the third cycle: xi^1 again, after 3 P tau - (tau - 1) steps)
  SequenceCapacityOptions o;
  o.net.mixed = true;
  o.net.degree = 2;
  o.net.lambda = 2.5;
  o.N = 100;
  o.trials = 1;
  o.threshold = 0.8;
  for (const int tau : {1, 2, 3}) {
    o.net.delay = tau;
    o.criterion = BaselineCriterion::P_S;
    const int P = 20;
    REQUIRE(evaluate_sequence_net(o, 0, P).success);
    o.criterion = BaselineCriterion::cycles;
    const auto ev = evaluate_sequence_net(o, 0, P);
    CAPTURE(tau);
    CHECK(ev.success);
    CHECK(ev.cycles == 3);
    CHECK(ev.steps == 3 * P * tau - (tau - 1));
  }
  // the hold: current xi^{mu+1}, delayed xi^mu; both terms pull to xi^{mu+1}, so it has fewer
  // errors than the move over a set where the moves fail
  SequenceNetParams p;
  p.mixed = true;
  p.degree = 1;
  p.delay = 2;
  const SequenceNet net(random_memories(100, 40, 9), p);
  int move = 0, hold = 0;
  for (const int e : net.update_errors(0, 40, false)) move += e;
  for (const int e : net.update_errors(0, 40, true)) hold += e;
  CHECK(move > 0);
  CHECK(hold < move);
  CHECK_THROWS_AS(SequenceNet(random_memories(10, 4, 1), SequenceNetParams{Separation::polynomial, 2, false, 2.5, 2}),
                  std::invalid_argument);  // DenseNet has no delay
}

TEST_CASE("sequence capacity: bad options are refused") {
  SequenceCapacityOptions o;
  o.criterion = BaselineCriterion::recall;
  CHECK_THROWS_AS(validate(o), std::invalid_argument);
  o.criterion = BaselineCriterion::P_T;
  o.error_tolerance = 1.0;
  CHECK_THROWS_AS(validate(o), std::invalid_argument);
  CHECK_THROWS_AS(SequenceNet(Mat::Constant(3, 2, 0.5), SequenceNetParams{}), std::invalid_argument);
  SequenceNetParams p;
  p.degree = 0;
  CHECK_THROWS_AS(SequenceNet(random_memories(5, 2, 1), p), std::invalid_argument);
}
