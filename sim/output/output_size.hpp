// The size of a run's output from the output catalogue (sim/output/variables.hpp): the kinds'
// estimates (sim/kinds/<kind>/<kind>_estimate.cpp) give the length of each dimension and which
// optional variables the run writes; the variables, their dimensions and their stored types are
// the catalogue's, declared once.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace seqmem {

// Dimension name -> its length (entries; a fraction is allowed in an expected count).
using DimensionSizes = std::map<std::string, double>;

// Bytes of the catalogue's variables listed in docs/output.md's table `table` ("run",
// "fixed_points", "events", ...): for each, the product of its dimensions' lengths times the
// bytes of its stored type (8 for f64 and i64, 4 for i32). A variable is left out when one of its
// dimensions has no length in `sizes` (a count the estimate cannot know, e.g. GSEMM's visits) or
// when `written` (given the catalogue name, "fixed_points/V_f") says the run does not write it. A
// leading dimension that may be absent ("[trajectory] dim") takes its length from the key
// "[trajectory]" when given (1: absent), else from "trajectory".
double output_bytes(const std::string& table, const DimensionSizes& sizes,
                    const std::function<bool(const std::string& name)>& written = {});

}  // namespace seqmem
