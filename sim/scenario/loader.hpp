// The parts of the scenario loader (sim/scenario/scenario.hpp): scenario.cpp reads the file and
// the overrides into Values; run_list.cpp expands [runs] into the run list, resolves each run
// through its kind's resolver (sim/scenario/key_rules.hpp) and checks the scenario's runs as a
// whole. Internal to sim/scenario.
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"
#include "sim/scenario/scenario_values.hpp"
#include "sim/scenario/schema.hpp"

namespace seqmem {

namespace scenario_detail {

// Where a value came from, in messages: FILE:LINE:COLUMN, or the key path the caller names
// (Python's overrides: "overrides['alpha_c']").
using AtKey = std::function<std::string(const toml::source_region&, const std::vector<std::string>&)>;

// Checks the type of one key/value from the file, an override or [runs] and stores it.
// `override`: set by --set, Python's overrides or a [runs] entry, not by the file's sections.
void assign(Values& v, const std::string& key, const toml::node& n, const std::string& from, bool override = false);
// A key as --set and [runs] take it: bare (alpha_c) or with its section (model.alpha_c). A known
// key under another section is refused with the section it belongs in; an unknown key after a
// section's name gets the hint for the bare key.
std::string strip_section(const std::string& k, const std::string& from);
// The TOML text of a node: 0.5, "dopri5", [1, 2].
std::string node_text(const toml::node& n);
// The schema's default of a key as a TOML node.
const toml::node& default_node(const KeyDef& k);

// One run's overrides from [runs]: (key, node, origin).
struct Override {
  std::string key;
  const toml::node* node;
  std::string from;
};

// One axis of the [runs] expansion: the list (each entry a set of overrides) or one grid key.
struct Axis {
  std::vector<std::vector<Override>> choices;
  std::size_t stride = 1;  // of its choice in the run index
};

}  // namespace scenario_detail

struct RunList::Impl {
  std::string path, dir;
  std::shared_ptr<toml::table> doc;  // the nodes the overrides point to
  std::vector<std::shared_ptr<toml::table>> set_docs;
  scenario_detail::Values base;             // the file and --set
  scenario_detail::Values file_only;        // the file alone
  std::vector<scenario_detail::Axis> axes;  // in the order they were applied
  std::size_t n = 1;

  // [runs] (null: none): list = [{...}, ...] and/or grid = {key = [values]}, the list crossed with
  // the grid, into `axes` and `n`. InputError naming the entry.
  void expand(const toml::table* runs, const scenario_detail::AtKey& at_key);
  // Run i from `from` (base, or file_only) and its [runs] entries. A key given by an override
  // (--set, Python's overrides) or by the run's [runs] entry that the run does not read is an
  // error; the keys of the file's sections that it does not read are added to `unread` (the
  // scenario decides: a key no run reads is an error, check_runs).
  // `ignored` (optional): notes on overrides that set an unread key to its default.
  RunSpec resolve_run(std::size_t i, const scenario_detail::Values& from, std::vector<const KeyDef*>* unread,
                      std::set<std::string>* ignored = nullptr) const;
  // Resolves (validates) every run once and fills the scenario's command, name, varying keys and
  // warnings; a key of the file that no run reads is an error (InputError).
  void check_runs(Scenario& sc, const std::vector<std::string>& overrides) const;
};

}  // namespace seqmem
