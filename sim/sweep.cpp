// `seqmem sweep` on a [sweep] scenario (see sweep.hpp).
#include "sweep.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>

#include "../analysis/capacity.hpp"
#include "../analysis/capacity_cost.hpp"
#include "h5file.hpp"
#include "integrate.hpp"
#include "output_file.hpp"
#include "resources.hpp"
#include "run_scenario.hpp"
#include "sweep_file.hpp"

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

struct Capacity {  // one (configuration, degree, seed)
  int config, degree;
  std::uint64_t seed;
  SearchResult search;
};

const char* kStops = "0 failure (a K failed: the capacity is measured), 1 K_max (every K up to K_max succeeded: a "
                     "lower bound), 2 censored (an evaluation ran out of its budget: a lower bound)";

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
    write_sweep_header(root, sc, complete);
    write_table(root, "evaluations", "evaluation", rows.size(), [&](auto put) {
      put("config", column<int>(rows, [](const Row& r) { return r.config; }));
      put("degree", column<int>(rows, [](const Row& r) { return r.degree; }));
      put("seed", column<std::int64_t>(rows, [](const Row& r) { return r.seed; }));
      put("K", column<int>(rows, [](const Row& r) { return r.K; }));
      put("alpha_c", column<double>(rows, [](const Row& r) { return r.alpha_c; }));
      put("success", column<int>(rows, [](const Row& r) { return r.e.success(); }));
      h5::Handle o = put("outcome", column<int>(rows, [](const Row& r) { return static_cast<int>(r.e.outcome); }));
      h5::set_attr(o.id(), "codes", std::string(kOutcomeCodes));
      put("cycles", column<int>(rows, [](const Row& r) { return r.e.cycles; }));
      put("visits", column<int>(rows, [](const Row& r) { return r.e.visits; }));
      put("dwell", column<double>(rows, [](const Row& r) { return r.e.dwell; }));
      put("t_first_error", column<double>(rows, [](const Row& r) { return r.e.t_first_error; }));
      put("t_stop", column<double>(rows, [](const Row& r) { return r.e.t_stop; }));
      put("solver_steps", column<std::int64_t>(rows, [](const Row& r) { return r.e.stats.steps; }));
      put("solver_rhs_evals", column<std::int64_t>(rows, [](const Row& r) { return r.e.stats.rhs_evals; }));
      put("fell_back", column<int>(rows, [](const Row& r) { return r.e.fell_back; }));
      put("wall_time_s", column<double>(rows, [](const Row& r) { return r.e.wall_s; }));
    });
    write_table(root, "capacity", "pair", caps.size(), [&](auto put) {
      put("config", column<int>(caps, [](const Capacity& c) { return c.config; }));
      put("degree", column<int>(caps, [](const Capacity& c) { return c.degree; }));
      put("seed", column<std::int64_t>(caps, [](const Capacity& c) { return c.seed; }));
      put("capacity", column<int>(caps, [](const Capacity& c) { return c.search.capacity; }));
      put("censored", column<int>(caps, [](const Capacity& c) { return c.search.stop != SearchStop::failure; }));
      put("K_largest_tried", column<int>(caps, [](const Capacity& c) { return c.search.largest_tried; }));
      h5::Handle s = put("stop", column<int>(caps, [](const Capacity& c) { return static_cast<int>(c.search.stop); }));
      h5::set_attr(s.id(), "codes", std::string(kStops));
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
  try {
    auto col = [&](const char* c) { return h5::read_vector(f.id(), std::string("evaluations/") + c); };
    auto col64 = [&](const char* c) { return h5::read_vector_i64(f.id(), std::string("evaluations/") + c); };
    const auto seed = col64("seed"), steps = col64("solver_steps"), evals = col64("solver_rhs_evals");
    const auto fell_back = col("fell_back");
    const auto config = col("config"), degree = col("degree"), K = col("K"), alpha_c = col("alpha_c"),
               outcome = col("outcome"), cycles = col("cycles"), visits = col("visits"), dwell = col("dwell"),
               t_err = col("t_first_error"), t_stop = col("t_stop"), wall = col("wall_time_s");
    for (std::size_t i = 0; i < config.size(); ++i) {
      Row r{int(config[i]), int(degree[i]), std::uint64_t(seed[i]), int(K[i]), alpha_c[i], {}};
      r.e.outcome = static_cast<Outcome>(int(outcome[i]));
      r.e.cycles = int(cycles[i]);
      r.e.visits = int(visits[i]);
      r.e.dwell = dwell[i];
      r.e.t_first_error = t_err[i];
      r.e.t_stop = t_stop[i];
      r.e.stats.steps = steps[i];
      r.e.stats.rhs_evals = evals[i];
      r.e.fell_back = fell_back[i] != 0;
      r.e.wall_s = wall[i];
      cache[key(r)] = r;
    }
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("{}: --resume: not a sweep file of this seqmem version ({})", path, e.what()));
  }
  return cache;
}

