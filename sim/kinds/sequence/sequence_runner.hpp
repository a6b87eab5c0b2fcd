// One run of the sequence family (kind = "seqnet", "densenet", "mixednet", "eden"; docs/models.md
// §3.3-3.4): K random +-1 patterns stored as the cycle xi^1 -> ... -> xi^K -> xi^1, a start state
// from the cue, and the trajectory observed at every sample: the overlaps m_mu = xi^mu . x / N of
// the state x (S of a map, v of EDEN), the visits and the episode check (analysis/sequence_monitor.hpp).
//   maps  S(t + 1) = sgn(H(S(t), S(t - tau + 1))) (models/sequence_net.hpp), t = 0 .. t_end - 1, every
//         update a sample; before t = 0 the state is the cue (MixedNet's delayed state too);
//   EDEN  the ODE system on [v; s] (models/eden.hpp) with the run's stepper, sampled every sample_dt,
//         from v(0) = the cue, s(0) = 0.
#pragma once

#include "sim/kinds/run_outcome.hpp"
#include "sim/kinds/sequence/sequence_writer.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// The patterns (N_f x K, entries +-1) from the seed (models/memories.hpp, random_memories).
Mat sequence_patterns(const RunSpec& spec);

// The start state (N_f): the cued pattern with a fraction cue_flip of its entries flipped (models/cue.hpp);
// without a cue (cue_memory = 0) a random +-1 state for a map and 0 for EDEN; EDEN adds cue_noise.
Vec sequence_start(const RunSpec& spec, const Mat& Xi);

// Runs the trajectory; `out` may be null (the outcome only). Never throws for numerical trouble
// (status instead); stops at a stop rule or Ctrl-C (then the caller's throw_if_cancelled applies).
RunOutcome simulate_sequence(const RunSpec& spec, const Mat& Xi, SequenceWriter* out, bool progress = false);

}  // namespace seqmem
