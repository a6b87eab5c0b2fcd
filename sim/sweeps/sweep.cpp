// `seqmem sweep` on a [sweep] scenario (see sweep.hpp).
#include "sim/sweeps/sweep.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "sim/core/cancel.hpp"
#include "sim/core/front_end.hpp"
#include "sim/core/progress.hpp"
#include "sim/drivers/resources.hpp"
#include "sim/drivers/driver.hpp"
#include "sim/experiments/capacity.hpp"
#include "sim/experiments/capacity_cost.hpp"
#include "sim/output/h5file.hpp"
#include "sim/output/output_file.hpp"
#include "sim/parallel/work_queue.hpp"
#include "sim/scenario/key_rules.hpp"
#include "sim/solvers/integrate.hpp"
#include "sim/sweeps/capacity_table.hpp"
#include "sim/sweeps/sweep_file.hpp"
#include "sim/sweeps/sweep_tables.hpp"

namespace seqmem {
namespace {

using Clock = std::chrono::steady_clock;

// One evaluation's task from a configuration of the scenario.
SequenceTask make_task(const RunSpec& spec, int degree, std::uint64_t seed, int K, double alpha_c) {
  const auto& sw = spec.gsemm().sweep;
  SequenceTask t;
  t.N_f = spec.N_f;
  t.K = K;
  t.seed = seed;
  t.params = spec.params;
  t.params.sigma_h.degree = degree;
  t.params.alpha_c = alpha_c;
  t.cue_amplitude = spec.gsemm().cue_amplitude;
  t.threshold = spec.threshold;
  t.cycles_required = sw.cycles_required;
  t.stall_time = spec.gsemm().stop.stall_time;
  t.horizon = sw.horizon;
  t.t_max = sw.horizon == Horizon::fixed          ? sw.horizon_time
            : sw.horizon == Horizon::proportional ? sw.horizon_per_memory * K
                                                  : spec.t_end;
  t.success_rule = sw.success_rule;
  t.max_wall_s = sw.max_wall_s;
  t.integrator = integrator_spec(spec);
  if (sw.fallback_rk4) t.fallback_rk4_dt = spec.dt;
  return t;
}

// The alpha_c values in the order they are tried at the next K: the one that succeeded at the
// previous K first (the working alpha_c falls slowly as K grows), then the smaller ones from the
// largest down, then the larger ones from the smallest up. Without a previous success: largest first
// (the shortest dwell, the fastest outcome). K succeeds when any of them does, so the order changes
// the cost, not the capacity.
std::vector<double> alpha_order(std::vector<double> alphas, double previous) {
  std::sort(alphas.rbegin(), alphas.rend());
  if (std::find(alphas.begin(), alphas.end(), previous) == alphas.end()) return alphas;
  std::vector<double> out{previous};
  for (double a : alphas)
    if (a < previous) out.push_back(a);
  for (auto it = alphas.rbegin(); it != alphas.rend(); ++it)
    if (*it > previous) out.push_back(*it);
  return out;
}

// The cost model before the work starts (sim/experiments/capacity_cost.hpp): a success at K_max at the
// largest and the smallest alpha_c (their dwells differ; the event-driven engine's cost does not
// depend on the dwell), and an upper bound for the sweep: every pair succeeding up to K_max, its
// grow phase costing about twice its last success. Refuses (InputError on K_max) one evaluation
// beyond ResourceLimits::work (24 core-hours) unless allow_large.
std::string check_cost(const std::string& path, const std::vector<RunSpec>& configs, std::size_t pairs, bool allow_large) {
  const RunSpec& spec = configs.front();
  const auto& sw = spec.gsemm().sweep;
  const int K = sw.K_list.empty() ? sw.K_max : sw.K_list.back();
  const int degree = *std::max_element(sw.degrees.begin(), sw.degrees.end());
  const double alpha_lo = *std::min_element(sw.alpha_c.begin(), sw.alpha_c.end());
  const double alpha_hi = *std::max_element(sw.alpha_c.begin(), sw.alpha_c.end());
  const CapacityCost c = capacity_cost(make_task(spec, degree, sw.seeds.front(), K, alpha_hi));
  const CapacityCost c_lo = capacity_cost(make_task(spec, degree, sw.seeds.front(), K, alpha_lo));
  const double s1 = c.success_seconds(K, sw.cycles_required), s2 = c_lo.success_seconds(K, sw.cycles_required);
  const double best = std::min(s1, s2), worst = std::max(s1, s2);
  const double total = 2 * worst * static_cast<double>(pairs);
  if (!allow_large && worst > ResourceLimits().work)
    throw InputError(fmt::format("{}: key 'K_max': one successful evaluation at K = {} (degree {}) would take about {} "
                                 "of one core (cost model), beyond the 24 core-hours allowed without {}",
                                 path, K, degree, duration_text(worst), front_end_words().allow_large));
  return fmt::format(
             "cost model (sim/experiments/capacity_cost.hpp): one right-hand side at K = {} takes {:.1f} us here; {} "
             "with about {:.0f} right-hand sides per memory (dwell {:.0f} to {:.0f} per memory); a success at K = {} "
             "({} cycles, degree {}) costs {} to {} of one core; {} pairs, each succeeding up to K = {} at most: at "
             "most {} of one core",
             K, 1e6 * c.rhs_seconds, to_string(spec.stepper), std::max(c.evals_per_memory, c_lo.evals_per_memory),
             std::min(c.dwell, c_lo.dwell), std::max(c.dwell, c_lo.dwell), K, sw.cycles_required, degree,
             duration_text(best), duration_text(worst), pairs, K, duration_text(total));
}

// The scenario's runs (a [runs] grid of configurations).
std::vector<RunSpec> configs_of(const Scenario& sc) {
  std::vector<RunSpec> configs;
  for (const RunSpec& r : sc.runs) configs.push_back(r);
  return configs;
}

// --resume of a shard file: the same shard of the same count.
void check_shard(const std::string& path, const SweepOptions& opt) {
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f = h5::open_input(path, front_end_words().resume);
  const bool sharded = h5::has_attr(f.id(), "shard_count");
  const long long i = sharded ? h5::read_int_attr(f.id(), "shard_index") : 0;
  const long long n = sharded ? h5::read_int_attr(f.id(), "shard_count") : 0;
  if (i != opt.shard_index || n != opt.shard_count)
    throw InputError(fmt::format("{}: {}: the file holds {} but this command computes {}", path, front_end_words().resume,
                                 n ? fmt::format("shard {}/{}", i, n) : std::string("a whole sweep"),
                                 opt.shard_count ? fmt::format("shard {}/{}", opt.shard_index, opt.shard_count)
                                                 : std::string("the whole sweep")));
}

}  // namespace

std::string sweep_cost_text(const Scenario& sc, bool allow_large) {
  const std::vector<RunSpec> configs = configs_of(sc);
  return check_cost(sc.path, configs, sweep_pairs(configs, 0, 0).size(), allow_large);
}

std::vector<Pair> sweep_pairs(const std::vector<RunSpec>& configs, int shard_index, int shard_count) {
  std::vector<Pair> pairs;
  for (int c = 0; c < static_cast<int>(configs.size()); ++c) {
    const SweepSpec& sw = configs[static_cast<std::size_t>(c)].gsemm().sweep;
    for (int d : sw.degrees)
      for (auto s : sw.seeds) {
        if (!sw.per_alpha_c) pairs.push_back({c, d, s, -1.0});
        else
          for (double a : sw.alpha_c) pairs.push_back({c, d, s, a});
      }
  }
  // the dearest pairs (high degree: large K) first, for the dynamic schedule
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.degree > b.degree; });
  if (shard_count <= 0) return pairs;
  // shard i of n: every n-th pair of that order, so each shard gets dear and cheap ones
  std::vector<Pair> mine;
  for (std::size_t j = 0; j < pairs.size(); ++j)
    if (static_cast<int>(j % static_cast<std::size_t>(shard_count)) == shard_index - 1) mine.push_back(pairs[j]);
  return mine;
}

