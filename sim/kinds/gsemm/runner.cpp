#include "sim/kinds/gsemm/runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>
#include <type_traits>

#include "models/cue.hpp"
#include "models/dense_gsemm.hpp"
#include "models/gsemm.hpp"
#include "sim/kinds/diffusion/diffusion_runner.hpp"
#include "sim/kinds/gsemm/recorder.hpp"
#include "sim/kinds/run_integrate.hpp"
#include "sim/output/memory_io.hpp"

namespace seqmem {
std::string file_key(const std::string& path, const std::string& dataset) { return path + "#" + dataset; }

namespace {
const auto& key = file_key;

// Diffusion runs: Y_file (D x N) and covariance_file (N covariances D x D).
void load_diffusion_files(const Scenario& sc, const RunSpec& r, FileCache& cache) {
  const auto& d = r.diffusion;
  int N = d.N;
  if (!d.Y_file.empty()) {
    if (!cache.count(key(d.Y_file, d.Y_dataset))) cache[key(d.Y_file, d.Y_dataset)] = load_matrix(d.Y_file, d.Y_dataset, "Y_file");
    const Mat& Y = cache.at(key(d.Y_file, d.Y_dataset));
    if (Y.rows() != d.D)
      throw InputError(fmt::format("{}: key 'Y_file': has {} rows, D = {} (one pattern per column)", d.Y_file,
                                   Y.rows(), d.D));
    N = static_cast<int>(Y.cols());
    if (r.cue_memory >= N)
      throw InputError(fmt::format("{}: key 'cue_memory': memory {} does not exist ({} has {} patterns)", sc.path,
                                   r.cue_memory + 1, d.Y_file, N));
  }
  if (!d.covariance_file.empty()) {
    const std::string k = stack_key(d.covariance_file, d.covariance_dataset);
    if (!cache.count(k)) cache[k] = load_matrix_stack(d.covariance_file, d.covariance_dataset);
    const Mat& C = cache.at(k);
    if (C.cols() != d.D || C.rows() != static_cast<Eigen::Index>(N) * d.D)
      throw InputError(fmt::format("{}: key 'covariance_file': holds {} x {} numbers, expected N x D x D = {} x {} x {} "
                                   "(or (N D) x D)",
                                   d.covariance_file, C.rows(), C.cols(), N, d.D, d.D));
  }
}

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
  if (spec.fixed_points.enabled) {
    if constexpr (std::is_same_v<Model, DenseGsemm>) {
      const auto fp = analyse_fixed_points(spec.fixed_points, model.Xi(), Phi, spec.params,
                                           std::move(rec.fixed_point_samples()));
      o.fixed_points = static_cast<int>(fp.samples.t.size());
      o.fixed_points_wall_s = fp.wall_s;
      if (out) out->write_fixed_points(fp);
    }
  }
  const SequenceMonitor& mon = rec.monitor();
  o.visits = mon.visits();
  o.stalled = mon.stalled();
  o.stalled_at = mon.stalled_at();
  o.any_visit = mon.any_visit();
  o.recovered_stalls = mon.recovered_stalls();
  if (mon.checked()) {
    o.checked = true;
    o.check = mon.check();
  }
  o.m_final = rec.last_overlaps();
  o.samples = rec.samples();
  return o;
}
}  // namespace

FileCache load_files(const Scenario& sc) {
  FileCache cache;
  for (const RunSpec& r : sc.runs) {  // one pass: every access to a run resolves it
    if (r.model == ModelKind::diffusion) {
      load_diffusion_files(sc, r, cache);
      // The memories are built here so that a covariance that is not positive semi-definite is
      // reported before any output exists.
      try {
        make_mixture(r, cache);
      } catch (const std::invalid_argument& e) {  // a combination of [patterns] keys the model refuses
        throw InputError(fmt::format("{}: [patterns] of run {}: {}", sc.path, r.id, without_function_name(e.what())));
      }
      continue;
    }
    if (!r.Xi_file.empty() && !cache.count(key(r.Xi_file, r.Xi_dataset)))
      cache[key(r.Xi_file, r.Xi_dataset)] = load_matrix(r.Xi_file, r.Xi_dataset, "Xi_file");
    if (!r.Phi_file.empty() && !cache.count(key(r.Phi_file, r.Phi_dataset)))
      cache[key(r.Phi_file, r.Phi_dataset)] = load_matrix(r.Phi_file, r.Phi_dataset, "Phi_file");
    int K = r.K;  // shapes
    if (!r.Xi_file.empty()) {
      const Mat& Xi = cache.at(key(r.Xi_file, r.Xi_dataset));
      if (Xi.rows() != r.N_f)
        throw InputError(fmt::format("{}: key 'Xi_file': has {} rows, N_f = {} (one memory per column)", r.Xi_file,
                                     Xi.rows(), r.N_f));
      if (Xi.cols() < 1) throw InputError(fmt::format("{}: key 'Xi_file': holds no memory (0 columns)", r.Xi_file));
      if (!Xi.allFinite()) throw InputError(fmt::format("{}: key 'Xi_file': holds NaN or Inf", r.Xi_file));
      K = static_cast<int>(Xi.cols());
      auto check = [&](int idx, const char* k) {
        if (idx >= K)
          throw InputError(fmt::format("{}: key '{}': memory {} does not exist ({} has {} memories)", sc.path, k,
                                       idx + 1, r.Xi_file, K));
      };
      check(r.cue_memory, "cue_memory");
      check(r.input_memory, "input_memory");
      for (const auto& e : r.episodes)
        for (int m : e.memories) check(m, "cycles");
      for (int m : r.expect_cycle) check(m, "expect_cycle");
      if (r.fixed_points.enabled && r.fixed_points.surface_slices > 0 && !r.fixed_points.surface_pca)
        for (int m : r.fixed_points.surface_memories) check(m, "surface_memories");
    }
    if (!r.Phi_file.empty()) {
      const Mat& Phi = cache.at(key(r.Phi_file, r.Phi_dataset));
      if (Phi.rows() != K || Phi.cols() != K)
        throw InputError(fmt::format("{}: key 'Phi_file': is {} x {}, expected K x K = {} x {}", r.Phi_file,
                                     Phi.rows(), Phi.cols(), K, K));
      if (!Phi.allFinite()) throw InputError(fmt::format("{}: key 'Phi_file': holds NaN or Inf", r.Phi_file));
    }
  }
  return cache;
}

RunInputs make_inputs(const RunSpec& spec, const FileCache& files) {
  RunInputs in;
  in.Xi = spec.Xi_file.empty() ? random_memories(spec.N_f, spec.K, spec.seed)
                               : files.at(key(spec.Xi_file, spec.Xi_dataset));
  const int K = static_cast<int>(in.Xi.cols());
  in.Phi = spec.Phi_file.empty() ? episodes_to_phi(spec.episodes, K)
                                 : files.at(key(spec.Phi_file, spec.Phi_dataset)).sparseView(0.0, 0.0);
  return in;
}

InitialConditions initial_conditions(const RunSpec& spec, const RunInputs& in) {
  InitialConditions ic;
  if (spec.input_memory >= 0) {
    ic.input.I = spec.input_amplitude * in.Xi.col(spec.input_memory);
    ic.input.t_on = spec.input_t_on;
    ic.input.t_off = spec.input_t_off;
  }
  ic.V_f0 = make_cue(in.Xi, {spec.cue_memory, spec.cue_amplitude, spec.cue_flip, spec.cue_zero, spec.cue_noise},
                     spec.seed);
  ic.V_d0 = Vec::Zero(ic.V_f0.size());
  if (spec.V_d0_from_cue) {
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
