#include "sim/experiments/fixed_points.hpp"

#include "sim/core/cancel.hpp"

#include <algorithm>
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <cmath>
#include <functional>
#include <stdexcept>

namespace seqmem {
namespace {
namespace odeint = boost::numeric::odeint;
using DoPri5 = odeint::runge_kutta_dopri5<Vec, double, Vec, double, odeint::vector_space_algebra>;

// The delay's drive of the hidden layer, b = alpha_c Phi^T Xi^T V_d (constant while V_d is frozen).
Vec delay_drive(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d) {
  if (V_d.size() != Xi.rows() || Phi.rows() != Xi.cols() || Phi.cols() != Xi.cols())
    throw std::invalid_argument("fixed points: V_d needs N_f entries and Phi K x K");
  return p.alpha_c * (Phi.transpose() * (Xi.transpose() * V_d));
}

// The feature flow at frozen V_d in the time tau = t / T_f, an odeint system:
//   G(V) = T_f f(V) = sqrt(alpha_s) Xi sigma_h(h) - V,   h = c Xi^T sigma_f(V) + b.
// Every evaluation (flow or energy) leaves s = sigma_f(V), h and g = sigma_h(h) of its V in the
// buffers; jacobian() and spectrum() use those of the last evaluation.
class FrozenFlow {
 public:
  FrozenFlow(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d)
      : Xi_(Xi),
        p_(p),
        sqrt_alpha_s_(std::sqrt(p.alpha_s)),
        c_(p.alpha_s_placement == AlphaSPlacement::eq9 ? sqrt_alpha_s_ : 1.0),
        b_(delay_drive(Xi, Phi, p, V_d)),
        s_(Xi.rows()),
        ds_(Xi.rows()),
        h_(Xi.cols()),
        g_(Xi.cols()) {}

  Eigen::Index N_f() const { return Xi_.rows(); }
  Eigen::Index K() const { return Xi_.cols(); }

  void operator()(const Vec& V, Vec& G, double /*tau*/) {
    evaluate(V);
    G.noalias() = Xi_ * g_;
    G = sqrt_alpha_s_ * G - V;
  }

  // E(V; V_d).
  double energy(const Vec& V) {
    evaluate(V);
    const double lh_factor = p_.alpha_s_placement == AlphaSPlacement::eq9 ? 1.0 : sqrt_alpha_s_;  // sqrt(alpha_s)/c
    return feature_energy(V, s_, p_.gamma) - lh_factor * p_.sigma_h.lagrangian(h_);
  }

  const Vec& s() const { return s_; }

  // T_f J = sqrt(alpha_s) c Xi H Xi^T diag(s') - I at the last evaluated V.
  void jacobian(Mat& J) {
    update_hessian();
    XiH_.noalias() = Xi_ * H_;
    XiH_ *= sqrt_alpha_s_ * c_;
    J.noalias() = XiH_ * XiTD_;
    J.diagonal().array() -= 1.0;
  }

  // The eigenvalues of T_f J at the last evaluated V, descending. With S = Xi^T D Xi (K x K, positive
  // semi-definite) the nonzero eigenvalues of Xi H Xi^T D are those of H S, i.e. of the symmetric
  // S^1/2 H S^1/2; the remaining N_f - K are 0. For K >= N_f: D^1/2 Xi H Xi^T D^1/2 directly.
  Vec spectrum() {
    update_hessian();
    const Eigen::Index n = N_f(), k = K();
    Mat P;
    if (k < n) {
      const Mat S = XiTD_ * Xi_;
      Eigen::SelfAdjointEigenSolver<Mat> es(S);
      const Vec root = es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
      const Mat R = es.eigenvectors() * root.asDiagonal() * es.eigenvectors().transpose();  // S^1/2
      P = R * H_ * R;
    } else {
      const Vec root = ds_.cwiseSqrt();
      const Mat A = root.asDiagonal() * Xi_;
      P = A * H_ * A.transpose();
    }
    P *= sqrt_alpha_s_ * c_;
    Eigen::SelfAdjointEigenSolver<Mat> es(P, Eigen::EigenvaluesOnly);
    Vec lambda = Vec::Constant(n, -1.0);
    lambda.head(P.rows()) = es.eigenvalues().array() - 1.0;
    std::sort(lambda.data(), lambda.data() + n, std::greater<double>());
    return lambda;
  }