namespace {

// Refuses what `sweep` cannot do with this scenario and these options (InputError).
void check_sweep_request(const Scenario& sc, const std::string& out, const SweepOptions& opt) {
  if (sc.command == Command::run) {
    const ModelKind kind = sc.runs[0].model;  // a capacity sweep evaluates GSEMM networks
    const bool empty_sweep = std::find(sc.sections.begin(), sc.sections.end(), "sweep") != sc.sections.end();
    throw InputError(fmt::format(
        "{}: {}", sc.path,
        kind_rules(kind).family != Family::gsemm
            ? fmt::format("key 'kind': a {} scenario has no capacity sweep: run it with {}", to_string(kind),
                          front_end_words().run)
        : empty_sweep ? std::string("[sweep] is empty: a capacity sweep needs sweep_degrees, sweep_seeds and sweep_alpha_c")
                      : fmt::format("no [sweep] or [baseline] section, so there is nothing to sweep: run it with {}",
                                    front_end_words().run)));
  }
  if (opt.resume && opt.overwrite)
    throw InputError(fmt::format("{}: {} continues the output, {} replaces it: choose one", out,
                                 front_end_words().resume, front_end_words().overwrite));
  if (opt.shard_count > 0 && sc.command != Command::sweep)
    throw InputError(fmt::format("{}: --shard: a [baseline] scenario takes seconds; run it whole", sc.path));
}

// One (configuration, degree, seed[, alpha_c]) pair: its capacity search. Each evaluation goes to
// rank 0 as a row ('R'), or, found in `cache` (the file being resumed), as a reused one ('U'); the
// capacity found last ('C'). Polls Ctrl-C between evaluations.
void search_pair(const Pair& p, const RunSpec& spec, const std::map<Key, Row>& cache, const SweepOptions& opt,
                 WorkQueue& queue) {
  const auto& sw = spec.gsemm().sweep;
  // capacity_per_alpha_c: this pair's own alpha_c; else K succeeds when one of them does
  const std::vector<double> alphas = p.alpha_c >= 0 ? std::vector<double>{p.alpha_c} : sw.alpha_c;
  double winner = -1;  // the alpha_c that succeeded at the previous K
  auto evaluate = [&](int K) {
    bool censored = false;
    for (double a : alpha_order(alphas, opt.alpha_from_previous ? winner : -1.0)) {
      Row r{p.config, p.degree, p.seed, K, a, {}};
      if (auto it = cache.find(key(r)); it != cache.end()) {
        r = it->second;
        queue.result(encode(r, 'U'));
      } else {
        throw_if_cancelled();  // the queue stops; the last checkpoint stays resumable
        SequenceTask t = make_task(spec, p.degree, p.seed, K, a);
        t.dense_products = opt.dense_products;
        r.e = evaluate_sequence(t);
        throw_if_cancelled();  // a cancelled evaluation stopped early: its outcome is not recorded
        queue.result(encode(r, 'R'));
      }
      if (r.e.success()) {
        winner = a;
        return Verdict::success;
      }
      censored |= r.e.censored();
    }
    return censored ? Verdict::censored : Verdict::failure;
  };
  const SearchResult found = search_capacity(sw.K_min, sw.K_max, sw.K_growth, sw.K_list, evaluate, sw.K_list_all, sw.K_resolution);
  queue.result(encode(Capacity{p.config, p.degree, p.seed, p.alpha_c, found}));
}

// The attributes of the sweep file's root: the scenario and, for a shard, which one.
void write_header(hid_t r, const Scenario& sc, const SweepOptions& opt, bool complete) {
  write_sweep_header(r, sc, complete);
  if (opt.shard_count > 0) {
    h5::set_attr(r, "shard_index", std::int64_t(opt.shard_index));
    h5::set_attr(r, "shard_count", std::int64_t(opt.shard_count));
  }
}

// Rank 0 checks the cost, opens OUT (`of`), reads what a resumed file holds and writes the file once
// (is it writable? now, before any work); every rank learns the outcome and gets the rows to reuse.
std::map<Key, Row> open_sweep_output(const Scenario& sc, const std::string& out, const SweepOptions& opt,
                                     const std::vector<RunSpec>& configs, std::size_t pairs,
                                     std::unique_ptr<OutputFile>& of) {
  std::map<Key, Row> cache;
  mpi::Bytes setup = on_rank0(sc.fingerprint(), [&](mpi::Bytes& b) {
    const std::string cost = check_cost(sc.path, configs, pairs, opt.allow_large);
    if (opt.progress) fmt::print(stderr, "sweep: {}\n", cost);
    of = std::make_unique<OutputFile>(
        out, input_files(sc), opt.resume ? Existing::resume : opt.overwrite ? Existing::overwrite : Existing::refuse,
        fmt::format("replace it with {}, or, if it is this sweep's own output, continue it with {} (a complete one "
                    "computes nothing again)",
                    front_end_words().overwrite, front_end_words().resume),
        opt.progress, true);
    if (const std::string from = opt.resume ? of->resume_from() : ""; !from.empty()) {
      cache = read_sweep_rows(from, sc.text, sc.overrides_text(), front_end_words().resume);
      check_shard(from, opt);
    }
    std::vector<Row> rows;
    for (const auto& [k, r] : cache) rows.push_back(r);
    write_sweep_file(*of, [&](hid_t r) { write_header(r, sc, opt, false); }, rows, {}, false, opt.resume_hint);
    for (const auto& [k, r] : cache) b.put_string(encode(r, 'U'));
  });
  if (!mpi::coordinator())
    while (!setup.done()) {
      mpi::Bytes m(setup.get_string());
      m.get<char>();
      const Row r = decode_row(m);
      cache[key(r)] = r;
    }
  return cache;
}

// A capacity sweep as a Job of the driver skeleton (sim/drivers/driver.hpp): a unit is a pair.
class SweepJob {
 public:
  SweepJob(const Scenario& sc, const std::string& out, const SweepOptions& opt)
      : sc_(sc), out_(out), opt_(opt), configs_(configs_of(sc)),
        pairs_(sweep_pairs(configs_, opt.shard_index, opt.shard_count)) {}

