// Singleton capacity of the classical baselines (models.md §3): the largest number P of random +-1
// patterns that a network of N neurons recalls, for the Hopfield network (models/hopfield.hpp) and
// dense associative memories (models/dense_am.hpp).
//
// One trial t draws its patterns with random_memories(N, P, seed_t) (column by column, so the P
// patterns of a trial are the first P of its P + 1: the pattern sets of a trial are nested in P)
// and its asynchronous update order from seed_t; seed_t is a mix of `seed` and t. A pattern xi_mu
// is recalled when
//   fixed_point: xi_mu is a fixed point of the dynamics (no spin flips when started exactly at it;
//                a zero field keeps the spin). Equal to `recall` with cue_flip = 0 and
//                overlap_threshold = 1, since a flip lowers the energy and the state cannot return;
//   recall:      started from xi_mu with round(cue_flip N) entries flipped (models/cue.hpp, a seed
//                of its own per pattern, the same for every P), the dynamics end at s with overlap
//                m = xi_mu . s / N >= overlap_threshold.
// P patterns are recalled (the trial succeeds at P) when at least required_fraction * P of them are.
// The capacity of the trial is the P found by growing P = 1, 2, 4, ... until the trial fails (or
// P_max) and bisecting between the last success and the first failure: a P that succeeds while
// P + 1 fails. That is the capacity if success is monotone in P (more patterns, more crosstalk, for
// nested sets); for a finite network the recalled fraction fluctuates with P, success is only
// roughly monotone near the capacity, and the search returns one of the crossings there.
//
// Which criterion is 0.138 N. Amit, Gutfreund & Sompolinsky (1985, 1987): as N -> infinity, retrieval
// states of overlap m >= 0.967 (under 1.7 % wrong bits) exist for alpha = P/N < alpha_c = 0.138 and
// disappear there (the dynamics then end in spin-glass states, m ~ 0.3). That is `recall` from the
// pattern itself (cue_flip = 0) with a threshold between the two branches (0.9: 5 % wrong bits, below
// 0.967 and far above the spin-glass overlaps) and any required_fraction in (0, 1) - every one has the
// limit alpha_c; 0.5, the typical pattern, is the default. At finite N the recalled fraction falls
// over a window of width ~ N^{-1/2}, and the capacity depends on the fraction. Measured with these
// defaults (Hopfield, seed 1), capacity / N:
//   N                        100     200     400     800     1600    3200
//   required_fraction 0.5    0.227   0.197   0.178   0.167   0.158   0.153
//   required_fraction 0.9    0.158   0.146   0.142   0.141   0.141   0.140
// The median follows alpha_c + c / sqrt(N) with alpha_c = 0.1386, c = 0.79 (N = 400 - 3200, residuals
// < 0.0003; a free exponent over all N gives 0.144 + 1.5 N^-0.63); the 90 % point is 0.139 - 0.141
// from N = 400 on. Hopfield's own simulations (1982, N = 100) suggested about 0.15 N.
// "Exactly stable" is a different, smaller capacity (McEliece, Posner, Rodemich & Venkatesh 1987): a
// given pattern is a fixed point with probability -> 1 up to N / (2 ln N), all P of them up to
// N / (4 ln N). fixed_point with required_fraction = 1 is the latter; at finite N it matches the
// signal-to-noise estimate N P Q(sqrt((N-1)/(P-1))) = ln 2 (tests/test_baselines.cpp): measured 10.7,
// 16.9, 48.1 at N = 100, 200, 800 against 10.6, 16.9, 47.8 (N / (4 ln N) = 5.4, 9.4, 29.9).
//
// Cost: an evaluation at P runs the dynamics from up to P patterns, O(N^2) each for Hopfield and
// O(sweeps N P) for the dense memories, so the dense capacity search is ~ N C^2 per trial (C the
// capacity); P_max bounds it (dense_exp at N >= 20 stores thousands).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/activations.hpp"
#include "models/choice_names.hpp"

