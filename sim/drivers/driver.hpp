// The one skeleton of the commands that work through a scenario's units into one output file:
// `run` (its runs), `sweep` (its (configuration, degree, seed) pairs) and a [baseline] sweep (its
// settings). Each is a Job; drive() takes it through the same steps in the same order:
//
//   1. (the Job's constructor) refuse what cannot be done: InputError before anything is written
//   2. print the scenario's warnings (rank 0), once its checks have passed
//   3. rank0_alone(): every rank joins and only rank 0 goes on (work that parallelises inside a unit)
//   4. open(): collective; rank 0 opens the output (OutputFile) and every rank learns the outcome
//   5. work(unit, queue) for every unit, handed out over threads and MPI ranks (WorkQueue), one
//      after another on rank 0 when rank0_alone(); results go to queue.result(bytes)
//   6. deliver(bytes): rank 0, one result at a time (under drive's lock), from any thread or rank
//   7. finish(failure): rank 0 after the last unit: writes and commits the output, or throws the
//      queue's first failure (throw_failure)
#pragma once

#include <omp.h>

#include <algorithm>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "sim/drivers/resources.hpp"
#include "sim/parallel/mpi_job.hpp"
#include "sim/parallel/work_queue.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// The options every command of the skeleton takes (the command line's and seqmem.run/sweep's).
struct DriverOptions {
  int threads = 0;              // 0: OpenMP's default
  bool progress = true;         // progress lines on stderr
  bool overwrite = false;       // replace an existing OUT (else refused)
  bool allow_large = false;     // beyond the soft limits of sim/drivers/resources.hpp
  bool print_warnings = false;  // the scenario's warnings on stderr once its checks have passed

  int team() const { return threads > 0 ? threads : omp_get_max_threads(); }
  ResourceLimits limits() const {
    ResourceLimits l;
    l.allow_large = allow_large;
    return l;
  }
};

// The scenario's warnings (keys an override left unread, settings that cannot work) on stderr, as
// "seqmem: warning: ...", by rank 0; after the checks, so that bad input gives its one message.
void print_warnings(const Scenario& sc);

// Every file a scenario reads: the scenario itself and the files its runs name. No output may be one of them.
std::vector<std::string> input_files(const Scenario& sc);

// A queue's first failure as the exception it stands for: OutputError for a failed write (its
// message says "cannot write"; `kept`, what survived, appended), else std::runtime_error.
[[noreturn]] void throw_failure(const std::string& failure, const std::string& kept = "");

// Steps 2 to 7 above for `job` (see the top of this file for what a Job provides).
template <class Job>
void drive(const Scenario& sc, const DriverOptions& opt, Job& job) {
  if (opt.print_warnings) print_warnings(sc);
  const bool alone = job.rank0_alone();
  if (alone) {
    join_or_exit(sc.fingerprint());
    if (!mpi::coordinator()) return;
  }
  job.open();
  const int n = job.units();
  std::mutex mu;
  WorkQueue queue(n, [&](const std::string& bytes) {
    std::lock_guard<std::mutex> g(mu);
    job.deliver(bytes);
  });
  if (alone) {
    for (int i = 0; i < n && queue.failure().empty(); ++i) {
      try {
        job.work(i, queue);
      } catch (const std::exception& e) {
        queue.fail(e.what());
      }
    }
  } else {
    queue.run(std::max(1, std::min(n, opt.team())), [&](int i) { job.work(i, queue); });
  }
  if (!mpi::coordinator()) return;
  job.finish(queue.failure());
}

}  // namespace seqmem
