// The classical Hopfield network (Hopfield 1982; models.md §3), a baseline for singleton capacity.
// P patterns xi_mu in {-1,+1}^N (the columns of Xi) are stored in the Hebbian weights
//   W = (1/N) sum_mu xi_mu xi_mu^T,   W_ii = 0,
// with energy E(s) = -1/2 s^T W s and local field h = W s. The dynamics are asynchronous sign
// updates, one spin at a time in a fixed random order (drawn once from a seed):
//   s_i <- sign(h_i),   h_i = 0 keeps s_i.
// A flip of s_i changes E by -2 |h_i| < 0 (W symmetric, zero diagonal), so every run stops at a
// fixed point (no spin flips in a whole sweep) after finitely many flips; the sweep limit is a
// guard only. Random patterns are retrieved up to P ~ 0.138 N as N -> infinity (Amit, Gutfreund &
// Sompolinsky 1985) and are all exactly stable up to N / (2 ln N) (McEliece et al. 1987).
//
// Exact ties: the field is kept as N h = J s with J = N W = Xi Xi^T - P I, small integers held
// exactly in doubles, and updated by +-2 J e_i per flip; its sign, h_i = 0 included, is exact.
//
// The deterministic variant (relax_mean_field) replaces sign by tanh(beta h): the asynchronous,
// zero-noise mean-field iteration m_i <- tanh(beta h_i(m)) of the network at temperature 1/beta
// in the same order, until no m_i moves by more than tol in a sweep. With W symmetric and
// W_ii = 0 each update lowers F(m) = -1/2 m^T W m + (1/beta) sum_i [(1+m_i)/2 ln((1+m_i)/2) +
// (1-m_i)/2 ln((1-m_i)/2)], so it converges too; beta -> infinity gives the sign dynamics.
#pragma once

#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "models/activations.hpp"

namespace seqmem {

// A random permutation of 0..N-1: Fisher-Yates with raw 64-bit Mersenne-twister draws (std::shuffle
// and uniform_int_distribution are implementation-defined), the same on every platform.
inline std::vector<int> asynchronous_order(int N, std::uint64_t seed) {
  std::vector<int> order(N);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  for (int i = N - 1; i > 0; --i)
    std::swap(order[i], order[static_cast<int>(rng() % static_cast<std::uint64_t>(i + 1))]);
  return order;
}

// How a relaxation ended.
struct Relaxation {
  int sweeps = 0;          // sweeps over all N spins, the last (flip-free) one included
  long flips = 0;          // spins flipped (sign dynamics) or updates larger than tol (mean field)
  bool converged = false;  // a whole sweep without a flip; false: the sweep limit was reached
};

class Hopfield {
 public:
  // Xi: N x P, the patterns as columns; order_seed fixes the update order.
  Hopfield(const Mat& Xi, std::uint64_t order_seed)
      : N_(static_cast<int>(Xi.rows())),
        J_(Xi * Xi.transpose()),
        order_(asynchronous_order(N_, order_seed)),
        Nh_(N_) {
    J_.diagonal().setZero();
  }

  int N() const { return N_; }
  const std::vector<int>& order() const { return order_; }

  // W = (1/N) sum_mu xi_mu xi_mu^T with zero diagonal.
  Mat weights() const { return J_ / N_; }

  // h = W s.
  Vec local_field(const Vec& s) const { return J_ * s / N_; }

  // E(s) = -1/2 s^T W s.
  double energy(const Vec& s) const { return -0.5 * s.dot(J_ * s) / N_; }

  // True when no spin of s would flip: s_i h_i >= 0 for every i (h_i = 0 keeps s_i).
  bool is_fixed_point(const Vec& s) {
    Nh_.noalias() = J_ * s;
    return (Nh_.array() * s.array() >= 0.0).all();
  }

  // Asynchronous sign dynamics from s (+-1 entries, overwritten by the final state).
  Relaxation relax(Vec& s, int max_sweeps = 1000) {
    Nh_.noalias() = J_ * s;  // N h, exact
    Relaxation r;
    while (r.sweeps < max_sweeps) {
      ++r.sweeps;
      bool flipped = false;
      for (const int i : order_) {
        if (Nh_(i) * s(i) < 0.0) {  // sign(h_i) != s_i and h_i != 0
          s(i) = -s(i);
          Nh_ += (2.0 * s(i)) * J_.col(i);
          ++r.flips;
          flipped = true;
        }
      }
      if (!flipped) {
        r.converged = true;
        break;
      }
    }
    return r;
  }

  // Asynchronous mean-field dynamics m_i <- tanh(beta h_i) from m (entries in [-1, 1], overwritten),
  // until a sweep moves no m_i by more than tol.
  Relaxation relax_mean_field(Vec& m, double beta, double tol = 1e-12, int max_sweeps = 10000) {
    Nh_.noalias() = J_ * m;
    Relaxation r;
    const double beta_over_N = beta / N_;
    while (r.sweeps < max_sweeps) {
      ++r.sweeps;
      bool moved = false;
      for (const int i : order_) {
        const double dm = std::tanh(beta_over_N * Nh_(i)) - m(i);
        if (dm == 0.0) continue;
        m(i) += dm;
        Nh_ += dm * J_.col(i);
        if (std::abs(dm) > tol) {
          ++r.flips;
          moved = true;
        }
      }
      if (!moved) {
        r.converged = true;
        break;
      }
    }
    return r;
  }

 private:
  int N_;
  Mat J_;                   // N W = Xi Xi^T with zero diagonal (integers for +-1 patterns)
  std::vector<int> order_;  // the asynchronous update order
  Vec Nh_;                  // N h, the field of the current state
};

}  // namespace seqmem
