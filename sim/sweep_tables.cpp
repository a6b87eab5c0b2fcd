#include "sweep_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include "output_file.hpp"
#include "sweep_file.hpp"
#include "variables.hpp"

namespace seqmem {
namespace {

// "None" is -1 in an Evaluation and NaN in the file (t_first_error without a wrong visit, dwell with
// fewer than two visits).
double nan_if_none(double x) { return x < 0 ? std::numeric_limits<double>::quiet_NaN() : x; }
double none_if_nan(double x) { return std::isnan(x) ? -1.0 : x; }

}  // namespace

std::string encode(const Row& r, char kind) {
  mpi::Bytes b;
  b.put(kind).put(r.config).put(r.degree).put(r.seed).put(r.K).put(r.alpha_c);
  const Evaluation& e = r.e;
  b.put(e.outcome).put(e.cycles).put(e.t_first_error).put(e.t_stop).put(e.wall_s).put(e.dwell).put(e.visits);
  b.put(e.stats).put(e.fell_back);
  return b.str();
}

Row decode_row(mpi::Bytes& b) {
  Row r{};
  r.config = b.get<int>();
  r.degree = b.get<int>();
  r.seed = b.get<std::uint64_t>();
  r.K = b.get<int>();
  r.alpha_c = b.get<double>();
  Evaluation& e = r.e;
  e.outcome = b.get<Outcome>();
  e.cycles = b.get<int>();
  e.t_first_error = b.get<double>();
  e.t_stop = b.get<double>();
  e.wall_s = b.get<double>();
  e.dwell = b.get<double>();
  e.visits = b.get<int>();
  e.stats = b.get<SolverStats>();
  e.fell_back = b.get<bool>();
  return r;
}

std::string encode(const Capacity& c) {
  return mpi::Bytes().put('C').put(c.config).put(c.degree).put(c.seed).put(c.search).str();
}

Capacity decode_capacity(mpi::Bytes& b) {
  Capacity c{};
  c.config = b.get<int>();
  c.degree = b.get<int>();
  c.seed = b.get<std::uint64_t>();
  c.search = b.get<SearchResult>();
  return c;
}

void write_sweep_file(OutputFile& of, const std::function<void(hid_t root)>& header, std::vector<Row> rows,
                      std::vector<Capacity> caps) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return key(a) < key(b); });
  std::sort(caps.begin(), caps.end(), [](const Capacity& a, const Capacity& b) {
    return std::tie(a.config, a.degree, a.seed) < std::tie(b.config, b.degree, b.seed);
  });
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::create_file(of.partial());
    const hid_t root = f.id();
    header(root);
    write_table(root, "evaluations", "evaluation", rows.size(), [&](auto put) {
      put("config", column<int>(rows, [](const Row& r) { return r.config; }));
      put("degree", column<int>(rows, [](const Row& r) { return r.degree; }));
      put("seed", column<std::int64_t>(rows, [](const Row& r) { return r.seed; }));
      put("K", column<int>(rows, [](const Row& r) { return r.K; }));
      put("alpha_c", column<double>(rows, [](const Row& r) { return r.alpha_c; }));
      put("success", column<int>(rows, [](const Row& r) { return r.e.success(); }));
      put("outcome", column<int>(rows, [](const Row& r) { return static_cast<int>(r.e.outcome); }));
      put("cycles", column<int>(rows, [](const Row& r) { return r.e.cycles; }));
      put("visits", column<int>(rows, [](const Row& r) { return r.e.visits; }));
      put("dwell", column<double>(rows, [](const Row& r) { return nan_if_none(r.e.dwell); }));
      put("t_first_error", column<double>(rows, [](const Row& r) { return nan_if_none(r.e.t_first_error); }));
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
      put("stop", column<int>(caps, [](const Capacity& c) { return static_cast<int>(c.search.stop); }));
    });
    describe_variables(root);
    h5::close_file(f);
  } catch (const h5::Error& e) {
    throw_write_error(of.path(), e.what());
  }
  of.commit();
}

std::map<Key, Row> read_sweep_rows(const std::string& path, const std::string& scenario_text,
                                   const std::string& overrides_text, const std::string& why) {
  std::map<Key, Row> cache;
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f;
  try {
    f = h5::open_file_readonly(path);
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: {}: cannot open it as HDF5", path, why));
  }
  if (h5::read_string_attr(f.id(), "scenario") != scenario_text)
    throw InputError(fmt::format("{}: {}: the file was written from another scenario text", path, why));
  if (h5::read_string_attr(f.id(), "overrides") != overrides_text)
    throw InputError(fmt::format("{}: {}: the file was written with other --set overrides", path, why));
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
      r.e.dwell = none_if_nan(dwell[i]);
      r.e.t_first_error = none_if_nan(t_err[i]);
      r.e.t_stop = t_stop[i];
      r.e.stats.steps = steps[i];
      r.e.stats.rhs_evals = evals[i];
      r.e.fell_back = fell_back[i] != 0;
      r.e.wall_s = wall[i];
      cache[key(r)] = r;
    }
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("{}: {}: not a sweep file of this seqmem version ({})", path, why, e.what()));
  }
  return cache;
}


std::vector<Capacity> read_sweep_capacities(const std::string& path) {
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f = h5::open_file_readonly(path);
  const auto config = h5::read_vector(f.id(), "capacity/config"), degree = h5::read_vector(f.id(), "capacity/degree"),
             capacity = h5::read_vector(f.id(), "capacity/capacity"),
             tried = h5::read_vector(f.id(), "capacity/K_largest_tried"), stop = h5::read_vector(f.id(), "capacity/stop");
  const auto seed = h5::read_vector_i64(f.id(), "capacity/seed");
  std::vector<Capacity> caps;
  for (std::size_t i = 0; i < config.size(); ++i) {
    Capacity c{int(config[i]), int(degree[i]), std::uint64_t(seed[i]), {}};
    c.search.capacity = int(capacity[i]);
    c.search.largest_tried = int(tried[i]);
    c.search.stop = static_cast<SearchStop>(int(stop[i]));
    caps.push_back(c);
  }
  return caps;
}

}  // namespace seqmem
