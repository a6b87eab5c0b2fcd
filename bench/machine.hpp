// The machine a benchmark ran on, printed first by every benchmark program: CPU, cores, caches,
// compiler and flags, library versions.
#pragma once

#include <Eigen/Core>
#include <boost/version.hpp>
#include <sundials/sundials_config.h>

#include <cstdio>
#include <string>
#include <thread>

#include "version.hpp"

namespace seqmem::bench {

inline std::string shell(const char* cmd) {
  std::string out;
  if (FILE* f = popen(cmd, "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, f)) out += buf;
    pclose(f);
  }
  return out;
}

// The value of the first line "key...: value" of text, "?" if there is none.
inline std::string field(const std::string& text, const std::string& key) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    const std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        const auto b = line.find_first_not_of(" \t", colon + 1);
        return b == std::string::npos ? "" : line.substr(b);
      }
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "?";
}

inline void print_machine() {
  const std::string l = shell("LC_ALL=C lscpu 2>/dev/null");
  std::string model = field(l, "Model name");
  if (model == "?") model = field(shell("cat /proc/cpuinfo 2>/dev/null"), "model name");
  std::printf("== machine ==\n");
  std::printf("  CPU        %s (%s)\n", model.c_str(), field(l, "Vendor ID").c_str());
  std::printf("  cores      %s CPU(s): %s socket(s) x %s core(s) x %s thread(s); hardware_concurrency %u\n",
              field(l, "CPU(s)").c_str(), field(l, "Socket(s)").c_str(), field(l, "Core(s) per socket").c_str(),
              field(l, "Thread(s) per core").c_str(), std::thread::hardware_concurrency());
  std::printf("  caches     L1d %s, L2 %s, L3 %s\n", field(l, "L1d cache").c_str(), field(l, "L2 cache").c_str(),
              field(l, "L3 cache").c_str());
#ifdef __clang__
  const char* cxx = "clang";
#else
  const char* cxx = "g++";
#endif
  std::printf("  compiler   %s %s, %s, flags: %s; seqmem %s (commit %s)\n", cxx, __VERSION__, seqmem::kBuildType,
              seqmem::kBuildFlags, seqmem::kVersion, seqmem::kGitCommit);
  std::printf("  libraries  Eigen %d.%d.%d (SIMD: %s), Boost %d.%d, SUNDIALS %s\n", EIGEN_WORLD_VERSION,
              EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, Eigen::SimdInstructionSetsInUse(), BOOST_VERSION / 100000,
              BOOST_VERSION / 100 % 1000, SUNDIALS_VERSION);
}

}  // namespace seqmem::bench
