// One trial of a free-recall experiment, in this order (docs/free_recall.md §3-4):
//   1. draw the list: L pool items without repeats (a partial Fisher-Yates shuffle), then the
//      recognition lures from the rest of the pool;
//   2. study: for j = 1..L, the context moves towards [f_j; 0] at beta_enc and c_j is learned;
//   3. test: recognition (every old item and the lures, familiarity + noise against the
//      criterion), or recall: the context moves towards the start of the list at beta_start, then
//      items are recalled by the recall rule, each reinstating its context at beta_rec.
// Every random draw of list g comes from trajectory_rng(seed, g) in this order.
#include "sim/kinds/free_recall/free_recall_runner.hpp"

#include <omp.h>
#include <boost/random/normal_distribution.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <memory>

#include "analysis/overlaps.hpp"
#include "analysis/sequence.hpp"
#include "models/cmr.hpp"
#include "models/dense_gsemm.hpp"
#include "models/hebbian_sequence.hpp"
#include "models/temporal_context.hpp"
#include "sim/core/cancel.hpp"
#include "sim/core/progress.hpp"
#include "sim/kinds/run_integrate.hpp"
#include "sim/solvers/sde.hpp"

namespace seqmem {

void FreeRecallEvents::clear() {
  for (auto* v : {&subject, &list, &position, &trial_type, &item}) v->clear();
}

void FreeRecallEvents::add(int s, int l, int p, int t, int i) {
  subject.push_back(s);
  list.push_back(l);
  position.push_back(p);
  trial_type.push_back(t);
  item.push_back(i);
}

WordPool make_pool(const RunSpec& spec) {
  const auto& f = spec.free_recall();
  return make_word_pool(f.N_items, f.categories, f.category_similarity, f.item_vectors == ItemVectors::random,
                        spec.N_f, spec.seed);
}

namespace {

constexpr int kBlock = 512;  // lists per block: the events written and the progress shown at a time

// A uniform number in [0, 1) from the top 53 bits of one draw (the same on every platform).
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

struct ListResult {
  std::vector<int> study, recalls;
  int hits = 0, misses = 0, false_alarms = 0, correct_rejections = 0;
  bool diverged = false;
};

// What one thread needs for its lists, allocated once.
class Trial {
 public:
  Trial(const RunSpec& spec, const WordPool& pool)
      : spec_(spec),
        f_(spec.free_recall()),
        pool_(pool),
        net_(pool, f_.cmr, f_.L),
        c_in_(net_.dim()),
        a_(pool.N_items()),
        w_(pool.N_items()),
        x_(pool.N_items()),
        em_(pool.N_items()),
        perm_(static_cast<std::size_t>(pool.N_items())),
        excluded_(static_cast<std::size_t>(pool.N_items()), 0) {}

  void run(std::uint64_t g, ListResult& out) {
    std::mt19937_64 rng = trajectory_rng(spec_.seed, g);
    out.recalls.clear();
    out.diverged = false;
    draw_list(rng);
    out.study.assign(perm_.begin(), perm_.begin() + f_.L);
    if (f_.rule == RecallRule::gsemm && !f_.recognition) return recall_gsemm(rng, out);
    net_.begin(perm_.data());
    for (int j = 0; j < f_.L; ++j) {
      net_.item_input(perm_[static_cast<std::size_t>(j)], c_in_);
      move(c_in_, f_.cmr.beta_enc);
      net_.encode(j);
    }
    if (f_.recognition) return recognize(rng, out);
    if (f_.cmr.beta_start > 0) {
      net_.start_input(c_in_);
      move(c_in_, f_.cmr.beta_start);
    }
    net_.set_test_salience();
    std::fill(excluded_.begin(), excluded_.end(), 0);
    if (f_.rule == RecallRule::accumulator) return recall_accumulator(rng, out);
    recall_luce(rng, out);
  }

 private:
  // L list items, then the lures, at the front of perm_.
  void draw_list(std::mt19937_64& rng) {
    const int N = pool_.N_items();
    for (int i = 0; i < N; ++i) perm_[static_cast<std::size_t>(i)] = i;
    const int n = std::min(N, f_.L + (f_.recognition ? f_.lures : 0));
    for (int i = 0; i < n; ++i) {
      const auto j = i + static_cast<int>(rng() % static_cast<std::uint64_t>(N - i));
      std::swap(perm_[static_cast<std::size_t>(i)], perm_[static_cast<std::size_t>(j)]);
    }
  }

