// libFuzzer target: the scenario loader, the file checks and the resource estimates on arbitrary
// input. A line "#set key=value" in the input also becomes a --set override. Bad input must end
// in InputError; anything else (a crash, a sanitizer report, another exception) is a finding.
//   build: cmake -DCMAKE_CXX_COMPILER=clang++ -DSEQMEM_FUZZ=ON (setup.sh check does it)
//   run:   build-check/tests/fuzz_scenario -max_total_time=60 CORPUS_DIR scenarios/
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/drivers/resources.hpp"
#include "sim/kinds/gsemm/runner.hpp"
#include "sim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("seqmem-fuzz-" + std::to_string(::getpid()) + ".toml")).string();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  for (std::size_t a = 0; a < text.size();) {
    std::size_t b = text.find('\n', a);
    if (b == std::string::npos) b = text.size();
    if (text.compare(a, 5, "#set ") == 0) sets.push_back(text.substr(a + 5, b - a - 5));
    a = b + 1;
  }
  std::ofstream(path, std::ios::binary) << text;
  try {
    const seqmem::Scenario sc = seqmem::load_scenario(path, sets);
    seqmem::load_checked_files(sc, 2);
    for (std::size_t i = 0; i < sc.runs.size() && i < 4; ++i) (void)sc.runs[i];
  } catch (const seqmem::InputError&) {
  }
  return 0;
}
