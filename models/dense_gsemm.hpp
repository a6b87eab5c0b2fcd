// Dense GSEMM: the T_h -> 0 limit of GSEMM (paper Eq. 9, 10; models.md §1), an odeint system.
// With Phi = 0 it is GAMM, a static associative memory.
//   h         = c Xi^T sigma_f(V_f) + alpha_c Phi^T Xi^T V_d,   c = 1 (Eq. 10) or sqrt(alpha_s) (Eq. 9)
//   T_f dV_f  = sqrt(alpha_s) Xi sigma_h(h) - V_f + I_f(t)
//   T_d dV_d  = beta_d sigma_f(V_f) - V_d
// State x = [V_f; V_d; u_d] (2 N_f + K entries) with u_d = Xi^T V_d, the delayed drive of the
// hidden layer before Phi. Its ODE, T_d du_d/dt = beta_d Xi^T sigma_f(V_f) - u_d, is Xi^T applied
// to the V_d equation and reuses the Xi^T sigma_f(V_f) that h needs anyway: one matrix-vector
// product with Xi^T per evaluation instead of two. Runge-Kutta methods commute with linear maps,
// so u_d stays Xi^T V_d up to rounding (tested); V_d itself is kept for recording and energies.
//
// Energy at given V_d (models.md §1, derived from Eq. 4 in the limit; tests/test_energy.cpp):
//   E(V_f; V_d) = sum_i [V_i s_i - L_f(V_i)] - (sqrt(alpha_s) / c) L_h(h)
//   grad_{V_f} E = diag(s') (V_f - sqrt(alpha_s) Xi sigma_h(h))   (= -T_f diag(s') dV_f/dt, no input)
//   dE/dt = F + G,  F = grad_{V_f} E . dV_f/dt,  G = -(sqrt(alpha_s) / c) alpha_c sigma_h(h)^T Phi^T du_d/dt
#pragma once

#include "gsemm_params.hpp"

namespace seqmem {

class DenseGsemm {
 public:
  // Phi dense (K x K): its nonzero entries are kept.
  DenseGsemm(Mat Xi, const Mat& Phi, GsemmParams p, InputCurrent input = {})
      : DenseGsemm(std::move(Xi), SpMat(Phi.sparseView(0.0, 0.0)), p, std::move(input)) {}
  DenseGsemm(Mat Xi, const SpMat& Phi, GsemmParams p, InputCurrent input = {})
      : Xi_(std::move(Xi)),
        PhiT_(Phi.transpose()),
        p_(p),
        input_(std::move(input)),
        c_hidden_(p.alpha_s_placement == AlphaSPlacement::eq9 ? std::sqrt(p.alpha_s) : 1.0),
        sqrt_alpha_s_(std::sqrt(p.alpha_s)),
        s_(N_f()),
        a_(K()),
        h_(K()),
        g_(K()) {}

  int N_f() const { return static_cast<int>(Xi_.rows()); }
  int K() const { return static_cast<int>(Xi_.cols()); }
  Eigen::Index state_size() const { return 2 * Xi_.rows() + Xi_.cols(); }
  const Mat& Xi() const { return Xi_; }
  const GsemmParams& params() const { return p_; }

  static auto V_f(const Vec& x, int N_f) { return x.head(N_f); }
  static auto V_d(const Vec& x, int N_f) { return x.segment(N_f, N_f); }
  static auto u_d(const Vec& x, int N_f) { return x.tail(x.size() - 2 * N_f); }

  // Hidden input of Eq. 9/10 from a = Xi^T sigma_f(V_f) and u_d = Xi^T V_d:
  //   h = c a + alpha_c Phi^T u_d      (Phi sparse: an episode has one successor per memory)
  template <class A, class U, class H>
  void hidden_input(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<U>& ud,
                    Eigen::MatrixBase<H> const& h_) const {
    auto& h = const_cast<Eigen::MatrixBase<H>&>(h_).derived();
    h.noalias() = PhiT_ * ud;
    h *= p_.alpha_c;
    h += c_hidden_ * a;
  }

  // The odeint system: dxdt = f(x, t).
  void operator()(const Vec& x, Vec& dxdt, double t) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    const auto Vf = x.head(n);
    const auto Vd = x.segment(n, n);
    const auto ud = x.tail(k);
    sigma_f(Vf, p_.gamma, s_);
    a_.noalias() = Xi_.transpose() * s_;
    hidden_input(a_, ud, h_);
    p_.sigma_h(h_, g_);
    auto dVf = dxdt.head(n);
    dVf.noalias() = Xi_ * g_;
    dVf = (sqrt_alpha_s_ * dVf - Vf) / p_.T_f;
    if (input_.active(t)) dVf += input_.I / p_.T_f;
    dxdt.segment(n, n) = (p_.beta_d * s_ - Vd) / p_.T_d;
    dxdt.tail(k) = (p_.beta_d * a_ - ud) / p_.T_d;
  }

