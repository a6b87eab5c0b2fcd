// The exact likelihood of observed free recall under CMR (docs/free_recall.md §7a, "The likelihood",
// and §7b, "Context across lists"), and the same model run forwards (sampled): the probability of a
// list's recall sequence, output position by output position, given the studied items, with Luce's
// or the softmax choice rule and the stop rule, in log space. The context follows the recalled items
// deterministically, so the probability is a product (Kahana 2012; Morton & Polyn 2016; cymr, jaxcmr):
//
//   log P(r_1 .. r_n, stop) = sum_{o < n} [ log(1 - P_stop(o)) + log P(r_{o+1} | context) ]
//                             + log P_stop(n)      (0 when nothing is left: pool empty and p_eli = 0)
//
// with P_stop(o) = min(1 - 1e-6, X_s e^{X_k o}): below the ceiling kStopCeiling, so that no observed
// sequence is impossible (a recall past the ceiling costs log 1e-6 = -13.8; a held-out list could
// otherwise score -inf). The simulator's stop rule (models/cmr.hpp) has no ceiling.
//
// with the choice probability of models/cmr_session.hpp: (1 - p_eli) w(r) / sum_pool w for a pool
// item, p_eli for a recall outside the pool. Two models (RecallModel):
//   within lists  the pool is the list's own items and each list starts from its own start context:
//                 a prior-list intrusion is outside the pool;
//   across lists  the context is carried through the lists of a session (beta_list) and the pool is
//                 every item studied in the session so far: a prior-list intrusion is a pool item.
// A recall outside the pool (an extra-list intrusion, or any intrusion within lists) is scored with
// p_eli when p_eli > 0, and left out of the sequence and counted when p_eli = 0 (as cymr does). An
// extra-list intrusion leaves the context where it was. Repeats are left out before (the caller
// removes them and counts them).
#pragma once

#include <cstdint>
#include <vector>

#include "models/cmr.hpp"

namespace seqmem {

// One recall event: the recalled item's list lag within the session (0: this list; d > 0: studied d
// lists before) and serial position (0-based), or lag = kExtraList for an item not studied in the
// session before this list's test (position ignored).
struct RecallEvent {
  int lag = 0, position = 0;
};
constexpr int kExtraList = -1;
constexpr double kStopCeiling = 1.0 - 1e-6;
// The most study events in one session (across lists: the store is (S + lists) x S doubles, 0.8 GB
// at S = 10 000; within lists each list is its own session).
constexpr long kMaxSessionItems = 10000;

// One observed list. Lists of one session are consecutive and share `session`; the across-list model
// needs them in study order.
struct RecallList {
  int L = 0;                         // list length
  std::int64_t session = 0;          // the session's id
  std::vector<RecallEvent> recalls;  // output order, repeats already left out, each item at most once
  int repeats = 0;                   // repeats left out by the caller (reported, not scored)
};

struct RecallModel {
  bool softmax = false;       // exp(tau a) instead of Luce's a^tau
  bool across_lists = false;  // context and pool across the lists of a session
};

struct ListLikelihood {
  double log_likelihood = 0;  // natural log
  int scored = 0;             // recall events scored (the stop not counted)
  int intrusions = 0;         // recall events with lag != 0 (prior-list and extra-list)
  int left_out = 0;           // recall events outside the pool left out (p_eli = 0)
};

// The log-likelihood of each list (threads: OpenMP threads over sessions; the result does not depend
// on them). Throws std::invalid_argument for L < 1, a recall event that names no studied item or
// repeats one, a session's lists not consecutive or of more than kMaxSessionItems items, or parameters outside their
// ranges (betas and gamma_fc outside [0, 1], p_eli outside [0, 1), tau <= 0, X_s < 0).
std::vector<ListLikelihood> cmr_log_likelihood(const CmrParams& p, const RecallModel& model,
                                               const std::vector<RecallList>& lists, int threads = 1);

// The model run forwards: for each session (a list of list lengths), the lists' recall events, drawn
// with the stream (seed, session index) (the result does not depend on `threads`). A list stops at
// max_outputs recall events at most (counted in `truncated`). Throws std::invalid_argument as above.
struct SampledSessions {
  std::vector<RecallList> lists;  // session = the session's index
  int truncated = 0;
};
SampledSessions cmr_sample(const CmrParams& p, const RecallModel& model, const std::vector<std::vector<int>>& sessions,
                           std::uint64_t seed, int max_outputs = 200, int threads = 1);

}  // namespace seqmem
