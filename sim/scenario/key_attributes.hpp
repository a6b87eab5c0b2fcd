// The scenario keys a run's HDF5 group records as attributes: only the keys that apply to the
// run (a plain run carries no [sweep] or [baseline] keys, an rk4 run no tolerances, a run without
// [fixed_points] analysis none of its keys), lists as arrays. docs/output.md lists the rules.
#pragma once

#include <hdf5.h>

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

// Writes every applicable key of r.resolved on `group`: integers as int64, numbers as double,
// booleans as int8 0/1, strings as UTF-8 strings, lists of numbers or strings as 1-D arrays
// (an empty list is left out), and `cycles` (a list of lists) as the concatenated memory labels
// in `cycles` with the length of each cycle in `cycle_lengths`.
void write_key_attributes(hid_t group, const RunSpec& r);

}  // namespace seqmem
