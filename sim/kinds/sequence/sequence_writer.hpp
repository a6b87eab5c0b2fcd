// The HDF5 group of a sequence-family run, /runs/<id>/ (docs/output.md, "A run of the sequence
// family"): the patterns, the overlaps at every sample, the states when recorded, the visits.
// Streams samples in chunks; every call takes the process-wide HDF5 lock.
#pragma once

#include <hdf5.h>

#include <memory>

#include "sim/kinds/run_outcome.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

class SequenceWriter {
 public:
  // Xi: N x K, the patterns of the cycle.
  SequenceWriter(hid_t runs_group, const RunSpec& spec, const Mat& Xi);
  ~SequenceWriter();
  // n samples: times t[n] and overlaps row-major (n x K).
  void append_samples(const double* t, const double* overlaps, hsize_t n);
  // n state samples: times t[n] and the states row-major (n x N): `first` S of a map (entries +-1,
  // stored as integers) or v of EDEN, `second` EDEN's s; each read only where `states` lists it.
  void append_states(const double* t, const double* first, const double* second, hsize_t n);
  void finish(const RunOutcome& outcome);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seqmem
