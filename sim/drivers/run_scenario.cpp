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
#include "sim/drivers/driver.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/provenance.hpp"
#include "sim/output/variables.hpp"
#include "sim/parallel/mpi_job.hpp"
#include "sim/parallel/work_queue.hpp"

namespace seqmem {
namespace {

// A run's outcome as a message to rank 0 (sim/parallel/work_queue.hpp): the run's index first,
// then its fields, named once for both directions (mpi::Pack, mpi::Unpack).
template <class Ar, class O>
void fields(Ar& ar, O& o) {
  ar(o.status, o.message, o.t_stop, o.stats, o.stalled, o.stalled_at, o.any_visit, o.recovered_stalls, o.visits,
     o.m_final, o.checked, o.check, o.wall_s, o.samples, o.fixed_points, o.fixed_points_wall_s, o.detail);
}

std::string encode(int i, const RunOutcome& o) {
  mpi::Bytes b;
  b.put(i);
  mpi::Pack pack(b);
  fields(pack, o);
  return b.str();
}

RunOutcome decode(mpi::Bytes& b) {
  RunOutcome o;
  mpi::Unpack unpack(b);
  fields(unpack, o);
  return o;
}

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
  if (!failure.empty()) throw_failure(failure);
  if (!write_error.empty()) throw_write_error(out, write_error);
  o.of->commit();
}

// `run` as a Job of the driver skeleton (sim/drivers/driver.hpp): a unit is a run.
class RunJob {
 public:
  RunJob(const Scenario& sc, const std::string& out, const RunOptions& opt)
      : sc_(sc), out_(out), opt_(opt), files_(load_checked_files(sc, opt.team(), opt.limits())),
        // Diffusion and free-recall runs parallelise over their trajectories or lists and go one
        // after another: rank 0 alone.
        alone_(kind_of(sc.runs[0].model).parallel_within_run), team_(opt.team()), outcomes_(sc.runs.size()) {}

  int units() const { return static_cast<int>(sc_.runs.size()); }
  bool rank0_alone() const { return alone_; }

  void open() {
    output_ = open_run_output(sc_, out_, opt_, !alone_);
    if (root_ && !alone_) joiner_ = std::make_unique<PartJoiner>(sc_, output_);
    progress_ = std::make_unique<Progress>("run", "runs", units(), opt_.progress && root_);
    // No more threads than runs: with one run the team has one thread, and the fixed-point
    // analysis inside a run can use the cores (its own parallel region).
    if (opt_.threads > 0) omp_set_num_threads(opt_.threads);
  }

  void work(int i, WorkQueue& queue) {
    throw_if_cancelled();  // the queue stops at the first failure
    const RunSpec spec = sc_.runs[static_cast<std::size_t>(i)];
    RunContext ctx{files_, team_, opt_.progress && root_, output_.runs.id(), [this, i] {
                     std::lock_guard<std::mutex> g(h5::lock());
                     if (root_) output_.of->part_exists(static_cast<std::size_t>(i), true);
                     return h5::create_file(OutputFile::part_of(output_.partial, static_cast<std::size_t>(i)));
                   }};
    RunOutcome o;
    try {
      o = kind_of(spec.model).run(spec, ctx);
    } catch (const h5::Error& e) {
      throw_write_error(out_, e.what());
    }
    queue.result(encode(i, o));
  }

  void deliver(const std::string& bytes) {  // a run has finished (its part is on disk)
    mpi::Bytes m(bytes);
    const auto i = static_cast<std::size_t>(m.get<int>());
    outcomes_[i] = decode(m);
    if (joiner_) {
      try {
        joiner_->finished(i);
      } catch (const h5::Error& e) {
        throw_write_error(out_, e.what());
      }
    }
    ++done_;
    progress_->report(done_, fmt::format("{} {} in {:.2f} s", sc_.runs[i].id, outcomes_[i].status, outcomes_[i].wall_s),
                      true);
  }

  void finish(const std::string& failure) { finish_run_output(output_, out_, failure); }

  std::vector<RunOutcome> outcomes() { return std::move(outcomes_); }

 private:
  const Scenario& sc_;
  const std::string& out_;
  const RunOptions& opt_;
  const FileCache files_;
  const bool alone_;
  const int team_;  // the threads a run may use inside
  const bool root_ = mpi::coordinator();
  RunOutput output_;
  std::unique_ptr<PartJoiner> joiner_;
  std::unique_ptr<Progress> progress_;
  std::vector<RunOutcome> outcomes_;
  int done_ = 0;
};

}  // namespace

std::vector<RunOutcome> run_scenario(const Scenario& sc, const std::string& out, const RunOptions& opt) {
  if (sc.command != Command::run)
    throw InputError(fmt::format("{}: this scenario is a {}: run it with {}", sc.path,
                                 sc.command == Command::sweep ? "capacity sweep ([sweep])" : "baseline ([baseline])",
                                 front_end_words().sweep));
  RunJob job(sc, out, opt);
  drive(sc, opt, job);
  if (!mpi::coordinator()) return {};
  return job.outcomes();
}

}  // namespace seqmem
