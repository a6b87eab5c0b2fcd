// Scenario parsing (toml++): the file's sections and the overrides into Values; the runs are
// expanded and resolved in run_list.cpp (sim/scenario/loader.hpp). See scenario.hpp; the keys,
// types, defaults and ranges are in the schema (schema.cpp).
#include "sim/scenario/scenario.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sim/scenario/loader.hpp"

namespace seqmem {
namespace {

using namespace scenario_detail;

// `s` without the blanks around it.
std::string trimmed(const std::string& s) {
  const auto a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

std::string where(const std::string& file, const toml::source_region& r) {
  return fmt::format("{}:{}:{}", file, r.begin.line, r.begin.column);
}

// Does node `n` have type t? Integers count as numbers.
bool type_ok(const toml::node& n, Type t) {
  auto all = [&](auto pred) {
    const auto* a = n.as_array();
    if (!a) return false;
    for (const auto& e : *a)
      if (!pred(e)) return false;
    return true;
  };
  switch (t) {
    case Type::Int: return n.is_integer();
    case Type::Float: return n.is_number();
    case Type::Bool: return n.is_boolean();
    case Type::String: return n.is_string();
    case Type::IntList: return all([](const toml::node& e) { return e.is_integer(); });
    case Type::FloatList: return all([](const toml::node& e) { return e.is_number(); });
    case Type::StringList: return all([](const toml::node& e) { return e.is_string(); });
    case Type::BoolList: return n.is_boolean() || all([](const toml::node& e) { return e.is_boolean(); });
    case Type::IntListList:
      return all([](const toml::node& e) {
        const auto* a = e.as_array();
        if (!a) return false;
        for (const auto& x : *a)
          if (!x.is_integer()) return false;
        return true;
      });
  }
  return false;
}

// Control characters shown as escapes (\n), so that a message stays one line.
std::string printable(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else out += c;
  }
  return out;
}

}  // namespace

namespace scenario_detail {

void assign(Values& v, const std::string& key, const toml::node& n, const std::string& from, bool override) {
  const KeyDef* d = find_key(key);
  if (!d) {
    const std::string hint = closest_key(key);
    throw InputError(fmt::format("{}: unknown key '{}'{}", from, key, hint.empty() ? "" : "; " + hint));
  }
  if (!type_ok(n, d->type)) throw InputError(fmt::format("{}: key '{}': must be {}", from, key, type_name(d->type)));
  v.set(key, n, from, override);
}

std::string strip_section(const std::string& k, const std::string& from) {
  const auto dot = k.find('.');
  if (dot == std::string::npos) return k;
  const std::string sec = k.substr(0, dot), key = k.substr(dot + 1);
  if (sec == "runs") throw InputError(fmt::format("{}: {}", from, kRunsNotOverridable));
  if (!is_section(sec)) return k;  // unknown key 'k' (assign)
  const KeyDef* d = find_key(key);
  if (d && sec == d->section) return key;
  if (d)
    throw InputError(fmt::format("{}: key '{}' does not belong in [{}]; it belongs {}", from, key, sec,
                                 *d->section ? fmt::format("in [{}]", d->section) : std::string("at the top level")));
  const std::string hint = closest_key(key);
  throw InputError(fmt::format("{}: unknown key '{}' in [{}]{}", from, key, sec, hint.empty() ? "" : "; " + hint));
}

std::string node_text(const toml::node& n) {
  std::ostringstream os;
  n.visit([&](auto&& x) { os << x; });
  return os.str();
}

const toml::node& default_node(const KeyDef& k) {
  static const toml::table defaults = [] {
    toml::table t;
    for (const auto& d : schema()) {
      toml::table one = toml::parse(std::string("v = ") + d.def);
      t.insert_or_assign(d.key, *one.get("v"));
    }
    return t;
  }();
  return *defaults.get(k.key);
}

}  // namespace scenario_detail

namespace {

// The file's sections and top-level keys into `base` (their names into `sections`): unknown
// sections and keys, and keys in the wrong section, are refused with a hint. Returns [runs], or null.
const toml::table* read_sections(const toml::table& doc, const AtKey& at_key, Values& base,
                                 std::vector<std::string>& sections) {
  const toml::table* runs = nullptr;
  for (auto&& [k, node] : doc) {
    const std::string key(k.str());
    const std::string at = at_key(k.source(), {key});
    if (const auto* t = node.as_table()) {
      if (!is_section(key)) {
        const KeyDef* d = find_key(key);
        const std::string hint = closest_section(key);
        throw InputError(fmt::format("{}: unknown section [{}]{}", at, key,
                                     d ? fmt::format("; '{}' is a key of [{}]", key, *d->section ? d->section : "top level")
                                     : hint.empty() ? ""
                                                    : "; " + hint));
      }
      sections.push_back(key);
      if (key == "runs") {
        runs = t;
        continue;
      }
      for (auto&& [k2, n2] : *t) {
        const std::string key2(k2.str());
        const KeyDef* d = find_key(key2);
        const std::string at2 = at_key(k2.source(), {key, key2});
        if (!d) {
          const std::string hint = closest_key(key2);
          throw InputError(fmt::format("{}: unknown key '{}' in [{}]{}", at2, key2, key, hint.empty() ? "" : "; " + hint));
        }
        if (key != d->section)
          throw InputError(fmt::format("{}: key '{}' does not belong in [{}]; it belongs {}", at2, key2, key,
                                       *d->section ? fmt::format("in [{}]", d->section) : std::string("at the top level")));
        assign(base, key2, n2, at2);
      }
    } else {
      if (is_section(key))
        throw InputError(fmt::format("{}: '{}' is a section: write [{}] followed by its keys (one table, not an "
                                     "array of tables or a value)",
                                     at, key, key));
      const KeyDef* d = find_key(key);
      if (!d || std::string(d->section) != "") {
        const std::string hint = d ? fmt::format(" (it belongs in [{}])", d->section)
                                   : (closest_key(key).empty() ? "" : "; " + closest_key(key));
        throw InputError(fmt::format("{}: unknown top-level key '{}'{}", at, key, hint));
      }
      assign(base, key, node, at);
    }
  }

  return runs;
}

// The overrides (--set key=value, Python's overrides), each one TOML value on one line, into the
// run list's base values; `at(i)` names override i in messages.
void apply_overrides(const std::vector<std::string>& overrides, const std::function<std::string(std::size_t)>& at,
                     RunList::Impl& impl) {
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const std::string& o = overrides[i];
    const std::string from = at(i);
    const auto eq = o.find('=');
    if (eq == std::string::npos) throw InputError(fmt::format("{}: expected key=value", printable(from)));
    for (char c : o)
      if (c == '\n' || c == '\r' || c == '\0')
        throw InputError(fmt::format("{}: the value must be one TOML value on one line", printable(from)));
    const std::string key = strip_section(trimmed(o.substr(0, eq)), from);  // --set "alpha_c = 0.1"
    const std::string val = o.substr(eq + 1);
    auto d = std::make_shared<toml::table>();
    try {
      *d = toml::parse("v = " + val);
    } catch (const toml::parse_error&) {
      if (!val.empty() && val.find_first_not_of("+-0123456789_") == std::string::npos &&
          val.find_first_of("0123456789") != std::string::npos)
        throw InputError(fmt::format("{}: key '{}': {} is beyond the 64-bit integer range", from, key, val));
      try {  // a bare word is a string: --set stepper=dopri5
        *d = toml::parse("v = \"" + val + "\"");
      } catch (const toml::parse_error& e) {
        throw InputError(fmt::format("{}: {}", printable(from), e.description()));
      }
    }
    if (d->size() != 1 || !d->get("v"))
      throw InputError(fmt::format("{}: the value must be one TOML value", from));
    impl.set_docs.push_back(d);
    assign(impl.base, key, *d->get("v"), from, true);
  }

}

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  Scenario sc;
  sc.path = path;
  sc.overrides = overrides;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(fmt::format("{}: is a directory, not a scenario file", path));
  {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(fmt::format("{}: cannot read the scenario file", path));
    std::ostringstream os;
    os << f.rdbuf();
    if (f.bad()) throw InputError(fmt::format("{}: cannot read the scenario file", path));
    sc.text = os.str();
  }
  return load_scenario_text(sc.text, path, std::filesystem::path(path).parent_path().string(), overrides);
}

