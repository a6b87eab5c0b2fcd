// The Context Maintenance and Retrieval model of free recall (CMR: Polyn, Norman & Kahana 2009;
// TCM: Howard & Kahana 2002) for one studied list: the temporal context, the Hebbian associations
// learned at study, the support each pool item receives from the context, and recognition by key
// similarity. The equations, with their numbers, are in docs/free_recall.md §2-4; what happens in
// which order during a trial (and the random draws) is in sim/kinds/free_recall/free_recall_runner.cpp.
//
// Context c lives in R^{N_f + 1}: the item features plus one start-of-list unit. With localist
// items the model is CMR with
//   M^FC = (1 - gamma_fc) [F; 0] + gamma_fc sum_j c_j f_j^T        (item -> context, Eq. 5)
//   M^CF = F^T + phi sum_j P_j s_j f_j c_j^T                         (context -> item, Eq. 6)
// where c_j is the context after studying serial position j, P_j = phi_s e^{-phi_d (j-1)} + 1
// the primacy gradient and s_j the salience. The support of item i is a = M^CF c: its content
// term f_i . c plus phi times its context match; i.e. the similarity of the query c (+) c with
// the retrieval key f_i (+) phi P_j s_j c_j, so phi sweeps from semantic (0) to temporal retrieval.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/activations.hpp"
#include "models/word_pool.hpp"

namespace seqmem {

struct CmrParams {
  double beta_enc = 0.7;    // drift at study
  double beta_rec = 0.5;    // drift when a recalled item reinstates its context
  double beta_start = 0.0;  // drift towards the start-of-list context before recall
  double gamma_fc = 0.0;    // learned share of M^FC
  double phi = 1.0;         // weight of the context in the retrieval key (learned M^CF)
  double phi_s = 0.0, phi_d = 0.0;  // primacy gradient
  double salience_decay_time = 0.0, retention_interval = 0.0;  // presentations (0: no decay)
  double tau = 1.0;                 // sensitivity of the choice rule
  double X_s = 0.01, X_k = 0.3;     // stop probability X_s e^{X_k o} at output position o (0-based)
  // The likelihood's models only (models/cmr_session.hpp): the drift between the lists of a session
  // (1: context reset) and the probability of a recall outside the pool (an extra-list intrusion).
  double beta_list = 1.0, p_eli = 0.0;
};

// The leaky competing accumulator (Usher & McClelland 2001; Polyn et al. 2009 Eq. 9-10).
struct AccumulatorParams {
  double kappa = 0.1, lambda = 0.1, eta = 0.1, threshold = 1.0;
};

// The floor of the support under the Luce rule (a^tau of an unsupported item is not 0, so
// every pool item stays possible, as in CMR's implementations).
constexpr double kMinSupport = 1e-7;

// P_stop(o) = min(1, X_s e^{X_k o}) at output position o = 0, 1, ... (Morton & Polyn 2016).
inline double stop_probability(const CmrParams& p, int o) {
  return std::min(1.0, p.X_s * std::exp(p.X_k * o));
}

class CmrList {
 public:
  // The network of one list of length L over the pool (kept by reference).
  CmrList(const WordPool& pool, const CmrParams& p, int L)
      : pool_(pool),
        p_(p),
        L_(L),
        c_(Vec::Zero(pool.N_f() + 1)),
        C_(pool.N_f() + 1, L),
        P_(L),
        s_(Vec::Ones(L)),
        items_(static_cast<std::size_t>(L), -1),
        position_(static_cast<std::size_t>(pool.N_items()), -1) {}

  int L() const { return L_; }
  int dim() const { return static_cast<int>(c_.size()); }  // N_f + 1
  Vec& context() { return c_; }
  const Vec& context() const { return c_; }
  const CmrParams& params() const { return p_; }
  const WordPool& pool() const { return pool_; }
  int item(int j) const { return items_[static_cast<std::size_t>(j)]; }
  // Serial position (0-based) of a pool item in this list, -1 if not studied.
  int position_of(int item) const { return position_[static_cast<std::size_t>(item)]; }
  // Context after studying position j (column j of C).
  auto study_context(int j) const { return C_.col(j); }

  // A new list: c = the start-of-list unit, nothing learned. items: L pool indices.
  void begin(const int* items) {
    for (int it : items_)
      if (it >= 0) position_[static_cast<std::size_t>(it)] = -1;
    for (int j = 0; j < L_; ++j) {
      items_[static_cast<std::size_t>(j)] = items[j];
      position_[static_cast<std::size_t>(items[j])] = j;
    }
    c_.setZero();
    c_(dim() - 1) = 1.0;
    s_.setOnes();
    studied_ = 0;
  }

  // The input of a studied or intruding item without learned associations: [f_i; 0] (unit norm).
  void item_input(int item, Vec& c_in) const {
    c_in.head(pool_.N_f()) = pool_.F.col(item);
    c_in(dim() - 1) = 0.0;
  }
  // The start-of-list context (beta_start).
  void start_input(Vec& c_in) const {
    c_in.setZero();
    c_in(dim() - 1) = 1.0;
  }
  // What a recalled item reinstates: M^FC f_i normalised, (1 - gamma_fc) [f_i; 0] + gamma_fc c_j
  // for a studied item, [f_i; 0] for an intrusion.
  void recall_input(int item, Vec& c_in) const {
    item_input(item, c_in);
    const int j = position_of(item);
    if (j < 0 || j >= studied_ || p_.gamma_fc == 0.0) return;
    c_in = (1.0 - p_.gamma_fc) * c_in + p_.gamma_fc * C_.col(j);
    c_in.normalize();
  }

