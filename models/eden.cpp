#include "models/eden.hpp"

#include <cmath>
#include <stdexcept>

namespace seqmem {

void softmax_columns(Mat& H) {
  for (long c = 0; c < H.cols(); ++c) {
    auto h = H.col(c);
    h = (h.array() - h.maxCoeff()).exp();
    h /= h.sum();
  }
}

Eden::Eden(const Mat& Xi, EdenParams p) : p_(p), Xi_(Xi) {
  if (Xi_.rows() < 1 || Xi_.cols() < 1) throw std::invalid_argument("Eden: N >= 1 neurons and P >= 1 patterns");
  if (!Xi_.allFinite()) throw std::invalid_argument("Eden: the patterns must be finite");
  if (!(p_.T_f > 0 && std::isfinite(p_.T_f) && p_.T_d > 0 && std::isfinite(p_.T_d)))
    throw std::invalid_argument("Eden: T_f and T_d must be positive and finite");
  if (!std::isfinite(p_.alpha_s) || !std::isfinite(p_.alpha_c) || !std::isfinite(p_.beta))
    throw std::invalid_argument("Eden: alpha_s, alpha_c and beta must be finite");
  const long P = Xi_.cols();
  Xi_prev_.resize(Xi_.rows(), P);
  for (long mu = 0; mu < P; ++mu) Xi_prev_.col(mu) = Xi_.col((mu + P - 1) % P);  // xi^0 = xi^P
}

double Eden::kappa() const {
  return p_.normalisation == EdenNormalisation::code ? p_.beta / static_cast<double>(N()) : 1.0;
}

Mat Eden::hidden_input(const Mat& V, const Mat& S) const {
  Mat H = (p_.alpha_s * kappa()) * (Xi_.transpose() * V);
  H.noalias() += (p_.alpha_c * kappa()) * (Xi_prev_.transpose() * S);
  return H;
}

Mat Eden::feature_target(const Mat& V, const Mat& S) const {
  Mat H = hidden_input(V, S);
  softmax_columns(H);
  return Xi_ * H;
}

void Eden::operator()(const Vec& x, Vec& dxdt, double) const {
  const long n = N();
  const Vec v = x.head(n), s = x.tail(n);
  dxdt.resize(2 * n);
  dxdt.head(n) = (feature_target(v, s) - v) / p_.T_f;  // T_f dv/dt = Xi softmax(h) - v
  dxdt.tail(n) = (v - s) / p_.T_d;                     // T_d ds/dt = v - s
}

void Eden::FrozenDelay::operator()(const Mat& V, Mat& dVdt, double) const {
  dVdt = (net.feature_target(V, S) - V) / net.params().T_f;
}

}  // namespace seqmem