// One evaluation's task from a configuration of the scenario.
SequenceTask make_task(const RunSpec& spec, int degree, std::uint64_t seed, int K, double alpha_c) {
  const auto& sw = spec.sweep;
  SequenceTask t;
  t.N_f = spec.N_f;
  t.K = K;
  t.seed = seed;
  t.params = spec.params;
  t.params.sigma_h.degree = degree;
  t.params.alpha_c = alpha_c;
  t.cue_amplitude = spec.cue_amplitude;
  t.threshold = spec.threshold;
  t.cycles_required = sw.cycles_required;
  t.stall_time = spec.stop.stall_time;
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

std::string hours(double s) { return s < 3600 ? fmt::format("{:.1f} min", s / 60) : fmt::format("{:.1f} h", s / 3600); }

// The cost model before the work starts: a success at K_max and the grow phase of one pair.
void print_cost(const std::vector<RunSpec>& configs, std::size_t pairs) {
  const RunSpec& spec = configs.front();
  const auto& sw = spec.sweep;
  const int K = sw.K_list.empty() ? sw.K_max : sw.K_list.back();
  const int degree = *std::max_element(sw.degrees.begin(), sw.degrees.end());
  const double alpha = *std::min_element(sw.alpha_c.begin(), sw.alpha_c.end());
  const double alpha_hi = *std::max_element(sw.alpha_c.begin(), sw.alpha_c.end());
  const CapacityCost c = capacity_cost(make_task(spec, degree, sw.seeds.front(), K, alpha_hi));
  const CapacityCost c_lo = capacity_cost(make_task(spec, degree, sw.seeds.front(), K, alpha));
  const double best = c.success_seconds(K, sw.cycles_required), worst = c_lo.success_seconds(K, sw.cycles_required);
  // grow phase 2, 4, ..., K_max: about twice the last success
  fmt::print(stderr,
             "sweep: cost model (analysis/capacity_cost.hpp): one right-hand side at K = {} takes {:.1f} us here, "
             "{} with about {:.0f} right-hand sides per memory; a success at K = {} ({} cycles, dwell {:.0f} to {:.0f} "
             "per memory) costs {} to {} of one core; a pair that succeeds up to K = {} about {} to {}, "
             "{} pairs up to {} core-hours at most\n",
             K, 1e6 * c.rhs_seconds, to_string(spec.stepper), c.evals_per_memory, K, sw.cycles_required, c.dwell,
             c_lo.dwell, hours(best), hours(worst), K, hours(2 * best), hours(2 * worst), pairs,
             fmt::format("{:.1f}", 2 * worst * static_cast<double>(pairs) / 3600));
}

// The capacities as a table on stdout: one row per configuration and degree, one column per seed;
// '>=' marks a lower bound (censored or K_max reached).
void print_capacities(const std::vector<RunSpec>& configs, std::vector<Capacity> caps) {
  std::sort(caps.begin(), caps.end(), [](const Capacity& a, const Capacity& b) {
    return std::tie(a.config, a.degree, a.seed) < std::tie(b.config, b.degree, b.seed);
  });
  for (std::size_t c = 0; c < configs.size(); ++c) {
    const auto& seeds = configs[c].sweep.seeds;
    std::string head = fmt::format("{:>8}", "degree");
    for (auto s : seeds) head += fmt::format(" {:>8}", fmt::format("seed {}", s));
    fmt::print("capacity{}:\n{}\n", configs.size() > 1 ? fmt::format(" ({})", configs[c].id) : "", head);
    for (int d : configs[c].sweep.degrees) {
      std::string row = fmt::format("{:>8}", d);
      for (auto s : seeds) {
        std::string cell = "-";
        for (const auto& x : caps)
          if (x.config == static_cast<int>(c) && x.degree == d && x.seed == s)
            cell = fmt::format("{}{}", x.search.stop == SearchStop::failure ? "" : ">=", x.search.capacity);
        row += fmt::format(" {:>8}", cell);
      }
      fmt::print("{}\n", row);
    }
  }
  fmt::print("('>=': a lower bound, the search reached K_max or an evaluation's budget)\n");
}

}  // namespace

SweepSummary run_sweep(const Scenario& sc, const std::string& out, const SweepOptions& opt) {
  if (sc.command == Command::run) {
    const bool diffusion = sc.runs[0].model == ModelKind::diffusion;
    const bool empty_sweep = std::find(sc.sections.begin(), sc.sections.end(), "sweep") != sc.sections.end();
    throw InputError(fmt::format(
        "{}: {}", sc.path,
        diffusion     ? "key 'kind': a diffusion scenario has no capacity sweep: run it with `seqmem run`"
        : empty_sweep ? "[sweep] is empty: a capacity sweep needs sweep_degrees, sweep_seeds and sweep_alpha_c"
                      : "no [sweep] or [baseline] section, so there is nothing to sweep: run it with `seqmem run`"));
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
  if (opt.progress) print_cost(configs, pairs.size());

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
    const std::string eta = pairs_done ? fmt::format("{:.0f} s", el / pairs_done * (pairs.size() - pairs_done)) : "?";
    fmt::print(stderr, "{}sweep: pairs {}/{}, evaluations {} (+{} resumed), elapsed {:.0f} s, eta {}{}",
               tty ? "\r" : "", pairs_done, pairs.size(), summary.evaluations, summary.reused, el, eta,
               tty ? "   " : "\n");
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
      double winner = -1;  // the alpha_c that succeeded at the previous K
      auto evaluate = [&](int K) {
        bool censored = false;
        for (double a : alpha_order(sw.alpha_c, opt.alpha_from_previous ? winner : -1.0)) {
          Row r{p.config, p.degree, p.seed, K, a, {}};
          if (auto it = cache.find(key(r)); it != cache.end()) {
            std::lock_guard<std::mutex> g(mu);
            ++summary.reused;
            r = it->second;
          } else {
            SequenceTask t = make_task(spec, p.degree, p.seed, K, a);
            t.dense_products = opt.dense_products;
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
          if (r.e.success()) {
            winner = a;
            return Verdict::success;
          }
          censored |= r.e.censored();
        }
        return censored ? Verdict::censored : Verdict::failure;
      };
      const SearchResult found = search_capacity(sw.K_min, sw.K_max, sw.K_growth, sw.K_list, evaluate);
      std::lock_guard<std::mutex> g(mu);
      caps.push_back({p.config, p.degree, p.seed, found});
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
  print_capacities(configs, caps);
  summary.wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
  return summary;
}

}  // namespace seqmem
