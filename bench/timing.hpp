// Wall-clock helpers of the benchmarks.
#pragma once

#include <algorithm>
#include <chrono>
#include <limits>

namespace seqmem::bench {

using Clock = std::chrono::steady_clock;

inline double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Smallest wall time in seconds of `reps` calls of f().
template <class F>
double best_of(int reps, F&& f) {
  double best = std::numeric_limits<double>::infinity();
  for (int rep = 0; rep < reps; ++rep) {
    const auto t0 = Clock::now();
    f();
    best = std::min(best, since(t0));
  }
  return best;
}

inline volatile double g_sink = 0.0;  // keeps timed results alive

}  // namespace seqmem::bench
