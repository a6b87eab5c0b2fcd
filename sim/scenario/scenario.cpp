// Scenario parsing, validation and run expansion (toml++). See scenario.hpp; the keys, types,
// defaults and ranges are in the schema (schema.cpp).
#include "sim/scenario/scenario.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sim/core/front_end.hpp"
#include "sim/scenario/key_rules.hpp"
#include "sim/scenario/keys_read.hpp"
#include "sim/scenario/scenario_values.hpp"
#include "sim/scenario/schema.hpp"

namespace seqmem {


namespace {

using namespace scenario_detail;

// How messages name a run that does not read key k, with the setting that decides.
std::string unread_context(const KeyDef& k, const RunSpec& r) {
  // "... with surface_plane = \"pca\"", "... without Xi_file", "...: sweep_degrees sets it"
  std::string why = key_unread_reason(k, r);
  if (why.find(" sets it") != std::string::npos) why = ": " + why;
  else if (!why.empty()) why = (why.compare(0, 4, "with") == 0 ? " " : " with ") + why;
  if (r.command == Command::baseline) return "a baseline ([baseline])" + why;
  if (r.command == Command::sweep) return "a capacity sweep ([sweep])" + why;
  const auto describe = kind_rules(r.model).describe;
  return (describe ? describe(r) : fmt::format("this run (kind = \"{}\")", to_string(r.model))) + why;
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

// Checks the type of one key/value from the file, an override or [runs] and stores it.
// `override`: set by --set, Python's overrides or a [runs] entry, not by the file's sections.
void assign(Values& v, const std::string& key, const toml::node& n, const std::string& from, bool override = false) {
  const KeyDef* d = find_key(key);
  if (!d) {
    const std::string hint = closest_key(key);
    throw InputError(fmt::format("{}: unknown key '{}'{}", from, key, hint.empty() ? "" : "; " + hint));
  }
  if (!type_ok(n, d->type)) throw InputError(fmt::format("{}: key '{}': must be {}", from, key, type_name(d->type)));
  v.set(key, n, from, override);
}

// A key as --set and [runs] take it: bare (alpha_c) or with its section (model.alpha_c). A known
// key under another section is refused with the section it belongs in; an unknown key after a
// section's name gets the hint for the bare key.
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

// Whether two values are the same: numbers by value (1 and 1.0), anything else by its TOML text.
bool same_value(const toml::node& a, const toml::node& b) {
  if (a.is_number() && b.is_number()) return as_double(a) == as_double(b);
  return node_text(a) == node_text(b);
}

// The schema's default of a key as a TOML node.
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

// A key set (in the file, --set or [runs]) that does not apply to the run's model kind is an error.
void check_family(const Values& v, Family fam, const std::string& kind) {
  for (const auto& k : schema())
    if (!in_family(k.family, fam) && v.given(k.key))
      v.fail(k.key, fmt::format("does not apply to kind = \"{}\"", kind));
}

AttrValue attr_value(const toml::node& n) {
  if (n.is_integer()) return n.as_integer()->get();
  if (n.is_floating_point()) return n.as_floating_point()->get();
  if (n.is_boolean()) return n.as_boolean()->get();
  if (n.is_string()) return n.as_string()->get();
  return node_text(n);  // a list: its TOML text
}

// The keys of the kind's family that its resolver read, as they were read (Values::read, and
// Values::used for the values the model uses instead of the file's), in schema order. A key the
// kind's rule says the run reads must have been read: a resolver that forgot one is a bug.
void record_keys_read(const Values& v, Family fam, RunSpec& r) {
  for (const auto& k : schema())
    if (in_family(k.family, fam) && v.read.count(k.key)) {
      const auto u = v.used.find(k.key);
      r.resolved.emplace_back(k.key, u != v.used.end() ? u->second : attr_value(v.get(k.key)));
    }
  std::vector<std::string> missed;
  for (const auto& k : schema())
    if (in_family(k.family, fam) && !v.read.count(k.key) && key_applies(k, r)) missed.push_back(k.key);
  if (!missed.empty())
    throw std::logic_error(fmt::format("the resolver of kind = \"{}\" did not read {}, which apply to the run",
                                       to_string(r.model), fmt::join(missed, ", ")));
}

RunSpec resolve(const Values& v, const std::string& dir) {
  v.clear_log();
  RunSpec r;
  r.seed = static_cast<std::uint64_t>(v.integer("seed"));
  const std::string kind = v.choice("kind");
  r.model = parse_choice<ModelKind>(kind);
  for (const char* k : {"name", "description"}) v.str(k);  // recorded on every run's group
  const KindRules& rules = kind_rules(r.model);
  check_family(v, rules.family, kind);
  r = rules.resolve(v, dir, std::move(r));
  record_keys_read(v, rules.family, r);
  return r;
}

// One run's overrides from [runs]: (key, node, origin).
struct Override {
  std::string key;
  const toml::node* node;
  std::string from;
};

// One axis of the [runs] expansion: the list (each entry a set of overrides) or one grid key.
struct Axis {
  std::vector<std::vector<Override>> choices;
  std::size_t stride = 1;  // of its choice in the run index
};

}  // namespace

struct RunList::Impl {
  std::string path, dir;
  std::shared_ptr<toml::table> doc;                  // the nodes the overrides point to
  std::vector<std::shared_ptr<toml::table>> set_docs;
  Values base;       // the file and --set
  Values file_only;  // the file alone
  std::vector<Axis> axes;  // in the order they were applied
  std::size_t n = 1;

