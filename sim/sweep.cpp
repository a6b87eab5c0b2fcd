#include "sweep.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>

#include "../analysis/capacity.hpp"
#include "../analysis/singleton_capacity.hpp"
#include "h5file.hpp"
#include "output_file.hpp"
#include "resources.hpp"
#include "run_scenario.hpp"

namespace seqmem {
namespace {

using Clock = std::chrono::steady_clock;

struct Row {  // one evaluation
  int config, degree;
  std::uint64_t seed;
  int K;
  double alpha_c;
  Evaluation e;
};
using Key = std::tuple<int, int, std::uint64_t, int, double>;  // config, degree, seed, K, alpha_c
Key key(const Row& r) { return {r.config, r.degree, r.seed, r.K, r.alpha_c}; }

struct Capacity {
  int config, degree;
  std::uint64_t seed;
  int capacity;
};

const char* kOutcomes = "0 success, 1 wrong (a wrong visit), 2 stalled (no new visit within stall_time), "
                        "3 horizon, 4 diverged";

// Root attributes and /configs of a sweep file.
void write_header(hid_t root, const Scenario& sc, bool complete) {
  write_provenance(root, sc);
  h5::set_attr(root, "complete", complete);
  h5::Handle configs = h5::create_group(root, "configs");
  for (const auto& r : sc.runs) {
    h5::Handle g2 = h5::create_group(configs.id(), r.id);
    for (const auto& [k, v] : r.resolved) h5::set_attr(g2.id(), k, v);
  }
}

// A group of column datasets over one dimension `dim` (1..n, a dimension scale); `columns` gets a
// function put(name, values) that writes one column.
template <class Columns>
void write_table(hid_t root, const char* name, const char* dim, std::size_t n, Columns columns) {
  h5::Handle g2 = h5::create_group(root, name);
  std::vector<int> index(n);
  for (std::size_t i = 0; i < n; ++i) index[i] = static_cast<int>(i + 1);
  h5::Handle scale = h5::write_dataset(g2.id(), dim, {n}, index.data());
  h5::make_scale(scale.id(), dim);
  columns([&](const char* col, const auto& values) {
    h5::Handle d = h5::write_dataset(g2.id(), col, {n}, values.data());
    h5::attach_scale(d.id(), scale.id(), 0);
    return d;
  });
}

template <class V, class F>
std::vector<int> ints(const V& v, F f) {
  std::vector<int> out;
  for (const auto& x : v) out.push_back(static_cast<int>(f(x)));
  return out;
}
template <class V, class F>
std::vector<std::int64_t> int64s(const V& v, F f) {
  std::vector<std::int64_t> out;
  for (const auto& x : v) out.push_back(static_cast<std::int64_t>(f(x)));
  return out;
}
template <class V, class F>
std::vector<double> reals(const V& v, F f) {
  std::vector<double> out;
  for (const auto& x : v) out.push_back(f(x));
  return out;
}

// The whole file, written to the partial name and renamed over OUT (a checkpoint).
void write_file(OutputFile& of, const Scenario& sc, std::vector<Row> rows, std::vector<Capacity> caps,
                bool complete) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return key(a) < key(b); });
  std::sort(caps.begin(), caps.end(), [](const Capacity& a, const Capacity& b) {
    return std::tie(a.config, a.degree, a.seed) < std::tie(b.config, b.degree, b.seed);
  });
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::create_file(of.partial());
    const hid_t root = f.id();
    write_header(root, sc, complete);
    write_table(root, "evaluations", "evaluation", rows.size(), [&](auto put) {
      put("config", ints(rows, [](const Row& r) { return r.config; }));
      put("degree", ints(rows, [](const Row& r) { return r.degree; }));
      put("seed", int64s(rows, [](const Row& r) { return r.seed; }));
      put("K", ints(rows, [](const Row& r) { return r.K; }));
      put("alpha_c", reals(rows, [](const Row& r) { return r.alpha_c; }));
      put("success", ints(rows, [](const Row& r) { return r.e.success(); }));
      h5::Handle o = put("outcome", ints(rows, [](const Row& r) { return static_cast<int>(r.e.outcome); }));
      h5::set_attr(o.id(), "codes", std::string(kOutcomes));
      put("cycles", ints(rows, [](const Row& r) { return r.e.cycles; }));
      put("t_first_error", reals(rows, [](const Row& r) { return r.e.t_first_error; }));
      put("t_stop", reals(rows, [](const Row& r) { return r.e.t_stop; }));
      put("wall_time_s", reals(rows, [](const Row& r) { return r.e.wall_s; }));
    });
    write_table(root, "capacity", "pair", caps.size(), [&](auto put) {
      put("config", ints(caps, [](const Capacity& c) { return c.config; }));
      put("degree", ints(caps, [](const Capacity& c) { return c.degree; }));
      put("seed", int64s(caps, [](const Capacity& c) { return c.seed; }));
      put("capacity", ints(caps, [](const Capacity& c) { return c.capacity; }));
    });
    h5::close_file(f);
  } catch (const h5::Error& e) {
    throw_write_error(of.path(), e.what());
  }
  of.commit();
}

