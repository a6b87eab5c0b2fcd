// kind = "free_recall": what a run costs (sim/kinds/estimate.hpp): the pool, one list's network per
// thread, a block of results and events; the event table on disk, from the output catalogue
// (sim/output/output_size.hpp).
#include <algorithm>
#include <cmath>

#include "sim/kinds/estimate.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/output_size.hpp"

namespace seqmem {

using namespace estimate;

ResourceEstimate estimate_free_recall(const RunSpec& r, const FileCache&, int threads) {
  ResourceEstimate e;
  const auto& f = r.free_recall();
  const double N = r.N_f, P = f.N_items, L = f.L, lists = static_cast<double>(f.subjects) * f.lists;
  const bool gsemm = f.rule == RecallRule::gsemm && !f.recognition;
  // recalls per list: the list (GSEMM); the expected outputs of the stop rule, at most the pool
  // (Luce, softmax); for the accumulator, one per item at most
  double outputs = f.recognition ? 0 : gsemm ? L : P;
  if (!f.recognition && (f.rule == RecallRule::luce || f.rule == RecallRule::softmax)) {
    double alive = 1, expected = 0;
    for (int o = 0; o < f.N_items && alive > 1e-9; ++o) {
      alive *= 1.0 - stop_probability(f.cmr, o);
      expected += alive;
    }
    outputs = std::min(P, std::max(L, expected));
  }
  const double per_thread = (N + 1) * (L + 3) + 8 * P + (gsemm ? 3 * N * L + 40 * (2 * N + L) : 0);
  e.memory = kDouble * (N * P + std::max(1, threads) * per_thread) + 2048.0 * (L + outputs) * 28;
  e.memory_keys = "N_f, N_items";
  // the event table (study and recall events of every list), the pool and the curves
  e.output = output_bytes("events", {{"event", lists * (L + outputs)}}) +
             output_bytes("free_recall", {{"item", P}, {"serial_position", L}, {"lag", 2 * L - 1}},
                          [&f](const std::string& name) {  // a recognition test writes the pool only
                            return !f.recognition || name == "item" || name == "item_category";
                          });
  e.output_keys = "subjects, lists, L";
  const double support = 2 * N * P + 4 * L * N;  // F^T c and the context matches
  double per_list = L * 4 * N;                   // study
  if (f.recognition) {
    per_list += (L + f.lures) * L * 2 * (N + 1);
  } else if (f.rule == RecallRule::accumulator) {
    per_list += f.recall_period / r.dt * 20 * P + outputs * support;
  } else if (gsemm) {
    per_list = r.t_end / r.dt * 4 * (4 * N * L + 12 * N + 2 * L * L);
  } else {
    per_list += outputs * (support + 20 * P);
  }
  if (f.drift != ContextDriftKind::discrete) per_list *= 50;  // an ODE per event
  e.work = lists * per_list / kFlops;
  e.work_keys = gsemm ? "subjects, lists, t_end, dt, N_f, L" : "subjects, lists, N_items, L, recall_period, dt";
  return e;
}

}  // namespace seqmem
