// variables_markdown (sim/output/variables.hpp): docs/output.md's variable tables from the output
// catalogue.
#include <string>

#include "sim/output/variables.hpp"

namespace seqmem {
namespace {

// The docs/output.md tables in page order, each with the row dimension of its columns ("*").
struct DocTable {
  const char* id;
  const char* row;
};
constexpr DocTable kDocTables[] = {{"run", ""},
                                   {"fixed_points", ""},
                                   {"surface", ""},
                                   {"diffusion", ""},
                                   {"landscape", ""},
                                   {"free_recall", ""},
                                   {"sequence_run", ""},
                                   {"events", ""},
                                   {"evaluations", "evaluation"},
                                   {"capacity", "pair"},
                                   {"baseline", "trial_row"},
                                   {"baseline_summary", "setting"}};

// "(time, memory)"; "(trajectory, dim) or (dim)" for "[trajectory] dim"; the row for "*".
std::string dims_text(const std::string& dims, const char* row) {
  auto listed = [](const std::string& d) {
    std::string out;
    for (const std::string& x : words(d)) out += (out.empty() ? "" : ", ") + x;
    return "(" + out + ")";
  };
  if (dims == "*") return listed(row);
  std::string out;
  for (const std::string& d : dims_allowed(dims)) out += (out.empty() ? "" : " or ") + listed(d);
  return out;
}

}  // namespace

std::string variables_markdown() {
  std::string out;
  for (const DocTable& t : kDocTables) {
    out += std::string("<!-- variables: ") + t.id +
           " -->\n| variable | dimensions | units | meaning |\n|---|---|---|---|\n";
    for (const VariableInfo& v : catalogue())
      if (in_table(v, t.id))
        out +=
            "| `" + variable_name(v) + "` | " + dims_text(v.dims, t.row) + " | `" + v.units + "` | " + v.doc + " |\n";
    out += "\n";
  }
  return out;
}

}  // namespace seqmem
