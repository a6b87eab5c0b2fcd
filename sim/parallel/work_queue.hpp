// Units of work 0 .. n-1 handed out one at a time, as threads become free: to the OpenMP threads of
// this process and, in an MPI job (sim/parallel/mpi_job.hpp), to the threads of every rank. Rank 0 holds the
// counter; in a job of several ranks one more thread of rank 0 coordinates: it answers the other
// ranks' requests for a unit and passes their results on. A dynamic schedule, so that a long unit
// never holds back units that other threads could run.
//
// Results are byte strings; on rank 0 every result, local or remote, is handed to `deliver` (from
// whichever thread has it: deliver must be thread-safe). After a failure (fail()) no new unit is
// handed out anywhere, and rank 0 reports the first failure with the rank that had it.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

namespace seqmem {

namespace mpi {
class Bytes;
}

// mpi::join with this rank's preparation done; when a rank failed or differs from rank 0 (its
// scenario text or overrides), ends this rank with mpi::QuietExit after the lowest such rank says why.
void join_or_exit(const std::string& fingerprint);

// What rank 0 alone does before the work starts (check the cost, open the output, read a
// checkpoint): `setup` appends what the other ranks need to its bytes, which every rank gets back
// (when `share`). A refusal (InputError, OutputError) is thrown again on rank 0 and ends the other
// ranks quietly (mpi::QuietExit, exit status 2): rank 0 alone prints it.
// Before it, every rank joins (mpi::join) with `fingerprint`: a rank whose own preparation failed
// joins from main's error handler, and then every rank ends with status 2.
mpi::Bytes on_rank0(const std::string& fingerprint, const std::function<void(mpi::Bytes&)>& setup, bool share = true);

class WorkQueue {
 public:
  using Deliver = std::function<void(const std::string&)>;
  WorkQueue(int units, Deliver deliver) : units_(units), deliver_(std::move(deliver)) {}

  // Runs work(unit) for every unit on `threads` threads of every rank; returns when all ranks are
  // done. On rank 0, failure() then holds the first failure of any rank ("" if none).
  void run(int threads, const std::function<void(int unit)>& work);

  // A result of this rank's work, to rank 0's deliver.
  void result(const std::string& bytes);
  // Ends the hand-out of units (all ranks): `what` reaches rank 0.
  void fail(const std::string& what);
  std::string failure() const;
  // The units handed out so far, for a progress line on rank 0.
  int handed_out() const { return next_.load(); }

 private:
  int next_unit();   // -1: none left
  void coordinate(); // rank 0 in a job of several ranks
  int units_;
  Deliver deliver_;
  std::atomic<int> next_{0};
  std::atomic<bool> stopped_{false};
  mutable std::mutex mu_;
  std::string failure_;
};

}  // namespace seqmem
