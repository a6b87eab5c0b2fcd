#include "sim/scenario/key_attributes.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstring>
#include <stdexcept>

#include "sim/output/h5file.hpp"

namespace seqmem {
namespace {

bool is(const char* a, const char* b) { return std::strcmp(a, b) == 0; }

bool adaptive(StepperKind s) {
  return s == StepperKind::dopri5 || s == StepperKind::cvode_bdf || s == StepperKind::event_driven;
}

// Whether a key applies to a run, and when it does not, the setting that leaves it out
// (`surface_plane = "pca"`); `why` is empty when the run's kind or command decides alone (the
// message names those anyway).
struct Applies {
  bool yes = true;
  std::string why;
};
const Applies kYes{};
Applies no(std::string why = {}) { return {false, std::move(why)}; }
Applies when(bool applies, std::string why_not = {}) { return applies ? kYes : no(std::move(why_not)); }

// `key = value` as the run resolved it: strings quoted, as in the scenario file.
std::string setting(const RunSpec& r, const char* key) {
  for (const auto& [name, value] : r.resolved)
    if (name == key) {
      const KeyDef* d = find_key(name);
      const std::string text = value_text(value);
      return fmt::format(d && d->type == Type::String ? "{} = \"{}\"" : "{} = {}", key, text);
    }
  return key;
}

// The [integrator] keys a stepper reads (capacity sweeps: rk4's dt is also the fallback's step).
Applies integrator_applies(const char* key, const RunSpec& r) {
  if (is(key, "t_end") || is(key, "stepper") || is(key, "t0")) return kYes;
  if (is(key, "dt"))
    return when(!adaptive(r.stepper) || (r.command == Command::sweep && r.sweep.fallback_rk4),
                setting(r, "stepper") + (r.command == Command::sweep ? ", fallback_rk4 = false" : ""));
  if (is(key, "flip_time")) return when(r.stepper == StepperKind::event_driven, setting(r, "stepper"));
  return when(adaptive(r.stepper), setting(r, "stepper"));  // abs_tol, rel_tol, max_steps, min_step
}

Applies fixed_points_applies(const char* key, const RunSpec& r) {
  const auto& fp = r.fixed_points;
  if (is(key, "find_fixed_points")) return kYes;
  if (!fp.enabled) return no(setting(r, "find_fixed_points"));
  if (std::strncmp(key, "surface_", 8) != 0 || is(key, "surface_slices")) return kYes;
  if (fp.surface_slices == 0) return no(setting(r, "surface_slices"));
  return when(!(is(key, "surface_memories") && fp.surface_pca), setting(r, "surface_plane"));
}

Applies gsemm_run_applies(const std::string& section, const char* key, const RunSpec& r) {
  if (section == "memories") return when(is(key, "K") || !r.Xi_file.empty(), "without Xi_file");
  if (section == "episodes") {
    if (r.model == ModelKind::gamm) return no();
    const bool from_file = !r.Phi_file.empty();
    return is(key, "Phi_file") || is(key, "Phi_dataset") ? when(from_file, "without Phi_file")
                                                          : when(!from_file, "with Phi_file");
  }
  if (section == "input") return when(r.input_memory >= 0, setting(r, "input_memory"));
  if (section == "record")
    return when(!is(key, "state_every") || r.record_V_f || r.record_V_h || r.record_V_d, setting(r, "states"));
  if (section == "analysis") return when(!is(key, "expect_cycle") || !r.expect_cycle.empty(), setting(r, "expect_cycle"));
  if (section == "fixed_points") return fixed_points_applies(key, r);
  return when(section != "sweep" && section != "baseline");
}

// A capacity sweep evaluates its own cycle 1 -> 2 -> ... -> K from xi_1 (sim/sweeps/sweep.cpp, make_task).
Applies sweep_applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& sw = r.sweep;
  if (section == "sweep") {
    if (is(key, "K_list") || is(key, "K_list_all")) return when(!sw.K_list.empty(), "without K_list");
    if (is(key, "K_min") || is(key, "K_max") || is(key, "K_growth") || is(key, "K_resolution"))
      return when(sw.K_list.empty(), "with K_list");
    if (is(key, "horizon_time")) return when(sw.horizon == Horizon::fixed, setting(r, "horizon"));
    if (is(key, "horizon_per_memory")) return when(sw.horizon == Horizon::proportional, setting(r, "horizon"));
    return kYes;
  }
  if (section == "model") {
    if (is(key, "degree")) return no("sweep_degrees sets it");
    return when(!(is(key, "alpha_c") && !sw.alpha_c.empty()), "sweep_alpha_c sets it");
  }
  if (section == "cue") return when(is(key, "cue_amplitude"));
  if (section == "record") return when(is(key, "threshold"));
  if (section == "analysis") return when(is(key, "stall_time"));
  if (section == "") return when(!is(key, "seed"), "sweep_seeds sets it");
  return no();  // memories, episodes, input, fixed_points, baseline
}

Applies diffusion_applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& d = r.diffusion;
  if (is(key, "gamma_v")) return when(d.process == DiffusionProcess::vp, setting(r, "process"));
  if (is(key, "beta")) return when(d.dynamics == DiffusionDynamics::hopfield, setting(r, "dynamics"));
  if (is(key, "Y_file") || is(key, "Y_dataset")) return when(!d.Y_file.empty(), "without Y_file");
  if (is(key, "D") || is(key, "N") || is(key, "pattern_norm")) return when(d.Y_file.empty() || is(key, "D"), "with Y_file");
  if (is(key, "extended_variance")) return when(d.extended_rank > 0, setting(r, "extended_rank"));
  if (is(key, "covariance_file") || is(key, "covariance_dataset"))
    return when(!d.covariance_file.empty(), "without covariance_file");
  if (std::strncmp(key, "manifold_", 9) == 0)
    return when(is(key, "manifold_components") || d.manifold_components > 0, setting(r, "manifold_components"));
  if (is(key, "path_every")) return when(d.paths > 0, setting(r, "paths"));
  if (is(key, "cue_memory")) return when(!d.cue_cycle, setting(r, "cue_cycle"));
  if (section == "landscape") return when(is(key, "landscape_grid") || d.landscape_grid > 0, setting(r, "landscape_grid"));
  // reverse_sde: Euler-Maruyama at dt; the flows: the stepper (dt also spaces their recorded paths)
  if (section == "integrator") {
    if (is(key, "dt")) return kYes;
    if (d.dynamics != DiffusionDynamics::reverse_sde) return integrator_applies(key, r);
    return when(is(key, "t_end") || is(key, "t0"), setting(r, "dynamics"));
  }
  return when(section != "sweep" && section != "baseline");
}

