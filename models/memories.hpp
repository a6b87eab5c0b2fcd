// Stored memories Xi (columns) and episodes Phi (paper §2 and Appendix B, C; models.md §1).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "models/activations.hpp"

namespace seqmem {

// K random +-1 memories of N_f entries, Pr[+1] = Pr[-1] = 1/2 (Appendix B). One bit of a
// 64-bit Mersenne twister per entry, column by column: the same seed gives the same memories on
// every platform and for every thread count.
inline Mat random_memories(int N_f, int K, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Mat Xi(N_f, K);
  for (int mu = 0; mu < K; ++mu)
    for (int i = 0; i < N_f; ++i) Xi(i, mu) = (rng() >> 63) ? 1.0 : -1.0;
  return Xi;
}

// One episode: a list of memory indices (0-based here), an open chain or a cycle, and a weight.
struct Episode {
  std::vector<int> memories;
  bool cyclic = true;
  double weight = 1.0;
};

// The adjacency matrix of the episodes: Phi(a, b) = weight for each step xi_a -> xi_b
// (Phi_{kj} is the synapse from hidden neuron k to hidden neuron j, Eq. 1). Sparse: K = 10^5
// memories in one cycle cost 10^5 entries, not 10^10.
inline SpMat episodes_to_phi(const std::vector<Episode>& episodes, int K) {
  std::vector<Eigen::Triplet<double>> steps;
  for (const auto& e : episodes) {
    const auto n = e.memories.size();
    for (std::size_t i = 0; i + 1 < n; ++i) steps.emplace_back(e.memories[i], e.memories[i + 1], e.weight);
    if (e.cyclic && n > 1) steps.emplace_back(e.memories[n - 1], e.memories[0], e.weight);
  }
  SpMat Phi(K, K);
  Phi.setFromTriplets(steps.begin(), steps.end());  // repeated steps add up
  return Phi;
}

// A circulant single cycle xi_1 -> xi_2 -> ... -> xi_K -> xi_1 (Appendix C).
inline SpMat cyclic_phi(int K) {
  Episode e;
  for (int i = 0; i < K; ++i) e.memories.push_back(i);
  return episodes_to_phi({e}, K);
}

}  // namespace seqmem
