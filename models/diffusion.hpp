// Generative diffusion on a Gaussian-mixture memory with the exact score (Ambrogioni 2024, Eq. 7-8,
// 11-12, 15-21, 23-25; models.md §2). The data density is a GaussianMixture
// (models/gaussian_mixture.hpp): point memories (the finite pattern set y_n, columns of Y, Eq. 8),
// extended memories (Eq. 23), a semantic density on a manifold (Eq. 24) and mixtures of both (Eq. 25):
//   p_0(y) = sum_k pi_k N(y; mu_k, Sigma_k),  Sigma_k = U_k diag(lambda_k) U_k^T  (r_k = 0: a point).
// Time t runs from 0 (noise) to T (clean data), tau = T - t is the time of the forward (noising) process.
//
// Forward noise process in tau, drift -grad v(x), v(x) = gamma |x|^2 / 2, diffusion sigma:
//   dX = -gamma X dtau + sigma dW
// gamma = 0 is variance exploding (VE, Eq. 7-8); gamma > 0 is the Ornstein-Uhlenbeck /
// variance-preserving (VP) process (sigma^2 = 2 gamma keeps a unit-variance prior at unit variance).
// Started at X(0) = y, X(tau) is Gaussian. Its mean m and variance s^2 solve
// dm/dtau = -gamma m, ds^2/dtau = -2 gamma s^2 + sigma^2, so
//   m(tau)   = a(tau) y,            a(tau) = exp(-gamma tau)
//   s^2(tau) = sigma^2 (1 - exp(-2 gamma tau)) / (2 gamma)      (-> sigma^2 tau as gamma -> 0)
// Component k of p_0 is carried to N(x; a mu_k, C_k), C_k = a^2 Sigma_k + s^2 I, so the marginal is
//   p_t(x) = sum_k pi_k N(x; a mu_k, C_k),  a = a(T - t), s^2 = s^2(T - t)
// (Eq. 8 for points with pi_k = 1/N and gamma = 0). With r_k = x - a mu_k, p = U_k^T r_k and
// c_j = a^2 lambda_j / (s^2 + a^2 lambda_j) (Woodbury on the low-rank covariance):
//   C_k^-1 r_k      = (r_k - U_k (c .* p)) / s^2
//   r_k^T C_k^-1 r_k = |r_k - U_k p|^2 / s^2 + sum_j p_j^2 / (s^2 + a^2 lambda_j)
//                   (= (|r_k|^2 - sum_j c_j p_j^2) / s^2, written without the cancellation near s^2 -> 0)
//   log det C_k     = D log s^2 + sum_j log1p(a^2 lambda_j / s^2)
//   l_k = log pi_k - r_k^T C_k^-1 r_k / 2 - sum_j log1p(a^2 lambda_j / s^2) / 2
//   log p_t(x) = logsumexp_k(l_k) - (D/2) log(2 pi s^2)
// Exact score and energy (Eq. 11-12), w = softmax(l) the posterior p(k | x) over components:
//   grad log p_t(x) = -sum_k w_k C_k^-1 r_k = (a M w - x) / s^2 + sum_k w_k U_k (c .* p_k) / s^2
//   (M = [mu_1 .. mu_K]; for point memories only the first term: sum_n w_n (a y_n - x) / s^2)
//   u_DM(x, t) = -sigma^2 log p_t(x)
// Generative dynamics in t (reverse of the forward SDE; Eq. 7 for gamma = 0):
//   reverse SDE        dx = (sigma^2 grad log p_t(x) + gamma x) dt + sigma dW
//   probability flow   dx/dt = 0.5 sigma^2 grad log p_t(x) + gamma x
// Note on signs: Ambrogioni Eq. 15-16 write the noise injection as x(t-dt) = x(t) + grad v dt and the
// generative drift as sigma^2 score - grad v; with v = gamma |x|^2/2 that forward process is
// expanding, not OU. Here the OU drift is -gamma x in tau, i.e. generative drift + gamma x.
//
// Point memories with equal weights (the pattern set of Eq. 8) take the original fast path: one
// column loop for the distances and (a Y w - x) / s^2. Other mixtures go through out-of-line
// functions (mixture_log_terms, mixture_score) that add log pi_k and, for the components of rank > 0,
// the low-rank terms above at O(D r_k) each; the fast path stays small enough to be inlined.
// Near t = T an extended component is ill-conditioned (cond C_k = 1 + a^2 lambda / s^2): the score is
// accurate to eps |r_k| / s^2 in norm, the rounding of x itself propagated by C_k^-1.
// In log_p and the energy, distances are formed as |x - a y_n|^2 column by column (no cancellation
// of |x|^2 - 2 a x.y_n + a^2 |y_n|^2 near a pattern); the posterior and the score of the pattern
// set use one product Y^T x (the common |x|^2 cancels in the softmax; see posterior_logits).
// Log-sum-exp and softmax are max-shifted, so s^2 ~ 1e-12 is finite.
// Nothing allocates after construction; the scratch buffers make an instance single-threaded.
#pragma once

