#include "sim/drivers/run_scenario.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>

#include "sim/core/cancel.hpp"
#include "sim/core/front_end.hpp"
#include "sim/core/progress.hpp"
#include "sim/drivers/resources.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/variables.hpp"
#include "sim/parallel/mpi_job.hpp"
#include "sim/parallel/work_queue.hpp"

namespace seqmem {
namespace {

// A run's outcome as a message to rank 0 (sim/parallel/work_queue.hpp): the run's index first.
std::string encode(int i, const RunOutcome& o) {
  mpi::Bytes b;
  b.put(i).put_string(o.status).put_string(o.message).put(o.t_stop).put(o.stats).put(o.stalled).put(o.stalled_at);
  b.put(o.any_visit).put(o.recovered_stalls).put<std::uint64_t>(o.visits.size());
  for (const Visit& v : o.visits) b.put(v);
  b.put<std::int64_t>(o.m_final.size());
  for (Eigen::Index k = 0; k < o.m_final.size(); ++k) b.put(o.m_final[k]);
  b.put(o.checked).put(o.check).put(o.wall_s).put(o.samples).put(o.fixed_points).put(o.fixed_points_wall_s);
  b.put_string(o.detail);
  return b.str();
}

RunOutcome decode(mpi::Bytes& b) {
  RunOutcome o;
  o.status = b.get_string();
  o.message = b.get_string();
  o.t_stop = b.get<double>();
  o.stats = b.get<SolverStats>();
  o.stalled = b.get<bool>();
  o.stalled_at = b.get<double>();
  o.any_visit = b.get<bool>();
  o.recovered_stalls = b.get<int>();
  o.visits.resize(b.get<std::uint64_t>());
  for (Visit& v : o.visits) v = b.get<Visit>();
  o.m_final.resize(b.get<std::int64_t>());
  for (Eigen::Index k = 0; k < o.m_final.size(); ++k) o.m_final[k] = b.get<double>();
  o.checked = b.get<bool>();
  o.check = b.get<EpisodeCheck>();
  o.wall_s = b.get<double>();
  o.samples = b.get<long long>();
  o.fixed_points = b.get<int>();
  o.fixed_points_wall_s = b.get<double>();
  o.detail = b.get_string();
  return o;
}

}  // namespace

void print_warnings(const Scenario& sc) {
  if (!mpi::coordinator()) return;
  for (const auto& w : sc.warnings) fmt::print(stderr, "seqmem: warning: {}\n", w);
}

std::vector<std::string> input_files(const Scenario& sc) {
  std::vector<std::string> in{sc.path};
  for (const RunSpec& r : sc.runs)
    for (const std::string* f : {&r.Xi_file, &r.Phi_file, &r.diffusion.Y_file, &r.diffusion.covariance_file})
      if (!f->empty() && std::find(in.begin(), in.end(), *f) == in.end()) in.push_back(*f);
  return in;
}

namespace {

// The output of `run`: rank 0 holds OUT's partial file with its provenance and /runs; every rank
// knows the partial name, next to which it writes its runs' part files.
struct RunOutput {
  std::unique_ptr<OutputFile> of;  // rank 0
  h5::Handle file, runs;           // rank 0
  std::string partial;
};

// Rank 0 opens OUT; the other ranks (all_ranks: an MPI job whose runs go over the ranks) learn
// whether it could, and the partial name. InputError for an OUT that may not be written.
RunOutput open_run_output(const Scenario& sc, const std::string& out, const RunOptions& opt, bool all_ranks) {
  RunOutput o;
  mpi::Bytes setup = on_rank0(
      sc.fingerprint(),
      [&](mpi::Bytes& b) {
        o.of = std::make_unique<OutputFile>(out, input_files(sc), opt.overwrite ? Existing::overwrite : Existing::refuse,
                                            fmt::format("use {} to replace it", front_end_words().overwrite),
                                            opt.progress);
        try {
          std::lock_guard<std::mutex> g(h5::lock());
          o.file = h5::create_file(o.of->partial());
          write_provenance(o.file.id(), sc);
          h5::set_attr(o.file.id(), "n_runs", std::int64_t(sc.runs.size()));
          o.runs = h5::create_group(o.file.id(), "runs");
        } catch (const h5::Error& e) {
          throw_write_error(out, e.what());
        }
        b.put_string(o.of->partial());
      },
      all_ranks);
  o.partial = setup.get_string();
  return o;
}

// GSEMM runs stream into a part file each (memory does not grow with the duration; in an MPI job
// every rank writes its runs' parts next to OUT) and rank 0 joins them into /runs in run order as
// they finish: the file's bytes depend neither on the order in which runs end nor on the rank that
// ran them (h5::copy_group). Called under the caller's lock; h5::Error on a failed copy.
class PartJoiner {
 public:
  PartJoiner(const Scenario& sc, RunOutput& o) : sc_(sc), o_(o), finished_(sc.runs.size(), 0) {
    o_.of->expect_parts(sc.runs.size());
  }
  void finished(std::size_t i) {
    o_.of->part_exists(i, true);
    finished_[i] = 1;
    while (next_ < finished_.size() && finished_[next_]) {
      const std::string part = OutputFile::part_of(o_.partial, next_);
      {
        std::lock_guard<std::mutex> g(h5::lock());
        h5::Handle pf = h5::open_file_readonly(part);
        h5::copy_group(pf.id(), sc_.runs[next_].id, o_.runs.id(), sc_.runs[next_].id);
      }
      std::error_code ec;
      std::filesystem::remove(part, ec);
      o_.of->part_exists(next_, false);
      ++next_;
    }
  }

