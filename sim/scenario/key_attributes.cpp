#include "sim/scenario/key_attributes.hpp"

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

// The [integrator] keys a stepper reads (capacity sweeps: rk4's dt is also the fallback's step).
bool integrator_applies(const char* key, const RunSpec& r) {
  if (is(key, "t_end") || is(key, "stepper") || is(key, "t0")) return true;
  if (is(key, "dt"))
    return !adaptive(r.stepper) || (r.command == Command::sweep && r.sweep.fallback_rk4);
  if (is(key, "flip_time")) return r.stepper == StepperKind::event_driven;
  return adaptive(r.stepper);  // abs_tol, rel_tol, max_steps, min_step
}

bool gsemm_run_applies(const std::string& section, const char* key, const RunSpec& r) {
  if (section == "memories") return is(key, "K") || !r.Xi_file.empty();
  if (section == "episodes") {
    if (r.model == ModelKind::gamm) return false;
    const bool from_file = !r.Phi_file.empty();
    return is(key, "Phi_file") || is(key, "Phi_dataset") ? from_file : !from_file;
  }
  if (section == "input") return r.input_memory >= 0;
  if (section == "record") return !is(key, "state_every") || r.record_V_f || r.record_V_h || r.record_V_d;
  if (section == "analysis") return !is(key, "expect_cycle") || !r.expect_cycle.empty();
  if (section == "fixed_points")
    return is(key, "find_fixed_points") ||
           (r.fixed_points.enabled && (std::strncmp(key, "surface_", 8) != 0 || is(key, "surface_slices") ||
                                       (r.fixed_points.surface_slices > 0 &&
                                        !(is(key, "surface_memories") && r.fixed_points.surface_pca))));
  return section != "sweep" && section != "baseline";
}

// A capacity sweep evaluates its own cycle 1 -> 2 -> ... -> K from xi_1 (sim/sweeps/sweep.cpp, make_task).
bool sweep_applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& sw = r.sweep;
  if (section == "sweep") {
    if (is(key, "K_list") || is(key, "K_list_all")) return !sw.K_list.empty();
    if (is(key, "K_min") || is(key, "K_max") || is(key, "K_growth") || is(key, "K_resolution"))
      return sw.K_list.empty();
    if (is(key, "horizon_time")) return sw.horizon == Horizon::fixed;
    if (is(key, "horizon_per_memory")) return sw.horizon == Horizon::proportional;
    return true;
  }
  if (section == "model") return !is(key, "degree") && !(is(key, "alpha_c") && !sw.alpha_c.empty());
  if (section == "cue") return is(key, "cue_amplitude");
  if (section == "record") return is(key, "threshold");
  if (section == "analysis") return is(key, "stall_time");
  if (section == "") return !is(key, "seed");  // sweep_seeds
  return false;  // memories, episodes, input, fixed_points, baseline
}

bool diffusion_applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& d = r.diffusion;
  if (is(key, "gamma_v")) return d.process == DiffusionProcess::vp;
  if (is(key, "beta")) return d.dynamics == DiffusionDynamics::hopfield;
  if (is(key, "Y_file") || is(key, "Y_dataset")) return !d.Y_file.empty();
  if (is(key, "D") || is(key, "N") || is(key, "pattern_norm")) return d.Y_file.empty() || is(key, "D");
  if (is(key, "extended_variance")) return d.extended_rank > 0;
  if (is(key, "covariance_file") || is(key, "covariance_dataset")) return !d.covariance_file.empty();
  if (std::strncmp(key, "manifold_", 9) == 0) return is(key, "manifold_components") || d.manifold_components > 0;
  if (is(key, "path_every")) return d.paths > 0;
  if (is(key, "cue_memory")) return !d.cue_cycle;
  if (section == "landscape") return is(key, "landscape_grid") || d.landscape_grid > 0;
  // reverse_sde: Euler-Maruyama at dt; the flows: the stepper (dt also spaces their recorded paths)
  if (section == "integrator")
    return is(key, "dt") || (d.dynamics == DiffusionDynamics::reverse_sde ? is(key, "t_end") || is(key, "t0")
                                                                           : integrator_applies(key, r));
  return section != "sweep" && section != "baseline";
}

