// kind = "diffusion": which keys a run reads (sim/scenario/key_rules.hpp), and when not, the setting
// that decides.
#include <cstring>

#include "sim/scenario/key_rules.hpp"

namespace seqmem {
namespace {

Applies applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& d = r.diffusion();
  if (is(key, "gamma_v")) return when(d.process == DiffusionProcess::vp, r, "process");
  if (is(key, "beta")) return when(d.dynamics == DiffusionDynamics::hopfield, r, "dynamics");
  if (is(key, "Y_file") || is(key, "Y_dataset")) return when(!d.Y_file.empty(), "without Y_file");
  if (is(key, "D") || is(key, "N") || is(key, "pattern_norm")) {
    Applies a = when(d.Y_file.empty() || is(key, "D"), "with Y_file");
    a.checked = is(key, "N");  // N = 0 with Y_file says "no random patterns"; any other N is refused
    return a;
  }
  if (is(key, "extended_variance")) return when(d.extended_rank > 0, r, "extended_rank");
  if (is(key, "covariance_file") || is(key, "covariance_dataset"))
    return when(!d.covariance_file.empty(), "without covariance_file");
  if (std::strncmp(key, "manifold_", 9) == 0)
    return when(is(key, "manifold_components") || d.manifold_components > 0, r, "manifold_components");
  if (is(key, "path_every")) return when(d.paths > 0, r, "paths");
  if (is(key, "cue_memory")) return when(!d.cue_cycle, r, "cue_cycle");
  if (section == "landscape") return when(is(key, "landscape_grid") || d.landscape_grid > 0, r, "landscape_grid");
  // reverse_sde: Euler-Maruyama at dt; the flows: the stepper (dt also spaces their recorded paths)
  if (section == "integrator") {
    if (is(key, "dt")) return kYes;
    if (d.dynamics != DiffusionDynamics::reverse_sde) return integrator_applies(key, r);
    return when(is(key, "t_end") || is(key, "t0"), r, "dynamics");
  }
  return when(section != "sweep" && section != "baseline");
}

}  // namespace

Applies diffusion_key_applies(const KeyDef& k, const RunSpec& r) { return applies(k.section, k.key, r); }

}  // namespace seqmem
