// Instantaneous fixed points of Dense GSEMM with the delay V_d held fixed (paper Appendix B.2,
// Figure 2; models.md §1). With V_d frozen the feature dynamics
//   f(V)   = dV_f/dt = (sqrt(alpha_s) Xi sigma_h(h) - V) / T_f,   h = c Xi^T s + alpha_c Phi^T u_d,
//   s = sigma_f(V) = tanh(gamma V),  u_d = Xi^T V_d,  c = 1 (Eq. 10) or sqrt(alpha_s) (Eq. 9),
// descend the energy
//   E(V; V_d) = sum_i [V_i s_i - L_f(V_i)] - (sqrt(alpha_s) / c) L_h(h),   L_f(V) = log cosh(gamma V) / gamma,
//   grad E    = diag(s') (V - sqrt(alpha_s) Xi sigma_h(h)) = -T_f diag(s') f,   s' = gamma (1 - s^2),
// so dE/dt = -T_f f^T diag(s') f <= 0 for any sigma_h. The Jacobian of f is
//   J = (sqrt(alpha_s) c Xi H Xi^T diag(s') - I) / T_f,   H = H(L_h)(h) (symmetric, K x K).
// J = (B D - I) / T_f with B symmetric and D = diag(s') >= 0 has the eigenvalues of the symmetric
// D^1/2 B D^1/2 - I (AB and BA share eigenvalues): they are real, and the finder computes them
// from a K x K symmetric problem (the other N_f - K eigenvalues are -1/T_f).
#pragma once

#include <vector>

#include "models/gsemm_params.hpp"

namespace seqmem {

struct FixedPointOptions {
  // Tolerances on max|f| T_f relative to max(1, max|V_f|) (f is a difference of terms of the size
  // of V_f; with T_f = 1 and |V_f| <= 1 they are absolute bounds on max|f|).
  double descent_tol = 1e-6;  // stop the descent below this
  double t_max = 1000;        // descent time limit, in units of T_f
  double step_tol = 1e-8;     // absolute and relative error tolerance of the dopri5 descent
  double newton_tol = 1e-10;  // converged below this
  int max_newton = 30;        // Newton iterations at most
};

struct FixedPoint {
  Vec V_f;              // the fixed point
  double energy = 0;    // E(V_f; V_d)
  Vec overlaps;         // m_mu = Xi^T sigma_f(V_f) / N_f
  Vec eigenvalues;      // the spectrum of J at V_f (1/time, J includes 1/T_f): real, descending
  int n_unstable = 0;   // eigenvalues > 1e-9 * max(1/T_f, max|eigenvalue|)
  bool stable = false;  // n_unstable == 0
  double residual = 0;  // max|f| at V_f
  double descent_time = 0;  // time spent in the descent, in units of T_f
  int newton_iterations = 0;
  bool converged = false;  // the Newton criterion of FixedPointOptions holds; false is a result, not an error
};

// E(V_f; V_d) of Dense GSEMM.
double dense_energy(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& V_f);

// f(V_f) = dV_f/dt at frozen V_d (no input current).
Vec feature_velocity(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& V_f);

// J = df/dV_f at frozen V_d (N_f x N_f).
Mat feature_jacobian(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& V_f);

// The fixed point reached from V_f0: energy descent along f with dopri5 until max|f| < descent_tol
// (or t_max), Newton refinement on f with the analytic J, then the spectrum of J.
FixedPoint find_fixed_point(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& V_f0,
                            const FixedPointOptions& opt = {});

// Along a trajectory (Figure 2C, D): for every sample (V_f[n], V_d[n]) the fixed point reached from
// V_f[n] and (from_memories) the one reached from start_amplitude * xi_mu for every memory mu. OpenMP over samples x
// starts; every result is computed by one thread alone, so results do not depend on the thread count.
struct TrajectoryFixedPoints {
  std::vector<FixedPoint> from_state;               // [sample]
  std::vector<std::vector<FixedPoint>> from_memory;  // [sample][mu]
};
TrajectoryFixedPoints fixed_points_along(const Mat& Xi, const SpMat& Phi, const GsemmParams& p,
                                         const std::vector<Vec>& V_f, const std::vector<Vec>& V_d,
                                         const FixedPointOptions& opt = {}, double start_amplitude = 1.0,
                                         bool from_memories = true);

// The energy on the plane V_f = a_i e1 + b_j e2 at given V_d (Figure 2A): E(i, j), a.size() x b.size().
Mat energy_slice(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& e1, const Vec& e2,
                 const Vec& a, const Vec& b);

}  // namespace seqmem
