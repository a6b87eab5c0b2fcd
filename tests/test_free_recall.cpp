// Free recall (docs/free_recall.md): the temporal context (models/temporal_context.hpp), the
// analyses (analysis/free_recall_curves.hpp) against hand-computed tables, and the mechanisms of
// CMR (models/cmr.hpp, sim/kinds/free_recall/free_recall_runner.cpp) against what the theory says they must do.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "analysis/free_recall_curves.hpp"
#include "models/hebbian_sequence.hpp"
#include "models/temporal_context.hpp"
#include "models/word_pool.hpp"
#include "sim/kinds/free_recall/free_recall_runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/solvers/integrate.hpp"

using namespace seqmem;

namespace {

Vec random_unit(int n, std::mt19937& rng) {
  std::normal_distribution<double> g;
  Vec v(n);
  for (int i = 0; i < n; ++i) v(i) = g(rng);
  return v.normalized();
}

RunSpec spec_of(const std::string& toml, const std::vector<std::string>& sets = {}) {
  const Scenario sc = load_scenario_text("[model]\nkind = \"free_recall\"\n" + toml, "<test>", ".", sets);
  return sc.runs[0];
}

struct Run {
  FreeRecallOutcome outcome;
  FreeRecallEvents events;
};

Run simulate(const RunSpec& spec, int threads = 2) {
  Run r;
  r.outcome = simulate_free_recall(spec, threads, false, [&](const FreeRecallEvents& e) {
    for (std::size_t i = 0; i < e.size(); ++i) r.events.add(e.subject[i], e.list[i], e.position[i], e.trial_type[i], e.item[i]);
  });
  return r;
}

double crp(const FreeRecallCurves& c, int lag) { return c.lag_crp()[static_cast<std::size_t>(lag + c.L - 1)]; }

// Binomial standard error of a proportion p out of n.
double se(double p, double n) { return std::sqrt(std::max(p * (1 - p), 1e-4) / n); }

}  // namespace

TEST_CASE("CMR's context update keeps unit norm and moves along the great circle towards the input") {
  std::mt19937 rng(3);
  Vec c = random_unit(20, rng);
  for (int k = 0; k < 1000; ++k) {
    const Vec c_in = random_unit(20, rng);
    const Vec before = c;
    context_update(c, c_in, 0.6);
    CHECK(c.norm() == doctest::Approx(1.0).epsilon(1e-12));
    // c stays in the plane of (c, c_in) and comes nearer to c_in (Polyn et al. 2009 Eq. 2-3)
    const double rho = context_rho(0.6, before.dot(c_in));
    CHECK((c - (rho * before + 0.6 * c_in)).norm() < 1e-14);
    CHECK(c.dot(c_in) >= before.dot(c_in) - 1e-12);
  }
  // beta = 1 replaces the context by an input it does not point away from (rho = |d| - d)
  Vec c_in = random_unit(20, rng);
  if (c.dot(c_in) < 0) c_in = -c_in;
  context_update(c, c_in, 1.0);
  CHECK((c - c_in).norm() < 1e-12);
}

TEST_CASE("the continuous drift keeps unit norm and, run for the matched duration, lands on CMR's discrete update") {
  std::mt19937 rng(5);
  IntegratorSpec is;
  is.stepper = StepperKind::dopri5;
  is.abs_tol = is.rel_tol = 1e-12;
  for (double beta : {0.1, 0.5, 0.9, 0.99}) {
    for (int k = 0; k < 20; ++k) {
      const Vec c0 = random_unit(12, rng);
      Vec c_in = random_unit(12, rng);
      if (k == 0) c_in = (c_in - c_in.dot(c0) * c0).normalized();  // orthogonal: the common case
      Vec discrete = c0;
      context_update(discrete, c_in, beta);
      const double T = matched_duration(beta, c0.dot(c_in), 2.0);
      Vec c = c0;
      double worst_norm = 0;
      integrate(ContextDrift{&c_in, 2.0}, c, 0.0, SampleTimes(0.0, T, T / 50), is,
                [&](const Vec& x, double) { worst_norm = std::max(worst_norm, std::abs(x.norm() - 1.0)); });
      CAPTURE(beta);
      CHECK(worst_norm < 1e-9);
      CHECK((c - discrete).norm() < 1e-9);
    }
  }
  // drift_rate: one unit of time from an orthogonal input gives CMR's cos(theta_1) = beta
  for (double beta : {0.2, 0.7}) {
    const double r = drift_rate(beta);
    // tan(theta/2) = tan(pi/4) e^{-r} = e^{-r}, cos theta = (1 - e^{-2r}) / (1 + e^{-2r}) = tanh(r)
    CHECK(std::tanh(r) == doctest::Approx(beta).epsilon(1e-12));
  }
}

