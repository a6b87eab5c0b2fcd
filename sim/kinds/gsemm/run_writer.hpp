// The HDF5 group of one run, /runs/<id>/ (layout in docs/output.md). Streams samples
// in chunks; every call takes the process-wide HDF5 lock, so runs on many threads can share a file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/kinds/gsemm/fixed_point_analysis.hpp"
#include "sim/kinds/run_outcome.hpp"
#include "sim/output/solver_attributes.hpp"
#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/solvers/solver_stats.hpp"

namespace seqmem {

class RunWriter {
 public:
  RunWriter(hid_t runs_group, const RunSpec& spec, const Mat& Xi, const SpMat& Phi);
  ~RunWriter();
  // n samples: times t[n], overlaps row-major (n x K), and E, F, G (null when not recorded)
  void append_samples(const double* t, const double* overlaps, const double* E, const double* F, const double* G,
                      hsize_t n);
  // n state samples: times t[n]; each state row-major (n x size), null if not recorded
  void append_states(const double* t, const double* V_f, const double* V_h, const double* V_d, hsize_t n);
  // /runs/<id>/fixed_points/ (docs/output.md)
  void write_fixed_points(const FixedPointAnalysis& fp);
  void finish(const RunOutcome& outcome);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seqmem
