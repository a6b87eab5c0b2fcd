#include "sweep_file.hpp"

#include "run_scenario.hpp"

namespace seqmem {

void write_sweep_header(hid_t root, const Scenario& sc, bool complete) {
  write_provenance(root, sc);
  h5::set_attr(root, "complete", complete);
  h5::Handle configs = h5::create_group(root, "configs");
  for (const RunSpec& r : sc.runs) {
    h5::Handle g = h5::create_group(configs.id(), r.id);
    for (const auto& [k, v] : r.resolved) h5::set_attr(g.id(), k, v);
  }
}

}  // namespace seqmem
