// Sequence capacity of Dense GSEMM (paper Figure 3, Appendix C; models.md §1).
// One evaluation: K random +-1 memories (seed), one cyclic episode xi_1 -> ... -> xi_K -> xi_1,
// cue xi_1, integrate until the outcome is known. With the paper's rule (success_rule = strict):
//   success   the memories were retrieved in the correct order `cycles_required` times (episode
//             check of analysis/sequence.hpp), no wrong visit;
//   wrong     a wrong visit (stopped at once);
//   stalled   no new visit within `stall_time` of the previous one (a fixed point or a mixture);
//   horizon   a fixed or proportional horizon reached undecided (a failure of that reading);
//   diverged  NaN or Inf in the state;
//   censored  undecided within the budget: t_max under the adaptive (stall) horizon, max_wall_s,
//             or a stepper that gave up. Not a failure: the K search stops there.
// The adaptive horizon (horizon = stall) lets a slow but correct cycle go on as long as every dwell
// is shorter than stall_time (the dwell per memory ranges from about 11 to 67 time units on the
// paper's grid), so a fixed horizon does not turn slow runs into failures.
//
// The readings of Figure 3 (docs/capacity.md; docs/models.md §1.8): the model's alpha_s_placement, hidden_normalization
// and beta_d (in params), the stepper (rk4, the public code's rk4_split, or adaptive), the horizon
// and the success rule; success_rule = public_scripts judges the run at its horizon by the changes
// of the retrieved memory (the largest overlap, at least threshold): more than 5 K of them, more
// than 80% to the successor in the cycle.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/choice_names.hpp"
#include "models/gsemm_params.hpp"
#include "sim/solvers/integrator_spec.hpp"
#include "sim/solvers/solver_stats.hpp"

namespace seqmem {

enum class Outcome { success = 0, wrong = 1, stalled = 2, horizon = 3, diverged = 4, censored = 5 };
const char* to_string(Outcome o);

enum class Horizon { stall, fixed, proportional };
inline constexpr ChoiceName<Horizon> kHorizonNames[] = {
    {"stall", Horizon::stall}, {"fixed", Horizon::fixed}, {"proportional", Horizon::proportional}};
constexpr const auto& choice_names(Horizon) { return kHorizonNames; }
inline const char* to_string(Horizon v) { return name_in(kHorizonNames, v); }

enum class SuccessRule { strict, public_scripts };
inline constexpr ChoiceName<SuccessRule> kSuccessRuleNames[] = {{"strict", SuccessRule::strict},
                                                                {"public_scripts", SuccessRule::public_scripts}};
constexpr const auto& choice_names(SuccessRule) { return kSuccessRuleNames; }
inline const char* to_string(SuccessRule v) { return name_in(kSuccessRuleNames, v); }

struct SequenceTask {
  int N_f = 100;
  int K = 2;
  std::uint64_t seed = 0;
  GsemmParams params;  // degree, alpha_c and the model's readings included
  double cue_amplitude = 1.0;
  double threshold = 0.8;
  int cycles_required = 3;
  double stall_time = 200.0;
  Horizon horizon = Horizon::stall;
  double t_max = 1e5;        // stall: the budget (censored); fixed / proportional: the horizon itself
  SuccessRule success_rule = SuccessRule::strict;
  double max_wall_s = 0;     // 0: none
  // The stepper and its limits; the paper's RK4 with dt = 0.01 by default.
  IntegratorSpec integrator{StepperKind::rk4, 0.01, 1e-8, 1e-8, 1000000000LL, 1e-12};
  // Eigen's dense products even for binary memories (the engine before the bit-packed one: for
  // the benchmark and the tests that compare the two).
  bool dense_products = false;
  // An adaptive stepper that gives up (at high degree the flips of saturated neurons are too fast for
  // any error-controlled step in double precision) is replaced by rk4 at this dt (0: no fallback,
  // the evaluation is censored).
  double fallback_rk4_dt = 0;
};

struct Evaluation {
  Outcome outcome = Outcome::horizon;
  int cycles = 0;              // complete cycles retrieved in order
  double t_first_error = -1;   // time of the wrong visit, -1 if none
  double t_stop = 0;           // simulated time when the outcome was known
  double wall_s = 0;
  double dwell = -1;           // median time between successive visits (-1: fewer than 2 visits)
  int visits = 0;
  SolverStats stats;
  std::vector<int> visit_sequence;  // 0-based memories in order (kept only when asked)
  bool fell_back = false;      // decided by the rk4 fallback
  bool success() const { return outcome == Outcome::success; }
  bool censored() const { return outcome == Outcome::censored; }
};

// Integrates one task, observing the overlaps at every step of the stepper (for dopri5 they are
// read from the last stage of the step, no extra product). keep_visits: fill visit_sequence.
Evaluation evaluate_sequence(const SequenceTask& task, bool keep_visits = false);

// The K search of one (configuration, degree, seed).
enum class Verdict { success, failure, censored };
enum class SearchStop { failure = 0, K_max = 1, censored = 2 };
struct SearchResult {
  int capacity = 0;       // the largest K that succeeded (K_min - 1: none)
  int largest_tried = 0;  // the largest K evaluated
  SearchStop stop = SearchStop::failure;
};
// Assuming monotonicity (if K fails, every larger K fails): K grows from K_min by the factor
// `growth` (at least by 1) until a failure or K_max, then bisection between the last success and
// the first failure. With a list of K instead: in order until the first failure. A censored K
// stops the search: the capacity is then a lower bound (stop = censored).
// K_list_all: every K of the list is evaluated (no stop at the first failure) and the capacity is
// the largest K that succeeded — for non-monotone cases (degree 1: a K can fail and a larger one
// succeed). K_resolution: the bisection stops once the first failure lies within this fraction
// above the last success (0: exactly, the capacity is then the last K before a failing one).
SearchResult search_capacity(int K_min, int K_max, double growth, const std::vector<int>& K_list,
                             const std::function<Verdict(int)>& evaluate, bool K_list_all = false,
                             double K_resolution = 0);

// The grow-then-bisect search for a plain predicate (doubling): the largest K in [K_min, K_max]
// with succeeds(K), K_min - 1 when K_min already fails.
int largest_success(int K_min, int K_max, const std::function<bool(int)>& succeeds);

}  // namespace seqmem
