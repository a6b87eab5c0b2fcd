// `seqmem sweep`: the capacity sweep of a scenario's [sweep] section (paper Figure 3).
// For every run of the scenario (a configuration), degree and seed: the largest K for which one of
// the alpha_c values succeeds (sim/experiments/capacity.hpp). Pairs (configuration, degree, seed)
// run in parallel with OpenMP and, under mpirun, over MPI ranks through the driver skeleton
// (sim/drivers/driver.hpp; sim/parallel/work_queue.hpp: a dynamic schedule; rank 0 alone writes);
// every evaluation is a row of /evaluations (sim/sweeps/sweep_tables.hpp).
//
// Interruptions: the checkpoint beside OUT (sim/output/output_file.hpp, checkpoint_of) is rewritten whole
// (temporary file + atomic rename) at most once a second, so that a kill at any moment leaves a
// complete checkpoint holding every evaluation of the last write; OUT itself appears only at the
// end, complete, and the checkpoint goes. `--resume` reads the checkpoint (or a finished OUT) and
// runs only what is missing: the K search is deterministic, so the final tables equal those of an
// uninterrupted run (rows are sorted).
#pragma once

#include <string>

#include "sim/drivers/driver.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/sweeps/sweep_tables.hpp"

namespace seqmem {

// threads, progress (a live line on a terminal), overwrite (replace an existing OUT and drop its
// checkpoint), allow_large, print_warnings; and:
struct SweepOptions : DriverOptions {
  bool print_table = true;  // the capacity table on stdout at the end (the Python package: off)
  bool resume = false;     // continue from OUT's checkpoint (or OUT)
  // What an interrupted sweep's message says to do next (the checkpoint is named before it).
  std::string resume_hint = "continue it with the same command and --resume";
  double flush_seconds = 1.0;
  // --shard i/n: only every n-th (configuration, degree, seed) pair from the i-th (1 <= i <= n) of the
  // pairs in their cost order; joined by `seqmem merge` (sim/sweeps/merge.hpp). 0/0: the whole sweep.
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

// The cost model's account of a capacity sweep (sim/experiments/capacity_cost.hpp): the cost of one
// right-hand side measured here, of a success at the largest K, and the bound for the whole sweep,
// as `seqmem sweep` prints it and `seqmem validate` reports it. Throws InputError (key K_max) for one
// evaluation beyond 24 core-hours unless allow_large.
std::string sweep_cost_text(const Scenario& sc, bool allow_large);

// The (configuration, degree, seed[, alpha_c]) pairs of a sweep, each one capacity search, in the
// order they are handed out (the dearest first); with shard_count > 0 only shard shard_index of
// shard_count (every shard_count-th pair of that order). `seqmem merge` checks the shards against it.
std::vector<Pair> sweep_pairs(const std::vector<RunSpec>& configs, int shard_index = 0, int shard_count = 0);

// Throws InputError for a scenario without [sweep] axes, an existing output without --resume, or a
// resume file written from another scenario.
SweepSummary run_sweep(const Scenario& sc, const std::string& out, const SweepOptions& opt);

// A [baseline] scenario (sim/sweeps/baseline_sweep.cpp); run_sweep calls it.
SweepSummary run_baselines(const Scenario& sc, const std::string& out, const SweepOptions& opt);

}  // namespace seqmem
