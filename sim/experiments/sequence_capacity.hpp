// Sequence capacity of the discrete-time sequence memories (models/sequence_net.hpp: SeqNet,
// DenseNet, MixedNet; docs/capacity.md, "The family"): the largest number P of random +-1 patterns
// of a cycle xi^1 -> ... -> xi^P -> xi^1 that a network of N neurons recalls, under one of three
// named criteria (scenario key baseline_criterion):
//   P_T     the papers' transition capacity (C23 §2.1): one update from the exact pattern xi^mu gives
//           xi^{mu+1} with every bit right (MixedNet with a delay tau >= 2: the move and the hold
//           updates of models/sequence_net.hpp, both). Estimated on n = transitions_checked transitions: those of
//           the trial's set, then of further independent sets of P patterns until n are checked (set
//           k > 0 from singleton_trial_seed(seed_t, k)); P succeeds when at least (1 - error_tolerance) n
//           of them are exact (C23's probability >= 1 - c over pattern draws).
//   P_S     the papers' sequence capacity: every transition of the cycle exact, the wrap-around
//           xi^P -> xi^1 included (the cycle is what GSEMM's task recalls; C23's code checks the
//           P - 1 transitions of an open chain). Equal to iterating the map from xi^1 (tau steps of
//           history) for P tau steps with zero bit errors, since an exact update lands exactly on the
//           trajectory.
//   cycles  GSEMM's criterion (sim/experiments/capacity.hpp): the map iterated from a cue (xi^1 with
//           round(cue_flip N) entries flipped), visits read at `threshold` (analysis/sequence.hpp),
//           success once the cycle was retrieved in order `cycles_required` times with no wrong visit;
//           a wrong visit, or `stall_steps` steps without a new visit beyond the dwell of tau - 1
//           steps, is a failure. Bit errors are
//           tolerated as long as the overlap keeps the visits right.
// One trial t draws its patterns with random_memories(N, P, seed_t) (the same seed_t as the singleton
// baselines, column by column: the sets of a trial are nested in P), and its capacity is the largest
// P >= 2 found by growing P = 2, 4, 8, ... until it fails (or P_max) and bisecting (1: P = 2 fails);
// success is only roughly monotone in P near the capacity, and the search returns a crossing there.
//
// Cost per evaluation at P: P_S and cycles ~ 4 N P^2 flops (twice that for tau >= 2) (every transition: two matrix
// products of N x P by P x P, in blocks), P_T ~ 4 N P n; memory ~ 24 N P bytes (the model) plus 16 P x 256 (a block).
// cycles adds one matrix-vector product per step wherever the state is not exactly a pattern.
#pragma once

#include <cstdint>

#include "models/sequence_net.hpp"
#include "sim/experiments/singleton_capacity.hpp"

namespace seqmem {

struct SequenceCapacityOptions {
  SequenceNetParams net;
  int N = 100;
  BaselineCriterion criterion = BaselineCriterion::P_S;  // P_T, P_S or cycles
  double error_tolerance = 0.1;                          // P_T: the fraction c of checked transitions allowed to fail
  int transitions_checked = 1000;                        // P_T: transitions checked per evaluation
  double threshold = 0.8;                                // cycles: the overlap of a visit
  int cycles_required = 3;                               // cycles
  int stall_steps = 10;                                  // cycles: a failure at this many steps without a new visit
  double cue_flip = 0.0;                                 // cycles: fraction of the cue's entries flipped
  int trials = 10;
  std::uint64_t seed = 1;
  int P_max = 1 << 20;
};

// Throws std::invalid_argument naming the first bad option.
void validate(const SequenceCapacityOptions& opt);

// The outcome of one evaluation (trial t, P patterns): for P_T and P_S the exact transitions among
// those checked; for cycles the cycles retrieved and the steps taken.
struct SequenceEvaluation {
  bool success = false;
  int checked = 0, exact = 0;  // P_T, P_S (P_S stops at the first block with an error)
  int cycles = 0;              // cycles
  long steps = 0;              // cycles: up to (cycles_required + 1) P tau + stall_steps + tau
};
SequenceEvaluation evaluate_sequence_net(const SequenceCapacityOptions& opt, int trial, int P);

// The capacity of every trial and their statistics; OpenMP over trials, each trial by one thread
// alone (the result does not depend on the thread count).
SingletonCapacityResult sequence_capacity(const SequenceCapacityOptions& opt);

}  // namespace seqmem
