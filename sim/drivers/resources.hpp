// What a scenario will cost before anything is allocated or started: memory, output size and
// work, estimated per run from its keys (and the shapes of the files it names). Commands refuse a
// scenario beyond the limits with a message naming the keys and the estimate (InputError, exit 2):
//   memory  the runs that run at once (threads) must fit in 80% of this machine's memory (hard);
//   output  at most 16 GiB per file, uncompressed (soft: --allow-large goes beyond);
//   work    at most 24 hours of one core per run, from a nominal 5 GFLOP/s (soft: --allow-large).
// The estimates are upper bounds of the leading terms, not predictions to the percent.
#pragma once

#include <string>

#include "sim/kinds/estimate.hpp"
#include "sim/kinds/file_cache.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// threads: those a run uses inside itself (a free-recall run's lists).
ResourceEstimate estimate_run(const RunSpec& r, const FileCache& files, int threads);

struct ResourceLimits {
  double memory = 0;  // bytes for all runs at once; 0: 80% of physical memory
  double output = 16.0 * (1ull << 30);
  double work = 24 * 3600.0;
  bool allow_large = false;  // lift the soft limits (output, work)
};

// Checks every run (threads of them at once) and the whole file; throws InputError.
void check_resources(const Scenario& sc, const FileCache& files, int threads, const ResourceLimits& limits = {});

// Loads the files the scenario names between two checks: first the estimates that need no file
// (so that nothing large is built, e.g. a mixture of 10^7 components), then with the files' shapes.
FileCache load_checked_files(const Scenario& sc, int threads, const ResourceLimits& limits = {});

// Physical memory of this machine in bytes.
double physical_memory();

// "1.2 GiB", "3.4 MiB"; "2.1 s", "3.5 min", "1.2 days".
std::string bytes_text(double bytes);
std::string seconds_text(double seconds);
// The estimate of one run as `seqmem validate` prints it: "about 1.2 GiB of memory (N_f, K, chunk),
// 3.4 MiB of output, 2.1 s of one core".
std::string estimate_text(const ResourceEstimate& e);

}  // namespace seqmem