// kind = "free_recall": the keys its settings read (sim/kinds/free_recall/free_recall_runner.cpp). The
// message names recall_rule and recognition already; `why` names the other deciding keys.
Applies free_recall_applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& f = r.free_recall;
  const bool gsemm = f.rule == RecallRule::gsemm && !f.recognition;
  if (is(key, "N_f")) return when(f.item_vectors == ItemVectors::random, setting(r, "item_vectors"));
  if (is(key, "category_similarity")) return when(f.categories > 0, setting(r, "categories"));
  if (section == "model" || section == "record") {  // the GSEMM keys of recall_rule = gsemm
    if (is(key, "kind")) return kYes;
    if (!gsemm) return no();
    if (is(key, "degree")) return when(r.params.sigma_h.kind != HiddenKind::softmax, setting(r, "sigma_h"));
    if (is(key, "beta_h")) return when(r.params.sigma_h.kind == HiddenKind::softmax, setting(r, "sigma_h"));
    return kYes;
  }
  if (is(key, "cue_noise")) return when(gsemm);
  if (section == "integrator") {
    if (gsemm && f.V_f_noise > 0)  // Euler-Maruyama
      return when(is(key, "dt") || is(key, "t_end"), setting(r, "V_f_noise"));
    if (gsemm) return integrator_applies(key, r);
    const bool accumulator = f.rule == RecallRule::accumulator && !f.recognition;
    const bool continuous = f.drift != ContextDriftKind::discrete;  // dopri5 moves the context
    if (is(key, "dt")) return when(accumulator || continuous, setting(r, "drift"));
    return when(continuous && (is(key, "abs_tol") || is(key, "rel_tol") || is(key, "max_steps") || is(key, "min_step")),
                continuous ? std::string() : setting(r, "drift"));
  }
  if (section == "recognition") return when(is(key, "recognition") || f.recognition);
  if (section == "context") {
    if (is(key, "retention_interval")) return when(f.cmr.salience_decay_time > 0, setting(r, "salience_decay_time"));
    if (is(key, "phi_d")) return when(f.cmr.phi_s > 0, setting(r, "phi_s"));
    if (f.recognition) return when(!is(key, "beta_rec") && !is(key, "beta_start"));
    return when(!gsemm);  // the GSEMM recall does not use the context
  }
  if (section == "recall") {
    if (f.recognition) return no();
    if (is(key, "recall_rule")) return kYes;
    if (is(key, "tau") || is(key, "X_s") || is(key, "X_k"))
      return when(f.rule == RecallRule::luce || f.rule == RecallRule::softmax);
    if (is(key, "kappa") || is(key, "lambda") || is(key, "eta") || is(key, "accumulator_threshold") ||
        is(key, "recall_period"))
      return when(f.rule == RecallRule::accumulator);
    return when(gsemm);  // recall_cue, hebb_*
  }
  return when(section == "" || section == "items" || section == "lists");
}

Applies applies(const KeyDef& k, const RunSpec& r) {
  const std::string section = k.section;
  if (r.command == Command::baseline) {
    if (!section.empty() && section != "baseline") return no();
    return when(!(is(k.key, "baseline_degrees") && (r.baseline.model == "hopfield" || r.baseline.model == "dense_exp")),
                setting(r, "baseline_model"));
  }
  if (r.model == ModelKind::diffusion) return diffusion_applies(section, k.key, r);
  if (r.model == ModelKind::free_recall) return free_recall_applies(section, k.key, r);
  if (section == "integrator") return integrator_applies(k.key, r);
  // GAMM (Phi = 0): the delay never reaches the features
  if (r.model == ModelKind::gamm && (is(k.key, "alpha_c") || is(k.key, "T_d") || is(k.key, "beta_d") || is(k.key, "V_d0")))
    return no();
  if (section == "model") {
    const bool softmax = r.params.sigma_h.kind == HiddenKind::softmax;
    if (is(k.key, "T_h")) return when(r.model == ModelKind::gsemm);
    if (is(k.key, "degree") && softmax) return no(setting(r, "sigma_h"));
    if (is(k.key, "beta_h")) return when(softmax, setting(r, "sigma_h"));
  }
  return r.command == Command::sweep ? sweep_applies(section, k.key, r) : gsemm_run_applies(section, k.key, r);
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
  if (key_applies(k, r)) return true;
  return r.model == ModelKind::diffusion && is(k.key, "N") && !r.diffusion.Y_file.empty();
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
