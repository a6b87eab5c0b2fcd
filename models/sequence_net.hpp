// The discrete-time sequence memories of Chaudhry, Zavatone-Veth, Krotov & Pehlevan, "Long Sequence
// Hopfield Memory" (NeurIPS 2023; docs/models.md §3.3): SeqNet, DenseNet and MixedNet. P patterns
// xi^1 -> xi^2 -> ... -> xi^P -> xi^1 (the columns of Xi, a cycle: xi^{P+1} = xi^1), states
// S in {-1, +1}^N, synchronous updates (every neuron at once):
//
//   DenseNet (Eq. 2):  S_i(t+1) = sgn( sum_mu xi_i^{mu+1} f(m_i^mu) )
//   MixedNet (Eq. 13-14):
//                      S_i(t+1) = sgn( sum_mu xi_i^mu f(m_i^mu(t)) + lambda sum_mu xi_i^{mu+1} f(m_i^mu(t - tau + 1)) )
//
// MixedNet's delay tau >= 1 (C23 Eq. 13 and 14 study tau = 1; the slow synapses of Sompolinsky & Kanter
// 1986 as a pure delay, Kleinfeld & Sompolinsky 1988): the asymmetric term reads the state tau - 1
// steps back. From tau steps in xi^mu the state moves to xi^{mu+1} and dwells there tau steps: the
// exact trajectory is made of two updates only, the move (current and delayed state xi^mu) and, for
// tau >= 2, the hold (current xi^{mu+1}, delayed xi^mu), both to xi^{mu+1}.
//
// with the leave-one-out overlap m_i^mu = (sum_{j != i} xi_j^mu S_j) / (N - 1) and the separation
//   polynomial   f(m) = m^d           (SeqNet is d = 1)
//   exponential  f(m) = exp((N - 1)(m - 1)).
// The division by N - 1 and the self-exclusion are those of the authors' code (poly_asym_update,
// exp_asym_update); a common positive factor of every term cannot change a sign, so the fields below
// drop such factors where that keeps them exact.
//
// The field in two products. With a_mu = sum_j xi_j^mu S_j (an integer, read by popcount from the
// packed bits: a_mu = N - 2 popcount(xi^mu XOR S)) and x = xi_i^mu S_i in {-1, +1}, the leave-one-out
// sum is a_mu - x, so g(a_mu - x) = A_mu + x B_mu with A = (g(a-1) + g(a+1))/2, B = (g(a-1) - g(a+1))/2,
// and for a batch of states (the columns nu of S)
//   H = w_A (Xi+ A' + S' .* (Q B')) + w_S (Xi A + S .* 1 1^T B),   Xi+ = (xi^{mu+1})_mu,  Q = Xi+ .* Xi,
// (S', A', B' those of the delayed states; the same as S, A, B for tau = 1)
// (w_A, w_S) = (1, 0) for DenseNet and (lambda, 1) for MixedNet: Eigen's matrix products, O(N P) per
// state. g is read from a table over the 2N - 1 integers a - x:
//   polynomial:           g = (a - x)^d, an integer (the factor 1/(N-1)^d of f is common to every
//                         term, MixedNet's two included): the fields are exact in doubles, and a tie
//                         an exact zero, while 2 P (N+1)^d (1 + lambda for MixedNet) < 2^53; the
//                         constructor refuses more (std::invalid_argument: N = 100 allows d = 5 at
//                         P = 10^5; higher degrees store more patterns than a sweep can reach);
//   exponential:          g = exp(a - x - a_top(nu)), a_top the largest a - x of the state: the factor
//                         exp(a_top - (N - 1)) > 0 is dropped (log-sum-exp), no overflow for any N, the
//                         leading term is at least e^-2, and terms below e^-745 underflow beside it.
// A zero field sets no sign: C23's code (jnp.sign) gives 0 there, an error of a transition; the
// iterated map (step) keeps the spin.
//
// Memory: three N x P matrices of doubles (Xi, Xi+, Q) and the packed bits: about 24 N P bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "models/activations.hpp"
#include "models/choice_names.hpp"

namespace seqmem {

// The separation function f of the overlap (scenario key `separation`).
enum class Separation { polynomial, exponential };
inline constexpr ChoiceName<Separation> kSeparationNames[] = {{"polynomial", Separation::polynomial},
                                                              {"exponential", Separation::exponential}};
constexpr const auto& choice_names(Separation) { return kSeparationNames; }
inline const char* to_string(Separation v) { return name_in(kSeparationNames, v); }

struct SequenceNetParams {
  Separation separation = Separation::polynomial;
  int degree = 1;       // d of the polynomial separation (>= 1; SeqNet is 1)
  bool mixed = false;   // MixedNet: the symmetric term plus lambda times the asymmetric one
  double lambda = 2.5;  // MixedNet's weight of the asymmetric term (C23 §3 uses 2.5; transitions need > 1)
  int delay = 1;        // MixedNet's tau: the asymmetric term reads the state tau - 1 steps back (>= 1)
};

// States of N neurons in {-1, +1} as bits (bit i of a state set when S_i = -1), 64 neurons a word.
class PackedStates {
 public:
  PackedStates() = default;
  // The columns of X (N x n), every entry exactly +1 or -1 (std::invalid_argument otherwise).
  explicit PackedStates(const Mat& X);
  int N() const { return N_; }
  int count() const { return n_; }
  int words() const { return W_; }
  const std::uint64_t* state(int nu) const { return bits_.data() + static_cast<std::size_t>(nu) * W_; }
  // sum_j x_j y_j of two packed states of N neurons (N - 2 popcount(x XOR y)).
  static int dot(const std::uint64_t* x, const std::uint64_t* y, int W, int N) {
    int differ = 0;
    for (int w = 0; w < W; ++w) differ += __builtin_popcountll(x[w] ^ y[w]);
    return N - 2 * differ;
  }

