#include "sim/sweeps/sweep_file.hpp"

#include "sim/output/provenance.hpp"
#include "sim/output/key_attributes.hpp"

namespace seqmem {

void write_sweep_header(hid_t root, const Scenario& sc, bool complete) {
  write_provenance(root, sc);
  h5::set_attr(root, "complete", complete);
  h5::Handle configs = h5::create_group(root, "configs");
  for (const RunSpec& r : sc.runs) {
    h5::Handle g = h5::create_group(configs.id(), r.id);
    write_key_attributes(g.id(), r);
  }
}

}  // namespace seqmem
