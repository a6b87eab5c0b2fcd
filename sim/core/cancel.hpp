// Cancelling a run from outside (the Python package's Ctrl-C): a process-wide flag the integration
// loops poll at every recorded sample, every sweep evaluation and every diffusion trajectory. The
// command line does not use it (its signals end the process, sim/output/output_file.hpp).
#pragma once

#include <atomic>
#include <stdexcept>

namespace seqmem {

struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

inline std::atomic<bool>& cancel_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}
inline bool cancel_requested() { return cancel_flag().load(std::memory_order_relaxed); }
// Throws Cancelled when a cancel was requested (outside OpenMP parallel regions only).
inline void throw_if_cancelled() {
  if (cancel_requested()) throw Cancelled();
}

}  // namespace seqmem
