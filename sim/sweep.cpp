#include "sweep.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>

#include "../analysis/capacity.hpp"
#include "../analysis/singleton_capacity.hpp"
#include "h5file.hpp"
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
std::vector<double> reals(const V& v, F f) {
  std::vector<double> out;
  for (const auto& x : v) out.push_back(f(x));
  return out;
}

// The whole file, written to a temporary name and renamed over `out`.
void write_file(const std::string& out, const Scenario& sc, std::vector<Row> rows, std::vector<Capacity> caps,
                bool complete) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return key(a) < key(b); });
  std::sort(caps.begin(), caps.end(), [](const Capacity& a, const Capacity& b) {
    return std::tie(a.config, a.degree, a.seed) < std::tie(b.config, b.degree, b.seed);
  });
  const std::string tmp = out + fmt::format(".partial-{}", ::getpid());
  {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::create_file(tmp);
    const hid_t root = f.id();
    write_header(root, sc, complete);
    write_table(root, "evaluations", "evaluation", rows.size(), [&](auto put) {
      put("config", ints(rows, [](const Row& r) { return r.config; }));
      put("degree", ints(rows, [](const Row& r) { return r.degree; }));
      put("seed", ints(rows, [](const Row& r) { return r.seed; }));
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
      put("seed", ints(caps, [](const Capacity& c) { return c.seed; }));
      put("capacity", ints(caps, [](const Capacity& c) { return c.capacity; }));
    });
  }
  std::filesystem::rename(tmp, out);
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
  const auto config = col("config"), degree = col("degree"), seed = col("seed"), K = col("K"),
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
  if (std::filesystem::exists(out))
    throw InputError(fmt::format("{}: exists; remove it first (a baseline sweep is not resumable)", out));
  struct Result {
    int config, N, degree;
    SingletonCapacityResult r;
  };
  std::vector<Result> results;
  for (int c = 0; c < static_cast<int>(sc.runs.size()); ++c) {
    const auto& b = sc.runs[c].baseline;
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
        o.seed = sc.runs[c].seed;
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
  const std::string tmp = out + fmt::format(".partial-{}", ::getpid());
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::create_file(tmp);
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
  } catch (const std::exception&) {
    std::filesystem::remove(tmp);
    throw InputError(fmt::format("{}: cannot write the output file (directory missing or not writable)", out));
  }
  std::filesystem::rename(tmp, out);
  SweepSummary s;
  for (const auto& x : results) s.evaluations += x.r.evaluations;
  s.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return s;
}

}  // namespace

SweepSummary run_sweep(const Scenario& sc, const std::string& out, const SweepOptions& opt) {
  if (!sc.runs.empty() && !sc.runs[0].baseline.model.empty()) return run_baselines(sc, out, opt);
  const auto t0 = Clock::now();
  for (const auto& r : sc.runs) {
    const auto& sw = r.sweep;
    if (r.model == ModelKind::diffusion)
      throw InputError(fmt::format("{}: key 'kind': diffusion scenarios run with `seqmem run`, not `seqmem sweep`", sc.path));
    if (sw.degrees.empty() || sw.seeds.empty() || sw.alpha_c.empty())
      throw InputError(fmt::format("{}: [sweep] needs non-empty sweep_degrees, sweep_seeds and sweep_alpha_c", sc.path));
    if (r.model != ModelKind::dense_gsemm)
      throw InputError(fmt::format("{}: key 'kind': the capacity sweep is for dense_gsemm", sc.path));
  }
  std::map<Key, Row> cache;
  if (std::filesystem::exists(out)) {
    if (!opt.resume)
      throw InputError(fmt::format("{}: exists; resume it with --resume, or remove it to start over", out));
    cache = read_rows(out, sc);
  }
  {  // writable? (an empty file now, before any work)
    std::vector<Row> rows;
    for (const auto& [k, r] : cache) rows.push_back(r);
    try {
      write_file(out, sc, rows, {}, false);
    } catch (const std::exception&) {
      throw InputError(fmt::format("{}: cannot write the output file (directory missing or not writable)", out));
    }
  }

  struct Pair {
    int config, degree;
    std::uint64_t seed;
  };
  std::vector<Pair> pairs;
  for (int c = 0; c < static_cast<int>(sc.runs.size()); ++c)
    for (int d : sc.runs[c].sweep.degrees)
      for (auto s : sc.runs[c].sweep.seeds) pairs.push_back({c, d, s});
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
  std::string fatal;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int i = 0; i < n; ++i) {
    try {
      const Pair& p = pairs[i];
      const RunSpec& spec = sc.runs[p.config];
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
            t.stall_time = sw.stall_time;
            t.t_max = spec.t_end;
            r.e = evaluate_sequence(t);
            std::lock_guard<std::mutex> g(mu);
            rows.push_back(r);
            ++summary.evaluations;
            if (Clock::now() - last_flush > std::chrono::duration<double>(opt.flush_seconds)) {
              write_file(out, sc, rows, caps, false);
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
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> g(mu);
      fatal = e.what();
    }
  }
  if (!fatal.empty()) throw std::runtime_error(fatal);
  write_file(out, sc, rows, caps, true);
  progress(true);
  if (opt.progress && tty) fmt::print(stderr, "\n");
  summary.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return summary;
}

}  // namespace seqmem