 private:
  int N_ = 0, n_ = 0, W_ = 0;
  std::vector<std::uint64_t> bits_;
};

// The exactness bound of the polynomial fields (above) for N neurons and P patterns: true for the
// exponential separation.
bool fields_exact(int N, double P, const SequenceNetParams& p);

class SequenceNet {
 public:
  // Xi: N x P, N >= 2, P >= 1, every entry +1 or -1; degree >= 1 for the polynomial separation,
  // delay >= 1 (and 1 unless mixed), and the exactness bound above. std::invalid_argument otherwise.
  SequenceNet(const Mat& Xi, SequenceNetParams params);

  int N() const { return N_; }
  int P() const { return P_; }
  const SequenceNetParams& params() const { return p_; }
  const Mat& patterns() const { return Xi_; }

  // The overlaps a_mu = xi^mu . s (P integers) of a state s in {-1, +1}^N.
  Eigen::VectorXi overlaps(const Vec& s) const;

  // The fields H (N x n) of the synchronous update for the states S (N x n, entries +-1) whose
  // delayed states (tau - 1 steps back) are S_delayed (the same for tau = 1), up to a positive factor
  // per state (see above): S(t+1) = sgn(H).
  Mat fields(const Mat& S) const { return fields(S, S); }
  Mat fields(const Mat& S, const Mat& S_delayed) const;

  // One synchronous step of the state s (entries +-1) with the delayed state s_delayed; a zero field
  // keeps the spin.
  void step(Vec& s) const { step(s, s); }
  void step(Vec& s, const Vec& s_delayed) const;

  // Bits wrong along the exact trajectory of transition mu -> mu + 1: e[k] = #{i : H_i xi_i^{mu+1} <= 0}
  // for mu = first + k, k < count, the successor taken cyclically (xi^{P+1} = xi^1), summed over the
  // move and, for tau >= 2, the hold update (above). Batches of `block` states; with stop_at_error the
  // batches stop after the first with an error (the entries after it are then -1).
  std::vector<int> transition_errors(int first, int count, bool stop_at_error = false, int block = 256) const;
  // The same, of the move (hold = false) or the hold update alone (hold = true, tau >= 2).
  std::vector<int> update_errors(int first, int count, bool hold, bool stop_at_error = false, int block = 256) const;

 private:
  // The buffers of a batch of states, reused from batch to batch (a fresh 8 MiB block per batch
  // cost more in page faults than the products themselves).
  struct Work {
    std::vector<int> a, top;  // the overlaps of one state (P); the exponential's shift per state (n)
    Mat A, B, Ad, Bd, H;  // P x n tables (of the delayed states: Ad, Bd), N x n fields
  };
  // Packed bits of the columns of a batch.
  using Bits = std::vector<const std::uint64_t*>;
  // The overlaps a_mu (P) of one state.
  void overlaps_of(const std::uint64_t* bits, std::vector<int>& a) const;
  // A, B (P x n): the tables of the n states whose bits are `bits`; for the exponential separation
  // with the factor exp(-top[k]) dropped from column k (top[k] >= max_mu a_mu + 1 of that state).
  void tables(const Bits& bits, const std::vector<int>& top, Mat& A, Mat& B, std::vector<int>& a) const;
  // w.H: the fields of the n states S (bits `bits`) with delayed states S_delayed (bits
  // `bits_delayed`; null: the states themselves). The exponential's dropped factor is the same for
  // both terms of a state: exp(-top) with top the larger of the two states' largest overlaps + 1.
  void batch_fields(const Mat& S, const Bits& bits, const Mat* S_delayed, const Bits* bits_delayed, Work& w) const;

  SequenceNetParams p_;
  int N_ = 0, P_ = 0;
  Mat Xi_, Xi_next_, Q_;  // N x P: xi^mu, xi^{mu+1}, their product
  PackedStates packed_;
  std::vector<double> exp_;  // exponential: e^{-j}, j = 0 .. 2N + 2
  // The polynomial tables over the overlap a = -N .. N: A(a) = (g(a-1) + g(a+1))/2, B(a) = (g(a-1) - g(a+1))/2.
  std::vector<double> poly_A_, poly_B_;
};

}  // namespace seqmem