  // Run i from `from` (base, or file_only) and its [runs] entries. A key given by an override
  // (--set, Python's overrides) or by the run's [runs] entry that the run does not read is an
  // error; the keys of the file's sections that it does not read are added to `unread` (the
  // scenario decides: a key no run reads is an error, load_scenario_text).
  // `ignored` (optional): notes on overrides that set an unread key to its default (below).
  RunSpec resolve_run(std::size_t i, const Values& from, std::vector<const KeyDef*>* unread,
                      std::set<std::string>* ignored = nullptr) const {
    Values v = from;
    std::set<std::string> by_entry;  // the keys this run's [runs] entries set
    for (const auto& a : axes)
      for (const auto& o : a.choices[(i / a.stride) % a.choices.size()]) {
        assign(v, o.key, *o.node, o.from, true);
        by_entry.insert(o.key);
      }
    RunSpec r = resolve(v, dir);
    r.id = fmt::format("r{:04d}", i);
    for (const auto& k : schema()) {
      if (!v.given(k.key) || key_read(k, r)) continue;
      // An override back to the key's default unsets what came before it (Y_file = "" in a [runs]
      // entry after the file's Y_file; K_list = [] from a script that resets it in every file); one
      // that nothing came before is ignored with a note (--set abs_tol=1e-8 on an rk4 scenario).
      if (v.overridden(k.key) && same_value(v.get(k.key), default_node(k))) {
        const bool given_before = by_entry.count(k.key) ? from.given(k.key) : file_only.given(k.key);
        if (!given_before && ignored)
          ignored->insert(fmt::format("{}: key '{}' is set to its default, which {} does not read; it is ignored",
                                      v.origin.at(k.key), k.key, unread_context(k, r)));
        continue;
      }
      if (v.overridden(k.key)) v.fail(k.key, fmt::format("does not apply to {}; remove it", unread_context(k, r)));
      if (unread) unread->push_back(&k);
    }
    return r;
  }
};

std::size_t RunList::size() const { return impl_ ? impl_->n : 0; }
RunSpec RunList::operator[](std::size_t i) const { return impl_->resolve_run(i, impl_->base, nullptr); }

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
  auto at_key = [&](const toml::source_region& r, const std::vector<std::string>& key_path) {
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
      sc.sections.push_back(key);
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

  impl->file_only = base;
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    const std::string& o = overrides[i];
    const std::string from = at_override(i);
    const auto eq = o.find('=');
    if (eq == std::string::npos) throw InputError(fmt::format("{}: expected key=value", printable(from)));
    for (char c : o)
      if (c == '\n' || c == '\r' || c == '\0')
        throw InputError(fmt::format("{}: the value must be one TOML value on one line", printable(from)));
    const std::string key = strip_section(o.substr(0, eq), from);
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
    impl->set_docs.push_back(d);
    assign(base, key, *d->get("v"), from, true);
  }

