// seqmem._core: the simulator inside Python (pybind11). The Python package (analysis/python/seqmem/)
// wraps it; this file only moves values across the boundary:
//   - run / sweep / validate a scenario given as text (a path is read by Python) or as a dict, with
//     overrides as a dict or --set strings: Python values become scenario values through one
//     conversion checked against the schema (sim/python_values.hpp), and every message names the
//     key path in Python's terms; the same HDF5 file as the command line is written;
//   - the schema's keys;
//   - the models as objects with SciPy's fun(t, y) and jac(t, y) (y of shape (n,) or (n, k)), rhs,
//     energy and jacobian, and a repr with their sizes and parameters.
// C++ runs with the GIL released on a worker thread; the calling thread checks for Ctrl-C every
// 50 ms and cancels the run through sim/cancel.hpp (the partial output file is removed).
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "../models/dense_gsemm.hpp"
#include "../models/diffusion.hpp"
#include "../models/gsemm.hpp"
#include "../models/modern_hopfield.hpp"
#include "cancel.hpp"
#include "key_attributes.hpp"
#include "output_file.hpp"
#include "python_values.hpp"
#include "resources.hpp"
#include "run_scenario.hpp"
#include "runner.hpp"
#include "scenario.hpp"
#include "schema.hpp"
#include "sweep.hpp"
#include "version.hpp"

namespace py = pybind11;
using namespace seqmem;
using namespace seqmem::python;

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

