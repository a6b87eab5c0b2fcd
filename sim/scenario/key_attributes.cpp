#include "sim/scenario/key_attributes.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstring>
#include <stdexcept>

#include "sim/output/h5file.hpp"
#include "sim/scenario/key_rules.hpp"

namespace seqmem {
namespace {

bool adaptive(StepperKind s) {
  return s == StepperKind::dopri5 || s == StepperKind::cvode_bdf || s == StepperKind::event_driven;
}

}  // namespace

std::string setting(const RunSpec& r, const char* key) {
  for (const auto& [name, value] : r.resolved)
    if (name == key) {
      const KeyDef* d = find_key(name);
      const std::string text = value_text(value);
      return fmt::format(d && d->type == Type::String ? "{} = \"{}\"" : "{} = {}", key, text);
    }
  return key;
}

Applies integrator_applies(const char* key, const RunSpec& r) {
  if (is(key, "t_end") || is(key, "stepper") || is(key, "t0")) return kYes;
  if (is(key, "dt"))
    return !adaptive(r.stepper) || (r.command == Command::sweep && r.sweep.fallback_rk4)
               ? kYes
               : no(setting(r, "stepper") + (r.command == Command::sweep ? ", fallback_rk4 = false" : ""));
  if (is(key, "flip_time")) return when(r.stepper == StepperKind::event_driven, r, "stepper");
  return when(adaptive(r.stepper), r, "stepper");  // abs_tol, rel_tol, max_steps, min_step
}

namespace {

// A baseline reads its own keys and the top level; a run or sweep, its kind's rule.
Applies applies(const KeyDef& k, const RunSpec& r) {
  const std::string section = k.section;
  if (r.command == Command::baseline) {
    if (!section.empty() && section != "baseline") return no();
    return when(!(is(k.key, "baseline_degrees") && (r.baseline.model == "hopfield" || r.baseline.model == "dense_exp")), r,
                "baseline_model");
  }
  return kind_rules(r.model).applies(k, r);
}

void write_list(hid_t group, const KeyDef& k, const std::string& text) {
  const toml::table t = toml::parse("v = " + text);
  const toml::array& a = *t["v"].as_array();
  if (a.empty()) return;
  switch (k.type) {
    case Type::IntList:
    case Type::BoolList: {
      std::vector<std::int64_t> v;
      for (const auto& x : a) v.push_back(x.is_boolean() ? *x.value<bool>() : *x.value<std::int64_t>());
      h5::set_attr(group, k.key, v);
      break;
    }
    case Type::FloatList: {
      std::vector<double> v;
      for (const auto& x : a) v.push_back(x.is_integer() ? double(*x.value<std::int64_t>()) : *x.value<double>());
      h5::set_attr(group, k.key, v);
      break;
    }
    case Type::StringList: {
      std::vector<std::string> v;
      for (const auto& x : a) v.push_back(*x.value<std::string>());
      h5::set_attr(group, k.key, v);
      break;
    }
    case Type::IntListList: {
      std::vector<std::int64_t> flat, lengths;
      for (const auto& inner : a) {
        const toml::array& c = *inner.as_array();
        lengths.push_back(static_cast<std::int64_t>(c.size()));
        for (const auto& x : c) flat.push_back(*x.value<std::int64_t>());
      }
      h5::set_attr(group, k.key, flat);
      h5::set_attr(group, std::string(k.key) + "_lengths", lengths);
      break;
    }
    default:
      throw std::logic_error(std::string("write_list: ") + k.key + " is not a list");
  }
}

}  // namespace

bool key_applies(const KeyDef& k, const RunSpec& r) { return applies(k, r).yes; }

bool key_read(const KeyDef& k, const RunSpec& r) {
  const Applies a = applies(k, r);
  return a.yes || a.checked;
}

std::string key_unread_reason(const KeyDef& k, const RunSpec& r) { return applies(k, r).why; }

void write_key_attributes(hid_t group, const RunSpec& r) {
  for (const auto& [name, value] : r.resolved) {
    const KeyDef* k = find_key(name);
    if (!k) throw std::logic_error("write_key_attributes: " + name + " is not in the schema");
    if (!key_applies(*k, r)) continue;
    switch (k->type) {
      case Type::IntList:
      case Type::IntListList:
      case Type::FloatList:
      case Type::BoolList:
      case Type::StringList:
        if (const auto* text = std::get_if<std::string>(&value)) {
          write_list(group, *k, *text);
          break;
        }
        [[fallthrough]];  // a BoolList given as one value (cyclic = true)
      default:
        h5::set_attr(group, name, value);
    }
  }
}

}  // namespace seqmem
