// kind = "diffusion" as a module (sim/kinds/kind.hpp): the pattern and covariance files, the mixture
// built before any output exists, one run at a time over the trajectories, and its summary line.
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "sim/core/cancel.hpp"
#include "sim/kinds/diffusion/diffusion_runner.hpp"
#include "sim/kinds/diffusion/diffusion_writer.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/memory_io.hpp"

namespace seqmem {
namespace {

const auto& key = file_key;

// Diffusion runs: Y_file (D x N) and covariance_file (N covariances D x D).
void load_diffusion_files(const Scenario& sc, const RunSpec& r, FileCache& cache) {
  const auto& d = r.diffusion();
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

void load_files_and_mixture(const Scenario& sc, const RunSpec& r, FileCache& cache) {
  load_diffusion_files(sc, r, cache);
  // The memories the files define are built here so that a covariance that is not positive
  // semi-definite is reported before any output exists. The circle manifold comes from keys the
  // schema has checked (radius > 0, components and variance >= 0) and is left out: its 10^7
  // components would take a minute to build before `seqmem validate` could answer.
  RunSpec files_only = r;
  files_only.diffusion().manifold_components = 0;
  try {
    make_mixture(files_only, cache);
  } catch (const std::invalid_argument& e) {  // a combination of [patterns] keys the model refuses
    throw InputError(fmt::format("{}: [patterns] of run {}: {}", sc.path, r.id, without_function_name(e.what())));
  }
}

// The outcome line of a diffusion run: where the trajectories ended, against the posterior.
RunOutcome diffusion_summary(const RunSpec& spec, const DiffusionOutcome& o) {
  RunOutcome r;
  r.status = o.status;
  r.message = o.message;
  r.wall_s = o.wall_s;
  r.t_stop = spec.t_end;
  r.samples = spec.diffusion().trajectories;
  const double M = spec.diffusion().trajectories;
  // The most frequent end labels first (at most 6), then how many others.
  std::vector<std::size_t> order;
  for (std::size_t l = 0; l < o.label_counts.size(); ++l)
    if (o.label_counts[l] > 0) order.push_back(l);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return o.label_counts[a] > o.label_counts[b]; });
  std::string s;
  for (std::size_t j = 0; j < std::min<std::size_t>(order.size(), 6); ++j) {
    const std::size_t l = order[j];
    s += fmt::format(" {} {:.3f} ({:.3f})", l == 0 ? std::string("manifold") : fmt::format("ξ{}", l),
                     o.label_counts[l] / M, o.label_posterior(l));
  }
  if (order.size() > 6) s += fmt::format(" … ({} more)", order.size() - 6);
  if (o.result.mixtures > 0)
    s += fmt::format(" mixture {:.3f} (largest memory weight below {})", o.result.mixtures / M,
                     spec.diffusion().mixture_threshold);
  if (o.result.diverged > 0) s += fmt::format(" not finite {:.3f}", o.result.diverged / M);
  if (o.result.failed > 0) s += fmt::format(" stepper gave up {:.3f}", o.result.failed / M);
  r.detail = fmt::format("end states: fraction (posterior at the cue):{}", s);
  return r;
}

RunOutcome run_diffusion(const RunSpec& spec, const RunContext& ctx) {
  const DiffusionOutcome d = simulate_diffusion(spec, ctx.files, ctx.threads, ctx.progress);
  throw_if_cancelled();  // a landscape or trajectories cut short are not written
  write_diffusion_run(ctx.runs_group, spec, d);
  return diffusion_summary(spec, d);
}

std::string summary(const RunSpec&, const RunOutcome& o) {
  std::string s = fmt::format("{}, {} trajectories to t = {:g}, wall {:.3f} s\n", o.status, o.samples, o.t_stop, o.wall_s);
  if (!o.message.empty()) s += fmt::format("  {}\n", o.message);
  return s + fmt::format("  {}\n", o.detail);
}

}  // namespace

ResourceEstimate estimate_diffusion(const RunSpec& r, const FileCache& files, int threads);  // diffusion_estimate.cpp

namespace {
// The files the run names (Kind::input_files).
std::vector<std::string> input_files(const RunSpec& r) { return {r.diffusion().Y_file, r.diffusion().covariance_file}; }
}  // namespace

extern const Kind kDiffusionKind{true, load_files_and_mixture, run_diffusion, summary, estimate_diffusion, input_files};

}  // namespace seqmem