  // The Jacobian d f / d x of the right-hand side (for implicit steppers; the input current does not
  // depend on x). With s = sigma_f(V_f), s' = gamma (1 - s^2), H = H(L_h)(h) (K x K, diagonal for
  // the polynomials) and x = [V_f; V_d; u_d]:
  //   d(dV_f)/dV_f = (sqrt(alpha_s) c Xi H Xi^T diag(s') - I) / T_f,  d(dV_f)/du_d = sqrt(alpha_s) alpha_c Xi H Phi^T / T_f
  //   d(dV_d)/dV_f = beta_d diag(s') / T_d,                           d(dV_d)/dV_d = -I / T_d
  //   d(du_d)/dV_f = beta_d Xi^T diag(s') / T_d,                      d(du_d)/du_d = -I / T_d
  // Allocates: called once per Jacobian update of the stepper, not per step.
  void jacobian(const Vec& x, double /*t*/, Mat& J) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    sigma_f(x.head(n), p_.gamma, s_);
    a_.noalias() = Xi_.transpose() * s_;
    hidden_input(a_, x.tail(k), h_);
    p_.sigma_h(h_, g_);
    const Vec ds = p_.gamma * (1.0 - s_.array().square()).matrix();
    const Mat A = Xi_ * p_.sigma_h.hessian(h_, g_);  // Xi H
    J.setZero(state_size(), state_size());
    J.topLeftCorner(n, n).noalias() = (sqrt_alpha_s_ * c_hidden_ / p_.T_f) * (A * (Xi_.transpose() * ds.asDiagonal()));
    J.topLeftCorner(n, n).diagonal().array() -= 1.0 / p_.T_f;
    J.block(0, 2 * n, n, k).noalias() = (sqrt_alpha_s_ * p_.alpha_c / p_.T_f) * (A * PhiT_);
    J.block(n, 0, n, n).diagonal() = (p_.beta_d / p_.T_d) * ds;
    J.block(n, n, n, n).diagonal().setConstant(-1.0 / p_.T_d);
    J.block(2 * n, 0, k, n).noalias() = (p_.beta_d / p_.T_d) * (Xi_.transpose() * ds.asDiagonal());
    J.block(2 * n, 2 * n, k, k).diagonal().setConstant(-1.0 / p_.T_d);
  }

  // V_h of Eq. 9: the hidden currents are a function of (V_f, V_d) in the dense limit.
  void hidden_state(const Vec& x, Vec& Vh) const {
    const auto n = Xi_.rows();
    sigma_f(x.head(n), p_.gamma, s_);
    a_.noalias() = Xi_.transpose() * s_;
    hidden_input(a_, x.tail(Xi_.cols()), Vh);
  }

  // The delay part of a state or derivative vector: [V_d; u_d].
  static auto delay(Vec& v, int N_f) { return v.tail(v.size() - N_f); }

  // E(V_f; V_d) of the state x.
  double energy(const Vec& x) const {
    const auto n = Xi_.rows();
    sigma_f(x.head(n), p_.gamma, s_);
    a_.noalias() = Xi_.transpose() * s_;
    hidden_input(a_, x.tail(Xi_.cols()), h_);
    return feature_energy(x.head(n), s_, p_.gamma) - sqrt_alpha_s_ / c_hidden_ * p_.sigma_h.lagrangian(h_);
  }

  // E, F and G at (x, t). Allocates: for recording at sample times, not for the inner loop.
  EnergyRates energy_rates(const Vec& x, double t) const {
    const auto n = Xi_.rows();
    Vec dx(x.size());
    (*this)(x, dx, t);  // leaves s_, h_, g_ at x
    EnergyRates r;
    r.E = feature_energy(x.head(n), s_, p_.gamma) - sqrt_alpha_s_ / c_hidden_ * p_.sigma_h.lagrangian(h_);
    const Vec ds = p_.gamma * (1.0 - s_.array().square()).matrix();  // sigma_f'
    const Vec grad = ds.cwiseProduct(x.head(n) - sqrt_alpha_s_ * (Xi_ * g_));
    r.F = grad.dot(dx.head(n));
    r.G = -sqrt_alpha_s_ / c_hidden_ * p_.alpha_c * g_.dot(PhiT_ * dx.tail(Xi_.cols()));
    return r;
  }

  // Initial state: V_f from the cue, V_d = V_d0, u_d = Xi^T V_d0.
  Vec initial_state(const Vec& Vf0, const Vec& Vd0) const {
    Vec x(state_size());
    x << Vf0, Vd0, Xi_.transpose() * Vd0;
    return x;
  }

 private:
  Mat Xi_;        // N_f x K, one memory per column
  Eigen::SparseMatrix<double> PhiT_;  // K x K
  GsemmParams p_;
  InputCurrent input_;
  double c_hidden_;
  double sqrt_alpha_s_;
  mutable Vec s_, a_, h_, g_;  // work buffers: sigma_f(V_f), Xi^T sigma_f(V_f), h, sigma_h(h)
};

}  // namespace seqmem
