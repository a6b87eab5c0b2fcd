// Resource estimates and limits (see resources.hpp).
#include "sim/drivers/resources.hpp"

#include "sim/core/front_end.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace seqmem {
namespace {

using namespace estimate;

// The program itself: its code, libraries (HDF5, MPI, OpenMP) and their buffers (measured: 14-19 MiB).
constexpr double kProcessBytes = 32.0 * (1 << 20);

// A run: its kind's estimate; a capacity sweep and a baseline: their own (GSEMM networks, one per thread).
ResourceEstimate estimate_kind(const RunSpec& r, const FileCache& files, int threads) {
  if (r.command == Command::run) return kind_of(r.model).estimate(r, files, threads);
  ResourceEstimate e;
  if (r.command == Command::sweep) {  // one evaluation at K_max per thread
    const double N = r.N_f, K = r.gsemm().sweep.K_max;
    e.memory = kDouble * (3 * N * K + 8 * K + 20 * (2 * N + K));
    e.memory_keys = "N_f, K_max";
    return e;
  }
  if (r.command == Command::baseline) {  // one trial per thread: patterns and (Hopfield) the weights
    const BaselineSpec& b = r.gsemm().baseline;
    double N = 0;
    for (int n : b.N) N = std::max<double>(N, n);
    const double P = b.P_max;
    if (is_sequence_model(b.model))  // Xi, Xi+, Q and a block of 256 states' tables and fields
      e.memory = kDouble * (4 * N * P + 2 * 256 * P + 256 * N);
    else if (b.model == BaselineModel::eden)  // Xi, Xi shifted, a block's inputs (<= 2 x 2^22) and states
      e.memory = kDouble * (3 * N * P + 2 * std::min(256 * P, 4194304.0) + 8 * 256 * N);
    else
      e.memory = kDouble * ((b.model == BaselineModel::hopfield ? N * N : 0) + 2 * N * P);
    e.memory_keys = "baseline_N, P_max";
  }
  return e;
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
                                   "pass {}",
                                   sc.path, r.id, seconds_text(e.work), e.work_keys, seconds_text(limits.work),
                                   front_end_words().allow_large));
    total_output += e.output;
    output_keys = e.output_keys;
  }
  if (!limits.allow_large && total_output > limits.output)
    throw InputError(fmt::format("{}: the output would be about {} ({}{}), more than {}: reduce them, or pass {}",
                                 sc.path, bytes_text(total_output), output_keys, n > 1 ? fmt::format(", {} runs", n) : "",
                                 bytes_text(limits.output), front_end_words().allow_large));
}

}  // namespace seqmem
