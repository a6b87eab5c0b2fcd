#include "sim/experiments/recall_likelihood.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include "models/cmr_session.hpp"

namespace seqmem {

namespace {

// The stop probability of the likelihood's models: the stop rule below a ceiling (header).
double stop_at(const CmrParams& p, int o) { return std::min(kStopCeiling, stop_probability(p, o)); }

void check(const CmrParams& p) {
  for (double b : {p.beta_enc, p.beta_rec, p.beta_start, p.beta_list, p.gamma_fc})
    if (!(b >= 0 && b <= 1))
      throw std::invalid_argument("cmr_log_likelihood: beta_enc, beta_rec, beta_start, beta_list, gamma_fc in [0, 1]");
  if (!(p.p_eli >= 0 && p.p_eli < 1)) throw std::invalid_argument("cmr_log_likelihood: p_eli in [0, 1)");
  if (!(p.tau > 0) || !std::isfinite(p.tau)) throw std::invalid_argument("cmr_log_likelihood: tau > 0");
  if (!(p.X_s >= 0) || !std::isfinite(p.X_s) || !std::isfinite(p.X_k))
    throw std::invalid_argument("cmr_log_likelihood: X_s >= 0 and X_k finite");
  if (!std::isfinite(p.phi) || !std::isfinite(p.phi_s) || !std::isfinite(p.phi_d))
    throw std::invalid_argument("cmr_log_likelihood: phi, phi_s, phi_d finite");
}

// The sessions as ranges [first, end) of the list vector: every list its own session within lists.
std::vector<std::pair<std::size_t, std::size_t>> sessions_of(const std::vector<RecallList>& lists, bool across) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::vector<std::int64_t> seen;
  for (std::size_t k = 0; k < lists.size(); ++k) {
    if (across && !out.empty() && lists[k].session == lists[out.back().first].session) {
      out.back().second = k + 1;
      continue;
    }
    if (across)
      for (std::int64_t s : seen)
        if (s == lists[k].session)
          throw std::invalid_argument("cmr_log_likelihood: the lists of session " + std::to_string(s) +
                                      " are not consecutive");
    seen.push_back(lists[k].session);
    out.emplace_back(k, k + 1);
  }
  return out;
}

// One recall period of list k (its first item's global index `first`): the pool, the exclusions,
// and the choice probabilities of models/cmr_session.hpp.
class RecallPeriod {
 public:
  RecallPeriod(CmrSession& net, const CmrParams& p, const RecallModel& m)
      : net_(net), p_(p), m_(m), first_(m.across_lists ? 0 : net.list_start()), end_(net.studied()) {
    excluded_.assign(static_cast<std::size_t>(end_), 0);
    left_ = end_ - first_;
  }
  int left() const { return left_; }
  // P(outside the pool | a recall).
  double p_out() const { return left_ > 0 ? p_.p_eli : 1.0; }
  // Nothing left to recall: the stop is certain.
  bool exhausted() const { return left_ == 0 && p_.p_eli == 0.0; }
  bool in_pool(int g) const { return g >= first_ && g < end_ && !excluded_[static_cast<std::size_t>(g)]; }
  bool recalled(int g) const { return g >= first_ && g < end_ && excluded_[static_cast<std::size_t>(g)]; }
  // The weights of the pool items at the present context (w(g - first), their sum and top exponent).
  void weigh() {
    net_.support(first_, end_, excluded_, a_);
    pool_excluded_.assign(excluded_.begin() + first_, excluded_.end());
    w_.resize(a_.size());
    sum_ = choice_weights(a_, pool_excluded_, p_.tau, m_.softmax, w_, &top_);
  }
  // log P(recall of pool item g) after weigh().
  double log_probability(int g) const {
    return std::log1p(-p_out()) + choice_log_probability(a_, p_.tau, m_.softmax, w_, sum_, top_, g - first_);
  }
  // The pool item whose cumulative weight first exceeds u * sum (u in [0, 1)) after weigh().
  int draw(double u) const {
    double acc = 0, target = u * sum_;
    int last = -1;
    for (Eigen::Index i = 0; i < w_.size(); ++i) {
      if (pool_excluded_[static_cast<std::size_t>(i)]) continue;
      last = static_cast<int>(i);
      acc += w_(i);
      if (acc > target) break;
    }
    return first_ + last;
  }
  void recall(int g) {
    excluded_[static_cast<std::size_t>(g)] = 1;
    --left_;
    net_.recall(g);
  }