// The evaluations of an earlier (interrupted) run of the same scenario.
std::map<Key, Row> read_rows(const std::string& path, const Scenario& sc) {
  std::map<Key, Row> cache;
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f;
  try {
    f = h5::open_file_readonly(path);
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: --resume: cannot open it as HDF5", path));
  }
  if (h5::read_string_attr(f.id(), "scenario") != sc.text)
    throw InputError(fmt::format("{}: --resume: the file was written from another scenario text", path));
  if (h5::read_string_attr(f.id(), "overrides") != sc.overrides_text())
    throw InputError(fmt::format("{}: --resume: the file was written with other --set overrides", path));
  auto col = [&](const char* c) { return h5::read_vector(f.id(), std::string("evaluations/") + c); };
  const auto seed = h5::read_vector_i64(f.id(), "evaluations/seed");
  const auto config = col("config"), degree = col("degree"), K = col("K"),
             alpha_c = col("alpha_c"), outcome = col("outcome"), cycles = col("cycles"),
             t_err = col("t_first_error"), t_stop = col("t_stop"), wall = col("wall_time_s");
  for (std::size_t i = 0; i < config.size(); ++i) {
    Row r{int(config[i]), int(degree[i]), std::uint64_t(seed[i]), int(K[i]), alpha_c[i], {}};
    r.e.outcome = static_cast<Outcome>(int(outcome[i]));
    r.e.cycles = int(cycles[i]);
    r.e.t_first_error = t_err[i];
    r.e.t_stop = t_stop[i];
    r.e.wall_s = wall[i];
    cache[key(r)] = r;
  }
  return cache;
}

// [baseline]: the singleton capacity of every (configuration, N, degree), every trial a row.
SweepSummary run_baselines(const Scenario& sc, const std::string& out, const SweepOptions& opt) {
  const auto t0 = Clock::now();
  OutputFile of(out, input_files(sc), Existing::refuse, "remove it first (a baseline sweep is not resumable)",
                opt.progress);
  struct Result {
    int config, N, degree;
    SingletonCapacityResult r;
  };
  std::vector<Result> results;
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
        if (opt.progress)
          fmt::print(stderr, "baseline {} N = {}{}: mean capacity {:.2f} ({:.4f} N), {:.1f} s\n", b.model, N,
                     poly ? fmt::format(", n = {}", d) : "", results.back().r.mean, results.back().r.mean_per_neuron,
                     std::chrono::duration<double>(Clock::now() - t0).count());
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
    write_header(f.id(), sc, true);
    write_table(f.id(), "baseline", "trial_row", rows.size(), [&](auto put) {
      put("config", ints(rows, [](const TrialRow& r) { return r.config; }));
      put("N", ints(rows, [](const TrialRow& r) { return r.N; }));
      put("degree", ints(rows, [](const TrialRow& r) { return r.degree; }));
      put("trial", ints(rows, [](const TrialRow& r) { return r.trial; }));
      put("capacity", ints(rows, [](const TrialRow& r) { return r.capacity; }));
    });
    write_table(f.id(), "baseline_summary", "setting", results.size(), [&](auto put) {
      put("config", ints(results, [](const Result& r) { return r.config; }));
      put("N", ints(results, [](const Result& r) { return r.N; }));
      put("degree", ints(results, [](const Result& r) { return r.degree; }));
      put("mean", reals(results, [](const Result& r) { return r.r.mean; }));
      put("std", reals(results, [](const Result& r) { return r.r.std; }));
      put("mean_per_neuron", reals(results, [](const Result& r) { return r.r.mean_per_neuron; }));
      put("trials_at_P_max", ints(results, [](const Result& r) { return r.r.trials_at_P_max; }));
    });
    h5::close_file(f);
  } catch (const h5::Error& e) {
    throw_write_error(out, e.what());
  }
  of.commit();
  SweepSummary s;
  for (const auto& x : results) s.evaluations += x.r.evaluations;
  s.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return s;
}

}  // namespace