Scenario load_scenario_text(const std::string& text, const std::string& path, const std::string& dir,
                            const std::vector<std::string>& overrides, const SourceNames& names) {
  // Where a value came from, in messages: FILE:LINE:COLUMN, or the key path the caller names.
  const AtKey at_key = [&](const toml::source_region& r, const std::vector<std::string>& key_path) {
    return names.key ? names.key(key_path) : where(path, r);
  };
  auto at_override = [&](std::size_t i) {
    return i < names.overrides.size() ? names.overrides[i] : fmt::format("--set {}", overrides[i]);
  };
  Scenario sc;
  sc.path = path;
  sc.overrides = overrides;
  sc.text = text;
  auto impl = std::make_shared<RunList::Impl>();
  impl->path = path;
  impl->dir = dir;
  impl->doc = std::make_shared<toml::table>();
  try {
    *impl->doc = toml::parse(sc.text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}: {}", where(path, e.source()), e.description()));
  }
  const toml::table& doc = *impl->doc;
  if (doc.empty() && overrides.empty())
    throw InputError(fmt::format("{}: the scenario is empty: it needs at least [memories] K (GSEMM) or [model] kind = "
                                 "\"diffusion\" (see `seqmem keys`)",
                                 path));

  Values& base = impl->base;
  base.path = path;
  for (const auto& k : schema()) base.vals.insert_or_assign(k.key, default_node(k));
  const toml::table* runs = read_sections(doc, at_key, base, sc.sections);
  impl->file_only = base;
  apply_overrides(overrides, at_override, *impl);

  impl->expand(runs, at_key);
  sc.runs = RunList(impl);

  impl->check_runs(sc, overrides);
  return sc;
}

}  // namespace seqmem