#include <cmath>
#include <memory>
#include <stdexcept>
#include <utility>

#include "models/gaussian_mixture.hpp"
#include "models/modern_hopfield.hpp"

namespace seqmem {

class PatternDiffusion {
 public:
  static constexpr double kPi = 3.14159265358979323846;

  // gamma = 0: variance exploding; gamma > 0: variance preserving (Ornstein-Uhlenbeck).
  // Copies share the mixture (it does not change); each copy has its own scratch (one per thread).
  PatternDiffusion(std::shared_ptr<const GaussianMixture> g, double sigma, double T, double gamma = 0.0)
      : g_(std::move(g)),
        sigma_(sigma),
        T_(T),
        gamma_(gamma),
        uniform_points_(g_->all_points() && g_->equal_weights()),
        w_(g_->K()),
        q_(g_->max_rank(), g_->all_points() ? 0 : g_->K()),
        r_(g_->all_points() ? 0 : g_->D()) {
    if (g_->K() < 1) throw std::invalid_argument("PatternDiffusion: the mixture has no components");
    half_sq_norms_ = 0.5 * g_->means().colwise().squaredNorm().transpose();
  }
  PatternDiffusion(GaussianMixture g, double sigma, double T, double gamma = 0.0)
      : PatternDiffusion(std::make_shared<const GaussianMixture>(std::move(g)), sigma, T, gamma) {}
  // The finite pattern set of Eq. 8: the columns of Y, equal weights.
  PatternDiffusion(Mat Y, double sigma, double T, double gamma = 0.0)
      : PatternDiffusion(GaussianMixture::points(Y), sigma, T, gamma) {}
  static PatternDiffusion ve(Mat Y, double sigma, double T) { return {std::move(Y), sigma, T, 0.0}; }
  static PatternDiffusion vp(Mat Y, double sigma, double T, double gamma) {
    return {std::move(Y), sigma, T, gamma};
  }
  static PatternDiffusion ve(GaussianMixture g, double sigma, double T) { return {std::move(g), sigma, T, 0.0}; }
  static PatternDiffusion vp(GaussianMixture g, double sigma, double T, double gamma) {
    return {std::move(g), sigma, T, gamma};
  }

  int D() const { return g_->D(); }
  int N() const { return g_->K(); }                // number of mixture components
  const Mat& Y() const { return g_->means(); }     // the component means mu_k (the patterns y_n), D x K
  const GaussianMixture& mixture() const { return *g_; }
  const std::shared_ptr<const GaussianMixture>& shared_mixture() const { return g_; }
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
  // Inverse temperature of the modern Hopfield network (Eq. 5) whose softmax is the posterior over
  // point memories. For rank-0 components the log terms are
  //   -|x - a y_n|^2 / (2 s^2) = -|x|^2 / (2 s^2) + (a / s^2) x.y_n - a^2 |y_n|^2 / (2 s^2);
  // the first term is common to all n and so is the last one for unit-norm patterns, hence
  //   p(n | x) = softmax_n((a / s^2) y_n^T x + log pi_n),   beta_MH(t) = a(T - t) / s^2(T - t),
  // which is beta(t) = 1 / s^2 for VE (a = 1; Eq. 13-14).
  double hopfield_beta(double t) const { return kernel_scale(t) / kernel_variance(t); }

  // log p_t(x) = logsumexp_k(l_k) - (D/2) log(2 pi s^2); for the equal-weight pattern set
  // -log N - (D/2) log(2 pi s^2) + logsumexp_n(-|x - a y_n|^2 / (2 s^2)).
  double log_p(const Vec& x, double t) const {
    const double s2 = kernel_variance(t);
    if (!uniform_points_) return mixture_log_terms(x, kernel_scale(t), s2) - 0.5 * D() * std::log(2.0 * kPi * s2);
    const double lse = log_weights(x, kernel_scale(t), s2);
    return lse - std::log(static_cast<double>(N())) - 0.5 * D() * std::log(2.0 * kPi * s2);
  }

  // u_DM(x, t) = -sigma^2 log p_t(x) (Eq. 11-12).
  double energy(const Vec& x, double t) const { return -sigma_ * sigma_ * log_p(x, t); }

  // w = softmax(l): the posterior p(k | x) over components at time t (§5.1); for the equal-weight
  // pattern set softmax(-|x - a y_n|^2 / (2 s^2)).
  const Vec& weights(const Vec& x, double t) const {
    if (uniform_points_)
      posterior_logits(x, kernel_scale(t), kernel_variance(t));
    else
      mixture_log_terms(x, kernel_scale(t), kernel_variance(t));
    softmax_inplace(w_);
    return w_;
  }

