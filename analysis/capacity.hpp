// Sequence capacity of Dense GSEMM (paper Figure 3, Appendix C; models.md §1).
// One evaluation: K random +-1 memories (seed), one cyclic episode xi_1 -> ... -> xi_K -> xi_1,
// cue xi_1, integrate until the outcome is known:
//   success  the memories were retrieved in the correct order `cycles_required` times (episode check
//            of analysis/sequence.hpp), no wrong visit;
//   wrong    a wrong visit (stopped at once);
//   stalled  no new visit within `stall_time` of the previous one (a fixed point or a mixture state);
//   horizon  t_max reached (counted as failure);
//   diverged NaN or Inf in the state.
// The horizon is adaptive: a slow but correct cycle keeps going as long as every dwell is shorter
// than stall_time (the dwell per memory ranges from about 11 to 67 time units on the paper's grid,
// models.md), so a fixed horizon does not turn slow runs into failures.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "../models/gsemm_params.hpp"

namespace seqmem {

enum class Outcome { success = 0, wrong = 1, stalled = 2, horizon = 3, diverged = 4 };
const char* to_string(Outcome o);

struct SequenceTask {
  int N_f = 100;
  int K = 2;
  std::uint64_t seed = 0;
  GsemmParams params;  // degree and alpha_c included
  double cue_amplitude = 1.0;
  double dt = 0.01;
  double threshold = 0.8;
  int cycles_required = 3;
  double stall_time = 200.0;
  double t_max = 1e5;
};

struct Evaluation {
  Outcome outcome = Outcome::horizon;
  int cycles = 0;              // complete cycles retrieved in order
  double t_first_error = -1;   // time of the wrong visit, -1 if none
  double t_stop = 0;           // simulated time when the outcome was known
  double wall_s = 0;
  bool success() const { return outcome == Outcome::success; }
};

// Integrates one task with RK4 (step dt), sampling overlaps every step.
Evaluation evaluate_sequence(const SequenceTask& task);

// The largest K in [K_min, K_max] with succeeds(K) true, assuming monotonicity (if K fails, every
// larger K fails): K doubles from K_min until a failure (or K_max), then bisection between the last
// success and the first failure. Returns K_min - 1 when K_min already fails.
int largest_success(int K_min, int K_max, const std::function<bool(int)>& succeeds);

}  // namespace seqmem
