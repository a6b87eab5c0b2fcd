// The sequence-capacity kernel of the sweeper (sim/experiments/capacity.hpp): one evaluation and the K search.
#include <doctest/doctest.h>

#include <set>

#include "models/binary_patterns.hpp"
#include "models/dense_gsemm.hpp"
#include "models/memories.hpp"
#include "sim/experiments/capacity.hpp"

#include <random>

using namespace seqmem;

TEST_CASE("capacity: largest_success grows then bisects, and finds the edge of a monotone predicate") {
  for (int edge : {1, 2, 3, 7, 12, 64, 100, 137, 200}) {
    std::set<int> asked;
    const int found = largest_success(2, 200, [&](int K) {
      asked.insert(K);
      return K <= edge;
    });
    CHECK(found == (edge < 2 ? 1 : edge));
    CHECK(asked.size() <= 16);  // 2 log2(200 / 2) + 2
  }
}

namespace {
SequenceTask task(int degree, int K, double alpha_c) {
  SequenceTask t;
  t.params.alpha_s = 1.0;
  t.params.beta_d = 7.0;  // models.md: the authors' code default; beta_d = 1 gives no transition
  t.params.T_d = 20.0;
  t.params.sigma_h.degree = degree;
  t.params.alpha_c = alpha_c;
  t.K = K;
  t.seed = 1;
  return t;
}
}  // namespace

TEST_CASE("capacity: one evaluation reproduces what models.md measured") {
  // degree 3, K = 10, alpha_c = 0.5: a clean cycle through all 10 memories, dwell about 17
  const Evaluation ok = evaluate_sequence(task(3, 10, 0.5));
  CHECK(ok.outcome == Outcome::success);
  CHECK(ok.cycles == 3);
  const double dwell = ok.t_stop / (3 * 10);
  MESSAGE("degree 3, K = 10: stopped at t = " << ok.t_stop << ", about " << dwell << " per memory");
  CHECK(dwell > 10);
  CHECK(dwell < 25);
  // degree 1, K = 6: no clean cycle (mixture states): stalls
  const Evaluation bad = evaluate_sequence(task(1, 6, 0.5));
  CHECK_FALSE(bad.success());
  CHECK(bad.outcome == Outcome::stalled);
  // beta_d = 1 (the paper's Eq. 1): the state stays on the cue, no transition at all
  SequenceTask literal = task(3, 10, 0.5);
  literal.params.beta_d = 1.0;
  const Evaluation none = evaluate_sequence(literal);
  CHECK(none.outcome == Outcome::stalled);
  CHECK(none.cycles == 0);
}

TEST_CASE("bit-packed products equal the dense ones to rounding (saturated or not, N and K not multiples of 64)") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int N : {37, 100, 130})
    for (int K : {5, 64, 100, 1000}) {
      const Mat Xi = random_memories(N, K, static_cast<std::uint64_t>(N + K));
      const BinaryPatterns bits(Xi);
      for (double scale : {0.5, 10.0, 1e6}) {  // none, some, all saturated
        Vec V(N), s(N), a(K);
        for (int i = 0; i < N; ++i) V(i) = scale * u(rng);
        sigma_f(V, 1.0, s);
        const int saturated = bits.transpose_times(s, a);
        const Vec dense = Xi.transpose() * s;
        CAPTURE(N);
        CAPTURE(K);
        CAPTURE(scale);
        CHECK((a - dense).cwiseAbs().maxCoeff() <= 1e-13 * N);
        CHECK(saturated == (s.array().abs() == 1.0).count());
      }
      // the whole right-hand side of Dense GSEMM, degree 3
      GsemmParams p;
      p.sigma_h.degree = 3;
      p.alpha_c = 0.6;
      p.beta_d = 7;
      const DenseGsemm d(Xi, cyclic_phi(K), p, {}, DenseGsemm::Products::dense);
      const DenseGsemm b(Xi, cyclic_phi(K), p, {}, DenseGsemm::Products::binary);
      Vec Vf = 40.0 * Xi.col(0);
      Vf(0) = 0.3;
      const Vec x = d.initial_state(Vf, 0.5 * Xi.col(K - 1));
      Vec dx1(x.size()), dx2(x.size());
      d(x, dx1, 0.0);
      b(x, dx2, 0.0);
      CHECK((dx1 - dx2).cwiseAbs().maxCoeff() <= 1e-13 * dx1.cwiseAbs().maxCoeff());
    }
  // chosen automatically for binary memories from K = 64
  GsemmParams p;
  CHECK(DenseGsemm(random_memories(20, 64, 1), cyclic_phi(64), p).binary_products());
  CHECK_FALSE(DenseGsemm(random_memories(20, 63, 1), cyclic_phi(63), p).binary_products());
  CHECK_FALSE(DenseGsemm(Mat::Constant(20, 100, 0.5), cyclic_phi(100), p).binary_products());
}

