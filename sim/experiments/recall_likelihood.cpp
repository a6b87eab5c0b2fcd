#include "sim/experiments/recall_likelihood.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "models/temporal_context.hpp"

namespace seqmem {

RecallList recall_sequence(int L, const std::vector<int>& recalled) {
  RecallList r;
  r.L = L;
  std::vector<char> seen(static_cast<std::size_t>(std::max(L, 0)), 0);
  for (int pos : recalled) {
    if (pos < 1 || pos > L) {
      ++r.intrusions;
    } else if (seen[static_cast<std::size_t>(pos - 1)]) {
      ++r.repeats;
    } else {
      seen[static_cast<std::size_t>(pos - 1)] = 1;
      r.recalls.push_back(pos - 1);
    }
  }
  return r;
}

namespace {

void check(const CmrParams& p) {
  for (double b : {p.beta_enc, p.beta_rec, p.beta_start})
    if (!(b >= 0 && b <= 1))
      throw std::invalid_argument("cmr_log_likelihood: beta_enc, beta_rec, beta_start in [0, 1]");
  if (!(p.tau > 0) || !std::isfinite(p.tau)) throw std::invalid_argument("cmr_log_likelihood: tau > 0");
  if (!(p.X_s >= 0) || !std::isfinite(p.X_s) || !std::isfinite(p.X_k))
    throw std::invalid_argument("cmr_log_likelihood: X_s >= 0 and X_k finite");
  if (!(p.gamma_fc >= 0 && p.gamma_fc <= 1) || !std::isfinite(p.phi) || !std::isfinite(p.phi_s) ||
      !std::isfinite(p.phi_d))
    throw std::invalid_argument("cmr_log_likelihood: gamma_fc in [0, 1], phi, phi_s, phi_d finite");
}

// The localist pool of a list of L items (F = I), one per list length.
const WordPool& pool_of(int L, std::map<int, std::unique_ptr<WordPool>>& pools) {
  auto& p = pools[L];
  if (!p) p = std::make_unique<WordPool>(make_word_pool(L, 0, 0.0, false, 0, 0));
  return *p;
}

ListLikelihood score(CmrList& net, const CmrParams& p, bool softmax, const RecallList& list) {
  const int L = list.L;
  std::vector<int> items(static_cast<std::size_t>(L));
  for (int j = 0; j < L; ++j) items[static_cast<std::size_t>(j)] = j;  // position j studies pool item j
  Vec c_in(net.dim()), a(L), w(L);
  net.begin(items.data());
  for (int j = 0; j < L; ++j) {
    net.item_input(j, c_in);
    context_update(net.context(), c_in, p.beta_enc);
    net.encode(j);
  }
  if (p.beta_start > 0) {
    net.start_input(c_in);
    context_update(net.context(), c_in, p.beta_start);
  }
  net.set_test_salience();
  std::vector<char> excluded(static_cast<std::size_t>(L), 0);
  ListLikelihood r;
  const double minus_inf = -std::numeric_limits<double>::infinity();
  int o = 0;
  for (int item : list.recalls) {
    const double stop = stop_probability(p, o);
    r.log_likelihood += stop >= 1.0 ? minus_inf : std::log1p(-stop);
    net.support(excluded, a);
    double top = 0;
    const double sum = choice_weights(a, excluded, p.tau, softmax, w, &top);
    r.log_likelihood += choice_log_probability(a, p.tau, softmax, w, sum, top, item);
    excluded[static_cast<std::size_t>(item)] = 1;
    net.recall_input(item, c_in);
    context_update(net.context(), c_in, p.beta_rec);
    ++o;
    ++r.scored;
  }
  if (o < L) r.log_likelihood += std::log(stop_probability(p, o));  // the stop; certain after all L
  return r;
}

}  // namespace

std::vector<ListLikelihood> cmr_log_likelihood(const CmrParams& p, bool softmax, const std::vector<RecallList>& lists,
                                               int threads) {
  check(p);
  for (const RecallList& l : lists) {
    if (l.L < 1) throw std::invalid_argument("cmr_log_likelihood: a list needs L >= 1 items");
    std::vector<char> seen(static_cast<std::size_t>(l.L), 0);
    for (int pos : l.recalls) {
      if (pos < 0 || pos >= l.L || seen[static_cast<std::size_t>(pos)])
        throw std::invalid_argument("cmr_log_likelihood: recalls must be distinct serial positions 0 .. L-1, got " +
                                    std::to_string(pos));
      seen[static_cast<std::size_t>(pos)] = 1;
    }
  }
  std::vector<ListLikelihood> out(lists.size());
  const auto n = static_cast<long>(lists.size());
#pragma omp parallel num_threads(threads > 0 ? threads : 1)
  {
    std::map<int, std::unique_ptr<WordPool>> pools;
    std::map<int, std::unique_ptr<CmrList>> nets;
#pragma omp for schedule(static)
    for (long k = 0; k < n; ++k) {
      const RecallList& l = lists[static_cast<std::size_t>(k)];
      auto& net = nets[l.L];
      if (!net) net = std::make_unique<CmrList>(pool_of(l.L, pools), p, l.L);
      out[static_cast<std::size_t>(k)] = score(*net, p, softmax, l);
    }
  }
  return out;
}

}  // namespace seqmem
