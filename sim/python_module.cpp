// seqmem._core: the simulator inside Python (pybind11). The Python package (analysis/seqmem/)
// wraps it; this file only moves values across the boundary:
//   - run / sweep / validate a scenario given as text (a path is read by Python, a dict is
//     serialised to TOML by toml_text), writing the same HDF5 file as the command line;
//   - the schema's keys;
//   - the models as objects with rhs, energy and jacobian (NumPy float64 in and out).
// C++ runs with the GIL released on a worker thread; the calling thread checks for Ctrl-C every
// 50 ms and cancels the run through sim/cancel.hpp (the partial output file is removed).
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <toml++/toml.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <sstream>
#include <thread>

#include "../models/dense_gsemm.hpp"
#include "../models/diffusion.hpp"
#include "../models/gsemm.hpp"
#include "../models/modern_hopfield.hpp"
#include "cancel.hpp"
#include "output_file.hpp"
#include "resources.hpp"
#include "run_scenario.hpp"
#include "runner.hpp"
#include "scenario.hpp"
#include "schema.hpp"
#include "sweep.hpp"
#include "version.hpp"

namespace py = pybind11;
using namespace seqmem;

namespace {

// One simulation at a time per process: the output files' bookkeeping (sim/output_file.cpp) and
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

// A Python value as a TOML node (bool before int: Python's bool is an int).
toml::table to_table(const py::dict& d);
toml::array to_array(const py::sequence& l);
template <class Insert>
void put(const py::handle& v, Insert insert, const std::string& where) {
  if (py::isinstance<py::bool_>(v)) insert(v.cast<bool>());
  else if (py::isinstance<py::int_>(v)) insert(v.cast<std::int64_t>());
  else if (py::isinstance<py::float_>(v)) insert(v.cast<double>());
  else if (py::isinstance<py::str>(v)) insert(v.cast<std::string>());
  else if (py::isinstance<py::dict>(v)) insert(to_table(v.cast<py::dict>()));
  else if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) insert(to_array(py::reinterpret_borrow<py::sequence>(v)));
  else if (py::hasattr(v, "ndim") && py::hasattr(v, "tolist") && v.attr("ndim").cast<int>() > 0)
    put(v.attr("tolist")(), insert, where);  // a NumPy array: a list
  else if (py::hasattr(v, "item") && py::hasattr(v, "dtype")) put(v.attr("item")(), insert, where);  // NumPy scalar
  else
    throw InputError(fmt::format("<dict>: key '{}': cannot be written in TOML (a {})", where,
                                 py::str(py::type::of(v).attr("__name__")).cast<std::string>()));
}
toml::table to_table(const py::dict& d) {
  toml::table t;
  for (auto [k, v] : d) {
    const std::string key = py::str(k).cast<std::string>();
    put(v, [&](auto&& x) { t.insert_or_assign(key, std::forward<decltype(x)>(x)); }, key);
  }
  return t;
}
toml::array to_array(const py::sequence& l) {
  toml::array a;
  for (auto v : l) put(v, [&](auto&& x) { a.push_back(std::forward<decltype(x)>(x)); }, "list");
  return a;
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

// The model of a scenario's first run (validated like any run); Xi and Phi given.
RunSpec model_spec(const std::string& text) {
  const Scenario sc = load_scenario_text(text, "<model parameters>", ".");
  return sc.runs[0];
}

// Eigen views of NumPy arrays: float64, the expected shape; anything else is a ValueError.
Vec vector_arg(const py::array_t<double, py::array::c_style>& a, Eigen::Index n, const char* name) {
  if (a.ndim() != 1 || a.shape(0) != n)
    throw py::value_error(fmt::format("{}: expected a float64 array of shape ({},), got shape {}", name, n,
                                      py::str(py::tuple(py::cast(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim())))).cast<std::string>()));
  return Eigen::Map<const Vec>(a.data(), n);
}
Mat matrix_arg(const py::array_t<double, py::array::f_style | py::array::forcecast>& a, const char* name) {
  if (a.ndim() != 2) throw py::value_error(fmt::format("{}: expected a 2-D float64 array", name));
  return Eigen::Map<const Mat>(a.data(), a.shape(0), a.shape(1));
}
// A state vector: a C-contiguous float64 NumPy array of `n` entries (ValueError otherwise).
Vec state_arg(const py::handle& a, Eigen::Index n, const char* name) {
  if (!py::isinstance<py::array>(a))
    throw py::value_error(fmt::format("{}: expected a float64 NumPy array of shape ({},), got a {}", name, n,
                                      py::str(py::type::of(a).attr("__name__")).cast<std::string>()));
  const py::array arr = py::reinterpret_borrow<py::array>(a);
  if (!py::isinstance<py::array_t<double>>(arr) || !(arr.flags() & py::array::c_style))
    throw py::value_error(fmt::format("{}: expected a C-contiguous float64 NumPy array of shape ({},), got dtype {}{}",
                                      name, n, py::str(arr.dtype()).cast<std::string>(),
                                      arr.flags() & py::array::c_style ? "" : ", not C-contiguous"));
  return vector_arg(arr.cast<py::array_t<double, py::array::c_style>>(), n, name);
}

