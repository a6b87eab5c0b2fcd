// The keys of kind = "seqnet", "densenet", "mixednet", "eden": the sequence memories as runs
// (docs/models.md §3.3-3.4; sim/kinds/sequence/sequence_runner.hpp).
#include <fmt/format.h>

#include <cmath>

#include "sim/scenario/scenario_values.hpp"

namespace seqmem::scenario_detail {
namespace {

// [model] of a map: SeqNet (d = 1), DenseNet (separation, degree), MixedNet (and lambda, tau).
void resolve_map_network(const Values& v, RunSpec& r) {
  auto& n = r.sequence().net;
  n.mixed = r.model == ModelKind::mixednet;
  if (r.model != ModelKind::seqnet) n.separation = parse_choice<Separation>(v.choice("separation"));
  n.degree = r.model != ModelKind::seqnet && n.separation == Separation::polynomial ? v.int32("degree") : 1;
  if (n.mixed) {
    n.lambda = v.num("mixednet_lambda");
    n.delay = v.int32("mixednet_delay");
  }
  if (r.N_f < 2) v.fail("N_f", "the leave-one-out overlap needs N_f >= 2 neurons");
  if (!fields_exact(r.N_f, r.sequence().K, n))
    v.fail("degree", fmt::format("degree {} at N_f = {} with K = {}: the fields are exact only while 2 K (N_f+1)^d{} "
                                 "< 2^53 (models.md §3.3); lower the degree or K",
                                 n.degree, r.N_f, r.sequence().K, n.mixed ? " (1 + lambda)" : ""));
}

// [integrator] and sample_dt: a map takes t_end updates, each a sample; EDEN integrates.
void resolve_time(const Values& v, RunSpec& r) {
  resolve_integrator_limits(v, r);
  if (r.model != ModelKind::eden) {
    if (r.t_end != std::floor(r.t_end) || r.t_end > 1e9)
      v.fail("t_end", fmt::format("a map takes t_end synchronous updates: a whole number in 1..1e9, got {}", r.t_end));
    r.sample_dt = 1;
    return;
  }
  r.stepper = parse_choice<StepperKind>(v.choice("stepper"));
  if (r.stepper != StepperKind::rk4 && r.stepper != StepperKind::dopri5 && r.stepper != StepperKind::cvode_bdf)
    v.fail("stepper", fmt::format("EDEN integrates with rk4, dopri5 or cvode_bdf, got {}", to_string(r.stepper)));
  resolve_sample_dt(v, r);
}

// [record]: the visit threshold and the states (S of a map; v and s of EDEN).
void resolve_record(const Values& v, RunSpec& r) {
  auto& q = r.sequence();
  r.threshold = v.num("threshold");
  const bool eden = r.model == ModelKind::eden;
  for (const auto& s : *v.get("states").as_array()) {
    const auto name = v.checked_choice("states", s.as_string()->get());
    if (eden ? name != "v" && name != "s" : name != "S")
      v.fail("states",
             fmt::format("kind = \"{}\" records {}, not {}", to_string(r.model), eden ? "v and s" : "S", name));
    (name == "s" ? q.record_delay : q.record_state) = true;
  }
  q.state_every = v.int32("state_every");
  q.chunk = v.int32("chunk");
}

}  // namespace

RunSpec resolve_sequence(const Values& v, const std::string&, RunSpec r) {
  auto& q = r.kind_spec.emplace<SequenceSpec>();
  r.N_f = v.int32("N_f");
  q.K = v.int32("K");
  if (q.K < 2) v.fail("K", fmt::format("the cycle xi^1 -> ... -> xi^K -> xi^1 needs K >= 2 patterns, got {}", q.K));
  if (r.model == ModelKind::eden) {  // alpha_s, alpha_c, the normalisation and the time constants
    resolve_eden_network(v, q.eden);
    q.eden.T_f = v.num("eden_T_f");
    q.eden.T_d = v.num("eden_T_d");
  } else {
    resolve_map_network(v, r);
  }

  // [cue]: the cued pattern with a fraction of its entries flipped (0: a random +-1 state; EDEN
  // v(0) = 0), plus Gaussian noise on EDEN's v(0).
  const auto cue = v.integer("cue_memory");
  if (cue > q.K) v.fail("cue_memory", fmt::format("memory {} does not exist (memories are 1..{}, 0: none)", cue, q.K));
  r.cue_memory = static_cast<int>(cue) - 1;
  q.cue_flip = v.num("cue_flip");
  if (r.model == ModelKind::eden) r.cue_noise = v.num("cue_noise");

  resolve_time(v, r);
  resolve_record(v, r);
  // The episode check: the stored cycle 1 -> 2 -> ... -> K, from the first visit of one of them.
  for (int mu = 0; mu < q.K; ++mu) q.expect_cycle.push_back(mu);
  q.stop.detect_stall = true;  // a sequence run
  resolve_stop_rules(v, true, q.expect_cycle, q.stop);
  return r;
}

}  // namespace seqmem::scenario_detail
