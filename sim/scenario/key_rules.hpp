// Which keys a run reads, and what the scenario layer asks of each model kind: its family of keys,
// its resolver and its rule. Each kind defines its resolver (sim/kinds/<kind>/resolve_<kind>.cpp) and
// its rule (sim/kinds/<kind>/<kind>_keys.cpp); sim/scenario/kind_rules.cpp lists them, one line a kind.
// These are the one call that runs against the layers (the scenario layer calls into the kinds'
// folders, which it does not include; docs/architecture.md).
#pragma once

#include <cstring>
#include <string>

#include "sim/scenario/scenario.hpp"
#include "sim/scenario/scenario_values.hpp"
#include "sim/scenario/schema.hpp"

namespace seqmem {

// Whether a key applies to a run, and when it does not, the setting that leaves it out
// (`surface_plane = "pca"`); `why` is empty when the run's kind or command decides alone (the
// message names those anyway).
struct Applies {
  bool yes = true;
  std::string why;
  // Not recorded, yet read to be checked (diffusion's N with Y_file: only 0 is accepted, "no random
  // patterns"): not an unread key.
  bool checked = false;
};
inline const Applies kYes{};
inline Applies no(std::string why = {}) { return {false, std::move(why)}; }
inline Applies when(bool applies, std::string why_not = {}) {
  return applies ? Applies{} : no(std::move(why_not));
}
inline bool is(const char* a, const char* b) { return std::strcmp(a, b) == 0; }

// Whether a key of [model] is one of a sequence memory's network (separation, mixednet_*, eden_*): read by the
// sequence-family kinds and by a [baseline] of those models, not by a GSEMM run or sweep.
inline bool sequence_network_key(const char* key) {
  return is(key, "separation") || std::strncmp(key, "mixednet_", 9) == 0 || std::strncmp(key, "eden_", 5) == 0;
}

// `key = value` as the run resolved it: strings quoted, as in the scenario file.
std::string setting(const RunSpec& r, const char* key);
// `when` with the run's setting of `key` as the reason, formatted only when the key does not apply
// (write_key_attributes asks of every key of every run).
inline Applies when(bool applies, const RunSpec& r, const char* key) { return applies ? kYes : no(setting(r, key)); }
// The [integrator] keys a stepper reads (capacity sweeps: rk4's dt is also the fallback's step).
Applies integrator_applies(const char* key, const RunSpec& r);

struct KindRules {
  Family family;  // the keys of the schema the kind may be given (others are refused by name)
  // Its keys (of `v`, the run's values) into its part of `r`, which comes with seed and model;
  // `dir` is where the files it names are looked up. InputError via Values::fail. The keys it reads
  // (and the values it records with Values::use) are the run's record (RunSpec::resolved).
  RunSpec (*resolve)(const scenario_detail::Values& v, const std::string& dir, RunSpec r);
  // Whether the run reads key k (of the kind's family), and if not, why.
  Applies (*applies)(const KeyDef& k, const RunSpec& r);
  // The run as messages name it ("this free-recall run (recall_rule = \"luce\")"); nullptr:
  // "this run (kind = \"...\")".
  std::string (*describe)(const RunSpec& r) = nullptr;
};

const KindRules& kind_rules(ModelKind m);

}  // namespace seqmem
