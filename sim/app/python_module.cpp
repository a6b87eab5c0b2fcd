// seqmem._core: the simulator inside Python (pybind11). The Python package (analysis/python/seqmem/)
// wraps it; this file only moves values across the boundary:
//   - run / sweep / validate a scenario given as text (a path is read by Python) or as a dict, with
//     overrides as a dict or --set strings: Python values become scenario values through one
//     conversion checked against the schema (sim/app/python_values.hpp), and every message names the
//     key path in Python's terms; the same HDF5 file as the command line is written;
//   - the schema's keys;
//   - the models as objects (sim/app/python_models.cpp).
// C++ runs with the GIL released on a worker thread; the calling thread checks for Ctrl-C every
// 50 ms and cancels the run through sim/core/cancel.hpp (the partial output file is removed).
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "sim/app/python_analysis.hpp"
#include "sim/app/python_models.hpp"
#include "sim/app/python_values.hpp"
#include "sim/core/cancel.hpp"
#include "sim/core/front_end.hpp"
#include "sim/drivers/resources.hpp"
#include "sim/drivers/run_scenario.hpp"
#include "sim/kinds/gsemm/runner.hpp"
#include "sim/output/output_file.hpp"
#include "sim/scenario/keys_read.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"
#include "sim/sweeps/sweep.hpp"
#include "version.hpp"

namespace py = pybind11;
using namespace seqmem;
using namespace seqmem::python;

