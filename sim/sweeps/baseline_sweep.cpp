// `seqmem sweep` on a [baseline] scenario: the singleton capacity of the classical baselines
// (sim/experiments/singleton_capacity.hpp) for every (configuration, N, degree), every trial a row of
// /baseline and their statistics in /baseline_summary.
#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "sim/core/front_end.hpp"
#include "sim/core/progress.hpp"
#include "sim/core/cancel.hpp"
#include "sim/core/input_error.hpp"
#include "sim/drivers/driver.hpp"
#include "sim/experiments/singleton_capacity.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/variables.hpp"
#include "sim/sweeps/sweep.hpp"
#include "sim/sweeps/sweep_file.hpp"

namespace seqmem {
namespace {

// A [baseline] sweep as a Job of the driver skeleton (sim/drivers/driver.hpp): a unit is a setting
// (configuration, N, degree); settings take seconds and go one after another on rank 0, each using
// the threads inside (its trials).
class BaselineJob {
 public:
  BaselineJob(const Scenario& sc, const std::string& out, const SweepOptions& opt) : sc_(sc), out_(out), opt_(opt) {
    for (int c = 0; c < static_cast<int>(sc.runs.size()); ++c) {
      const RunSpec run = sc.runs[static_cast<std::size_t>(c)];  // resolved on demand: a value
      const BaselineSpec& b = run.gsemm().baseline;
      // degree column: n for dense_poly / dense_rectified, 2 for Hopfield (F = x^2), 0 for exp
      const std::vector<int> degrees =
          has_degree(b.model) ? b.degrees : std::vector<int>{b.model == BaselineModel::hopfield ? 2 : 0};
      for (int N : b.N)
        for (int d : degrees) settings_.push_back({c, N, d, {}});
    }
  }

  int units() const { return static_cast<int>(settings_.size()); }
  bool rank0_alone() const { return true; }

  void open() {
    if (opt_.resume)
      throw InputError(fmt::format("{}: {}: a [baseline] sweep takes seconds and keeps no checkpoint; replace "
                                   "its output with {}",
                                   sc_.path, front_end_words().resume, front_end_words().overwrite));
    of_ = std::make_unique<OutputFile>(
        out_, input_files(sc_), opt_.overwrite ? Existing::overwrite : Existing::refuse,
        fmt::format("replace it with {} (a baseline sweep is not resumable)", front_end_words().overwrite),
        opt_.progress);
    progress_ = std::make_unique<Progress>("baseline", "settings", static_cast<double>(settings_.size()), opt_.progress);
  }

  // Rank 0 alone, one setting after another: the result stays in settings_.
  void work(int i, WorkQueue&) {
    Setting& s = settings_[static_cast<std::size_t>(i)];
    const RunSpec& spec = sc_.runs[static_cast<std::size_t>(s.config)];
    const auto& b = spec.gsemm().baseline;
    SingletonCapacityOptions o;
    o.model = b.model;
    o.N = s.N;
    o.degree = has_degree(b.model) ? s.degree : 2;
    o.criterion = b.criterion;
    o.cue_flip = b.cue_flip;
    o.overlap_threshold = b.overlap_threshold;
    o.required_fraction = b.required_fraction;
    o.trials = b.trials;
    o.seed = spec.seed;
    o.P_max = b.P_max;
    if (opt_.threads > 0) omp_set_num_threads(opt_.threads);
    s.r = singleton_capacity(o);
    progress_->report(
        static_cast<double>(i + 1),
        fmt::format("{} N = {}{}: mean capacity {:.2f} ({:.4f} N)", to_string(b.model), s.N,
                    has_degree(b.model) ? fmt::format(", n = {}", s.degree) : "", s.r.mean, s.r.mean_per_neuron),
        true);
  }

  void deliver(const std::string&) {}

  void finish(const std::string& failure) {
    throw_if_cancelled();
    if (!failure.empty()) throw_failure(failure);
    try {
      std::lock_guard<std::mutex> g(h5::lock());
      h5::Handle f = h5::create_file(of_->partial());
      write_tables(f.id());
      describe_variables(f.id());
      h5::close_file(f);
    } catch (const h5::Error& e) {
      throw_write_error(out_, e.what());
    }
    of_->commit();
  }

  long long evaluations() const {
    long long n = 0;
    for (const Setting& s : settings_) n += s.r.evaluations;
    return n;
  }

 private:
  struct Setting {
    int config, N, degree;
    SingletonCapacityResult r;
  };

  void write_tables(hid_t f) const {
    write_sweep_header(f, sc_, true);
    struct TrialRow {
      int config, N, degree, trial, capacity;
    };
    std::vector<TrialRow> rows;
    for (const auto& x : settings_)
      for (int t = 0; t < static_cast<int>(x.r.capacity_per_trial.size()); ++t)
        rows.push_back({x.config, x.N, x.degree, t, x.r.capacity_per_trial[static_cast<std::size_t>(t)]});
    write_table(f, "baseline", rows.size(), [&](auto put) {
      put("config", column<int>(rows, [](const TrialRow& r) { return r.config; }));
      put("N", column<int>(rows, [](const TrialRow& r) { return r.N; }));
      put("degree", column<int>(rows, [](const TrialRow& r) { return r.degree; }));
      put("trial", column<int>(rows, [](const TrialRow& r) { return r.trial; }));
      put("capacity", column<int>(rows, [](const TrialRow& r) { return r.capacity; }));
    });
    write_table(f, "baseline_summary", settings_.size(), [&](auto put) {
      put("config", column<int>(settings_, [](const Setting& r) { return r.config; }));
      put("N", column<int>(settings_, [](const Setting& r) { return r.N; }));
      put("degree", column<int>(settings_, [](const Setting& r) { return r.degree; }));
      put("mean", column<double>(settings_, [](const Setting& r) { return r.r.mean; }));
      put("std", column<double>(settings_, [](const Setting& r) { return r.r.std; }));
      put("mean_per_neuron", column<double>(settings_, [](const Setting& r) { return r.r.mean_per_neuron; }));
      put("trials_at_P_max", column<int>(settings_, [](const Setting& r) { return r.r.trials_at_P_max; }));
    });
  }

  const Scenario& sc_;
  const std::string& out_;
  const SweepOptions& opt_;
  std::vector<Setting> settings_;
  std::unique_ptr<OutputFile> of_;
  std::unique_ptr<Progress> progress_;
};

}  // namespace

SweepSummary run_baselines(const Scenario& sc, const std::string& out, const SweepOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  BaselineJob job(sc, out, opt);
  drive(sc, opt, job);
  SweepSummary s;
  s.evaluations = job.evaluations();
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace seqmem