  // [runs]: list = [{...}, ...] and/or grid = {key = [values]}; the list crossed with the grid.
  // The list becomes the outer axis, each grid key an inner one (in the order of the table).
  std::size_t n = 1;
  auto grow = [&](std::size_t size, const std::string& at) {
    if (size > kMaxRuns || n > kMaxRuns / size)
      throw InputError(fmt::format("{}: [runs] expands to more than {} runs", at, kMaxRuns));
    n *= size;
  };
  if (runs) {
    if (runs->empty()) throw InputError(fmt::format("{}: [runs] needs list = [...] or grid = {{...}}", path));
    for (auto&& [k, node] : *runs) {
      const std::string key(k.str());
      const std::string at = at_key(k.source(), {"runs", key});
      if (key == "list") {
        const auto* a = node.as_array();
        if (!a || a->empty()) throw InputError(fmt::format("{}: [runs] list must be a non-empty array of tables", at));
        Axis axis;
        for (std::size_t j = 0; j < a->size(); ++j) {
          const auto& e = *a->get(j);
          const auto* t = e.as_table();
          if (!t)
            throw InputError(fmt::format("{}: [runs] list must hold tables", at_key(e.source(), {"runs", "list", std::to_string(j)})));
          std::vector<Override> c;
          for (auto&& [k2, n2] : *t) {
            const std::string at2 = at_key(k2.source(), {"runs", "list", std::to_string(j), std::string(k2.str())});
            c.push_back({strip_section(std::string(k2.str()), at2), &n2, at2});
          }
          axis.choices.push_back(std::move(c));
        }
        axis.stride = n;  // outer
        grow(axis.choices.size(), at);
        impl->axes.push_back(std::move(axis));
      } else if (key == "grid") {
        const auto* t = node.as_table();
        if (!t) throw InputError(fmt::format("{}: [runs] grid must be a table of key = [values]", at));
        for (auto&& [k2, n2] : *t) {
          const auto* a = n2.as_array();
          const std::string at2 = at_key(k2.source(), {"runs", "grid", std::string(k2.str())});
          if (!a || a->empty())
            throw InputError(fmt::format("{}: key '{}': a grid axis must be a non-empty array", at2, std::string(k2.str())));
          Axis axis;
          for (std::size_t j = 0; j < a->size(); ++j)
            axis.choices.push_back({{strip_section(std::string(k2.str()), at2), a->get(j),
                                     at_key(a->get(j)->source(), {"runs", "grid", std::string(k2.str()), std::to_string(j)})}});
          grow(axis.choices.size(), at2);
          for (auto& prev : impl->axes) prev.stride *= axis.choices.size();  // inner
          axis.stride = 1;
          impl->axes.push_back(std::move(axis));
        }
      } else {
        throw InputError(fmt::format("{}: unknown key '{}' in [runs] (list or grid)", at, key));
      }
    }
  }
  // A key set by both the list and the grid would have no defined value.
  if (const toml::node *l = runs ? runs->get("list") : nullptr, *g = runs ? runs->get("grid") : nullptr; l && g) {
    std::set<std::string> grid_keys;
    for (auto&& [k2, n2] : *g->as_table()) grid_keys.insert(strip_section(std::string(k2.str()), ""));
    const auto& list = *l->as_array();
    for (std::size_t j = 0; j < list.size(); ++j)
      for (auto&& [k2, n2] : *list.get(j)->as_table())
        if (grid_keys.count(strip_section(std::string(k2.str()), "")))
          throw InputError(fmt::format("{}: key '{}' is set by both the [runs] list and the grid: give it in one of them",
                                       at_key(k2.source(), {"runs", "list", std::to_string(j), std::string(k2.str())}),
                                       strip_section(std::string(k2.str()), "")));
  }
  impl->n = n;
  sc.runs = RunList(impl);

