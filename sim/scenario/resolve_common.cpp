// The resolution steps the kinds' resolvers share (sim/scenario/scenario_values.hpp): the
// integrator's limits, the Dense GSEMM network, the sampling step, the episode check and stop rules.
#include <cmath>
#include <utility>

#include "sim/scenario/scenario_values.hpp"

namespace seqmem {

namespace scenario_detail {

void resolve_integrator_limits(const Values& v, RunSpec& r) {
  r.dt = v.num("dt");
  r.t_end = v.num("t_end");
  r.abs_tol = v.num("abs_tol");
  r.rel_tol = v.num("rel_tol");
  r.max_steps = v.integer("max_steps");
  r.min_step = v.num("min_step");
  r.flip_time = v.num("flip_time");
}

// The [model] keys of a Dense GSEMM that the free-recall engine shares with the GSEMM kinds.
void resolve_network(const Values& v, GsemmParams& p) {
  p.alpha_s = v.num("alpha_s");
  p.alpha_c = v.num("alpha_c");
  p.T_d = v.num("T_d");
  p.beta_d = v.num("beta_d");
  p.gamma = v.num("gamma");
  p.sigma_h.kind = parse_choice<HiddenKind>(v.choice("sigma_h"));
  p.sigma_h.degree = v.int32("degree");
  p.sigma_h.beta_h = v.num("beta_h");
}

// sample_dt: a whole multiple of rk4's step, and at most 1e9 samples.
void resolve_sample_dt(const Values& v, RunSpec& r) {
  r.sample_dt = v.num("sample_dt");
  if (r.stepper == StepperKind::rk4 || r.stepper == StepperKind::rk4_split) {
    const double ratio = r.sample_dt / r.dt;
    if (std::abs(ratio - std::round(ratio)) > 1e-9 * ratio || std::round(ratio) < 1)
      v.fail("sample_dt", fmt::format("must be a whole multiple of dt = {} for rk4, got {}", r.dt, r.sample_dt));
  }
  if (r.t_end / r.sample_dt > 1e9)
    v.fail(v.given("t_end") || !v.given("sample_dt") ? "t_end" : "sample_dt",
           fmt::format("t_end / sample_dt = {:.3g} samples, more than 1e9: shorten t_end or raise sample_dt",
                       r.t_end / r.sample_dt));
}

void resolve_eden_network(const Values& v, EdenParams& e) {
  e.alpha_s = v.num("eden_alpha_s");
  e.alpha_c = v.num("eden_alpha_c");
  e.normalisation = parse_choice<EdenNormalisation>(v.choice("eden_normalisation"));
  if (e.normalisation == EdenNormalisation::code) e.beta = v.num("eden_beta");
}

std::vector<int> memories_zero_based(const Values& v, const std::string& key, const std::vector<std::int64_t>& a,
                                     int K) {
  std::vector<int> out;
  for (auto i : a) {
    if (i < 1 || i > K) v.fail(key, fmt::format("memory {} does not exist (memories are 1..{})", i, K));
    out.push_back(static_cast<int>(i - 1));
  }
  return out;
}

std::vector<int> resolve_expect_cycle(const Values& v, int K) {
  std::vector<int> cycle = memories_zero_based(v, "expect_cycle", v.int_list("expect_cycle"), K);
  if (cycle.size() == 1) v.fail("expect_cycle", "an expected cycle needs at least 2 memories");
  return cycle;
}

void resolve_stop_rules(const Values& v, bool runs, const std::vector<int>& expect_cycle, StopRules& st) {
  st.stall_time = v.num("stall_time");
  st.stop_on_stall = v.boolean("stop_on_stall");
  st.stop_after_cycles = v.int32("stop_after_cycles");
  st.stop_on_wrong_visit = v.boolean("stop_on_wrong_visit");
  if (runs && expect_cycle.empty())
    for (const char* k : {"stop_after_cycles", "stop_on_wrong_visit"})
      if (v.given(k) && (v.get(k).is_boolean() ? v.boolean(k) : v.integer(k) > 0))
        v.fail(k, "needs expect_cycle (the episode the cycles and wrong visits refer to)");
}

}  // namespace scenario_detail

}  // namespace seqmem
