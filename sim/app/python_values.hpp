// Python values as scenario values, for the Python package (sim/app/python_module.cpp): one conversion
// of a scenario given as a dict, of overrides and of model parameters, checked against the schema
// as the command line checks a file (type, range, choices), with every error an InputError in
// Python's terms: the key path and the value as Python writes it, e.g.
//   overrides['lists'] = 1000000000000000000000000000000: must be an integer in 1..10000000
//   scenario['recall']['tau'] = None: None is not a value; leave the key out for its default 1.0
//   DenseGSEMM(alpha_c=-1.0): must be >= 0
// What the loader checks later (one key against another) names the same key paths (SourceNames).
#pragma once

#include <pybind11/pybind11.h>
#include <toml++/toml.h>

#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace seqmem::python {

namespace py = pybind11;

// How a key path is written: scenario['model']['N_f'], or DenseGSEMM(alpha_c=...) for the keys of
// [model] given as keyword arguments.
struct KeyPaths {
  std::string root = "scenario";  // scenario, overrides
  std::string keywords_of;        // e.g. "DenseGSEMM": [model] keys as keyword arguments of it
  std::string operator()(const std::vector<std::string>& path) const;
};

// A scenario given as a nested dict, as TOML text (what the files record) and the names of its keys.
struct ScenarioText {
  std::string text;
  SourceNames names;
};
ScenarioText scenario_from_dict(const py::dict& d, const KeyPaths& paths);

// Overrides given as a dict ({"alpha_c": 0.3}, {"model.alpha_c": 0.3}, {"model": {"alpha_c": 0.3}}),
// a list of "key=value" strings (the command line's --set) or one such string: the --set strings
// the files record, and each one's name in messages. Their keys and values are checked here.
struct Overrides {
  std::vector<std::string> sets;
  std::vector<std::string> names;
};
Overrides overrides_from(const py::handle& o);

// threads: None (OpenMP's default, 0) or an integer in 0..1024, as the command line's -j.
int threads_from(const py::handle& t);

}  // namespace seqmem::python
