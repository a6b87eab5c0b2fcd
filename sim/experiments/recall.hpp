// Recall with a generative diffusion model and its deterministic limits: many trajectories from
// cues, their end states and the memory each reached (Ambrogioni 2024, §5.1, Eq. 5, 7, 13-14;
// models.md §2).
//
// Dynamics of one trajectory, from its cue x(t0) = x0 to t_end < T:
//   reverse_sde       dx = (sigma^2 grad log p_t(x) + gamma x) dt + sigma dW      (Eq. 7, 15-21)
//                     by Euler-Maruyama (sim/solvers/sde.hpp), trajectory i with its own generator
//                     (seed, i): the results do not depend on the thread count. With the exact
//                     score, x(t_end) is distributed as p(x_t_end | x_t0 = x0), so the end state
//                     lies at component k with the posterior probability
//                     p(k | x0) = dm.weights(x0, t0) (§5.1; for VE point memories
//                     softmax(-|x0 - y_n|^2 / (2 (T - t0) sigma^2))), up to the discretisation
//                     bias and the small chance that the end state, at distance
//                     ~ sigma sqrt(D (T - t_end)) of its pattern, is nearer another one.
//   probability_flow  dx/dt = 0.5 sigma^2 grad log p_t(x) + gamma x   (dopri5 or cvode_bdf, adaptive)
//   hopfield          dx/dt = Y softmax(beta Y^T x) - x   (Eq. 5) at a fixed beta, run until
//                     |dx/dt| < 1e-9 (or t = 1000), dopri5 or cvode_bdf (stiff at large beta:
//                     the Jacobian has eigenvalues up to ~ beta |y|^2 while p is spread). For unit-norm patterns and VE,
//                     beta = beta(t_end) = 1 / ((T - t_end) sigma^2) makes u_DM(., t_end) an
//                     affine function of u_MH(., beta) (Eq. 13-14); in general
//                     dm.hopfield_beta(t_end) = a / s^2.
// End states: the weight of each memory (the posterior mass of its components at t_end; hopfield:
// softmax(beta Y^T x), the network's own weights); an end state whose largest memory weight is
// below mixture_threshold is a mixture, not a memory.
// Trajectories run in parallel (OpenMP) on per-thread copies of the model.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/diffusion.hpp"
#include "sim/solvers/integrate.hpp"

namespace seqmem {

// The pattern nearest to x (Euclidean distance), its distance and its overlap
// m = y_n^T x / |y_n|^2 (1 at the pattern itself).
struct NearestPattern {
  int index = -1;
  double distance = 0;
  double overlap = 0;
};
NearestPattern nearest_pattern(const Mat& Y, const Vec& x);

enum class RecallDynamics { reverse_sde, probability_flow, hopfield };

constexpr int kMixture = -2;  // RecallResult::label of an end state that is no single memory

struct RecallSpec {
  RecallDynamics dynamics = RecallDynamics::reverse_sde;
  double t0 = 0;         // time of the cue (noise time T - t0)
  double t_end = 0;      // end time, t0 < t_end < T
  double dt = 1e-3;      // Euler-Maruyama step (rounded down so that t_end is hit exactly)
  IntegratorSpec integrator{StepperKind::dopri5, 0.0, 1e-10, 1e-8};  // probability_flow, hopfield
  double beta = -1;      // hopfield: inverse temperature; -1: dm.hopfield_beta(t_end)
  int trajectories = 1000;
  std::uint64_t seed = 0;
  int threads = 0;       // OpenMP threads; 0: OpenMP's default
  int paths = 0;         // record the paths of trajectories 0..paths-1 (not hopfield)
  int path_every = 10;   // at every path_every-th Euler-Maruyama step (t0 + k dt grid for the flow)
  double mixture_threshold = 0.9;  // a largest memory weight below this: a mixture
  // Called from one thread at most every progress_s seconds with (trajectories done, total).
  std::function<void(long, long)> progress;
  double progress_s = 5.0;
};

// Whether a recall keeps the memory weights of every end state (RecallResult::weights: labels x
// trajectories numbers): up to 10^7 of them.
inline bool keeps_end_weights(double labels, double trajectories) { return labels * trajectories <= 1e7; }

struct RecallResult {
  Mat end_states;               // D x M, column i = trajectory i
  std::vector<int> component;   // M: argmax_k of the posterior dm.weights(x_end, t_end); -1 if not finite
  std::vector<int> label;       // M: the memory label reached (mixture.label(k)), kMixture, or -1 if not finite
  Vec weight;                   // M: the largest memory weight of the end state (NaN if not finite)
  Mat weights;                  // labels x M: the memory weights of every end state (empty unless keeps_end_weights)
  std::vector<int> nearest;     // M: the component mean nearest to the end state; -1 if not finite
  Vec distance, overlap;        // M: its distance and overlap
  std::vector<long> counts;     // K: trajectories per `component`
  int diverged = 0;             // trajectories whose end state is not finite
  int failed = 0;               // trajectories whose stepper gave up before t_end (end_component, label -1)
  std::string first_failure;    // the first stepper message
  int mixtures = 0;             // trajectories ending at a mixture
  SolverStats stats;            // summed over the trajectories (reverse SDE: one drift per step)
  double beta = 0;              // hopfield: the inverse temperature used
  Vec path_time;                // recorded times
  std::vector<Mat> paths;       // paths[i]: D x path_time.size(), trajectory i
  Mat path_energy;              // paths x path_time.size(): u_DM(x, t) along the path
  Vec frequencies() const;      // counts / M
};

// M trajectories; trajectory i starts at cues.col(i) (cues has M columns) or at cues.col(0) (one
// column: the same cue for all).
RecallResult recall(const PatternDiffusion& dm, const Mat& cues, const RecallSpec& spec);

// The reverse SDE from one cue x0 (§5.1).
RecallResult reverse_sde_recall(const PatternDiffusion& dm, const Vec& x0, RecallSpec spec);

// End state of the probability-flow ODE from x(t0) = x0 to t_end (dopri5, abs/rel tolerances).
// Works on a copy of dm: safe to call from several threads with the same dm.
Vec probability_flow_recall(const PatternDiffusion& dm, const Vec& x0, double t0, double t_end,
                            double abs_tol = 1e-10, double rel_tol = 1e-8);

// End state of the modern Hopfield flow at beta from x0, stopped once |dx/dt| < tol or at t_max
// (converged = false); the stepper of `integrator` (dopri5 by default, at abs 1e-12, rel 1e-10).
struct HopfieldRecall {
  Vec x;
  double t = 0;
  bool converged = false;
  IntegrationResult integration;
};
HopfieldRecall hopfield_recall(const Mat& Y, double beta, const Vec& x0, double tol = 1e-9, double t_max = 1e3,
                               const IntegratorSpec& integrator = {StepperKind::dopri5, 0.01, 1e-12, 1e-10});

}  // namespace seqmem
