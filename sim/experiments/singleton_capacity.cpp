#include "sim/experiments/singleton_capacity.hpp"

#include "sim/core/cancel.hpp"

#include "sim/experiments/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/cue.hpp"
#include "models/dense_am.hpp"
#include "models/hopfield.hpp"
#include "models/memories.hpp"

namespace seqmem {
namespace {

// SplitMix64 (Steele, Lea & Flood 2014): decorrelates consecutive seeds.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The streams of a trial: its update order and the cue of each pattern (the patterns use seed_t).
std::uint64_t order_seed(std::uint64_t seed_t) { return splitmix64(seed_t ^ 0x6F72646572ull); }
std::uint64_t cue_seed(std::uint64_t seed_t, int mu) {
  return splitmix64(splitmix64(seed_t ^ 0x637565ull) + static_cast<std::uint64_t>(mu));
}

InteractionFunction interaction(const SingletonCapacityOptions& opt) {
  InteractionFunction F;
  F.degree = opt.degree;
  switch (opt.model) {
    case BaselineModel::dense_poly:
      F.kind = InteractionKind::power;
      break;
    case BaselineModel::dense_rectified:
      F.kind = InteractionKind::rectified_power;
      break;
    case BaselineModel::dense_exp:
      F.kind = InteractionKind::exponential;
      break;
    default:
      throw std::logic_error("interaction: not a dense associative memory");
  }
  return F;
}

// Patterns of one trial at one P, recalled or not, in order mu = 0, 1, ...; the count stops once
// `enough` are recalled or `too_many` are not (0: never, all P are tried).
template <class Network>
int count_recalled(Network& net, const Mat& Xi, const SingletonCapacityOptions& opt, std::uint64_t seed_t,
                   int enough, int too_many) {
  const int N = static_cast<int>(Xi.rows()), P = static_cast<int>(Xi.cols());
  const bool fixed_point = opt.criterion == BaselineCriterion::fixed_point;
  CueSpec cue;
  cue.flip = opt.cue_flip;
  Vec s(N);
  int recalled = 0, lost = 0;
  for (int mu = 0; mu < P; ++mu) {
    bool ok;
    if (fixed_point) {
      s = Xi.col(mu);
      ok = net.is_fixed_point(s);
    } else {
      cue.memory = mu;
      s = make_cue(Xi, cue, cue_seed(seed_t, mu));
      net.relax(s, opt.max_sweeps);
      ok = Xi.col(mu).dot(s) / N >= opt.overlap_threshold;
    }
    ok ? ++recalled : ++lost;
    if ((enough > 0 && recalled >= enough) || (too_many > 0 && lost >= too_many)) break;
  }
  return recalled;
}

int count_recalled(const SingletonCapacityOptions& opt, int trial, int P, int enough, int too_many) {
  const std::uint64_t seed_t = singleton_trial_seed(opt.seed, trial);
  const Mat Xi = random_memories(opt.N, P, seed_t);
  if (opt.model == BaselineModel::hopfield) {
    Hopfield net(Xi, order_seed(seed_t));
    return count_recalled(net, Xi, opt, seed_t, enough, too_many);
  }
  DenseAssociativeMemory net(Xi, interaction(opt), order_seed(seed_t));
  return count_recalled(net, Xi, opt, seed_t, enough, too_many);
}

// At least required_fraction * P of the P patterns of trial t are recalled (true for P = 0).
bool succeeds(const SingletonCapacityOptions& opt, int trial, int P) {
  if (P == 0) return true;
  const int need = std::max(1, static_cast<int>(std::ceil(opt.required_fraction * P - 1e-9)));
  return count_recalled(opt, trial, P, need, P - need + 1) >= need;
}

// The grow-then-bisect search of sim/experiments/capacity.hpp over P = 1 .. P_max; adds the number of P
// tried to `evaluations`.
int search_capacity(const SingletonCapacityOptions& opt, int trial, long& evaluations) {
  return largest_success(1, opt.P_max, [&](int P) {
    ++evaluations;
    return succeeds(opt, trial, P);
  });
}

}  // namespace

void validate(const SingletonCapacityOptions& opt) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("singleton capacity: " + what); };
  if (opt.model == BaselineModel::none || is_sequence_model(opt.model))
    fail("model must be hopfield, dense_poly, dense_rectified or dense_exp");
  if (is_sequence_criterion(opt.criterion)) fail("criterion must be recall or fixed_point");
  if (opt.N < 2) fail("N must be at least 2");
  if (has_degree(opt.model) && opt.degree < 2) fail("degree must be at least 2");
  if (!(opt.cue_flip >= 0.0 && opt.cue_flip <= 1.0)) fail("cue_flip must lie in [0, 1]");
  if (!(opt.overlap_threshold >= -1.0 && opt.overlap_threshold <= 1.0))
    fail("overlap_threshold must lie in [-1, 1]");
  if (!(opt.required_fraction > 0.0 && opt.required_fraction <= 1.0))
    fail("required_fraction must lie in (0, 1]");
  if (opt.trials < 1) fail("trials must be at least 1");
  if (opt.P_max < 1) fail("P_max must be at least 1");
  if (opt.max_sweeps < 1) fail("max_sweeps must be at least 1");
}

