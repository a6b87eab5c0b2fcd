#include "recall.hpp"

#include <omp.h>

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
    f(static_cast<Eigen::Index>(n)) = static_cast<double>(counts[n]) / static_cast<double>(nearest.size());
  return f;
}

RecallResult reverse_sde_recall(const PatternDiffusion& dm, const Vec& x0, const RecallSpec& spec) {
  if (!(spec.t0 < spec.t_end && spec.t_end < dm.T()))
    throw std::invalid_argument("reverse_sde_recall: need t0 < t_end < T");
  if (!(spec.dt > 0) || spec.trajectories < 1) throw std::invalid_argument("reverse_sde_recall: dt > 0, M >= 1");
  if (x0.size() != dm.D()) throw std::invalid_argument("reverse_sde_recall: cue has the wrong dimension");
  const int M = spec.trajectories, D = dm.D();
  RecallResult r;
  r.end_states.resize(D, M);
  r.nearest.assign(M, -1);
  r.distance.resize(M);
  r.overlap.resize(M);
  const int threads = spec.threads > 0 ? spec.threads : omp_get_max_threads();

#pragma omp parallel num_threads(threads)
  {
    // Per thread: a copy of the model (its scratch buffers), the stepper and the state.
    PatternDiffusion local = dm;
    EulerMaruyama em(D);
    Vec x(D);
    auto drift = [&local](const Vec& xs, double t, Vec& out) { local.reverse_drift(xs, t, out); };
#pragma omp for schedule(dynamic, 16)
    for (int i = 0; i < M; ++i) {
      x = x0;
      em.run(drift, local.sigma(), x, spec.t0, spec.t_end, spec.dt, spec.seed, static_cast<std::uint64_t>(i));
      r.end_states.col(i) = x;
      const NearestPattern p = nearest_pattern(local.Y(), x);
      r.nearest[i] = p.index;
      r.distance(i) = p.distance;
      r.overlap(i) = p.overlap;
    }
  }
  r.counts.assign(dm.N(), 0);
  for (int n : r.nearest) ++r.counts[n];
  return r;
}

Vec probability_flow_recall(const PatternDiffusion& dm, const Vec& x0, double t0, double t_end, double abs_tol,
                            double rel_tol) {
  if (!(t0 <= t_end && t_end < dm.T())) throw std::invalid_argument("probability_flow_recall: need t0 <= t_end < T");
  const PatternDiffusion local = dm;
  Vec x = x0;
  if (t_end == t0) return x;
  // First trial step: a tenth of the remaining noise time at the end, where the drift is stiffest
  // (its rate is 1 / (2 (T - t)) for VE).
  const double dt0 = std::min(t_end - t0, 0.1 * (dm.T() - t_end));
  odeint::integrate_adaptive(odeint::make_controlled(abs_tol, rel_tol, DoPri5()), std::cref(local), x, t0, t_end,
                             dt0);
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