  // Every run is resolved (validated) once; the keys that vary between runs label them.
  std::vector<std::pair<std::string, std::string>> first;  // run 0's keys and values
  std::vector<bool> varies;
  std::vector<std::size_t> unread_by(schema().size(), 0);  // runs that do not read a key of the file
  std::map<std::string, std::vector<std::string>> weak;    // transition_problem -> the runs it concerns
  std::optional<RunSpec> first_run;
  std::set<std::string> ignored;  // overrides to a default that a run does not read: notes
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<const KeyDef*> unread;
    const RunSpec r = impl->resolve_run(i, base, &unread, &ignored);
    for (const KeyDef* k : unread) ++unread_by[static_cast<std::size_t>(k - schema().data())];
    if (const std::string t = transition_problem(r); !t.empty()) weak[t].push_back(r.id);
    if (i == 0) {
      first_run = r;
      sc.command = r.command;
      sc.name = base.str("name");
      for (const auto& [k, val] : r.resolved) first.emplace_back(k, value_text(val));
      varies.assign(first.size(), false);
      continue;
    }
    if (r.command != sc.command)
      throw InputError(fmt::format("{}: runs r0000 and {} need different commands (run, sweep): one scenario, one command",
                                   path, r.id));
    for (std::size_t k = 0; k < first.size(); ++k)
      if (!varies[k] && (k >= r.resolved.size() || r.resolved[k].first != first[k].first ||
                         value_text(r.resolved[k].second) != first[k].second))
        varies[k] = true;
  }
  for (std::size_t k = 0; k < varies.size(); ++k)
    if (varies[k]) sc.varying.push_back(k);
  sc.warnings.insert(sc.warnings.end(), ignored.begin(), ignored.end());
  for (const auto& [why, ids] : weak) {
    const std::string which =
        n == 1 ? "" : ids.size() == n ? fmt::format(" (all {} runs)", n)
                    : fmt::format(" (runs {}{})", fmt::join(ids.begin(), ids.begin() + std::min<std::size_t>(ids.size(), 6), ", "),
                                  ids.size() > 6 ? fmt::format(", ... {} of {}", ids.size(), n) : "");
    sc.warnings.push_back(fmt::format("{}{}: {}", path, which, why));
  }
  // A key of the file that no run reads is a mistake; one that the file alone would have a run
  // read, and only the --set overrides left unread (abs_tol after --set stepper=rk4), is ignored
  // with a note, so that a file's settings can be overridden without editing it.
  for (std::size_t k = 0; k < unread_by.size(); ++k) {
    if (unread_by[k] < n) continue;
    const KeyDef& def = schema()[k];
    bool read_by_file_alone = false;
    for (std::size_t i = 0; i < n && !overrides.empty() && !read_by_file_alone; ++i) {
      try {
        read_by_file_alone = key_read(def, impl->resolve_run(i, impl->file_only, nullptr));
      } catch (const InputError&) {  // the file alone is not a valid scenario: nothing is excused
        break;
      }
    }
    if (!read_by_file_alone)
      base.fail(def.key, fmt::format("does not apply to {}{}; remove it", unread_context(def, *first_run),
                                     n > 1 ? " nor to any other run of this scenario" : ""));
    sc.warnings.push_back(fmt::format("{}: key '{}' is not read by {} once the {} are applied; it is ignored",
                                      base.origin.at(def.key), def.key, unread_context(def, *first_run),
                                      front_end_words().overrides));
  }
  return sc;
}

}  // namespace seqmem
