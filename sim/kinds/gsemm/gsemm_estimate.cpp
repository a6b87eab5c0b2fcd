// kind = "gsemm", "dense_gsemm", "gamm": what a run costs (sim/kinds/estimate.hpp): the network, its
// samples and states, CVODE's matrices, the fixed-point analysis; the output from the output
// catalogue (sim/output/output_size.hpp).
#include <algorithm>
#include <cmath>

#include "sim/kinds/estimate.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/output_size.hpp"

namespace seqmem {

using namespace estimate;

namespace {

int memories_of(const RunSpec& r, const FileCache& files) {
  if (!r.gsemm().Xi_file.empty()) {
    auto it = files.find(file_key(r.gsemm().Xi_file, r.gsemm().Xi_dataset));
    if (it != files.end()) return static_cast<int>(it->second.cols());
  }
  return r.gsemm().K;
}

}  // namespace

ResourceEstimate estimate_gsemm(const RunSpec& r, const FileCache& files, int threads) {
  ResourceEstimate e;
  const double N = r.N_f, K = memories_of(r, files);
  const double samples = std::floor(r.t_end / r.sample_dt) + 2;
  const double state_samples = std::floor(samples / r.gsemm().state_every) + 1;
  const double n_state = N * (r.gsemm().record_V_f + r.gsemm().record_V_d) + K * r.gsemm().record_V_h;
  const double nnz = K * std::max<std::size_t>(1, r.gsemm().episodes.size());
  const double S = 2 * N + K;  // state size (three layers: N + K + N)
  // Xi in the inputs, in the model and (three layers) (Xi Phi)^T; buffers and HDF5 chunk caches
  // of `chunk` samples; CVODE's dense Jacobian, iteration matrix and LU.
  e.memory = kDouble * (3 * N * K + 2 * nnz + 2 * r.gsemm().chunk * (K + 4 + n_state) + 20 * S);
  if (r.stepper == StepperKind::cvode_bdf) e.memory += kDouble * 3 * S * S;
  e.memory_keys = r.stepper == StepperKind::cvode_bdf ? "N_f, K, chunk, stepper" : "N_f, K, chunk";
  // The run group's variables (the catalogue's table "run"); the visits, a few per cycle, left out.
  const auto recorded = [&r](const std::string& name) {
    if (name == "energy" || name == "F" || name == "G") return r.gsemm().record_energy;
    if (name == "V_f") return r.gsemm().record_V_f;
    if (name == "V_h") return r.gsemm().record_V_h;
    if (name == "V_d") return r.gsemm().record_V_d;
    return true;
  };
  e.output = output_bytes("run",
                          {{"time", samples},
                           {"memory", K},
                           {"neuron", N},
                           {"Phi_entry", nnz},
                           {"state_time", n_state > 0 ? state_samples : 0}},
                          recorded);
  e.output_keys = "t_end, sample_dt, K, energy, states, state_every";
  const double rhs = 4 * N * K + 12 * N + 2 * nnz;  // two products with Xi, tanh, Phi^T u_d
  // rk4: t_end / dt steps; the adaptive steppers (dt is only their first step): as rk4 at dt = 0.01 T_f
  const bool fixed = r.stepper == StepperKind::rk4 || r.stepper == StepperKind::rk4_split;
  const double steps = r.t_end / (fixed ? r.dt : 0.01 * r.params.T_f);
  const double evals = r.stepper == StepperKind::rk4         ? 4
                       : r.stepper == StepperKind::rk4_split ? 8
                       : r.stepper == StepperKind::dopri5    ? 6
                                                             : 3;
  e.work = (steps * evals * rhs + samples * 4 * N * K) / kFlops;
  e.work_keys = "t_end, dt, N_f, K";
  const auto& fp = r.gsemm().fixed_points;
  if (fp.enabled) {
    const double n_fp = std::floor((fp.t_end - fp.t_start) / r.sample_dt / fp.every) + 1;
    const double starts = 1 + (fp.from_memories ? K : 0);
    const double grid = static_cast<double>(fp.surface_grid) * fp.surface_grid;
    // the samples and their fixed points, the surfaces (and the writer's copy of each), and per thread
    // of the analysis the Jacobian, its LU and the eigensolver's work (about 10 N x N)
    e.memory += kDouble * (n_fp * (3 * N + starts * (N + K + 4)) + 2 * fp.surface_slices * grid +
                           10 * N * N * std::max(1, threads)) +
                kWriterBytes;
    e.memory_keys += ", fp_every, fp_from_memories, surface_slices, surface_grid";
    // the tables "fixed_points" (the searches from every memory only with fp_from_memories) and "surface"
    const bool surfaces = fp.surface_slices > 0;
    e.output +=
        output_bytes("fixed_points", {{"fp_time", n_fp}, {"memory", K}, {"neuron", N}},
                     [&fp](const std::string& name) { return fp.from_memories || name.rfind("memory_", 0) != 0; }) +
        (surfaces ? output_bytes("surface", {{"fp_time", n_fp},
                                             {"neuron", N},
                                             {"slice_time", static_cast<double>(fp.surface_slices)},
                                             {"a", static_cast<double>(fp.surface_grid)},
                                             {"b", static_cast<double>(fp.surface_grid)},
                                             {"plane", 2}})
                  : 0.0);
    e.output_keys += ", fp_every, fp_from_memories, surface_slices, surface_grid";
    // a descent of ~10^3 evaluations and Newton steps with an N x N LU per start, the surfaces
    e.work += (n_fp * starts * (1e3 * rhs + 20 * N * N * N / 3) + fp.surface_slices * grid * 2 * N * K) / kFlops;
    e.work_keys += ", fp_t_start, fp_t_end, fp_every, surface_slices, surface_grid";
  }
  return e;
}

}  // namespace seqmem
