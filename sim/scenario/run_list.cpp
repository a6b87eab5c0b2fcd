// The runs of a scenario (sim/scenario/loader.hpp): [runs] expanded into axes, each run resolved
// through its kind's resolver with the keys it read recorded, and the runs checked as a whole.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "sim/core/front_end.hpp"
#include "sim/scenario/key_rules.hpp"
#include "sim/scenario/keys_read.hpp"
#include "sim/scenario/loader.hpp"

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

// Whether two values are the same: numbers by value (1 and 1.0), anything else by its TOML text.
bool same_value(const toml::node& a, const toml::node& b) {
  if (a.is_number() && b.is_number()) return as_double(a) == as_double(b);
  return node_text(a) == node_text(b);
}

// A key set (in the file, --set or [runs]) that does not apply to the run's model kind is an error.
void check_family(const Values& v, Family fam, const std::string& kind) {
  for (const auto& k : schema())
    if (!in_family(k.family, fam) && v.given(k.key))
      v.fail(k.key, fmt::format("does not apply to kind = \"{}\"", kind));
}

// A node as the value the model reads: a number key given as an integer (t_end = 20) is a double.
AttrValue attr_value(const toml::node& n, Type type) {
  if (n.is_integer())
    return type == Type::Float ? AttrValue(static_cast<double>(n.as_integer()->get()))
                               : AttrValue(n.as_integer()->get());
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
      r.resolved.emplace_back(k.key, u != v.used.end() ? u->second : attr_value(v.get(k.key), k.type));
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

}  // namespace

RunSpec RunList::Impl::resolve_run(std::size_t i, const Values& from, std::vector<const KeyDef*>* unread,
                                   std::set<std::string>* ignored) const {
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
    // a [runs] entry names its run: the run must read it; a --set (or the file) sets every run: one
    // run that reads it is enough (the check after every run is resolved)
    if (v.overridden(k.key) && by_entry.count(k.key))
      v.fail(k.key, fmt::format("does not apply to {}; remove it", unread_context(k, r)));
    if (unread) unread->push_back(&k);
  }
  return r;
}

std::size_t RunList::size() const { return impl_ ? impl_->n : 0; }
RunSpec RunList::operator[](std::size_t i) const { return impl_->resolve_run(i, impl_->base, nullptr); }

void RunList::Impl::expand(const toml::table* runs, const AtKey& at_key) {
  // The list becomes the outer axis, each grid key an inner one (in the order of the table).
  n = 1;
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
        axes.push_back(std::move(axis));
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
          for (auto& prev : axes) prev.stride *= axis.choices.size();  // inner
          axis.stride = 1;
          axes.push_back(std::move(axis));
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
}

// A key set by --set (or Python's overrides) and by [runs]: an entry's value wins for its runs, the
// override sets the others. Said once per key and axis of [runs], as a warning; where every entry of
// the axis sets the key (a grid key), the override reaches no run.
static void warn_overridden_axes(const Values& base, const std::vector<Axis>& axes,
                                 std::vector<std::string>& warnings) {
  for (const Axis& a : axes) {
    std::map<std::string, std::pair<std::size_t, std::string>> set_by;  // key -> (entries setting it, first)
    for (const auto& choice : a.choices)
      for (const Override& o : choice)
        if (base.overridden(o.key) && set_by[o.key].first++ == 0) set_by[o.key].second = o.from;
    for (const auto& [key, n_first] : set_by)
      warnings.push_back(fmt::format("{}: key '{}' is also set by [runs] ({}), whose value wins for the runs it sets; {}",
                                     base.origin.at(key), key, n_first.second,
                                     n_first.first == a.choices.size() ? "it sets every run, so the override is ignored"
                                                                       : "the override sets the others"));
  }
}

void RunList::Impl::check_runs(Scenario& sc, const std::vector<std::string>& overrides) const {
  warn_overridden_axes(base, axes, sc.warnings);
  // Every run is resolved (validated) once; the keys that vary between runs label them.
  std::vector<std::pair<std::string, std::string>> first;  // run 0's keys and values
  std::vector<bool> varies;
  std::vector<std::size_t> unread_by(schema().size(), 0);  // runs that do not read a key of the file
  std::map<std::string, std::vector<std::string>> weak;    // transition_problem -> the runs it concerns
  std::optional<RunSpec> first_run;
  std::vector<std::string> extra;  // keys some later run reads and the first does not
  std::set<std::string> ignored;  // overrides to a default that a run does not read: notes
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<const KeyDef*> unread;
    const RunSpec r = resolve_run(i, base, &unread, &ignored);
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
    // by name: runs of different kinds read different keys (a [runs] list over the sequence family)
    for (std::size_t k = 0; k < first.size(); ++k) {
      if (varies[k]) continue;
      const auto it = std::find_if(r.resolved.begin(), r.resolved.end(),
                                   [&](const auto& kv) { return kv.first == first[k].first; });
      varies[k] = it == r.resolved.end() || value_text(it->second) != first[k].second;
    }
    for (const auto& read : r.resolved) {  // keys the first run does not read
      const std::string& key = read.first;  // (a structured binding cannot be captured before C++20)
      if (std::none_of(first.begin(), first.end(), [&](const auto& kv) { return kv.first == key; }) &&
          std::find(extra.begin(), extra.end(), key) == extra.end())
        extra.push_back(key);
    }
  }
  for (std::size_t k = 0; k < varies.size(); ++k)
    if (varies[k]) sc.varying.push_back(first[k].first);
  sc.varying.insert(sc.varying.end(), extra.begin(), extra.end());
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
        read_by_file_alone = key_read(def, resolve_run(i, file_only, nullptr));
      } catch (const InputError&) {  // the file alone is not a valid scenario: nothing is excused
        break;
      }
    }
    if (!read_by_file_alone || base.overridden(def.key))  // a --set no run reads is a mistake of its own
      base.fail(def.key, fmt::format("does not apply to {}{}; remove it", unread_context(def, *first_run),
                                     n > 1 ? " nor to any other run of this scenario" : ""));
    sc.warnings.push_back(fmt::format("{}: key '{}' is not read by {} once the {} are applied; it is ignored",
                                      base.origin.at(def.key), def.key, unread_context(def, *first_run),
                                      front_end_words().overrides));
  }
}

}  // namespace seqmem
