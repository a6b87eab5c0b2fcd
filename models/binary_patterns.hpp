// The product a = Xi^T sigma_f(V_f) of Dense GSEMM's right-hand side (Eq. 10) for memories
// Xi in {+1, -1}^{N x K} (the paper's random binary patterns), exact to rounding.
//
// In a dwell nearly every feature neuron is saturated: its sigma_f = tanh(V) is exactly +1 or -1
// in double precision (|V| >= 18.7; |V| reaches 1e30 at high degree). Those neurons enter as bits:
//   sum_{i saturated} Xi_ik s_i = n_sat - 2 popcount((xi_k XOR s) AND saturated),
// an exact integer; the few unsaturated neurons add s_i Xi_ik from a row-major copy of Xi (an axpy
// of length K each). At N = 100, K = 8192 on the development machine: 3.8 us against 73 us for
// Eigen's dense product (bench section "products").
//
// The other product, y = Xi sigma_h(h), has no saturation to exploit: every memory contributes.
// Its signs as bits (a 256 x 8 sign table, masked sums, or the four-Russians tables) were measured
// slower than Eigen's dense product, which runs at about half this core's FMA peak from the 32 MiB
// L3 (docs/benchmarks.md); the model keeps the dense product for it.
//
// Results differ from Eigen's dense product only by the order of summation (rounding; tested in
// tests/test_binary_patterns.cpp). Not thread-safe (work buffers): one object per model, as the
// models' own buffers are.
#pragma once

#include <cstdint>
#include <vector>

#include "models/activations.hpp"

namespace seqmem {

class BinaryPatterns {
 public:
  // Every entry of Xi exactly +1 or -1.
  static bool is_binary(const Mat& Xi);

  // Xi: N x K, binary (std::invalid_argument otherwise).
  explicit BinaryPatterns(const Mat& Xi);

  int N() const { return N_; }
  int K() const { return K_; }

  // a = Xi^T s (a has K entries); returns the number of saturated entries of s (exactly +-1).
  int transpose_times(const Vec& s, Vec& a) const;

 private:
  using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  int N_ = 0, K_ = 0;
  int words_n_ = 0;                     // 64-bit words per memory (column of Xi)
  std::vector<std::uint64_t> columns_;  // K x words_n_: bit i of memory k set when Xi(i, k) = -1
  RowMat Xi_rows_;                      // N x K, for the unsaturated neurons
  mutable std::vector<std::uint64_t> s_bits_, s_mask_;
  mutable std::vector<int> unsaturated_;
};

}  // namespace seqmem
