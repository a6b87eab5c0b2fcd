// `seqmem sweep` on a [baseline] scenario: the capacity of a baseline for every (configuration, N,
// degree) — the singleton capacity of the classical and dense associative memories
// (sim/experiments/singleton_capacity.hpp) or the sequence capacity of SeqNet, DenseNet and MixedNet
// under P_T, P_S or cycles (sim/experiments/sequence_capacity.hpp), or of EDEN under its per-bit
// checks (sim/experiments/eden_capacity.hpp) — every trial a row of /baseline and their statistics,
// with the sequence memories' laws, in /baseline_summary.
#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <memory>
#include <mutex>

#include "sim/core/cancel.hpp"
#include "sim/core/front_end.hpp"
#include "sim/core/input_error.hpp"
#include "sim/core/progress.hpp"
#include "sim/drivers/driver.hpp"
#include "sim/experiments/eden_capacity.hpp"
#include "sim/experiments/sequence_capacity.hpp"
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
      // degree column: n for dense_poly / dense_rectified, 2 for Hopfield (F = x^2), d for the
      // polynomial sequence memories (1 for SeqNet), 0 for the exponential ones
      const std::vector<int> degrees = !b.degrees.empty()                   ? b.degrees
                                       : b.model == BaselineModel::hopfield ? std::vector<int>{2}
                                       : b.model == BaselineModel::seqnet   ? std::vector<int>{1}
                                                                            : std::vector<int>{0};
      for (int N : b.N)
        for (int d : degrees) settings_.push_back({c, N, d, {}, {}});
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
    if (opt_.threads > 0) omp_set_num_threads(opt_.threads);
    if (is_sequence_model(b.model)) {
      const SequenceCapacityOptions o = sequence_options(b, s, spec.seed);
      s.r = sequence_capacity(o);
      s.law = sequence_law(s.N, o.net, b.law_reading);
    } else if (b.model == BaselineModel::eden) {
      s.r = eden_capacity(eden_options(b, s, spec.seed));
      s.law = eden_law(b.eden, b.eden_s_scale);
    } else {
      s.r = singleton_capacity(singleton_options(b, s, spec.seed));
    }
    progress_->report(
        static_cast<double>(i + 1),
        fmt::format("{} N = {}{}: mean capacity {:.2f} ({:.4f} N)", to_string(b.model), s.N,
                    s.degree > 0 && b.model != BaselineModel::hopfield ? fmt::format(", degree {}", s.degree) : "",
                    s.r.mean, s.r.mean_per_neuron),
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
    SequenceLaw law;  // the sequence memories' laws (NaN for the singleton memories)
  };

  static SingletonCapacityOptions singleton_options(const BaselineSpec& b, const Setting& s, std::uint64_t seed) {
    SingletonCapacityOptions o;
    o.model = b.model;
    o.N = s.N;
    o.degree = has_degree(b.model) ? s.degree : 2;
    o.criterion = b.criterion;
    o.cue_flip = b.cue_flip;
    o.overlap_threshold = b.overlap_threshold;
    o.required_fraction = b.required_fraction;
    o.trials = b.trials;
    o.seed = seed;
    o.P_max = b.P_max;
    return o;
  }

  static SequenceCapacityOptions sequence_options(const BaselineSpec& b, const Setting& s, std::uint64_t seed) {
    SequenceCapacityOptions o;
    o.net.separation = b.model == BaselineModel::seqnet ? Separation::polynomial : b.separation;
    o.net.degree = std::max(1, s.degree);
    o.net.mixed = b.model == BaselineModel::mixednet;
    o.net.lambda = b.lambda;
    o.net.delay = b.delay;
    o.N = s.N;
    o.criterion = b.criterion;
    o.error_tolerance = b.error_tolerance;
    o.transitions_checked = b.transitions_checked;
    o.threshold = b.overlap_threshold;
    o.cycles_required = b.cycles_required;
    o.stall_steps = b.stall_steps;
    o.cue_flip = b.cue_flip;
    o.trials = b.trials;
    o.seed = seed;
    o.P_max = b.P_max;
    return o;
  }

  static EdenCapacityOptions eden_options(const BaselineSpec& b, const Setting& s, std::uint64_t seed) {
    EdenCapacityOptions o;
    o.net = b.eden;
    o.N = s.N;
    o.criterion = b.criterion;
    o.s_scale = b.eden_s_scale;
    o.bit_tolerance = b.bit_tolerance;
    o.error_tolerance = b.error_tolerance;
    o.transitions_checked = b.transitions_checked;
    o.t_transition = b.eden_t_transition;
    o.dt = b.eden_dt;
    o.trials = b.trials;
    o.seed = seed;
    o.P_max = b.P_max;
    return o;
  }

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
      put("law_P_T", column<double>(settings_, [](const Setting& r) { return r.law.P_T; }));
      put("law_P_S", column<double>(settings_, [](const Setting& r) { return r.law.P_S; }));
      put("law_growth", column<double>(settings_, [](const Setting& r) { return r.law.growth; }));
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
