// The exact likelihood of free recall under CMR (sim/experiments/recall_likelihood.hpp), within lists
// and across the lists of a session: hand computations, the normalisation over every possible recall
// sequence, the sampler against the likelihood, and bad input.
// tests/test_recall_likelihood.py checks it against simulated frequencies (chi^2) and an independent
// NumPy implementation.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>

#include "sim/experiments/recall_likelihood.hpp"

using namespace seqmem;

namespace {

// A list whose recalls are serial positions of the list itself (lag 0).
RecallList list_of(int L, const std::vector<int>& positions, std::int64_t session = 0) {
  RecallList l;
  l.L = L;
  l.session = session;
  for (int j : positions) l.recalls.push_back({0, j});
  return l;
}

std::vector<ListLikelihood> within(const CmrParams& p, bool softmax, const std::vector<RecallList>& lists,
                                   int threads = 1) {
  return cmr_log_likelihood(p, RecallModel{softmax, false}, lists, threads);
}

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
  every_sequence(L, prefix, [&](const std::vector<int>& s) { lists.push_back(list_of(L, s)); });
  double sum = 0;
  for (const ListLikelihood& r : within(p, softmax, lists)) sum += std::exp(r.log_likelihood);
  return sum;
}

}  // namespace

TEST_CASE("the likelihood of a list of one item, by hand: P(no recall) = X_s, P(the item) = 1 - X_s") {
  CmrParams p;
  p.X_s = 0.3;
  const auto r = within(p, false, {list_of(1, {}), list_of(1, {0})});
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
  const auto r = within(p, false, {list_of(2, {1})});
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
    p.X_k = 3.0;  // the stop probability reaches its ceiling 1 - 1e-6 at the third output
    CHECK(total_probability(5, p, softmax) == doctest::Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("a recall outside the pool: left out and counted at p_eli = 0, scored with p_eli otherwise") {
  CmrParams p;
  p.X_s = 0.2;
  p.X_k = 0.0;
  RecallList l = list_of(1, {0});
  l.recalls.insert(l.recalls.begin(), RecallEvent{kExtraList, 0});
  auto r = within(p, false, {l});
  CHECK(r[0].left_out == 1);
  CHECK(r[0].intrusions == 1);
  CHECK(r[0].scored == 1);
  CHECK(r[0].log_likelihood == doctest::Approx(std::log(0.8)).epsilon(1e-14));
  p.p_eli = 0.1;  // ELI: (1 - X_s) p_eli; the item: (1 - X_s)(1 - p_eli); then a stop, since an ELI stays possible
  r = within(p, false, {l});
  CHECK(r[0].left_out == 0);
  CHECK(r[0].scored == 2);
  CHECK(r[0].log_likelihood == doctest::Approx(std::log(0.8 * 0.1 * 0.8 * 0.9 * 0.2)).epsilon(1e-14));
}

TEST_CASE("bad input is refused") {
  CmrParams p;
  CHECK_THROWS_AS(within(p, false, {list_of(3, {0, 0})}), std::invalid_argument);
  CHECK_THROWS_AS(within(p, false, {list_of(3, {3})}), std::invalid_argument);
  CHECK_THROWS_AS(within(p, false, {list_of(0, {})}), std::invalid_argument);
  RecallList before = list_of(3, {});
  before.recalls.push_back({1, 0});  // a lag reaching before the session's first list
  CHECK_THROWS_AS(cmr_log_likelihood(p, RecallModel{false, true}, {before}), std::invalid_argument);
  CHECK_THROWS_AS(
      cmr_log_likelihood(p, RecallModel{false, true}, {list_of(2, {}, 1), list_of(2, {}, 2), list_of(2, {}, 1)}),
      std::invalid_argument);  // session 1's lists not consecutive
  p.beta_rec = 1.5;
  CHECK_THROWS_AS(within(p, false, {list_of(3, {0})}), std::invalid_argument);
  p.beta_rec = 0.5;
  p.p_eli = 1.0;
  CHECK_THROWS_AS(within(p, false, {list_of(3, {0})}), std::invalid_argument);
}

TEST_CASE("the likelihood does not depend on the thread count") {
  std::vector<RecallList> lists;
  for (int k = 0; k < 50; ++k) {
    lists.push_back(list_of(16, {k % 13, 13 + k % 3}, k / 4));
    if (k % 4) lists.back().recalls.push_back({1, k % 16});  // a PLI from the list before
  }
  CmrParams p;
  p.phi_s = 2.0;
  p.beta_list = 0.4;
  for (bool across : {false, true}) {
    const auto a = cmr_log_likelihood(p, RecallModel{false, across}, lists, 1),
               b = cmr_log_likelihood(p, RecallModel{false, across}, lists, 2);
    for (std::size_t k = 0; k < lists.size(); ++k) CHECK(a[k].log_likelihood == b[k].log_likelihood);
  }
}

TEST_CASE("across lists, by hand: a prior-list intrusion from the context carried over (two lists of one item)") {
  // Units e_1, e_2, u_0, u_1. Study 1 from u_0: c = r u_0 + b e_1 = C_1 (r = sqrt(1 - b^2)). List 2: the
  // drift to u_1, c = q (r u_0 + b e_1) + bl u_1 (q = sqrt(1 - bl^2)); study 2: c = r c + b e_2 = C_2.
  // Supports: a_1 = c_1 + C_1 . c = r q b + r q (r^2 + b^2) = r q (b + 1), a_2 = c_2 + |c|^2 = b + 1.
  CmrParams p;
  p.beta_enc = 0.6;
  p.beta_list = 0.8;
  p.X_s = 0.3;
  p.X_k = 0.0;
  const double b = 0.6, r = 0.8, q = 0.6;
  const double a1 = r * q * (b + 1), a2 = b + 1;
  RecallList first = list_of(1, {}, 7), second = list_of(1, {}, 7);
  second.recalls.push_back({1, 0});  // the item of the list before: a PLI
  const auto ll = cmr_log_likelihood(p, RecallModel{false, true}, {first, second});
  CHECK(ll[0].log_likelihood == doctest::Approx(std::log(0.3)).epsilon(1e-14));
  CHECK(ll[1].log_likelihood == doctest::Approx(std::log(0.7 * a1 / (a1 + a2) * 0.3)).epsilon(1e-12));
  CHECK(ll[1].intrusions == 1);
  // Within lists the same PLI is outside the pool: left out at p_eli = 0, and the list scores as a stop.
  const auto w = within(p, false, {first, second});
  CHECK(w[1].left_out == 1);
  CHECK(w[1].log_likelihood == doctest::Approx(std::log(0.3)).epsilon(1e-14));
}

TEST_CASE("across lists, the probabilities of every pair of recall sequences of a session sum to 1") {
  // Two lists of 2 and 3: the first list's 5 sequences times the second's 326 over a pool of 5 items.
  for (bool softmax : {false, true}) {
    CAPTURE(softmax);
    CmrParams p;
    p.beta_enc = 0.8;
    p.beta_rec = 0.4;
    p.beta_start = 0.3;
    p.beta_list = 0.5;
    p.gamma_fc = 0.4;
    p.phi_s = 2.0;
    p.phi_d = 0.5;
    p.salience_decay_time = 3.0;
    p.tau = 2.0;
    p.X_s = 0.1;
    p.X_k = 0.3;
    std::vector<std::vector<int>> firsts, seconds;
    std::vector<int> prefix;
    every_sequence(2, prefix, [&](const std::vector<int>& s) { firsts.push_back(s); });
    every_sequence(5, prefix, [&](const std::vector<int>& s) { seconds.push_back(s); });
    std::vector<RecallList> lists;
    std::int64_t session = 0;
    for (const auto& f : firsts)
      for (const auto& g : seconds) {
        lists.push_back(list_of(2, f, session));
        RecallList second = list_of(3, {}, session++);
        for (int i : g) second.recalls.push_back(i < 2 ? RecallEvent{1, i} : RecallEvent{0, i - 2});
        lists.push_back(second);
      }
    const auto ll = cmr_log_likelihood(p, RecallModel{softmax, true}, lists, 2);
    double total = 0;
    for (std::size_t k = 0; k < lists.size(); k += 2)
      total += std::exp(ll[k].log_likelihood + ll[k + 1].log_likelihood);
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
  }
}

TEST_CASE("the sampler draws what the likelihood scores: sequence frequencies of a session of two lists") {
  // 200 000 sessions of lists of 2 and 2 with ELIs; the chi^2 of the second list's sequence given the
  // first list's (here: none recalled) against exp(log-likelihood), over sequences expected >= 5 times.
  CmrParams p;
  p.beta_enc = 0.7;
  p.beta_list = 0.4;
  p.tau = 1.5;
  p.X_s = 0.25;
  p.X_k = 0.2;
  p.p_eli = 0.05;
  const int n = 200000;
  const auto s = cmr_sample(p, RecallModel{false, true}, std::vector<std::vector<int>>(n, {2, 2}), 11, 200, 2);
  REQUIRE(s.lists.size() == static_cast<std::size_t>(2 * n));
  std::map<std::vector<std::pair<int, int>>, int> counts;
  int conditioned = 0;
  for (std::size_t k = 0; k < s.lists.size(); k += 2) {
    if (!s.lists[k].recalls.empty()) continue;
    ++conditioned;
    std::vector<std::pair<int, int>> key;
    for (const RecallEvent& e : s.lists[k + 1].recalls) key.emplace_back(e.lag, e.position);
    ++counts[key];
  }
  double chi2 = 0;
  int cells = 0;
  double covered = 0;
  for (const auto& [key, count] : counts) {
    RecallList second = list_of(2, {}, 0);
    for (const auto& e : key) second.recalls.push_back({e.first, e.second});
    const auto ll = cmr_log_likelihood(p, RecallModel{false, true}, {list_of(2, {}, 0), second});
    const double expected = conditioned * std::exp(ll[1].log_likelihood);
    if (expected < 5) continue;
    covered += expected;
    chi2 += (count - expected) * (count - expected) / expected;
    ++cells;
  }
  CAPTURE(chi2);
  CAPTURE(cells);
  CHECK(covered > 0.95 * conditioned);
  CHECK(cells > 20);
  CHECK(chi2 < cells + 4 * std::sqrt(2.0 * cells));  // about p = 0.001 for chi^2 with ~cells dof
  CHECK(s.truncated == 0);
}