// A model as a Python object: rhs(x, t), energy(x), jacobian(x), the state layout.
template <class Model>
void bind_gsemm_model(py::module_& m, const char* name, const char* doc) {
  py::class_<Model>(m, name, doc)
      .def(py::init([](const py::array_t<double, py::array::f_style | py::array::forcecast>& Xi,
                       const py::array_t<double, py::array::f_style | py::array::forcecast>& Phi,
                       const std::string& params_toml) {
             const Mat X = matrix_arg(Xi, "Xi"), P = matrix_arg(Phi, "Phi");
             if (P.rows() != X.cols() || P.cols() != X.cols())
               throw py::value_error(fmt::format("Phi: expected shape ({0}, {0}) for K = {0} memories, got ({1}, {2})",
                                                 X.cols(), P.rows(), P.cols()));
             const RunSpec spec = model_spec(params_toml);
             return Model(X, P, spec.params);
           }),
           py::arg("Xi"), py::arg("Phi"), py::arg("params_toml"))
      .def_property_readonly("N_f", [](const Model& s) { return s.Xi().rows(); })
      .def_property_readonly("K", [](const Model& s) { return s.Xi().cols(); })
      .def_property_readonly("state_size", &Model::state_size)
      .def(
          "rhs",
          [](const Model& s, const py::handle& x, double t) {
            const Vec v = state_arg(x, s.state_size(), "x");
            Vec dx(v.size());
            s(v, dx, t);
            return dx;
          },
          py::arg("x"), py::arg("t") = 0.0,
          "dx/dt at the state x (float64, shape (state_size,)) and time t (units of T_f): the model's ODE "
          "(GSEMM Eq. 1, or Eq. 9-10 for Dense GSEMM). ValueError for another dtype or shape.")
      .def(
          "energy",
          [](const Model& s, const py::handle& x) {
            return s.energy(state_arg(x, s.state_size(), "x"));
          },
          py::arg("x"),
          "the energy at x (GSEMM Eq. 4; Dense GSEMM: E(V_f; V_d), Eq. 13 in the limit), dimensionless")
      .def(
          "jacobian",
          [](const Model& s, const py::handle& x, double t) {
            Mat J;
            s.jacobian(state_arg(x, s.state_size(), "x"), t, J);
            return J;
          },
          py::arg("x"), py::arg("t") = 0.0,
          "d(rhs)/dx at x, shape (state_size, state_size), in 1/T_f")
      .def(
          "state",
          [](const Model& s, const py::handle& V_f, const py::handle& V_d) {
            const auto n = s.Xi().rows();
            return s.initial_state(state_arg(V_f, n, "V_f"),
                                   state_arg(V_d, n, "V_d"));
          },
          py::arg("V_f"), py::arg("V_d"),
          "the state from V_f and V_d (float64, shape (N_f,)): [V_f, V_d, Xi^T V_d] for Dense GSEMM, [V_f, V_h, V_d] "
          "with dV_h/dt = 0 for GSEMM");
}

