// Gaussian-mixture memories (Ambrogioni 2024, §5.2 Eq. 23, §6.1 Eq. 24-25, Figure 1; models.md §2).
//
// One data density covers the three kinds of memory of the paper:
//   p_0(y) = sum_k pi_k N(y; mu_k, Sigma_k),   Sigma_k = U_k diag(lambda_k) U_k^T,
// U_k (D x r_k) with orthonormal columns, lambda_k > 0 (r_k = 0: Sigma_k = 0, a point).
//   point memories            r_k = 0: the finite pattern set of Eq. 8 (Figure 1a);
//   extended memories (Eq. 23) a Gaussian spread along an r_k-dimensional sub-space S_n around
//                             each pattern (a smooth stand-in for the uniform measure on S_n; Figure 1b);
//   semantic memory (Eq. 24)  many components along a manifold (here a circle) with label 0,
//                             together a continuous density rho(y) (Figure 1c);
//   reconstructive (Eq. 25)   any mixture of the above (point/extended episodic cores + a manifold).
// Under the Gaussian forward kernels of models/diffusion.hpp every component stays Gaussian, so
// the diffusion marginals and their score remain closed form (see PatternDiffusion).
//
// Weights: add() takes an unnormalised prior weight > 0; weights() / log_weights() are normalised.
// Labels: 1-based memory label for point/extended memories, 0 for semantic components.
// Everything here runs at construction time; nothing is on the integration path.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/activations.hpp"

namespace seqmem {

class GaussianMixture;
inline void add_circle_manifold(GaussianMixture& g, const Vec& center, const Vec& u, const Vec& v, double radius,
                                int components, double tangent_variance, double weight);

class GaussianMixture {
 public:
  explicit GaussianMixture(int D) : D_(D), mu_(D, 0) {
    if (D < 1) throw std::invalid_argument("GaussianMixture: dimension D must be >= 1");
  }

  // The finite pattern set of Eq. 8: the columns of Y, equal weights, rank 0, labels 1..N.
  static GaussianMixture points(const Mat& Y) {
    GaussianMixture g(static_cast<int>(Y.rows()));
    g.mu_ = Y;
    g.raw_w_.assign(static_cast<std::size_t>(Y.cols()), 1.0);
    g.labels_.resize(static_cast<std::size_t>(Y.cols()));
    for (std::size_t n = 0; n < g.labels_.size(); ++n) g.labels_[n] = static_cast<int>(n) + 1;
    g.U_.assign(g.labels_.size(), Mat(Y.rows(), 0));
    g.lambda_.assign(g.labels_.size(), Vec(0));
    g.update_log_weights();
    return g;
  }

  // Component N(mean, U diag(variances) U^T) with unnormalised prior weight `weight` > 0.
  // basis: D x r, orthonormal columns (|U^T U - I|_max <= 1e-8, std::invalid_argument otherwise);
  // variances: r entries >= 0, the columns with variance 0 are dropped; empty basis = a point.
  void add(const Vec& mean, double weight, int label, const Mat& basis = Mat(), const Vec& variances = Vec()) {
    Batch b;
    b.add(*this, mean, weight, label, basis, variances);
    b.append_to(*this);
  }

