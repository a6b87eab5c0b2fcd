// What the scenario loader (scenario.cpp) shares with the resolvers of the model kinds
// (sim/kinds/*/resolve_*.cpp): one run's values with where each came from,
// and the resolution steps they have in common. Internal to sim/.
#pragma once

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/choices.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"

namespace seqmem::scenario_detail {

// A number node as a double: integers are converted explicitly (toml++ refuses integers that a
// double cannot hold exactly, e.g. 2^53 + 1).
inline double as_double(const toml::node& n) {
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  return n.as_floating_point()->get();
}

inline std::string number_text(double x) { return fmt::format("{}", x); }

// The values of one run: key -> node, with where each came from (absent: the default). Every key
// a resolver reads (get and the typed readers below) is logged, with the value the model uses where
// it differs from the node (use): the loader records exactly those (RunSpec::resolved).
struct Values {
  std::string path;  // the scenario file
  toml::table vals;
  std::map<std::string, std::string> origin;
  std::set<std::string> overrides;  // keys set by --set, Python's overrides or a [runs] entry
  mutable std::set<std::string> read;             // the keys read since the last clear_log
  mutable std::map<std::string, AttrValue> used;  // values the model uses instead of the node's

  void set(const std::string& key, const toml::node& n, std::string from, bool override = false) {
    vals.insert_or_assign(key, n);
    origin[key] = std::move(from);
    if (override) overrides.insert(key);
    else overrides.erase(key);
  }
  bool given(const std::string& key) const { return origin.count(key) > 0; }
  bool overridden(const std::string& key) const { return overrides.count(key) > 0; }
  const toml::node& get(const std::string& key) const {
    read.insert(key);
    return *vals.get(key);
  }
  // Records the value the model uses for `key` when it differs from the file's (a -1 that asks
  // for a default depending on other keys, a default the kind chooses): the run records it.
  void use(const std::string& key, AttrValue value) const {
    read.insert(key);
    used.insert_or_assign(key, std::move(value));
  }
  void clear_log() const {
    read.clear();
    used.clear();
  }
  const KeyDef& def(const std::string& key) const { return *find_key(key); }

  [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
    auto it = origin.find(key);
    const std::string from = it == origin.end() ? path + " (default value)" : it->second;
    throw InputError(fmt::format("{}: key '{}': {}", from, key, msg));
  }
  // A problem of the scenario as a whole, naming the key it concerns.
  [[noreturn]] void fail_file(const std::string& key, const std::string& msg) const {
    auto it = origin.find(key);
    throw InputError(fmt::format("{}: key '{}': {}", it == origin.end() ? path : it->second, key, msg));
  }

  // What a number outside the range `r` is told: "must be > 0", and for NaN or an infinity
  // "must be finite (> 0)" (inf > 0, yet refused).
  static std::string must_be(const Range& r, double v) {
    const std::string range = r.text();
    return std::isfinite(v) || range == "finite" ? "must be " + range : fmt::format("must be finite ({})", range);
  }
  // Numbers: finite and within the schema's range.
  double num(const std::string& k) const {
    const double v = as_double(get(k));
    const Range& r = def(k).range;
    if (!r.contains(v)) fail(k, fmt::format("{}, got {}", must_be(r, v), number_text(v)));
    return v;
  }
  std::int64_t integer(const std::string& k) const {
    const std::int64_t v = get(k).as_integer()->get();
    const Range& r = def(k).range;
    if (!r.contains(v)) fail(k, fmt::format("must be {}, got {}", r.text(), v));
    return v;
  }
  int int32(const std::string& k) const { return static_cast<int>(integer(k)); }  // schema: fits an int
  std::vector<std::int64_t> int_list(const std::string& k) const {
    std::vector<std::int64_t> out;
    const Range& r = def(k).range;
    for (const auto& e : *get(k).as_array()) {
      const std::int64_t v = e.as_integer()->get();
      if (!r.contains(v)) fail(k, fmt::format("each value must be {}, got {}", r.text(), v));
      out.push_back(v);
    }
    return out;
  }
  std::vector<double> num_list(const std::string& k) const {
    std::vector<double> out;
    const Range& r = def(k).range;
    for (const auto& e : *get(k).as_array()) {
      const double v = as_double(e);
      if (!r.contains(v)) fail(k, fmt::format("each value {}, got {}", must_be(r, v), number_text(v)));
      out.push_back(v);
    }
    return out;
  }
  std::string str(const std::string& k) const { return get(k).as_string()->get(); }
  bool boolean(const std::string& k) const { return get(k).as_boolean()->get(); }
  // A string of the schema's choices.
  std::string choice(const std::string& k) const { return checked_choice(k, str(k)); }
  // Whether key k (a choice of two, read as a flag: V_d0 = "cue") is `option`, which must be one
  // of the schema's choices: a misspelt option is a std::logic_error on every load, not a flag that
  // is silently never set.
  bool chose(const std::string& k, const std::string& option) const {
    const std::string choices = std::string("|") + def(k).choices + "|";
    if (choices.find("|" + option + "|") == std::string::npos)
      throw std::logic_error("Values::chose: '" + option + "' is not a choice of key " + k);
    return choice(k) == option;
  }
  std::string checked_choice(const std::string& k, const std::string& v) const {
    const std::string choices = def(k).choices;
    std::string list;
    std::size_t start = 0;
    while (true) {
      const auto bar = choices.find('|', start);
      const std::string opt = choices.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      if (v == opt) return v;
      if (!opt.empty()) list += list.empty() ? opt : ", " + opt;
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    fail(k, fmt::format("unknown value '{}' (one of: {})", v, list));
  }
  // A file name, relative to the scenario's folder; the file must be readable.
  std::string file(const std::string& k, const std::string& scenario_dir) const {
    std::string v = str(k);
    if (v.empty()) return v;
    std::filesystem::path p(v);
    if (p.is_relative()) p = std::filesystem::path(scenario_dir) / p;
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) fail(k, fmt::format("'{}' is a directory, not a file", p.string()));
    std::ifstream f(p);
    if (!f) fail(k, fmt::format("cannot read file '{}'", p.string()));
    return p.string();
  }
};

// dt, t_end, the tolerances and the step limits of [integrator].
void resolve_integrator_limits(const Values& v, RunSpec& r);
// The [model] keys of a Dense GSEMM that the free-recall engine shares with the GSEMM kinds.
void resolve_network(const Values& v, GsemmParams& p);
// sample_dt: a whole multiple of rk4's step, and at most 1e9 samples.
void resolve_sample_dt(const Values& v, RunSpec& r);

// EDEN's network in [model]: alpha_s, alpha_c, the normalisation and (the code's) beta.
void resolve_eden_network(const Values& v, EdenParams& e);
// 1-based memory labels (key `key`) as 0-based indices, each checked against 1..K.
std::vector<int> memories_zero_based(const Values& v, const std::string& key, const std::vector<std::int64_t>& a,
                                     int K);
// expect_cycle (0-based; empty: no episode check), against K memories.
std::vector<int> resolve_expect_cycle(const Values& v, int K);
// [analysis]: stall_time and the stop rules (st.detect_stall is the caller's); with `runs`, the
// rules that need expect_cycle are refused without one.
void resolve_stop_rules(const Values& v, bool runs, const std::vector<int>& expect_cycle, StopRules& st);

// Each kind's resolver is listed in sim/scenario/kind_rules.cpp (sim/scenario/key_rules.hpp).

}  // namespace seqmem::scenario_detail
