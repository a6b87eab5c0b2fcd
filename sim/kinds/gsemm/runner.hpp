// One run from its spec: memories and Phi, the model, the cue, the stepper, the recording.
#pragma once

#include <map>
#include <string>

#include "models/gsemm_params.hpp"
#include "sim/kinds/file_cache.hpp"
#include "sim/kinds/gsemm/run_writer.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

struct RunInputs {
  Mat Xi;   // N_f x K
  SpMat Phi;  // K x K, sparse
};
RunInputs make_inputs(const RunSpec& spec, const FileCache& files);

// What a run starts from: the external input current, V_f(0) (the cue) and V_d(0).
struct InitialConditions {
  InputCurrent input;
  Vec V_f0, V_d0;
};
InitialConditions initial_conditions(const RunSpec& spec, const RunInputs& in);

// Integrates the run; never throws for numerical trouble (status diverged / failed instead).
// `out` may be null: then only the outcome (visits, status) is computed. `progress`: report the
// simulated time on stderr every 5 s of wall time.
RunOutcome simulate(const RunSpec& spec, const RunInputs& in, RunWriter* out, bool progress = false);

}  // namespace seqmem
