// Python values as scenario values (see python_values.hpp).
#include "sim/app/python_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "sim/scenario/schema.hpp"

namespace seqmem::python {
namespace {

constexpr int kMaxThreads = 1024;  // as the command line's -j

// The value as Python writes it (its repr), shortened (an array of a million numbers is not a message).
std::string py_text(const py::handle& v) {
  std::string r = py::repr(v).cast<std::string>();
  if (r.size() > 80) r = r.substr(0, 77) + "...";
  return r;
}

// "WHERE = VALUE: WHAT"; a keyword argument "Model(key=...)" becomes "Model(key=VALUE): WHAT".
[[noreturn]] void bad(const std::string& where, const py::handle& v, const std::string& what) {
  const std::string kw = "=...)";
  if (where.size() > kw.size() && where.compare(where.size() - kw.size(), kw.size(), kw) == 0)
    throw InputError(fmt::format("{}{}): {}", where.substr(0, where.size() - 4), py_text(v), what));
  throw InputError(fmt::format("{} = {}: {}", where, py_text(v), what));
}

bool is_numpy_scalar(const py::handle& v) {
  return py::hasattr(v, "dtype") && py::hasattr(v, "item") && !py::hasattr(v, "__len__");
}

// NumPy scalars as Python scalars, NumPy arrays as lists.
py::object plain(const py::handle& v) {
  if (py::hasattr(v, "dtype") && py::hasattr(v, "tolist")) return v.attr("tolist")();
  if (is_numpy_scalar(v)) return v.attr("item")();
  return py::reinterpret_borrow<py::object>(v);
}

std::string choices_text(const char* choices) {
  std::string out, c = choices;
  std::size_t start = 0;
  while (true) {
    const auto bar = c.find('|', start);
    out += fmt::format("{}'{}'", out.empty() ? "" : ", ", c.substr(start, bar == std::string::npos ? bar : bar - start));
    if (bar == std::string::npos) return out;
    start = bar + 1;
  }
}

bool is_choice(const char* choices, const std::string& s) {
  const std::string c = std::string("|") + choices + "|";
  return c.find("|" + s + "|") != std::string::npos;
}

// The element type of a key's values, and whether it takes a list (of lists).
Type element_type(Type t) {
  switch (t) {
    case Type::IntList:
    case Type::IntListList: return Type::Int;
    case Type::FloatList: return Type::Float;
    case Type::BoolList: return Type::Bool;
    case Type::StringList: return Type::String;
    default: return t;
  }
}

const char* python_type_name(Type t) {
  switch (t) {
    case Type::Int: return "an integer";
    case Type::Float: return "a number";
    case Type::Bool: return "True or False";
    case Type::String: return "a string";
    case Type::IntList: return "a list of integers";
    case Type::IntListList: return "a list of lists of integers";
    case Type::FloatList: return "a list of numbers";
    case Type::BoolList: return "True, False or a list of them";
    case Type::StringList: return "a list of strings";
  }
  return "?";
}

// One value of `k` (an element of a list key: `element`) as a TOML node, given to `insert`.
template <class Insert>
void scalar(const py::handle& raw, const KeyDef& k, Type t, const std::string& where, Insert insert) {
  const py::object v = plain(raw);
  const std::string range = t == Type::Int || t == Type::Float ? " " + k.range.text() : "";
  if (v.is_none()) bad(where, v, fmt::format("None is not a value; leave the key out for its default {}", k.def));
  switch (t) {
    case Type::Bool:
      if (!py::isinstance<py::bool_>(v)) bad(where, v, "must be True or False");
      insert(v.cast<bool>());
      return;
    case Type::Int:
    case Type::Float: {
      if (py::isinstance<py::bool_>(v) || !(py::isinstance<py::int_>(v) || (t == Type::Float && py::isinstance<py::float_>(v))))
        bad(where, v, fmt::format("must be {}{}", python_type_name(t), range));
      if (py::isinstance<py::int_>(v)) {
        int overflow = 0;
        const long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
        if (overflow != 0 || !k.range.contains(static_cast<std::int64_t>(x)) ||
            (t == Type::Float && !k.range.contains(static_cast<double>(x))))
          bad(where, v, fmt::format("must be {}{}", python_type_name(t), range));
        insert(static_cast<std::int64_t>(x));
        return;
      }
      const double x = v.cast<double>();
      if (!k.range.contains(x)) bad(where, v, fmt::format("must be {}{}", python_type_name(t), range));
      insert(x);
      return;
    }
    case Type::String: {
      if (!py::isinstance<py::str>(v))
        bad(where, v, k.choices ? fmt::format("must be one of {}", choices_text(k.choices)) : "must be a string");
      const std::string s = v.cast<std::string>();
      if (k.choices && !is_choice(k.choices, s)) bad(where, v, fmt::format("must be one of {}", choices_text(k.choices)));
      insert(s);
      return;
    }
    default: break;
  }
}

bool is_sequence(const py::handle& v) { return py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v); }

// The value of key `k` as a TOML node, given to `insert`.
template <class Insert>
void value(const py::handle& raw, const KeyDef& k, const std::string& where, Insert insert) {
  const py::object v = plain(raw);
  const Type e = element_type(k.type);
  if (e == k.type || (k.type == Type::BoolList && py::isinstance<py::bool_>(v))) {
    scalar(v, k, e, where, insert);
    return;
  }
  if (!is_sequence(v)) bad(where, v, fmt::format("must be {}", python_type_name(k.type)));
  toml::array a;
  std::size_t i = 0;
  for (const py::handle x : v) {
    const std::string at = fmt::format("{}[{}]", where, i++);
    if (k.type == Type::IntListList) {
      const py::object inner = plain(x);
      if (!is_sequence(inner)) bad(at, inner, "must be a list of integers");
      toml::array b;
      std::size_t j = 0;
      for (const py::handle y : inner)
        scalar(y, k, Type::Int, fmt::format("{}[{}]", at, j++), [&](auto&& n) { b.push_back(n); });
      a.push_back(std::move(b));
    } else {
      scalar(x, k, e, at, [&](auto&& n) { a.push_back(n); });
    }
  }
  insert(std::move(a));
}

std::string key_text(const py::handle& k, const std::string& where) {
  if (!py::isinstance<py::str>(k)) throw InputError(fmt::format("{}: keys must be strings, got {}", where, py_text(k)));
  return k.cast<std::string>();
}

// A key of a section (or the top level: section "") as the schema has it; InputError otherwise.
const KeyDef& known_key(const std::string& key, const std::string& section, const std::string& where,
                        const KeyPaths& paths) {
  const KeyDef* d = find_key(key);
  if (!d) {
    const std::string hint = closest_key(key);
    throw InputError(fmt::format("{}: unknown key '{}'{}", where, key, hint.empty() ? "" : "; " + hint));
  }
  if (section != d->section)
    throw InputError(fmt::format("{}: key '{}' does not belong {}; it belongs {}", where, key,
                                 section.empty() ? "at the top level" : fmt::format("in [{}]", section),
                                 *d->section ? paths({d->section, key}) : paths({key})));
  return *d;
}

// A [runs] entry's or override's key: bare (alpha_c) or with its section (model.alpha_c).
const KeyDef& known_bare_key(const std::string& key, const std::string& where, const KeyPaths& paths) {
  const auto dot = key.find('.');
  if (dot == std::string::npos) {
    const KeyDef* d = find_key(key);
    if (!d) {
      const std::string hint = closest_key(key);
      throw InputError(fmt::format("{}: unknown key '{}'{}", where, key, hint.empty() ? "" : "; " + hint));
    }
    return *d;
  }
  return known_key(key.substr(dot + 1), key.substr(0, dot), where, paths);
}

toml::table runs_table(const py::handle& raw, const KeyPaths& paths) {
  const std::string where = paths({"runs"});
  if (!py::isinstance<py::dict>(raw)) bad(where, raw, "a section: give a dict with 'list' and/or 'grid'");
  toml::table runs;
  for (auto [k, v] : raw.cast<py::dict>()) {
    const std::string key = key_text(k, where);
    const std::string at = paths({"runs", key});
    if (key == "list") {
      const py::object l = plain(v);
      if (!is_sequence(l)) bad(at, l, "must be a list of dicts, one per run");
      toml::array list;
      std::size_t i = 0;
      for (const py::handle entry : l) {
        const std::string idx = std::to_string(i++);
        if (!py::isinstance<py::dict>(entry)) bad(paths({"runs", "list", idx}), entry, "must be a dict of keys");
        toml::table t;
        for (auto [k2, v2] : entry.cast<py::dict>()) {
          const std::string key2 = key_text(k2, paths({"runs", "list", idx}));
          const std::string at2 = paths({"runs", "list", idx, key2});
          value(v2, known_bare_key(key2, at2, paths), at2, [&](auto&& n) { t.insert_or_assign(key2, n); });
        }
        list.push_back(std::move(t));
      }
      runs.insert_or_assign("list", std::move(list));
    } else if (key == "grid") {
      if (!py::isinstance<py::dict>(v)) bad(at, v, "must be a dict of key: list of values");
      toml::table grid;
      for (auto [k2, v2] : v.cast<py::dict>()) {
        const std::string key2 = key_text(k2, at);
        const std::string at2 = paths({"runs", "grid", key2});
        const KeyDef& d = known_bare_key(key2, at2, paths);
        const py::object axis = plain(v2);
        if (!is_sequence(axis)) bad(at2, axis, "a grid axis must be a list of values");
        toml::array values;
        std::size_t j = 0;
        for (const py::handle x : axis)
          value(x, d, paths({"runs", "grid", key2, std::to_string(j++)}), [&](auto&& n) { values.push_back(n); });
        grid.insert_or_assign(key2, std::move(values));
      }
      runs.insert_or_assign("grid", std::move(grid));
    } else {
      throw InputError(fmt::format("{}: unknown key '{}' in [runs] (list or grid)", at, key));
    }
  }
  return runs;
}

// A TOML value as one would type it after --set: 0.3, "rk4", [1, 2], [[1, 2], [3]].
std::string value_text(const toml::node& n) {
  if (const auto* a = n.as_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < a->size(); ++i) out += (i ? ", " : "") + value_text(*a->get(i));
    return out + "]";
  }
  std::ostringstream os;
  n.visit([&](auto&& x) { os << x; });
  return os.str();
}