  // score = grad log p_t(x) = (a Y w - x) / s^2 for the pattern set; mixtures add the low-rank terms.
  void score(const Vec& x, double t, Vec& out) const {
    if (!uniform_points_) return mixture_score(x, t, out);
    const double a = kernel_scale(t), s2 = kernel_variance(t);
    posterior_logits(x, a, s2);
    softmax_inplace(w_);
    out.noalias() = g_->means() * w_;
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
  // The pattern set of Eq. 8 (all rank 0, equal weights): w_n = -|x - a y_n|^2 / (2 s^2); returns
  // their log-sum-exp.
  double log_weights(const Vec& x, double a, double s2) const {
    const Mat& Y = g_->means();
    for (Eigen::Index n = 0; n < Y.cols(); ++n) w_(n) = -(x - a * Y.col(n)).squaredNorm() / (2.0 * s2);
    return logsumexp(w_);
  }

  // The pattern set's posterior logits up to a term common to all n (it cancels in the softmax):
  //   -|x - a y_n|^2 / (2 s^2) + |x|^2 / (2 s^2) = (a / s^2) (y_n^T x - a |y_n|^2 / 2),
  // one matrix-vector product instead of N distances. The differences between n carry an absolute
  // rounding error ~ eps a |x| |y_n| / s^2 (1e-4 for unit vectors at s^2 = 1e-12), harmless in a
  // softmax; log_p keeps the exact distances.
  void posterior_logits(const Vec& x, double a, double s2) const {
    w_.noalias() = g_->means().transpose() * x;
    w_ = (a / s2) * (w_ - a * half_sq_norms_);
  }

  // General mixture, kept out of line so that the pattern-set path above stays small enough to inline.
  // w_ <- l_k = log pi_k - r_k^T C_k^-1 r_k / 2 - sum_j log1p(a^2 lambda_j / s^2) / 2 (up to the common
  // -(D/2) log(2 pi s^2)); returns their log-sum-exp. For components of rank > 0 also
  // q_.col(k) <- c .* p_k / s^2 for the score.
  EIGEN_DONT_INLINE double mixture_log_terms(const Vec& x, double a, double s2) const {
    const Mat& Y = g_->means();
    const Vec& log_pi = g_->log_weights();
    const double a2 = a * a;
    for (int k = 0; k < N(); ++k) {
      const int rk = g_->rank(k);
      if (rk == 0) {
        w_(k) = log_pi(k) - (x - a * Y.col(k)).squaredNorm() / (2.0 * s2);
        continue;
      }
      const Mat& U = g_->basis(k);
      const Vec& lambda = g_->variances(k);
      auto p = q_.col(k).head(rk);
      r_.noalias() = x - a * Y.col(k);  // r_k
      p.noalias() = U.transpose() * r_;  // p = U_k^T r_k
      r_.noalias() -= U * p;             // the part of r_k orthogonal to the sub-space
      double quad = r_.squaredNorm() / s2, logdet = 0.0;
      for (int j = 0; j < rk; ++j) {
        const double al = a2 * lambda(j), v = s2 + al;
        quad += p(j) * p(j) / v;
        logdet += std::log1p(al / s2);
        p(j) *= al / (s2 * v);  // c_j p_j / s^2
      }
      w_(k) = log_pi(k) - 0.5 * quad - 0.5 * logdet;
    }
    return logsumexp(w_);
  }

  // score = -sum_k w_k C_k^-1 r_k = (a M w - x) / s^2 + sum_{k: r_k > 0} w_k U_k (c .* p_k) / s^2.
  EIGEN_DONT_INLINE void mixture_score(const Vec& x, double t, Vec& out) const {
    const double a = kernel_scale(t), s2 = kernel_variance(t);
    mixture_log_terms(x, a, s2);
    softmax_inplace(w_);
    out.noalias() = g_->means() * w_;
    out = (a * out - x) / s2;
    // Low-rank corrections; q_.col(k) holds c .* p_k / s^2 from mixture_log_terms.
    for (int k = 0; k < N(); ++k) {
      const int rk = g_->rank(k);
      if (rk == 0 || w_(k) == 0.0) continue;
      out.noalias() += w_(k) * (g_->basis(k) * q_.col(k).head(rk));
    }
  }

  std::shared_ptr<const GaussianMixture> g_;
  double sigma_, T_, gamma_;
  bool uniform_points_;  // all rank 0 with equal weights: the pattern set of Eq. 8
  Vec half_sq_norms_;    // |mu_k|^2 / 2 (K)
  mutable Vec w_;        // log terms, then the softmax (K)
  mutable Mat q_;        // c .* p_k / s^2 per component (max rank x K)
  mutable Vec r_;        // residual scratch (D)
};

}  // namespace seqmem
