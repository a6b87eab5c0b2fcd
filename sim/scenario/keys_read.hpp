// Which scenario keys a run reads: the keys that apply to the run (a plain run reads no [sweep] or
// [baseline] keys, an rk4 run no tolerances, a run without [fixed_points] analysis none of its
// keys), decided by its kind's rule (sim/scenario/key_rules.hpp). The loader refuses a key given
// that the run does not read; the writers record the keys that apply (sim/output/key_attributes.hpp).
#pragma once

#include <string>

#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"

namespace seqmem {

// Whether the key `k` affects the run `r` (its command, model kind, stepper, options): recorded.
bool key_applies(const KeyDef& k, const RunSpec& r);
// Whether the run reads `k` when it is given: the keys that apply, and those it only checks
// (N = 0 with Y_file says "no random patterns"; any other N is refused). A key given that the run
// does not read is an error (sim/scenario/scenario.cpp).
bool key_read(const KeyDef& k, const RunSpec& r);
// For a key that does not apply to `r`: the setting that leaves it out (`surface_plane = "pca"`,
// `find_fixed_points = false`, "without Xi_file"), or "" when the run's kind or command decides alone.
std::string key_unread_reason(const KeyDef& k, const RunSpec& r);

}  // namespace seqmem