// A value as the text of --set: "key=<TOML value>".
template <class Node>
std::string set_text(const std::string& key, Node&& n) {
  toml::table t;
  t.insert_or_assign("v", std::forward<Node>(n));
  return key + "=" + value_text(*t.get("v"));
}

}  // namespace

std::string KeyPaths::operator()(const std::vector<std::string>& path) const {
  if (!keywords_of.empty() && path.size() == 2 && path[0] == "model")
    return fmt::format("{}({}=...)", keywords_of, path[1]);
  std::string out = root;
  for (const auto& p : path) {
    const bool index = !p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return std::isdigit(c); });
    out += index ? fmt::format("[{}]", p) : fmt::format("['{}']", p);
  }
  return out;
}

ScenarioText scenario_from_dict(const py::dict& d, const KeyPaths& paths) {
  toml::table doc;
  for (auto [k, v] : d) {
    const std::string key = key_text(k, paths.root);
    const std::string at = paths({key});
    if (key == "runs") {
      doc.insert_or_assign(key, runs_table(v, paths));
    } else if (is_section(key)) {
      if (!py::isinstance<py::dict>(v)) bad(at, v, fmt::format("[{}] is a section: give a dict of its keys", key));
      toml::table section;
      for (auto [k2, v2] : v.cast<py::dict>()) {
        const std::string key2 = key_text(k2, at);
        const std::string at2 = paths({key, key2});
        value(v2, known_key(key2, key, at2, paths), at2, [&](auto&& n) { section.insert_or_assign(key2, n); });
      }
      doc.insert_or_assign(key, std::move(section));
    } else {
      if (py::isinstance<py::dict>(v)) {
        const std::string hint = closest_section(key);
        throw InputError(fmt::format("{}: unknown section [{}]{}", at, key, hint.empty() ? "" : "; " + hint));
      }
      value(v, known_key(key, "", at, paths), at, [&](auto&& n) { doc.insert_or_assign(key, n); });
    }
  }
  std::ostringstream os;
  os << doc;
  return {os.str(), {paths, {}}};
}

