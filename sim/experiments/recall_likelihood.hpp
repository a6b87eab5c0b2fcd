// The exact likelihood of observed free recall under CMR (docs/free_recall.md, "The likelihood"):
// the probability of a list's recall sequence, output position by output position, given the
// studied items, with Luce's or the softmax choice rule and the stop rule, in log space. The context
// follows the recalled items deterministically, so the probability is a product (Kahana 2012;
// Morton & Polyn 2016; cymr, jaxcmr):
//
//   log P(r_1 .. r_n, stop) = sum_{o < n} [ log(1 - P_stop(o)) + log w(r_{o+1}) / sum_i w(i) ]
//                             + log P_stop(n)              (0 when every studied item was recalled)
//
// with w the choice weights over the pool items not yet recalled (models/cmr.hpp, choice_weights),
// after study (beta_enc), the drift to the start context (beta_start) and each recall's reinstatement
// (beta_rec), CMR's discrete context update (Eq. 2). The pool is the list's own items (localist,
// orthonormal, N_items = L): a recall of an item that was not studied (an intrusion) and a repeat
// have no probability in this within-list model and are left out of the sequence before it is scored,
// as cymr does; they are counted.
#pragma once

#include <vector>

#include "models/cmr.hpp"

namespace seqmem {

// One observed list: the recalled serial positions (0-based) in output order, intrusions and repeats
// already left out (recall_sequence does that), and how many of each were left out.
struct RecallList {
  int L = 0;                 // list length
  std::vector<int> recalls;  // serial positions 0 .. L-1, each at most once
  int intrusions = 0, repeats = 0;
};

// The serial positions of recalled items: `recalled[k]` is the serial position (1-based) of output k
// or 0 for an item not on the list; repeats of a position and intrusions are left out and counted.
RecallList recall_sequence(int L, const std::vector<int>& recalled);

struct ListLikelihood {
  double log_likelihood = 0;  // natural log; -inf when the sequence is impossible under the parameters
  int scored = 0;             // recall events scored (the stop event not counted)
};

// The log-likelihood of each list (threads: OpenMP threads over lists; the result does not depend on
// them). softmax: exp(tau a) instead of Luce's a^tau. Throws std::invalid_argument for a list whose
// recalls are not distinct positions in 0 .. L-1, L < 1, or parameters outside CMR's ranges (betas
// outside [0, 1], tau <= 0, X_s < 0).
std::vector<ListLikelihood> cmr_log_likelihood(const CmrParams& p, bool softmax, const std::vector<RecallList>& lists,
                                               int threads = 1);

}  // namespace seqmem
