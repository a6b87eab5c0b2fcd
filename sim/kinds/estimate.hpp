// What one run of a kind will cost, estimated from its keys (and the shapes of the files it names)
// before anything is allocated: each kind's `estimate` (sim/kinds/kind.hpp) returns it, and the
// drivers (sim/drivers/resources.hpp) add the program's own memory and check it against the limits.
// Upper bounds of the leading terms, not predictions to the percent.
#pragma once

#include <string>

namespace seqmem {

struct ResourceEstimate {
  double memory = 0;  // bytes, one run
  double output = 0;  // bytes written, one run
  double work = 0;    // seconds of one core, one run
  std::string memory_keys, output_keys, work_keys;  // the keys that set each
};

namespace estimate {
constexpr double kDouble = 8.0;
constexpr double kFlops = 5e9;  // nominal floating-point operations per second of one core
// The bytes HDF5 holds while it writes the datasets of a run: a chunk (at most 4 MiB,
// sim/output/h5file.cpp) and its compressed copy, and its chunk caches.
constexpr double kWriterBytes = 16.0 * (1 << 20);
}  // namespace estimate

}  // namespace seqmem
