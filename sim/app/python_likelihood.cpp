// The likelihood of observed free recall under CMR inside Python (seqmem._core.cmr_log_likelihood,
// sim/experiments/recall_likelihood.hpp); seqmem.free_recall.log_likelihood builds its arrays from a
// psifr event table.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/app/python_models.hpp"
#include "sim/experiments/recall_likelihood.hpp"

namespace py = pybind11;

namespace seqmem::python {
namespace {

// CMR's parameters from a dict with the scenario's key names; the others keep CmrParams' defaults.
CmrParams params_of(const py::dict& d) {
  CmrParams p;
  const std::pair<const char*, double CmrParams::*> fields[] = {
      {"beta_enc", &CmrParams::beta_enc},
      {"beta_rec", &CmrParams::beta_rec},
      {"beta_start", &CmrParams::beta_start},
      {"gamma_fc", &CmrParams::gamma_fc},
      {"phi", &CmrParams::phi},
      {"phi_s", &CmrParams::phi_s},
      {"phi_d", &CmrParams::phi_d},
      {"tau", &CmrParams::tau},
      {"X_s", &CmrParams::X_s},
      {"X_k", &CmrParams::X_k},
      {"salience_decay_time", &CmrParams::salience_decay_time},
      {"retention_interval", &CmrParams::retention_interval}};
  for (const auto& [key, value] : d) {
    const std::string k = py::str(key);
    bool known = false;
    for (const auto& [name, field] : fields)
      if (k == name) {
        p.*field = value.cast<double>();
        known = true;
      }
    if (!known) throw py::value_error(fmt::format("params['{}']: not a parameter of CMR's likelihood", k));
  }
  return p;
}

// length (n,), positions (n, m): 1-based serial positions in output order (0: an intrusion; -1:
// padding after the list's n_recalls (n,) outputs). Returns per list log_likelihood, scored,
// intrusions, repeats.
py::dict log_likelihood(py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> length,
                        py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> positions,
                        py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> n_recalls,
                        const py::dict& params, bool softmax, int threads) {
  const CmrParams p = params_of(params);
  if (length.ndim() != 1 || n_recalls.ndim() != 1 || positions.ndim() != 2 || positions.shape(0) != length.shape(0) ||
      n_recalls.shape(0) != length.shape(0))
    throw py::value_error("length (n,), positions (n, m) and n_recalls (n,) must agree");
  const auto n = static_cast<std::size_t>(length.shape(0));
  const auto m = static_cast<std::size_t>(positions.shape(1));
  std::vector<RecallList> lists(n);
  auto L = length.unchecked<1>();
  auto pos = positions.unchecked<2>();
  auto nr = n_recalls.unchecked<1>();
  for (std::size_t k = 0; k < n; ++k) {
    if (nr(k) < 0 || static_cast<std::size_t>(nr(k)) > m)
      throw py::value_error("n_recalls beyond the columns of positions");
    std::vector<int> out;
    for (std::int64_t o = 0; o < nr(k); ++o) out.push_back(static_cast<int>(pos(k, o)));
    lists[k] = recall_sequence(static_cast<int>(L(k)), out);
  }
  std::vector<ListLikelihood> r;
  try {
    r = cmr_log_likelihood(p, softmax, lists, threads);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
  py::array_t<double> ll(n);
  py::array_t<std::int64_t> scored(n), intrusions(n), repeats(n);
  for (std::size_t k = 0; k < n; ++k) {
    ll.mutable_at(k) = r[k].log_likelihood;
    scored.mutable_at(k) = r[k].scored;
    intrusions.mutable_at(k) = lists[k].intrusions;
    repeats.mutable_at(k) = lists[k].repeats;
  }
  py::dict d;
  d["log_likelihood"] = ll;
  d["scored"] = scored;
  d["intrusions"] = intrusions;
  d["repeats"] = repeats;
  return d;
}

}  // namespace

void bind_likelihood(py::module_& m) {
  m.def("cmr_log_likelihood", &log_likelihood, py::arg("length"), py::arg("positions"), py::arg("n_recalls"),
        py::arg("params"), py::arg("softmax") = false, py::arg("threads") = 1,
        "Per list, the log-likelihood of its recall sequence under CMR (sim/experiments/recall_likelihood.hpp).");
}

}  // namespace seqmem::python
