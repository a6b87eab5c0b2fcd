// seqmem: the command line. `seqmem run SCENARIO -o OUT.h5`, `seqmem validate SCENARIO`, `seqmem keys`.
// Exit status: 0 success, 2 bad input (scenario, files, output path), 1 an internal failure.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <Eigen/Core>
#include <filesystem>

#include "run_scenario.hpp"
#include "sweep.hpp"
#include "runner.hpp"
#include "version.hpp"

namespace {
using namespace seqmem;

std::string attr_text(const AttrValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        else return fmt::format("{}", x);
      },
      v);
}

// The keys whose values differ between runs: they label the runs in the summary.
std::vector<std::size_t> varying_keys(const Scenario& sc) {
  std::vector<std::size_t> out;
  if (sc.runs.size() < 2) return out;
  for (std::size_t k = 0; k < sc.runs[0].resolved.size(); ++k)
    for (const auto& r : sc.runs)
      if (attr_text(r.resolved[k].second) != attr_text(sc.runs[0].resolved[k].second)) {
        out.push_back(k);
        break;
      }
  return out;
}

void print_summary(const Scenario& sc, const std::vector<RunOutcome>& outcomes) {
  const auto vary = varying_keys(sc);
  for (std::size_t i = 0; i < sc.runs.size(); ++i) {
    const auto& r = sc.runs[i];
    const auto& o = outcomes[i];
    std::string label;
    for (auto k : vary) label += fmt::format(" {}={}", r.resolved[k].first, attr_text(r.resolved[k].second));
    if (r.model == ModelKind::diffusion)
      fmt::print("{}{}: {}, {} trajectories to t = {:g}, wall {:.3f} s\n", r.id, label, o.status, o.samples, o.t_stop,
                 o.wall_s);
    else
      fmt::print("{}{}: {} at t = {:g}, {} samples, wall {:.3f} s\n", r.id, label, o.status, o.t_stop, o.samples,
                 o.wall_s);
    if (!o.message.empty()) fmt::print("  {}\n", o.message);
    if (r.model == ModelKind::diffusion) {
      fmt::print("  {}\n", o.detail);
      continue;
    }
    if (o.fixed_points > 0)
      fmt::print("  fixed points at {} samples ({:.2f} s)\n", o.fixed_points, o.fixed_points_wall_s);
    std::string v;
    const std::size_t shown = std::min<std::size_t>(o.visits.size(), 40);
    for (std::size_t k = 0; k < shown; ++k) v += fmt::format(" ξ{}@{:.2f}", o.visits[k].memory + 1, o.visits[k].t_entry);
    if (shown < o.visits.size()) v += fmt::format(" … ({} more in the file)", o.visits.size() - shown);
    fmt::print("  visits ({}):{}\n", o.visits.size(), v.empty() ? " none" : v);
    if (o.checked) {
      std::string cyc;
      for (int m : r.expect_cycle) cyc += fmt::format("{}ξ{}", cyc.empty() ? "" : "→", m + 1);
      if (o.check.ok())
        fmt::print("  episode {}: {} complete cycles, no wrong visit\n", cyc, o.check.cycles_completed);
      else
        fmt::print("  episode {}: {} complete cycles, first wrong visit ξ{} at t = {:.2f}\n", cyc,
                   o.check.cycles_completed, o.check.first_wrong_memory + 1, o.check.first_wrong_time);
    }
  }
}

int cmd_run(const std::string& scenario, const std::vector<std::string>& sets, std::string out, int threads,
            bool quiet) {
  const Scenario sc = load_scenario(scenario, sets);
  if (out.empty()) out = std::filesystem::path(scenario).stem().string() + ".h5";
  const auto outcomes = run_scenario(sc, out, {threads, !quiet});
  print_summary(sc, outcomes);
  if (!quiet) fmt::print(stderr, "wrote {}\n", out);
  return 0;
}

int cmd_sweep(const std::string& scenario, const std::vector<std::string>& sets, std::string out, int threads,
              bool quiet, bool resume) {
  const Scenario sc = load_scenario(scenario, sets);
  if (out.empty()) out = std::filesystem::path(scenario).stem().string() + ".h5";
  const auto s = run_sweep(sc, out, {threads, !quiet, resume});
  fmt::print("{} evaluations computed, {} reused from the file, wall {:.1f} s; wrote {}\n", s.evaluations, s.reused,
             s.wall_s, out);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Eigen::setNbThreads(1);  // parallelism is over runs; each run is sequential and deterministic
  CLI::App app{"seqmem: simulator for energy-based sequence memory (GSEMM and relatives)"};
  app.set_version_flag("--version", std::string(seqmem::kVersion));
  app.require_subcommand(1);

  std::string scenario, out;
  std::vector<std::string> sets;
  int threads = 0;
  bool quiet = false;
  auto* run = app.add_subcommand("run", "run every run of a scenario, write HDF5");
  run->add_option("scenario", scenario, "scenario file (TOML)")->required();
  run->add_option("-o,--output", out, "output HDF5 file (default: <scenario stem>.h5)");
  run->add_option("--set", sets, "override a key: --set alpha_c=0.3 (repeatable)");
  run->add_option("-j,--threads", threads, "OpenMP threads (default: all cores)")->check(CLI::NonNegativeNumber);
  run->add_flag("-q,--quiet", quiet, "no progress on stderr");

  bool resume = false;
  auto* sweep = app.add_subcommand("sweep", "capacity sweep of a scenario's [sweep] section (Figure 3), write HDF5");
  sweep->add_option("scenario", scenario, "scenario file (TOML) with a [sweep] section")->required();
  sweep->add_option("-o,--output", out, "output HDF5 file (default: <scenario stem>.h5)");
  sweep->add_option("--set", sets, "override a key: --set K_max=50 (repeatable)");
  sweep->add_option("-j,--threads", threads, "OpenMP threads (default: all cores)")->check(CLI::NonNegativeNumber);
  sweep->add_flag("--resume", resume, "continue an interrupted sweep in OUT, computing only what is missing");
  sweep->add_flag("-q,--quiet", quiet, "no progress on stderr");

  auto* validate = app.add_subcommand("validate", "check a scenario and the files it names, write nothing");
  validate->add_option("scenario", scenario, "scenario file (TOML)")->required();
  validate->add_option("--set", sets, "override a key (as for run)");

  app.add_subcommand("keys", "print every scenario key with its default and meaning");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (*run) return cmd_run(scenario, sets, out, threads, quiet);
    if (*sweep) return cmd_sweep(scenario, sets, out, threads, quiet, resume);
    if (*validate) {
      const auto sc = seqmem::load_scenario(scenario, sets);
      seqmem::load_files(sc);
      fmt::print("{}: OK, {} run{}\n", scenario, sc.runs.size(), sc.runs.size() == 1 ? "" : "s");
      return 0;
    }
    fmt::print("{}", seqmem::describe_keys());
    return 0;
  } catch (const seqmem::InputError& e) {
    fmt::print(stderr, "seqmem: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "seqmem: internal error: {}\n", e.what());
    return 1;
  }
}