  int units() const { return static_cast<int>(pairs_.size()); }
  bool rank0_alone() const { return false; }

  // Rank 0 checks the cost and opens OUT (and reads it for --resume); every rank learns the outcome
  // and the rows to reuse.
  void open() {
    cache_ = open_sweep_output(sc_, out_, opt_, configs_, pairs_.size(), of_);
    for (const auto& [k, r] : cache_) rows_.push_back(r);
    // A live line on a terminal, a line every few seconds otherwise (sim/core/progress.hpp).
    const bool tty = ::isatty(2);
    bar_ = std::make_unique<Progress>("sweep", "pairs", static_cast<double>(pairs_.size()),
                                      opt_.progress && mpi::coordinator(), tty ? 0.2 : progress_interval(5.0));
    bar_->set_live(tty);
    last_flush_ = Clock::now();
  }

  void work(int i, WorkQueue& queue) {
    const Pair& p = pairs_[static_cast<std::size_t>(i)];
    search_pair(p, configs_[p.config], cache_, opt_, queue);
  }

  void deliver(const std::string& bytes) {  // a row ('R'), a reused row ('U') or a capacity ('C')
    mpi::Bytes m(bytes);
    const char kind = m.get<char>();
    if (kind == 'U') {
      ++summary_.reused;
      return;
    }
    if (kind == 'C') {
      caps_.push_back(decode_capacity(m));
      ++pairs_done_;
      progress(false);
      return;
    }
    rows_.push_back(decode_row(m));
    ++summary_.evaluations;
    if (Clock::now() - last_flush_ > std::chrono::duration<double>(opt_.flush_seconds)) {
      write_sweep_file(*of_, [&](hid_t r) { write_header(r, sc_, opt_, false); }, rows_, caps_, false, opt_.resume_hint);
      last_flush_ = Clock::now();
    }
    progress(false);
  }