  // The context drifts towards c_in (unit norm) at rate beta, in the scenario's form.
  void move(const Vec& c_in, double beta) {
    Vec& c = net_.context();
    if (f_.drift == ContextDriftKind::discrete) return context_update(c, c_in, beta);
    if (beta >= 1.0) {  // the drift reaches c_in only in the limit
      c = c_in;
      return;
    }
    const bool matched = f_.drift == ContextDriftKind::continuous_matched;
    const double duration = matched ? matched_duration(beta, c.dot(c_in), 1.0) : 1.0;
    const double rate = matched ? 1.0 : drift_rate(beta);
    if (!(duration > 0.0)) return;
    // Beyond r t = 40 the remaining angle is below e^-40 of the start: the end point is the discrete
    // update's (matched) or c_in itself, to rounding, and integrating to it is unbounded work
    // (an infinite duration when CMR's update lands on c_in exactly).
    if (!(duration * rate <= 40.0)) {
      if (matched) context_update(c, c_in, beta);
      else c = c_in;
      return;
    }
    const ContextDrift drift{&c_in, rate};
    IntegratorSpec is = integrator_spec(spec_);
    is.stepper = StepperKind::dopri5;
    const Vec start = c;
    const auto r = integrate(drift, c, 0.0, SampleTimes(0.0, duration, duration), is, [](const Vec&, double) {});
    if (r.status != EndStatus::completed) {  // not seen; the closed form of the same motion instead
      c = start;
      if (matched) context_update(c, c_in, beta);
      else c = c_in;
    }
  }

  void recognize(std::mt19937_64& rng, ListResult& out) {
    boost::random::normal_distribution<double> gauss(0.0, f_.recognition_noise);
    const int lures = std::min(f_.lures, pool_.N_items() - f_.L);
    for (int k = 0; k < f_.L + lures; ++k) {
      const int probe = perm_[static_cast<std::size_t>(k)];
      double fam = net_.familiarity(probe, f_.familiarity_max);
      if (f_.recognition_noise > 0) fam += gauss(rng);
      const bool old = fam > f_.recognition_criterion;
      if (k < f_.L) (old ? out.hits : out.misses) += 1;
      else (old ? out.false_alarms : out.correct_rejections) += 1;
    }
  }

  void recalled(int item, ListResult& out) {
    out.recalls.push_back(item);
    excluded_[static_cast<std::size_t>(item)] = 1;
    net_.recall_input(item, c_in_);
    move(c_in_, f_.cmr.beta_rec);
  }

  // Luce / softmax choice with the stop rule; at most one recall of each pool item.
  void recall_luce(std::mt19937_64& rng, ListResult& out) {
    const bool softmax = f_.rule == RecallRule::softmax;
    int correct = 0;
    for (int o = 0; o < pool_.N_items() && correct < f_.L; ++o) {
      if (uniform(rng) < stop_probability(f_.cmr, o)) return;
      net_.support(excluded_, a_);
      const double sum = choice_weights(a_, excluded_, f_.cmr.tau, softmax, w_);
      if (!(sum > 0.0) || !std::isfinite(sum)) return;
      const double u = uniform(rng) * sum;
      double acc = 0.0;
      int pick = -1;
      for (Eigen::Index i = 0; i < w_.size(); ++i) {
        if (w_(i) <= 0.0) continue;
        pick = static_cast<int>(i);
        acc += w_(i);
        if (u < acc) break;
      }
      if (net_.position_of(pick) >= 0) ++correct;
      recalled(pick, out);
    }
  }

  // The leaky competing accumulator: competitions one after another until the recall period ends.
  void recall_accumulator(std::mt19937_64& rng, ListResult& out) {
    const LeakyCompetingAccumulator lca{&a_, &excluded_, f_.accumulator};
    double t = 0.0;
    int left = pool_.N_items();
    while (t < f_.recall_period && left > 0) {
      net_.support(excluded_, a_);
      x_.setZero();
      int winner = -1;
      t = em_.run_until(lca, f_.accumulator.eta, x_, t, f_.recall_period, spec_.dt, rng,
                        [&](long long, double, Vec& x) { return (winner = lca.clamp(x)) >= 0; });
      if (winner < 0) return;
      recalled(winner, out);
      --left;
    }
  }