TEST_CASE("serial-position curve, first recall and lag-CRP of a few lists worked out by hand") {
  // Lists of L = 4 items 10, 11, 12, 13 (positions 1..4); recalls in output order.
  //   list A: 13 12 10        -> positions 4 3 1
  //   list B: 11 12 99 13 12  -> 2 3 (intrusion) 4 (repeat)
  //   list C: 99 10 11        -> (intrusion) 1 2
  //   list D: none
  const int study[] = {10, 11, 12, 13};
  FreeRecallCurves c(4);
  const int A[] = {13, 12, 10}, B[] = {11, 12, 99, 13, 12}, C[] = {99, 10, 11};
  c.add_list(study, 4, A, 3, {});
  c.add_list(study, 4, B, 5, {});
  c.add_list(study, 4, C, 3, {});
  c.add_list(study, 4, nullptr, 0, {});
  // SPC: position 1 recalled in A, C; 2 in B, C; 3 in A, B; 4 in A, B -> each 2/4
  for (double p : c.spc()) CHECK(p == 0.5);
  // PFR: A starts at 4, B at 2, C with an intrusion, D nothing -> (0, 1/4, 0, 1/4)
  CHECK(c.pfr() == std::vector<double>{0.0, 0.25, 0.0, 0.25});
  // Transitions (lag: actual / possible, the not-yet-recalled items from the current one):
  //   A: 4->3 (lag -1; possible -3,-2,-1), 3->1 (lag -2; possible -2,-1: items 1, 2)
  //   B: 2->3 (lag +1; possible -1,+1,+2), 3->intrusion and intrusion->4 not counted,
  //      4->repeat not counted
  //   C: intrusion->1 not counted, 1->2 (lag +1; possible +1,+2,+3; item 1 itself recalled)
  // lags -3..3: actual {0, 1, 1, -, 2, 0, 0}; possible {1, 2, 3, -, 2, 2, 1}
  const std::vector<std::int64_t> actual{0, 1, 1, 0, 2, 0, 0}, possible{1, 2, 3, 0, 2, 2, 1};
  CHECK(c.lag_actual == actual);
  CHECK(c.lag_possible == possible);
  CHECK(crp(c, -2) == doctest::Approx(0.5));
  CHECK(crp(c, -1) == doctest::Approx(1.0 / 3.0));
  CHECK(crp(c, 1) == doctest::Approx(1.0));
  CHECK(std::isnan(crp(c, 0)));
  CHECK(c.correct == 8);  // A 3, B 3, C 2
  CHECK(c.intrusions == 2);
  CHECK(c.repeats == 1);
  // recognition: 20 hits, 0 misses, 3 false alarms, 17 correct rejections
  //   H = 20.5 / 21, FA = 3.5 / 21; d' = z(0.976190) - z(0.166667) = 1.980752 + 0.967422
  FreeRecallCurves r(4);
  r.add_recognition(20, 0, 3, 17);
  CHECK(r.d_prime() == doctest::Approx(2.948174).epsilon(1e-6));
}

TEST_CASE("lists of several lengths: a serial position counts only the lists that had it") {
  // L = 3. List 1 studies 1 2 3 and recalls 3 1; list 2 studies only 5 6 and recalls 6 5.
  FreeRecallCurves c(3);
  const int s1[] = {1, 2, 3}, r1[] = {3, 1}, s2[] = {5, 6}, r2[] = {6, 5};
  c.add_list(s1, 3, r1, 2, {});
  c.add_list(s2, 2, r2, 2, {});
  CHECK(c.studied == std::vector<std::int64_t>{2, 2, 1});
  // position 1 recalled in both lists, 2 in list 2 only, 3 in list 1 (the one list that had it)
  CHECK(c.spc() == std::vector<double>{1.0, 0.5, 1.0});
  CHECK(c.pfr() == std::vector<double>{0.0, 0.5, 0.5});
  // list 1: 3 -> 1 (lag -2; possible -2, -1); list 2: 2 -> 1 (lag -1; possible -1 only: it has no
  // position 3, so lag +1 was never possible). Lags -2..2:
  CHECK(c.lag_actual == std::vector<std::int64_t>{1, 1, 0, 0, 0});
  CHECK(c.lag_possible == std::vector<std::int64_t>{1, 2, 0, 0, 0});
}

