// kind = "free_recall": which keys a run reads (sim/scenario/key_rules.hpp), and when not, the setting
// that decides; and how messages name such a run.
#include <fmt/format.h>

#include <cstring>

#include "sim/scenario/key_rules.hpp"

namespace seqmem {
namespace {

// kind = "free_recall": the keys its settings read (sim/kinds/free_recall/free_recall_runner.cpp). The
// message names recall_rule and recognition already; `why` names the other deciding keys.
Applies applies(const std::string& section, const char* key, const RunSpec& r) {
  const auto& f = r.free_recall();
  const bool gsemm = f.rule == RecallRule::gsemm && !f.recognition;
  if (is(key, "N_f")) return when(f.item_vectors == ItemVectors::random, r, "item_vectors");
  if (is(key, "category_similarity")) return when(f.categories > 0, r, "categories");
  if (section == "model" || section == "record") {  // the GSEMM keys of recall_rule = gsemm
    if (is(key, "kind")) return kYes;
    if (!gsemm) return no();
    if (is(key, "degree")) return when(has_degree(r.params.sigma_h.kind), r, "sigma_h");
    if (is(key, "beta_h")) return when(r.params.sigma_h.kind == HiddenKind::softmax, r, "sigma_h");
    return kYes;
  }
  if (is(key, "cue_noise")) return when(gsemm);
  if (section == "integrator") {
    if (gsemm && f.V_f_noise > 0)  // Euler-Maruyama
      return when(is(key, "dt") || is(key, "t_end"), r, "V_f_noise");
    if (gsemm) return integrator_applies(key, r);
    const bool accumulator = f.rule == RecallRule::accumulator && !f.recognition;
    const bool continuous = f.drift != ContextDriftKind::discrete;  // dopri5 moves the context
    if (is(key, "dt")) return when(accumulator || continuous, r, "drift");
    return when(continuous && (is(key, "abs_tol") || is(key, "rel_tol") || is(key, "max_steps") || is(key, "min_step")),
                continuous ? std::string() : setting(r, "drift"));
  }
  if (section == "recognition") return when(is(key, "recognition") || f.recognition);
  if (section == "context") {
    if (is(key, "retention_interval")) return when(f.cmr.salience_decay_time > 0, r, "salience_decay_time");
    if (is(key, "phi_d")) return when(f.cmr.phi_s > 0, r, "phi_s");
    if (f.recognition) return when(!is(key, "beta_rec") && !is(key, "beta_start"));
    return when(!gsemm);  // the GSEMM recall does not use the context
  }
  if (section == "recall") {
    if (f.recognition) return no();
    if (is(key, "recall_rule")) return kYes;
    if (is(key, "tau") || is(key, "X_s") || is(key, "X_k"))
      return when(f.rule == RecallRule::luce || f.rule == RecallRule::softmax);
    if (is(key, "kappa") || is(key, "lambda") || is(key, "eta") || is(key, "accumulator_threshold") ||
        is(key, "recall_period"))
      return when(f.rule == RecallRule::accumulator);
    return when(gsemm);  // recall_cue, hebb_*
  }
  return when(section == "" || section == "items" || section == "lists");
}

}  // namespace

Applies free_recall_key_applies(const KeyDef& k, const RunSpec& r) { return applies(k.section, k.key, r); }

std::string describe_free_recall(const RunSpec& r) {
  return fmt::format(
      "this free-recall run (recall_rule = \"{}\"{}; docs/free_recall.md says which keys each "
      "setting reads)",
      to_string(r.free_recall().rule), r.free_recall().recognition ? ", recognition = true" : "");
}

}  // namespace seqmem
