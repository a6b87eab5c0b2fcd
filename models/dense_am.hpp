// Dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017; models.md §3), a
// baseline for singleton capacity. P patterns xi_mu in {-1,+1}^N (the columns of Xi), energy
//   E(s) = -sum_mu F(xi_mu . s),
// and asynchronous updates in a fixed random order (the same schedule as models/hopfield.hpp):
//   s_i <- sign( sum_mu [ F(xi_mu . s |s_i=+1) - F(xi_mu . s |s_i=-1) ] ),   a zero sum keeps s_i.
// A flip lowers E strictly, so every run stops at a fixed point; the sweep limit is a guard only.
//
// The interaction function F:
//   power            F(x) = x^n for every x and every n >= 2 (the function of Krotov & Hopfield's
//                    capacity analysis, K_max ~ alpha_n N^{n-1}). n = 2 is the Hopfield network:
//                    F(a+1) - F(a-1) = 4a makes the update sign(N h_i) with the zero-diagonal Hebbian
//                    W, and the dynamics coincide with models/hopfield.hpp spin for spin (tested). For
//                    odd n, F is odd and -xi_mu are energy maxima rather than minima (no mirror memories);
//   rectified_power  F(x) = max(x, 0)^n (the rectified polynomial of their MNIST experiments);
//   exponential      F(x) = exp(x) (Demircigil et al. 2017; capacity exponential in N).
//
// The update in integers. With a_mu = xi_mu . s - xi_mu,i s_i (the overlap without spin i, an integer
// in [-(N-1), N-1]) and xi_mu,i = +-1,
//   F(a_mu + xi_mu,i) - F(a_mu - xi_mu,i) = xi_mu,i D(a_mu),   D(a) = F(a+1) - F(a-1),
// so the drive of spin i is sum_mu xi_mu,i D(a_mu), with D read from a table over the 2N - 1 values of a.
//   power:       D(a) is an integer, and so is the drive: exact in doubles in any order of summation
//                (a vectorised reduction) while 2 n N^{n-1} P < 2^53.
//   exponential: the drive is sum_a c_a D(a) with integer multiplicities c_a = sum_{mu: a_mu = a} xi_mu,i
//                (one pass over the P patterns, one over the values of a). D(a) = 2 sinh(1) e^a; the
//                positive factor 2 sinh(1) e^{a_top} is dropped, a_top the largest a with c_a != 0
//                (log-sum-exp style): the drive is sum_a c_a e^{a - a_top}, no overflow for any N; terms
//                below e^-745 underflow next to the top one. The multiplicities make cancellations exact
//                (at a pattern, it and a neighbour at Hamming distance 1 cancel on the spin where they
//                differ, c_{N-1} = 0, and the other patterns decide), and since e is transcendental,
//                sum_a c_a e^a = 0 only if every c_a = 0: ties are exact here too.
// The overlaps xi_mu . s are kept as integers and updated by +-2 xi_mu,i per flip.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "models/hopfield.hpp"

namespace seqmem {

enum class InteractionKind { power, rectified_power, exponential };

inline const char* to_string(InteractionKind k) {
  switch (k) {
    case InteractionKind::power: return "power";
    case InteractionKind::rectified_power: return "rectified_power";
    case InteractionKind::exponential: return "exponential";
  }
  return "?";
}

// F of E(s) = -sum_mu F(xi_mu . s).
struct InteractionFunction {
  InteractionKind kind = InteractionKind::power;
  int degree = 3;  // n of x^n and max(x,0)^n