TEST_CASE("the same seed gives bit-identical events and curves for any thread count") {
  const RunSpec spec = spec_of("[lists]\nL = 12\nlists = 3000\n[items]\nN_items = 40\ncategories = 4\n"
                               "category_similarity = 0.3\n[context]\ngamma_fc = 0.3\nphi_s = 1.0\nphi_d = 0.5\n"
                               "[recall]\ntau = 4.0\n");
  const Run one = simulate(spec, 1), two = simulate(spec, 2), three = simulate(spec, 3);
  CHECK(one.events.item == two.events.item);
  CHECK(one.events.item == three.events.item);
  CHECK(one.events.position == three.events.position);
  CHECK(one.outcome.curves.lag_actual == three.outcome.curves.lag_actual);
  CHECK(one.outcome.curves.recalled == two.outcome.curves.recalled);
  CHECK(one.events.size() > 3000 * 12);
  // and a different seed gives different lists
  const Run other = simulate(spec_of("[lists]\nL = 12\nlists = 3000\n[items]\nN_items = 40\n", {"seed=2"}), 2);
  CHECK(other.events.item != one.events.item);
}

TEST_CASE("with beta_enc -> 0 nothing is learned: recall is at chance over the list") {
  // The context never leaves the start unit: every c_j is the same, the content term is 0, so every
  // studied item has the same support and every order of recall is equally likely.
  const RunSpec spec = spec_of("[lists]\nL = 10\nlists = 20000\n[items]\nN_items = 10\n[context]\nbeta_enc = 1e-9\n");
  const auto c = simulate(spec).outcome.curves;
  const double n = static_cast<double>(c.lists);
  const auto spc = c.spc(), pfr = c.pfr();
  const double mean_spc = std::accumulate(spc.begin(), spc.end(), 0.0) / 10;
  for (int p = 0; p < 10; ++p) {
    CHECK(std::abs(spc[p] - mean_spc) < 4 * se(mean_spc, n));
    CHECK(std::abs(pfr[p] - 0.099) < 4 * se(0.1, n));  // (1 - X_s) / L: the stop before the first recall
  }
  // lag-CRP flat: every available item equally likely
  for (int lag = -5; lag <= 5; ++lag)
    if (lag != 0) CHECK(std::abs(crp(c, lag) - crp(c, 1)) < 0.03);
}

TEST_CASE("without temporal drift (beta_enc = 1, no reinstatement) the lag-CRP is flat") {
  // Every c_j = f_j: after the first recall the context stays at f_L and every other item has the
  // floor support, so no lag is preferred.
  const RunSpec spec = spec_of("[lists]\nL = 10\nlists = 20000\n[items]\nN_items = 10\n"
                               "[context]\nbeta_enc = 1.0\nbeta_rec = 1e-9\n[recall]\nX_s = 0.0\nX_k = 0.0\n");
  const auto c = simulate(spec).outcome.curves;
  CHECK(c.pfr()[9] > 0.99);  // the last item, the only one the end-of-list context supports
  for (int lag = -5; lag <= -1; ++lag) CHECK(std::abs(crp(c, lag) - crp(c, -1)) < 0.02);
  // with drift, for contrast: a strong contiguity peak at +-1
  const auto d = simulate(spec_of("[lists]\nL = 10\nlists = 5000\n[items]\nN_items = 10\n[recall]\ntau = 5.0\n"))
                     .outcome.curves;
  CHECK(crp(d, 1) > 2 * crp(d, 3));
  CHECK(crp(d, -1) > 2 * crp(d, -3));
  CHECK(crp(d, 1) > crp(d, -1));  // CMR's forward asymmetry
}