TEST_CASE("capacity engines: dopri5 at 1e-3 and RK4 at 0.01 agree on outcome and visits (a fixed small set)") {
  // a subset of bench/capacity_validation.cpp's 240 cases, whose report lists the exceptions
  for (int degree : {1, 2, 3})
    for (int K : {6, 12})
      for (double a : {0.5, 1.0}) {
        SequenceTask t = task(degree, K, a);
        t.integrator = {StepperKind::dopri5, 0.01, 1e-3, 1e-3};
        const Evaluation adaptive = evaluate_sequence(t, true);
        t.integrator = {StepperKind::rk4, 0.01};
        const Evaluation fixed = evaluate_sequence(t, true);
        CAPTURE(degree);
        CAPTURE(K);
        CAPTURE(a);
        CHECK(adaptive.outcome == fixed.outcome);
        CHECK(adaptive.visit_sequence == fixed.visit_sequence);
        CHECK(adaptive.stats.rhs_evals * 5 < fixed.stats.rhs_evals);
      }
}

TEST_CASE("capacity: the K search with a growth factor, an explicit list, and censoring") {
  auto edge_at = [](int edge, int censor = 0) {
    return [=](int K) {
      if (censor && K >= censor) return Verdict::censored;
      return K <= edge ? Verdict::success : Verdict::failure;
    };
  };
  std::vector<int> asked;
  auto recording = [&](std::function<Verdict(int)> f) {
    return [&asked, f](int K) {
      asked.push_back(K);
      return f(K);
    };
  };
  SearchResult r = search_capacity(2, 1000, 4.0, {}, recording(edge_at(37)));
  CHECK(r.capacity == 37);
  CHECK(r.stop == SearchStop::failure);
  CHECK(std::vector<int>(asked.begin(), asked.begin() + 4) == std::vector<int>{2, 8, 32, 128});  // grows x4
  asked.clear();
  r = search_capacity(2, 1000, 2.0, {4, 8, 16, 64}, recording(edge_at(20)));
  CHECK(r.capacity == 16);
  CHECK(asked == std::vector<int>{4, 8, 16, 64});
  CHECK(r.largest_tried == 64);
  r = search_capacity(2, 100, 2.0, {}, edge_at(1000));
  CHECK(r.capacity == 100);
  CHECK(r.stop == SearchStop::K_max);
  r = search_capacity(2, 1000, 2.0, {}, edge_at(500, 100));  // undecided from K = 100 on
  CHECK(r.capacity == 64);
  CHECK(r.stop == SearchStop::censored);
  CHECK(r.largest_tried == 128);
  // not monotone (degree 1: K = 3 fails, 4 and 6 succeed): the list stops at 3 unless K_list_all
  auto holes = [](int K) { return K == 2 || K == 4 || K == 6 ? Verdict::success : Verdict::failure; };
  r = search_capacity(2, 10, 2.0, {2, 3, 4, 5, 6, 7, 8}, holes);
  CHECK(r.capacity == 2);
  CHECK(r.stop == SearchStop::failure);
  asked.clear();
  r = search_capacity(2, 10, 2.0, {2, 3, 4, 5, 6, 7, 8}, recording(holes), true);
  CHECK(r.capacity == 6);  // the largest success
  CHECK(r.stop == SearchStop::failure);  // 7 and 8 failed: measured
  CHECK(asked.size() == 7);
  asked.clear();
  r = search_capacity(2, 10000, 2.0, {}, recording(edge_at(5555)), false, 0.02);  // to 2%: 4096 .. 8192
  CHECK(r.capacity <= 5555);
  CHECK(r.capacity >= 5555 / 1.02);
  CHECK(asked.size() == 13 + 6);  // 2 .. 8192, then 6 halvings of 4096 .. 8192 to <= 2% (12 to one)
  r = search_capacity(2, 10, 2.0, {2, 3, 4, 6}, holes, true);
  CHECK(r.capacity == 6);
  CHECK(r.stop == SearchStop::K_max);  // the last K succeeded: a lower bound
}

TEST_CASE("capacity: a wall-clock budget censors, the public scripts' rule judges at the horizon") {
  SequenceTask t = task(3, 10, 0.5);
  t.max_wall_s = 1e-9;
  const Evaluation cut = evaluate_sequence(t);
  CHECK(cut.outcome == Outcome::censored);
  // t_max under the adaptive horizon: censored, not a failure
  t = task(3, 10, 0.5);
  t.t_max = 50;
  CHECK(evaluate_sequence(t).outcome == Outcome::censored);
  // a fixed horizon reached undecided: a failure of that reading
  t.horizon = Horizon::fixed;
  CHECK(evaluate_sequence(t).outcome == Outcome::horizon);
  // public_scripts: 1500 time units at a dwell of about 16 make about 92 changes of the retrieved
  // memory, all to the successor (the strict run above visits the cycle in order): more than 5 K = 50.
  // Below the threshold the largest overlap also passes through xi_3 between xi_4 and xi_5: not counted.
  t = task(3, 10, 0.5);
  t.horizon = Horizon::fixed;
  t.t_max = 1500;
  t.success_rule = SuccessRule::public_scripts;
  const Evaluation pub = evaluate_sequence(t, true);
  CHECK(pub.outcome == Outcome::success);
  CHECK(pub.t_stop == doctest::Approx(1500));
  CHECK(pub.visits > 85);
  t.t_max = 300;  // about 18 changes: not more than 50
  CHECK(evaluate_sequence(t).outcome == Outcome::horizon);
}
