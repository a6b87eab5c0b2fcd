// GSEMM with three layers (paper Eq. 1; models.md §1), an odeint system.
// State x = [V_f; V_h; V_d] (2 N_f + K entries), K = N_h hidden neurons, one per memory.
//   T_f dV_f = sqrt(alpha_s) Xi sigma_h(V_h) - V_f + I_f(t)
//   T_h dV_h = sqrt(alpha_s) Xi^T sigma_f(V_f) + alpha_c Phi^T Xi^T V_d - V_h
//   T_d dV_d = beta_d sigma_f(V_f) - V_d
// Energy (Eq. 4 = Eq. 13) and its rate dE/dt = F + G (Eq. 5-8):
//   E = [V_f^T s - L_f] + [V_h^T g - L_h] - sqrt(alpha_s) s^T Xi g - alpha_c V_d^T Xi Phi g
//   F = grad_{V_f} E . dV_f/dt + grad_{V_h} E . dV_h/dt
//     = -[T_f Vf'^T diag(s') Vf' + T_h Vh'^T H(L_h) Vh']  (no input current; Eq. 6)
//   G = -alpha_c g^T Phi^T Xi^T dV_d/dt                      (Eq. 8)
// F <= 0 needs H(L_h) positive semi-definite: true for degree 1, rectified polynomials and softmax,
// false for x^n with even n where h < 0 (docs/guide.md, "Energy, F and G"; tests/test_energy.cpp shows it).
#pragma once

#include "models/gsemm_params.hpp"

namespace seqmem {

class Gsemm {
 public:
  // Phi dense (K x K): its nonzero entries are kept.
  Gsemm(Mat Xi, const Mat& Phi, GsemmParams p, InputCurrent input = {})
      : Gsemm(std::move(Xi), SpMat(Phi.sparseView(0.0, 0.0)), p, std::move(input)) {}
  Gsemm(Mat Xi, const SpMat& Phi, GsemmParams p, InputCurrent input = {})
      : Xi_(std::move(Xi)),
        PhiT_XiT_((Xi_ * Phi).transpose()),
        p_(p),
        input_(std::move(input)),
        sqrt_alpha_s_(std::sqrt(p.alpha_s)),
        s_(N_f()),
        g_(K()) {}

  int N_f() const { return static_cast<int>(Xi_.rows()); }
  int K() const { return static_cast<int>(Xi_.cols()); }
  Eigen::Index state_size() const { return 2 * Xi_.rows() + Xi_.cols(); }
  const Mat& Xi() const { return Xi_; }
  const GsemmParams& params() const { return p_; }
  // The fast part of the state for rk4_split: [V_f; V_h] (the delay V_d is the slow part).
  Eigen::Index split_index() const { return Xi_.rows() + Xi_.cols(); }

  static auto V_f(const Vec& x, int N_f) { return x.head(N_f); }
  static auto V_h(const Vec& x, int N_f) { return x.segment(N_f, x.size() - 2 * N_f); }
  static auto V_d(const Vec& x, int N_f) { return x.tail(N_f); }

  void hidden_state(const Vec& x, Vec& Vh) const { Vh = x.segment(Xi_.rows(), Xi_.cols()); }

  void operator()(const Vec& x, Vec& dxdt, double t) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    const auto Vf = x.head(n);
    const auto Vh = x.segment(n, k);
    const auto Vd = x.tail(n);
    sigma_f(Vf, p_.gamma, s_);
    p_.sigma_h(Vh, g_);

    auto dVf = dxdt.head(n);
    dVf.noalias() = Xi_ * g_;
    dVf = (sqrt_alpha_s_ * dVf - Vf) / p_.T_f;
    if (input_.active(t)) dVf += input_.I / p_.T_f;

    auto dVh = dxdt.segment(n, k);
    dVh.noalias() = PhiT_XiT_ * Vd;
    dVh *= p_.alpha_c;
    dVh.noalias() += sqrt_alpha_s_ * (Xi_.transpose() * s_);
    dVh = (dVh - Vh) / p_.T_h;

    dxdt.tail(n) = (p_.beta_d * s_ - Vd) / p_.T_d;
  }