TEST_CASE("phi = 0 leaves semantic clustering and no contiguity peak, phi > 0 brings the peak back") {
  const std::string base = "[lists]\nL = 16\nlists = 6000\n[items]\nN_items = 64\ncategories = 8\n"
                           "category_similarity = 0.5\n[recall]\ntau = 6.0\n";
  const auto semantic = simulate(spec_of(base, {"phi=0.0"})).outcome.curves;
  const auto temporal = simulate(spec_of(base, {"phi=2.0"})).outcome.curves;
  const double same = double(semantic.same_category_actual) / double(semantic.same_category_possible);
  const double other = double(semantic.other_category_actual) / double(semantic.other_category_possible);
  CAPTURE(same);
  CAPTURE(other);
  MESSAGE("phi = 0: lag-CRP -3..3 ", crp(semantic, -3), " ", crp(semantic, -2), " ", crp(semantic, -1), " | ",
          crp(semantic, 1), " ", crp(semantic, 2), " ", crp(semantic, 3), "; phi = 2: ", crp(temporal, -1), " ",
          crp(temporal, 1), " ", crp(temporal, 3));
  CHECK(same > 2 * other);  // semantic clustering
  // Temporal contiguity is the peak of the lag-CRP at +-1 over the remote lags. At phi = 0 what is
  // left is a small forward lean (CRP(+1) / CRP(+3) = 1.32 for this seed): the query is the context
  // itself, whose feature part is a recency-weighted trace of the study order. With phi = 2 the
  // ratio is 4.
  CHECK(crp(semantic, 1) < 1.5 * crp(semantic, 3));
  CHECK(crp(semantic, -1) < 1.5 * crp(semantic, -3));
  CHECK(crp(temporal, 1) > 3 * crp(temporal, 3));
  // intrusions: non-studied members of the studied categories, only through the content term
  CHECK(semantic.intrusions > 0);
}

TEST_CASE("longer lists lower recognition d' (key collisions)") {
  std::vector<double> dp;
  for (int L : {4, 16, 64}) {
    const RunSpec spec = spec_of("[items]\nN_items = 200\nitem_vectors = \"random\"\n"
                                 "[lists]\nlists = 2000\n[recognition]\nrecognition = true\nfamiliarity = \"max\"\n"
                                 "recognition_criterion = 0.55\nrecognition_noise = 0.1\n[context]\nphi = 0.5\n",
                                 {"N_f=16", "L=" + std::to_string(L)});
    dp.push_back(simulate(spec).outcome.curves.d_prime());
  }
  CAPTURE(dp[0]);
  CAPTURE(dp[1]);
  CAPTURE(dp[2]);
  CHECK(dp[0] > dp[1] + 0.3);
  CHECK(dp[1] > dp[2] + 0.3);
}

TEST_CASE("no primacy gradient, no primacy beyond the context's, and the gradient brings it") {
  const std::string base = "[lists]\nL = 16\nlists = 8000\n[items]\nN_items = 16\n[recall]\ntau = 5.0\n";
  const auto flat = simulate(spec_of(base)).outcome.curves.spc();
  const auto primacy = simulate(spec_of(base, {"phi_s=30.0", "phi_d=0.5"})).outcome.curves.spc();
  auto mean = [](const std::vector<double>& v, int from, int to) {  // positions from..to, 1-based
    return std::accumulate(v.begin() + from - 1, v.begin() + to, 0.0) / (to - from + 1);
  };
  MESSAGE("SPC 1-3 / 6-8 without the gradient ", mean(flat, 1, 3), " / ", mean(flat, 6, 8), ", with ",
          mean(primacy, 1, 3), " / ", mean(primacy, 6, 8));
  // primacy: the first positions recalled more than the middle ones. Without the gradient the
  // context alone gives none (recency only: the early positions are the least recalled) ...
  CHECK(mean(flat, 1, 3) < mean(flat, 6, 8));
  CHECK(flat[0] <= flat[3] + 4 * se(flat[3], 8000));
  // ... with it, the U shape of the human curve
  CHECK(mean(primacy, 1, 3) > mean(primacy, 6, 8) + 0.05);
}

TEST_CASE("the continuous drift for the matched duration recalls what the discrete update recalls") {
  const std::string base = "[lists]\nL = 10\nlists = 300\n[items]\nN_items = 20\n[context]\ngamma_fc = 0.3\n"
                           "beta_start = 0.2\n[recall]\ntau = 4.0\n";
  const Run d = simulate(spec_of(base)),
            m = simulate(spec_of(base, {"drift=continuous_matched", "abs_tol=1e-12", "rel_tol=1e-12"}));
  // the same random draws; the contexts agree to the integration tolerance, so a choice differs
  // only if a draw falls within ~1e-10 of a boundary
  CHECK(d.events.item == m.events.item);
}

