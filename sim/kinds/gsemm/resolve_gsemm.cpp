// kind = "gsemm", "dense_gsemm", "gamm": the scenario's values of a GSEMM run, capacity sweep or
// baseline (models/gsemm.hpp, models/dense_gsemm.hpp; sim/kinds/gsemm/runner.hpp). The checks run in
// the order of the sections, so that of several faults the first in the file is reported.
#include <fmt/format.h>

#include <algorithm>

#include "sim/scenario/scenario_values.hpp"

namespace seqmem::scenario_detail {
namespace {

// The capacity sweep is active when one of its axes is set; its other keys need the axes.
bool sweep_given(const Values& v) {
  for (const char* k : {"sweep_degrees", "sweep_seeds", "sweep_alpha_c"})
    if (v.given(k)) return true;
  return false;
}

// [model]: the network (Eq. 1 / Eq. 3) and the readings of Figure 3.
void resolve_gsemm_network(const Values& v, RunSpec& r) {
  r.N_f = v.int32("N_f");

  auto& p = r.params;
  resolve_network(v, p);
  p.T_f = v.num("T_f");
  p.T_h = v.num("T_h");
  p.alpha_s_placement = parse_choice<AlphaSPlacement>(v.choice("alpha_s_placement"));
  p.hidden_normalization = parse_choice<HiddenNormalization>(v.choice("hidden_normalization"));
  if (r.model == ModelKind::gsemm) {  // the three-layer model has sqrt(alpha_s) inside (Eq. 1)
    if (p.alpha_s_placement == AlphaSPlacement::public_code)
      v.fail("alpha_s_placement", "public_code is a reading of Dense GSEMM (kind = \"dense_gsemm\" or \"gamm\")");
    if (p.hidden_normalization != HiddenNormalization::none)
      v.fail("hidden_normalization", "a reading of Dense GSEMM (kind = \"dense_gsemm\" or \"gamm\")");
  }
}

// What the scenario is for: a capacity sweep ([sweep]), a baseline ([baseline]) or runs.
void resolve_command(const Values& v, RunSpec& r) {
  const bool sweep = sweep_given(v);
  if (!sweep)
    for (const char* k : {"K_min", "K_max", "criterion", "cycles_required", "K_growth", "K_list", "K_list_all", "K_resolution", "horizon",
                          "horizon_time", "horizon_per_memory", "success_rule", "max_wall_s", "fallback_rk4",
                          "capacity_per_alpha_c"})
      if (v.given(k)) v.fail(k, "a key of [sweep]: the capacity sweep needs sweep_degrees, sweep_seeds and sweep_alpha_c");
  const auto baseline_model = parse_choice<BaselineModel>(v.choice("baseline_model"));
  const bool baseline = baseline_model != BaselineModel::none;
  if (sweep && baseline) v.fail("baseline_model", "a scenario has [sweep] or [baseline], not both");
  if (!baseline)
    for (const auto& k : schema())
      if (std::string(k.section) == "baseline" && v.given(k.key))
        v.fail(k.key, "[baseline] needs baseline_model (hopfield, dense_poly, dense_rectified or dense_exp)");
  r.command = sweep ? Command::sweep : baseline ? Command::baseline : Command::run;
  const bool runs = r.command == Command::run;
  if (!runs)
    for (const char* k : {"K", "Xi_file", "cycles", "Phi_file", "expect_cycle", "find_fixed_points"})
      if (v.given(k))
        v.fail(k, fmt::format("does not apply to a {}: it builds its own memories{}; remove it",
                              sweep ? "capacity sweep ([sweep])" : "baseline ([baseline])",
                              sweep ? " and one cyclic episode per K" : ""));
}

// [memories] and [episodes]: Xi (K x N_f, or a file) and the episodes of Phi. Returns the largest
// memory index a key may name.
int resolve_memories(const Values& v, const std::string& dir, RunSpec& r) {
  const bool runs = r.command == Command::run;
  r.gsemm().Xi_file = v.file("Xi_file", dir);
  r.gsemm().Xi_dataset = v.str("Xi_dataset");
  const int K = v.int32("K");
  if (runs && r.gsemm().Xi_file.empty()) {
    if (!v.given("K"))
      v.fail_file("K", "not given: [memories] needs K, the number of memories (1..1000000), or Xi_file");
    if (K == 0) v.fail("K", "must be in 1..1000000 (or give Xi_file), got 0");
  }
  if (!r.gsemm().Xi_file.empty() && v.given("K") && K != 0) v.fail("K", "give either K or Xi_file, not both");
  r.gsemm().K = K;  // 0 with Xi_file: set when the file is read
  // The largest memory index a key may name: file-backed K is checked when the file is loaded.
  const int K_known = r.gsemm().Xi_file.empty() && runs ? r.gsemm().K : 1000000;

  r.gsemm().Phi_file = v.file("Phi_file", dir);
  r.gsemm().Phi_dataset = v.str("Phi_dataset");
  const auto& cycles = *v.get("cycles").as_array();
  if (!r.gsemm().Phi_file.empty() && !cycles.empty()) v.fail("Phi_file", "give either cycles or Phi_file, not both");
  if (r.model == ModelKind::gamm && (!cycles.empty() || !r.gsemm().Phi_file.empty()))
    v.fail("kind", "gamm has no episodes (Phi = 0): remove [episodes]");
  const auto weights = v.num_list("weights");
  if (!weights.empty() && weights.size() != cycles.size())
    v.fail("weights", fmt::format("needs one weight per episode ({}), got {}", cycles.size(), weights.size()));
  const toml::node& cyc = v.get("cyclic");
  if (const auto* ca = cyc.as_array(); ca && ca->size() != cycles.size())
    v.fail("cyclic", fmt::format("needs one value per episode ({}), got {}", cycles.size(), ca->size()));
  for (std::size_t e = 0; e < cycles.size(); ++e) {
    Episode ep;
    std::vector<std::int64_t> members;
    for (const auto& x : *cycles[e].as_array()) members.push_back(x.as_integer()->get());
    ep.memories = memories_zero_based(v, "cycles", members, K_known);
    if (ep.memories.size() < 2) v.fail("cycles", fmt::format("episode {} needs at least 2 memories", e + 1));
    ep.cyclic = cyc.is_boolean() ? cyc.as_boolean()->get() : (*cyc.as_array())[e].as_boolean()->get();
    ep.weight = weights.empty() ? 1.0 : weights[e];
    r.gsemm().episodes.push_back(std::move(ep));
  }

  return K_known;
}

// [cue] and [input]: the initial state and the external current.
void resolve_cue_and_input(const Values& v, RunSpec& r, int K_known) {
  const bool runs = r.command == Command::run;
  const auto cue = v.integer("cue_memory");
  if (runs && cue > K_known)
    v.fail("cue_memory", fmt::format("memory {} does not exist (memories are 1..{}, 0: none)", cue, r.gsemm().K));
  r.cue_memory = static_cast<int>(cue) - 1;
  r.gsemm().cue_amplitude = v.num("cue_amplitude");
  r.gsemm().cue_flip = v.num("cue_flip");
  r.gsemm().cue_zero = v.num("cue_zero");
  r.cue_noise = v.num("cue_noise");
  r.gsemm().V_d0_from_cue = v.chose("V_d0", "cue");

  const auto input = v.integer("input_memory");
  if (runs && input > K_known)
    v.fail("input_memory", fmt::format("memory {} does not exist (memories are 1..{}, 0: none)", input, r.gsemm().K));
  r.gsemm().input_memory = static_cast<int>(input) - 1;
  r.gsemm().input_amplitude = v.num("input_amplitude");
  r.gsemm().input_t_on = v.num("t_on");
  r.gsemm().input_t_off = v.num("t_off");
}

// [integrator], [output] and the stop rules of a sequence run.
void resolve_integration(const Values& v, RunSpec& r, int K_known) {
  const bool runs = r.command == Command::run;
  r.stepper = parse_choice<StepperKind>(v.choice("stepper"));
  resolve_integrator_limits(v, r);
  if (r.gsemm().input_memory >= 0) {  // only a current that exists is checked
    if (!(r.gsemm().input_t_off > r.gsemm().input_t_on))
      v.fail(v.given("t_off") ? "t_off" : "t_on",
             fmt::format("the current is on for t_on <= t < t_off: t_off = {} must be > t_on = {}",
                         r.gsemm().input_t_off, r.gsemm().input_t_on));
    if (!(r.gsemm().input_t_on < r.t_end))
      v.fail("t_on", fmt::format("the current would never be applied: t_on = {} is not before t_end = {}",
                                 r.gsemm().input_t_on, r.t_end));
  }
  resolve_sample_dt(v, r);
  r.threshold = v.num("threshold");
  for (const auto& s : *v.get("states").as_array()) {
    const auto name = v.checked_choice("states", s.as_string()->get());
    if (name == "V_f")
      r.gsemm().record_V_f = true;
    else if (name == "V_h")
      r.gsemm().record_V_h = true;
    else if (name == "V_d")
      r.gsemm().record_V_d = true;
    else
      v.fail("states", fmt::format("{} is a state of the sequence family (seqnet, densenet, mixednet: S; eden: v, s); "
                                   "a GSEMM run records V_f, V_h, V_d",
                                   name));
  }
  r.gsemm().record_energy = v.boolean("energy");
  r.gsemm().state_every = v.int32("state_every");
  r.gsemm().chunk = v.int32("chunk");
  r.gsemm().expect_cycle = resolve_expect_cycle(v, K_known);
  auto& st = r.gsemm().stop;
  st.detect_stall = !r.gsemm().episodes.empty() || !r.gsemm().Phi_file.empty() || !r.gsemm().expect_cycle.empty();
  resolve_stop_rules(v, runs, r.gsemm().expect_cycle, st);
  if (runs && st.stop_on_stall && !st.detect_stall)
    v.fail("stop_on_stall", "needs a sequence run: [episodes] or expect_cycle");
}

// [sweep]: the capacity search (sim/experiments/capacity.hpp).
void resolve_capacity_sweep(const Values& v, RunSpec& r) {
  const bool sweep = r.command == Command::sweep;
  const auto& p = r.params;
  auto& sw = r.gsemm().sweep;
  for (auto n : v.int_list("sweep_degrees")) sw.degrees.push_back(static_cast<int>(n));
  for (auto n : v.int_list("sweep_seeds")) sw.seeds.push_back(static_cast<std::uint64_t>(n));
  sw.alpha_c = v.num_list("sweep_alpha_c");
  sw.per_alpha_c = v.boolean("capacity_per_alpha_c");
  for (std::size_t i = 0; sw.per_alpha_c && i < sw.alpha_c.size(); ++i)
    if (std::count(sw.alpha_c.begin(), sw.alpha_c.end(), sw.alpha_c[i]) > 1)
      v.fail("sweep_alpha_c", fmt::format("capacity_per_alpha_c: alpha_c = {} is given twice", sw.alpha_c[i]));
  sw.K_min = v.int32("K_min");
  sw.K_max = v.int32("K_max");
  sw.cycles_required = v.int32("cycles_required");
  v.choice("criterion");
  sw.K_growth = v.num("K_growth");
  for (auto k : v.int_list("K_list")) sw.K_list.push_back(static_cast<int>(k));
  for (std::size_t i = 1; i < sw.K_list.size(); ++i)
    if (sw.K_list[i] <= sw.K_list[i - 1]) v.fail("K_list", "the K must increase");
  sw.K_list_all = v.boolean("K_list_all");
  sw.K_resolution = v.num("K_resolution");
  sw.horizon = parse_choice<Horizon>(v.choice("horizon"));
  sw.horizon_time = v.num("horizon_time");
  sw.horizon_per_memory = v.num("horizon_per_memory");
  sw.success_rule = parse_choice<SuccessRule>(v.choice("success_rule"));
  sw.max_wall_s = v.num("max_wall_s");
  sw.fallback_rk4 = v.boolean("fallback_rk4");
  if (sw.success_rule == SuccessRule::public_scripts && sw.horizon == Horizon::stall)
    v.fail("success_rule", "public_scripts judges the run at its end: needs horizon = \"fixed\" or \"proportional\"");
  if (sweep) {
    for (const char* axis : {"sweep_degrees", "sweep_seeds", "sweep_alpha_c"})
      if (v.get(axis).as_array()->empty())
        v.fail_file(axis, "an axis of the sweep must not be empty (a capacity sweep needs sweep_degrees, sweep_seeds "
                          "and sweep_alpha_c)");
    if (sw.K_max < sw.K_min) v.fail("K_max", fmt::format("must be >= K_min = {}, got {}", sw.K_min, sw.K_max));
    if (!sw.K_list.empty() && (sw.K_list.front() < sw.K_min || sw.K_list.back() > sw.K_max))
      v.fail("K_list", fmt::format("every K must lie in K_min..K_max = {}..{}, got {}..{}", sw.K_min, sw.K_max,
                                   sw.K_list.front(), sw.K_list.back()));
    if (sw.K_list_all && sw.K_list.empty()) v.fail("K_list_all", "needs a K_list");
    if (r.model != ModelKind::dense_gsemm) v.fail("kind", "the capacity sweep is for dense_gsemm");
  }
  if (r.stepper == StepperKind::event_driven) {
    if (!sweep)
      v.fail("stepper", "event_driven integrates capacity sweeps ([sweep]) only: it reports the overlaps at sign "
                        "flips, not states at sample times; use dopri5 or rk4 for runs");
    if (p.sigma_h.kind != HiddenKind::polynomial)
      v.fail("stepper", "event_driven needs sigma_h = \"polynomial\" (its saturated phases are solved in closed form)");
  }
  if (sweep && !has_degree(p.sigma_h.kind))
    v.fail("sweep_degrees", fmt::format("sweeps the degree n of sigma_h, which sigma_h = \"{}\" does not have",
                                        to_string(p.sigma_h.kind)));
}

// [baseline] with baseline_model = "eden": the network and its per-bit checks.
void resolve_eden_baseline(const Values& v, BaselineSpec& bl) {
  if (bl.criterion != BaselineCriterion::fixed_point && bl.criterion != BaselineCriterion::P_T)
    v.fail("baseline_criterion",
           fmt::format("eden takes fixed_point or P_T (EDEN's per-bit checks, docs/capacity.md), got {}; cycles "
                       "would integrate the whole cycle for each P",
                       to_string(bl.criterion)));
  auto& e = bl.eden;
  resolve_eden_network(v, e);
  bl.eden_s_scale = v.num("eden_s_scale");
  bl.bit_tolerance = v.num("bit_tolerance");
  bl.error_tolerance = v.num("error_tolerance");
  bl.transitions_checked = v.int32("transitions_checked");
  if (bl.criterion == BaselineCriterion::P_T) {
    e.T_f = v.num("eden_T_f");
    bl.eden_t_transition = v.num("eden_t_transition");
    bl.eden_dt = v.num("eden_dt");
    if (bl.eden_t_transition / bl.eden_dt > 1e7)
      v.fail("eden_dt", fmt::format("eden_t_transition / eden_dt = {:.3g} steps, more than 10^7",
                                    bl.eden_t_transition / bl.eden_dt));
  }
  if (bl.P_max < 2) v.fail("P_max", "a cycle needs P_max >= 2 patterns");
}

// [baseline]: the singleton capacity of the classical and dense associative memories.
void resolve_baseline(const Values& v, RunSpec& r) {
  auto& bl = r.gsemm().baseline;
  bl.model = parse_choice<BaselineModel>(v.choice("baseline_model"));
  for (auto n : v.int_list("baseline_N")) bl.N.push_back(static_cast<int>(n));
  bl.criterion = parse_choice<BaselineCriterion>(v.choice("baseline_criterion"));
  bl.trials = v.int32("trials");
  bl.P_max = v.int32("P_max");
  if (bl.model == BaselineModel::none) return;
  if (bl.N.empty()) v.fail("baseline_N", "an axis of the baseline must not be empty");
  if (bl.model == BaselineModel::eden) {  // sim/experiments/eden_capacity.hpp
    resolve_eden_baseline(v, bl);
  } else if (!is_sequence_model(bl.model)) {  // singleton memories
    if (is_sequence_criterion(bl.criterion))
      v.fail("baseline_criterion", fmt::format("{} is a criterion of the sequence memories; {} takes recall or "
                                               "fixed_point",
                                               to_string(bl.criterion), to_string(bl.model)));
    bl.cue_flip = v.num("baseline_cue_flip");
    bl.overlap_threshold = v.num("overlap_threshold");
    bl.required_fraction = v.num("required_fraction");
    if (has_degree(bl.model)) {
      for (auto n : v.int_list("baseline_degrees")) bl.degrees.push_back(static_cast<int>(n));
      for (int n : bl.degrees)
        if (n < 2) v.fail("baseline_degrees", fmt::format("{} needs degrees n >= 2, got {}", to_string(bl.model), n));
    }
  } else {  // sequence memories (sim/experiments/sequence_capacity.hpp)
    if (!is_sequence_criterion(bl.criterion))
      v.fail("baseline_criterion", fmt::format("{} is a criterion of the singleton memories; {} takes P_T, P_S or "
                                               "cycles",
                                               to_string(bl.criterion), to_string(bl.model)));
    if (bl.model != BaselineModel::seqnet) bl.separation = parse_choice<Separation>(v.choice("separation"));
    if (bl.model == BaselineModel::mixednet) {
      bl.lambda = v.num("mixednet_lambda");
      bl.delay = v.int32("mixednet_delay");
      bl.law_reading = parse_choice<MixedLawReading>(v.choice("mixednet_law"));
    }
    if (bl.model != BaselineModel::seqnet && bl.separation == Separation::polynomial)
      for (auto n : v.int_list("baseline_degrees")) bl.degrees.push_back(static_cast<int>(n));
    if (bl.criterion == BaselineCriterion::P_T) {
      bl.error_tolerance = v.num("error_tolerance");
      bl.transitions_checked = v.int32("transitions_checked");
    }
    if (bl.criterion == BaselineCriterion::cycles) {
      bl.cue_flip = v.num("baseline_cue_flip");
      bl.overlap_threshold = v.num("overlap_threshold");
      if (!(bl.overlap_threshold > 0)) v.fail("overlap_threshold", "a visit of cycles needs an overlap threshold > 0");
      bl.cycles_required = v.int32("baseline_cycles");
      bl.stall_steps = v.int32("stall_steps");
    }
    if (bl.P_max < 2) v.fail("P_max", "a cycle needs P_max >= 2 patterns");
    SequenceNetParams net;
    net.separation = bl.separation;
    net.mixed = bl.model == BaselineModel::mixednet;
    net.lambda = bl.lambda;
    net.delay = bl.delay;
    for (const int N : bl.N)
      for (const int d : bl.degrees) {
        net.degree = d;
        if (!fields_exact(N, bl.P_max, net))
          v.fail("baseline_degrees",
                 fmt::format("degree {} at N = {} with P_max = {}: the fields are exact only while 2 P_max (N+1)^d{} "
                             "< 2^53 (models.md §3.3); lower the degree or P_max",
                             d, N, bl.P_max, net.mixed ? " (1 + lambda)" : ""));
      }
  }
  if (has_degree(bl.model) && bl.degrees.empty() &&
      !(is_sequence_model(bl.model) && bl.separation == Separation::exponential))
    v.fail("baseline_degrees", "an axis of the baseline must not be empty");
}

// [fixed_points]: the fixed-point finder and the energy surfaces (sim/experiments/fixed_points.hpp).
void resolve_fixed_points(const Values& v, RunSpec& r, int K_known) {
  const auto& p = r.params;
  auto& fp = r.gsemm().fixed_points;
  fp.enabled = v.boolean("find_fixed_points");
  if (fp.enabled && r.model == ModelKind::gsemm)
    v.fail("find_fixed_points", "the fixed-point finder is for dense_gsemm and gamm (V_h is slaved to V_f there)");
  if (fp.enabled && (p.alpha_s_placement == AlphaSPlacement::public_code ||
                     p.hidden_normalization != HiddenNormalization::none))
    v.fail("find_fixed_points", "the fixed-point finder supports alpha_s_placement eq10 and eq9 with "
                                "hidden_normalization = \"none\"");
  fp.t_start = v.num("fp_t_start");
  // the window ends at the run's end: -1, or a later time, is t_end (recorded as used)
  fp.t_end = v.num("fp_t_end") == -1 ? r.t_end : std::min(v.num("fp_t_end"), r.t_end);
  v.use("fp_t_end", fp.t_end);
  fp.every = v.int32("fp_every");
  fp.from_memories = v.boolean("fp_from_memories");
  fp.start_amplitude = v.num("fp_start_amplitude");
  fp.descent_tol = v.num("fp_descent_tol");
  fp.newton_tol = v.num("fp_newton_tol");
  fp.surface_slices = v.int32("surface_slices");
  fp.surface_pca = v.chose("surface_plane", "pca");
  fp.surface_grid = v.int32("surface_grid");
  fp.surface_range = v.num("surface_range");
  if (fp.surface_slices > 0 && !fp.enabled) v.fail("surface_slices", "needs find_fixed_points = true");
  if (fp.enabled) {  // only what the analysis uses is checked against the run
    if (fp.t_start > r.t_end)
      v.fail("fp_t_start", fmt::format("must be <= t_end = {}, got {}", r.t_end, fp.t_start));
    if (fp.t_end < fp.t_start) v.fail("fp_t_end", fmt::format("must be >= fp_t_start = {} (or -1)", fp.t_start));
    if ((fp.t_end - fp.t_start) / r.sample_dt / fp.every > 1e5)
      v.fail("fp_every", "more than 100000 fixed-point samples: raise fp_every or narrow the window");
  }
  const bool memory_plane = fp.enabled && fp.surface_slices > 0 && !fp.surface_pca;
  const auto sm = v.int_list("surface_memories");
  fp.surface_memories = memories_zero_based(v, "surface_memories", sm, memory_plane ? K_known : 1000000);
  if (memory_plane && (fp.surface_memories.size() != 2 || fp.surface_memories[0] == fp.surface_memories[1]))
    v.fail("surface_memories", "needs two different memories");
}

}  // namespace

RunSpec resolve_gsemm(const Values& v, const std::string& dir, RunSpec r) {
  r.kind_spec.emplace<GsemmSpec>();
  resolve_gsemm_network(v, r);
  resolve_command(v, r);
  const int K_known = resolve_memories(v, dir, r);
  resolve_cue_and_input(v, r, K_known);
  resolve_integration(v, r, K_known);
  resolve_capacity_sweep(v, r);
  resolve_baseline(v, r);
  resolve_fixed_points(v, r, K_known);
  return r;
}

}  // namespace seqmem::scenario_detail
