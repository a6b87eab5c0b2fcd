// Resource estimates and limits (see resources.hpp).
#include "sim/drivers/resources.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace seqmem {
namespace {

constexpr double kDouble = 8.0;
constexpr double kFlops = 5e9;  // nominal floating-point operations per second of one core

// The bytes HDF5 holds while it writes the datasets of a run: a chunk (at most 4 MiB, sim/output/h5file.cpp)
// and its compressed copy, and its chunk caches.
// The program itself: its code, libraries (HDF5, MPI, OpenMP) and their buffers (measured: 14-19 MiB).
constexpr double kProcessBytes = 32.0 * (1 << 20);
constexpr double kWriterBytes = 16.0 * (1 << 20);

int memories_of(const RunSpec& r, const FileCache& files) {
  if (!r.Xi_file.empty()) {
    auto it = files.find(file_key(r.Xi_file, r.Xi_dataset));
    if (it != files.end()) return static_cast<int>(it->second.cols());
  }
  return r.K;
}

ResourceEstimate estimate_gsemm(const RunSpec& r, const FileCache& files, int threads) {
  ResourceEstimate e;
  const double N = r.N_f, K = memories_of(r, files);
  const double samples = std::floor(r.t_end / r.sample_dt) + 2;
  const double state_samples = std::floor(samples / r.state_every) + 1;
  const double n_state = N * (r.record_V_f + r.record_V_d) + K * r.record_V_h;
  const double nnz = K * std::max<std::size_t>(1, r.episodes.size());
  const double S = 2 * N + K;  // state size (three layers: N + K + N)
  // Xi in the inputs, in the model and (three layers) (Xi Phi)^T; buffers and HDF5 chunk caches
  // of `chunk` samples; CVODE's dense Jacobian, iteration matrix and LU.
  e.memory = kDouble * (3 * N * K + 2 * nnz + 2 * r.chunk * (K + 4 + n_state) + 20 * S);
  if (r.stepper == StepperKind::cvode_bdf) e.memory += kDouble * 3 * S * S;
  e.memory_keys = r.stepper == StepperKind::cvode_bdf ? "N_f, K, chunk, stepper" : "N_f, K, chunk";
  e.output = kDouble * (samples * (K + 1 + 3 * r.record_energy) + state_samples * (n_state + 1) + N * K + 3 * nnz);
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
  const auto& fp = r.fixed_points;
  if (fp.enabled) {
    const double n_fp = std::floor((fp.t_end - fp.t_start) / r.sample_dt / fp.every) + 1;
    const double starts = 1 + (fp.from_memories ? K : 0);
    const double grid = static_cast<double>(fp.surface_grid) * fp.surface_grid;
    // the samples and their fixed points, the surfaces (and the writer's copy of each), and per thread
    // of the analysis the Jacobian, its LU and the eigensolver's work (about 10 N x N)
    e.memory += kDouble * (n_fp * (3 * N + starts * (N + K + 4)) + 2 * fp.surface_slices * grid +
                           10 * N * N * std::max(1, threads)) + kWriterBytes;
    e.memory_keys += ", fp_every, fp_from_memories, surface_slices, surface_grid";
    e.output += kDouble * (n_fp * (3 * N + starts * (N + K + 6)) + fp.surface_slices * grid);
    e.output_keys += ", fp_every, fp_from_memories, surface_slices, surface_grid";
    // a descent of ~10^3 evaluations and Newton steps with an N x N LU per start, the surfaces
    e.work += (n_fp * starts * (1e3 * rhs + 20 * N * N * N / 3) + fp.surface_slices * grid * 2 * N * K) / kFlops;
    e.work_keys += ", fp_t_start, fp_t_end, fp_every, surface_slices, surface_grid";
  }
  return e;
}

ResourceEstimate estimate_diffusion(const RunSpec& r, const FileCache& files, int threads) {
  ResourceEstimate e;
  const auto& d = r.diffusion;
  const double D = d.D, M = d.trajectories, T = std::max(1, threads);
  double N = d.N;
  if (N < 0) {  // from Y_file
    auto it = files.find(file_key(d.Y_file, d.Y_dataset));
    N = it != files.end() ? static_cast<double>(it->second.cols()) : 0;
  }
  // The rank of the covariances: extended_rank, D for covariance_file, 1 along the manifold's tangent.
  const double R = !d.covariance_file.empty() ? D
                   : std::max<double>(d.extended_rank, d.manifold_components > 0 && d.manifold_variance > 0 ? 1 : 0);
  const double comps = N + d.manifold_components;
  const double L = N + 1;
  const double cues = d.cue_per_trajectory ? M : 1;
  const double steps = std::ceil((r.t_end - d.t0) / r.dt);
  const double path_len = std::floor(steps / d.path_every) + 2;
  const double grid = static_cast<double>(d.landscape_grid) * d.landscape_grid;
  // The mixture (models/gaussian_mixture.hpp): per component its mean, weights and label, and with a
  // rank a basis and variances, each on the heap (an object and an allocation of its own); built
  // from a batch of the same size and the patterns Y; shared by the model's copies.
  const double per_component = kDouble * D + 64 + (R > 0 ? kDouble * (D * R + R) + 160 : 48);
  const double mixture = comps * per_component;
  const double build = 2 * mixture + kDouble * D * N;
  // Each copy of the model (one per thread, the run's, the posterior's): its scratch over components.
  const double scratch = (T + 2) * (kDouble * comps * (3 + R) + kDouble * D);
  // hopfield: a copy of the means per trajectory in flight
  const double hopfield = d.dynamics == DiffusionDynamics::hopfield ? T * kDouble * D * comps : 0;
  const double per_trajectory = kDouble * (D * (1 + cues / std::max(1.0, M)) + 6) + (L * M <= 1e7 ? kDouble * L : 0);
  const double paths = 2 * kDouble * d.paths * path_len * (D + 1);  // recorded, and the writer's copy
  const double landscape = 5 * kDouble * grid;                       // four grids and one row-major copy
  const double writer = kDouble * comps * (D * R + 2) + kWriterBytes;  // the covariance factors, weights, labels
  e.memory = build + mixture + scratch + hopfield + M * per_trajectory + paths + landscape + writer;
  e.memory_keys = "trajectories, D, N, manifold_components, extended_rank, paths, path_every, landscape_grid";
  e.output = kDouble * (comps * (D + D * R + 2) + M * D + cues * D + 7 * M + (L * M <= 1e7 ? L * M : 0)) +
             kDouble * d.paths * path_len * (D + 1) + 4 * kDouble * grid;
  e.output_keys = e.memory_keys;
  // a drift: every component's log term (an exp and a product with its mean and basis) and the sum
  const double drift = comps * (2 * D * (1 + R) + 60);
  const double evals = d.dynamics == DiffusionDynamics::reverse_sde ? steps : 6 * steps;
  // trajectories, their end posteriors and the posterior at each cue, the landscape grid (a score
  // per point), the random sub-spaces (a QR of D x rank each)
  e.work = (M * (evals + 2) * drift + cues * drift + grid * drift + N * D * R * R) / kFlops;
  e.work_keys = "trajectories, t_end, t0, dt, D, N, manifold_components, extended_rank, landscape_grid";
  return e;
}

// kind = "free_recall" (sim/kinds/free_recall/free_recall_runner.cpp): the pool, one list's network per thread, a
// block of results and events; the event table on disk.
ResourceEstimate estimate_free_recall(const RunSpec& r, int threads) {
  ResourceEstimate e;
  const auto& f = r.free_recall;
  const double N = r.N_f, P = f.N_items, L = f.L, lists = static_cast<double>(f.subjects) * f.lists;
  const bool gsemm = f.rule == RecallRule::gsemm && !f.recognition;
  // recalls per list: the list (GSEMM); the expected outputs of the stop rule, at most the pool
  // (Luce, softmax); for the accumulator, one per item at most
  double outputs = f.recognition ? 0 : gsemm ? L : P;
  if (!f.recognition && (f.rule == RecallRule::luce || f.rule == RecallRule::softmax)) {
    double alive = 1, expected = 0;
    for (int o = 0; o < f.N_items && alive > 1e-9; ++o) {
      alive *= 1.0 - stop_probability(f.cmr, o);
      expected += alive;
    }
    outputs = std::min(P, std::max(L, expected));
  }
  const double per_thread = (N + 1) * (L + 3) + 8 * P + (gsemm ? 3 * N * L + 40 * (2 * N + L) : 0);
  e.memory = kDouble * (N * P + std::max(1, threads) * per_thread) + 2048.0 * (L + outputs) * 28;
  e.memory_keys = "N_f, N_items";
  e.output = 20.0 * lists * (L + outputs) + kDouble * P;
  e.output_keys = "subjects, lists, L";
  const double support = 2 * N * P + 4 * L * N;  // F^T c and the context matches
  double per_list = L * 4 * N;                     // study
  if (f.recognition) {
    per_list += (L + f.lures) * L * 2 * (N + 1);
  } else if (f.rule == RecallRule::accumulator) {
    per_list += f.recall_period / r.dt * 20 * P + outputs * support;
  } else if (gsemm) {
    per_list = r.t_end / r.dt * 4 * (4 * N * L + 12 * N + 2 * L * L);
  } else {
    per_list += outputs * (support + 20 * P);
  }
  if (f.drift != ContextDriftKind::discrete) per_list *= 50;  // an ODE per event
  e.work = lists * per_list / kFlops;
  e.work_keys = gsemm ? "subjects, lists, t_end, dt, N_f, L" : "subjects, lists, N_items, L, recall_period, dt";
  return e;
}

ResourceEstimate estimate_kind(const RunSpec& r, const FileCache& files, int threads) {
  if (r.model == ModelKind::diffusion) return estimate_diffusion(r, files, threads);
  if (r.model == ModelKind::free_recall) return estimate_free_recall(r, threads);
  ResourceEstimate e;
  if (r.command == Command::sweep) {  // one evaluation at K_max per thread
    const double N = r.N_f, K = r.sweep.K_max;
    e.memory = kDouble * (3 * N * K + 8 * K + 20 * (2 * N + K));
    e.memory_keys = "N_f, K_max";
    return e;
  }
  if (r.command == Command::baseline) {  // one trial per thread: patterns and (Hopfield) the weights
    double N = 0;
    for (int n : r.baseline.N) N = std::max<double>(N, n);
    const double P = r.baseline.P_max;
    e.memory = kDouble * ((r.baseline.model == "hopfield" ? N * N : 0) + 2 * N * P);
    e.memory_keys = "baseline_N, P_max";
    return e;
  }
  return estimate_gsemm(r, files, threads);
}

}  // namespace

