// The keys of kind = "free_recall" (docs/free_recall.md; models/cmr.hpp, sim/kinds/free_recall/free_recall_runner.hpp).
#include <fmt/format.h>

#include <cmath>

#include "sim/scenario/scenario_values.hpp"

namespace seqmem::scenario_detail {

// kind = "free_recall": models/cmr.hpp, sim/kinds/free_recall/free_recall_runner.hpp, docs/free_recall.md.
RunSpec resolve_free_recall(const Values& v, const std::string& /*dir*/, RunSpec r) {
  auto& f = r.kind_spec.emplace<FreeRecallSpec>();
  f.N_items = v.int32("N_items");
  f.item_vectors = parse_choice<ItemVectors>(v.choice("item_vectors"));
  f.categories = v.int32("categories");
  if (f.categories > f.N_items)
    v.fail("categories", fmt::format("must be in 0..N_items = {}, got {}", f.N_items, f.categories));
  f.category_similarity = v.num("category_similarity");
  if (f.categories == 0 && v.given("category_similarity"))
    v.fail("category_similarity", "needs categories > 0");
  r.N_f = f.item_vectors == ItemVectors::random ? v.int32("N_f") : f.N_items + f.categories;
  if (f.item_vectors == ItemVectors::orthonormal && v.given("N_f"))
    v.fail("N_f", "orthonormal items have N_f = N_items + categories; N_f applies to item_vectors = \"random\"");
  v.use("N_f", std::int64_t(r.N_f));
  f.L = v.int32("L");
  if (f.L > f.N_items)
    v.fail("L", fmt::format("a list of {} items needs at least that many items in the pool, N_items = {}", f.L,
                            f.N_items));
  f.subjects = v.int32("subjects");
  f.lists = v.int32("lists");
  if (static_cast<std::int64_t>(f.subjects) * f.lists > 10000000)
    v.fail("lists", fmt::format("subjects * lists = {} is more than 10^7 lists",
                                static_cast<std::int64_t>(f.subjects) * f.lists));

  auto& c = f.cmr;
  c.beta_enc = v.num("beta_enc");
  c.beta_rec = v.num("beta_rec");
  c.beta_start = v.num("beta_start");
  c.gamma_fc = v.num("gamma_fc");
  c.phi = v.num("phi");
  c.phi_s = v.num("phi_s");
  c.phi_d = v.num("phi_d");
  c.salience_decay_time = v.num("salience_decay_time");
  c.retention_interval = v.num("retention_interval");
  c.tau = v.num("tau");
  c.X_s = v.num("X_s");
  c.X_k = v.num("X_k");
  f.drift = parse_choice<ContextDriftKind>(v.choice("drift"));

  f.rule = parse_choice<RecallRule>(v.choice("recall_rule"));
  f.accumulator = {v.num("kappa"), v.num("lambda"), v.num("eta"), v.num("accumulator_threshold")};
  f.recall_period = v.num("recall_period");
  f.cue_first = v.chose("recall_cue", "first");
  f.hebb_forward = v.num("hebb_forward");
  f.hebb_backward = v.num("hebb_backward");
  f.hebb_lag_decay = v.num("hebb_lag_decay");
  f.V_f_noise = v.num("V_f_noise");

  f.recognition = v.boolean("recognition");
  f.lures = v.int32("lures") == -1 ? f.L : v.int32("lures");
  f.familiarity_max = v.chose("familiarity", "max");
  f.recognition_criterion = v.num("recognition_criterion");
  f.recognition_noise = v.num("recognition_noise");
  if (f.recognition) {
    if (f.rule == RecallRule::gsemm) v.fail("recognition", "is a test of the CMR keys, not of recall_rule = \"gsemm\"");
    if (f.L + f.lures > f.N_items)
      v.fail(v.given("lures") ? "lures" : "N_items",
             fmt::format("L + lures = {} + {} items are probed, but the pool has N_items = {}", f.L, f.lures,
                         f.N_items));
  }
  v.use("lures", std::int64_t(f.lures));

  r.cue_noise = v.num("cue_noise");
  resolve_integrator_limits(v, r);
  r.stepper = parse_choice<StepperKind>(v.choice("stepper"));
  if (v.given("cue_memory")) v.fail("cue_memory", "free recall is cued by its context (gsemm: recall_cue)");
  if (f.rule == RecallRule::accumulator && !f.recognition && f.recall_period / r.dt > 1e7)
    v.fail(v.given("dt") ? "dt" : "recall_period",
           fmt::format("recall_period / dt = {:.3g} accumulator steps per list, more than 10^7", f.recall_period / r.dt));
  if (f.rule == RecallRule::gsemm) {
    if (f.item_vectors != ItemVectors::random)
      v.fail("recall_rule", "gsemm stores the items as +-1 patterns: it needs item_vectors = \"random\"");
    if (r.stepper != StepperKind::rk4 && r.stepper != StepperKind::dopri5)
      v.fail("stepper", "the GSEMM recall integrates with rk4 or dopri5");
    if (f.V_f_noise > 0 && v.given("stepper"))
      v.fail("stepper", "with V_f_noise > 0 the GSEMM recall integrates by Euler-Maruyama at dt");
    resolve_network(v, r.params);
    resolve_sample_dt(v, r);
    r.threshold = v.num("threshold");
  }
  return r;
}

}  // namespace seqmem::scenario_detail
