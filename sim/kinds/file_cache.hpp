// The matrices a scenario's files hold, loaded once before any output exists and shared by its runs.
#pragma once

#include <map>
#include <string>

#include "models/activations.hpp"

namespace seqmem {

// Matrices named by the scenario's files, loaded once (key: path + "#" + dataset).
using FileCache = std::map<std::string, Mat>;
inline std::string file_key(const std::string& path, const std::string& dataset) { return path + "#" + dataset; }
// The key of a stack of matrices (memory_io.hpp, load_matrix_stack) in the cache.
inline std::string stack_key(const std::string& path, const std::string& dataset) {
  return "stack:" + file_key(path, dataset);
}

}  // namespace seqmem
