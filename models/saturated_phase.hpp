// The exact solution of Dense GSEMM over a saturated phase (models/dense_gsemm.hpp,
// saturated_drive): while every sigma_f(V_i) is exactly +-1, with tau the time since the phase
// began, q = exp(-tau / T_d), P_j = Xi W_j (N_f x (n + 1)) and lambda_j = 1 / T_f - j / T_d,
//   V_f(tau) = e^{-tau/T_f} V_f0 + sum_j P_j E_j(tau),
//   E_j(tau) = (1/T_f) int_0^tau e^{-(tau - r)/T_f} e^{-j r/T_d} dr
//            = (1/T_f) e^{-j tau/T_d} (1 - e^{-lambda_j tau}) / lambda_j    (lambda_j > 0; the
//              mirrored form for lambda_j < 0 and tau e^{-tau/T_f} / T_f at lambda_j = 0),
//   T_f dV_f/dtau = sum_j P_j q^j - V_f(tau),
//   V_d(tau) = beta_d s + (V_d0 - beta_d s) q,   u_d(tau) = beta_d a + (u_d0 - beta_d a) q.
// Each V_i is a sum of n + 2 exponentials in tau: cheap to evaluate for one neuron (n + 2 terms
// from shared basis values), which is what the event search of sim/event_driven.cpp needs.
#pragma once

#include <cmath>

#include "dense_gsemm.hpp"

namespace seqmem {

class SaturatedPhase {
 public:
  // The phase of `model` that begins at state x (its V_f gives the signs s = sign(V_f) unless
  // given) with the overlap drive a = Xi^T s. Allocates only when the sizes grow.
  void start(const DenseGsemm& model, const Vec& x, const Vec& s, const Vec& a) {
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
    model.saturated_drive(a, ud0_, W_);
    P_.noalias() = model.Xi() * W_;  // the products of the phase: Xi W_j
    terms_ = static_cast<int>(W_.cols());
  }

  int terms() const { return terms_; }
  bool state_finite() const { return P_.allFinite(); }
  const Vec& s() const { return s_; }
  const Vec& a() const { return a_; }

  // The basis at tau: e = e^{-tau/T_f}, E_j(tau) and q^j, j = 0 .. terms - 1.
  static constexpr int kMaxTerms = 32;
  struct Basis {
    double e = 1;
    double E[kMaxTerms] = {};
    double q[kMaxTerms] = {};
  };
  Basis basis(double tau) const {
    Basis b;
    b.e = std::exp(-tau / T_f_);
    const double q1 = std::exp(-tau / T_d_);
    double qj = 1;
    for (int j = 0; j < terms_; ++j) {
      const double lambda = 1.0 / T_f_ - j / T_d_;
      const double ej = qj;  // e^{-j tau / T_d}
      if (lambda > 0) b.E[j] = ej * -std::expm1(-lambda * tau) / (lambda * T_f_);
      else if (lambda < 0) b.E[j] = b.e * std::expm1(lambda * tau) / (lambda * T_f_);
      else b.E[j] = tau * b.e / T_f_;
      b.q[j] = qj;
      qj *= q1;
    }
    return b;
  }

  // V_i(tau) and dV_i/dtau from a basis.
  double V(int i, const Basis& b) const {
    double v = b.e * V0_(i);
    for (int j = 0; j < terms_; ++j) v += P_(i, j) * b.E[j];
    return v;
  }
  double dV(int i, const Basis& b, double v) const {
    double d = -v;
    for (int j = 0; j < terms_; ++j) d += P_(i, j) * b.q[j];
    return d / T_f_;
  }

  // The whole state [V_f; V_d; u_d] at tau.
  void state(double tau, Vec& x) const {
    const auto n = V0_.size();
    const Basis b = basis(tau);
    auto Vf = x.head(n);
    Vf = b.e * V0_;
    for (int j = 0; j < terms_; ++j) Vf += b.E[j] * P_.col(j);
    const double q = std::exp(-tau / T_d_);
    x.segment(n, n) = beta_d_ * s_ + (Vd0_ - beta_d_ * s_) * q;
    x.tail(a_.size()) = beta_d_ * a_ + (ud0_ - beta_d_ * a_) * q;
  }

 private:
  double T_f_ = 1, T_d_ = 1, beta_d_ = 1;
  int terms_ = 0;
  Vec V0_, Vd0_, ud0_, s_, a_;
  Mat W_, P_;
};

}  // namespace seqmem
