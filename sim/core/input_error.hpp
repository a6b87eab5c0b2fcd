// Bad input: the message names the file, line and key (or, for files a command reads, the file and
// what stops it being read). The command line exits with status 2; Python raises
// seqmem.InputError, a ValueError.
#pragma once

#include <stdexcept>

namespace seqmem {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace seqmem
