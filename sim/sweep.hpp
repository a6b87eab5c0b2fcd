// `seqmem sweep`: the capacity sweep of a scenario's [sweep] section (paper Figure 3).
// For every run of the scenario (a configuration), degree and seed: the largest K for which one of
// the alpha_c values succeeds (analysis/capacity.hpp). Pairs (configuration, degree, seed) run in
// parallel with OpenMP and, under mpirun, over MPI ranks (sim/work_queue.hpp: a dynamic schedule;
// rank 0 alone writes); every evaluation is a row of /evaluations (sim/sweep_tables.hpp).
//
// Interruptions: the file is rewritten whole (temporary file + atomic rename) at most once a second
// and at the end, so that a kill at any moment leaves a complete file holding every evaluation of
// the last write. `--resume` reads that file and runs only what is missing: the K search is
// deterministic, so the final tables equal those of an uninterrupted run (rows are sorted).
#pragma once

#include <string>

#include "scenario.hpp"

namespace seqmem {

struct SweepOptions {
  int threads = 0;        // 0: OpenMP's default
  bool progress = true;   // lines on stderr (a live line on a terminal)
  bool print_table = true;  // the capacity table on stdout at the end (the Python package: off)
  bool resume = false;
  double flush_seconds = 1.0;
  bool allow_large = false;  // beyond the soft limits of sim/resources.hpp
  // --shard i/n: only every n-th (configuration, degree, seed) pair from the i-th (1 <= i <= n) of the
  // pairs in their cost order; joined by `seqmem merge` (sim/merge.hpp). 0/0: the whole sweep.
  int shard_index = 0, shard_count = 0;
  // For the benchmark's side-by-side run of the earlier engine (before the event-driven one): Eigen's dense products, and
  // alpha_c always from the largest down.
  bool dense_products = false;
  bool alpha_from_previous = true;
};

struct SweepSummary {
  long long evaluations = 0;  // computed in this invocation
  long long reused = 0;       // taken from the file by --resume
  double wall_s = 0;
};

// Throws InputError for a scenario without [sweep] axes, an existing output without --resume, or a
// resume file written from another scenario.
SweepSummary run_sweep(const Scenario& sc, const std::string& out, const SweepOptions& opt);

// A [baseline] scenario (sim/baseline_sweep.cpp); run_sweep calls it.
SweepSummary run_baselines(const Scenario& sc, const std::string& out, const SweepOptions& opt);

}  // namespace seqmem
