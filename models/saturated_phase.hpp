// The exact solution of Dense GSEMM over a saturated phase (models/dense_gsemm.hpp,
// saturated_drive): while every sigma_f(V_i) is exactly +-1, with tau the time since the phase
// began, y = 1 - exp(-tau / T_d) and P_k = Xi W_k (N_f x (n + 1)),
//   V_f(tau) = e^{-tau/T_f} V_f0 + sum_k P_k F_k(tau),
//   F_k(tau) = (1/T_f) int_0^tau e^{-(tau - r)/T_f} y(r)^k dr,
//   T_f dV_f/dtau = sum_k P_k y^k - V_f(tau),
//   V_d(tau) = V_d0 + (beta_d s - V_d0) y,   u_d(tau) = u_d0 + (beta_d a - u_d0) y.
// Each V_i is a function of n + 2 basis values shared by all neurons. F_k has no short closed
// form that is accurate for small tau (its expansion in exponentials cancels like y^k), so it is
// carried forward from an anchor: F_k(tau) = e^{-(tau - t_a)/T_f} F_k(t_a) + the integral over
// [t_a, tau] by 8-point Gauss-Legendre (Boost.Math): its error relative to the integral is about
// 6e-10 (h r)^8 for a panel of length h and rates r (below 1e-17 for the panels of
// sim/solvers/event_driven.cpp, h r <= 0.1 plus a flip's passage), and it integrates y^k exactly in the
// polynomial part up to k = 15; beyond, y^k near the phase's start is too small to matter.
#pragma once

#include <boost/math/quadrature/gauss.hpp>
#include <cmath>

#include "models/dense_gsemm.hpp"

namespace seqmem {

class SaturatedPhase {
 public:
  static constexpr int kMaxTerms = 32;

  // The basis at tau: e = e^{-tau/T_f}, F_k(tau) and y(tau)^k, k = 0 .. terms - 1.
  struct Basis {
    double tau = 0;
    double e = 1;
    double F[kMaxTerms] = {};
    double y[kMaxTerms] = {};
  };

  // The phase of `model` that begins at state x with the signs s (a just-flipped neuron may sit at
  // V = 0) and the overlap drive a = Xi^T s. Returns the y up to which the expansion stays
  // accurate (DenseGsemm::saturated_drive). Allocates only when the sizes grow.
  double start(const DenseGsemm& model, const Vec& x, const Vec& s, const Vec& a) {
    const int n = model.N_f();
    const GsemmParams& p = model.params();
    T_f_ = p.T_f;
    T_d_ = p.T_d;
    beta_d_ = p.beta_d;
    V0_ = DenseGsemm::V_f(x, n);
    Vd0_ = DenseGsemm::V_d(x, n);
    ud0_ = DenseGsemm::u_d(x, n);
    s_ = s;
    a_ = a;
    const double y_max = model.saturated_drive(a, ud0_, W_);
    P_.noalias() = model.Xi() * W_;  // the products of the phase: Xi W_k
    terms_ = static_cast<int>(W_.cols());
    return y_max;
  }

  int terms() const { return terms_; }
  bool finite() const { return P_.allFinite(); }

  Basis basis0() const {
    Basis b;
    b.y[0] = 1;
    return b;
  }

  // The basis at tau from the basis at an earlier time (one Gauss-Legendre panel over the gap).
  Basis basis(const Basis& from, double tau) const {
    using GL = boost::math::quadrature::gauss<double, 8>;
    Basis b;
    b.tau = tau;
    b.e = std::exp(-tau / T_f_);
    const double h = tau - from.tau, decay = std::exp(-h / T_f_);
    for (int k = 0; k < terms_; ++k) b.F[k] = decay * from.F[k];
    if (h > 0) {
      const auto& x = GL::abscissa();
      const auto& w = GL::weights();
      for (std::size_t m = 0; m < x.size(); ++m)
        for (double sign : {-1.0, 1.0}) {
          const double r = from.tau + 0.5 * h * (1 + sign * x[m]);
          const double weight = 0.5 * h * w[m] * std::exp(-(tau - r) / T_f_) / T_f_;
          const double yr = -std::expm1(-r / T_d_);
          double yk = 1;
          for (int k = 0; k < terms_; ++k, yk *= yr) b.F[k] += weight * yk;
        }
    }
    const double y = -std::expm1(-tau / T_d_);
    double yk = 1;
    for (int k = 0; k < terms_; ++k, yk *= y) b.y[k] = yk;
    return b;
  }

  // V_i(tau) and dV_i/dtau from a basis.
  double V(int i, const Basis& b) const {
    double v = b.e * V0_(i);
    for (int k = 0; k < terms_; ++k) v += P_(i, k) * b.F[k];
    return v;
  }
  double dV(int i, const Basis& b, double v) const {
    double d = -v;
    for (int k = 0; k < terms_; ++k) d += P_(i, k) * b.y[k];
    return d / T_f_;
  }

  // The whole state [V_f; V_d; u_d] at the basis's tau.
  void state(const Basis& b, Vec& x) const {
    const auto n = V0_.size();
    auto Vf = x.head(n);
    Vf = b.e * V0_;
    for (int k = 0; k < terms_; ++k) Vf += b.F[k] * P_.col(k);
    const double y = terms_ > 1 ? b.y[1] : -std::expm1(-b.tau / T_d_);
    x.segment(n, n) = Vd0_ + (beta_d_ * s_ - Vd0_) * y;
    x.tail(a_.size()) = ud0_ + (beta_d_ * a_ - ud0_) * y;
  }

 private:
  double T_f_ = 1, T_d_ = 1, beta_d_ = 1;
  int terms_ = 0;
  Vec V0_, Vd0_, ud0_, s_, a_;
  Mat W_, P_;
};

}  // namespace seqmem
