// A model kind behind one interface (docs/architecture.md, "Add a model kind"): what the drivers
// (sim/drivers/run_scenario.cpp, the estimates) and the command line ask of a run, whatever its model.
// Each kind defines one Kind in its folder; sim/kinds/registry.cpp lists them, one line each.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "sim/kinds/estimate.hpp"
#include "sim/kinds/file_cache.hpp"
#include "sim/kinds/run_outcome.hpp"
#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// What a run may use: the scenario's files, the cores, and where it writes.
struct RunContext {
  const FileCache& files;
  int threads = 1;        // the cores a run may use inside it (kinds with parallel_within_run)
  bool progress = false;  // progress lines on stderr
  hid_t runs_group = -1;  // /runs of the output, for kinds that write there directly (rank 0)
  // A part file of its own, for kinds whose runs go in parallel and stream (joined into /runs in
  // run order by the driver); taken under h5::lock().
  std::function<h5::Handle()> create_part;
};

struct Kind {
  // Diffusion and free recall: runs go one after another on rank 0 and use the threads inside;
  // GSEMM: runs go in parallel (threads, ranks), each into its part file.
  bool parallel_within_run = false;
  // Loads the files the run names into `files` and checks them against the run (InputError naming
  // the file and key); before any output exists.
  void (*load_files)(const Scenario& sc, const RunSpec& r, FileCache& files) = nullptr;
  // Simulates the run and writes its group /runs/<id>/ (h5::Error on a failed write); polls Ctrl-C.
  RunOutcome (*run)(const RunSpec& r, const RunContext& ctx) = nullptr;
  // What the command line prints for the run after "<id> <varying keys>: ", newline-terminated.
  std::string (*summary)(const RunSpec& r, const RunOutcome& o) = nullptr;
  // What the run will cost (memory, output, work) from its keys and the shapes in `files` (which
  // may be empty: the first check runs before any file is loaded); `threads` are those it may use.
  ResourceEstimate (*estimate)(const RunSpec& r, const FileCache& files, int threads) = nullptr;
  // The input files the run names (empty names left out): the output file records their digests.
  std::vector<std::string> (*input_files)(const RunSpec& r) = nullptr;
};

// For the kinds whose runs stream into a part file of their own: opens it, lets `write(part)` simulate
// and write the run (its writers closed when it returns), and closes the file under the HDF5 lock.
template <class Write>
RunOutcome in_part_file(const RunContext& ctx, Write&& write) {
  h5::Handle part = ctx.create_part();
  RunOutcome o = write(part.id());
  std::lock_guard<std::mutex> g(h5::lock());
  h5::close_file(part);
  return o;
}

// The module of a model kind (sim/kinds/registry.cpp).
const Kind& kind_of(ModelKind m);

// Loads and checks every file the scenario's runs name, kind by kind. Call before any output exists.
FileCache load_files(const Scenario& sc);

}  // namespace seqmem
