// How messages name the options of the front end that drives seqmem: the command line's flags
// (the default) or the Python package's keyword arguments (set once when the module is imported,
// sim/app/python_module.cpp), so that advice such as "use --overwrite to replace it" reads in the
// user's own terms.
#pragma once

#include <string>

namespace seqmem {

struct FrontEndWords {
  std::string overwrite = "--overwrite";    // replace an existing output
  std::string resume = "--resume";          // continue an interrupted sweep
  std::string overrides = "--set overrides";  // the overrides of the scenario's keys, as a group
  std::string allow_large = "--allow-large";  // go beyond the soft limits on output and work
  std::string run = "`seqmem run`";           // the command (function) that runs a scenario
  std::string sweep = "`seqmem sweep`";       // ... that sweeps one
};

inline FrontEndWords& front_end_words() {
  static FrontEndWords words;
  return words;
}

}  // namespace seqmem
