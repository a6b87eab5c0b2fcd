// One stochastic run (kind = "diffusion"): the memories as a Gaussian mixture, the cues, the
// trajectories (sim/experiments/recall.hpp) and the energy landscape (sim/experiments/landscape.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/gaussian_mixture.hpp"
#include "sim/experiments/landscape.hpp"
#include "sim/experiments/recall.hpp"
#include "sim/kinds/file_cache.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// The memories of a run: N point patterns (random directions of norm pattern_norm from the seed,
// or Y_file), extended along random sub-spaces (Eq. 23) or with the covariances of
// covariance_file, plus the circle manifold of the semantic memory (Eq. 24-25).
// Throws InputError for a covariance that is not positive semi-definite.
GaussianMixture make_mixture(const RunSpec& spec, const FileCache& files);

PatternDiffusion make_diffusion(const RunSpec& spec, GaussianMixture memories);

// The cues, D x M (cue_per_trajectory) or D x 1: y_cue + cue_noise * eps, where y_cue is the
// mean of memory cue_memory, of memory (i mod N) + 1 with cue_cycle, or the origin; eps from the
// generator (seed, i) of the cue stream (independent of the trajectories' noise).
Mat make_cues(const RunSpec& spec, const GaussianMixture& memories);

struct DiffusionOutcome {
  std::string status = "completed";  // completed | diverged (some end states not finite) | failed
  std::string message;
  double wall_s = 0;
  std::shared_ptr<const GaussianMixture> memories;  // shared with the model (one copy in memory)
  Mat cues;
  RecallResult result;
  // Per memory label l = 0 (semantic manifold), 1..N: trajectories whose end component has label
  // l, and the mean over the cues of the posterior mass of label l at (cue, t0) (§5.1: what the
  // reverse SDE's frequencies estimate).
  std::vector<long> label_counts;
  Vec label_posterior;
  bool has_landscape = false;
  Landscape landscape;
};

// Never throws for numerical trouble (status instead). threads: OpenMP threads over trajectories.
DiffusionOutcome simulate_diffusion(const RunSpec& spec, const FileCache& files, int threads, bool progress);

}  // namespace seqmem