namespace seqmem {

// The memories of the baseline (scenario key baseline_model; `none`, spelt "" and listed last: no
// baseline): the classical Hopfield network, the dense associative memories with F(x) = x^n,
// max(x, 0)^n (both with a degree n) and exp(x) — singleton memories, this file — and the sequence
// memories of C23 (models/sequence_net.hpp; sim/experiments/sequence_capacity.hpp): SeqNet, DenseNet
// and MixedNet, and EDEN (models/eden.hpp; sim/experiments/eden_capacity.hpp).
enum class BaselineModel { hopfield, dense_poly, dense_rectified, dense_exp, seqnet, densenet, mixednet, eden, none };
inline constexpr ChoiceName<BaselineModel> kBaselineModelNames[] = {{"hopfield", BaselineModel::hopfield},
                                                                    {"dense_poly", BaselineModel::dense_poly},
                                                                    {"dense_rectified", BaselineModel::dense_rectified},
                                                                    {"dense_exp", BaselineModel::dense_exp},
                                                                    {"seqnet", BaselineModel::seqnet},
                                                                    {"densenet", BaselineModel::densenet},
                                                                    {"mixednet", BaselineModel::mixednet},
                                                                    {"eden", BaselineModel::eden},
                                                                    {"", BaselineModel::none}};
constexpr const auto& choice_names(BaselineModel) { return kBaselineModelNames; }
inline const char* to_string(BaselineModel v) { return name_in(kBaselineModelNames, v); }
// A memory of a cycle of patterns under C23's task (SeqNet, DenseNet, MixedNet); EDEN, which stores
// a cycle too, is measured by its own checks (sim/experiments/eden_capacity.hpp).
constexpr bool is_sequence_model(BaselineModel m) {
  return m == BaselineModel::seqnet || m == BaselineModel::densenet || m == BaselineModel::mixednet;
}
// Whether the model's interaction has a degree n (the key baseline_degrees); DenseNet and MixedNet
// have one with the polynomial separation.
constexpr bool has_degree(BaselineModel m) {
  return m == BaselineModel::dense_poly || m == BaselineModel::dense_rectified || m == BaselineModel::densenet ||
         m == BaselineModel::mixednet;
}

// What counts as stored (scenario key baseline_criterion). Singleton memories: recalled from a cue,
// or a fixed point. Sequence memories (sim/experiments/sequence_capacity.hpp): C23's transition and
// sequence capacities P_T and P_S, or GSEMM's cycles. EDEN (sim/experiments/eden_capacity.hpp): its
// fixed_point and P_T, per bit with a tolerance.
enum class BaselineCriterion { recall, fixed_point, P_T, P_S, cycles };
inline constexpr ChoiceName<BaselineCriterion> kBaselineCriterionNames[] = {
    {"recall", BaselineCriterion::recall},
    {"fixed_point", BaselineCriterion::fixed_point},
    {"P_T", BaselineCriterion::P_T},
    {"P_S", BaselineCriterion::P_S},
    {"cycles", BaselineCriterion::cycles}};
constexpr bool is_sequence_criterion(BaselineCriterion c) {
  return c == BaselineCriterion::P_T || c == BaselineCriterion::P_S || c == BaselineCriterion::cycles;
}
constexpr const auto& choice_names(BaselineCriterion) { return kBaselineCriterionNames; }
inline const char* to_string(BaselineCriterion v) { return name_in(kBaselineCriterionNames, v); }

struct SingletonCapacityOptions {
  BaselineModel model = BaselineModel::hopfield;  // not none
  int N = 100;                                    // neurons
  int degree = 3;                                 // n of dense_poly and dense_rectified (>= 2)
  BaselineCriterion criterion = BaselineCriterion::recall;
  double cue_flip = 0.0;             // recall: fraction of the cue's entries flipped
  double overlap_threshold = 0.9;    // recall: the final overlap needed
  double required_fraction = 0.5;    // of the P patterns that must be recalled
  int trials = 10;                   // independent pattern sets (and update orders)
  std::uint64_t seed = 1;
  int P_max = 1 << 20;               // the search stops here
  int max_sweeps = 1000;             // guard on the dynamics (they always stop at a fixed point)
};

struct SingletonCapacityResult {
  std::vector<int> capacity_per_trial;
  double mean = 0;              // over trials
  double std = 0;               // seed-to-seed standard deviation (n - 1), 0 for one trial
  double mean_per_neuron = 0;   // mean / N
  int trials_at_P_max = 0;      // trials whose capacity is P_max (a lower bound, then)
  long evaluations = 0;         // P values tried, all trials
};

// Throws std::invalid_argument naming the first bad option.
void validate(const SingletonCapacityOptions& opt);

// The capacity of each of `trials` trials, search(t, evaluations) for trial t (it adds the P it
// tries to `evaluations`), and their statistics (N for mean_per_neuron, P_max for trials_at_P_max).
// OpenMP over trials, each by one thread alone; Ctrl-C stops the loop and throws.
SingletonCapacityResult capacity_over_trials(int trials, int N, int P_max,
                                             const std::function<int(int trial, long& evaluations)>& search);

// The seed of trial t (patterns, order and cues derive from it).
std::uint64_t singleton_trial_seed(std::uint64_t seed, int trial);

// How many of the first P patterns of trial t are recalled (all P are tried).
int recalled_count(const SingletonCapacityOptions& opt, int trial, int P);

// The capacity of every trial and their statistics. OpenMP over trials; each trial is computed by
// one thread alone, so the result does not depend on the thread count.
SingletonCapacityResult singleton_capacity(const SingletonCapacityOptions& opt);

// The recalled fraction recalled_count / P for every trial (rows) and every P of Ps (columns), to
// see the transition the capacity is read from. OpenMP over trials x Ps.
Mat recalled_fractions(const SingletonCapacityOptions& opt, const std::vector<int>& Ps);

}  // namespace seqmem
