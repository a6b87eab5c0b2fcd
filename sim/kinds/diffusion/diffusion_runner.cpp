#include "sim/kinds/diffusion/diffusion_runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <random>
#include <stdexcept>

#include "sim/core/cancel.hpp"
#include "sim/core/progress.hpp"

namespace seqmem {
namespace {

// Independent streams of one seed: the patterns, and the cue of trajectory i.
std::mt19937_64 stream_rng(std::uint64_t seed, std::uint64_t index, std::uint32_t stream) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), stream};
  return std::mt19937_64(seq);
}
constexpr std::uint32_t kPatternStream = 0x70617474, kCueStream = 0x63756573;  // "patt", "cues"

}  // namespace

GaussianMixture make_mixture(const RunSpec& spec, const FileCache& files) {
  const auto& d = spec.diffusion();
  std::mt19937_64 rng = stream_rng(spec.seed, 0, kPatternStream);
  Mat Y;
  if (!d.Y_file.empty()) {
    Y = files.at(file_key(d.Y_file, d.Y_dataset));
  } else {
    std::normal_distribution<double> gauss;
    Y.resize(d.D, d.N);
    for (Eigen::Index n = 0; n < Y.cols(); ++n) {
      for (Eigen::Index i = 0; i < Y.rows(); ++i) Y(i, n) = gauss(rng);
      Y.col(n) *= d.pattern_norm / Y.col(n).norm();
    }
  }
  GaussianMixture g(d.D);
  if (d.extended_rank > 0 && d.extended_variance > 0 && Y.cols() > 0) {
    g = extended_memories(Y, d.extended_rank, d.extended_variance, rng);
  } else if (!d.covariance_file.empty()) {
    const Mat& C = files.at(stack_key(d.covariance_file, d.covariance_dataset));
    GaussianMixture::Batch batch;
    batch.reserve(static_cast<std::size_t>(Y.cols()));
    for (Eigen::Index n = 0; n < Y.cols(); ++n) {
      try {
        g.add_covariance(batch, Y.col(n), 1.0, static_cast<int>(n) + 1, C.block(n * d.D, 0, d.D, d.D));
      } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("{}: key 'covariance_file': covariance of memory {}: {}", d.covariance_file,
                                     n + 1, without_function_name(e.what())));
      }
    }
    batch.append_to(g);
  } else if (Y.cols() > 0) {
    g = GaussianMixture::points(Y);
  }
  if (d.manifold_components > 0) {
    const Vec center = Vec::Zero(d.D), u = Vec::Unit(d.D, 0), v = Vec::Unit(d.D, 1);
    add_circle_manifold(g, center, u, v, d.manifold_radius, d.manifold_components, d.manifold_variance,
                        Y.cols() > 0 ? d.manifold_weight : 1.0);
  }
  return g;
}

PatternDiffusion make_diffusion(const RunSpec& spec, GaussianMixture memories) {
  const auto& d = spec.diffusion();
  return PatternDiffusion(std::move(memories), d.sigma, d.T, d.process == DiffusionProcess::vp ? d.gamma_v : 0.0);
}

Mat make_cues(const RunSpec& spec, const GaussianMixture& memories) {
  const auto& d = spec.diffusion();
  const int M = d.cue_per_trajectory ? d.trajectories : 1;
  int N = 0;  // point / extended memories: the first components, labels 1..N
  while (N < memories.K() && memories.label(N) == N + 1) ++N;
  Mat cues(d.D, M);
  std::normal_distribution<double> gauss;
  for (int i = 0; i < M; ++i) {
    const int m = d.cue_cycle ? i % N : spec.cue_memory;
    if (m >= 0) cues.col(i) = memories.means().col(m);
    else cues.col(i).setZero();
    if (spec.cue_noise > 0) {
      std::mt19937_64 rng = stream_rng(spec.seed, static_cast<std::uint64_t>(i), kCueStream);
      for (Eigen::Index j = 0; j < d.D; ++j) cues(j, i) += spec.cue_noise * gauss(rng);
    }
  }
  return cues;
}

DiffusionOutcome simulate_diffusion(const RunSpec& spec, const FileCache& files, int threads, bool progress) {
  const auto t_start = std::chrono::steady_clock::now();
  const auto& d = spec.diffusion();
  DiffusionOutcome o;
  const PatternDiffusion dm = make_diffusion(spec, make_mixture(spec, files));
  o.memories = dm.shared_mixture();
  const GaussianMixture& memories = *o.memories;
  o.cues = make_cues(spec, memories);

  RecallSpec rs;
  rs.dynamics = d.dynamics == DiffusionDynamics::reverse_sde        ? RecallDynamics::reverse_sde
                : d.dynamics == DiffusionDynamics::probability_flow ? RecallDynamics::probability_flow
                                                                    : RecallDynamics::hopfield;
  rs.t0 = d.t0;
  rs.t_end = spec.t_end;
  rs.dt = spec.dt;
  rs.integrator = integrator_spec(spec);
  rs.mixture_threshold = d.mixture_threshold;
  rs.beta = d.beta;
  rs.trajectories = d.trajectories;
  rs.seed = spec.seed;
  rs.threads = threads;
  rs.paths = d.paths;
  rs.path_every = d.path_every;
  // "r0000: trajectories 300/1000 (30%), elapsed ..., eta ..." (sim/core/progress.hpp); recall() calls
  // back from one thread at most every progress_s seconds.
  Progress bar(spec.id, "trajectories", d.trajectories, progress);
  rs.progress_s = progress_interval(5.0);
  if (progress) rs.progress = [&bar](long done, long) { bar.report(static_cast<double>(done), "", true); };
  o.result = recall(dm, o.cues, rs);
  if (o.result.failed > 0) {
    o.status = "failed";
    o.message = fmt::format("the stepper gave up on {} of {} trajectories (first: {})", o.result.failed,
                            d.trajectories, o.result.first_failure);
  } else if (o.result.diverged > 0) {
    o.status = "diverged";
    o.message = fmt::format("{} of {} end states are not finite", o.result.diverged, d.trajectories);
  }

  int L = 0;
  for (int k = 0; k < memories.K(); ++k) L = std::max(L, memories.label(k));
  o.label_counts.assign(L + 1, 0);
  for (int l : o.result.label)
    if (l >= 0) ++o.label_counts[l];
  o.label_posterior = Vec::Zero(L + 1);
  PatternDiffusion local = dm;
  for (Eigen::Index i = 0; i < o.cues.cols(); ++i) {
    throw_if_cancelled();  // M cues x K components: seconds for large mixtures
    const Vec& w = local.weights(o.cues.col(i), d.t0);
    for (int k = 0; k < memories.K(); ++k) o.label_posterior(memories.label(k)) += w(k);
  }
  o.label_posterior /= static_cast<double>(o.cues.cols());

  if (d.landscape_grid > 0) {
    o.landscape = diffusion_landscape(dm, d.landscape_t, d.landscape_grid, d.landscape_range);
    o.has_landscape = true;
  }
  o.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return o;
}

}  // namespace seqmem
