#include "sim/scenario/keys_read.hpp"

#include <fmt/format.h>

#include <cstring>

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
    return !adaptive(r.stepper) || (r.command == Command::sweep && r.gsemm().sweep.fallback_rk4)
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
    return when(!is(k.key, "baseline_degrees") || has_degree(r.gsemm().baseline.model), r, "baseline_model");
  }
  return kind_rules(r.model).applies(k, r);
}

}  // namespace

bool key_applies(const KeyDef& k, const RunSpec& r) { return applies(k, r).yes; }

bool key_read(const KeyDef& k, const RunSpec& r) {
  const Applies a = applies(k, r);
  return a.yes || a.checked;
}

std::string key_unread_reason(const KeyDef& k, const RunSpec& r) { return applies(k, r).why; }

}  // namespace seqmem