  // The Jacobian d f / d x (for implicit steppers: the three-layer model is stiff when T_h << T_f).
  // With s = sigma_f(V_f), s' = gamma (1 - s^2), H = H(L_h)(V_h) and x = [V_f; V_h; V_d]:
  //   d(dV_f)/dV_f = -I / T_f,                          d(dV_f)/dV_h = sqrt(alpha_s) Xi H / T_f
  //   d(dV_h)/dV_f = sqrt(alpha_s) Xi^T diag(s') / T_h, d(dV_h)/dV_h = -I / T_h,
  //   d(dV_h)/dV_d = alpha_c (Xi Phi)^T / T_h
  //   d(dV_d)/dV_f = beta_d diag(s') / T_d,             d(dV_d)/dV_d = -I / T_d
  // Allocates: once per Jacobian update of the stepper.
  void jacobian(const Vec& x, double /*t*/, Mat& J) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    sigma_f(x.head(n), p_.gamma, s_);
    const Vec Vh = x.segment(n, k);
    p_.sigma_h(Vh, g_);
    const Vec ds = p_.gamma * (1.0 - s_.array().square()).matrix();
    J.setZero(state_size(), state_size());
    J.topLeftCorner(n, n).diagonal().setConstant(-1.0 / p_.T_f);
    J.block(0, n, n, k).noalias() = (sqrt_alpha_s_ / p_.T_f) * (Xi_ * p_.sigma_h.hessian(Vh, g_));
    J.block(n, 0, k, n).noalias() = (sqrt_alpha_s_ / p_.T_h) * (Xi_.transpose() * ds.asDiagonal());
    J.block(n, n, k, k).diagonal().setConstant(-1.0 / p_.T_h);
    J.block(n, n + k, k, n) = (p_.alpha_c / p_.T_h) * PhiT_XiT_;
    J.block(n + k, 0, n, n).diagonal() = (p_.beta_d / p_.T_d) * ds;
    J.block(n + k, n + k, n, n).diagonal().setConstant(-1.0 / p_.T_d);
  }

  // The delay part of a state or derivative vector: V_d.
  static auto delay(Vec& v, int N_f) { return v.tail(N_f); }

  double energy(const Vec& x) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    const Vec Vh = x.segment(n, k);
    sigma_f(x.head(n), p_.gamma, s_);
    p_.sigma_h(Vh, g_);
    return feature_energy(x.head(n), s_, p_.gamma) + Vh.dot(g_) - p_.sigma_h.lagrangian(Vh) -
           sqrt_alpha_s_ * s_.dot(Xi_ * g_) - p_.alpha_c * (PhiT_XiT_ * x.tail(n)).dot(g_);
  }

  // E, F and G at (x, t). Allocates: for recording at sample times, not for the inner loop.
  EnergyRates energy_rates(const Vec& x, double t) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    Vec dx(x.size());
    (*this)(x, dx, t);  // leaves s_, g_ at x
    const Vec Vh = x.segment(n, k);
    EnergyRates r;
    r.E = energy(x);
    const Vec ds = p_.gamma * (1.0 - s_.array().square()).matrix();
    const Vec grad_f = ds.cwiseProduct(x.head(n) - sqrt_alpha_s_ * (Xi_ * g_));
    Vec grad_h(k);  // H(L_h) (V_h - sqrt(alpha_s) Xi^T s - alpha_c Phi^T Xi^T V_d) = -T_h H(L_h) dV_h/dt
    p_.sigma_h.hessian_times(Vh, g_, Vec(-p_.T_h * dx.segment(n, k)), grad_h);
    r.F = grad_f.dot(dx.head(n)) + grad_h.dot(dx.segment(n, k));
    r.G = -p_.alpha_c * g_.dot(PhiT_XiT_ * dx.tail(n));
    return r;
  }

  // Initial state: V_f and V_d given; V_h starts at its instantaneous value (the dV_h = 0
  // point), so that the three-layer model and Dense GSEMM start from the same point.
  Vec initial_state(const Vec& Vf0, const Vec& Vd0) const {
    Vec x(state_size());
    sigma_f(Vf0, p_.gamma, s_);
    Vec Vh0 = sqrt_alpha_s_ * (Xi_.transpose() * s_) + p_.alpha_c * (PhiT_XiT_ * Vd0);
    x << Vf0, Vh0, Vd0;
    return x;
  }

 private:
  Mat Xi_;
  Mat PhiT_XiT_;
  GsemmParams p_;
  InputCurrent input_;
  double sqrt_alpha_s_;
  mutable Vec s_, g_;
};

}  // namespace seqmem