namespace {

// One simulation at a time per process: the output files' bookkeeping (sim/output/output_file.cpp) and
// the cancel flag are process-wide, so calls from several Python threads run one after another.
std::mutex& simulation_lock() {
  static std::mutex m;
  return m;
}

// Runs f() on a worker thread with the GIL released; KeyboardInterrupt (or any pending signal's
// exception) cancels it and is raised once the worker has stopped.
template <class F>
auto interruptible(F&& f) -> decltype(f()) {
  using R = decltype(f());
  std::unique_lock<std::mutex> one_at_a_time(simulation_lock(), std::defer_lock);
  while (!one_at_a_time.owns_lock()) {  // another thread's run: wait for it, Ctrl-C still works
    {
      py::gil_scoped_release release;
      if (one_at_a_time.try_lock()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
  cancel_flag() = false;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr error;
  R result{};
  std::thread worker([&] {
    try {
      result = f();
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> g(m);
    done = true;
    cv.notify_one();
  });
  bool interrupted = false;
  for (;;) {
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lk(m);
      if (cv.wait_for(lk, std::chrono::milliseconds(50), [&] { return done; })) break;
    }
    if (!interrupted && PyErr_CheckSignals() != 0) {  // a Python exception is now set
      interrupted = true;
      cancel_flag() = true;
    }
  }
  worker.join();
  cancel_flag() = false;
  if (interrupted) throw py::error_already_set();
  if (error) std::rethrow_exception(error);
  return result;
}

// A scenario given as text (`name` names it in messages: a path or "<string>") or as a dict, with
// its overrides; `dir` is where the files it names are looked up.
Scenario load(const py::object& scenario, const std::string& name, const std::string& dir,
              const py::object& overrides) {
  const Overrides o = overrides_from(overrides);
  if (py::isinstance<py::dict>(scenario)) {
    ScenarioText s = scenario_from_dict(scenario.cast<py::dict>(), KeyPaths{"scenario", ""});
    s.names.overrides = o.names;
    return load_scenario_text(s.text, name, dir, o.sets, s.names);
  }
  SourceNames names;
  names.overrides = o.names;
  return load_scenario_text(scenario.cast<std::string>(), name, dir, o.sets, names);
}

py::dict outcome_dict(const RunSpec& spec, const RunOutcome& o) {
  py::dict d;
  d["id"] = spec.id;
  d["status"] = o.status;
  d["message"] = o.message;
  d["t_stop"] = o.t_stop;
  d["wall_time_s"] = o.wall_s;
  return d;
}

// The module's functions (seqmem.simulate wraps them).
py::dict run_py(const py::object& scenario, const std::string& name, const std::string& dir,
                const py::object& overrides, const std::string& out, const py::object& threads, bool overwrite,
                bool progress, bool allow_large) {
  RunOptions opt;
  opt.threads = threads_from(threads);
  opt.overwrite = overwrite;
  opt.allow_large = allow_large;
  opt.progress = progress;
  const Scenario sc = load(scenario, name, dir, overrides);
  const auto outcomes = interruptible([&] { return run_scenario(sc, out, opt); });
  py::list l;
  for (std::size_t i = 0; i < outcomes.size(); ++i) l.append(outcome_dict(sc.runs[i], outcomes[i]));
  py::dict d;
  d["runs"] = l;
  d["warnings"] = sc.warnings;
  return d;
}

py::dict sweep_py(const py::object& scenario, const std::string& name, const std::string& dir,
                  const py::object& overrides, const std::string& out, const py::object& threads, bool resume,
                  bool overwrite, bool progress, bool allow_large) {
  SweepOptions opt;
  opt.threads = threads_from(threads);
  opt.resume = resume;
  opt.overwrite = overwrite;
  opt.allow_large = allow_large;
  opt.progress = progress;
  opt.print_table = progress;
  opt.resume_hint = "continue it with seqmem.sweep(..., out=..., resume=True)";
  const Scenario sc = load(scenario, name, dir, overrides);
  if (sc.command == Command::run)
    throw InputError(name + ": this scenario has no [sweep] or [baseline] section: run it with seqmem.run");
  const SweepSummary s = interruptible([&] { return run_sweep(sc, out, opt); });
  py::dict d;
  d["evaluations"] = s.evaluations;
  d["reused"] = s.reused;
  d["wall_time_s"] = s.wall_s;
  d["warnings"] = sc.warnings;
  return d;
}

py::dict validate_py(const py::object& scenario, const std::string& name, const std::string& dir,
                     const py::object& overrides, const py::object& threads, bool allow_large) {
  const int at_once = std::max(1, threads_from(threads));
  const Scenario sc = load(scenario, name, dir, overrides);
  ResourceLimits limits;
  limits.allow_large = allow_large;
  const FileCache files = interruptible([&] { return load_checked_files(sc, at_once, limits); });
  py::dict d;
  if (sc.command == Command::sweep) d["cost"] = interruptible([&] { return sweep_cost_text(sc, allow_large); });
  d["command"] = sc.command == Command::run ? "run" : sc.command == Command::sweep ? "sweep" : "baseline";
  py::list ids, estimates;
  for (std::size_t i = 0; i < sc.runs.size(); ++i) {
    const RunSpec r = sc.runs[i];
    ids.append(r.id);
    const ResourceEstimate e = estimate_run(r, files, at_once);
    py::dict est;
    est["memory_bytes"] = e.memory;
    est["output_bytes"] = e.output;
    est["work_core_seconds"] = e.work;
    estimates.append(est);
  }
  d["runs"] = ids;
  d["estimates"] = estimates;
  d["warnings"] = sc.warnings;
  return d;
}

py::list keys_py() {
  py::list rows;
  for (const KeyDef& k : schema()) {
    py::dict r;
    r["section"] = std::string(k.section);
    r["key"] = std::string(k.key);
    r["type"] = std::string(type_name(k.type));
    r["default"] = std::string(k.def);
    r["range"] = k.choices ? std::string(k.choices) : k.range.text();
    r["meaning"] = std::string(k.doc);
    r["family"] = family_token(k.family);
    rows.append(r);
  }
  return rows;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "seqmem's C++ core (pybind11); use the package `seqmem`, which wraps it.";
  OutputFile::set_signal_cleanup(false);  // Python owns the signals; Ctrl-C cancels (sim/core/cancel.hpp)
  front_end_words() = {"overwrite=True",   "resume=True", "overrides",
                       "allow_large=True", "seqmem.run",  "seqmem.sweep"};  // messages in the package's terms
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<OutputError>(m, "OutputError", PyExc_OSError);
  m.attr("version") = kVersion;
  m.attr("git_commit") = kGitCommit;

  m.def("checkpoint_of", &checkpoint_of, py::arg("out"), "the checkpoint a sweep writing `out` keeps (OUT.checkpoint)");

  m.def("run", &run_py, py::arg("scenario"), py::arg("name"), py::arg("dir"), py::arg("overrides"), py::arg("out"),
        py::arg("threads"), py::arg("overwrite"), py::arg("progress"), py::arg("allow_large"));

  m.def("sweep", &sweep_py, py::arg("scenario"), py::arg("name"), py::arg("dir"), py::arg("overrides"), py::arg("out"),
        py::arg("threads"), py::arg("resume"), py::arg("overwrite"), py::arg("progress"), py::arg("allow_large"));

  m.def("validate", &validate_py, py::arg("scenario"), py::arg("name"), py::arg("dir"), py::arg("overrides"),
        py::arg("threads"), py::arg("allow_large"));

  m.def("keys", &keys_py);

  bind_models(m);    // sim/app/python_models.cpp
  bind_sequence(m);  // sim/app/python_sequence.cpp
  bind_likelihood(m);  // sim/app/python_likelihood.cpp
  bind_mpi(m);         // sim/app/python_mpi.cpp
  bind_analysis(m);  // sim/app/python_analysis.cpp
}
