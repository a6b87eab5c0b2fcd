#include "sim/drivers/driver.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "sim/kinds/kind.hpp"
#include "sim/output/output_file.hpp"

namespace seqmem {

void print_warnings(const Scenario& sc) {
  if (!mpi::coordinator()) return;
  for (const auto& w : sc.warnings) fmt::print(stderr, "seqmem: warning: {}\n", w);
}

std::vector<std::string> input_files(const Scenario& sc) {
  std::vector<std::string> in{sc.path};
  for (const RunSpec& r : sc.runs)
    for (const std::string& f : kind_of(r.model).input_files(r))
      if (!f.empty() && std::find(in.begin(), in.end(), f) == in.end()) in.push_back(f);
  return in;
}

void throw_failure(const std::string& failure, const std::string& kept) {
  if (failure.find("cannot write") != std::string::npos) throw OutputError(failure + kept);
  throw std::runtime_error(failure);
}

}  // namespace seqmem
