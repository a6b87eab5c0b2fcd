// Runs every run of a scenario in parallel (OpenMP, dynamic schedule) into one HDF5 file.
// The file is written as OUT.partial-<pid> and renamed to OUT at the end: an error or a
// signal (SIGINT, SIGTERM) never leaves a half-written file under the requested name.
#pragma once

#include <string>
#include <vector>

#include "h5file.hpp"
#include "run_writer.hpp"
#include "scenario.hpp"

namespace seqmem {

struct RunOptions {
  int threads = 0;        // 0: OpenMP's default
  bool progress = true;   // a line per finished run on stderr
};

// The provenance attributes of a seqmem file's root: seqmem_version, scenario (the file's text),
// scenario_path, overrides (the --set pairs, one per line: Scenario::overrides_text()) and created
// (UTC, ISO 8601). Written by `run` and `sweep`; the caller holds h5::lock().
void write_provenance(hid_t root, const Scenario& sc);

// Throws InputError when OUT cannot be written or a file named by the scenario is bad.
std::vector<RunOutcome> run_scenario(const Scenario& sc, const std::string& out, const RunOptions& opt);

}  // namespace seqmem
