#include "sim/experiments/recall.hpp"

#include <omp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include <algorithm>
#include "sim/core/cancel.hpp"
#include "sim/solvers/sde.hpp"

namespace seqmem {

NearestPattern nearest_pattern(const Mat& Y, const Vec& x) {
  NearestPattern best;
  best.distance = std::numeric_limits<double>::infinity();
  for (Eigen::Index n = 0; n < Y.cols(); ++n) {
    const double d = (x - Y.col(n)).norm();
    if (d < best.distance) {
      best.index = static_cast<int>(n);
      best.distance = d;
    }
  }
  if (best.index >= 0) best.overlap = Y.col(best.index).dot(x) / Y.col(best.index).squaredNorm();
  return best;
}

Vec RecallResult::frequencies() const {
  Vec f(static_cast<Eigen::Index>(counts.size()));
  for (std::size_t n = 0; n < counts.size(); ++n)
    f(static_cast<Eigen::Index>(n)) = static_cast<double>(counts[n]) / static_cast<double>(component.size());
  return f;
}

namespace {

// The recorded steps of a path: k = 0, e, 2e, ... and the last step K.
std::vector<long long> path_steps(long long K, int every) {
  std::vector<long long> ks;
  for (long long k = 0; k <= K; k += every) ks.push_back(k);
  if (ks.back() != K) ks.push_back(K);
  return ks;
}

// The probability-flow ODE from times.front() to times.back(), obs(j, x) at times[j].
template <class Obs>
IntegrationResult flow(const PatternDiffusion& dm, Vec& x, const std::vector<double>& times, IntegratorSpec spec,
                       Obs&& obs) {
  // First trial step: a tenth of the remaining noise time at the end, where the drift is
  // stiffest (its rate is 1 / (2 (T - t)) for VE).
  spec.dt = std::min(times.back() - times.front(),
                     std::max(0.1 * (dm.T() - times.back()), 10 * spec.min_step * std::max(1.0, std::abs(times.front()))));
  std::size_t j = 0;
  return integrate(dm, x, times.front(), SampleTimes(times), spec, [&](const Vec& xs, double) { obs(j++, xs); });
}

}  // namespace

namespace {

// std::invalid_argument for a spec or cues recall cannot take.
void check_recall(const PatternDiffusion& dm, const Mat& cues, const RecallSpec& spec) {
  if (!(spec.t0 < spec.t_end && spec.t_end < dm.T())) throw std::invalid_argument("recall: need t0 < t_end < T");
  if (!(spec.dt > 0) || spec.trajectories < 1 || spec.path_every < 1)
    throw std::invalid_argument("recall: dt > 0, trajectories >= 1, path_every >= 1");
  if (cues.rows() != dm.D() || (cues.cols() != 1 && cues.cols() != spec.trajectories))
    throw std::invalid_argument("recall: cues must be D x 1 or D x trajectories");
  if (spec.paths > 0 && spec.dynamics == RecallDynamics::hopfield)
    throw std::invalid_argument("recall: no paths for the hopfield dynamics");
}

// Labels 0 (the manifold) .. the largest memory label: how many.
int label_count(const GaussianMixture& mix) {
  int L = 0;
  for (int k = 0; k < mix.K(); ++k) L = std::max(L, mix.label(k));
  return L + 1;
}

// The result of M trajectories in D dimensions before any is classified: components and labels -1,
// weights NaN (the weights of every label per trajectory only up to 10^7 numbers).
RecallResult unclassified(int M, int D, int L) {
  RecallResult r;
  r.end_states.resize(D, M);
  r.component.assign(M, -1);
  r.label.assign(M, -1);
  r.weight.setConstant(M, std::numeric_limits<double>::quiet_NaN());
  if (keeps_end_weights(L, M)) r.weights.setZero(L, M);
  r.nearest.assign(M, -1);
  r.distance.setConstant(M, std::numeric_limits<double>::quiet_NaN());
  r.overlap.setConstant(M, std::numeric_limits<double>::quiet_NaN());
  return r;
}

// Where trajectory i ended (x, finite, at t_end): its nearest component, the weight of each label
// (`lw`, scratch of one per label) -- the posterior mass, or the Hopfield network's own softmax
// weights -- the label it is recalled as (kMixture below the threshold), and the nearest pattern.
void classify_end(const PatternDiffusion& local, const RecallSpec& spec, const Vec& x, int i, Vec& lw,
                  RecallResult& r) {
  const GaussianMixture& mix = local.mixture();
  const Vec& w = local.weights(x, spec.t_end);
  Eigen::Index k = 0;
  w.maxCoeff(&k);
  r.component[i] = static_cast<int>(k);
  lw.setZero();
  if (spec.dynamics == RecallDynamics::hopfield) {
    Vec p = r.beta * (local.Y().transpose() * x);
    softmax_inplace(p);
    for (Eigen::Index n = 0; n < p.size(); ++n) lw(mix.label(static_cast<int>(n))) += p(n);
  } else {
    for (int c = 0; c < mix.K(); ++c) lw(mix.label(c)) += w(c);
  }
  Eigen::Index top = 0;
  r.weight(i) = lw.maxCoeff(&top);
  r.label[i] = r.weight(i) >= spec.mixture_threshold ? static_cast<int>(top) : kMixture;
  if (r.weights.size() > 0) r.weights.col(i) = lw;
  const NearestPattern p = nearest_pattern(local.Y(), x);
  r.nearest[i] = p.index;
  r.distance(i) = p.distance;
  r.overlap(i) = p.overlap;
}

// The counts over trajectories (per component, not finite, mixtures, failed) and the threads'
// solver statistics; the first failure by trajectory, the same for any thread count.
void tally(int N, const std::vector<SolverStats>& thread_stats, const std::vector<int>& thread_failed,
           std::vector<std::pair<int, std::string>>& failures, RecallResult& r) {
  r.counts.assign(N, 0);
  for (int k : r.component) {
    if (k >= 0) ++r.counts[k];
    else ++r.diverged;
  }
  for (int l : r.label) r.mixtures += l == kMixture;
  for (std::size_t t = 0; t < thread_stats.size(); ++t) {
    r.stats += thread_stats[t];
    r.failed += thread_failed[t];
  }
  r.diverged -= r.failed;  // the others that did not reach t_end: not finite
  if (!failures.empty()) {
    std::sort(failures.begin(), failures.end());
    r.first_failure = fmt::format("trajectory {}: {}", failures.front().first, failures.front().second);
  }
}

// The path grid: the Euler-Maruyama steps t0 + k h, every path_every-th and the last, and their
// times; r's paths and path energies allocated (NaN) for the first `paths` trajectories.
struct PathGrid {
  long long K;                // Euler-Maruyama steps from t0 to t_end
  std::vector<long long> ks;  // the recorded steps
  std::vector<double> times;  // their times
  int P;                      // the trajectories recorded
};

PathGrid path_grid(const RecallSpec& spec, int M, int D, RecallResult& r) {
  PathGrid g;
  g.K = EulerMaruyama::steps(spec.t0, spec.t_end, spec.dt);
  const double h = (spec.t_end - spec.t0) / static_cast<double>(g.K);
  g.ks = path_steps(g.K, spec.path_every);
  g.times.resize(g.ks.size());
  for (std::size_t j = 0; j < g.ks.size(); ++j) g.times[j] = spec.t0 + static_cast<double>(g.ks[j]) * h;
  g.times.back() = spec.t_end;
  g.P = std::min(spec.paths, M);
  if (g.P > 0) {
    const auto n = static_cast<Eigen::Index>(g.times.size());
    r.path_time = Eigen::Map<const Vec>(g.times.data(), n);
    // NaN where a path is not reached (a trajectory whose stepper gave up): never uninitialised memory
    r.paths.assign(g.P, Mat::Constant(D, n, std::numeric_limits<double>::quiet_NaN()));
    r.path_energy.setConstant(g.P, n, std::numeric_limits<double>::quiet_NaN());
  }
  return g;
}

}  // namespace

RecallResult recall(const PatternDiffusion& dm, const Mat& cues, const RecallSpec& spec) {
  check_recall(dm, cues, spec);
  const int M = spec.trajectories, D = dm.D();
  const int L = label_count(dm.mixture());
  RecallResult r = unclassified(M, D, L);
  r.beta = spec.beta > 0 ? spec.beta : dm.hopfield_beta(spec.t_end);

  const PathGrid grid = path_grid(spec, M, D, r);
  const long long K = grid.K;
  const std::vector<long long>& ks = grid.ks;
  const std::vector<double>& times = grid.times;
  const int P = grid.P;
  const std::vector<double> ends{spec.t0, spec.t_end};
  const int threads = spec.threads > 0 ? spec.threads : omp_get_max_threads();
  std::atomic<long> done{0};
  auto last_report = std::chrono::steady_clock::now();
  std::vector<SolverStats> thread_stats(threads);
  std::vector<int> thread_failed(threads, 0);
  std::vector<std::pair<int, std::string>> failures;  // (trajectory, message)

#pragma omp parallel num_threads(threads)
  {
    // Per thread: a copy of the model (its scratch buffers), the stepper and the state.
    PatternDiffusion local = dm;
    EulerMaruyama em(D);
    Vec x(D), lw(L);
    const int me = omp_get_thread_num();
    bool gave_up = false;  // the current trajectory's stepper gave up: it did not reach t_end
    auto account = [&](int i, const IntegrationResult& ir) {
      thread_stats[me] += ir.stats;
      if (ir.status == EndStatus::failed) {
        gave_up = true;
        ++thread_failed[me];
#pragma omp critical(recall_failures)
        failures.emplace_back(i, ir.message);
      }
    };
    auto drift = [&local](const Vec& xs, double t, Vec& out) { local.reverse_drift(xs, t, out); };
#pragma omp for schedule(dynamic, 16)
    for (int i = 0; i < M; ++i) {
      if (cancel_requested()) continue;  // thrown below, outside the parallel region
      x = cues.col(cues.cols() == 1 ? 0 : i);
      const bool rec = i < P;
      gave_up = false;
      switch (spec.dynamics) {
        case RecallDynamics::reverse_sde:
          if (rec) {
            std::size_t j = 0;
            em.run(drift, local.sigma(), x, spec.t0, spec.t_end, spec.dt, spec.seed, static_cast<std::uint64_t>(i),
                   [&](long long k, double t, const Vec& xs) {
                     if (j < ks.size() && k == ks[j]) {
                       r.paths[i].col(j) = xs;
                       r.path_energy(i, j) = local.energy(xs, times[j]);
                       ++j;
                     }
                   });
          } else {
            em.run(drift, local.sigma(), x, spec.t0, spec.t_end, spec.dt, spec.seed, static_cast<std::uint64_t>(i));
          }
          thread_stats[me].steps += K;  // Euler-Maruyama: one drift per step
          thread_stats[me].rhs_evals += K;
          break;
        case RecallDynamics::probability_flow:
          if (rec)
            account(i, flow(local, x, times, spec.integrator, [&](std::size_t j, const Vec& xs) {
                      r.paths[i].col(j) = xs;
                      r.path_energy(i, j) = local.energy(xs, times[j]);
                    }));
          else
            account(i, flow(local, x, ends, spec.integrator, [](std::size_t, const Vec&) {}));
          break;
        case RecallDynamics::hopfield: {
          HopfieldRecall h = hopfield_recall(local.Y(), r.beta, x, 1e-9, 1e3, spec.integrator);
          account(i, h.integration);
          x = h.x;
          break;
        }
      }
      r.end_states.col(i) = x;
      if (!x.allFinite() || gave_up) {  // not a recall: end_component, label -1
        ++done;
        continue;
      }
      classify_end(local, spec, x, i, lw, r);
      const long d = ++done;
      if (spec.progress && omp_get_thread_num() == 0) {
        const auto now = std::chrono::steady_clock::now();
        if (std::chrono::duration<double>(now - last_report).count() >= spec.progress_s) {
          last_report = now;
          spec.progress(d, M);
        }
      }
    }
  }
  throw_if_cancelled();
  tally(dm.N(), thread_stats, thread_failed, failures, r);
  return r;
}

RecallResult reverse_sde_recall(const PatternDiffusion& dm, const Vec& x0, RecallSpec spec) {
  if (x0.size() != dm.D()) throw std::invalid_argument("reverse_sde_recall: cue has the wrong dimension");
  spec.dynamics = RecallDynamics::reverse_sde;
  return recall(dm, x0, spec);
}

Vec probability_flow_recall(const PatternDiffusion& dm, const Vec& x0, double t0, double t_end, double abs_tol,
                            double rel_tol) {
  if (!(t0 <= t_end && t_end < dm.T())) throw std::invalid_argument("probability_flow_recall: need t0 <= t_end < T");
  Vec x = x0;
  if (t_end == t0) return x;
  const PatternDiffusion local = dm;
  flow(local, x, {t0, t_end}, {StepperKind::dopri5, 0.0, abs_tol, rel_tol}, [](std::size_t, const Vec&) {});
  return x;
}

HopfieldRecall hopfield_recall(const Mat& Y, double beta, const Vec& x0, double tol, double t_max,
                               const IntegratorSpec& integrator) {
  const ModernHopfield mh(Y, beta);
  HopfieldRecall r;
  r.x = x0;
  Vec dxdt(x0.size());
  // Observed at unit times (the relaxation rate of -x), stopping once |dx/dt| < tol.
  r.integration = integrate(mh, r.x, 0.0, SampleTimes(0.0, t_max, 1.0), integrator, [&](const Vec& xs, double t) {
    mh(xs, dxdt, t);
    r.t = t;
    r.converged = dxdt.norm() < tol;
    return !r.converged;
  });
  return r;
}

}  // namespace seqmem
