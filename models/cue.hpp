// The initial feature state: a stored memory as cue, optionally corrupted (Appendix B: "the input
// to the system is the memory xi_5"). No files, no globals: the seed fixes every random choice.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "models/activations.hpp"

namespace seqmem {

struct CueSpec {
  int memory = -1;         // 0-based; -1: no memory, V_f(0) = noise only
  double amplitude = 1.0;  // V_f(0) = amplitude * xi
  double flip = 0.0;       // fraction of entries whose sign is flipped
  double zero = 0.0;       // fraction of entries set to 0 (chosen independently of the flips)
  double noise = 0.0;      // standard deviation of Gaussian noise added to every entry
};

inline Vec make_cue(const Mat& Xi, const CueSpec& c, std::uint64_t seed) {
  const auto N = Xi.rows();
  Vec V = c.memory >= 0 ? Vec(c.amplitude * Xi.col(c.memory)) : Vec(Vec::Zero(N));
  // A stream of its own, so that the cue never shares random numbers with the memories.
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), 0x637565u};
  std::mt19937_64 rng(seq);
  auto pick = [&](double fraction) {
    std::vector<Eigen::Index> idx(N);
    std::iota(idx.begin(), idx.end(), 0);
    const auto n = static_cast<Eigen::Index>(std::llround(fraction * static_cast<double>(N)));
    for (Eigen::Index i = 0; i < n; ++i) {  // partial Fisher-Yates with raw 64-bit draws
      const auto j = i + static_cast<Eigen::Index>(rng() % static_cast<std::uint64_t>(N - i));
      std::swap(idx[i], idx[j]);
    }
    idx.resize(n);
    return idx;
  };
  for (auto i : pick(c.flip)) V(i) = -V(i);
  for (auto i : pick(c.zero)) V(i) = 0.0;
  if (c.noise > 0) {
    std::normal_distribution<double> gauss(0.0, c.noise);
    for (Eigen::Index i = 0; i < N; ++i) V(i) += gauss(rng);
  }
  return V;
}

}  // namespace seqmem
