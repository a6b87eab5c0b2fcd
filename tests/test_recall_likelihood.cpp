// The exact likelihood of free recall under CMR (sim/experiments/recall_likelihood.hpp): a hand
// computation, the normalisation over every possible recall sequence, and its inputs.
// tests/test_recall_likelihood.py checks it against simulated frequencies (chi^2) and an independent
// NumPy implementation.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "sim/experiments/recall_likelihood.hpp"

using namespace seqmem;

namespace {

// Every recall sequence of a list of L: the ordered selections of 0 .. L distinct positions.
void every_sequence(int L, std::vector<int>& prefix, const std::function<void(const std::vector<int>&)>& f) {
  f(prefix);
  for (int j = 0; j < L; ++j) {
    if (std::find(prefix.begin(), prefix.end(), j) != prefix.end()) continue;
    prefix.push_back(j);
    every_sequence(L, prefix, f);
    prefix.pop_back();
  }
}

double total_probability(int L, const CmrParams& p, bool softmax) {
  std::vector<RecallList> lists;
  std::vector<int> prefix;
  every_sequence(L, prefix, [&](const std::vector<int>& s) { lists.push_back({L, s, 0, 0}); });
  double sum = 0;
  for (const ListLikelihood& r : cmr_log_likelihood(p, softmax, lists)) sum += std::exp(r.log_likelihood);
  return sum;
}

}  // namespace

TEST_CASE("the likelihood of a list of one item, by hand: P(no recall) = X_s, P(the item) = 1 - X_s") {
  CmrParams p;
  p.X_s = 0.3;
  const auto r = cmr_log_likelihood(p, false, {{1, {}, 0, 0}, {1, {0}, 0, 0}});
  CHECK(r[0].log_likelihood == doctest::Approx(std::log(0.3)).epsilon(1e-14));
  CHECK(r[1].log_likelihood == doctest::Approx(std::log(0.7)).epsilon(1e-14));  // then every item is recalled: no stop
  CHECK(r[1].scored == 1);
}

TEST_CASE(
    "the likelihood of a list of two, by hand: the first recall's choice from the supports of the study contexts") {
  // beta_enc = b, localist items, phi = 1, no primacy: after study c = rho2 (rho1 e_s + b e_1) + b e_2,
  // rho = sqrt(1 - b^2) here (the input is orthogonal to c each time); the support of item i is its
  // content c_i plus the match C_i . c of its study context.
  CmrParams p;
  p.beta_enc = 0.6;
  p.X_s = 0.2;
  p.X_k = 0.5;
  p.tau = 2.0;
  const double b = 0.6, rho = std::sqrt(1 - b * b);
  const double c1 = rho * b, c2 = b, cs = rho * rho;  // c = (c1, c2, cs) over (e_1, e_2, e_start)
  const double C1_dot_c = b * c1 + rho * cs;          // C_1 = (b, 0, rho)
  const double a1 = c1 + C1_dot_c, a2 = c2 + (c1 * c1 + c2 * c2 + cs * cs);  // C_2 = c
  const double p2_first = std::pow(a2, 2) / (std::pow(a1, 2) + std::pow(a2, 2));
  // recall 2 then stop: (1 - X_s) P(2 first) X_s e^{X_k}
  const auto r = cmr_log_likelihood(p, false, {{2, {1}, 0, 0}});
  CHECK(r[0].log_likelihood == doctest::Approx(std::log(0.8 * p2_first * 0.2 * std::exp(0.5))).epsilon(1e-12));
}

TEST_CASE("the probabilities of every recall sequence of a list sum to 1 (Luce and softmax, every mechanism)") {
  CmrParams p;
  for (bool softmax : {false, true}) {
    CAPTURE(softmax);
    p = CmrParams{};
    CHECK(total_probability(4, p, softmax) == doctest::Approx(1.0).epsilon(1e-12));
    p.beta_enc = 0.9;
    p.beta_rec = 0.3;
    p.beta_start = 0.4;
    p.gamma_fc = 0.5;
    p.phi_s = 3.0;
    p.phi_d = 0.7;
    p.salience_decay_time = 4.0;
    p.tau = 3.5;
    p.X_s = 0.05;
    p.X_k = 0.4;
    CHECK(total_probability(5, p, softmax) == doctest::Approx(1.0).epsilon(1e-12));
    p.X_k = 3.0;  // the stop probability reaches 1 at the third output: longer sequences are impossible
    CHECK(total_probability(5, p, softmax) == doctest::Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("recall_sequence leaves intrusions and repeats out and counts them, and bad input is refused") {
  const RecallList r = recall_sequence(4, {2, 0, 2, 4, 5, 0, 1});
  CHECK(r.recalls == std::vector<int>{1, 3, 0});
  CHECK(r.intrusions == 3);
  CHECK(r.repeats == 1);
  CmrParams p;
  CHECK_THROWS_AS(cmr_log_likelihood(p, false, {{3, {0, 0}, 0, 0}}), std::invalid_argument);
  CHECK_THROWS_AS(cmr_log_likelihood(p, false, {{3, {3}, 0, 0}}), std::invalid_argument);
  p.beta_rec = 1.5;
  CHECK_THROWS_AS(cmr_log_likelihood(p, false, {{3, {0}, 0, 0}}), std::invalid_argument);
}

TEST_CASE("the likelihood does not depend on the thread count") {
  std::vector<RecallList> lists;
  for (int k = 0; k < 50; ++k) lists.push_back(recall_sequence(16, {(k % 16) + 1, ((k + 5) % 16) + 1, 16, 1}));
  CmrParams p;
  p.phi_s = 2.0;
  const auto a = cmr_log_likelihood(p, false, lists, 1), b = cmr_log_likelihood(p, false, lists, 2);
  for (std::size_t k = 0; k < lists.size(); ++k) CHECK(a[k].log_likelihood == b[k].log_likelihood);
}
