// Probabilistic recall with a generative diffusion model, and its deterministic limits
// (Ambrogioni 2024, §5.1, Eq. 5, 7, 13-14; models.md §2).
//
// reverse_sde_recall: M trajectories of the reverse SDE of a PatternDiffusion,
//   dx = (sigma^2 grad log p_t(x) + gamma x) dt + sigma dW,   x(t0) = x0 (a corrupted cue),
// by Euler-Maruyama (sim/sde.hpp) from t0 to t_end < T, in parallel (OpenMP), each with its own
// generator (seed, trajectory index): the results do not depend on the thread count. With the exact
// score, x(t_end) is distributed as p(x_t_end | x_t0 = x0), so the pattern nearest to the end state
// is n with the posterior probability p(n | x0) = dm.weights(x0, t0) (§5.1; for VE
// softmax(-|x0 - y_n|^2 / (2 (T - t0) sigma^2))), up to the discretisation bias and the small chance
// that the end state, at distance ~ sigma sqrt(D (T - t_end)) of its pattern, is nearer another one.
//
// probability_flow_recall: the deterministic probability-flow ODE dx/dt = 0.5 sigma^2 grad log p_t(x)
// + gamma x from (x0, t0) to t_end (odeint dopri5, adaptive).
// hopfield_recall: the modern Hopfield gradient flow dx/dt = Y softmax(beta Y^T x) - x (Eq. 5) at a
// fixed beta, run until |dx/dt| < tol. For unit-norm patterns and VE, beta = beta(t_end) =
// 1 / ((T - t_end) sigma^2) makes u_DM(., t_end) an affine function of u_MH(., beta) (Eq. 13-14).
#pragma once

#include <cstdint>
#include <vector>

#include "../models/diffusion.hpp"

namespace seqmem {

// The pattern nearest to x (Euclidean distance), its distance and its overlap
// m = y_n^T x / |y_n|^2 (1 at the pattern itself).
struct NearestPattern {
  int index = -1;
  double distance = 0;
  double overlap = 0;
};
NearestPattern nearest_pattern(const Mat& Y, const Vec& x);

struct RecallSpec {
  double t0 = 0;         // time of the cue (noise time T - t0)
  double t_end = 0;      // end time, t0 < t_end < T
  double dt = 1e-3;      // Euler-Maruyama step (rounded down so that t_end is hit exactly)
  int trajectories = 1000;
  std::uint64_t seed = 0;
  int threads = 0;       // OpenMP threads; 0: OpenMP's default
};

struct RecallResult {
  Mat end_states;             // D x M, column i = trajectory i
  std::vector<int> nearest;   // M: the nearest pattern of each end state
  Vec distance, overlap;      // M: its distance and overlap
  std::vector<long> counts;   // N: trajectories ending nearest each pattern
  Vec frequencies() const;    // counts / M
};

RecallResult reverse_sde_recall(const PatternDiffusion& dm, const Vec& x0, const RecallSpec& spec);

// End state of the probability-flow ODE from x(t0) = x0 to t_end (dopri5, abs/rel tolerances).
// Works on a copy of dm: safe to call from several threads with the same dm.
Vec probability_flow_recall(const PatternDiffusion& dm, const Vec& x0, double t0, double t_end,
                            double abs_tol = 1e-10, double rel_tol = 1e-8);

// End state of the modern Hopfield flow at beta from x0 (dopri5), stopped once |dx/dt| < tol or at
// t_max (converged = false).
struct HopfieldRecall {
  Vec x;
  double t = 0;
  bool converged = false;
};
HopfieldRecall hopfield_recall(const Mat& Y, double beta, const Vec& x0, double tol = 1e-9, double t_max = 1e3);

}  // namespace seqmem
