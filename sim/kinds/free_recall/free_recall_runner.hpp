// A free-recall run (kind = "free_recall", docs/free_recall.md): subjects x lists simulated trials
// of study and free recall (or recognition), in parallel over lists, with the field's analyses.
// Lists go in blocks; each block's events reach the sink in list order, so the output streams and
// memory does not grow with the number of lists.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/free_recall_curves.hpp"
#include "models/word_pool.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// Rows of the psifr event table (one per study or recall event), 1-based like the files.
struct FreeRecallEvents {
  std::vector<std::int32_t> subject, list, position, trial_type, item;  // trial_type: 0 study, 1 recall
  std::size_t size() const { return item.size(); }
  void clear();
  void add(int subject, int list, int position, int trial_type, int item);
};

struct FreeRecallOutcome {
  std::string status = "completed";  // completed | diverged (a GSEMM recall left the finite numbers)
  std::string message;
  double wall_s = 0;
  WordPool pool;
  FreeRecallCurves curves;
  std::int64_t diverged_lists = 0;  // lists whose GSEMM recall diverged (their recalls up to then are kept)
};

// The item pool of a run (the seed's, or orthonormal).
WordPool make_pool(const RunSpec& spec);

// Runs every list of spec (model == free_recall) on `threads` threads; calls sink with each block
// of events in list order (it may throw, e.g. a write error, which ends the run). The same seed
// gives the same events for any thread count: list g draws from trajectory_rng(seed, g).
// A cancel (sim/core/cancel.hpp) stops it between blocks (throws Cancelled).
FreeRecallOutcome simulate_free_recall(const RunSpec& spec, int threads, bool progress,
                                       const std::function<void(const FreeRecallEvents&)>& sink);

}  // namespace seqmem