 private:
  void evaluate(const Vec& V) {
    sigma_f(V, p_.gamma, s_);
    h_.noalias() = Xi_.transpose() * s_;
    h_ = c_ * h_ + b_;
    p_.sigma_h(h_, g_);
  }

  void update_hessian() {
    ds_ = p_.gamma * (1.0 - s_.array().square());
    H_ = p_.sigma_h.hessian(h_, g_);
    XiTD_.noalias() = Xi_.transpose() * ds_.asDiagonal();
  }

  const Mat& Xi_;
  const GsemmParams& p_;
  double sqrt_alpha_s_, c_;
  Vec b_;
  Vec s_, ds_, h_, g_;
  Mat H_, XiH_, XiTD_;
};

double max_abs(const Vec& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; }

}  // namespace

double dense_energy(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& V_f) {
  return FrozenFlow(Xi, Phi, p, V_d).energy(V_f);
}

Vec feature_velocity(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& V_f) {
  Vec G(V_f.size());
  FrozenFlow(Xi, Phi, p, V_d)(V_f, G, 0.0);
  return G / p.T_f;
}

Mat feature_jacobian(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& V_f) {
  FrozenFlow flow(Xi, Phi, p, V_d);
  Vec G(V_f.size());
  flow(V_f, G, 0.0);
  Mat J(V_f.size(), V_f.size());
  flow.jacobian(J);
  return J / p.T_f;
}

FixedPoint find_fixed_point(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& V_f0,
                            const FixedPointOptions& opt) {
  FrozenFlow flow(Xi, Phi, p, V_d);
  const Eigen::Index n = Xi.rows();
  if (V_f0.size() != n) throw std::invalid_argument("find_fixed_point: V_f0 needs N_f entries");
  FixedPoint fp;
  Vec V = V_f0, G(n);  // G = T_f f: the flow in tau = t / T_f, so tolerances on f carry a factor T_f
  flow(V, G, 0.0);

  // Both stopping rules compare max|f| T_f = max|G| with the size of V: G is a difference of terms of
  // that size, so below eps * max|V| it is rounding.
  auto below = [&](double tol) { return max_abs(G) < tol * std::max(1.0, max_abs(V)); };

  // (1) Energy descent: dopri5 with step-size control, FSAL (G is f at the new V after each step).
  // Steps of at most T_f: near a fixed point the flow contracts at rate 1/T_f (and faster), and
  // the error control alone lets the steps grow to dopri5's stability limit (about 3.3 T_f), where
  // a step barely contracts and the descent crawls.
  {
    auto stepper = odeint::make_controlled(opt.step_tol, opt.step_tol, DoPri5());
    double tau = 0.0, dtau = 0.1;
    int rejected_in_a_row = 0;
    while (!below(opt.descent_tol) && tau < opt.t_max && !cancel_requested()) {
      dtau = std::min({dtau, 1.0, opt.t_max - tau});
      if (stepper.try_step(std::ref(flow), V, G, tau, dtau) == odeint::success)
        rejected_in_a_row = 0;
      else if (++rejected_in_a_row > 100)
        break;  // step size underflow: leave it to Newton
    }
    fp.descent_time = tau;
  }

  // (2) Newton on G with the analytic Jacobian; stop when a step does not reduce max|G|.
  flow(V, G, 0.0);
  double r = max_abs(G);
  auto done = [&] { return below(opt.newton_tol); };
  {
    Mat J(n, n);
    Eigen::PartialPivLU<Mat> lu(n);
    Vec V_new(n), G_new(n);
    while (!done() && fp.newton_iterations < opt.max_newton) {
      flow.jacobian(J);
      lu.compute(J);
      V_new = V - lu.solve(G);
      flow(V_new, G_new, 0.0);
      const double r_new = max_abs(G_new);
      if (!(r_new < r)) break;  // also NaN
      V.swap(V_new);
      G.swap(G_new);
      r = r_new;
      ++fp.newton_iterations;
    }
  }
  fp.converged = done();
  fp.residual = r / p.T_f;

  // (3) Energy, overlaps and the spectrum of J at V.
  fp.energy = flow.energy(V);  // leaves s, h, g at V (Newton may have left them at a rejected step)
  fp.overlaps = Xi.transpose() * flow.s() / static_cast<double>(n);
  fp.eigenvalues = flow.spectrum() / p.T_f;
  const double tol = 1e-9 * std::max(1.0 / p.T_f, max_abs(fp.eigenvalues));
  fp.n_unstable = static_cast<int>((fp.eigenvalues.array() > tol).count());
  fp.stable = fp.n_unstable == 0;
  fp.V_f = std::move(V);
  return fp;
}

TrajectoryFixedPoints fixed_points_along(const Mat& Xi, const SpMat& Phi, const GsemmParams& p,
                                         const std::vector<Vec>& V_f, const std::vector<Vec>& V_d,
                                         const FixedPointOptions& opt, double start_amplitude,
                                         bool from_memories) {
  if (V_f.size() != V_d.size()) throw std::invalid_argument("fixed_points_along: V_f and V_d differ in length");
  const long samples = static_cast<long>(V_f.size());
  const long starts = 1 + (from_memories ? static_cast<long>(Xi.cols()) : 0);
  TrajectoryFixedPoints out;
  out.from_state.resize(samples);
  if (from_memories) out.from_memory.assign(samples, std::vector<FixedPoint>(Xi.cols()));
  delay_drive(Xi, Phi, p, Vec::Zero(Xi.rows()));  // checks the shapes: exceptions must not leave the parallel region
  for (long i = 0; i < samples; ++i)
    if (V_f[i].size() != Xi.rows() || V_d[i].size() != Xi.rows())
      throw std::invalid_argument("fixed_points_along: every V_f and V_d needs N_f entries");

#pragma omp parallel for schedule(dynamic)
  for (long task = 0; task < samples * starts; ++task) {
    if (cancel_requested()) continue;  // thrown after the parallel region
    const long i = task / starts, start = task % starts;
    if (start == 0)
      out.from_state[i] = find_fixed_point(Xi, Phi, p, V_d[i], V_f[i], opt);
    else
      out.from_memory[i][start - 1] =
          find_fixed_point(Xi, Phi, p, V_d[i], Vec(start_amplitude * Xi.col(start - 1)), opt);
  }
  throw_if_cancelled();  // the tasks skipped after Ctrl-C left points unset: no result
  return out;
}

Mat energy_slice(const Mat& Xi, const SpMat& Phi, const GsemmParams& p, const Vec& V_d, const Vec& e1, const Vec& e2,
                 const Vec& a, const Vec& b) {
  if (e1.size() != Xi.rows() || e2.size() != Xi.rows())
    throw std::invalid_argument("energy_slice: e1 and e2 need N_f entries");
  delay_drive(Xi, Phi, p, V_d);  // checks the shapes: exceptions must not leave the parallel region
  Mat E(a.size(), b.size());
#pragma omp parallel
  {
    FrozenFlow flow(Xi, Phi, p, V_d);
    Vec V(Xi.rows());
#pragma omp for schedule(static)
    for (Eigen::Index i = 0; i < a.size(); ++i)
      for (Eigen::Index j = 0; j < b.size(); ++j) {
        V = a(i) * e1 + b(j) * e2;
        E(i, j) = flow.energy(V);
      }
  }
  return E;
}

}  // namespace seqmem
