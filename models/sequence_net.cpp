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
  if (p_.delay < 1 || (!p_.mixed && p_.delay != 1))
    throw std::invalid_argument("SequenceNet: the delay tau must be at least 1, and 1 unless the network is MixedNet");
  packed_ = PackedStates(Xi);  // checks the entries
  Xi_next_.resize(N_, P_);
  for (int mu = 0; mu < P_; ++mu) Xi_next_.col(mu) = Xi_.col((mu + 1) % P_);  // xi^{P+1} = xi^1
  Q_ = Xi_next_.cwiseProduct(Xi_);
  if (p_.separation == Separation::exponential) {
    exp_.resize(2 * N_ + 3);
    for (int j = 0; j < static_cast<int>(exp_.size()); ++j) exp_[j] = std::exp(-static_cast<double>(j));
  }
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

void SequenceNet::overlaps_of(const std::uint64_t* bits, std::vector<int>& a) const {
  a.resize(P_);
  for (int mu = 0; mu < P_; ++mu) a[mu] = PackedStates::dot(packed_.state(mu), bits, packed_.words(), N_);
}

void SequenceNet::tables(const Bits& bits, const std::vector<int>& tops, Mat& A_out, Mat& B_out,
                         std::vector<int>& a) const {
  const long n = static_cast<long>(bits.size());
  A_out.resize(P_, n);
  B_out.resize(P_, n);
  for (long nu = 0; nu < n; ++nu) {
    overlaps_of(bits[nu], a);
    double* A = A_out.col(nu).data();
    double* B = B_out.col(nu).data();
    if (p_.separation == Separation::polynomial) {
      for (int mu = 0; mu < P_; ++mu) {
        A[mu] = poly_A_[a[mu] + N_];
        B[mu] = poly_B_[a[mu] + N_];
      }
    } else {
      // g(k) = exp(k - top), top >= max_mu a_mu + 1 (>= every k = a -+ 1 read; <= N + 1)
      const int top = tops[nu];
      for (int mu = 0; mu < P_; ++mu) {
        const double lo = exp_[top - (a[mu] - 1)], hi = exp_[top - (a[mu] + 1)];
        A[mu] = 0.5 * (lo + hi);
        B[mu] = 0.5 * (lo - hi);
      }
    }
  }
}

void SequenceNet::batch_fields(const Mat& S, const Bits& bits, const Mat* S_delayed, const Bits* bits_delayed,
                               Work& w) const {
  const bool delayed = S_delayed != nullptr;
  // the exponential's shift: one per state, common to its two terms
  w.top.assign(bits.size(), 0);
  if (p_.separation == Separation::exponential)
    for (std::size_t k = 0; k < bits.size(); ++k) {
      overlaps_of(bits[k], w.a);
      w.top[k] = *std::max_element(w.a.begin(), w.a.end()) + 1;
      if (delayed) {
        overlaps_of((*bits_delayed)[k], w.a);
        w.top[k] = std::max(w.top[k], *std::max_element(w.a.begin(), w.a.end()) + 1);
      }
    }
  tables(bits, w.top, w.A, w.B, w.a);
  if (delayed) tables(*bits_delayed, w.top, w.Ad, w.Bd, w.a);
  const Mat& Sd = delayed ? *S_delayed : S;
  const Mat& Ad = delayed ? w.Ad : w.A;
  const Mat& Bd = delayed ? w.Bd : w.B;
  const double w_asym = p_.mixed ? p_.lambda : 1.0;
  // Asymmetric term, on the delayed state: sum_mu xi_i^{mu+1} (A'_mu + xi_i^mu S'_i B'_mu).
  w.H.noalias() = Xi_next_ * Ad;
  w.H.noalias() += Sd.cwiseProduct(Q_ * Bd);
  w.H *= w_asym;
  if (p_.mixed) {
    // Symmetric term: sum_mu xi_i^mu (A_mu + xi_i^mu S_i B_mu) = (Xi A)_i + S_i sum_mu B_mu.
    w.H.noalias() += Xi_ * w.A;
    w.H.noalias() += S * w.B.colwise().sum().asDiagonal();
  }
}

namespace {
std::vector<const std::uint64_t*> columns(const PackedStates& p) {
  std::vector<const std::uint64_t*> b(p.count());
  for (int nu = 0; nu < p.count(); ++nu) b[nu] = p.state(nu);
  return b;
}
}  // namespace

Mat SequenceNet::fields(const Mat& S, const Mat& S_delayed) const {
  if (S.rows() != N_ || S_delayed.rows() != N_ || S_delayed.cols() != S.cols())
    throw std::invalid_argument("SequenceNet::fields: the states and delayed states need N rows, as many of each");
  Work w;
  const PackedStates packed(S), packed_delayed(S_delayed);
  const Bits bits = columns(packed), bits_delayed = columns(packed_delayed);
  batch_fields(S, bits, &S_delayed, &bits_delayed, w);
  return std::move(w.H);
}

void SequenceNet::step(Vec& s, const Vec& s_delayed) const {
  const Mat H = fields(s, s_delayed);
  for (int i = 0; i < N_; ++i)
    if (H(i, 0) != 0) s(i) = H(i, 0) > 0 ? 1.0 : -1.0;
}

std::vector<int> SequenceNet::update_errors(int first, int count, bool hold, bool stop_at_error, int block) const {
  if (first < 0 || count < 0 || first + count > P_ || block < 1)
    throw std::invalid_argument("SequenceNet::update_errors: the transitions must lie in [0, P)");
  if (hold && p_.delay < 2) throw std::invalid_argument("SequenceNet::update_errors: a hold update needs delay >= 2");
  std::vector<int> errors(count, -1);
  Work w;
  Bits bits, bits_delayed;
  for (int b0 = 0; b0 < count; b0 += block) {
    const int n = std::min(block, count - b0);
    // The states are the patterns themselves: their overlaps are entries of the Gram matrix.
    // Move: S = S' = xi^mu; hold: S = xi^{mu+1}, S' = xi^mu.
    bits.resize(n);
    bits_delayed.resize(n);
    for (int k = 0; k < n; ++k) {
      const int mu = first + b0 + k;
      bits_delayed[k] = packed_.state(mu);
      bits[k] = packed_.state(hold ? (mu + 1) % P_ : mu);
    }
    if (hold) {
      const Mat delayed = Xi_.middleCols(first + b0, n);
      batch_fields(Xi_next_.middleCols(first + b0, n), bits, &delayed, &bits_delayed, w);
    } else
      batch_fields(Xi_.middleCols(first + b0, n), bits, nullptr, nullptr, w);
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

std::vector<int> SequenceNet::transition_errors(int first, int count, bool stop_at_error, int block) const {
  std::vector<int> errors = update_errors(first, count, false, stop_at_error, block);
  if (p_.delay < 2) return errors;
  // the hold updates, up to the move's stop
  int computed = 0;
  while (computed < count && errors[computed] >= 0) ++computed;
  const std::vector<int> hold = update_errors(first, computed, true, stop_at_error, block);
  for (int k = 0; k < computed; ++k) errors[k] = hold[k] < 0 ? -1 : errors[k] + hold[k];  // -1: not computed
  return errors;
}

}  // namespace seqmem