// kind = "free_recall": the keys its settings read (sim/kinds/free_recall/free_recall_runner.cpp).
bool free_recall_applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& f = r.free_recall;
  const bool gsemm = f.rule == RecallRule::gsemm && !f.recognition;
  if (is(key, "N_f")) return f.item_vectors == ItemVectors::random;
  if (is(key, "category_similarity")) return f.categories > 0;
  if (section == "model" || section == "record") {  // the GSEMM keys of recall_rule = gsemm
    if (is(key, "kind")) return true;
    if (!gsemm) return false;
    if (is(key, "degree")) return r.params.sigma_h.kind != HiddenKind::softmax;
    if (is(key, "beta_h")) return r.params.sigma_h.kind == HiddenKind::softmax;
    return true;
  }
  if (is(key, "cue_noise")) return gsemm;
  if (section == "integrator") {
    if (gsemm && f.V_f_noise > 0) return is(key, "dt") || is(key, "t_end");  // Euler-Maruyama
    if (gsemm) return integrator_applies(key, r);
    const bool accumulator = f.rule == RecallRule::accumulator && !f.recognition;
    const bool continuous = f.drift != ContextDriftKind::discrete;  // dopri5 moves the context
    if (is(key, "dt")) return accumulator || continuous;
    return continuous && (is(key, "abs_tol") || is(key, "rel_tol") || is(key, "max_steps") || is(key, "min_step"));
  }
  if (section == "recognition") return is(key, "recognition") || f.recognition;
  if (section == "context") {
    if (is(key, "retention_interval")) return f.cmr.salience_decay_time > 0;
    if (is(key, "phi_d")) return f.cmr.phi_s > 0;
    if (f.recognition) return !is(key, "beta_rec") && !is(key, "beta_start");
    return !gsemm;  // the GSEMM recall does not use the context
  }
  if (section == "recall") {
    if (f.recognition) return false;
    if (is(key, "recall_rule")) return true;
    if (is(key, "tau")) return f.rule == RecallRule::luce || f.rule == RecallRule::softmax;
    if (is(key, "X_s") || is(key, "X_k")) return f.rule == RecallRule::luce || f.rule == RecallRule::softmax;
    if (is(key, "kappa") || is(key, "lambda") || is(key, "eta") || is(key, "accumulator_threshold") ||
        is(key, "recall_period"))
      return f.rule == RecallRule::accumulator;
    return gsemm;  // recall_cue, hebb_*
  }
  return section == "" || section == "items" || section == "lists";
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

bool key_applies(const KeyDef& k, const RunSpec& r) {
  const std::string section = k.section;
  if (r.command == Command::baseline)
    return (section.empty() || section == "baseline") &&
           !(is(k.key, "baseline_degrees") && (r.baseline.model == "hopfield" || r.baseline.model == "dense_exp"));
  if (r.model == ModelKind::diffusion) return diffusion_applies(section, k.key, r);
  if (r.model == ModelKind::free_recall) return free_recall_applies(section, k.key, r);
  if (section == "integrator") return integrator_applies(k.key, r);
  // GAMM (Phi = 0): the delay never reaches the features
  if (r.model == ModelKind::gamm && (is(k.key, "alpha_c") || is(k.key, "T_d") || is(k.key, "beta_d") || is(k.key, "V_d0")))
    return false;
  if (section == "model") {
    const bool softmax = r.params.sigma_h.kind == HiddenKind::softmax;
    if (is(k.key, "T_h")) return r.model == ModelKind::gsemm;
    if (is(k.key, "degree") && softmax) return false;
    if (is(k.key, "beta_h")) return softmax;
  }
  return r.command == Command::sweep ? sweep_applies(section, k.key, r) : gsemm_run_applies(section, k.key, r);
}

bool key_read(const KeyDef& k, const RunSpec& r) {
  if (key_applies(k, r)) return true;
  return r.model == ModelKind::diffusion && is(k.key, "N") && !r.diffusion.Y_file.empty();
}

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
