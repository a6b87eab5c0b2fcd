#include "sim/kinds/gsemm/runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>
#include <type_traits>

#include "models/cue.hpp"
#include "models/dense_gsemm.hpp"
#include "models/gsemm.hpp"
#include "sim/core/cancel.hpp"
#include "sim/kinds/gsemm/recorder.hpp"
#include "sim/kinds/run_integrate.hpp"
#include "sim/kinds/sequence_record.hpp"
#include "sim/output/memory_io.hpp"

namespace seqmem {
namespace {
const auto& key = file_key;

template <class Model>
RunOutcome run_model(const Model& model, const SpMat& Phi, const RunSpec& spec, const InitialConditions& ic,
                     RunWriter* out, bool progress) {
  RunOutcome o;
  Vec x = model.initial_state(ic.V_f0, ic.V_d0);
  Recorder<Model> rec(model, spec, out, progress);
  const IntegrationResult ir = integrate(model, x, spec, rec);
  o.status = to_string(ir.status);
  o.message = ir.status == EndStatus::stopped ? "stopped: " + rec.monitor().stop_reason() : ir.message;
  o.t_stop = ir.t_stop;
  o.stats = ir.stats;
  rec.flush();
  if (spec.gsemm().fixed_points.enabled) {
    if constexpr (std::is_same_v<Model, DenseGsemm>) {
      const auto fp = analyse_fixed_points(spec.gsemm().fixed_points, model.Xi(), Phi, spec.params,
                                           std::move(rec.fixed_point_samples()));
      o.fixed_points = static_cast<int>(fp.samples.t.size());
      o.fixed_points_wall_s = fp.wall_s;
      throw_if_cancelled();  // an analysis cut short is not written
      if (out) out->write_fixed_points(fp);
    }
  }
  take_visits(rec.monitor(), o);
  o.m_final = rec.last_overlaps();
  o.samples = rec.samples();
  return o;
}
}  // namespace

RunInputs make_inputs(const RunSpec& spec, const FileCache& files) {
  RunInputs in;
  in.Xi = spec.gsemm().Xi_file.empty() ? random_memories(spec.N_f, spec.gsemm().K, spec.seed)
                                       : files.at(key(spec.gsemm().Xi_file, spec.gsemm().Xi_dataset));
  const int K = static_cast<int>(in.Xi.cols());
  in.Phi = spec.gsemm().Phi_file.empty()
               ? episodes_to_phi(spec.gsemm().episodes, K)
               : files.at(key(spec.gsemm().Phi_file, spec.gsemm().Phi_dataset)).sparseView(0.0, 0.0);
  return in;
}

InitialConditions initial_conditions(const RunSpec& spec, const RunInputs& in) {
  InitialConditions ic;
  if (spec.gsemm().input_memory >= 0) {
    ic.input.I = spec.gsemm().input_amplitude * in.Xi.col(spec.gsemm().input_memory);
    ic.input.t_on = spec.gsemm().input_t_on;
    ic.input.t_off = spec.gsemm().input_t_off;
  }
  ic.V_f0 = make_cue(
      in.Xi,
      {spec.cue_memory, spec.gsemm().cue_amplitude, spec.gsemm().cue_flip, spec.gsemm().cue_zero, spec.cue_noise},
      spec.seed);
  ic.V_d0 = Vec::Zero(ic.V_f0.size());
  if (spec.gsemm().V_d0_from_cue) {
    sigma_f(ic.V_f0, spec.params.gamma, ic.V_d0);
    ic.V_d0 *= spec.params.beta_d;
  }
  return ic;
}

RunOutcome simulate(const RunSpec& spec, const RunInputs& in, RunWriter* out, bool progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const InitialConditions ic = initial_conditions(spec, in);
  RunOutcome o;
  if (spec.model == ModelKind::gsemm)
    o = run_model(Gsemm(in.Xi, in.Phi, spec.params, ic.input), in.Phi, spec, ic, out, progress);
  else  // dense_gsemm, and gamm with Phi = 0 (load_scenario forbids episodes for gamm)
    o = run_model(DenseGsemm(in.Xi, in.Phi, spec.params, ic.input), in.Phi, spec, ic, out, progress);
  o.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return o;
}

}  // namespace seqmem
