#include "recall.hpp"

#include <omp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <stdexcept>

#include "../sim/integrate.hpp"
#include "../sim/sde.hpp"

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
void flow(const PatternDiffusion& dm, Vec& x, const std::vector<double>& times, double abs_tol, double rel_tol,
          Obs&& obs) {
  // First trial step: a tenth of the remaining noise time at the end, where the drift is
  // stiffest (its rate is 1 / (2 (T - t)) for VE).
  const double dt0 = std::min(times.back() - times.front(), 0.1 * (dm.T() - times.back()));
  std::size_t j = 0;
  odeint::integrate_times(odeint::make_controlled(abs_tol, rel_tol, DoPri5()), std::cref(dm), x, times.begin(),
                          times.end(), dt0, [&](const Vec& xs, double) { obs(j++, xs); });
}

}  // namespace

RecallResult recall(const PatternDiffusion& dm, const Mat& cues, const RecallSpec& spec) {
  if (!(spec.t0 < spec.t_end && spec.t_end < dm.T())) throw std::invalid_argument("recall: need t0 < t_end < T");
  if (!(spec.dt > 0) || spec.trajectories < 1 || spec.path_every < 1)
    throw std::invalid_argument("recall: dt > 0, trajectories >= 1, path_every >= 1");
  const int M = spec.trajectories, D = dm.D();
  if (cues.rows() != D || (cues.cols() != 1 && cues.cols() != M))
    throw std::invalid_argument("recall: cues must be D x 1 or D x trajectories");
  if (spec.paths > 0 && spec.dynamics == RecallDynamics::hopfield)
    throw std::invalid_argument("recall: no paths for the hopfield dynamics");
  RecallResult r;
  r.end_states.resize(D, M);
  r.component.assign(M, -1);
  r.nearest.assign(M, -1);
  r.distance.setConstant(M, std::numeric_limits<double>::quiet_NaN());
  r.overlap.setConstant(M, std::numeric_limits<double>::quiet_NaN());
  r.beta = spec.beta > 0 ? spec.beta : dm.hopfield_beta(spec.t_end);

  // Path grid: the Euler-Maruyama steps t0 + k h, every path_every-th and the last.
  const long long K = EulerMaruyama::steps(spec.t0, spec.t_end, spec.dt);
  const double h = (spec.t_end - spec.t0) / static_cast<double>(K);
  const std::vector<long long> ks = path_steps(K, spec.path_every);
  std::vector<double> times(ks.size());
  for (std::size_t j = 0; j < ks.size(); ++j) times[j] = spec.t0 + static_cast<double>(ks[j]) * h;
  times.back() = spec.t_end;
  const int P = std::min(spec.paths, M);
  if (P > 0) {
    r.path_time = Eigen::Map<const Vec>(times.data(), static_cast<Eigen::Index>(times.size()));
    r.paths.assign(P, Mat(D, static_cast<Eigen::Index>(times.size())));
    r.path_energy.resize(P, static_cast<Eigen::Index>(times.size()));
  }
  const std::vector<double> ends{spec.t0, spec.t_end};
  const int threads = spec.threads > 0 ? spec.threads : omp_get_max_threads();
  std::atomic<long> done{0};
  auto last_report = std::chrono::steady_clock::now();

#pragma omp parallel num_threads(threads)
  {
    // Per thread: a copy of the model (its scratch buffers), the stepper and the state.
    PatternDiffusion local = dm;
    EulerMaruyama em(D);
    Vec x(D);
    auto drift = [&local](const Vec& xs, double t, Vec& out) { local.reverse_drift(xs, t, out); };
#pragma omp for schedule(dynamic, 16)
    for (int i = 0; i < M; ++i) {
      x = cues.col(cues.cols() == 1 ? 0 : i);
      const bool rec = i < P;
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
          break;
        case RecallDynamics::probability_flow:
          if (rec)
            flow(local, x, times, spec.abs_tol, spec.rel_tol, [&](std::size_t j, const Vec& xs) {
              r.paths[i].col(j) = xs;
              r.path_energy(i, j) = local.energy(xs, times[j]);
            });
          else
            flow(local, x, ends, spec.abs_tol, spec.rel_tol, [](std::size_t, const Vec&) {});
          break;
        case RecallDynamics::hopfield:
          x = hopfield_recall(local.Y(), r.beta, x).x;
          break;
      }
      r.end_states.col(i) = x;
      if (!x.allFinite()) {
        ++done;
        continue;
      }
      const Vec& w = local.weights(x, spec.t_end);
      Eigen::Index k = 0;
      w.maxCoeff(&k);
      r.component[i] = static_cast<int>(k);
      const NearestPattern p = nearest_pattern(local.Y(), x);
      r.nearest[i] = p.index;
      r.distance(i) = p.distance;
      r.overlap(i) = p.overlap;
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
  r.counts.assign(dm.N(), 0);
  for (int k : r.component) {
    if (k >= 0) ++r.counts[k];
    else ++r.diverged;
  }
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
  flow(local, x, {t0, t_end}, abs_tol, rel_tol, [](std::size_t, const Vec&) {});
  return x;
}

HopfieldRecall hopfield_recall(const Mat& Y, double beta, const Vec& x0, double tol, double t_max) {
  const ModernHopfield mh(Y, beta);
  HopfieldRecall r;
  r.x = x0;
  Vec dxdt(x0.size());
  // Chunks of unit time (the relaxation rate of -x), checking |dx/dt| between chunks.
  auto stepper = odeint::make_controlled(1e-12, 1e-10, DoPri5());
  for (;;) {
    mh(r.x, dxdt, 0.0);
    if (dxdt.norm() < tol) {
      r.converged = true;
      break;
    }
    if (r.t >= t_max) break;
    odeint::integrate_adaptive(stepper, std::cref(mh), r.x, r.t, r.t + 1.0, 0.01);
    r.t += 1.0;
  }
  return r;
}

}  // namespace seqmem