SweepSummary run_sweep(const Scenario& sc, const std::string& out, const SweepOptions& opt) {
  if (sc.command == Command::run) {
    const bool diffusion = sc.runs[0].model == ModelKind::diffusion;
    throw InputError(fmt::format("{}: {}: run it with `seqmem run`", sc.path,
                                 diffusion ? "key 'kind': a diffusion scenario has no capacity sweep"
                                           : "no [sweep] or [baseline] section, so there is nothing to sweep"));
  }
  {
    ResourceLimits limits;
    limits.allow_large = opt.allow_large;
    check_resources(sc, {}, opt.threads > 0 ? opt.threads : omp_get_max_threads(), limits);
  }
  if (sc.command == Command::baseline) return run_baselines(sc, out, opt);
  const auto t0 = Clock::now();
  OutputFile of(out, input_files(sc), opt.resume ? Existing::resume : Existing::refuse,
                "resume it with --resume, or remove it to start over", opt.progress);
  std::map<Key, Row> cache;
  if (of.existed()) cache = read_rows(out, sc);
  {  // writable? (the file now, before any work)
    std::vector<Row> rows;
    for (const auto& [k, r] : cache) rows.push_back(r);
    write_file(of, sc, rows, {}, false);
  }

  struct Pair {
    int config, degree;
    std::uint64_t seed;
  };
  std::vector<RunSpec> configs;  // the scenario's runs (a [runs] grid of configurations)
  for (const RunSpec& r : sc.runs) configs.push_back(r);
  std::vector<Pair> pairs;
  for (int c = 0; c < static_cast<int>(configs.size()); ++c)
    for (int d : configs[c].sweep.degrees)
      for (auto s : configs[c].sweep.seeds) pairs.push_back({c, d, s});
  // the dearest pairs (high degree: large K) first, for the dynamic schedule
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.degree > b.degree; });

  std::mutex mu;  // guards rows, caps, counters and the file
  std::vector<Row> rows;
  for (const auto& [k, r] : cache) rows.push_back(r);
  std::vector<Capacity> caps;
  SweepSummary summary;
  auto last_flush = Clock::now(), last_print = Clock::now();
  int pairs_done = 0;
  const bool tty = ::isatty(2);
  auto progress = [&](bool force) {  // under mu
    if (!opt.progress) return;
    const auto now = Clock::now();
    if (!force && now - last_print < std::chrono::milliseconds(tty ? 200 : 5000)) return;
    last_print = now;
    const double el = std::chrono::duration<double>(now - t0).count();
    const double eta = pairs_done ? el / pairs_done * (pairs.size() - pairs_done) : 0.0;
    fmt::print(stderr, "{}sweep: pairs {}/{}, evaluations {} (+{} resumed), {:.1f}/s, elapsed {:.0f} s, eta {:.0f} s{}",
               tty ? "\r" : "", pairs_done, pairs.size(), summary.evaluations, summary.reused,
               summary.evaluations / std::max(el, 1e-9), el, eta, tty ? "   " : "\n");
  };

  const int n = static_cast<int>(pairs.size());
  const int threads = std::max(1, std::min(n, opt.threads > 0 ? opt.threads : omp_get_max_threads()));
  std::string fatal, write_error;
  std::atomic<bool> stop{false};  // a checkpoint could not be written
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int i = 0; i < n; ++i) {
    if (stop) continue;
    try {
      const Pair& p = pairs[i];
      const RunSpec& spec = configs[p.config];
      const auto& sw = spec.sweep;
      std::vector<double> alphas = sw.alpha_c;  // largest first: shorter dwell, faster outcome
      std::sort(alphas.rbegin(), alphas.rend());
      auto succeeds = [&](int K) {
        for (double a : alphas) {
          Row r{p.config, p.degree, p.seed, K, a, {}};
          if (auto it = cache.find(key(r)); it != cache.end()) {
            std::lock_guard<std::mutex> g(mu);
            ++summary.reused;
            r = it->second;
          } else {
            SequenceTask t;
            t.N_f = spec.N_f;
            t.K = K;
            t.seed = p.seed;
            t.params = spec.params;
            t.params.sigma_h.degree = p.degree;
            t.params.alpha_c = a;
            t.cue_amplitude = spec.cue_amplitude;
            t.dt = spec.dt;
            t.threshold = spec.threshold;
            t.cycles_required = sw.cycles_required;
            t.stall_time = spec.stop.stall_time;
            t.t_max = spec.t_end;
            r.e = evaluate_sequence(t);
            std::lock_guard<std::mutex> g(mu);
            rows.push_back(r);
            ++summary.evaluations;
            if (Clock::now() - last_flush > std::chrono::duration<double>(opt.flush_seconds)) {
              write_file(of, sc, rows, caps, false);
              last_flush = Clock::now();
            }
            progress(false);
          }
          if (r.e.success()) return true;
        }
        return false;
      };
      const int capacity = largest_success(sw.K_min, sw.K_max, succeeds);
      std::lock_guard<std::mutex> g(mu);
      caps.push_back({p.config, p.degree, p.seed, capacity});
      ++pairs_done;
      progress(false);
    } catch (const OutputError& e) {
      stop = true;
      std::lock_guard<std::mutex> g(mu);
      write_error = e.what();
    } catch (const std::exception& e) {
      stop = true;
      std::lock_guard<std::mutex> g(mu);
      fatal = e.what();
    }
  }
  if (!write_error.empty()) throw OutputError(write_error);
  if (!fatal.empty()) throw std::runtime_error(fatal);
  write_file(of, sc, rows, caps, true);
  progress(true);
  if (opt.progress && tty) fmt::print(stderr, "\n");
  summary.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return summary;
}

}  // namespace seqmem
