#include "sim/output/provenance.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>

#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"
#include "version.hpp"

namespace seqmem {
namespace {

std::string& recorded_command_line() {
  static std::string s;
  return s;
}

// A word as a POSIX shell reads it back.
std::string shell_quoted(const std::string& w) {
  if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%") ==
                        std::string::npos)
    return w;
  std::string q = "'";
  for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string this_cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown";
}

std::string host_name() {
  char buf[256] = {};
  return gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("unknown");
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

void set_command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + shell_quoted(argv[i]);
  recorded_command_line() = s;
}

const std::string& command_line() { return recorded_command_line(); }

Provenance Provenance::of_this_program(const Scenario& sc) {
  return {kVersion, kGitCommit, kBuildType, kBuildFlags, kCompiler, this_cpu_model(), host_name(),
          sc.text, sc.path, sc.overrides_text()};
}

Provenance Provenance::read(hid_t root) {
  auto a = [&](const char* name) { return h5::read_string_attr(root, name); };
  return {a("seqmem_version"), a("git_commit"), a("build_type"), a("build_flags"), a("compiler"), a("cpu_model"),
          a("host"),           a("scenario"),   a("scenario_path"), a("overrides")};
}

void write_provenance(hid_t root, const Provenance& p) {
  const std::string created = utc_now();
  auto put = [&](const char* name, const std::string& v) { h5::set_attr(root, name, v); };
  put("Conventions", "CF-1.10");
  put("format_version", kFormatVersion);
  put("title", "seqmem output of " + p.scenario_path);
  put("source", "seqmem " + p.seqmem_version + " (git " + p.git_commit + ")");
  put("history", created + ": " + command_line());
  put("seqmem_version", p.seqmem_version);
  put("git_commit", p.git_commit);
  put("build_type", p.build_type);
  put("build_flags", p.build_flags);
  put("compiler", p.compiler);
  put("cpu_model", p.cpu_model);
  put("host", p.host);
  put("command_line", command_line());
  put("created", created);
  put("scenario", p.scenario);
  put("scenario_path", p.scenario_path);
  put("overrides", p.overrides);
}

void write_provenance(hid_t root, const Scenario& sc) { write_provenance(root, Provenance::of_this_program(sc)); }

}  // namespace seqmem