std::string bytes_text(double b) {
  const char* unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) b /= 1024, ++u;
  return fmt::format("{:.3g} {}", b, unit[u]);
}

std::string seconds_text(double s) {
  if (s < 120) return fmt::format("{:.3g} s", s);
  if (s < 7200) return fmt::format("{:.3g} min", s / 60);
  if (s < 2 * 86400) return fmt::format("{:.3g} h", s / 3600);
  if (s < 2 * 365 * 86400.0) return fmt::format("{:.3g} days", s / 86400);
  return fmt::format("{:.3g} years", s / (365 * 86400.0));
}

std::string estimate_text(const ResourceEstimate& e) {
  std::string s = fmt::format("about {} of memory ({})", bytes_text(e.memory), e.memory_keys);
  if (!e.output_keys.empty()) s += fmt::format(", {} of output ({})", bytes_text(e.output), e.output_keys);
  if (!e.work_keys.empty()) s += fmt::format(", {} of one core ({})", seconds_text(e.work), e.work_keys);
  return s;
}

FileCache load_checked_files(const Scenario& sc, int threads, const ResourceLimits& limits) {
  check_resources(sc, {}, threads, limits);
  FileCache files = load_files(sc);
  check_resources(sc, files, threads, limits);
  return files;
}

double physical_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<double>(pages) * static_cast<double>(size) : 8.0 * (1ull << 30);
}