 private:
  CmrSession& net_;
  const CmrParams& p_;
  const RecallModel& m_;
  int first_, end_, left_;
  std::vector<char> excluded_, pool_excluded_;
  Vec a_, w_;
  double sum_ = 0, top_ = 0;
};

long items_of(const std::vector<RecallList>& lists, std::size_t first, std::size_t end) {
  long n = 0;
  for (std::size_t k = first; k < end; ++k) n += lists[k].L;
  return n;
}

// The global index of an event's item in list k of a session (study_start: each list's first index),
// or -1 outside the pool's reach (an extra-list intrusion; any intrusion within lists), -2 for no item.
int item_of(const RecallEvent& e, const std::vector<RecallList>& lists, std::size_t session_first, std::size_t k,
            const std::vector<int>& study_start, bool across) {
  if (e.lag < 0 || (!across && e.lag > 0)) return -1;                  // within lists every session is one list
  if (static_cast<std::size_t>(e.lag) > k - session_first) return -2;  // before the session began
  const std::size_t src = k - static_cast<std::size_t>(e.lag);
  if (e.position < 0 || e.position >= lists[src].L) return -2;
  return study_start[src - session_first] + e.position;
}

// A session's store is an (S + lists) x S matrix of doubles: refuse one past kMaxSessionItems.
void check_session_size(long items) {
  if (items > kMaxSessionItems)
    throw std::invalid_argument("cmr_log_likelihood: a session of " + std::to_string(items) +
                                " study events; at most " + std::to_string(kMaxSessionItems) +
                                " (its context store grows as their square): give the lists their sessions");
}

void score_session(const CmrParams& p, const RecallModel& m, const std::vector<RecallList>& lists, std::size_t first,
                   std::size_t end, std::vector<ListLikelihood>& out) {
  check_session_size(items_of(lists, first, end));
  CmrSession net(p, static_cast<int>(items_of(lists, first, end)), static_cast<int>(end - first));
  std::vector<int> study_start;
  for (std::size_t k = first; k < end; ++k) {
    const RecallList& list = lists[k];
    net.begin_list(static_cast<int>(k - first), m.across_lists);
    study_start.push_back(net.studied());
    for (int j = 0; j < list.L; ++j) net.study(j);
    net.begin_recall();
    RecallPeriod period(net, p, m);
    ListLikelihood& r = out[k];
    int o = 0;
    for (const RecallEvent& e : list.recalls) {
      const int g = item_of(e, lists, first, k, study_start, m.across_lists);
      if (g == -2)
        throw std::invalid_argument("cmr_log_likelihood: a recall names lag " + std::to_string(e.lag) + ", position " +
                                    std::to_string(e.position) + ", no item studied in the session");
      if (e.lag != 0) ++r.intrusions;
      if (g >= 0 && period.recalled(g))
        throw std::invalid_argument("cmr_log_likelihood: lag " + std::to_string(e.lag) + ", serial position " +
                                    std::to_string(e.position) + " recalled twice (repeats are left out before)");
      const bool pool = g >= 0 && period.in_pool(g);
      if (!pool && p.p_eli == 0.0) {  // outside the pool, not modelled: left out
        ++r.left_out;
        continue;
      }
      r.log_likelihood += std::log1p(-stop_at(p, o));
      if (pool) {
        period.weigh();
        r.log_likelihood += period.log_probability(g);
        period.recall(g);
      } else {
        r.log_likelihood += std::log(period.p_out());
      }
      ++o;
      ++r.scored;
    }
    if (!period.exhausted()) r.log_likelihood += std::log(stop_at(p, o));
  }
}

// A uniform number in [0, 1) from 53 bits of the stream (the same on every platform).
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

void sample_session(const CmrParams& p, const RecallModel& m, const std::vector<int>& lengths, std::uint64_t seed,
                    std::size_t index, int max_outputs, std::vector<RecallList>& out, int& truncated) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), 0x636d72u};
  std::mt19937_64 rng(seq);
  long S = 0;
  for (int L : lengths) S += L;
  check_session_size(S);
  CmrSession net(p, static_cast<int>(S), static_cast<int>(lengths.size()));
  std::vector<int> study_start, list_of;
  for (std::size_t k = 0; k < lengths.size(); ++k) {
    RecallList list;
    list.L = lengths[k];
    list.session = static_cast<std::int64_t>(index);
    net.begin_list(static_cast<int>(k), m.across_lists);
    study_start.push_back(net.studied());
    for (int j = 0; j < list.L; ++j) {
      net.study(j);
      list_of.push_back(static_cast<int>(k));
    }
    net.begin_recall();
    RecallPeriod period(net, p, m);
    for (int o = 0;; ++o) {
      if (period.exhausted() || uniform(rng) < stop_at(p, o)) break;
      if (o == max_outputs) {
        ++truncated;
        break;
      }
      if (uniform(rng) < period.p_out()) {
        list.recalls.push_back({kExtraList, 0});
        continue;
      }
      period.weigh();
      const int g = period.draw(uniform(rng));
      const int src = list_of[static_cast<std::size_t>(g)];
      list.recalls.push_back({static_cast<int>(k) - src, g - study_start[static_cast<std::size_t>(src)]});
      period.recall(g);
    }
    out.push_back(std::move(list));
  }
}

}  // namespace