  double operator()(double x) const {
    switch (kind) {
      case InteractionKind::power: return std::pow(x, degree);
      case InteractionKind::rectified_power: return std::pow(std::max(x, 0.0), degree);
      case InteractionKind::exponential: return std::exp(x);
    }
    return 0.0;
  }
};

class DenseAssociativeMemory {
 public:
  // Xi: N x P with +-1 entries, the patterns as columns; order_seed fixes the update order.
  DenseAssociativeMemory(const Mat& Xi, InteractionFunction F, std::uint64_t order_seed)
      : N_(static_cast<int>(Xi.rows())),
        P_(static_cast<int>(Xi.cols())),
        F_(F),
        XiT_(Xi.transpose().cast<int>()),
        order_(asynchronous_order(N_, order_seed)),
        D_(2 * N_ + 1),
        c_(2 * N_ + 1),
        s_(N_),
        m_(P_) {
    if (!(Xi.array().abs() == 1.0).all())
      throw std::invalid_argument("DenseAssociativeMemory: patterns need +-1 entries");
    if (F.kind != InteractionKind::exponential && F.degree < 2)
      throw std::invalid_argument("DenseAssociativeMemory: the degree n of x^n must be at least 2");
    for (int k = 0; k <= 2 * N_; ++k)  // power: D(a) at k = a + N; exponential: e^{-k}
      D_(k) = F.kind == InteractionKind::exponential ? std::exp(-static_cast<double>(k))
                                                     : F(k - N_ + 1.0) - F(k - N_ - 1.0);
  }

  int N() const { return N_; }
  int P() const { return P_; }
  const InteractionFunction& interaction() const { return F_; }
  const std::vector<int>& order() const { return order_; }

  // E(s) = -sum_mu F(xi_mu . s) (for F = exp it overflows to -inf beyond N ~ 700; the dynamics do not).
  double energy(const Vec& s) const {
    const Eigen::VectorXi m = XiT_ * s.cast<int>();
    double E = 0.0;
    for (Eigen::Index mu = 0; mu < m.size(); ++mu) E -= F_(m(mu));
    return E;
  }

  // True when no spin of s would flip (a zero drive keeps the spin).
  bool is_fixed_point(const Vec& s) {
    load(s);
    for (int i = 0; i < N_; ++i)
      if (drive(i) * s_(i) < 0.0) return false;
    return true;
  }

  // Asynchronous dynamics from s (+-1 entries, overwritten by the final state).
  Relaxation relax(Vec& s, int max_sweeps = 1000) {
    load(s);
    Relaxation r;
    while (r.sweeps < max_sweeps) {
      ++r.sweeps;
      bool flipped = false;
      for (const int i : order_) {
        if (drive(i) * s_(i) < 0.0) {
          s_(i) = -s_(i);
          m_ += (2 * s_(i)) * XiT_.col(i);
          ++r.flips;
          flipped = true;
        }
      }
      if (!flipped) {
        r.converged = true;
        break;
      }
    }
    s = s_.cast<double>();
    return r;
  }

  // The drive of spin i at s (its sign is the update; the scale is arbitrary for F = exp).
  double drive(const Vec& s, int i) {
    load(s);
    return drive(i);
  }

 private:
  void load(const Vec& s) {
    s_ = s.cast<int>();
    m_.noalias() = XiT_ * s_;
  }

  // sum_mu [F(a_mu + xi_mu,i) - F(a_mu - xi_mu,i)] at the current state, up to a positive factor.
  double drive(int i) {
    const int si = s_(i);
    const int* x = XiT_.col(i).data();
    const int* m = m_.data();
    const double* D = D_.data();
    if (F_.kind != InteractionKind::exponential) {  // sum_mu xi_mu,i D(a_mu): integers, any order is exact
      double d = 0.0;
#pragma omp simd reduction(+ : d)
      for (int mu = 0; mu < P_; ++mu) d += x[mu] * D[m[mu] - x[mu] * si + N_];
      return d;
    }
    int* c = c_.data();
    c_.setZero();
    for (int mu = 0; mu < P_; ++mu) c[m[mu] - x[mu] * si + N_] += x[mu];  // c_a at a + N
    int top = 2 * N_;
    while (top >= 0 && c[top] == 0) --top;
    double d = 0.0;
    for (int k = top; k >= 0; --k) d += c[k] * D[top - k];  // c_a e^{a - a_top}
    return d;
  }

  int N_, P_;
  InteractionFunction F_;
  Eigen::MatrixXi XiT_;     // P x N: column i holds xi_mu,i for every mu, contiguous
  std::vector<int> order_;  // the asynchronous update order
  Vec D_;                   // the table of D(a) (power) or of e^{-k} (exponential)
  Eigen::VectorXi c_;       // the multiplicities c_a, at a + N
  Eigen::VectorXi s_;       // the state
  Eigen::VectorXi m_;       // the overlaps xi_mu . s
};

}  // namespace seqmem