  // After the context has moved for position j (0-based): learn c_j and the primacy gain.
  void encode(int j) {
    C_.col(j) = c_;
    P_(j) = p_.phi_s * std::exp(-p_.phi_d * j) + 1.0;
    studied_ = j + 1;
  }

  // Salience at the test: s_j = exp(-(L - j + retention_interval) / salience_decay_time) for the
  // 0-based position j (time since study in presentations; all 1 without decay).
  void set_test_salience() {
    if (p_.salience_decay_time <= 0.0) return;
    for (int j = 0; j < L_; ++j)
      s_(j) = std::exp(-(static_cast<double>(L_ - j) + p_.retention_interval) / p_.salience_decay_time);
  }

  // The support a = M^CF c of every pool item (N_items), floored at kMinSupport; items with
  // excluded[i] != 0 (already recalled) get 0.
  void support(const std::vector<char>& excluded, Vec& a) const {
    a.noalias() = pool_.F.transpose() * c_.head(pool_.N_f());
    for (int j = 0; j < studied_; ++j)
      a(items_[static_cast<std::size_t>(j)]) += p_.phi * P_(j) * s_(j) * C_.col(j).dot(c_);
    for (Eigen::Index i = 0; i < a.size(); ++i)
      a(i) = excluded[static_cast<std::size_t>(i)] ? 0.0 : std::max(a(i), kMinSupport);
  }

  // Familiarity of a probe (recognition): the cosine of its key f_p (+) phi c with each studied
  // key f_j (+) phi c_j, weighted by salience, then the largest (use_max) or the sum.
  double familiarity(int probe, bool use_max) const {
    const double norm = 1.0 + p_.phi * p_.phi;
    double best = -1e300, sum = 0.0;
    for (int j = 0; j < studied_; ++j) {
      const double cos = (pool_.F.col(probe).dot(pool_.F.col(items_[static_cast<std::size_t>(j)])) +
                          p_.phi * p_.phi * C_.col(j).dot(c_)) / norm * s_(j);
      best = std::max(best, cos);
      sum += cos;
    }
    return use_max ? best : sum;
  }

 private:
  const WordPool& pool_;
  CmrParams p_;
  int L_;
  Vec c_;
  Mat C_;   // (N_f + 1) x L: context after each study event
  Vec P_;   // primacy gain per position
  Vec s_;   // salience per position
  std::vector<int> items_;     // pool index per position
  std::vector<int> position_;  // position per pool item, -1 if not studied
  int studied_ = 0;
};

// The exponent of an item's choice weight per unit tau: log a (Luce: a^tau) or a (softmax: exp(tau a)).
inline double choice_exponent(double a, bool softmax) { return softmax ? a : std::log(a); }

// Choice weights (unnormalised probabilities) over the pool from the support: Luce's rule a^tau
// (CMR) or softmax exp(tau a), the Boltzmann distribution of the modern Hopfield energy
// E = -log sum_i exp(tau a_i) (Ramsauer et al. 2021). Both are computed relative to the largest
// support, exp(tau (log a_i - log a_max)) and exp(tau (a_i - a_max)), so that no sensitivity
// overflows. Excluded items (a = 0 from support()) get 0. Returns the sum of the weights (>= 1
// when any item is left); `top`, when given, receives the largest exponent.
inline double choice_weights(const Vec& a, const std::vector<char>& excluded, double tau, bool softmax, Vec& w,
                             double* top_out = nullptr) {
  double top = -1e300;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (!excluded[static_cast<std::size_t>(i)]) top = std::max(top, choice_exponent(a(i), softmax));
  double sum = 0.0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    if (excluded[static_cast<std::size_t>(i)]) {
      w(i) = 0.0;
      continue;
    }
    const double d = choice_exponent(a(i), softmax) - top;  // <= 0
    w(i) = d == 0.0 ? 1.0 : std::exp(tau * d);
    sum += w(i);
  }
  if (top_out) *top_out = top;
  return sum;
}

// log P(choose `item`) = tau (x_item - x_top) - log(sum of the weights), from choice_weights' w, sum
// and top: exact where the item's weight underflows (w = 0 is then not -inf).
inline double choice_log_probability(const Vec& a, double tau, bool softmax, const Vec& w, double sum, double top,
                                     int item) {
  if (w(item) > 0) return std::log(w(item)) - std::log(sum);
  return tau * (choice_exponent(a(item), softmax) - top) - std::log(sum);
}

// The accumulators' drift (Polyn et al. 2009 Eq. 9 in continuous time, T_f = 1):
//   dx_i = (a_i - kappa x_i - lambda sum_{k != i} x_k) dt + eta dW_i,   x_i >= 0,
// for the items not yet recalled; the others are held at 0 (clamp()).
struct LeakyCompetingAccumulator {
  const Vec* a;
  const std::vector<char>* excluded;
  AccumulatorParams p;

  void operator()(const Vec& x, double /*t*/, Vec& dx) const {
    const double total = x.sum();
    dx = *a - p.kappa * x - p.lambda * (Vec::Constant(x.size(), total) - x);
  }
  // After each Euler-Maruyama step: x >= 0, excluded items at 0. Returns the index of the item
  // that crossed the threshold (the largest if several), or -1.
  int clamp(Vec& x) const {
    int winner = -1;
    double top = p.threshold;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      if ((*excluded)[static_cast<std::size_t>(i)] || x(i) < 0.0) x(i) = 0.0;
      if (x(i) >= top) top = x(i), winner = static_cast<int>(i);
    }
    return winner;
  }
};

}  // namespace seqmem
