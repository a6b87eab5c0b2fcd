// The scenario keys a run's HDF5 group records as attributes: only the keys that apply to the
// run (sim/scenario/keys_read.hpp), lists as arrays. docs/output.md lists the rules.
#pragma once

#include <hdf5.h>

#include "sim/scenario/scenario.hpp"

namespace seqmem {

// Writes every applicable key of r.resolved on `group`: integers as int64, numbers as double,
// booleans as int8 0/1, strings as UTF-8 strings, lists of numbers or strings as 1-D arrays
// (an empty list is left out), and `cycles` (a list of lists) as the concatenated memory labels
// in `cycles` with the length of each cycle in `cycle_lengths`.
void write_key_attributes(hid_t group, const RunSpec& r);

}  // namespace seqmem