Overrides overrides_from(const py::handle& o) {
  Overrides out;
  if (o.is_none()) return out;
  const KeyPaths paths{"overrides", ""};
  if (py::isinstance<py::str>(o)) {
    out.sets.push_back(o.cast<std::string>());
    out.names.push_back(fmt::format("overrides = {}", py_text(o)));
    return out;
  }
  if (py::isinstance<py::dict>(o)) {
    for (auto [k, v] : o.cast<py::dict>()) {
      const std::string key = key_text(k, "overrides");
      if (key == "runs") throw InputError(fmt::format("{}: {}", paths({key}), kRunsNotOverridable));
      if (is_section(key) && py::isinstance<py::dict>(v)) {  // {"model": {"alpha_c": 0.3}}
        for (auto [k2, v2] : v.cast<py::dict>()) {
          const std::string key2 = key_text(k2, paths({key}));
          const std::string at = paths({key, key2});
          value(v2, known_key(key2, key, at, paths), at, [&](auto&& n) { out.sets.push_back(set_text(key2, n)); });
          out.names.push_back(at);
        }
        continue;
      }
      const std::string at = paths({key});
      if (is_section(key) && !find_key(key))  // "lists" and "trajectories" are keys of sections of that name
        bad(at, v, fmt::format("[{0}] is a section: give a dict of its keys ({{'{0}': {{'key': value}}}}) or name "
                               "the key ('{0}.key')",
                               key));
      const KeyDef& d = known_bare_key(key, at, paths);
      value(v, d, at, [&](auto&& n) { out.sets.push_back(set_text(d.key, n)); });
      out.names.push_back(at);
    }
    return out;
  }
  if (!is_sequence(o))
    throw InputError(fmt::format("overrides = {}: must be a dict of key: value, or a list of \"key=value\" strings",
                                 py_text(o)));
  std::size_t i = 0;
  for (const py::handle s : o) {
    const std::string at = fmt::format("overrides[{}]", i++);
    if (!py::isinstance<py::str>(s)) bad(at, s, "must be a \"key=value\" string (or give overrides as a dict)");
    out.sets.push_back(s.cast<std::string>());
    out.names.push_back(fmt::format("{} = {}", at, py_text(s)));
  }
  return out;
}

int threads_from(const py::handle& t) {
  if (t.is_none()) return 0;
  const py::object v = plain(t);
  int overflow = 0;
  const long long n = py::isinstance<py::int_>(v) && !py::isinstance<py::bool_>(v)
                          ? PyLong_AsLongLongAndOverflow(v.ptr(), &overflow)
                          : -1;
  if (overflow != 0 || n < 0 || n > kMaxThreads)
    bad("threads", v, fmt::format("must be None or an integer in 0..{} (0: all cores, as the command line's -j)",
                                  kMaxThreads));
  return static_cast<int>(n);
}

}  // namespace seqmem::python
