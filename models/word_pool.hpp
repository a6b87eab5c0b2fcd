// The item pool of a free-recall experiment (docs/free_recall.md §1): N_items feature vectors
// f_i of unit norm, the columns of F (N_f x N_items), optionally grouped in semantic categories
// whose members have cosine category_similarity s:
//
//   orthonormal:  f_i = sqrt(1 - s) e_i + sqrt(s) e_{N_items + cat(i)},   N_f = N_items + categories
//                 (without categories f_i = e_i: CMR's localist items, Polyn et al. 2009)
//   random:       f_i = x_i / sqrt(N_f), x_i in {-1, +1}^N_f; with categories each entry copies the
//                 category's random prototype with probability sqrt(s) and is a fresh random sign
//                 otherwise, so two members agree in an entry with probability (1 + s) / 2 and
//                 their expected cosine is s.
//
// cat(i) = floor(i * categories / N_items): contiguous blocks of (nearly) equal size.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "models/activations.hpp"

namespace seqmem {

struct WordPool {
  Mat F;                     // N_f x N_items, unit columns
  std::vector<int> category;  // per item, 0-based; empty without categories
  int N_items() const { return static_cast<int>(F.cols()); }
  int N_f() const { return static_cast<int>(F.rows()); }
};

inline int category_of(int item, int categories, int N_items) {
  return static_cast<int>(static_cast<std::int64_t>(item) * categories / N_items);
}

// Throws std::invalid_argument for N_items < 1, categories < 0, s outside [0, 1) or (random) N_f < 1.
inline WordPool make_word_pool(int N_items, int categories, double s, bool random, int N_f, std::uint64_t seed) {
  if (N_items < 1 || categories < 0 || !(s >= 0 && s < 1) || (random && N_f < 1))
    throw std::invalid_argument("make_word_pool: N_items >= 1, categories >= 0, 0 <= s < 1 and N_f >= 1");
  WordPool p;
  if (categories > 0) {
    p.category.resize(static_cast<std::size_t>(N_items));
    for (int i = 0; i < N_items; ++i) p.category[static_cast<std::size_t>(i)] = category_of(i, categories, N_items);
  }
  if (!random) {
    p.F = Mat::Zero(N_items + categories, N_items);
    for (int i = 0; i < N_items; ++i) {
      if (categories == 0) {
        p.F(i, i) = 1.0;
      } else {
        p.F(i, i) = std::sqrt(1.0 - s);
        p.F(N_items + p.category[static_cast<std::size_t>(i)], i) = std::sqrt(s);
      }
    }
    return p;
  }
  // One 64-bit draw per prototype entry and two per item entry (sign, copy), in a fixed order.
  std::mt19937_64 rng(seed);
  Mat proto(N_f, std::max(categories, 1));
  for (Eigen::Index c = 0; c < proto.cols(); ++c)
    for (int k = 0; k < N_f; ++k) proto(k, c) = (rng() >> 63) ? 1.0 : -1.0;
  const double p_copy = std::sqrt(s);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double norm = 1.0 / std::sqrt(static_cast<double>(N_f));
  p.F.resize(N_f, N_items);
  for (int i = 0; i < N_items; ++i) {
    for (int k = 0; k < N_f; ++k) {
      const double own = (rng() >> 63) ? 1.0 : -1.0;
      const bool copy = u(rng) < p_copy;
      p.F(k, i) = norm * (categories > 0 && copy ? proto(k, p.category[static_cast<std::size_t>(i)]) : own);
    }
  }
  return p;
}

}  // namespace seqmem