  // Many components at once: checked one by one like add(), appended with one resize and one
  // normalisation (add() in a loop costs O(K) per component, quadratic in K).
  class Batch {
   public:
    void reserve(std::size_t n) {
      means_.reserve(n);
      w_.reserve(n);
      labels_.reserve(n);
      U_.reserve(n);
      lambda_.reserve(n);
    }
    void add(const GaussianMixture& g, const Vec& mean, double weight, int label, const Mat& basis = Mat(),
             const Vec& variances = Vec()) {
      const int D = g.D_;
      if (mean.size() != D) throw std::invalid_argument("GaussianMixture::add: mean has the wrong dimension");
      if (!mean.allFinite()) throw std::invalid_argument("GaussianMixture::add: mean is not finite");
      if (!(weight > 0.0) || !std::isfinite(weight))
        throw std::invalid_argument("GaussianMixture::add: weight must be finite and > 0");
      if (label < 0) throw std::invalid_argument("GaussianMixture::add: label must be >= 0 (0 = semantic)");
      const Eigen::Index r = basis.cols();
      if (variances.size() != r)
        throw std::invalid_argument("GaussianMixture::add: need one variance per basis column");
      if (r > 0 && basis.rows() != D) throw std::invalid_argument("GaussianMixture::add: basis must have D rows");
      if (r > D) throw std::invalid_argument("GaussianMixture::add: more basis columns than dimensions");
      if (r > 0) {
        if (!basis.allFinite()) throw std::invalid_argument("GaussianMixture::add: basis is not finite");
        const double dev = (basis.transpose() * basis - Mat::Identity(r, r)).cwiseAbs().maxCoeff();
        if (!(dev <= 1e-8)) {
          std::ostringstream os;
          os << "GaussianMixture::add: basis columns are not orthonormal (max |U^T U - I| = " << dev << " > 1e-8)";
          throw std::invalid_argument(os.str());
        }
      }
      for (Eigen::Index j = 0; j < r; ++j)
        if (!(variances(j) >= 0.0) || !std::isfinite(variances(j)))
          throw std::invalid_argument("GaussianMixture::add: variances must be finite and >= 0");
      int kept = 0;
      for (Eigen::Index j = 0; j < r; ++j) kept += variances(j) > 0.0;
      Mat U(D, kept);
      Vec lambda(kept);
      for (Eigen::Index j = 0, i = 0; j < r; ++j)
        if (variances(j) > 0.0) {
          U.col(i) = basis.col(j);
          lambda(i++) = variances(j);
        }
      means_.push_back(mean);
      w_.push_back(weight);
      labels_.push_back(label);
      U_.push_back(std::move(U));
      lambda_.push_back(std::move(lambda));
    }
    void append_to(GaussianMixture& g) {
      const Eigen::Index K0 = g.mu_.cols(), n = static_cast<Eigen::Index>(means_.size());
      g.mu_.conservativeResize(g.D_, K0 + n);
      for (Eigen::Index k = 0; k < n; ++k) {
        g.mu_.col(K0 + k) = means_[static_cast<std::size_t>(k)];
        g.max_rank_ = std::max(g.max_rank_, static_cast<int>(U_[static_cast<std::size_t>(k)].cols()));
      }
      g.raw_w_.insert(g.raw_w_.end(), w_.begin(), w_.end());
      g.labels_.insert(g.labels_.end(), labels_.begin(), labels_.end());
      for (auto& u : U_) g.U_.push_back(std::move(u));
      for (auto& l : lambda_) g.lambda_.push_back(std::move(l));
      g.update_log_weights();
      *this = Batch();
    }

   private:
    std::vector<Vec> means_;
    std::vector<double> w_;
    std::vector<int> labels_;
    std::vector<Mat> U_;
    std::vector<Vec> lambda_;
  };

  // Component N(mean, covariance) from a full D x D covariance. It must be symmetric
  // (|C - C^T|_max <= 1e-10 max|C|) and positive semi-definite (smallest eigenvalue
  // >= -1e-10 max(1, largest |eigenvalue|)); otherwise std::invalid_argument (the message states the
  // smallest eigenvalue). Eigenvectors with eigenvalue > 1e-12 max(1, largest) are kept as U, lambda.
  void add_covariance(const Vec& mean, double weight, int label, const Mat& covariance) {
    Batch b;
    add_covariance(b, mean, weight, label, covariance);
    b.append_to(*this);
  }
  // ... into a batch (many covariances: one append).
  void add_covariance(Batch& batch, const Vec& mean, double weight, int label, const Mat& covariance) const {
    if (covariance.rows() != D_ || covariance.cols() != D_)
      throw std::invalid_argument("GaussianMixture::add_covariance: covariance must be D x D");
    if (!covariance.allFinite()) throw std::invalid_argument("GaussianMixture::add_covariance: covariance is not finite");
    const double scale = covariance.cwiseAbs().maxCoeff();
    const double asym = (covariance - covariance.transpose()).cwiseAbs().maxCoeff();
    if (asym > 1e-10 * scale) {
      std::ostringstream os;
      os << "GaussianMixture::add_covariance: covariance is not symmetric (max |C - C^T| = " << asym
         << ", max |C| = " << scale << ")";
      throw std::invalid_argument(os.str());
    }
    const Mat sym = 0.5 * (covariance + covariance.transpose());
    const Eigen::SelfAdjointEigenSolver<Mat> es(sym);
    if (es.info() != Eigen::Success)
      throw std::invalid_argument("GaussianMixture::add_covariance: eigendecomposition failed");
    const Vec& ev = es.eigenvalues();  // ascending
    const double smallest = ev(0), largest = ev(D_ - 1);
    const double big = std::max(1.0, std::max(std::abs(smallest), std::abs(largest)));
    if (smallest < -1e-10 * big) {
      std::ostringstream os;
      os.precision(17);
      os << "GaussianMixture::add_covariance: covariance is not positive semi-definite (smallest eigenvalue "
         << smallest << ")";
      throw std::invalid_argument(os.str());
    }
    const double cut = 1e-12 * std::max(1.0, largest);
    int kept = 0;
    for (int i = 0; i < D_; ++i) kept += ev(i) > cut;
    Mat U(D_, kept);
    Vec lambda(kept);
    for (int i = D_ - 1, j = 0; i >= 0; --i)  // largest first
      if (ev(i) > cut) {
        U.col(j) = es.eigenvectors().col(i);
        lambda(j++) = ev(i);
      }
    batch.add(*this, mean, weight, label, U, lambda);
  }

