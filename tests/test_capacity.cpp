// The sequence-capacity kernel of the sweeper (analysis/capacity.hpp): one evaluation and the K search.
#include <doctest/doctest.h>

#include <set>

#include "analysis/capacity.hpp"

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
