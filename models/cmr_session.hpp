// CMR over the lists of one session (docs/free_recall.md §7b, "Context across lists"): the context is
// carried from list to list, every studied item keeps its study context in the episodic store, and
// recall may reach an item of an earlier list (a prior-list intrusion, PLI). This is CMR2's
// across-list mechanism (Lohnas, Polyn & Kahana 2015) with localist items:
//
//   units        one per item studied in the session (global study index g) and one start-of-list
//                unit u_k per list k: the context lives in R^{S + n_lists}
//   list k       c <- u_k at the session's first list; later, CMR's update towards u_k with
//                beta_list (the drift between lists; 1: context reset, no PLI above the floor)
//   study        c <- update(c, e_g, beta_enc); C_g = c; P_g = phi_s e^{-phi_d j} + 1 (j: position)
//   recall       c <- update(c, u_k, beta_start); the support of a studied item g
//                  a_g = c_g + phi P_g s_g C_g . c          (M^CF c, Eq. 6 of models/cmr.hpp)
//                floored at kMinSupport; a recall reinstates (1 - gamma_fc) e_g + gamma_fc C_g
//                (normalised) with beta_rec
//   choice       P(item g) = (1 - p_out) w_g / sum_pool w,  P(outside the pool) = p_out,
//                p_out = p_eli (1 when the pool is empty); w: Luce a^tau or softmax e^{tau a}
//
// The salience at the test: s_g = exp(-(presentations since g's study + retention_interval) /
// salience_decay_time) (all 1 without decay). A session of one list is models/cmr.hpp's CmrList with
// localist items, the same equations in the same order.
#pragma once

#include <cmath>
#include <vector>

#include "models/cmr.hpp"
#include "models/temporal_context.hpp"

namespace seqmem {

class CmrSession {
 public:
  // A session of at most `items` study events over `lists` lists.
  CmrSession(const CmrParams& p, int items, int lists)
      : p_(p), S_(items), c_(Vec::Zero(items + lists)), C_(items + lists, items), P_(items), t_(items), s_(items) {}

  const Vec& context() const { return c_; }
  int studied() const { return n_; }         // items studied so far in the session
  int list_start() const { return first_; }  // global index of the current list's first item

  // The next list, k = 0, 1, ... in order: the first starts at u_0; a later one drifts towards u_k
  // with beta_list (reset when `carry` is false).
  void begin_list(int k, bool carry) {
    k_ = k;
    first_ = n_;
    if (k == 0 || !carry) {
      c_.setZero();
      c_(S_ + k) = 1.0;
    } else {
      drift(S_ + k, p_.beta_list);
    }
  }
  // Study the list's item at serial position j (0-based): it gets the next global index.
  void study(int j) {
    drift(n_, p_.beta_enc);
    C_.col(n_) = c_;
    P_(n_) = p_.phi_s * std::exp(-p_.phi_d * j) + 1.0;
    t_(n_) = n_;
    ++n_;
  }
  // Before the recall period: the drift back towards the list's start context and the salience.
  void begin_recall() {
    if (p_.beta_start > 0) drift(S_ + k_, p_.beta_start);
    for (int g = 0; g < n_; ++g)
      s_(g) = p_.salience_decay_time > 0
                  ? std::exp(-(static_cast<double>(n_) - t_(g) + p_.retention_interval) / p_.salience_decay_time)
                  : 1.0;
  }
  // The support of items [first, end), a(g - first), floored; excluded ones (excluded[g]) get 0.
  void support(int first, int end, const std::vector<char>& excluded, Vec& a) const {
    a.resize(end - first);
    a.noalias() = c_.segment(first, end - first) +
                  p_.phi * (P_.segment(first, end - first).cwiseProduct(s_.segment(first, end - first)))
                               .cwiseProduct(C_.middleCols(first, end - first).transpose() * c_);
    for (int g = first; g < end; ++g)
      a(g - first) = excluded[static_cast<std::size_t>(g)] ? 0.0 : std::max(a(g - first), kMinSupport);
  }
  // A recall of item g reinstates its context (beta_rec, gamma_fc).
  void recall(int g) {
    if (p_.gamma_fc == 0.0) return drift(g, p_.beta_rec);
    Vec c_in = p_.gamma_fc * C_.col(g);
    c_in(g) += 1.0 - p_.gamma_fc;
    c_in.normalize();
    context_update(c_, c_in, p_.beta_rec);
  }

 private:
  // CMR's update towards the unit vector of unit u: c <- rho c + beta e_u.
  void drift(int u, double beta) {
    const double rho = context_rho(beta, c_(u));
    c_ *= rho;
    c_(u) += beta;
  }

  CmrParams p_;
  int S_;
  Vec c_;
  Mat C_;          // context after each study event, column g
  Vec P_, t_, s_;  // primacy gain, study time (presentations) and salience per item
  int n_ = 0, k_ = 0, first_ = 0;
};

}  // namespace seqmem
