// seqmem: the command line. `seqmem run SCENARIO -o OUT.h5`, `seqmem sweep`, `seqmem merge`,
// `seqmem validate`, `seqmem keys [NAME]`, `seqmem variables`, `seqmem events`. Under mpirun every rank runs the same command; rank 0
// alone prints and writes (sim/parallel/mpi_job.hpp).
// Exit status: 0 success, 2 bad input (scenario, files, output path) or an output that cannot be
// written (a full disk), 1 an internal failure.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <Eigen/Core>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <new>
#include <system_error>

#include <omp.h>

#include "sim/drivers/resources.hpp"
#include "sim/drivers/run_scenario.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/events_csv.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/variables.hpp"
#include "sim/parallel/mpi_job.hpp"
#include "sim/scenario/schema.hpp"
#include "sim/sweeps/capacity_table.hpp"
#include "sim/sweeps/merge.hpp"
#include "sim/sweeps/sweep.hpp"
#include "version.hpp"

namespace {

// The output file the command wrote (complete, under its final name), for the message of a failed
// write to standard output after it.
std::string g_written;

using namespace seqmem;

constexpr int kMaxThreads = 1024;

void print_summary(const Scenario& sc, const std::vector<RunOutcome>& outcomes) {
  for (std::size_t i = 0; i < sc.runs.size(); ++i) {
    const RunSpec r = sc.runs[i];
    const auto& o = outcomes[i];
    const std::string varying = run_label(sc, r);
    const std::string label = varying.empty() ? "" : " " + varying;
    fmt::print("{}{}: {}", r.id, label, kind_of(r.model).summary(r, o));
  }
}

std::string default_output(const std::string& scenario) {
  return std::filesystem::path(scenario).stem().string() + ".h5";
}

// What every command that writes a file takes: -o/--output, --overwrite (and --resume for sweeps),
// with the same meaning everywhere (sim/output/output_file.hpp).
struct Output {
  std::string path;
  OutputOptions options;
};
void add_output_options(CLI::App* cmd, Output& o, const std::string& what, bool resumable) {
  cmd->add_option("-o,--output", o.path, what);
  auto* overwrite = cmd->add_flag("--overwrite", o.options.overwrite,
                                  resumable ? "replace an existing output file (and its checkpoint)"
                                            : "replace an existing output file");
  if (resumable)
    cmd->add_flag("--resume", o.options.resume, "continue an interrupted sweep from its checkpoint, computing only what is missing")
        ->excludes(overwrite);
}

int cmd_run(const std::string& scenario, const std::vector<std::string>& sets, const Output& output, int threads,
            bool quiet, bool allow_large) {
  const Scenario sc = load_scenario(scenario, sets);
  const std::string out = output.path.empty() ? default_output(scenario) : output.path;
  RunOptions opt;
  opt.threads = threads;
  opt.progress = !quiet;
  opt.overwrite = output.options.overwrite;
  opt.allow_large = allow_large;
  opt.print_warnings = true;
  const auto outcomes = run_scenario(sc, out, opt);
  g_written = out;
  if (!mpi::coordinator()) return 0;
  print_summary(sc, outcomes);
  if (!quiet) fmt::print(stderr, "wrote {}\n", out);
  return 0;
}

// --shard i/n, 1 <= i <= n
std::pair<int, int> parse_shard(const std::string& s) {
  const auto slash = s.find('/');
  auto number = [&](const std::string& x) {
    if (x.empty() || x.size() > 9 || x.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoi(x);
  };
  const int i = slash == std::string::npos ? -1 : number(s.substr(0, slash));
  const int n = slash == std::string::npos ? -1 : number(s.substr(slash + 1));
  if (i < 1 || n < 1 || i > n)
    throw InputError(fmt::format("--shard {}: expected i/n with 1 <= i <= n (shard i of n, e.g. --shard 3/8)", s));
  return {i, n};
}

int cmd_sweep(const std::string& scenario, const std::vector<std::string>& sets, const Output& output, int threads,
              bool quiet, bool allow_large, const std::string& shard) {
  const auto [shard_index, shard_count] = shard.empty() ? std::pair{0, 0} : parse_shard(shard);
  const Scenario sc = load_scenario(scenario, sets);
  std::string out = output.path;
  if (out.empty())
    out = shard_count ? fmt::format("{}.shard-{}-of-{}.h5", std::filesystem::path(scenario).stem().string(), shard_index,
                                    shard_count)
                      : default_output(scenario);
  SweepOptions opt;
  opt.shard_index = shard_index;
  opt.shard_count = shard_count;
  opt.threads = threads;
  opt.progress = !quiet;
  opt.resume = output.options.resume;
  opt.overwrite = output.options.overwrite;
  opt.allow_large = allow_large;
  opt.print_warnings = true;
  const auto s = run_sweep(sc, out, opt);
  g_written = out;
  if (!mpi::coordinator()) return 0;
  fmt::print("{} evaluations computed, {} reused from the file, wall {:.1f} s; wrote {}\n", s.evaluations, s.reused,
             s.wall_s, out);
  return 0;
}

// `seqmem merge SHARD... -o OUT`; without -o the first file is OUT (the form of seqmem 0.1).
int cmd_merge(Output output, std::vector<std::string> shards, bool quiet) {
  if (!mpi::coordinator()) return 0;
  if (output.path.empty()) {
    if (shards.size() < 2) throw InputError("merge: name the merged file with -o OUT (seqmem merge SHARD.h5... -o OUT.h5)");
    output.path = shards.front();
    shards.erase(shards.begin());
  }
  const MergeSummary m = merge_shards(output.path, shards, output.options.overwrite, !quiet);
  g_written = output.path;
  fmt::print("{}", capacity_table(m.capacities, m.config_names));
  fmt::print("merged {} shards: {} evaluations, {} (configuration, degree, seed) pairs; wrote {}\n", m.shards,
             m.evaluations, m.pairs, output.path);
  return 0;
}

int cmd_events(const std::string& file, const std::string& run, const Output& output) {
  if (!mpi::coordinator()) return 0;
  if (output.path.empty()) {
    write_events_csv(file, run, stdout, "standard output");
    return 0;
  }
  OutputFile of(output.path, {file}, output.options.overwrite ? Existing::overwrite : Existing::refuse,
                "replace it with --overwrite");
  std::FILE* f = std::fopen(of.partial().c_str(), "w");
  if (!f) throw_write_error(output.path, std::strerror(errno));
  try {
    write_events_csv(file, run, f, output.path);
  } catch (...) {
    std::fclose(f);
    throw;
  }
  if (std::fclose(f) != 0) throw_write_error(output.path, std::strerror(errno));
  of.commit();
  g_written = output.path;
  return 0;
}

int cmd_validate(const std::string& scenario, const std::vector<std::string>& sets, int threads, bool allow_large) {
  const Scenario sc = load_scenario(scenario, sets);
  ResourceLimits limits;
  limits.allow_large = allow_large;
  const int at_once = threads > 0 ? threads : omp_get_max_threads();
  const FileCache files = load_checked_files(sc, at_once, limits);
  // a capacity sweep: its cost model's bound (refused beyond the limits before anything is printed)
  const std::string cost = sc.command == Command::sweep ? sweep_cost_text(sc, allow_large) : "";
  if (!mpi::coordinator()) return 0;
  print_warnings(sc);
  const std::size_t n = sc.runs.size();
  switch (sc.command) {
    case Command::run:
      fmt::print("{}: OK, {} run{} (seqmem run)\n", scenario, n, n == 1 ? "" : "s");
      break;
    case Command::sweep: {
      const RunSpec r = sc.runs[0];
      fmt::print(
          "{}: OK, a capacity sweep: {} configuration{} x {} degrees x {} seeds, {} alpha_c values, K in {}..{} "
          "(seqmem sweep)\n",
          scenario, n, n == 1 ? "" : "s", r.gsemm().sweep.degrees.size(), r.gsemm().sweep.seeds.size(),
          r.gsemm().sweep.alpha_c.size(), r.gsemm().sweep.K_min, r.gsemm().sweep.K_max);
      fmt::print("{}\n", cost);
      break;
    }
    case Command::baseline:
      fmt::print("{}: OK, a baseline of {} configuration{} (seqmem sweep)\n", scenario, n, n == 1 ? "" : "s");
      break;
  }
  // what each run will cost (upper bounds of the leading terms, sim/drivers/resources.hpp); the first few
  for (std::size_t i = 0; i < std::min<std::size_t>(n, 8); ++i) {
    const RunSpec r = sc.runs[i];
    fmt::print("{}: {}\n", r.id, estimate_text(estimate_run(r, files, at_once)));
  }
  if (n > 8) fmt::print("... ({} more runs)\n", n - 8);
  return 0;
}

const char* kCommands[] = {"run", "sweep", "merge", "validate", "keys", "variables", "events"};

// MPI_Finalize on every way out of main.
struct MpiSession {
  MpiSession(int& argc, char**& argv) { mpi::init(argc, argv); }
  ~MpiSession() { mpi::finalize(); }
};

// Standard output is a file like any other: a write that failed (a full disk, /dev/full) is an
// error, not a silent success (exit 2).
// The output file is complete by then (its final name holds only complete files); the message says so.
int check_stdout() {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return 0;
  const int e = errno;
  try {
    throw_write_error(g_written.empty() ? std::string("standard output")
                                        : fmt::format("standard output ({} was written and is complete)", g_written),
                      std::strerror(e));
  } catch (const OutputError& err) {
    fmt::print(stderr, "seqmem: error: {}\n", err.what());
  }
  return 2;
}

// The command line: every command's options, bound to one object (CLI11 keeps their addresses).
struct CommandLine {
  std::string scenario, key, shard, events_file, events_run;
  Output output;
  std::vector<std::string> sets, shard_files;
  int threads = 0;
  bool quiet = false, allow_large = false;
  CLI::App *run = nullptr, *sweep = nullptr, *merge = nullptr, *validate = nullptr, *keys = nullptr,
           *variables = nullptr, *events = nullptr;

  // "run " etc.: the command given, for "see seqmem run --help"
  const char* chosen() const {
    return *run ? "run " : *sweep ? "sweep " : *merge ? "merge " : *validate ? "validate " : *keys ? "keys "
           : *variables                                                       ? "variables "
           : *events                                                          ? "events "
                                                                              : "";
  }

  int dispatch() const {
    if (*run) return cmd_run(scenario, sets, output, threads, quiet, allow_large);
    if (*sweep) return cmd_sweep(scenario, sets, output, threads, quiet, allow_large, shard);
    if (*merge) return cmd_merge(output, shard_files, quiet);
    if (*validate) return cmd_validate(scenario, sets, threads, allow_large);
    if (*events) return cmd_events(events_file, events_run, output);
    if (*variables) {
      if (mpi::coordinator()) fmt::print("{}", variables_markdown());
      return 0;
    }
    if (!key.empty() && !find_key(key)) {
      const std::string hint = closest_key(key);
      throw InputError(fmt::format("unknown key '{}'{}", key, hint.empty() ? "" : "; " + hint));
    }
    if (mpi::coordinator()) fmt::print("{}", describe_keys(key));
    return 0;
  }
};

void add_commands(CLI::App& app, CommandLine& c) {
  const char* large_help = "go beyond the soft limits on output size (16 GiB) and work (24 core-hours per run)";
  const auto threads_check = CLI::Range(0, kMaxThreads);
  auto* run = c.run = app.add_subcommand("run", "run every run of a scenario, write HDF5");
  run->add_option("scenario", c.scenario, "scenario file (TOML)")->required();
  add_output_options(run, c.output, "output HDF5 file (default: <scenario stem>.h5)", false);
  run->add_option("--set", c.sets, "override a key: --set alpha_c=0.3 (repeatable)");
  run->add_option("-j,--threads", c.threads, "OpenMP threads, 0..1024 (default 0: all cores)")->check(threads_check);
  run->add_flag("--allow-large", c.allow_large, large_help);
  run->add_flag("-q,--quiet", c.quiet, "no progress on stderr");

  auto* sweep = c.sweep = app.add_subcommand("sweep", "capacity sweep of a scenario's [sweep] or [baseline] section, write HDF5");
  sweep->add_option("scenario", c.scenario, "scenario file (TOML) with a [sweep] or [baseline] section")->required();
  add_output_options(sweep, c.output, "output HDF5 file (default: <scenario stem>.h5)", true);
  sweep->add_option("--set", c.sets, "override a key: --set K_max=50 (repeatable)");
  sweep->add_option("-j,--threads", c.threads, "OpenMP threads, 0..1024 (default 0: all cores)")->check(threads_check);
  sweep->add_flag("--allow-large", c.allow_large, large_help);
  sweep->add_flag("-q,--quiet", c.quiet, "no progress on stderr");
  sweep->add_option("--shard", c.shard,
                    "compute only shard i of n (1 <= i <= n) of the (configuration, degree, seed) pairs, for job arrays; "
                    "join the shards with seqmem merge");

  auto* merge = c.merge = app.add_subcommand("merge", "join the shards of a sweep (seqmem sweep --shard i/n) into one file");
  merge->add_option("shards", c.shard_files, "every shard file, 1/n to n/n, in any order")->required();
  add_output_options(merge, c.output, "the merged HDF5 file", false);
  merge->add_flag("-q,--quiet", c.quiet, "no notes on stderr");

  auto* validate = c.validate = app.add_subcommand("validate", "check a scenario and the files it names, write nothing");
  validate->add_option("scenario", c.scenario, "scenario file (TOML)")->required();
  validate->add_option("--set", c.sets, "override a key (as for run)");
  validate->add_option("-j,--threads", c.threads, "threads the run will use, for the memory estimate")->check(threads_check);
  validate->add_flag("--allow-large", c.allow_large, large_help);

  auto* keys = c.keys = app.add_subcommand("keys", "print every scenario key (or one) with its type, default, range and meaning");
  keys->add_option("key", c.key, "one key");

  c.variables = app.add_subcommand(
      "variables", "print every output variable with its dimensions, units and meaning (docs/output.md's tables)");

  auto* events = c.events = app.add_subcommand("events", "print the event table of a free-recall run as CSV (psifr's columns)");
  events->add_option("file", c.events_file, "HDF5 file of `seqmem run`")->required();
  events->add_option("--run", c.events_run, "the run (e.g. r0002; default: the file's only free-recall run)");
  add_output_options(events, c.output, "write the CSV to this file (default: standard output)", false);
}

}  // namespace

int main(int argc, char** argv) {
  set_command_line(argc, argv);
  Eigen::setNbThreads(1);  // parallelism is over runs; each run is sequential and deterministic
  CLI::App app{"seqmem: simulator for energy-based sequence memory (GSEMM and relatives)"};
  // The first line for people, then one field per line for scripts and bug reports.
  app.set_version_flag("--version",
                       fmt::format("seqmem {} (commit {}; {} build; {})\ncommit: {}\nbuild type: {}\nbuild flags: {}\n"
                                   "compiler: {}",
                                   seqmem::kVersion, seqmem::kGitCommit, seqmem::kBuildType,
                                   mpi::built_with_mpi() ? "with MPI" : "without MPI", seqmem::kGitCommit,
                                   seqmem::kBuildType, seqmem::kBuildFlags, seqmem::kCompiler));
  app.require_subcommand(1);

  CommandLine c;
  add_commands(app, c);

  // An unknown command is named as such (CLI11 would only say that a subcommand is required).
  if (argc > 1 && argv[1][0] != '-') {
    const std::string cmd = argv[1];
    if (std::find(std::begin(kCommands), std::end(kCommands), cmd) == std::end(kCommands)) {
      fmt::print(stderr,
                 "seqmem: error: unknown command '{}' (commands: run, sweep, merge, validate, keys, variables, events; see seqmem "
                 "--help)\n",
                 cmd);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {  // one line, like every other error
    std::string what = e.what();
    for (char& ch : what)
      if (ch == '\n') ch = ' ';
    fmt::print(stderr, "seqmem: error: {} (see seqmem {}--help)\n", what, c.chosen());
    return 2;
  }
  // An output named as empty is an error, not the default name.
  for (auto* cmd : {c.run, c.sweep, c.merge, c.events})
    if (*cmd && cmd->count("-o") > 0 && c.output.path.empty()) {
      fmt::print(stderr, "seqmem: error: -o: the output file name is empty\n");
      return 2;
    }
  // Errors are printed by rank 0 alone (every rank meets the same bad input). A rank of `run` or
  // `sweep` that fails before the ranks have joined (sim/parallel/mpi_job.hpp) joins as failed, so that no
  // rank waits for it; the lowest failing rank says why.
  auto error = [&](const char* kind, const std::string& what) {
    if (mpi::size() > 1 && (*c.run || *c.sweep) && !mpi::joined()) {
      const int failed = mpi::join("", false);
      if (failed == mpi::rank())
        fmt::print(stderr, "seqmem: {}{}: {}\n", failed ? fmt::format("rank {}: ", failed) : "", kind, what);
      return;
    }
    if (mpi::coordinator()) fmt::print(stderr, "seqmem: {}: {}\n", kind, what);
  };
  try {
    MpiSession mpi_session(argc, argv);
    try {
      const int status = c.dispatch();
      return status != 0 ? status : check_stdout();
    } catch (const mpi::QuietExit& e) {
      return e.status;
    } catch (const InputError& e) {
      error("error", e.what());
      return 2;
    } catch (const OutputError& e) {
      error("error", e.what());
      return 2;
    } catch (const std::system_error& e) {  // fmt::print's failed write to standard output
      if (std::ferror(stdout)) return check_stdout();
      error("internal error", e.what());
      return 1;
    } catch (const std::bad_alloc&) {
      error("internal error", "out of memory (a size estimate missed this input; please report it)");
      return 1;
    } catch (const std::exception& e) {
      error("internal error", e.what());
      return 1;
    }
  } catch (const InputError& e) {  // started by mpirun, built without MPI
    fmt::print(stderr, "seqmem: error: {}\n", e.what());
    return 2;
  }
}
