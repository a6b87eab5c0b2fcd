// kind = "seqnet", "densenet", "mixednet", "eden": what a run costs (sim/kinds/estimate.hpp): the
// network's matrices and buffers, the output from the output catalogue (sim/output/output_size.hpp).
#include <cmath>

#include "sim/kinds/estimate.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/output_size.hpp"

namespace seqmem {

using namespace estimate;

ResourceEstimate estimate_sequence(const RunSpec& r, const FileCache&, int) {
  ResourceEstimate e;
  const auto& q = r.sequence();
  const bool eden = r.model == ModelKind::eden;
  const double N = r.N_f, K = q.K;
  const double samples = eden ? std::floor(r.t_end / r.sample_dt) + 2 : r.t_end + 1;
  const bool states = q.record_state || q.record_delay;
  const double state_samples = states ? std::floor(samples / q.state_every) + 1 : 0;
  const double n_state = N * (q.record_state + q.record_delay);
  // The patterns (the run's, and the model's: a map's Xi, Xi+, Q and bits, EDEN's Xi and Xi_-), a
  // map's tau states and fields (or EDEN's stepper stages), and the buffers of `chunk` samples.
  const double model = eden ? 2 * N * K + 20 * N : 3 * N * K + N * K / 64 + (q.net.delay + 4) * N + 4 * K;
  e.memory = kDouble * (N * K + model + 2 * q.chunk * (K + 1 + n_state)) + kWriterBytes;
  e.memory_keys = "N_f, K, chunk";
  e.output =
      output_bytes("sequence_run", {{"time", samples}, {"memory", K}, {"neuron", N}, {"state_time", state_samples}},
                   [&](const std::string& name) {
                     if (name == "S") return q.record_state && !eden;
                     if (name == "v") return q.record_state && eden;
                     if (name == "s") return q.record_delay;
                     if (name == "state_time") return states;
                     return true;
                   });
  e.output_keys = eden ? "t_end, sample_dt, K, N_f, states, state_every" : "t_end, K, N_f, states, state_every";
  // a map: two products of N x K per update (the fields' tables and H), the overlaps; EDEN: the
  // hidden input and the target (4 N K) per right-hand side, 4 a step for rk4 (6 for dopri5) at dt
  const double per_step = eden ? (r.stepper == StepperKind::dopri5 ? 6 : 4) * (4 * N * K + 40 * K) : 8 * N * K;
  const double steps = eden ? r.t_end / (r.stepper == StepperKind::rk4 ? r.dt : 0.01 * q.eden.T_f) : r.t_end;
  e.work = (steps * per_step + samples * 2 * N * K) / kFlops;
  e.work_keys = eden ? "t_end, dt, N_f, K" : "t_end, N_f, K";
  return e;
}

}  // namespace seqmem