  int D() const { return D_; }
  int K() const { return static_cast<int>(mu_.cols()); }
  const Mat& means() const { return mu_; }  // mu_k as columns (D x K)
  // pi normalised to sum 1.
  Vec weights() const {
    Vec w(K());
    double s = 0.0;
    for (double x : raw_w_) s += x;
    for (int k = 0; k < K(); ++k) w(k) = raw_w_[static_cast<std::size_t>(k)] / s;
    return w;
  }
  const Vec& log_weights() const { return log_w_; }  // log pi_k, normalised
  // True when every prior weight is the same (the uniform 1/K of Eq. 8).
  bool equal_weights() const {
    for (double x : raw_w_)
      if (x != raw_w_.front()) return false;
    return true;
  }
  int label(int k) const { return labels_.at(static_cast<std::size_t>(k)); }
  int rank(int k) const { return static_cast<int>(U_.at(static_cast<std::size_t>(k)).cols()); }
  int max_rank() const { return max_rank_; }
  bool all_points() const { return max_rank_ == 0; }
  const Mat& basis(int k) const { return U_.at(static_cast<std::size_t>(k)); }       // U_k (D x r_k)
  const Vec& variances(int k) const { return lambda_.at(static_cast<std::size_t>(k)); }  // lambda_k (r_k)
  // Sigma_k = U_k diag(lambda_k) U_k^T.
  Mat covariance(int k) const {
    const Mat& U = basis(k);
    return U * variances(k).asDiagonal() * U.transpose();
  }

 private:
  friend void add_circle_manifold(GaussianMixture& g, const Vec& center, const Vec& u, const Vec& v, double radius,
                                  int components, double tangent_variance, double weight);

  // log pi_k = log w_k - log sum_j w_j.
  void update_log_weights() {
    double s = 0.0;
    for (double x : raw_w_) s += x;
    const double ls = std::log(s);
    log_w_.resize(K());
    for (int k = 0; k < K(); ++k) log_w_(k) = std::log(raw_w_[static_cast<std::size_t>(k)]) - ls;
  }