  // Dense GSEMM with Phi from the study order (models/hebbian_sequence.hpp), cued with a studied
  // item plus noise; the recalls are the memories in the order of their first visits.
  void recall_gsemm(std::mt19937_64& rng, ListResult& out) {
    const int L = f_.L, N_f = pool_.N_f();
    Mat Xi(N_f, L);
    for (int j = 0; j < L; ++j)
      for (int k = 0; k < N_f; ++k) Xi(k, j) = pool_.F(k, perm_[static_cast<std::size_t>(j)]) > 0 ? 1.0 : -1.0;
    const DenseGsemm model(Xi, hebbian_phi(L, f_.hebb_forward, f_.hebb_backward, f_.hebb_lag_decay), spec_.params);
    const int cue = f_.cue_first ? 0 : static_cast<int>(rng() % static_cast<std::uint64_t>(L));
    boost::random::normal_distribution<double> gauss(0.0, 1.0);
    Vec V_f0 = Xi.col(cue);
    if (spec_.cue_noise > 0)
      for (int k = 0; k < N_f; ++k) V_f0(k) += spec_.cue_noise * gauss(rng);
    Vec x = model.initial_state(V_f0, Vec::Zero(N_f));
    VisitDetector visits(spec_.threshold);
    Vec s(N_f), m(L);
    std::vector<char> seen(static_cast<std::size_t>(L), 0);
    // A sample: the overlaps, and a first visit is the next recall. False once all are recalled.
    auto observe = [&](const Vec& y, double t) {
      overlaps(Xi, y.head(N_f), spec_.params.gamma, s, m);
      if (visits.add(t, m)) {
        const int mu = visits.last().memory;
        if (!seen[static_cast<std::size_t>(mu)]) {
          seen[static_cast<std::size_t>(mu)] = 1;
          out.recalls.push_back(perm_[static_cast<std::size_t>(mu)]);
        }
      }
      return out.recalls.size() < static_cast<std::size_t>(L);
    };
    if (f_.V_f_noise <= 0) {
      out.diverged = integrate(model, x, spec_, observe).status == EndStatus::diverged;
      return;
    }
    // Noise on V_f: Euler-Maruyama at dt, sampled every sample_dt (rounded to whole steps).
    Vec g = Vec::Zero(x.size());
    g.head(N_f).setConstant(f_.V_f_noise);
    EulerMaruyama em(static_cast<int>(x.size()));
    const long long every = std::max(1LL, std::llround(spec_.sample_dt / spec_.dt));
    observe(x, 0.0);
    em.run_until([&](const Vec& y, double t, Vec& dy) { model(y, dy, t); }, g, x, 0.0, spec_.t_end, spec_.dt, rng,
                 [&](long long k, double t, Vec& y) {
                   if (k % every != 0) return false;
                   if (!y.allFinite()) return out.diverged = true;
                   return !observe(y, t) || cancel_requested();
                 });
  }

  const RunSpec& spec_;
  const FreeRecallSpec& f_;
  const WordPool& pool_;
  CmrList net_;
  Vec c_in_, a_, w_, x_;
  EulerMaruyama em_;
  std::vector<int> perm_;
  std::vector<char> excluded_;
};

}  // namespace

FreeRecallOutcome simulate_free_recall(const RunSpec& spec, int threads, bool progress,
                                       const std::function<void(const FreeRecallEvents&)>& sink) {
  const auto t_start = std::chrono::steady_clock::now();
  const auto& f = spec.free_recall();
  FreeRecallOutcome out;
  out.pool = make_pool(spec);
  out.curves = FreeRecallCurves(f.L);
  const std::int64_t total = static_cast<std::int64_t>(f.subjects) * f.lists;
  threads = std::max(1, threads);
  std::vector<std::unique_ptr<Trial>> trials(static_cast<std::size_t>(threads));
  std::vector<ListResult> block(static_cast<std::size_t>(std::min<std::int64_t>(kBlock, total)));
  FreeRecallEvents events;
  Progress bar("run", "lists", static_cast<double>(total), progress);
  for (std::int64_t first = 0; first < total; first += kBlock) {
    throw_if_cancelled();
    const int n = static_cast<int>(std::min<std::int64_t>(kBlock, total - first));
#pragma omp parallel num_threads(threads)
    {
      auto& trial = trials[static_cast<std::size_t>(omp_get_thread_num())];
      if (!trial) trial = std::make_unique<Trial>(spec, out.pool);
#pragma omp for schedule(dynamic, 16)
      for (int i = 0; i < n; ++i)
        if (!cancel_requested()) trial->run(static_cast<std::uint64_t>(first + i), block[static_cast<std::size_t>(i)]);
    }
    throw_if_cancelled();
    events.clear();
    for (int i = 0; i < n; ++i) {
      const ListResult& r = block[static_cast<std::size_t>(i)];
      const std::int64_t g = first + i;
      const int subject = static_cast<int>(g / f.lists) + 1, list = static_cast<int>(g % f.lists) + 1;
      for (int j = 0; j < f.L; ++j) events.add(subject, list, j + 1, 0, r.study[static_cast<std::size_t>(j)] + 1);
      if (f.recognition) {
        out.curves.add_recognition(r.hits, r.misses, r.false_alarms, r.correct_rejections);
        continue;
      }
      for (std::size_t k = 0; k < r.recalls.size(); ++k)
        events.add(subject, list, static_cast<int>(k) + 1, 1, r.recalls[k] + 1);
      out.curves.add_list(r.study.data(), f.L, r.recalls.data(), static_cast<int>(r.recalls.size()), out.pool.category);
      if (r.diverged) ++out.diverged_lists;
    }
    sink(events);
    bar.report(static_cast<double>(first + n));
  }
  if (out.diverged_lists > 0) {
    out.status = "diverged";
    out.message = fmt::format("the GSEMM recall of {} of {} lists left the finite numbers (their recalls up to then "
                              "are kept)",
                              out.diverged_lists, total);
  }
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return out;
}

}  // namespace seqmem
