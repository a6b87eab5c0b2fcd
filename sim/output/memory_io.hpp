// Matrices from files: Xi (N_f x K, one memory per column) and Phi (K x K).
// CSV (comma, semicolon or whitespace separated; one matrix row per line; '#' starts a comment)
// or HDF5 (.h5, .hdf5, .nc: a 2-D dataset). Errors throw InputError naming the file.
#pragma once

#include <string>

#include "models/activations.hpp"

namespace seqmem {

Mat load_matrix(const std::string& path, const std::string& dataset, const std::string& key = "Xi_file");

// A stack of square matrices (covariances, one per memory): HDF5 (n x D x D) or, like load_matrix,
// a 2-D (n D) x D matrix of the blocks one under the other. Returned as the (n D) x D stack.
Mat load_matrix_stack(const std::string& path, const std::string& dataset,
                      const std::string& key = "covariance_file");

}  // namespace seqmem
