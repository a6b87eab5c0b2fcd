// Continuous modern Hopfield network (Ambrogioni 2024, Eq. 5; models.md §2), an odeint system.
//   u_MH(x, beta) = -beta^-1 log sum_n exp(beta y_n^T x) + |x|^2 / 2          (Eq. 5)
//   dx/dt = -grad u_MH = Y softmax(beta Y^T x) - x
// Patterns are the columns y_n of Y (D x N). The log-sum-exp and the softmax are max-shifted, so
// beta up to ~1e12 and beyond stays finite (tests/test_diffusion.cpp).
#pragma once

#include <cmath>
#include <utility>

#include "models/activations.hpp"

namespace seqmem {

// log sum_n exp(a_n), max-shifted: m + log sum exp(a_n - m) with m = max a_n.
template <class A>
inline double logsumexp(const Eigen::MatrixBase<A>& a) {
  const double m = a.maxCoeff();
  return m + std::log((a.derived().array() - m).exp().sum());
}

// a <- softmax(a) in place, max-shifted; returns log sum exp of the input (the normaliser).
template <class A>
inline double softmax_inplace(Eigen::MatrixBase<A> const& a_) {
  auto& a = const_cast<Eigen::MatrixBase<A>&>(a_).derived();
  const double m = a.maxCoeff();
  a.array() = (a.array() - m).exp();
  const double s = a.sum();
  a /= s;
  return m + std::log(s);
}

class ModernHopfield {
 public:
  ModernHopfield(Mat Y, double beta) : Y_(std::move(Y)), beta_(beta), a_(Y_.cols()) {}

  int D() const { return static_cast<int>(Y_.rows()); }
  int N() const { return static_cast<int>(Y_.cols()); }
  const Mat& Y() const { return Y_; }
  double beta() const { return beta_; }
  void set_beta(double beta) { beta_ = beta; }

  // u_MH(x, beta) of Eq. 5.
  double energy(const Vec& x) const { return energy(x, beta_); }
  double energy(const Vec& x, double beta) const {
    a_.noalias() = Y_.transpose() * x;
    a_ *= beta;
    return -logsumexp(a_) / beta + 0.5 * x.squaredNorm();
  }

  // dxdt = Y softmax(beta Y^T x) - x = -grad u_MH(x, beta). The odeint system (autonomous).
  void operator()(const Vec& x, Vec& dxdt, double /*t*/) const {
    a_.noalias() = Y_.transpose() * x;
    a_ *= beta_;
    softmax_inplace(a_);
    dxdt.noalias() = Y_ * a_;
    dxdt -= x;
  }

  // d(dx/dt)/dx = beta Y (diag(p) - p p^T) Y^T - I with p = softmax(beta Y^T x) (for implicit
  // steppers; the flow is stiff where p is spread and beta |y|^2 is large). Allocates.
  void jacobian(const Vec& x, double /*t*/, Mat& J) const {
    a_.noalias() = Y_.transpose() * x;
    a_ *= beta_;
    softmax_inplace(a_);
    const Vec Yp = Y_ * a_;
    J.noalias() = beta_ * (Y_ * a_.asDiagonal() * Y_.transpose());
    J.noalias() -= beta_ * (Yp * Yp.transpose());
    J.diagonal().array() -= 1.0;
  }

  // g = grad u_MH(x, beta) = x - Y softmax(beta Y^T x).
  void gradient(const Vec& x, Vec& g) const {
    (*this)(x, g, 0.0);
    g = -g;
  }

 private:
  Mat Y_;
  double beta_;
  mutable Vec a_;  // beta Y^T x, then its softmax (N)
};

}  // namespace seqmem
