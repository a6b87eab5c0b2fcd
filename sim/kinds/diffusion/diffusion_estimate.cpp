// kind = "diffusion": what a run costs (sim/kinds/estimate.hpp): the mixture and its copies, the
// trajectories, paths and landscape; the output from the output catalogue (sim/output/output_size.hpp).
#include <algorithm>
#include <cmath>

#include "sim/experiments/recall.hpp"
#include "sim/kinds/estimate.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/output_size.hpp"

namespace seqmem {

using namespace estimate;

ResourceEstimate estimate_diffusion(const RunSpec& r, const FileCache& files, int threads) {
  ResourceEstimate e;
  const auto& d = r.diffusion();
  const double D = d.D, M = d.trajectories, T = std::max(1, threads);
  double N = d.N;
  if (N < 0) {  // from Y_file
    auto it = files.find(file_key(d.Y_file, d.Y_dataset));
    N = it != files.end() ? static_cast<double>(it->second.cols()) : 0;
  }
  // The rank of the covariances: extended_rank, D for covariance_file, 1 along the manifold's tangent.
  const double R =
      !d.covariance_file.empty()
          ? D
          : std::max<double>(d.extended_rank, d.manifold_components > 0 && d.manifold_variance > 0 ? 1 : 0);
  const double comps = N + d.manifold_components;
  const double L = N + 1;
  const double cues = d.cue_per_trajectory ? M : 1;
  const double steps = std::ceil((r.t_end - d.t0) / r.dt);
  const double path_len = std::floor(steps / d.path_every) + 2;
  const double grid = static_cast<double>(d.landscape_grid) * d.landscape_grid;
  // The mixture (models/gaussian_mixture.hpp): per component its mean, weights and label, and with a
  // rank a basis and variances, each on the heap (an object and an allocation of its own); built
  // from a batch of the same size and the patterns Y; shared by the model's copies.
  const double per_component = kDouble * D + 64 + (R > 0 ? kDouble * (D * R + R) + 160 : 48);
  const double mixture = comps * per_component;
  const double build = 2 * mixture + kDouble * D * N;
  // Each copy of the model (one per thread, the run's, the posterior's): its scratch over components.
  const double scratch = (T + 2) * (kDouble * comps * (3 + R) + kDouble * D);
  // hopfield: a copy of the means per trajectory in flight
  const double hopfield = d.dynamics == DiffusionDynamics::hopfield ? T * kDouble * D * comps : 0;
  const double per_trajectory =
      kDouble * (D * (1 + cues / std::max(1.0, M)) + 6) + (keeps_end_weights(L, M) ? kDouble * L : 0);
  const double paths = 2 * kDouble * d.paths * path_len * (D + 1);     // recorded, and the writer's copy
  const double landscape = 5 * kDouble * grid;                         // four grids and one row-major copy
  const double writer = kDouble * comps * (D * R + 2) + kWriterBytes;  // the covariance factors, weights, labels
  e.memory = build + mixture + scratch + hopfield + M * per_trajectory + paths + landscape + writer;
  e.memory_keys = "trajectories, D, N, manifold_components, extended_rank, paths, path_every, landscape_grid";
  // the catalogue's tables "diffusion" (the posterior weights of every trajectory only when kept,
  // keeps_end_weights) and "landscape"
  e.output = output_bytes("diffusion",
                          {{"dim", D},
                           {"component", comps},
                           {"rank", R},
                           {"trajectory", M},
                           {"[trajectory]", cues},
                           {"label", L},
                           {"path_trajectory", static_cast<double>(d.paths)},
                           {"path_time", d.paths > 0 ? path_len : 0}},
                          [&](const std::string& name) { return name != "end_weights" || keeps_end_weights(L, M); });
  if (d.landscape_grid > 0) e.output += output_bytes("landscape", {{"x", d.landscape_grid}, {"y", d.landscape_grid}});
  e.output_keys = e.memory_keys;
  // a drift: every component's log term (an exp and a product with its mean and basis) and the sum
  const double drift = comps * (2 * D * (1 + R) + 60);
  const double evals = d.dynamics == DiffusionDynamics::reverse_sde ? steps : 6 * steps;
  // trajectories, their end posteriors and the posterior at each cue, the landscape grid (a score
  // per point), the random sub-spaces (a QR of D x rank each)
  e.work = (M * (evals + 2) * drift + cues * drift + grid * drift + N * D * R * R) / kFlops;
  e.work_keys = "trajectories, t_end, t0, dt, D, N, manifold_components, extended_rank, landscape_grid";
  return e;
}

}  // namespace seqmem
