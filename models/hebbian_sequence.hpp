// Phi learned from a study order by an asymmetric Hebbian rule (docs/free_recall.md §6): the
// Dense GSEMM as a recall engine. Memory a is the item studied at position a (0-based); the
// transition a -> b (Phi(a, b), the synapse of GSEMM Eq. 1 that drives xi_b from xi_a) gets
//
//   Phi(a, b) = w_+ exp(-(l - 1) / lambda)   for lag l = b - a >= 1   (forward)
//   Phi(a, b) = w_- exp(-(|l| - 1) / lambda) for lag l = b - a <= -1  (backward)
//
// with lambda the decay length in lags (lambda = 0: the adjacent lags |l| = 1 only). A temporally
// asymmetric Hebbian rule of this shape is the classic sequence-learning rule (Sompolinsky & Kanter
// 1986; Kleinfeld 1986) with a trace of the recent items, as in TCM's context.
#pragma once

#include <cmath>
#include <stdexcept>

#include "models/activations.hpp"

namespace seqmem {

// L x L, zero diagonal. Throws std::invalid_argument for L < 1 or a negative weight or length.
inline Mat hebbian_phi(int L, double forward, double backward, double lag_decay) {
  if (L < 1 || forward < 0 || backward < 0 || lag_decay < 0)
    throw std::invalid_argument("hebbian_phi: L >= 1 and non-negative weights and decay length");
  Mat Phi = Mat::Zero(L, L);
  for (int a = 0; a < L; ++a)
    for (int b = 0; b < L; ++b) {
      const int lag = b - a;
      if (lag == 0) continue;
      const int d = std::abs(lag);
      const double w = lag > 0 ? forward : backward;
      if (lag_decay == 0.0) {
        if (d == 1) Phi(a, b) = w;
      } else {
        Phi(a, b) = w * std::exp(-(d - 1) / lag_decay);
      }
    }
  return Phi;
}

}  // namespace seqmem
