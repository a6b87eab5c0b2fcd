// The root attributes of every seqmem file: the conventions it follows and where it came from
// (docs/output.md, "Root attributes").
//   Conventions = "CF-1.10", format_version, title, source, history (CF-1.10 §2.6.2);
//   seqmem_version, git_commit, build_type, build_flags, compiler (the program that wrote it);
//   cpu_model, host (the machine), command_line, created (UTC, ISO 8601);
//   scenario (the scenario file's text), scenario_path, overrides (--set pairs, one per line).
#pragma once

#include <hdf5.h>

#include <string>

namespace seqmem {

class Scenario;

// The layout version of the files; docs/output.md says what changed between versions.
inline constexpr const char* kFormatVersion = "2.0";

// The command line of this process, recorded once by main().
void set_command_line(int argc, char** argv);
const std::string& command_line();

struct Provenance {
  std::string seqmem_version, git_commit, build_type, build_flags, compiler, cpu_model, host;
  std::string scenario, scenario_path, overrides;

  static Provenance of_this_program(const Scenario& sc);
  // The provenance a file records (`seqmem merge` keeps the shards' program and machine).
  static Provenance read(hid_t root);
};

// Writes the root attributes; the caller holds h5::lock().
void write_provenance(hid_t root, const Provenance& p);
void write_provenance(hid_t root, const Scenario& sc);

}  // namespace seqmem
