// kind = "seqnet", "densenet", "mixednet", "eden": which keys a run reads (sim/scenario/key_rules.hpp),
// and when not, the setting that decides.
#include <cstring>

#include "sim/scenario/key_rules.hpp"

namespace seqmem {
namespace {

// [model]: N_f, and each model's own parameters.
Applies model_applies(const char* key, const RunSpec& r) {
  const bool eden = r.model == ModelKind::eden;
  if (is(key, "kind") || is(key, "N_f")) return kYes;
  if (std::strncmp(key, "eden_", 5) == 0) {
    if (!eden) return no();
    return when(!is(key, "eden_beta") || r.sequence().eden.normalisation == EdenNormalisation::code, r,
                "eden_normalisation");
  }
  if (eden) return no();
  if (is(key, "separation")) return when(r.model != ModelKind::seqnet);
  if (is(key, "degree"))
    return r.model == ModelKind::seqnet ? no()
                                        : when(r.sequence().net.separation == Separation::polynomial, r, "separation");
  return when(std::strncmp(key, "mixednet_", 9) == 0 && r.model == ModelKind::mixednet);
}

Applies applies(const std::string& section, const char* key, const RunSpec& r) {
  const bool eden = r.model == ModelKind::eden;
  if (section == "model") return model_applies(key, r);
  if (section == "memories") return when(is(key, "K"));
  if (section == "cue") return when(!is(key, "cue_noise") || eden);
  if (section == "integrator") return eden ? integrator_applies(key, r) : when(is(key, "t_end"));
  if (section == "record") {
    if (is(key, "sample_dt")) return when(eden);  // a map: every update is a sample
    return when(!is(key, "state_every") || r.sequence().record_state || r.sequence().record_delay, r, "states");
  }
  if (section == "analysis") return kYes;  // stall_time and the stop rules (the cycle is the stored one)
  return when(section.empty());            // seed, name, description
}

}  // namespace

Applies sequence_key_applies(const KeyDef& k, const RunSpec& r) { return applies(k.section, k.key, r); }

}  // namespace seqmem
