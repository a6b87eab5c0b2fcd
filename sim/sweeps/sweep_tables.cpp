#include "sim/sweeps/sweep_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <type_traits>

#include "sim/core/front_end.hpp"
#include "sim/core/input_error.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/variables.hpp"
#include "sim/sweeps/sweep_file.hpp"

namespace seqmem {
namespace {

// "None" is -1 in an Evaluation and NaN in the file (t_first_error without a wrong visit, dwell with
// fewer than two visits).
double nan_if_none(double x) { return x < 0 ? std::numeric_limits<double>::quiet_NaN() : x; }
double none_if_nan(double x) { return std::isnan(x) ? -1.0 : x; }

}  // namespace

// A row's fields, named once for both directions of its message (mpi::Pack, mpi::Unpack); an
// evaluation's visit_sequence stays on the rank that asked for it.
template <class Ar, class R>
void fields(Ar& ar, R& r) {
  ar(r.config, r.degree, r.seed, r.K, r.alpha_c, r.e.outcome, r.e.cycles, r.e.t_first_error, r.e.t_stop, r.e.wall_s,
     r.e.dwell, r.e.visits, r.e.stats, r.e.fell_back);
}
static_assert(std::is_trivially_copyable_v<Capacity>);  // a capacity's message is its bytes

std::string encode(const Row& r, char kind) {
  mpi::Bytes b;
  b.put(kind);
  mpi::Pack pack(b);
  fields(pack, r);
  return b.str();
}

Row decode_row(mpi::Bytes& b) {
  Row r{};
  mpi::Unpack unpack(b);
  fields(unpack, r);
  return r;
}

std::string encode(const Capacity& c) { return mpi::Bytes().put('C').put(c).str(); }
Capacity decode_capacity(mpi::Bytes& b) { return b.get<Capacity>(); }

const std::vector<std::string>& evaluation_columns() {
  static const std::vector<std::string> c{"config",     "degree",        "seed",   "K",
                                          "alpha_c",    "success",       "outcome", "cycles",
                                          "visits",     "dwell",         "t_first_error", "t_stop",
                                          "solver_steps", "solver_rhs_evals", "fell_back", "wall_time_s"};
  return c;
}

const std::vector<std::string>& capacity_columns() {
  static const std::vector<std::string> c{"config", "degree", "seed", "capacity", "censored", "K_largest_tried", "stop"};
  return c;
}

void write_sweep_file(OutputFile& of, const std::function<void(hid_t root)>& header, std::vector<Row> rows,
                      std::vector<Capacity> caps, bool final, const std::string& resume_hint) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return key(a) < key(b); });
  std::sort(caps.begin(), caps.end(), [](const Capacity& a, const Capacity& b) { return key(a.pair()) < key(b.pair()); });
  const bool per_alpha = std::any_of(caps.begin(), caps.end(), [](const Capacity& c) { return c.alpha_c >= 0; });
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::create_file(of.partial());
    const hid_t root = f.id();
    header(root);
    write_table(root, "evaluations", rows.size(), [&](auto put) {
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
    write_table(root, "capacity", caps.size(), [&](auto put) {
      put("config", column<int>(caps, [](const Capacity& c) { return c.config; }));
      put("degree", column<int>(caps, [](const Capacity& c) { return c.degree; }));
      put("seed", column<std::int64_t>(caps, [](const Capacity& c) { return c.seed; }));
      if (per_alpha) put("alpha_c", column<double>(caps, [](const Capacity& c) { return c.alpha_c; }));
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
  if (final) of.commit();
  else of.commit_checkpoint(fmt::format("{} evaluations", rows.size()), resume_hint);
}

namespace {

// The columns of the table group `table` (every dataset in it, its index included), each 1-D and all
// of one length, `required` among them; InputError naming the file, the table and the column.
struct Columns {
  std::size_t rows = 0;
  std::map<std::string, std::vector<double>> num;
  std::map<std::string, std::vector<std::int64_t>> i64;  // the seeds and counts of 64 bits
  const std::vector<double>& operator[](const std::string& c) const { return num.at(c); }
};

Columns read_columns(hid_t f, const std::string& at, const std::string& table, const std::vector<std::string>& required,
                     const std::vector<std::string>& optional, const std::vector<std::string>& as_int64) {
  if (H5Lexists(f, table.c_str(), H5P_DEFAULT) <= 0)
    throw InputError(fmt::format("{}: no table '{}'", at, table));
  Columns c;
  std::vector<std::string> names;
  h5::for_each_dataset(f, [&](const std::string& name, hid_t) {
    if (name.rfind(table + "/", 0) == 0 && name.find('/', table.size() + 1) == std::string::npos)
      names.push_back(name.substr(table.size() + 1));
  });
  for (const auto& r : required)
    if (std::find(names.begin(), names.end(), r) == names.end())
      throw InputError(fmt::format("{}: table '{}' has no column '{}'", at, table, r));
  std::map<std::size_t, int> lengths;  // rows -> columns of that length
  for (const auto& name : names) {
    if (std::find(required.begin(), required.end(), name) == required.end() &&
        std::find(optional.begin(), optional.end(), name) == optional.end())
      throw InputError(fmt::format("{}: table '{}' has a column '{}' that seqmem does not write", at, table, name));
    try {
      c.num[name] = h5::read_vector(f, table + "/" + name);
      if (std::find(as_int64.begin(), as_int64.end(), name) != as_int64.end())
        c.i64[name] = h5::read_vector_i64(f, table + "/" + name);
    } catch (const std::exception& e) {
      throw InputError(fmt::format("{}: table '{}', column '{}': {}", at, table, name, e.what()));
    }
    ++lengths[c.num[name].size()];
  }
  // the table's length is that of most of its columns; a column of another length is named
  int most = 0;
  for (const auto& [rows, count] : lengths)
    if (count > most) most = count, c.rows = rows;
  for (const auto& name : names)
    if (c.num[name].size() != c.rows)
      throw InputError(fmt::format("{}: table '{}', column '{}' has {} rows, the other columns {}: a damaged or "
                                   "edited file",
                                   at, table, name, c.num[name].size(), c.rows));
  return c;
}

}  // namespace

std::map<Key, Row> read_sweep_rows(const std::string& path, const std::string& scenario_text,
                                   const std::string& overrides_text, const std::string& why) {
  std::map<Key, Row> cache;
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f = h5::open_input(path, why);
  const std::string at = fmt::format("{}: {}", path, why);
  if (h5::read_string_attr(f.id(), "scenario") != scenario_text)
    throw InputError(fmt::format("{}: the file was written from another scenario text", at));
  if (h5::read_string_attr(f.id(), "overrides") != overrides_text)
    throw InputError(fmt::format("{}: the file was written with other {}", at, front_end_words().overrides));
  const Columns c = read_columns(f.id(), at, "evaluations", evaluation_columns(), {"evaluation"},
                                 {"seed", "solver_steps", "solver_rhs_evals"});
  for (std::size_t i = 0; i < c.rows; ++i) {
    Row r{int(c["config"][i]), int(c["degree"][i]), std::uint64_t(c.i64.at("seed")[i]), int(c["K"][i]),
          c["alpha_c"][i], {}};
    r.e.outcome = static_cast<Outcome>(int(c["outcome"][i]));
    r.e.cycles = int(c["cycles"][i]);
    r.e.visits = int(c["visits"][i]);
    r.e.dwell = none_if_nan(c["dwell"][i]);
    r.e.t_first_error = none_if_nan(c["t_first_error"][i]);
    r.e.t_stop = c["t_stop"][i];
    r.e.stats.steps = c.i64.at("solver_steps")[i];
    r.e.stats.rhs_evals = c.i64.at("solver_rhs_evals")[i];
    r.e.fell_back = c["fell_back"][i] != 0;
    r.e.wall_s = c["wall_time_s"][i];
    if (!cache.emplace(key(r), r).second)
      throw InputError(fmt::format("{}: table 'evaluations' holds the evaluation (config {}, degree {}, seed {}, K {}, "
                                   "alpha_c {}) twice",
                                   at, r.config, r.degree, r.seed, r.K, r.alpha_c));
  }
  return cache;
}

std::vector<Capacity> read_sweep_capacities(const std::string& path, const std::string& why) {
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f = h5::open_input(path, why);
  const Columns c =
      read_columns(f.id(), fmt::format("{}: {}", path, why), "capacity", capacity_columns(), {"pair", "alpha_c"}, {"seed"});
  const bool per_alpha = c.num.count("alpha_c") > 0;
  std::vector<Capacity> caps;
  for (std::size_t i = 0; i < c.rows; ++i) {
    Capacity cap{int(c["config"][i]), int(c["degree"][i]), std::uint64_t(c.i64.at("seed")[i]),
                 per_alpha ? c["alpha_c"][i] : -1.0, {}};
    cap.search.capacity = int(c["capacity"][i]);
    cap.search.largest_tried = int(c["K_largest_tried"][i]);
    cap.search.stop = static_cast<SearchStop>(int(c["stop"][i]));
    caps.push_back(cap);
  }
  return caps;
}

}  // namespace seqmem
