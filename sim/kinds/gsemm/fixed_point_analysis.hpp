// The fixed-point analysis of a run (scenario section [fixed_points]; paper Figure 2, Appendix B.2):
// at the sampled states of a time window, the fixed point reached from the state and from every
// memory with V_d held fixed (sim/experiments/fixed_points.hpp), and energy surfaces on a plane of V_f.
#pragma once

#include <vector>

#include "sim/experiments/fixed_points.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// States collected by the recorder at the window's samples.
struct FixedPointSamples {
  std::vector<double> t;
  std::vector<Vec> V_f, V_d;
};

// E(a, b; V_d(t_k)) on the plane V_f = a e1 + b e2 at times t_k (Figure 2A).
struct EnergySurfaces {
  Vec e1, e2;               // unit vectors spanning the plane
  Vec a, b;                 // grid coordinates
  std::vector<double> t;    // time of each slice
  std::vector<Mat> energy;  // [slice] (a.size() x b.size())
  Mat trajectory;           // (samples x 2): the sampled V_f projected on (e1, e2)
};

struct FixedPointAnalysis {
  FixedPointSamples samples;
  TrajectoryFixedPoints points;
  EnergySurfaces surfaces;
  double wall_s = 0;
};

// Runs in parallel with OpenMP over samples and start points; the results do not depend on the
// number of threads.
FixedPointAnalysis analyse_fixed_points(const FixedPointSpec& spec, const Mat& Xi, const SpMat& Phi,
                                        const GsemmParams& p, FixedPointSamples samples);

}  // namespace seqmem