// A scenario given as text (`name` names it in messages: a path or "<string>") or as a dict, with
// its overrides; `dir` is where the files it names are looked up.
Scenario load(const py::object& scenario, const std::string& name, const std::string& dir, const py::object& overrides) {
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

// --- the models --------------------------------------------------------------------------------

// A state (shape (n,)) or states (shape (n, k), one per column) from any real array-like (lists,
// integers, float32, any memory layout), as float64; TypeError or ValueError in Python's terms.
py::array_t<double, py::array::f_style> states(const py::handle& y, Eigen::Index n, const char* name, bool columns) {
  const py::array a = py::array::ensure(y);
  if (!a) throw py::type_error(fmt::format("{}: expected an array of numbers of shape ({},), got a {}", name, n,
                                           py::str(py::type::of(y).attr("__name__")).cast<std::string>()));
  const char kind = a.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u')
    throw py::type_error(fmt::format("{}: expected real numbers, got an array of dtype {}", name,
                                     py::str(a.dtype()).cast<std::string>()));
  const bool ok = (a.ndim() == 1 && a.shape(0) == n) || (columns && a.ndim() == 2 && a.shape(0) == n);
  if (!ok) {
    std::string shape;
    for (py::ssize_t i = 0; i < a.ndim(); ++i) shape += fmt::format("{}{}", i ? ", " : "", a.shape(i));
    throw py::value_error(fmt::format("{}: expected shape ({},){}, got ({}{})", name, n,
                                      columns ? fmt::format(" or ({}, k) for k states", n) : "", shape,
                                      a.ndim() == 1 ? "," : ""));
  }
  return py::array_t<double, py::array::f_style | py::array::forcecast>::ensure(a);
}

Vec state(const py::handle& y, Eigen::Index n, const char* name) {
  const auto a = states(y, n, name, false);
  return Eigen::Map<const Vec>(a.data(), n);
}

double time_arg(const py::handle& t, const char* call) {
  if (!(py::isinstance<py::float_>(t) || py::isinstance<py::int_>(t) || py::hasattr(t, "__float__")) ||
      py::isinstance<py::array>(t))
    throw py::type_error(fmt::format("{}: t must be a number, got a {} (SciPy's order is fun(t, y); rhs takes (x, t))",
                                     call, py::str(py::type::of(t).attr("__name__")).cast<std::string>()));
  return t.cast<double>();
}

// f(t, y) for one state or each column of y: dy/dt in y's shape.
template <class Field>
py::array field(Field&& f, Eigen::Index n, const py::handle& t_, const py::handle& y, const char* call) {
  const double t = time_arg(t_, call);
  const auto a = states(y, n, "y", true);
  const Eigen::Index k = a.ndim() == 2 ? a.shape(1) : 1;
  const Eigen::Map<const Mat> Y(a.data(), n, k);
  Mat out(n, k);
  Vec x(n), dx(n);
  for (Eigen::Index j = 0; j < k; ++j) {
    x = Y.col(j);
    f(x, t, dx);
    out.col(j) = dx;
  }
  if (a.ndim() == 1) return py::cast(Vec(out.col(0)));
  return py::cast(out);
}

// A matrix argument (Xi, Phi, Y): any real array of two dimensions (integer +-1 memories too).
Mat matrix_arg(const py::handle& m, const char* name) {
  const py::array a = py::array::ensure(m);
  if (!a || a.ndim() != 2 || (a.dtype().kind() != 'f' && a.dtype().kind() != 'i' && a.dtype().kind() != 'u'))
    throw py::value_error(fmt::format("{}: expected a 2-D array of real numbers", name));
  const auto f = py::array_t<double, py::array::f_style | py::array::forcecast>::ensure(a);
  Mat M = Eigen::Map<const Mat>(f.data(), f.shape(0), f.shape(1));
  if (!M.allFinite()) throw py::value_error(fmt::format("{}: holds NaN or Inf", name));
  return M;
}

// A number as Python writes it: 2.0, 0.1.
std::string py_float(double x) { return py::repr(py::float_(x)).cast<std::string>(); }

// "DenseGSEMM(N_f=100, K=7, alpha_s=1.0, ...)" from the [model] keys the run records.
std::string model_repr(const char* cls, const RunSpec& r, Eigen::Index N_f, Eigen::Index K) {
  std::string s = fmt::format("{}(N_f={}, K={}", cls, N_f, K);
  for (const auto& [key, v] : r.resolved) {
    const KeyDef* d = find_key(key);
    if (!d || std::string(d->section) != "model" || key == "kind" || key == "N_f" || !key_applies(*d, r)) continue;
    // as Python writes the value: 'text', 1.0, 2
    const std::string text = std::holds_alternative<double>(v)
                                 ? py_float(std::get<double>(v))
                             : std::holds_alternative<std::string>(v) ? fmt::format("'{}'", value_text(v))
                                                                      : value_text(v);
    s += fmt::format(", {}={}", key, text);
  }
  return s + ")";
}

// The spec of a model given as keyword arguments: the [model] keys of `kind`, checked as a
// scenario's ("DenseGSEMM(alpha_c=-1.0): must be >= 0").
RunSpec model_spec(const char* cls, const char* kind, Eigen::Index N_f, Eigen::Index K, const py::dict& params) {
  for (auto [k, v] : params) {
    const std::string key = py::str(k).cast<std::string>();
    const KeyDef* d = find_key(key);
    if (key == "kind" || key == "N_f" || key == "K")
      throw InputError(fmt::format("{}({}=...): set by the arrays (N_f = Xi's rows, K = its columns)", cls, key));
    if (!d || std::string(d->section) != "model") {
      const std::string hint = d ? "" : closest_key(key);
      throw InputError(fmt::format("{}({}=...): not a parameter of the model (its parameters are the [model] keys of "
                                   "`seqmem keys`){}",
                                   cls, key, hint.empty() ? "" : "; " + hint));
    }
  }
  py::dict model(params);
  model["kind"] = kind;
  model["N_f"] = N_f;
  py::dict doc;
  doc["model"] = model;
  py::dict memories;
  memories["K"] = K;
  doc["memories"] = memories;
  const KeyPaths paths{cls, cls};
  ScenarioText s = scenario_from_dict(doc, paths);
  return load_scenario_text(s.text, cls, ".", {}, s.names).runs[0];
}

template <class Model>
struct Bound {
  Model model;
  std::string repr;
};

template <class Model>
void bind_gsemm_model(py::module_& m, const char* name, const char* kind, const char* doc) {
  using B = Bound<Model>;
  py::class_<B>(m, name, doc)
      .def(py::init([name, kind](const py::handle& Xi_, const py::handle& Phi_, const py::kwargs& params) {
             const Mat Xi = matrix_arg(Xi_, "Xi"), Phi = matrix_arg(Phi_, "Phi");
             if (Phi.rows() != Xi.cols() || Phi.cols() != Xi.cols())
               throw py::value_error(fmt::format("Phi: expected shape ({0}, {0}) for K = {0} memories, got ({1}, {2})",
                                                 Xi.cols(), Phi.rows(), Phi.cols()));
             const RunSpec spec = model_spec(name, kind, Xi.rows(), Xi.cols(), params);
             return B{Model(Xi, Phi, spec.params), model_repr(name, spec, Xi.rows(), Xi.cols())};
           }),
           py::arg("Xi"), py::arg("Phi"))
      .def("__repr__", [](const B& b) { return b.repr; })
      .def_property_readonly("N_f", [](const B& b) { return b.model.Xi().rows(); })
      .def_property_readonly("K", [](const B& b) { return b.model.Xi().cols(); })
      .def_property_readonly("state_size", [](const B& b) { return b.model.state_size(); })
      .def(
          "fun",
          [](const B& b, const py::handle& t, const py::handle& y) {
            return field([&](const Vec& x, double tt, Vec& dx) { b.model(x, dx, tt); }, b.model.state_size(), t, y,
                         "fun(t, y)");
          },
          py::arg("t"), py::arg("y"),
          "dy/dt at time t (units of T_f) for the state y (shape (state_size,)) or the states y (shape (state_size, "
          "k), one per column): SciPy's fun(t, y), also with solve_ivp(vectorized=True). GSEMM Eq. 1, or Eq. 9-10 for "
          "Dense GSEMM.")
      .def(
          "jac",
          [](const B& b, const py::handle& t, const py::handle& y) {
            Mat J;
            b.model.jacobian(state(y, b.model.state_size(), "y"), time_arg(t, "jac(t, y)"), J);
            return J;
          },
          py::arg("t"), py::arg("y"), "d fun / dy at (t, y), shape (state_size, state_size), in 1/T_f: SciPy's jac")
      .def(
          "rhs",
          [](const B& b, const py::handle& x, const py::handle& t) {
            const double tt = time_arg(t, "rhs(x, t)");  // first: rhs(t, x) is told SciPy's order
            const Vec v = state(x, b.model.state_size(), "x");
            Vec dx(v.size());
            b.model(v, dx, tt);
            return dx;
          },
          py::arg("x"), py::arg("t") = 0.0, "dx/dt at the state x and time t (the order of odeint; fun(t, y) is SciPy's)")
      .def(
          "energy", [](const B& b, const py::handle& x) { return b.model.energy(state(x, b.model.state_size(), "x")); },
          py::arg("x"), "the energy at x (GSEMM Eq. 4; Dense GSEMM: E(V_f; V_d), Eq. 13 in the limit), dimensionless")
      .def(
          "jacobian",
          [](const B& b, const py::handle& x, const py::handle& t) {
            Mat J;
            b.model.jacobian(state(x, b.model.state_size(), "x"), time_arg(t, "jacobian(x, t)"), J);
            return J;
          },
          py::arg("x"), py::arg("t") = 0.0, "d(rhs)/dx at x, shape (state_size, state_size), in 1/T_f")
      .def(
          "state",
          [](const B& b, const py::handle& V_f, const py::handle& V_d) {
            const auto n = b.model.Xi().rows();
            return b.model.initial_state(state(V_f, n, "V_f"), state(V_d, n, "V_d"));
          },
          py::arg("V_f"), py::arg("V_d"),
          "the state from V_f and V_d (shape (N_f,)): [V_f, V_d, Xi^T V_d] for Dense GSEMM, [V_f, V_h, V_d] with "
          "dV_h/dt = 0 for GSEMM");
}

// A vector field of the diffusion model (drift, score) at x, shape (D,), and time t.
template <void (PatternDiffusion::*f)(const Vec&, double, Vec&) const>
Vec diffusion_field(const Bound<PatternDiffusion>& b, const py::handle& x, const py::handle& t) {
  Vec out(b.model.D());
  (b.model.*f)(state(x, b.model.D(), "x"), time_arg(t, "the diffusion model's fields"), out);
  return out;
}

double positive(const py::handle& v, const char* call, const char* name) {
  const py::object x = py::reinterpret_borrow<py::object>(v);
  if (py::isinstance<py::bool_>(x) || !(py::isinstance<py::float_>(x) || py::isinstance<py::int_>(x)) ||
      !(x.cast<double>() > 0) || !std::isfinite(x.cast<double>()))
    throw InputError(fmt::format("{}({}={}): must be a number > 0", call, name, py::repr(x).cast<std::string>()));
  return x.cast<double>();
}

void bind_diffusion(py::module_& m) {
  using B = Bound<PatternDiffusion>;
  // The diffusion model on a finite pattern set (Ambrogioni 2024 Eq. 7-8, 11-12, 15-21): the
  // model's functions, time t in the process's own units (clean data at t = T).
  py::class_<B>(m, "Diffusion", "diffusion model on a pattern set (Ambrogioni 2024)")
      .def(py::init([](const py::handle& Y_, const py::handle& sigma_, const py::handle& T_, const std::string& process,
                       const py::handle& gamma_v_) {
             const double sigma = positive(sigma_, "Diffusion", "sigma"), T = positive(T_, "Diffusion", "T");
             if (process != "ve" && process != "vp")
               throw InputError(fmt::format("Diffusion(process='{}'): must be 've' or 'vp'", process));
             const double gamma_v = positive(gamma_v_, "Diffusion", "gamma_v");
             const Mat Y = matrix_arg(Y_, "Y");
             return B{process == "ve" ? PatternDiffusion::ve(Y, sigma, T) : PatternDiffusion::vp(Y, sigma, T, gamma_v),
                      fmt::format("Diffusion(D={}, N={}, sigma={}, T={}, process='{}'{})", Y.rows(), Y.cols(),
                                  py_float(sigma), py_float(T), process,
                                  process == "vp" ? fmt::format(", gamma_v={}", py_float(gamma_v)) : "")};
           }),
           py::arg("Y"), py::arg("sigma") = 1.0, py::arg("T") = 1.0, py::arg("process") = "ve",
           py::arg("gamma_v") = 0.5)
      .def("__repr__", [](const B& b) { return b.repr; })
      .def_property_readonly("D", [](const B& b) { return b.model.D(); })
      .def_property_readonly("N", [](const B& b) { return b.model.N(); })
      .def(
          "fun",
          [](const B& b, const py::handle& t, const py::handle& y) {
            return field([&](const Vec& x, double tt, Vec& dx) { b.model.probability_flow_drift(x, tt, dx); },
                         b.model.D(), t, y, "fun(t, y)");
          },
          py::arg("t"), py::arg("y"), "the probability-flow drift at t for y of shape (D,) or (D, k): SciPy's fun(t, y)")
      .def("rhs", diffusion_field<&PatternDiffusion::probability_flow_drift>, py::arg("x"), py::arg("t"),
           "the probability-flow drift dx/dt at x (shape (D,)) and time t")
      .def("reverse_drift", diffusion_field<&PatternDiffusion::reverse_drift>, py::arg("x"), py::arg("t"),
           "the drift of the reverse SDE (Eq. 7) at x and t")
      .def("score", diffusion_field<&PatternDiffusion::score>, py::arg("x"), py::arg("t"),
           "grad log p_t(x), exact (Eq. 8)")
      .def(
          "log_p", [](const B& b, const py::handle& x, const py::handle& t) { return b.model.log_p(state(x, b.model.D(), "x"), time_arg(t, "log_p(x, t)")); },
          py::arg("x"), py::arg("t"))
      .def(
          "energy", [](const B& b, const py::handle& x, const py::handle& t) { return b.model.energy(state(x, b.model.D(), "x"), time_arg(t, "energy(x, t)")); },
          py::arg("x"), py::arg("t"))
      .def("hopfield_beta", [](const B& b, double t) { return b.model.hopfield_beta(t); }, py::arg("t"));
}

void bind_modern_hopfield(py::module_& m) {
  using B = Bound<ModernHopfield>;
  py::class_<B>(m, "ModernHopfield", "continuous modern Hopfield network (Ambrogioni 2024 Eq. 5)")
      .def(py::init([](const py::handle& Y_, const py::handle& beta_) {
             const double beta = positive(beta_, "ModernHopfield", "beta");
             const Mat Y = matrix_arg(Y_, "Y");
             return B{ModernHopfield(Y, beta),
                      fmt::format("ModernHopfield(D={}, N={}, beta={})", Y.rows(), Y.cols(), py_float(beta))};
           }),
           py::arg("Y"), py::arg("beta"))
      .def("__repr__", [](const B& b) { return b.repr; })
      .def_property_readonly("D", [](const B& b) { return b.model.Y().rows(); })
      .def_property_readonly("N", [](const B& b) { return b.model.Y().cols(); })
      .def(
          "fun",
          [](const B& b, const py::handle& t, const py::handle& y) {
            return field([&](const Vec& x, double tt, Vec& dx) { b.model(x, dx, tt); }, b.model.Y().rows(), t, y,
                         "fun(t, y)");
          },
          py::arg("t"), py::arg("y"), "Y softmax(beta Y^T y) - y for y of shape (D,) or (D, k): SciPy's fun(t, y)")
      .def(
          "jac",
          [](const B& b, const py::handle& t, const py::handle& y) {
            Mat J;
            b.model.jacobian(state(y, b.model.Y().rows(), "y"), time_arg(t, "jac(t, y)"), J);
            return J;
          },
          py::arg("t"), py::arg("y"))
      .def(
          "rhs",
          [](const B& b, const py::handle& x, const py::handle& t) {
            const double tt = time_arg(t, "rhs(x, t)");
            const Vec v = state(x, b.model.Y().rows(), "x");
            Vec dx(v.size());
            b.model(v, dx, tt);
            return dx;
          },
          py::arg("x"), py::arg("t") = 0.0)
      .def(
          "energy", [](const B& b, const py::handle& x) { return b.model.energy(state(x, b.model.Y().rows(), "x")); },
          py::arg("x"))
      .def(
          "jacobian",
          [](const B& b, const py::handle& x, const py::handle& t) {
            Mat J;
            b.model.jacobian(state(x, b.model.Y().rows(), "x"), time_arg(t, "jacobian(x, t)"), J);
            return J;
          },
          py::arg("x"), py::arg("t") = 0.0);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "seqmem's C++ core (pybind11); use the package `seqmem`, which wraps it.";
  OutputFile::set_signal_cleanup(false);  // Python owns the signals; Ctrl-C cancels (sim/cancel.hpp)
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<OutputError>(m, "OutputError", PyExc_OSError);
  m.attr("version") = kVersion;
  m.attr("git_commit") = kGitCommit;

  m.def("checkpoint_of", &checkpoint_of, py::arg("out"), "the checkpoint a sweep writing `out` keeps (OUT.checkpoint)");

  m.def(
      "run",
      [](const py::object& scenario, const std::string& name, const std::string& dir, const py::object& overrides,
         const std::string& out, const py::object& threads, bool overwrite, bool progress) {
        RunOptions opt;
        opt.threads = threads_from(threads);
        opt.overwrite = overwrite;
        opt.progress = progress;
        const Scenario sc = load(scenario, name, dir, overrides);
        const auto outcomes = interruptible([&] { return run_scenario(sc, out, opt); });
        py::list l;
        for (std::size_t i = 0; i < outcomes.size(); ++i) l.append(outcome_dict(sc.runs[i], outcomes[i]));
        py::dict d;
        d["runs"] = l;
        d["warnings"] = sc.warnings;
        return d;
      },
      py::arg("scenario"), py::arg("name"), py::arg("dir"), py::arg("overrides"), py::arg("out"), py::arg("threads"),
      py::arg("overwrite"), py::arg("progress"));

  m.def(
      "sweep",
      [](const py::object& scenario, const std::string& name, const std::string& dir, const py::object& overrides,
         const std::string& out, const py::object& threads, bool resume, bool overwrite, bool progress) {
        SweepOptions opt;
        opt.threads = threads_from(threads);
        opt.resume = resume;
        opt.overwrite = overwrite;
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
      },
      py::arg("scenario"), py::arg("name"), py::arg("dir"), py::arg("overrides"), py::arg("out"), py::arg("threads"),
      py::arg("resume"), py::arg("overwrite"), py::arg("progress"));

  m.def(
      "validate",
      [](const py::object& scenario, const std::string& name, const std::string& dir, const py::object& overrides,
         const py::object& threads) {
        const int at_once = std::max(1, threads_from(threads));
        const Scenario sc = load(scenario, name, dir, overrides);
        const FileCache files = interruptible([&] { return load_checked_files(sc, at_once, ResourceLimits{}); });
        py::dict d;
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
      },
      py::arg("scenario"), py::arg("name"), py::arg("dir"), py::arg("overrides"), py::arg("threads"));

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

  bind_gsemm_model<DenseGsemm>(m, "DenseGSEMM", "dense_gsemm",
                               "Dense GSEMM (GSEMM Eq. 9-10); state y = [V_f, V_d, u_d = Xi^T V_d]");
  bind_gsemm_model<Gsemm>(m, "GSEMM", "gsemm", "GSEMM with three layers (GSEMM Eq. 1); state y = [V_f, V_h, V_d]");
  bind_modern_hopfield(m);
  bind_diffusion(m);
}
