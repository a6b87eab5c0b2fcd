// `seqmem sweep` on a [baseline] scenario: the singleton capacity of the classical baselines
// (sim/experiments/singleton_capacity.hpp) for every (configuration, N, degree), every trial a row of
// /baseline and their statistics in /baseline_summary.
#include <fmt/format.h>
#include <omp.h>

#include <chrono>

#include "sim/core/front_end.hpp"
#include "sim/core/progress.hpp"
#include "sim/drivers/run_scenario.hpp"
#include "sim/experiments/singleton_capacity.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/variables.hpp"
#include "sim/sweeps/sweep.hpp"
#include "sim/sweeps/sweep_file.hpp"

namespace seqmem {

SweepSummary run_baselines(const Scenario& sc, const std::string& out, const SweepOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  if (opt.resume)
    throw InputError(fmt::format("{}: {}: a [baseline] sweep takes seconds and keeps no checkpoint; replace "
                                 "its output with {}",
                                 sc.path, front_end_words().resume, front_end_words().overwrite));
  OutputFile of(out, input_files(sc), opt.overwrite ? Existing::overwrite : Existing::refuse,
                fmt::format("replace it with {} (a baseline sweep is not resumable)", front_end_words().overwrite),
                opt.progress);
  struct Result {
    int config, N, degree;
    SingletonCapacityResult r;
  };
  std::vector<Result> results;
  std::size_t settings = 0;
  for (const RunSpec& spec : sc.runs) {
    const auto& b = spec.baseline;
    const bool poly = b.model == "dense_poly" || b.model == "dense_rectified";
    settings += b.N.size() * (poly ? b.degrees.size() : 1);
  }
  Progress progress("baseline", "settings", static_cast<double>(settings), opt.progress);
  for (int c = 0; c < static_cast<int>(sc.runs.size()); ++c) {
    const RunSpec spec = sc.runs[c];
    const auto& b = spec.baseline;
    const bool poly = b.model == "dense_poly" || b.model == "dense_rectified";
    for (int N : b.N)
      // degree column: n for dense_poly / dense_rectified, 2 for Hopfield (F = x^2), 0 for exp
      for (int d : poly ? b.degrees : std::vector<int>{b.model == "hopfield" ? 2 : 0}) {
        SingletonCapacityOptions o;
        o.model = b.model;
        o.N = N;
        o.degree = poly ? d : 2;
        o.criterion = b.criterion;
        o.cue_flip = b.cue_flip;
        o.overlap_threshold = b.overlap_threshold;
        o.required_fraction = b.required_fraction;
        o.trials = b.trials;
        o.seed = spec.seed;
        o.P_max = b.P_max;
        if (opt.threads > 0) omp_set_num_threads(opt.threads);
        results.push_back({c, N, d, singleton_capacity(o)});
        progress.report(static_cast<double>(results.size()),
                        fmt::format("{} N = {}{}: mean capacity {:.2f} ({:.4f} N)", b.model, N,
                                    poly ? fmt::format(", n = {}", d) : "", results.back().r.mean,
                                    results.back().r.mean_per_neuron),
                        true);
      }
  }
  struct TrialRow {
    int config, N, degree, trial, capacity;
  };
  std::vector<TrialRow> rows;
  for (const auto& x : results)
    for (int t = 0; t < static_cast<int>(x.r.capacity_per_trial.size()); ++t)
      rows.push_back({x.config, x.N, x.degree, t, x.r.capacity_per_trial[t]});
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::create_file(of.partial());
    write_sweep_header(f.id(), sc, true);
    write_table(f.id(), "baseline", "trial_row", rows.size(), [&](auto put) {
      put("config", column<int>(rows, [](const TrialRow& r) { return r.config; }));
      put("N", column<int>(rows, [](const TrialRow& r) { return r.N; }));
      put("degree", column<int>(rows, [](const TrialRow& r) { return r.degree; }));
      put("trial", column<int>(rows, [](const TrialRow& r) { return r.trial; }));
      put("capacity", column<int>(rows, [](const TrialRow& r) { return r.capacity; }));
    });
    write_table(f.id(), "baseline_summary", "setting", results.size(), [&](auto put) {
      put("config", column<int>(results, [](const Result& r) { return r.config; }));
      put("N", column<int>(results, [](const Result& r) { return r.N; }));
      put("degree", column<int>(results, [](const Result& r) { return r.degree; }));
      put("mean", column<double>(results, [](const Result& r) { return r.r.mean; }));
      put("std", column<double>(results, [](const Result& r) { return r.r.std; }));
      put("mean_per_neuron", column<double>(results, [](const Result& r) { return r.r.mean_per_neuron; }));
      put("trials_at_P_max", column<int>(results, [](const Result& r) { return r.r.trials_at_P_max; }));
    });
    describe_variables(f.id());
    h5::close_file(f);
  } catch (const h5::Error& e) {
    throw_write_error(out, e.what());
  }
  of.commit();
  SweepSummary s;
  for (const auto& x : results) s.evaluations += x.r.evaluations;
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace seqmem
