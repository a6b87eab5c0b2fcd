// Runs every run of a scenario in parallel (OpenMP, dynamic schedule) into one HDF5 file through
// the driver skeleton (sim/drivers/driver.hpp), following the output policy of
// sim/output/output_file.hpp: an error or a signal never leaves a half-written file under the
// requested name.
#pragma once

#include <string>
#include <vector>

#include "sim/drivers/driver.hpp"
#include "sim/kinds/gsemm/run_writer.hpp"
#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// threads, progress (a line per finished run), overwrite, allow_large, print_warnings.
struct RunOptions : DriverOptions {};

// Throws InputError for a scenario that is not for `run`, a bad file it names, or an OUT that may
// not be written; OutputError when writing fails (a full disk).
std::vector<RunOutcome> run_scenario(const Scenario& sc, const std::string& out, const RunOptions& opt);

}  // namespace seqmem
