// Runs every run of a scenario in parallel (OpenMP, dynamic schedule) into one HDF5 file,
// following the output policy of sim/output/output_file.hpp: an error or a signal never leaves a
// half-written file under the requested name.
#pragma once

#include <string>
#include <vector>

#include "sim/kinds/gsemm/run_writer.hpp"
#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

struct RunOptions {
  int threads = 0;         // 0: OpenMP's default
  bool progress = true;    // a line per finished run on stderr
  bool overwrite = false;  // replace an existing OUT (else refused)
  bool allow_large = false;  // beyond the soft limits of sim/drivers/resources.hpp
  bool print_warnings = false;  // the scenario's warnings on stderr once its checks have passed
};

// The scenario's warnings (keys an override left unread, settings that cannot work) on stderr, as
// "seqmem: warning: ...", by rank 0; after the checks, so that bad input gives its one message.
void print_warnings(const Scenario& sc);

// Every file a scenario reads: the scenario itself and the files its runs name. No output may be one of them.
std::vector<std::string> input_files(const Scenario& sc);

// Throws InputError for a scenario that is not for `run`, a bad file it names, or an OUT that may
// not be written; OutputError when writing fails (a full disk).
std::vector<RunOutcome> run_scenario(const Scenario& sc, const std::string& out, const RunOptions& opt);

}  // namespace seqmem