// A vector field of the diffusion model (drift, score) at x, shape (D,), and time t.
template <void (PatternDiffusion::*field)(const Vec&, double, Vec&) const>
Vec diffusion_field(const PatternDiffusion& s, const py::handle& x, double t) {
  Vec out(s.D());
  (s.*field)(state_arg(x, s.D(), "x"), t, out);
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "seqmem's C++ core (pybind11); use the package `seqmem`, which wraps it.";
  OutputFile::set_signal_cleanup(false);  // Python owns the signals; Ctrl-C cancels (sim/cancel.hpp)
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<OutputError>(m, "OutputError", PyExc_OSError);
  m.attr("version") = kVersion;
  m.attr("git_commit") = kGitCommit;

  m.def("toml_text", [](const py::dict& d) {
    std::ostringstream os;
    os << to_table(d);
    return os.str();
  });

  m.def(
      "run",
      [](const std::string& text, const std::string& path, const std::string& dir,
         const std::vector<std::string>& overrides, const std::string& out, int threads, bool overwrite,
         bool progress) {
        const Scenario sc = load_scenario_text(text, path, dir, overrides);
        RunOptions opt;
        opt.threads = threads;
        opt.overwrite = overwrite;
        opt.progress = progress;
        const auto outcomes = interruptible([&] { return run_scenario(sc, out, opt); });
        py::list l;
        for (std::size_t i = 0; i < outcomes.size(); ++i) l.append(outcome_dict(sc.runs[i], outcomes[i]));
        return l;
      },
      py::arg("text"), py::arg("path"), py::arg("dir"), py::arg("overrides"), py::arg("out"), py::arg("threads"),
      py::arg("overwrite"), py::arg("progress"));

  m.def(
      "sweep",
      [](const std::string& text, const std::string& path, const std::string& dir,
         const std::vector<std::string>& overrides, const std::string& out, int threads, bool resume, bool progress) {
        const Scenario sc = load_scenario_text(text, path, dir, overrides);
        if (sc.command == Command::run)
          throw InputError(path + ": this scenario has no [sweep] or [baseline] section: run it with seqmem.run");
        SweepOptions opt;
        opt.threads = threads;
        opt.resume = resume;
        opt.progress = progress;
        opt.print_table = progress;
        const SweepSummary s = interruptible([&] { return run_sweep(sc, out, opt); });
        py::dict d;
        d["evaluations"] = s.evaluations;
        d["reused"] = s.reused;
        d["wall_time_s"] = s.wall_s;
        return d;
      },
      py::arg("text"), py::arg("path"), py::arg("dir"), py::arg("overrides"), py::arg("out"), py::arg("threads"),
      py::arg("resume"), py::arg("progress"));

  m.def(
      "validate",
      [](const std::string& text, const std::string& path, const std::string& dir,
         const std::vector<std::string>& overrides) {
        const Scenario sc = load_scenario_text(text, path, dir, overrides);
        interruptible([&] {
          load_checked_files(sc, 1, ResourceLimits{});
          return 0;
        });
        py::dict d;
        d["command"] = sc.command == Command::run ? "run" : sc.command == Command::sweep ? "sweep" : "baseline";
        py::list ids;
        for (std::size_t i = 0; i < sc.runs.size(); ++i) ids.append(fmt::format("r{:04d}", i));
        d["runs"] = ids;
        return d;
      },
      py::arg("text"), py::arg("path"), py::arg("dir"), py::arg("overrides"));

  m.def("keys", [] {
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
  });

  bind_gsemm_model<DenseGsemm>(m, "DenseGSEMM", "Dense GSEMM (GSEMM Eq. 9-10); state x = [V_f, V_d, u_d = Xi^T V_d]");
  bind_gsemm_model<Gsemm>(m, "GSEMM", "GSEMM with three layers (GSEMM Eq. 1); state x = [V_f, V_h, V_d]");

  py::class_<ModernHopfield>(m, "ModernHopfield", "continuous modern Hopfield network (Ambrogioni 2024 Eq. 5)")
      .def(py::init([](const py::array_t<double, py::array::f_style | py::array::forcecast>& Y, double beta) {
             if (!(beta > 0)) throw py::value_error("beta: must be > 0");
             return ModernHopfield(matrix_arg(Y, "Y"), beta);
           }),
           py::arg("Y"), py::arg("beta"))
      .def_property_readonly("D", [](const ModernHopfield& s) { return s.Y().rows(); })
      .def_property_readonly("N", [](const ModernHopfield& s) { return s.Y().cols(); })
      .def(
          "rhs",
          [](const ModernHopfield& s, const py::handle& x, double t) {
            const Vec v = state_arg(x, s.Y().rows(), "x");
            Vec dx(v.size());
            s(v, dx, t);
            return dx;
          },
          py::arg("x"), py::arg("t") = 0.0)
      .def(
          "energy",
          [](const ModernHopfield& s, const py::handle& x) {
            return s.energy(state_arg(x, s.Y().rows(), "x"));
          },
          py::arg("x"))
      .def(
          "jacobian",
          [](const ModernHopfield& s, const py::handle& x, double t) {
            Mat J;
            s.jacobian(state_arg(x, s.Y().rows(), "x"), t, J);
            return J;
          },
          py::arg("x"), py::arg("t") = 0.0);

  // The diffusion model on a finite pattern set (Ambrogioni 2024 Eq. 7-8, 11-12, 15-21): the
  // model's functions, time t in the process's own units (clean data at t = T).
  py::class_<PatternDiffusion>(m, "Diffusion", "diffusion model on a pattern set (Ambrogioni 2024)")
      .def(py::init([](const py::array_t<double, py::array::f_style | py::array::forcecast>& Y, double sigma, double T,
                       const std::string& process, double gamma_v) {
             if (!(sigma > 0)) throw py::value_error("sigma: must be > 0");
             if (!(T > 0)) throw py::value_error("T: must be > 0");
             if (process != "ve" && process != "vp") throw py::value_error("process: must be \"ve\" or \"vp\"");
             const Mat Ym = matrix_arg(Y, "Y");
             return process == "ve" ? PatternDiffusion::ve(Ym, sigma, T) : PatternDiffusion::vp(Ym, sigma, T, gamma_v);
           }),
           py::arg("Y"), py::arg("sigma"), py::arg("T"), py::arg("process"), py::arg("gamma_v"))
      .def_property_readonly("D", &PatternDiffusion::D)
      .def_property_readonly("N", &PatternDiffusion::N)
      .def("rhs", diffusion_field<&PatternDiffusion::probability_flow_drift>, py::arg("x"), py::arg("t"),
           "the probability-flow drift dx/dt at x (shape (D,)) and time t")
      .def("reverse_drift", diffusion_field<&PatternDiffusion::reverse_drift>, py::arg("x"), py::arg("t"),
           "the drift of the reverse SDE (Eq. 7) at x and t")
      .def("score", diffusion_field<&PatternDiffusion::score>, py::arg("x"), py::arg("t"),
           "grad log p_t(x), exact (Eq. 8)")
      .def(
          "log_p",
          [](const PatternDiffusion& s, const py::handle& x, double t) {
            return s.log_p(state_arg(x, s.D(), "x"), t);
          },
          py::arg("x"), py::arg("t"))
      .def(
          "energy",
          [](const PatternDiffusion& s, const py::handle& x, double t) {
            return s.energy(state_arg(x, s.D(), "x"), t);
          },
          py::arg("x"), py::arg("t"))
      .def("hopfield_beta", &PatternDiffusion::hopfield_beta, py::arg("t"));
}