TEST_CASE("GSEMM as a recall engine: cued with the first item it recalls the list forwards, one lag at a time") {
  const RunSpec spec = spec_of("N_f = 100\nalpha_c = 1.0\nT_d = 20.0\ndegree = 2\n[items]\nN_items = 32\n"
                               "item_vectors = \"random\"\n[lists]\nL = 8\nlists = 8\n[recall]\nrecall_rule = \"gsemm\"\n"
                               "hebb_backward = 0.3\n[cue]\ncue_noise = 0.3\n[integrator]\nt_end = 200.0\n");
  const auto c = simulate(spec).outcome.curves;
  CHECK(c.pfr()[0] == 1.0);  // the cue is the first visit
  CHECK(c.correct >= 2 * c.lists);  // the cue and at least its successor in t_end = 200 (about 40 T_f per step)
  CHECK(crp(c, 1) == 1.0);  // every transition forward by one
  CHECK(c.lag_actual[static_cast<std::size_t>(-1 + c.L - 1)] == 0);
  // noise on V_f during recall (Euler-Maruyama): the trials differ, the chain still steps by +1
  RunSpec noisy = spec;
  noisy.free_recall().V_f_noise = 3000.0;  // V_f's scale: alpha_s N_f^degree = 10^4
  const Run n = simulate(noisy);
  CHECK(n.outcome.status == "completed");
  CHECK(crp(n.outcome.curves, 1) == 1.0);
  CHECK(n.outcome.curves.correct >= c.correct);
}

TEST_CASE("no sensitivity or primacy overflows the choice, and an extreme drift ends in bounded work") {
  // Without a stop probability every studied item is recalled, whatever tau: Luce's a^tau is
  // taken relative to the largest support (a^1000 of a support of 10^3 is no number).
  const std::string base = "[lists]\nL = 8\nlists = 200\n[items]\nN_items = 8\n[recall]\nX_s = 0.0\nX_k = 0.0\n";
  for (const char* tau : {"tau=0.01", "tau=1000.0", "tau=1e300"})
    for (const char* rule : {"recall_rule=\"luce\"", "recall_rule=\"softmax\""}) {
      CAPTURE(tau);
      CAPTURE(rule);
      const auto c = simulate(spec_of(base, {tau, rule, "phi_s=1e6", "phi_d=0.1"})).outcome.curves;
      CHECK(c.correct == 8 * 200);
    }
  // CMR's update lands on c_in to rounding (theta_1 = 0): the matched duration is infinite and
  // the drift is not integrated towards it; the run gives what the discrete update gives.
  const std::string near_one = "[lists]\nL = 4\nlists = 50\n[items]\nN_items = 4\n[context]\nbeta_enc = 0.99999999\n"
                               "beta_rec = 0.99999999\n";
  const Run d = simulate(spec_of(near_one)), m = simulate(spec_of(near_one, {"drift=\"continuous_matched\""}));
  CHECK(d.events.item == m.events.item);
}

TEST_CASE("the asymmetric Hebbian Phi of the GSEMM recall engine") {
  const Mat P = hebbian_phi(4, 1.0, 0.5, 0.0);
  CHECK(P(0, 1) == 1.0);
  CHECK(P(1, 0) == 0.5);
  CHECK(P(0, 2) == 0.0);
  const Mat Q = hebbian_phi(4, 1.0, 0.5, 2.0);
  CHECK(Q(0, 2) == doctest::Approx(std::exp(-0.5)));
  CHECK(Q(3, 0) == doctest::Approx(0.5 * std::exp(-1.0)));
  CHECK(Q.diagonal().isZero());
}

TEST_CASE("the word pool: orthonormal items with categories have the stated cosines") {
  const WordPool p = make_word_pool(12, 3, 0.4, false, 0, 0);
  CHECK(p.N_f() == 15);
  const Mat G = p.F.transpose() * p.F;
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 12; ++j) {
      const double expect = i == j ? 1.0 : p.category[i] == p.category[j] ? 0.4 : 0.0;
      CHECK(G(i, j) == doctest::Approx(expect).epsilon(1e-12));
    }
  // random items: unit norm, and the category members' mean cosine near s
  const WordPool r = make_word_pool(40, 2, 0.25, true, 400, 7);
  double within = 0;
  int n = 0;
  for (int i = 0; i < 40; ++i) {
    CHECK(r.F.col(i).norm() == doctest::Approx(1.0));
    for (int j = i + 1; j < 40; ++j)
      if (r.category[i] == r.category[j]) within += r.F.col(i).dot(r.F.col(j)), ++n;
  }
  CHECK(within / n == doctest::Approx(0.25).epsilon(0.1));
}
