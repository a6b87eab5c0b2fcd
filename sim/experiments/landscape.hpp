// The energy landscape of a diffusion model on a plane (Ambrogioni 2024, Figure 1): the energy
// u_DM(x, t) = -sigma^2 log p_t(x) (Eq. 11-12), log p_t(x) and the score grad log p_t(x) on a
// grid over coordinates 1 and 2 (the other coordinates 0).
#pragma once

#include "models/diffusion.hpp"

namespace seqmem {

struct Landscape {
  double t = 0;
  Vec x, y;                 // grid coordinates (grid points each, [-range, range])
  Mat energy, log_density;  // (y, x): row j, column i is the point (x_i, y_j)
  Mat score_x, score_y;     // (y, x): the score's components along coordinates 1 and 2
};

Landscape diffusion_landscape(const PatternDiffusion& dm, double t, int grid, double range);

}  // namespace seqmem
