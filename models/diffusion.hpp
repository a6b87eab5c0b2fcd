// Generative diffusion on a finite pattern set with the exact score (Ambrogioni 2024, Eq. 7-8,
// 11-12, 15-21; models.md §2). Patterns are the columns y_n of Y (D x N); time t runs from 0
// (noise) to T (clean data), tau = T - t is the time of the forward (noising) process.
//
// Forward noise process in tau, drift -grad v(x), v(x) = gamma |x|^2 / 2, diffusion sigma:
//   dX = -gamma X dtau + sigma dW
// gamma = 0 is variance exploding (VE, Eq. 7-8); gamma > 0 is the Ornstein-Uhlenbeck /
// variance-preserving (VP) process (sigma^2 = 2 gamma keeps a unit-variance prior at unit variance).
// Started at X(0) = y_n, X(tau) is Gaussian. Its mean m and variance s^2 solve
// dm/dtau = -gamma m, ds^2/dtau = -2 gamma s^2 + sigma^2, so
//   m(tau)   = a(tau) y_n,          a(tau) = exp(-gamma tau)
//   s^2(tau) = sigma^2 (1 - exp(-2 gamma tau)) / (2 gamma)      (-> sigma^2 tau as gamma -> 0)
// and the marginal of the pattern set is the mixture (Eq. 8 for gamma = 0)
//   p_t(x) = (1/N) sum_n N(x; a y_n, s^2 I),  a = a(T - t), s^2 = s^2(T - t).
// Exact score and energy (Eq. 11-12):
//   grad log p_t(x) = sum_n w_n (a y_n - x) / s^2,  w = softmax(-|x - a y_n|^2 / (2 s^2))
//   u_DM(x, t) = -sigma^2 log p_t(x)
// Generative dynamics in t (reverse of the forward SDE; Eq. 7 for gamma = 0):
//   reverse SDE        dx = (sigma^2 grad log p_t(x) + gamma x) dt + sigma dW
//   probability flow   dx/dt = 0.5 sigma^2 grad log p_t(x) + gamma x
// Note on signs: models.md writes the noise injection as x(t-dt) = x(t) + grad v dt and the
// generative drift as sigma^2 score - grad v; with v = gamma |x|^2/2 that forward process is
// expanding, not OU. Here the OU drift is -gamma x in tau, i.e. generative drift + gamma x.
//
// Distances are formed as |x - a y_n|^2 column by column (no cancellation of |x|^2 - 2 a x.y_n +
// a^2 |y_n|^2 near a pattern); log-sum-exp and softmax are max-shifted, so s^2 ~ 1e-12 is finite.
// Nothing allocates after construction; the scratch buffers make an instance single-threaded.
#pragma once

#include <cmath>
#include <utility>

#include "modern_hopfield.hpp"

namespace seqmem {

class PatternDiffusion {
 public:
  static constexpr double kPi = 3.14159265358979323846;

  // gamma = 0: variance exploding; gamma > 0: variance preserving (Ornstein-Uhlenbeck).
  PatternDiffusion(Mat Y, double sigma, double T, double gamma = 0.0)
      : Y_(std::move(Y)), sigma_(sigma), T_(T), gamma_(gamma), w_(Y_.cols()) {}
  static PatternDiffusion ve(Mat Y, double sigma, double T) { return {std::move(Y), sigma, T, 0.0}; }
  static PatternDiffusion vp(Mat Y, double sigma, double T, double gamma) {
    return {std::move(Y), sigma, T, gamma};
  }

  int D() const { return static_cast<int>(Y_.rows()); }
  int N() const { return static_cast<int>(Y_.cols()); }
  const Mat& Y() const { return Y_; }
  double sigma() const { return sigma_; }  // the diffusion coefficient of both SDEs
  double T() const { return T_; }
  double gamma() const { return gamma_; }

  // a(T - t) = exp(-gamma (T - t)): the shrinkage of the kernel mean.
  double kernel_scale(double t) const { return std::exp(-gamma_ * (T_ - t)); }
  // s^2(T - t) = sigma^2 (1 - exp(-2 gamma tau)) / (2 gamma), sigma^2 tau for gamma = 0 (expm1: no
  // cancellation for small gamma tau).
  double kernel_variance(double t) const {
    const double tau = T_ - t;
    if (gamma_ == 0.0) return sigma_ * sigma_ * tau;
    return sigma_ * sigma_ * (-std::expm1(-2.0 * gamma_ * tau)) / (2.0 * gamma_);
  }
  // beta(t) = 1 / s^2: 1 / ((T - t) sigma^2) in the VE case (Eq. 13-14).
  double beta(double t) const { return 1.0 / kernel_variance(t); }

  // log p_t(x) = -log N - (D/2) log(2 pi s^2) + logsumexp_n(-|x - a y_n|^2 / (2 s^2)).
  double log_p(const Vec& x, double t) const {
    const double s2 = kernel_variance(t);
    const double lse = log_weights(x, kernel_scale(t), s2);
    return lse - std::log(static_cast<double>(N())) - 0.5 * D() * std::log(2.0 * kPi * s2);
  }

  // u_DM(x, t) = -sigma^2 log p_t(x) (Eq. 11-12).
  double energy(const Vec& x, double t) const { return -sigma_ * sigma_ * log_p(x, t); }

  // w = softmax(-|x - a y_n|^2 / (2 s^2)): the posterior p(n | x) at time t (§5.1).
  const Vec& weights(const Vec& x, double t) const {
    log_weights(x, kernel_scale(t), kernel_variance(t));
    softmax_inplace(w_);
    return w_;
  }

  // score = grad log p_t(x) = (a Y w - x) / s^2.
  void score(const Vec& x, double t, Vec& out) const {
    const double a = kernel_scale(t), s2 = kernel_variance(t);
    log_weights(x, a, s2);
    softmax_inplace(w_);
    out.noalias() = Y_ * w_;
    out = (a * out - x) / s2;
  }

  // Drift of the reverse SDE: sigma^2 grad log p_t(x) + gamma x (diffusion coefficient sigma).
  void reverse_drift(const Vec& x, double t, Vec& out) const {
    score(x, t, out);
    out *= sigma_ * sigma_;
    if (gamma_ != 0.0) out += gamma_ * x;
  }

  // Drift of the probability-flow ODE: 0.5 sigma^2 grad log p_t(x) + gamma x.
  void probability_flow_drift(const Vec& x, double t, Vec& out) const {
    score(x, t, out);
    out *= 0.5 * sigma_ * sigma_;
    if (gamma_ != 0.0) out += gamma_ * x;
  }

  // The probability-flow ODE as an odeint system (t from 0 towards T).
  void operator()(const Vec& x, Vec& dxdt, double t) const { probability_flow_drift(x, t, dxdt); }

 private:
  // w_n = -|x - a y_n|^2 / (2 s^2); returns their log-sum-exp.
  double log_weights(const Vec& x, double a, double s2) const {
    for (Eigen::Index n = 0; n < Y_.cols(); ++n) w_(n) = -(x - a * Y_.col(n)).squaredNorm() / (2.0 * s2);
    return logsumexp(w_);
  }

  Mat Y_;
  double sigma_, T_, gamma_;
  mutable Vec w_;  // log weights, then the softmax (N)
};

}  // namespace seqmem