ResourceEstimate estimate_run(const RunSpec& r, const FileCache& files, int threads) {
  ResourceEstimate e = estimate_kind(r, files, threads);
  e.memory += kProcessBytes;
  return e;
}


void check_resources(const Scenario& sc, const FileCache& files, int threads, const ResourceLimits& limits) {
  const double memory_limit = limits.memory > 0 ? limits.memory : 0.8 * physical_memory();
  const std::size_t n = sc.runs.size();
  const double at_once =
      kind_of(sc.runs[0].model).parallel_within_run ? 1.0 : std::max(1.0, std::min<double>(n, std::max(1, threads)));
  double total_output = 0;
  std::string output_keys;
  for (const RunSpec& r : sc.runs) {
    const ResourceEstimate e = estimate_run(r, files, threads);
    const double threads_mem = r.command == Command::run ? at_once : std::max(1, threads);
    const double memory = (e.memory - kProcessBytes) * threads_mem + kProcessBytes;
    if (memory > memory_limit)
      throw InputError(fmt::format(
          "{}: run {} needs about {} of memory{} ({}), more than 80% of this machine's {}: reduce {}", sc.path, r.id,
          bytes_text(memory), threads_mem > 1 ? fmt::format(" with {} at once", threads_mem) : "", e.memory_keys,
          bytes_text(physical_memory()), e.memory_keys));
    if (!limits.allow_large && e.work > limits.work)
      throw InputError(fmt::format("{}: run {} would take about {} of one core ({}), more than {}: reduce them, or "
                                   "pass --allow-large",
                                   sc.path, r.id, seconds_text(e.work), e.work_keys, seconds_text(limits.work)));
    total_output += e.output;
    output_keys = e.output_keys;
  }
  if (!limits.allow_large && total_output > limits.output)
    throw InputError(fmt::format("{}: the output would be about {} ({}{}), more than {}: reduce them, or pass "
                                 "--allow-large",
                                 sc.path, bytes_text(total_output), output_keys, n > 1 ? fmt::format(", {} runs", n) : "",
                                 bytes_text(limits.output)));
}

}  // namespace seqmem