  int D_;
  Mat mu_;                     // D x K
  std::vector<double> raw_w_;  // unnormalised prior weights
  Vec log_w_;                  // normalised log weights
  std::vector<int> labels_;
  std::vector<Mat> U_;         // orthonormal bases, D x r_k
  std::vector<Vec> lambda_;    // variances along them, all > 0
  int max_rank_ = 0;
};

// Eq. 23: extended memories. Column n of Y becomes the component N(y_n, variance U_n U_n^T) with U_n
// a random `rank`-dimensional orthonormal basis: a D x rank matrix of standard normals from rng
// (column by column), orthonormalised with Householder QR (the thin Q). Labels 1..N, equal weights.
// rank = 0 or variance = 0 gives the point memories of Eq. 8.
inline GaussianMixture extended_memories(const Mat& Y, int rank, double variance, std::mt19937_64& rng) {
  const int D = static_cast<int>(Y.rows());
  if (rank < 0 || rank > D) throw std::invalid_argument("extended_memories: need 0 <= rank <= D");
  if (!(variance >= 0.0) || !std::isfinite(variance))
    throw std::invalid_argument("extended_memories: variance must be finite and >= 0");
  GaussianMixture g(D);
  GaussianMixture::Batch batch;
  batch.reserve(static_cast<std::size_t>(Y.cols()));
  std::normal_distribution<double> nd(0.0, 1.0);
  const Vec lambda = Vec::Constant(rank, variance);
  for (Eigen::Index n = 0; n < Y.cols(); ++n) {
    Mat G(D, rank);
    for (int j = 0; j < rank; ++j)
      for (int i = 0; i < D; ++i) G(i, j) = nd(rng);
    Mat U(D, rank);
    if (rank > 0) {
      const Eigen::HouseholderQR<Mat> qr(G);
      U = qr.householderQ() * Mat::Identity(D, rank);
    }
    batch.add(g, Y.col(n), 1.0, static_cast<int>(n) + 1, U, lambda);
  }
  batch.append_to(g);
  return g;
}

// Eq. 24: a semantic memory on the circle center + radius (cos th u + sin th v), u, v orthonormal
// (to 1e-8). Appends `components` components at th_j = 2 pi j / components, j = 0..components-1, each
// with variance tangent_variance along the unit tangent -sin th_j u + cos th_j v (0: points), label 0.
// Weight convention: after the call the new components together carry the normalised prior mass
// `weight` (equal shares weight / components) and the components already in g share 1 - weight in
// their old proportions. Needs 0 < weight < 1 when g already has components; when g is empty the
// manifold is the whole density and weight must be in (0, 1] (it then carries mass 1).
inline void add_circle_manifold(GaussianMixture& g, const Vec& center, const Vec& u, const Vec& v, double radius,
                                int components, double tangent_variance, double weight) {
  const int D = g.D();
  if (center.size() != D || u.size() != D || v.size() != D)
    throw std::invalid_argument("add_circle_manifold: center, u, v must have dimension D");
  if (std::abs(u.norm() - 1.0) > 1e-8 || std::abs(v.norm() - 1.0) > 1e-8 || std::abs(u.dot(v)) > 1e-8)
    throw std::invalid_argument("add_circle_manifold: u and v must be orthonormal");
  if (!(radius > 0.0) || !std::isfinite(radius)) throw std::invalid_argument("add_circle_manifold: radius must be > 0");
  if (components < 1) throw std::invalid_argument("add_circle_manifold: need at least one component");
  if (!(tangent_variance >= 0.0) || !std::isfinite(tangent_variance))
    throw std::invalid_argument("add_circle_manifold: tangent_variance must be finite and >= 0");
  const bool empty = g.K() == 0;
  if (!(weight > 0.0) || weight > 1.0 || (!empty && weight == 1.0))
    throw std::invalid_argument(empty ? "add_circle_manifold: weight must be in (0, 1]"
                                      : "add_circle_manifold: weight must be in (0, 1) (earlier components keep 1 - weight)");
  // Earlier components: rescale to total 1 - weight, proportions unchanged.
  double old_total = 0.0;
  for (double x : g.raw_w_) old_total += x;
  for (double& x : g.raw_w_) x *= (1.0 - weight) / old_total;
  const double share = (empty ? 1.0 : weight) / components;
  constexpr double kTwoPi = 2.0 * 3.14159265358979323846;
  GaussianMixture::Batch batch;
  batch.reserve(static_cast<std::size_t>(components));
  for (int j = 0; j < components; ++j) {
    const double th = kTwoPi * j / components;
    const Vec mean = center + radius * (std::cos(th) * u + std::sin(th) * v);
    Mat tangent(D, 1);
    tangent.col(0) = -std::sin(th) * u + std::cos(th) * v;
    tangent.col(0).normalize();
    batch.add(g, mean, share, 0, tangent, Vec::Constant(1, tangent_variance));
  }
  batch.append_to(g);
}

}  // namespace seqmem
