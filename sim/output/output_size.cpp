// output_bytes (sim/output/output_size.hpp): a run's output summed over the output catalogue.
#include "sim/output/output_size.hpp"

#include "sim/output/variables.hpp"

namespace seqmem {
namespace {

double stored_bytes(Stored t) { return t == Stored::i32 ? 4.0 : 8.0; }

// Entries of one variable of dimensions `dims` (blank-separated); negative when a length is missing.
double entries(const std::string& dims, const DimensionSizes& sizes) {
  double n = 1;
  for (const std::string& d : words(dims)) {
    const auto it = sizes.find(d);
    if (it == sizes.end()) return -1;
    n *= it->second;
  }
  return n;
}

}  // namespace

double output_bytes(const std::string& table, const DimensionSizes& sizes,
                    const std::function<bool(const std::string& name)>& written) {
  double total = 0;
  for (const VariableInfo& v : catalogue()) {
    if (!in_table(v, table) || (written && !written(v.name))) continue;
    std::string dims = v.dims;
    double lead = 1;
    if (!dims.empty() && dims.front() == '[') {  // "[d] rest": d may be absent
      const std::string d = dims.substr(1, dims.find(']') - 1);
      const auto given = sizes.find("[" + d + "]");
      const double n_d = given != sizes.end() ? given->second : entries(d, sizes);
      lead = n_d >= 0 ? n_d : 1;
      dims = dims_allowed(dims).back();
    }
    const double n = entries(dims, sizes);
    if (n >= 0) total += lead * n * stored_bytes(v.type);
  }
  return total;
}

}  // namespace seqmem
