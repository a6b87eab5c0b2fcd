// The layout shared by the files of `seqmem sweep` (capacity sweeps and baselines): the provenance
// and the configurations at the root, and tables as groups of column datasets over one dimension.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/output/h5file.hpp"
#include "sim/output/variables.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

// Root attributes (provenance, `complete`) and /configs/<run id> with each configuration's keys.
// The caller holds h5::lock().
void write_sweep_header(hid_t root, const Scenario& sc, bool complete);

// A group `name` of column datasets over its row dimension (row_dimension(name): 1..n, a
// dimension scale); `columns` receives put(column, values) and calls it once per column (values:
// ints, int64s or doubles). The catalogue (sim/output/variables.hpp) attaches the dimensions.
template <class Columns>
void write_table(hid_t root, const char* name, std::size_t n, Columns columns) {
  h5::Handle group = h5::create_group(root, name);
  const std::string dim = row_dimension(name);
  std::vector<int> index(n);
  for (std::size_t i = 0; i < n; ++i) index[i] = static_cast<int>(i + 1);
  h5::Handle scale = h5::write_dataset(group.id(), dim.c_str(), {n}, index.data());
  h5::make_scale(scale.id(), dim.c_str());
  columns([&](const char* column, const auto& values) {
    h5::Handle d = h5::write_dataset(group.id(), column, {n}, values.data());
    attach_dimensions(d.id());
    return d;
  });
}

// One column of a table from a field of its rows.
template <class T, class V, class F>
std::vector<T> column(const V& rows, F field) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(static_cast<T>(field(r)));
  return out;
}

}  // namespace seqmem
