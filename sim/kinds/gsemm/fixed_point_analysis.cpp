#include "sim/kinds/gsemm/fixed_point_analysis.hpp"

#include "sim/core/cancel.hpp"

#include <omp.h>

#include <chrono>

namespace seqmem {
namespace {

// The plane of the surfaces: two memories (as unit vectors), or the first two principal
// directions of the sampled V_f (SVD of the centred samples; the sign makes the largest
// component of each direction positive, so that the plane is reproducible).
void plane(const FixedPointSpec& spec, const Mat& Xi, const FixedPointSamples& s, Vec& e1, Vec& e2) {
  if (!spec.surface_pca) {
    e1 = Xi.col(spec.surface_memories[0]).normalized();
    e2 = Xi.col(spec.surface_memories[1]).normalized();
    return;
  }
  const auto n = static_cast<Eigen::Index>(s.V_f.size());
  Mat X(n, Xi.rows());
  for (Eigen::Index k = 0; k < n; ++k) X.row(k) = s.V_f[k].transpose();
  X.rowwise() -= X.colwise().mean();
  Eigen::BDCSVD<Mat> svd(X, Eigen::ComputeThinV);
  auto pc = [&](int j) {
    Vec v = svd.matrixV().col(j);
    Eigen::Index i;
    v.cwiseAbs().maxCoeff(&i);
    return Vec(v(i) < 0 ? Vec(-v) : v);
  };
  e1 = pc(0);
  e2 = svd.matrixV().cols() > 1 ? pc(1) : Vec(Vec::Zero(Xi.rows()));
}

}  // namespace

FixedPointAnalysis analyse_fixed_points(const FixedPointSpec& spec, const Mat& Xi, const SpMat& Phi,
                                        const GsemmParams& p, FixedPointSamples samples) {
  const auto t0 = std::chrono::steady_clock::now();
  FixedPointAnalysis r;
  r.samples = std::move(samples);
  const auto& s = r.samples;
  FixedPointOptions opt;
  opt.descent_tol = spec.descent_tol;
  opt.newton_tol = spec.newton_tol;
  r.points = fixed_points_along(Xi, Phi, p, s.V_f, s.V_d, opt, spec.start_amplitude, spec.from_memories);

  const int n = static_cast<int>(s.t.size());
  if (spec.surface_slices > 0 && n > 0) {
    auto& S = r.surfaces;
    plane(spec, Xi, s, S.e1, S.e2);
    S.trajectory.resize(n, 2);
    for (int k = 0; k < n; ++k) S.trajectory.row(k) << S.e1.dot(s.V_f[k]), S.e2.dot(s.V_f[k]);
    // grid: +-surface_range * sqrt(N_f) along memories (a memory state has |V_f| ~ sqrt(N_f)),
    // or the projected trajectory's range with a 25% margin in the PCA plane
    double lo1, hi1, lo2, hi2;
    if (!spec.surface_pca) {
      lo1 = lo2 = -spec.surface_range * std::sqrt(double(Xi.rows()));
      hi1 = hi2 = -lo1;
    } else {
      const double m1 = 0.25 * (S.trajectory.col(0).maxCoeff() - S.trajectory.col(0).minCoeff()) + 1e-9;
      const double m2 = 0.25 * (S.trajectory.col(1).maxCoeff() - S.trajectory.col(1).minCoeff()) + 1e-9;
      lo1 = S.trajectory.col(0).minCoeff() - m1, hi1 = S.trajectory.col(0).maxCoeff() + m1;
      lo2 = S.trajectory.col(1).minCoeff() - m2, hi2 = S.trajectory.col(1).maxCoeff() + m2;
    }
    S.a = Vec::LinSpaced(spec.surface_grid, lo1, hi1);
    S.b = Vec::LinSpaced(spec.surface_grid, lo2, hi2);
    const int m = std::min(spec.surface_slices, n);
    S.t.resize(m);
    S.energy.resize(m);
#pragma omp parallel for schedule(dynamic)
    for (int j = 0; j < m; ++j) {
      if (cancel_requested()) continue;  // thrown after the parallel region
      const int k = m == 1 ? 0 : static_cast<int>(std::lround(double(j) * (n - 1) / (m - 1)));
      S.t[j] = s.t[k];
      S.energy[j] = energy_slice(Xi, Phi, p, s.V_d[k], S.e1, S.e2, S.a, S.b);
    }
    throw_if_cancelled();  // the slices skipped after Ctrl-C are empty: no result
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace seqmem
