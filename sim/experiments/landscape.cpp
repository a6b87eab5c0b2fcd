#include "sim/experiments/landscape.hpp"

#include "sim/core/cancel.hpp"

namespace seqmem {

Landscape diffusion_landscape(const PatternDiffusion& dm, double t, int grid, double range) {
  Landscape L;
  L.t = t;
  L.x = Vec::LinSpaced(grid, -range, range);
  L.y = L.x;
  L.energy.resize(grid, grid);
  L.log_density.resize(grid, grid);
  L.score_x.resize(grid, grid);
  L.score_y.resize(grid, grid);
  PatternDiffusion local = dm;
  Vec p = Vec::Zero(dm.D()), s(dm.D());
  for (int j = 0; j < grid; ++j)
    for (int i = 0; i < grid && !cancel_requested(); ++i) {
      p(0) = L.x(i);
      p(1) = L.y(j);
      L.log_density(j, i) = local.log_p(p, t);
      L.energy(j, i) = -local.sigma() * local.sigma() * L.log_density(j, i);
      local.score(p, t, s);
      L.score_x(j, i) = s(0);
      L.score_y(j, i) = s(1);
    }
  return L;
}

}  // namespace seqmem
