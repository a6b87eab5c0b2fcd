// kind = "gsemm", "dense_gsemm", "gamm": which keys a run or a capacity sweep reads
// (sim/scenario/key_rules.hpp), and when not, the setting that decides.
#include <cstring>

#include "sim/scenario/key_rules.hpp"

namespace seqmem {
namespace {

Applies fixed_points_applies(const char* key, const RunSpec& r) {
  const auto& fp = r.gsemm().fixed_points;
  if (is(key, "find_fixed_points")) return kYes;
  if (!fp.enabled) return no(setting(r, "find_fixed_points"));
  if (std::strncmp(key, "surface_", 8) != 0 || is(key, "surface_slices")) return kYes;
  if (fp.surface_slices == 0) return no(setting(r, "surface_slices"));
  return when(!(is(key, "surface_memories") && fp.surface_pca), r, "surface_plane");
}

Applies gsemm_run_applies(const std::string& section, const char* key, const RunSpec& r) {
  if (section == "memories") return when(is(key, "K") || !r.gsemm().Xi_file.empty(), "without Xi_file");
  if (section == "episodes") {
    if (r.model == ModelKind::gamm) return no();
    const bool from_file = !r.gsemm().Phi_file.empty();
    return is(key, "Phi_file") || is(key, "Phi_dataset") ? when(from_file, "without Phi_file")
                                                          : when(!from_file, "with Phi_file");
  }
  if (section == "input") return when(r.gsemm().input_memory >= 0, r, "input_memory");
  if (section == "record")
    return when(!is(key, "state_every") || r.gsemm().record_V_f || r.gsemm().record_V_h || r.gsemm().record_V_d, r,
                "states");
  if (section == "analysis")
    return when(!is(key, "expect_cycle") || !r.gsemm().expect_cycle.empty(), r, "expect_cycle");
  if (section == "fixed_points") return fixed_points_applies(key, r);
  return when(section != "sweep" && section != "baseline");
}

// A capacity sweep evaluates its own cycle 1 -> 2 -> ... -> K from xi_1 (sim/sweeps/sweep.cpp, make_task).
Applies sweep_applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& sw = r.gsemm().sweep;
  if (section == "sweep") {
    if (is(key, "K_list") || is(key, "K_list_all")) return when(!sw.K_list.empty(), "without K_list");
    if (is(key, "K_min") || is(key, "K_max") || is(key, "K_growth") || is(key, "K_resolution"))
      return when(sw.K_list.empty(), "with K_list");
    if (is(key, "horizon_time")) return when(sw.horizon == Horizon::fixed, r, "horizon");
    if (is(key, "horizon_per_memory")) return when(sw.horizon == Horizon::proportional, r, "horizon");
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

}  // namespace

Applies gsemm_key_applies(const KeyDef& k, const RunSpec& r) {
  const std::string section = k.section;
  if (section == "integrator") return integrator_applies(k.key, r);
  // GAMM (Phi = 0): the delay never reaches the features
  if (r.model == ModelKind::gamm && (is(k.key, "alpha_c") || is(k.key, "T_d") || is(k.key, "beta_d") || is(k.key, "V_d0")))
    return no();
  if (section == "model" && sequence_network_key(k.key)) return no();  // read by a [baseline] and the sequence kinds
  if (section == "model") {
    const bool softmax = r.params.sigma_h.kind == HiddenKind::softmax;
    if (is(k.key, "T_h")) return when(r.model == ModelKind::gsemm);
    if (is(k.key, "degree") && !has_degree(r.params.sigma_h.kind)) return no(setting(r, "sigma_h"));
    if (is(k.key, "beta_h")) return when(softmax, r, "sigma_h");
  }
  return r.command == Command::sweep ? sweep_applies(section, k.key, r) : gsemm_run_applies(section, k.key, r);
}

}  // namespace seqmem
