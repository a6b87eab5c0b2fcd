// Activation functions of GSEMM (paper §2, Eq. 1 and 3; models.md §1) and their Lagrangians.
//   sigma_f(x) = tanh(gamma x)                          feature layer
//   sigma_h(x) = x^n | max(x,0)^n | softmax(beta_h x)   hidden layer ("model B" is softmax)
// Everything writes into caller-owned buffers: nothing here allocates on the integration path.
#pragma once

#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <cmath>
#include <string>

#include "models/choice_names.hpp"

namespace seqmem {

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;
using SpMat = Eigen::SparseMatrix<double>;  // Phi: an episode has one successor per memory

// sigma_f(V) = tanh(gamma V), computed as 1 - 2 / (exp(2 gamma V) + 1) with Eigen's vectorised
// exp (Eigen 3.4 has no vectorised double tanh). Absolute error below 1e-15 against std::tanh
// (tests/test_activations.cpp); overflow of exp gives exactly +1, underflow exactly -1.
template <class In, class Out>
inline void sigma_f(const Eigen::MatrixBase<In>& V, double gamma, Eigen::MatrixBase<Out> const& s_) {
  auto& s = const_cast<Eigen::MatrixBase<Out>&>(s_);
  s.derived().array() = 1.0 - 2.0 / (((2.0 * gamma) * V.derived().array()).exp() + 1.0);
}

enum class HiddenKind { polynomial, rectified_polynomial, softmax };
inline constexpr ChoiceName<HiddenKind> kHiddenKindNames[] = {
    {"polynomial", HiddenKind::polynomial},
    {"rectified_polynomial", HiddenKind::rectified_polynomial},
    {"softmax", HiddenKind::softmax}};
constexpr const auto& choice_names(HiddenKind) { return kHiddenKindNames; }
inline const char* to_string(HiddenKind v) { return name_in(kHiddenKindNames, v); }
// Whether sigma_h of this kind is a power x^n of degree n: the scenario key `degree` is read, and
// the transition rule (docs/models.md §1.6) counts n. A new kind without a degree says false here.
constexpr bool has_degree(HiddenKind k) { return k == HiddenKind::polynomial || k == HiddenKind::rectified_polynomial; }

// The hidden-layer activation sigma_h and its Lagrangian L_h (grad L_h = sigma_h). With the scales
// of a normalised reading (GsemmParams::hidden_activation) it is out_scale sigma(in_scale h), and
// then L_h(h) = (out_scale / in_scale) L(in_scale h), H(L_h)(h) = out_scale in_scale H(L)(in_scale h).
struct HiddenActivation {
  HiddenKind kind = HiddenKind::polynomial;
  int degree = 1;       // n of x^n and max(x,0)^n
  double beta_h = 1.0;  // inverse temperature of softmax
  double in_scale = 1.0, out_scale = 1.0;

  // g = sigma_h(h), elementwise power by repeated multiplication, or a max-shifted softmax.
  template <class In, class Out>
  void operator()(const Eigen::MatrixBase<In>& h, Eigen::MatrixBase<Out> const& g_) const {
    auto& g = const_cast<Eigen::MatrixBase<Out>&>(g_).derived();
    const bool scaled = in_scale != 1.0;
    switch (kind) {
      case HiddenKind::polynomial:
        if (!scaled) {
          g = h;
          for (int k = 1; k < degree; ++k) g.array() *= h.derived().array();
        } else {
          g = in_scale * h.derived();
          for (int k = 1; k < degree; ++k) g.array() *= in_scale * h.derived().array();
        }
        break;
      case HiddenKind::rectified_polynomial:
        // g_k = r^k with r = max(in_scale h, 0) recomputed on the fly
        g = (in_scale * h.derived()).cwiseMax(0.0);
        for (int k = 1; k < degree; ++k) g.array() *= (in_scale * h.derived().array()).max(0.0);
        break;
      case HiddenKind::softmax: {
        const double m = h.maxCoeff();
        g.array() = (beta_h * in_scale * (h.derived().array() - m)).exp();
        g /= g.sum();
        break;
      }
    }
    if (out_scale != 1.0) g *= out_scale;
  }

  // out = H(L_h)(h) w, the Hessian of the Lagrangian (= Jacobian of sigma_h) applied to w, given
  // g = sigma_h(h): diagonal n h^{n-1} (polynomial), n max(h,0)^{n-1} (rectified), and
  // beta_h (diag(g) - g g^T) for softmax (times the scales). Used by F (Eq. 6) and by the
  // fixed-point Jacobian.
  template <class W, class Out>
  void hessian_times(const Vec& h, const Vec& g, const Eigen::MatrixBase<W>& w,
                     Eigen::MatrixBase<Out> const& out_) const {
    auto& out = const_cast<Eigen::MatrixBase<Out>&>(out_).derived();
    switch (kind) {
      case HiddenKind::polynomial:
      case HiddenKind::rectified_polynomial: {
        Eigen::ArrayXd base = in_scale * h.array();
        if (kind == HiddenKind::rectified_polynomial) base = base.max(0.0);
        Eigen::ArrayXd d = Eigen::ArrayXd::Constant(h.size(), static_cast<double>(degree) * in_scale * out_scale);
        for (int k = 1; k < degree; ++k) d *= base;
        if (kind == HiddenKind::rectified_polynomial) d = (h.array() > 0.0).select(d, 0.0);  // also n = 1
        out = (d * w.derived().array()).matrix();
        break;
      }
      case HiddenKind::softmax: {
        const Vec p = g / out_scale;  // the softmax itself
        out = (out_scale * in_scale * beta_h) * ((p.array() * w.derived().array()).matrix() - p * p.dot(w.derived()));
        break;
      }
    }
  }

  // The diagonal of H(L_h) for the elementwise activations; the full K x K matrix for softmax.
  Mat hessian(const Vec& h, const Vec& g) const {
    Mat H(h.size(), h.size());
    for (Eigen::Index j = 0; j < h.size(); ++j) hessian_times(h, g, Vec::Unit(h.size(), j), H.col(j));
    return H;
  }

  // L_h(h): sum h^{n+1}/(n+1) | sum max(h,0)^{n+1}/(n+1) | (1/beta_h) log sum exp(beta_h h), with
  // the scales: (out_scale / in_scale) L(in_scale h).
  double lagrangian(const Vec& h) const {
    const double f = out_scale / in_scale;
    const Eigen::ArrayXd x = in_scale * h.array();
    switch (kind) {
      case HiddenKind::polynomial:
        return f * x.pow(degree + 1).sum() / (degree + 1);
      case HiddenKind::rectified_polynomial:
        return f * x.max(0.0).pow(degree + 1).sum() / (degree + 1);
      case HiddenKind::softmax: {
        const double m = x.maxCoeff();
        return f * (m + std::log((beta_h * (x - m)).exp().sum()) / beta_h);
      }
    }
    return 0.0;
  }
};

}  // namespace seqmem