std::vector<ListLikelihood> cmr_log_likelihood(const CmrParams& p, const RecallModel& model,
                                               const std::vector<RecallList>& lists, int threads) {
  check(p);
  for (const RecallList& l : lists)
    if (l.L < 1) throw std::invalid_argument("cmr_log_likelihood: a list needs L >= 1 items");
  const auto sessions = sessions_of(lists, model.across_lists);
  std::vector<ListLikelihood> out(lists.size());
  const auto n = static_cast<long>(sessions.size());
  std::string error;
#pragma omp parallel for schedule(dynamic) num_threads(threads > 0 ? threads : 1)
  for (long s = 0; s < n; ++s) {
    try {
      score_session(p, model, lists, sessions[static_cast<std::size_t>(s)].first,
                    sessions[static_cast<std::size_t>(s)].second, out);
    } catch (const std::invalid_argument& e) {
#pragma omp critical
      if (error.empty()) error = e.what();
    }
  }
  if (!error.empty()) throw std::invalid_argument(error);
  return out;
}

SampledSessions cmr_sample(const CmrParams& p, const RecallModel& model, const std::vector<std::vector<int>>& sessions,
                           std::uint64_t seed, int max_outputs, int threads) {
  check(p);
  for (const auto& s : sessions)
    for (int L : s)
      if (L < 1) throw std::invalid_argument("cmr_sample: a list needs L >= 1 items");
  const auto n = static_cast<long>(sessions.size());
  std::vector<std::vector<RecallList>> per(sessions.size());
  std::vector<int> truncated(sessions.size(), 0);
#pragma omp parallel for schedule(dynamic) num_threads(threads > 0 ? threads : 1)
  for (long s = 0; s < n; ++s) {
    const auto i = static_cast<std::size_t>(s);
    sample_session(p, model, sessions[i], seed, i, max_outputs, per[i], truncated[i]);
  }
  SampledSessions out;
  for (std::size_t i = 0; i < per.size(); ++i) {
    out.lists.insert(out.lists.end(), per[i].begin(), per[i].end());
    out.truncated += truncated[i];
  }
  return out;
}

}  // namespace seqmem
