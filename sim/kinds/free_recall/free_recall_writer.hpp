// The HDF5 group of a free-recall run, /runs/<id>/ (layout in docs/output.md, "A free-recall
// run"): the psifr event table streamed list block by list block (events/), then the analyses.
// Every call takes the process-wide HDF5 lock.
#pragma once

#include <hdf5.h>

#include "sim/kinds/free_recall/free_recall_runner.hpp"
#include "sim/output/h5file.hpp"

namespace seqmem {

class FreeRecallWriter {
 public:
  FreeRecallWriter(hid_t runs_group, const RunSpec& spec);
  void append(const FreeRecallEvents& e);       // one block of events, in list order
  void finish(const FreeRecallOutcome& o);      // the pool, the curves and the status

 private:
  const RunSpec& spec_;
  h5::Handle group_, events_;
  h5::Appendable event_, subject_, list_, position_, trial_type_, item_;
};

}  // namespace seqmem
