#include "sim/parallel/work_queue.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <thread>

#include "sim/output/output_file.hpp"
#include "sim/parallel/mpi_job.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {
namespace {
// Message tags between the ranks and the coordinator.
enum Tag : int { kRequest = 1, kUnit = 2, kResult = 3, kFailure = 4, kDone = 5 };
}  // namespace

void join_or_exit(const std::string& fingerprint) {
  if (mpi::joined()) return;
  const int failed = mpi::join(fingerprint, true);
  if (failed < 0) return;
  if (failed == mpi::rank())
    fmt::print(stderr, "seqmem: rank {}: error: its scenario text or --set overrides differ from rank 0's\n", failed);
  throw mpi::QuietExit{2};
}

mpi::Bytes on_rank0(const std::string& fingerprint, const std::function<void(mpi::Bytes&)>& setup, bool share) {
  join_or_exit(fingerprint);
  mpi::Bytes b;
  if (mpi::coordinator()) {
    try {
      b.put('+');
      setup(b);
    } catch (const InputError& e) {
      b = mpi::Bytes();
      b.put('I').put_string(e.what());
    } catch (const OutputError& e) {
      b = mpi::Bytes();
      b.put('O').put_string(e.what());
    }
  }
  if (share && mpi::size() > 1) b = mpi::Bytes(mpi::broadcast(b.str()));
  const char status = b.get<char>();
  if (status == 'I' || status == 'O') {
    if (!mpi::coordinator()) throw mpi::QuietExit{2};
    if (status == 'I') throw InputError(b.get_string());
    throw OutputError(b.get_string());
  }
  return b;
}

int WorkQueue::next_unit() {
  if (mpi::rank() != 0) {  // ask the coordinator
    mpi::send(0, kRequest, "");
    return mpi::Bytes(mpi::recv(0, kUnit)).get<int>();
  }
  if (stopped_) return -1;
  const int u = next_++;
  return u < units_ ? u : -1;
}

void WorkQueue::result(const std::string& bytes) {
  if (mpi::rank() == 0) deliver_(bytes);
  else mpi::send(0, kResult, bytes);
}

void WorkQueue::fail(const std::string& what) {
  stopped_ = true;
  if (mpi::rank() == 0) {
    std::lock_guard<std::mutex> g(mu_);
    if (failure_.empty()) failure_ = what;
  } else {
    mpi::send(0, kFailure, what);
  }
}

std::string WorkQueue::failure() const {
  std::lock_guard<std::mutex> g(mu_);
  return failure_;
}

// Rank 0's coordinating thread: until every other rank has said it is done.
void WorkQueue::coordinate() {
  int done = 0, idle = 0;
  while (done < mpi::size() - 1) {
    int source = 0, tag = 0;
    if (!mpi::probe(source, tag)) {
      // a short sleep while nothing arrives: the coordinator must not take a core from the work
      std::this_thread::sleep_for(std::chrono::microseconds(idle < 100 ? 50 : 1000));
      ++idle;
      continue;
    }
    idle = 0;
    const std::string bytes = mpi::recv(source, tag);
    switch (tag) {
      case kRequest:
        mpi::send(source, kUnit, mpi::Bytes().put<int>(next_unit()).str());
        break;
      case kResult:
        try {
          deliver_(bytes);
        } catch (const std::exception& e) {
          fail(e.what());
        }
        break;
      case kFailure: {
        stopped_ = true;
        std::lock_guard<std::mutex> g(mu_);
        if (failure_.empty()) failure_ = fmt::format("rank {}: {}", source, bytes);
        break;
      }
      case kDone:
        ++done;
        break;
      default:
        break;
    }
  }
}

void WorkQueue::run(int threads, const std::function<void(int)>& work) {
  auto worker = [&]() {
    for (int u = next_unit(); u >= 0; u = next_unit()) {
      try {
        work(u);
      } catch (const std::exception& e) {
        fail(e.what());
      }
    }
  };
  const bool coordinating = mpi::rank() == 0 && mpi::size() > 1;
#pragma omp parallel num_threads(threads + (coordinating ? 1 : 0))
  {
    if (coordinating && omp_get_thread_num() == 0) coordinate();
    else worker();
  }
  if (mpi::rank() != 0) mpi::send(0, kDone, "");
  mpi::barrier();
}

}  // namespace seqmem