std::uint64_t singleton_trial_seed(std::uint64_t seed, int trial) {
  return splitmix64(splitmix64(seed) + static_cast<std::uint64_t>(trial));
}

int recalled_count(const SingletonCapacityOptions& opt, int trial, int P) {
  validate(opt);
  return count_recalled(opt, trial, P, 0, 0);
}

SingletonCapacityResult singleton_capacity(const SingletonCapacityOptions& opt) {
  validate(opt);  // before the parallel region: exceptions must not leave it
  return capacity_over_trials(opt.trials, opt.N, opt.P_max,
                              [&](int t, long& evaluations) { return search_capacity(opt, t, evaluations); });
}

SingletonCapacityResult capacity_over_trials(int trials, int N, int P_max,
                                             const std::function<int(int trial, long& evaluations)>& search) {
  SingletonCapacityResult r;
  r.capacity_per_trial.assign(trials, 0);
  std::vector<long> evaluations(trials, 0);
#pragma omp parallel for schedule(dynamic)
  for (int t = 0; t < trials; ++t)
    if (!cancel_requested()) r.capacity_per_trial[t] = search(t, evaluations[t]);
  throw_if_cancelled();
  double sum = 0, sum2 = 0;
  for (int t = 0; t < trials; ++t) {
    sum += r.capacity_per_trial[t];
    r.trials_at_P_max += r.capacity_per_trial[t] == P_max;
    r.evaluations += evaluations[t];
  }
  r.mean = sum / trials;
  for (const int c : r.capacity_per_trial) sum2 += (c - r.mean) * (c - r.mean);
  r.std = trials > 1 ? std::sqrt(sum2 / (trials - 1)) : 0.0;
  r.mean_per_neuron = r.mean / N;
  return r;
}

Mat recalled_fractions(const SingletonCapacityOptions& opt, const std::vector<int>& Ps) {
  validate(opt);
  for (const int P : Ps)
    if (P < 1) throw std::invalid_argument("singleton capacity: every P must be at least 1");
  const long n = static_cast<long>(Ps.size());
  Mat f(opt.trials, n);
#pragma omp parallel for schedule(dynamic)
  for (long task = 0; task < opt.trials * n; ++task) {
    if (cancel_requested()) continue;  // thrown by the caller, outside the parallel region
    const int t = static_cast<int>(task / n);
    const int P = Ps[task % n];
    f(t, task % n) = static_cast<double>(count_recalled(opt, t, P, 0, 0)) / P;
  }
  return f;
}

}  // namespace seqmem
