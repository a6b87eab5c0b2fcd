// The checks of HDF5 calls shared by the files of sim/output/ (internal): a failed call throws
// h5::Error with HDF5's error stack.
#pragma once

#include <string>

#include "sim/output/h5file.hpp"

namespace seqmem::h5 {

[[noreturn]] inline void fail(const std::string& what) {
  const std::string stack = error_stack();
  throw Error("HDF5: " + what + (stack.empty() ? "" : " (" + stack + ")"));
}
inline hid_t valid(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}
inline void check(herr_t e, const std::string& what) {
  if (e < 0) fail(what);
}

}  // namespace seqmem::h5
