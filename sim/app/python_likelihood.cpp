// The likelihood of observed free recall under CMR inside Python (seqmem._core.cmr_log_likelihood,
// sim/experiments/recall_likelihood.hpp) and the same model sampled (seqmem._core.cmr_sample);
// seqmem.free_recall.log_likelihood and simulate_sessions convert to and from psifr event tables.
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
      {"retention_interval", &CmrParams::retention_interval},
      {"beta_list", &CmrParams::beta_list},
      {"p_eli", &CmrParams::p_eli}};
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

using Ints1 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

RecallModel model_of(bool softmax, bool across_lists) { return RecallModel{softmax, across_lists}; }

// length, session, n_recalls, repeats (n,); lags, positions (n, m): per recall event the list lag
// (-1: an extra-list intrusion) and the 1-based serial position, repeats already left out; columns
// past a list's n_recalls are padding. Returns per list log_likelihood, scored, intrusions, left_out.
py::dict log_likelihood(Ints1 length, Ints1 session, Ints1 lags, Ints1 positions, Ints1 n_recalls, Ints1 repeats,
                        const py::dict& params, bool softmax, bool across_lists, int threads) {
  const CmrParams p = params_of(params);
  const auto n = length.shape(0);
  if (length.ndim() != 1 || session.ndim() != 1 || n_recalls.ndim() != 1 || repeats.ndim() != 1 ||
      positions.ndim() != 2 || lags.ndim() != 2 || session.shape(0) != n || n_recalls.shape(0) != n ||
      repeats.shape(0) != n || positions.shape(0) != n || lags.shape(0) != n || lags.shape(1) != positions.shape(1))
    throw py::value_error("length, session, n_recalls, repeats (n,) and lags, positions (n, m) must agree");
  const auto m = positions.shape(1);
  std::vector<RecallList> lists(static_cast<std::size_t>(n));
  auto L = length.unchecked<1>();
  auto sess = session.unchecked<1>();
  auto lag = lags.unchecked<2>();
  auto pos = positions.unchecked<2>();
  auto nr = n_recalls.unchecked<1>();
  auto rep = repeats.unchecked<1>();
  for (py::ssize_t k = 0; k < n; ++k) {
    if (nr(k) < 0 || nr(k) > m) throw py::value_error("n_recalls beyond the columns of positions");
    RecallList& l = lists[static_cast<std::size_t>(k)];
    l.L = static_cast<int>(L(k));
    l.session = sess(k);
    l.repeats = static_cast<int>(rep(k));
    for (py::ssize_t o = 0; o < nr(k); ++o)
      l.recalls.push_back(lag(k, o) < 0 ? RecallEvent{kExtraList, 0}
                                        : RecallEvent{static_cast<int>(lag(k, o)), static_cast<int>(pos(k, o)) - 1});
  }
  std::vector<ListLikelihood> r;
  try {
    r = cmr_log_likelihood(p, model_of(softmax, across_lists), lists, threads);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
  py::array_t<double> ll(n);
  Ints1 scored(n), intrusions(n), left_out(n);
  for (py::ssize_t k = 0; k < n; ++k) {
    const ListLikelihood& x = r[static_cast<std::size_t>(k)];
    ll.mutable_at(k) = x.log_likelihood;
    scored.mutable_at(k) = x.scored;
    intrusions.mutable_at(k) = x.intrusions;
    left_out.mutable_at(k) = x.left_out;
  }
  py::dict d;
  d["log_likelihood"] = ll;
  d["scored"] = scored;
  d["intrusions"] = intrusions;
  d["left_out"] = left_out;
  return d;
}

// sessions: per session its list lengths. Returns the recall events as flat arrays: session, list
// (0-based within the session), output (0-based), lag (-1: extra-list) and position (1-based; 0 for an
// extra-list intrusion); and truncated (lists cut at max_outputs).
py::dict sample(const std::vector<std::vector<int>>& sessions, const py::dict& params, bool softmax, bool across_lists,
                std::uint64_t seed, int max_outputs, int threads) {
  const CmrParams p = params_of(params);
  if (max_outputs < 1) throw py::value_error("max_outputs must be >= 1");
  SampledSessions s;
  try {
    s = cmr_sample(p, model_of(softmax, across_lists), sessions, seed, max_outputs, threads);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
  std::vector<std::int64_t> session, list, output, lag, position;
  std::int64_t previous = -1, k = 0;
  for (const RecallList& l : s.lists) {
    k = l.session == previous ? k + 1 : 0;
    previous = l.session;
    for (std::size_t o = 0; o < l.recalls.size(); ++o) {
      session.push_back(l.session);
      list.push_back(k);
      output.push_back(static_cast<std::int64_t>(o));
      lag.push_back(l.recalls[o].lag);
      position.push_back(l.recalls[o].lag < 0 ? 0 : l.recalls[o].position + 1);
    }
  }
  py::dict d;
  d["session"] = py::array(py::cast(session));
  d["list"] = py::array(py::cast(list));
  d["output"] = py::array(py::cast(output));
  d["lag"] = py::array(py::cast(lag));
  d["position"] = py::array(py::cast(position));
  d["truncated"] = s.truncated;
  return d;
}

}  // namespace

void bind_likelihood(py::module_& m) {
  m.def("cmr_log_likelihood", &log_likelihood, py::arg("length"), py::arg("session"), py::arg("lags"),
        py::arg("positions"), py::arg("n_recalls"), py::arg("repeats"), py::arg("params"), py::arg("softmax") = false,
        py::arg("across_lists") = false, py::arg("threads") = 1,
        "Per list, the log-likelihood of its recall sequence under CMR (sim/experiments/recall_likelihood.hpp).");
  m.def("cmr_sample", &sample, py::arg("sessions"), py::arg("params"), py::arg("softmax") = false,
        py::arg("across_lists") = false, py::arg("seed") = 1, py::arg("max_outputs") = 200, py::arg("threads") = 1,
        "Recall events drawn from CMR within or across lists (sim/experiments/recall_likelihood.hpp, cmr_sample).");
}

}  // namespace seqmem::python
