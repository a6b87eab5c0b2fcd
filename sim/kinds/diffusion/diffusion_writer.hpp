// The HDF5 group of a stochastic run, /runs/<id>/ (layout in docs/output.md, "A diffusion run"). Written once at the end of the run, under the process-wide HDF5 lock.
#pragma once

#include <hdf5.h>

#include "sim/kinds/diffusion/diffusion_runner.hpp"

namespace seqmem {

void write_diffusion_run(hid_t runs_group, const RunSpec& spec, const DiffusionOutcome& o);

}  // namespace seqmem