  void finish(const std::string& failure) {
    throw_if_cancelled();
    if (!failure.empty()) throw_failure(failure, kept());
    try {
      write_sweep_file(*of_, [&](hid_t r) { write_header(r, sc_, opt_, true); }, rows_, caps_, true);
    } catch (const OutputError& e) {
      throw OutputError(e.what() + kept());
    }
    progress(true);
    bar_->finish();
    std::vector<std::string> names;
    for (const RunSpec& r : configs_) names.push_back(config_name(sc_, r));
    if (opt_.print_table) fmt::print("{}", capacity_table(caps_, names));
  }

  SweepSummary summary() const { return summary_; }

 private:
  void progress(bool force) {
    bar_->report(pairs_done_, fmt::format("{} evaluations (+{} resumed)", summary_.evaluations, summary_.reused), force);
  }
  // A failed write leaves the last checkpoint: say so, and how to go on.
  std::string kept() const {
    std::error_code ec;
    if (of_->checkpoint().empty() || !std::filesystem::exists(of_->checkpoint(), ec)) return "";
    return fmt::format("; the checkpoint {} keeps the evaluations of its last write: {}", of_->checkpoint(),
                       opt_.resume_hint);
  }

  const Scenario& sc_;
  const std::string& out_;
  const SweepOptions& opt_;
  const std::vector<RunSpec> configs_;
  const std::vector<Pair> pairs_;
  std::unique_ptr<OutputFile> of_;  // rank 0
  std::map<Key, Row> cache_;        // the rows of the file being resumed
  // Rank 0's tables; results arrive from its own threads and, in an MPI job, from the other ranks.
  std::vector<Row> rows_;
  std::vector<Capacity> caps_;
  SweepSummary summary_;
  int pairs_done_ = 0;
  Clock::time_point last_flush_;
  std::unique_ptr<Progress> bar_;
};

}  // namespace

SweepSummary run_sweep(const Scenario& sc, const std::string& out, const SweepOptions& opt) {
  check_sweep_request(sc, out, opt);
  check_resources(sc, {}, opt.team(), opt.limits());
  if (sc.command == Command::baseline) return run_baselines(sc, out, opt);
  const auto t0 = Clock::now();
  SweepJob job(sc, out, opt);
  drive(sc, opt, job);
  SweepSummary summary = job.summary();
  summary.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return summary;
}

}  // namespace seqmem
