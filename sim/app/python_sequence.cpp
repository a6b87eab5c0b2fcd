// The sequence memories inside Python (seqmem._core): the transition errors of SeqNet, DenseNet and
// MixedNet (models/sequence_net.hpp) for a pattern set, and their capacity laws
// (models/sequence_laws.hpp). seqmem.sequence_transition_errors and seqmem.sequence_law wrap them.
#include <fmt/format.h>
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "models/sequence_laws.hpp"
#include "models/sequence_net.hpp"
#include "sim/app/python_models.hpp"
#include "sim/scenario/choices.hpp"

namespace py = pybind11;

namespace seqmem::python {
namespace {

SequenceNetParams net_params(const std::string& separation, int degree, bool mixed, double lambda, int delay = 1) {
  SequenceNetParams p;
  try {
    p.separation = parse_choice<Separation>(separation);
  } catch (const std::exception&) {
    throw py::value_error(fmt::format("separation must be \"polynomial\" or \"exponential\", got \"{}\"", separation));
  }
  if (p.separation == Separation::polynomial && degree < 1)
    throw py::value_error(fmt::format("degree must be at least 1, got {}", degree));
  p.degree = degree;
  p.mixed = mixed;
  p.lambda = lambda;
  p.delay = delay;
  return p;
}

std::vector<int> transition_errors(const Mat& Xi, const std::string& separation, int degree, bool mixed, double lambda,
                                   bool stop_at_error, int delay) {
  try {
    const SequenceNet net(Xi, net_params(separation, degree, mixed, lambda, delay));
    py::gil_scoped_release release;
    return net.transition_errors(0, net.P(), stop_at_error);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
}

py::dict law(int N, const std::string& separation, int degree, bool mixed, double lambda, const std::string& reading) {
  if (N < 2) throw py::value_error("sequence_law: N must be at least 2");
  MixedLawReading r;
  try {
    r = parse_choice<MixedLawReading>(reading);
  } catch (const std::exception&) {
    throw py::value_error(fmt::format("reading must be \"text\" or \"code\", got \"{}\"", reading));
  }
  const SequenceLaw l = sequence_law(N, net_params(separation, degree, mixed, lambda), r);
  py::dict d;
  d["P_T"] = l.P_T;
  d["P_S"] = l.P_S;
  return d;
}

}  // namespace

void bind_sequence(py::module_& m) {
  m.def("sequence_transition_errors", &transition_errors, py::arg("Xi"), py::arg("separation") = "polynomial",
        py::arg("degree") = 1, py::arg("mixed") = false, py::arg("lambda_") = 2.5, py::arg("stop_at_error") = false,
        py::arg("delay") = 1,
        "Wrong bits of each transition xi^mu -> xi^(mu+1) of the cycle (models/sequence_net.hpp).");
  m.def("sequence_law", &law, py::arg("N"), py::arg("separation") = "polynomial", py::arg("degree") = 1,
        py::arg("mixed") = false, py::arg("lambda_") = 2.5, py::arg("reading") = "text",
        "The capacity laws P_T and P_S (models/sequence_laws.hpp).");
}

}  // namespace seqmem::python
