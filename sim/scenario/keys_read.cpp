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

// The keys of a [baseline] (sim/kinds/gsemm/resolve_gsemm.cpp, resolve_baseline): a singleton memory
// reads the recall keys; a sequence memory its network's keys and its criterion's.
Applies baseline_applies(const char* key, const BaselineSpec& b, const RunSpec& r) {
  const bool sequence = is_sequence_model(b.model), eden = b.model == BaselineModel::eden;
  const bool crit_P_T = b.criterion == BaselineCriterion::P_T, cycles = b.criterion == BaselineCriterion::cycles;
  if (is(key, "baseline_degrees"))
    return when(has_degree(b.model) && !(sequence && b.separation == Separation::exponential), r,
                sequence && b.model != BaselineModel::seqnet ? "separation" : "baseline_model");
  if (is(key, "separation"))
    return when(b.model == BaselineModel::densenet || b.model == BaselineModel::mixednet, r, "baseline_model");
  if (is(key, "mixednet_lambda") || is(key, "mixednet_law") || is(key, "mixednet_delay"))
    return when(b.model == BaselineModel::mixednet, r, "baseline_model");
  if (is(key, "error_tolerance") || is(key, "transitions_checked"))
    return when(eden || (sequence && crit_P_T), r, eden || sequence ? "baseline_criterion" : "baseline_model");
  if (is(key, "baseline_cycles") || is(key, "stall_steps")) return when(sequence && cycles, r, "baseline_criterion");
  if (is(key, "baseline_cue_flip") || is(key, "overlap_threshold"))
    return when((!sequence && !eden) || (sequence && cycles), r, sequence ? "baseline_criterion" : "baseline_model");
  if (is(key, "required_fraction")) return when(!sequence && !eden, r, "baseline_model");
  if (std::strncmp(key, "eden_", 5) == 0 || is(key, "bit_tolerance")) {
    if (!eden) return no(setting(r, "baseline_model"));
    if (is(key, "eden_beta")) return when(b.eden.normalisation == EdenNormalisation::code, r, "eden_normalisation");
    if (is(key, "eden_T_f") || is(key, "eden_t_transition") || is(key, "eden_dt"))
      return when(crit_P_T, r, "baseline_criterion");
    return kYes;
  }
  return kYes;
}

// A baseline reads its own keys and the top level; a run or sweep, its kind's rule.
Applies applies(const KeyDef& k, const RunSpec& r) {
  const std::string section = k.section;
  if (r.command == Command::baseline) {
    const bool own = section == "baseline" || (section == "model" && sequence_network_key(k.key));
    if (!section.empty() && !own) return no();
    return baseline_applies(k.key, r.gsemm().baseline, r);
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
