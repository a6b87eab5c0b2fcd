// kind = "gsemm", "dense_gsemm", "gamm" as a module (sim/kinds/kind.hpp): files Xi_file and Phi_file,
// a run streamed into its part file, and the lines the command line prints (visits, episode check).
#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "sim/core/cancel.hpp"
#include "sim/kinds/gsemm/runner.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/kinds/sequence_record.hpp"
#include "sim/output/memory_io.hpp"

namespace seqmem {
namespace {

const auto& key = file_key;

// Xi_file (N_f x K) and Phi_file (K x K), and every memory index the run names against them.
void load_gsemm_files(const Scenario& sc, const RunSpec& r, FileCache& cache) {
  if (!r.gsemm().Xi_file.empty() && !cache.count(key(r.gsemm().Xi_file, r.gsemm().Xi_dataset)))
    cache[key(r.gsemm().Xi_file, r.gsemm().Xi_dataset)] =
        load_matrix(r.gsemm().Xi_file, r.gsemm().Xi_dataset, "Xi_file");
  if (!r.gsemm().Phi_file.empty() && !cache.count(key(r.gsemm().Phi_file, r.gsemm().Phi_dataset)))
    cache[key(r.gsemm().Phi_file, r.gsemm().Phi_dataset)] =
        load_matrix(r.gsemm().Phi_file, r.gsemm().Phi_dataset, "Phi_file");
  int K = r.gsemm().K;  // shapes
  if (!r.gsemm().Xi_file.empty()) {
    const Mat& Xi = cache.at(key(r.gsemm().Xi_file, r.gsemm().Xi_dataset));
    if (Xi.rows() != r.N_f)
      throw InputError(fmt::format("{}: key 'Xi_file': has {} rows, N_f = {} (one memory per column)",
                                   r.gsemm().Xi_file, Xi.rows(), r.N_f));
    if (Xi.cols() < 1)
      throw InputError(fmt::format("{}: key 'Xi_file': holds no memory (0 columns)", r.gsemm().Xi_file));
    if (!Xi.allFinite()) throw InputError(fmt::format("{}: key 'Xi_file': holds NaN or Inf", r.gsemm().Xi_file));
    K = static_cast<int>(Xi.cols());
    auto check = [&](int idx, const char* k) {
      if (idx >= K)
        throw InputError(fmt::format("{}: key '{}': memory {} does not exist ({} has {} memories)", sc.path, k, idx + 1,
                                     r.gsemm().Xi_file, K));
    };
    check(r.cue_memory, "cue_memory");
    check(r.gsemm().input_memory, "input_memory");
    for (const auto& e : r.gsemm().episodes)
      for (int m : e.memories) check(m, "cycles");
    for (int m : r.gsemm().expect_cycle) check(m, "expect_cycle");
    if (r.gsemm().fixed_points.enabled && r.gsemm().fixed_points.surface_slices > 0 &&
        !r.gsemm().fixed_points.surface_pca)
      for (int m : r.gsemm().fixed_points.surface_memories) check(m, "surface_memories");
  }
  if (!r.gsemm().Phi_file.empty()) {
    const Mat& Phi = cache.at(key(r.gsemm().Phi_file, r.gsemm().Phi_dataset));
    if (Phi.rows() != K || Phi.cols() != K)
      throw InputError(fmt::format("{}: key 'Phi_file': is {} x {}, expected K x K = {} x {}", r.gsemm().Phi_file,
                                   Phi.rows(), Phi.cols(), K, K));
    if (!Phi.allFinite()) throw InputError(fmt::format("{}: key 'Phi_file': holds NaN or Inf", r.gsemm().Phi_file));
  }
}

RunOutcome run_gsemm(const RunSpec& spec, const RunContext& ctx) {
  const RunInputs in = make_inputs(spec, ctx.files);
  return in_part_file(ctx, [&](hid_t part) {
    RunWriter w(part, spec, in.Xi, in.Phi);
    RunOutcome o = simulate(spec, in, &w, ctx.progress);
    throw_if_cancelled();  // the run stopped at a sample: no outcome to record
    w.finish(o);
    return o;
  });
}

std::string gsemm_summary(const RunSpec& r, const RunOutcome& o) {
  std::string s = fmt::format("{} at t = {:g}, {} samples, wall {:.3f} s\n", o.status, o.t_stop, o.samples, o.wall_s);
  if (!o.message.empty()) s += fmt::format("  {}\n", o.message);
  if (o.fixed_points > 0)
    s += fmt::format("  fixed points at {} samples ({:.2f} s)\n", o.fixed_points, o.fixed_points_wall_s);
  return s + visits_summary(o, r.gsemm().expect_cycle, r.gsemm().stop.stall_time);
}

}  // namespace

ResourceEstimate estimate_gsemm(const RunSpec& r, const FileCache& files, int threads);  // gsemm_estimate.cpp

namespace {
// The files the run names (Kind::input_files).
std::vector<std::string> input_files(const RunSpec& r) { return {r.gsemm().Xi_file, r.gsemm().Phi_file}; }
}  // namespace

extern const Kind kGsemmKind{false, load_gsemm_files, run_gsemm, gsemm_summary, estimate_gsemm, input_files};

}  // namespace seqmem
