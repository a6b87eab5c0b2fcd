// Bit-packed products with binary memories (see binary_patterns.hpp).
#include "models/binary_patterns.hpp"

#include <algorithm>
#include <stdexcept>

namespace seqmem {
bool BinaryPatterns::is_binary(const Mat& Xi) { return (Xi.array() == 1.0 || Xi.array() == -1.0).all(); }

BinaryPatterns::BinaryPatterns(const Mat& Xi)
    : N_(static_cast<int>(Xi.rows())),
      K_(static_cast<int>(Xi.cols())),
      words_n_((N_ + 63) / 64),
      columns_(static_cast<std::size_t>(K_) * words_n_, 0),
      Xi_rows_(Xi),
      s_bits_(words_n_),
      s_mask_(words_n_) {
  if (!is_binary(Xi)) throw std::invalid_argument("BinaryPatterns: every entry of Xi must be +1 or -1");
  for (int k = 0; k < K_; ++k)
    for (int i = 0; i < N_; ++i)
      if (Xi(i, k) < 0) columns_[static_cast<std::size_t>(k) * words_n_ + i / 64] |= std::uint64_t{1} << (i % 64);
  unsaturated_.reserve(N_);
}

int BinaryPatterns::transpose_times(const Vec& s, Vec& a) const {
  std::fill(s_bits_.begin(), s_bits_.end(), 0);
  std::fill(s_mask_.begin(), s_mask_.end(), 0);
  unsaturated_.clear();
  int saturated = 0;
  for (int i = 0; i < N_; ++i) {
    const double v = s(i);
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    if (v == 1.0 || v == -1.0) {
      s_mask_[i / 64] |= bit;
      if (v < 0) s_bits_[i / 64] |= bit;
      ++saturated;
    } else {
      unsaturated_.push_back(i);
    }
  }
  // saturated neurons: sum_i Xi_ik s_i = (agreements) - (disagreements) = saturated - 2 disagreements
  const std::uint64_t* c = columns_.data();
  double* out = a.data();
  if (words_n_ == 2) {  // 64 < N <= 128, the paper's N_f = 100
    const std::uint64_t b0 = s_bits_[0], b1 = s_bits_[1], m0 = s_mask_[0], m1 = s_mask_[1];
    for (int k = 0; k < K_; ++k, c += 2)
      out[k] = saturated - 2 * (__builtin_popcountll((c[0] ^ b0) & m0) + __builtin_popcountll((c[1] ^ b1) & m1));
  } else {
    for (int k = 0; k < K_; ++k, c += words_n_) {
      int d = 0;
      for (int w = 0; w < words_n_; ++w) d += __builtin_popcountll((c[w] ^ s_bits_[w]) & s_mask_[w]);
      out[k] = saturated - 2 * d;
    }
  }
  for (int i : unsaturated_) a.noalias() += s(i) * Xi_rows_.row(i).transpose();
  return saturated;
}

}  // namespace seqmem