 private:
  const Scenario& sc_;
  RunOutput& o_;
  std::vector<char> finished_;
  std::size_t next_ = 0;
};

// Rank 0, after the last run: describes the variables, closes the file and renames it to OUT; or,
// after a failure (the queue's first), throws it, and ~OutputFile removes the partial file and parts.
void finish_run_output(RunOutput& o, const std::string& out, const std::string& failure) {
  std::string write_error;
  {
    std::lock_guard<std::mutex> g(h5::lock());
    o.runs = h5::Handle();
    try {
      if (failure.empty()) describe_variables(o.file.id());
      h5::close_file(o.file);
    } catch (const h5::Error& e) {
      write_error = e.what();
    }
  }
  throw_if_cancelled();
  if (failure.find("cannot write") != std::string::npos) throw OutputError(failure);
  if (!failure.empty()) throw std::runtime_error(failure);
  if (!write_error.empty()) throw_write_error(out, write_error);
  o.of->commit();
}

}  // namespace

std::vector<RunOutcome> run_scenario(const Scenario& sc, const std::string& out, const RunOptions& opt) {
  if (sc.command != Command::run)
    throw InputError(fmt::format("{}: this scenario is a {}: run it with {}", sc.path,
                                 sc.command == Command::sweep ? "capacity sweep ([sweep])" : "baseline ([baseline])",
                                 front_end_words().sweep));
  ResourceLimits limits;
  limits.allow_large = opt.allow_large;
  const FileCache files = load_checked_files(sc, opt.threads > 0 ? opt.threads : omp_get_max_threads(), limits);
  if (opt.print_warnings) print_warnings(sc);
  const bool root = mpi::coordinator();
  // Diffusion and free-recall runs parallelise over their trajectories or lists and go one after
  // another: rank 0 alone.
  const bool one_at_a_time = kind_of(sc.runs[0].model).parallel_within_run;
  if (one_at_a_time) {
    join_or_exit(sc.fingerprint());
    if (!root) return {};
  }
  RunOutput output = open_run_output(sc, out, opt, !one_at_a_time);
  std::unique_ptr<PartJoiner> joiner;
  if (root && !one_at_a_time) joiner = std::make_unique<PartJoiner>(sc, output);

  const int n = static_cast<int>(sc.runs.size());
  std::vector<RunOutcome> outcomes(sc.runs.size());
  int done = 0;
  Progress progress("run", "runs", n, opt.progress && root);
  std::mutex mu;
  auto deliver = [&](const std::string& bytes) {  // rank 0: a run has finished (its part is on disk)
    mpi::Bytes m(bytes);
    const auto i = static_cast<std::size_t>(m.get<int>());
    const RunOutcome o = decode(m);
    std::lock_guard<std::mutex> g(mu);
    outcomes[i] = o;
    if (joiner) {
      try {
        joiner->finished(i);
      } catch (const h5::Error& e) {
        throw_write_error(out, e.what());
      }
    }
    ++done;
    progress.report(done, fmt::format("{} {} in {:.2f} s", sc.runs[i].id, o.status, o.wall_s), true);
  };
  WorkQueue queue(n, deliver);
  // No more threads than runs: with one run the team has one thread, and the fixed-point
  // analysis inside a run can use the cores (its own parallel region).
  const int all = opt.threads > 0 ? opt.threads : omp_get_max_threads();
  if (opt.threads > 0) omp_set_num_threads(opt.threads);
  auto run_one = [&](int i) {
    throw_if_cancelled();  // the queue stops at the first failure
    const RunSpec spec = sc.runs[static_cast<std::size_t>(i)];
    RunContext ctx{files, all, opt.progress && root, output.runs.id(), [&, i] {
                     std::lock_guard<std::mutex> g(h5::lock());
                     if (root) output.of->part_exists(static_cast<std::size_t>(i), true);
                     return h5::create_file(OutputFile::part_of(output.partial, static_cast<std::size_t>(i)));
                   }};
    RunOutcome o;
    try {
      o = kind_of(spec.model).run(spec, ctx);
    } catch (const h5::Error& e) {
      throw_write_error(out, e.what());
    }
    queue.result(encode(i, o));
  };
  if (one_at_a_time) {  // rank 0 alone, one run after another
    for (int i = 0; i < n && queue.failure().empty(); ++i) {
      try {
        run_one(i);
      } catch (const std::exception& e) {
        queue.fail(e.what());
      }
    }
  } else {
    queue.run(std::max(1, std::min(n, all)), run_one);
  }
  if (!root) return {};
  finish_run_output(output, out, queue.failure());
  return outcomes;
}

}  // namespace seqmem
