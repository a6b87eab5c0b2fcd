// A temporary folder for one test process: ctest runs the doctest cases of one file as separate
// processes in parallel, so a folder shared by name would let them overwrite each other's files.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace seqmem::testing {

inline std::filesystem::path temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("seqmem_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace seqmem::testing
