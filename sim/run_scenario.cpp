#include "run_scenario.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "runner.hpp"
#include "version.hpp"

namespace seqmem {
namespace {

char g_partial[4096] = {0};  // the temporary output, removed on SIGINT/SIGTERM
extern "C" void on_signal(int sig) {
  if (g_partial[0]) ::unlink(g_partial);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void write_provenance(hid_t root, const Scenario& sc) {
  h5::set_attr(root, "seqmem_version", std::string(kVersion));
  h5::set_attr(root, "scenario", sc.text);
  h5::set_attr(root, "scenario_path", sc.path);
  h5::set_attr(root, "overrides", sc.overrides_text());
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  h5::set_attr(root, "created", std::string(buf));
}

std::vector<RunOutcome> run_scenario(const Scenario& sc, const std::string& out, const RunOptions& opt) {
  const FileCache files = load_files(sc);
  if (std::filesystem::is_directory(out)) throw InputError(fmt::format("{}: output path is a directory", out));
  const std::string partial = out + fmt::format(".partial-{}", ::getpid());
  if (partial.size() >= sizeof g_partial) throw InputError(fmt::format("{}: output path too long", out));

  h5::Handle file, runs;
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    file = h5::create_file(partial);
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: cannot write the output file (directory missing or not writable)", out));
  }
  std::snprintf(g_partial, sizeof g_partial, "%s", partial.c_str());
  auto old_int = std::signal(SIGINT, on_signal);
  auto old_term = std::signal(SIGTERM, on_signal);
  {
    std::lock_guard<std::mutex> g(h5::lock());
    write_provenance(file.id(), sc);
    h5::set_attr(file.id(), "n_runs", std::int64_t(sc.runs.size()));
    runs = h5::create_group(file.id(), "runs");
  }

  std::vector<RunOutcome> outcomes(sc.runs.size());
  std::atomic<int> done{0};
  std::string fatal;
  const auto t0 = std::chrono::steady_clock::now();
  const int n = static_cast<int>(sc.runs.size());
  // No more threads than runs: with one run the team has one thread, and the fixed-point
  // analysis inside a run can use the cores (its own parallel region).
  const int threads = std::max(1, std::min(n, opt.threads > 0 ? opt.threads : omp_get_max_threads()));
  if (opt.threads > 0) omp_set_num_threads(opt.threads);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int i = 0; i < n; ++i) {
    try {
      const auto& spec = sc.runs[i];
      const RunInputs in = make_inputs(spec, files);
      RunWriter w(runs.id(), spec, in.Xi, in.Phi);
      outcomes[i] = simulate(spec, in, &w, opt.progress);
      w.finish(outcomes[i]);
      const int d = ++done;
      if (opt.progress) {
        const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
#pragma omp critical(progress)
        fmt::print(stderr, "[{}/{}] {} {} ({:.2f} s; elapsed {:.1f} s, eta {:.1f} s)\n", d, n, spec.id,
                   outcomes[i].status, outcomes[i].wall_s, el, el / d * (n - d));
      }
    } catch (const std::exception& e) {
#pragma omp critical(fatal)
      fatal = e.what();
    }
  }
  {
    std::lock_guard<std::mutex> g(h5::lock());
    runs = h5::Handle();
    file = h5::Handle();
  }
  if (fatal.empty()) std::filesystem::rename(partial, out);
  else std::filesystem::remove(partial);
  g_partial[0] = 0;
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  if (!fatal.empty()) throw std::runtime_error(fatal);
  return outcomes;
}

}  // namespace seqmem
