// The keys of kind = "diffusion" (Ambrogioni 2024; models/diffusion.hpp, sim/kinds/diffusion/diffusion_runner.hpp).
#include <fmt/format.h>

#include <cmath>

#include "sim/scenario/scenario_values.hpp"

namespace seqmem::scenario_detail {

// kind = "diffusion": models/diffusion.hpp, sim/kinds/diffusion/diffusion_runner.hpp.
namespace {

// The memories: point patterns (N random or Y_file), their covariance, the circle manifold.
void resolve_memories(const Values& v, const std::string& dir, DiffusionSpec& d) {
  d.D = v.int32("D");
  d.Y_file = v.file("Y_file", dir);
  d.Y_dataset = v.str("Y_dataset");
  const int N = v.int32("N");
  if (!d.Y_file.empty() && N != 0 && v.given("N")) v.fail("N", "give either N or Y_file, not both (N = 0 with Y_file)");
  d.N = d.Y_file.empty() ? N : -1;  // -1: from the file
  d.pattern_norm = v.num("pattern_norm");
  d.extended_rank = v.int32("extended_rank");
  if (d.extended_rank > d.D) v.fail("extended_rank", fmt::format("must be in 0..D = {}, got {}", d.D, d.extended_rank));
  d.extended_variance = v.num("extended_variance");
  d.covariance_file = v.file("covariance_file", dir);
  d.covariance_dataset = v.str("covariance_dataset");
  if (!d.covariance_file.empty() && d.extended_rank > 0)
    v.fail("covariance_file", "give either extended_rank or covariance_file, not both");
  d.manifold_components = v.int32("manifold_components");
  if (d.manifold_components > 0 && d.D < 2) v.fail("manifold_components", "the circle needs D >= 2");
  d.manifold_radius = v.num("manifold_radius");
  d.manifold_variance = v.num("manifold_variance");
  d.manifold_weight = v.num("manifold_weight");
  if (d.N == 0 && d.manifold_components == 0) v.fail("N", "no memories: N = 0 and manifold_components = 0");
  if (d.manifold_components > 0 && d.N != 0 && !(d.manifold_weight < 1))
    v.fail("manifold_weight", "must be < 1 with point memories (N > 0 or Y_file): 1 leaves them no prior mass");
  if (d.N == 0 && d.manifold_weight < 1 && v.given("manifold_weight"))
    v.fail("manifold_weight", "must be 1 without point memories (N = 0)");
}

// The start time t0 of the reverse process; -1: matched to the cue noise, so that the cue is a
// sample of the forward process at t0.
void resolve_t0(const Values& v, RunSpec& r) {
  auto& d = r.diffusion();
  // s^2(tau) = sigma^2 tau (VE) or sigma^2 (1 - exp(-2 gamma tau)) / (2 gamma) (VP) = cue_noise^2
  d.t0 = v.num("t0");
  if (d.t0 == -1) {
    if (!(r.cue_noise > 0)) v.fail("t0", "t0 = -1 (matched to the cue) needs cue_noise > 0");
    const double s2 = r.cue_noise * r.cue_noise, sig2 = d.sigma * d.sigma;
    double tau = s2 / sig2;
    if (d.process == DiffusionProcess::vp) {
      const double q = 2.0 * d.gamma_v * s2 / sig2;
      if (!(q < 1))
        v.fail("t0", fmt::format("cue_noise^2 = {} is beyond the stationary variance sigma^2 / (2 gamma_v) = {}", s2,
                                 sig2 / (2.0 * d.gamma_v)));
      tau = -std::log1p(-q) / (2.0 * d.gamma_v);
    }
    d.t0 = d.T - tau;
    if (!(d.t0 >= 0)) v.fail("t0", fmt::format("matched start t0 = T - {} < 0: raise T or lower cue_noise", tau));
  }
  if (!(d.t0 < r.t_end)) {
    if (v.num("t0") == -1)
      v.fail("t0", fmt::format("t0 = -1 matches the cue noise at t0 = T - tau = {} (tau = {}), not before t_end = {}: "
                               "raise cue_noise or lower sigma",
                               d.t0, d.T - d.t0, r.t_end));
    v.fail("t0", fmt::format("must be in [0, t_end) = [0, {}) or -1, got {}", r.t_end, d.t0));
  }
}

// What the run records: trajectories, paths, mixture labels, the landscape grid.
void resolve_outputs(const Values& v, RunSpec& r) {
  auto& d = r.diffusion();
  d.trajectories = v.int32("trajectories");
  d.paths = v.int32("paths");
  if (d.paths > d.trajectories)
    v.fail("paths", fmt::format("must be in 0..trajectories = {}, got {}", d.trajectories, d.paths));
  if (d.paths > 0 && d.dynamics == DiffusionDynamics::hopfield)
    v.fail("paths", "paths are recorded for reverse_sde and probability_flow, not hopfield");
  d.path_every = v.int32("path_every");
  d.mixture_threshold = v.num("mixture_threshold");

  d.landscape_grid = v.int32("landscape_grid");
  if (d.landscape_grid == 1) v.fail("landscape_grid", "must be 0 or in 2..2001, got 1");
  if (d.landscape_grid > 0 && d.D < 2) v.fail("landscape_grid", "needs D >= 2");
  d.landscape_range = v.num("landscape_range");
  d.landscape_t = v.num("landscape_t") == -1 ? r.t_end : v.num("landscape_t");
  if (!(d.landscape_t < d.T))
    v.fail("landscape_t", fmt::format("must be in [0, T) = [0, {}) or -1, got {}", d.T, d.landscape_t));
}

}  // namespace

RunSpec resolve_diffusion(const Values& v, const std::string& dir, RunSpec r) {
  auto& d = r.kind_spec.emplace<DiffusionSpec>();
  d.process = parse_choice<DiffusionProcess>(v.choice("process"));
  d.sigma = v.num("sigma");
  d.T = v.num("T");
  d.gamma_v = v.num("gamma_v");
  d.dynamics = parse_choice<DiffusionDynamics>(v.choice("dynamics"));
  d.beta = v.num("beta");
  // The flows integrate with dopri5 unless a stepper is given; reverse_sde is Euler-Maruyama.
  if (d.dynamics == DiffusionDynamics::reverse_sde) {
    if (v.given("stepper"))
      v.fail("stepper", "reverse_sde integrates with Euler-Maruyama (step dt); stepper applies to probability_flow "
                        "and hopfield");
    r.stepper = StepperKind::dopri5;
  } else {
    r.stepper = v.given("stepper") ? parse_choice<StepperKind>(v.choice("stepper")) : StepperKind::dopri5;
    if (r.stepper != StepperKind::dopri5 && r.stepper != StepperKind::cvode_bdf)
      v.fail("stepper", "the diffusion flows use an adaptive stepper: dopri5 or cvode_bdf");
  }
  v.use("stepper", std::string(to_string(r.stepper)));

  resolve_memories(v, dir, d);

  // the default cue (memory 1) of a manifold-only scenario is the origin
  const auto cue = d.N == 0 && !v.given("cue_memory") ? 0 : v.integer("cue_memory");
  if (d.N >= 0 && cue > d.N)
    v.fail("cue_memory", fmt::format("memory {} does not exist (memories are 1..{}, 0: the origin)", cue, d.N));
  r.cue_memory = static_cast<int>(cue) - 1;
  r.cue_noise = v.num("cue_noise");
  d.cue_per_trajectory = v.boolean("cue_per_trajectory");
  d.cue_cycle = v.boolean("cue_cycle");
  if (d.cue_cycle && d.N == 0) v.fail("cue_cycle", "needs point memories (N > 0)");

  resolve_integrator_limits(v, r);
  if (!v.given("t_end")) r.t_end = 0.999 * d.T;  // the GSEMM default (100) is no diffusion time
  v.use("t_end", r.t_end);
  v.use("cue_memory", std::int64_t(cue));
  if (!(r.t_end < d.T))
    v.fail("t_end", fmt::format("must be in (0, T) = (0, {}) (the score is singular at T), got {}", d.T, r.t_end));
  resolve_t0(v, r);

  resolve_outputs(v, r);
  // Recorded as the values used, not the -1 that asked for them.
  v.use("t0", d.t0);
  v.use("landscape_t", d.landscape_t);
  return r;
}

}  // namespace seqmem::scenario_detail
