#include "models/sequence_net.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace seqmem {

PackedStates::PackedStates(const Mat& X) : N_(static_cast<int>(X.rows())), n_(static_cast<int>(X.cols())) {
  W_ = (N_ + 63) / 64;
  bits_.assign(static_cast<std::size_t>(n_) * W_, 0);
  for (int nu = 0; nu < n_; ++nu)
    for (int i = 0; i < N_; ++i) {
      const double x = X(i, nu);
      if (x != 1.0 && x != -1.0) throw std::invalid_argument("PackedStates: every entry must be +1 or -1");
      if (x < 0) bits_[static_cast<std::size_t>(nu) * W_ + i / 64] |= std::uint64_t{1} << (i % 64);
    }
}

bool fields_exact(int N, double P, const SequenceNetParams& p) {
  if (p.separation != Separation::polynomial) return true;
  const double bound = 2.0 * P * std::pow(N + 1.0, p.degree) * (p.mixed ? 1 + p.lambda : 1);
  return bound < 9007199254740992.0;  // 2^53
}

SequenceNet::SequenceNet(const Mat& Xi, SequenceNetParams params)
    : p_(params), N_(static_cast<int>(Xi.rows())), P_(static_cast<int>(Xi.cols())), Xi_(Xi) {
  if (N_ < 2 || P_ < 1) throw std::invalid_argument("SequenceNet: N >= 2 neurons and P >= 1 patterns");
  if (p_.separation == Separation::polynomial && p_.degree < 1)
    throw std::invalid_argument("SequenceNet: the polynomial degree must be at least 1");
  if (p_.mixed && !(p_.lambda >= 0 && std::isfinite(p_.lambda)))
    throw std::invalid_argument("SequenceNet: lambda must be finite and >= 0");
  packed_ = PackedStates(Xi);  // checks the entries
  Xi_next_.resize(N_, P_);
  for (int mu = 0; mu < P_; ++mu) Xi_next_.col(mu) = Xi_.col((mu + 1) % P_);  // xi^{P+1} = xi^1
  Q_ = Xi_next_.cwiseProduct(Xi_);
  if (p_.separation == Separation::polynomial) {
    // g(k) = k^d, integers: both of MixedNet's terms have the degree d, so the common factor
    // 1/(N-1)^d of f(m) = m^d is dropped for it too, and a tie is an exact zero.
    if (!fields_exact(N_, P_, p_))
      throw std::invalid_argument(
          "SequenceNet: the polynomial fields are exact integers only while 2 P (N+1)^d (1 + lambda for MixedNet) < "
          "2^53; beyond that a field near zero may take either sign: lower the degree or the number of patterns");
    auto g = [&](int k) { return std::pow(static_cast<double>(k), p_.degree); };
    poly_A_.resize(2 * N_ + 1);
    poly_B_.resize(2 * N_ + 1);
    for (int a = -N_; a <= N_; ++a) {
      poly_A_[a + N_] = 0.5 * (g(a - 1) + g(a + 1));
      poly_B_[a + N_] = 0.5 * (g(a - 1) - g(a + 1));
    }
  }
}

Eigen::VectorXi SequenceNet::overlaps(const Vec& s) const {
  const PackedStates S(s);
  Eigen::VectorXi a(P_);
  for (int mu = 0; mu < P_; ++mu) a(mu) = PackedStates::dot(packed_.state(mu), S.state(0), packed_.words(), N_);
  return a;
}

void SequenceNet::batch_fields(const Mat& S, const PackedStates& packed, int first, Work& w) const {
  const long n = S.cols();
  w.a.resize(P_);
  w.A.resize(P_, n);
  w.B.resize(P_, n);
  std::vector<double> e;  // exponential: e^{-j}, j = 0 .. 2N + 2
  if (p_.separation == Separation::exponential) {
    e.resize(2 * N_ + 3);
    for (int j = 0; j < static_cast<int>(e.size()); ++j) e[j] = std::exp(-static_cast<double>(j));
  }
  for (long nu = 0; nu < n; ++nu) {
    const std::uint64_t* s = packed.state(first + static_cast<int>(nu));
    for (int mu = 0; mu < P_; ++mu) w.a[mu] = PackedStates::dot(packed_.state(mu), s, packed_.words(), N_);
    double* A = w.A.col(nu).data();
    double* B = w.B.col(nu).data();
    if (p_.separation == Separation::polynomial) {
      for (int mu = 0; mu < P_; ++mu) {
        A[mu] = poly_A_[w.a[mu] + N_];
        B[mu] = poly_B_[w.a[mu] + N_];
      }
    } else {
      // g(k) = exp(k - a_top), a_top = max_mu a_mu + 1 (>= every k = a -+ 1 read)
      const int top = *std::max_element(w.a.begin(), w.a.end()) + 1;
      for (int mu = 0; mu < P_; ++mu) {
        const double lo = e[top - (w.a[mu] - 1)], hi = e[top - (w.a[mu] + 1)];
        A[mu] = 0.5 * (lo + hi);
        B[mu] = 0.5 * (lo - hi);
      }
    }
  }
  const double w_asym = p_.mixed ? p_.lambda : 1.0;
  // Asymmetric term: sum_mu xi_i^{mu+1} (A_mu + xi_i^mu S_i B_mu).
  w.H.noalias() = Xi_next_ * w.A;
  w.H.noalias() += S.cwiseProduct(Q_ * w.B);
  w.H *= w_asym;
  if (p_.mixed) {
    // Symmetric term: sum_mu xi_i^mu (A_mu + xi_i^mu S_i B_mu) = (Xi A)_i + S_i sum_mu B_mu.
    w.H.noalias() += Xi_ * w.A;
    w.H.noalias() += S * w.B.colwise().sum().asDiagonal();
  }
}

Mat SequenceNet::fields(const Mat& S) const {
  if (S.rows() != N_) throw std::invalid_argument("SequenceNet::fields: the states need N rows");
  Work w;
  batch_fields(S, PackedStates(S), 0, w);
  return std::move(w.H);
}

void SequenceNet::step(Vec& s) const {
  const Mat H = fields(s);
  for (int i = 0; i < N_; ++i)
    if (H(i, 0) != 0) s(i) = H(i, 0) > 0 ? 1.0 : -1.0;
}

std::vector<int> SequenceNet::transition_errors(int first, int count, bool stop_at_error, int block) const {
  if (first < 0 || count < 0 || first + count > P_ || block < 1)
    throw std::invalid_argument("SequenceNet::transition_errors: the transitions must lie in [0, P)");
  std::vector<int> errors(count, -1);
  Work w;
  for (int b0 = 0; b0 < count; b0 += block) {
    const int n = std::min(block, count - b0);
    // The states are the patterns themselves: their overlaps are entries of the Gram matrix.
    batch_fields(Xi_.middleCols(first + b0, n), packed_, first + b0, w);
    const Mat& H = w.H;
    bool any = false;
    for (int k = 0; k < n; ++k) {
      const int mu = first + b0 + k;
      int e = 0;
      for (int i = 0; i < N_; ++i) e += H(i, k) * Xi_next_(i, mu) <= 0;
      errors[b0 + k] = e;
      any = any || e > 0;
    }
    if (stop_at_error && any) break;
  }
  return errors;
}

}  // namespace seqmem
