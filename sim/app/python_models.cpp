// The models inside Python (seqmem._core): objects with SciPy's fun(t, y) and jac(t, y) (y of shape
// (n,) or (n, k)), rhs, energy and jacobian, and a repr with their sizes and parameters. Arrays come
// from any real array-like; bad values raise TypeError or seqmem.InputError (a ValueError) in
// Python's terms.
#include "sim/app/python_models.hpp"

#include <fmt/format.h>
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>

#include "models/dense_gsemm.hpp"
#include "models/diffusion.hpp"
#include "models/gsemm.hpp"
#include "models/modern_hopfield.hpp"
#include "sim/app/python_values.hpp"
#include "sim/scenario/keys_read.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"

namespace py = pybind11;
using namespace seqmem;
using namespace seqmem::python;

namespace {

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

namespace seqmem::python {

void bind_models(py::module_& m) {
  bind_gsemm_model<DenseGsemm>(m, "DenseGSEMM", "dense_gsemm",
                               "Dense GSEMM (GSEMM Eq. 9-10); state y = [V_f, V_d, u_d = Xi^T V_d]");
  bind_gsemm_model<Gsemm>(m, "GSEMM", "gsemm", "GSEMM with three layers (GSEMM Eq. 1); state y = [V_f, V_h, V_d]");
  bind_modern_hopfield(m);
  bind_diffusion(m);
}

}  // namespace seqmem::python
