// What the command line prints (issue 12, item 4): the one progress line, the capacity table of
// sweep and merge, the keys table as Markdown, and the hints for a misspelt or misplaced key.
#include <doctest/doctest.h>

#include "tests/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "sim/core/progress.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"
#include "sim/sweeps/capacity_table.hpp"

using namespace seqmem;
namespace fs = std::filesystem;

namespace {
std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  const fs::path dir = seqmem::testing::temp_dir("cli_output");
  const fs::path p = dir / "s.toml";
  std::ofstream(p) << text;
  try {
    load_scenario(p.string(), sets);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kBase = "[model]\nN_f = 20\nalpha_c = 0.5\n[memories]\nK = 4\n[integrator]\nt_end = 5.0\n";

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
}  // namespace

TEST_CASE("progress line: the ETA is unknown before any work is done, then the measured rate") {
  CHECK(eta_text(0, 10, 0) == "?");
  CHECK(eta_text(0, 10, 12.5) == "?");  // time has passed, nothing done: no rate yet
  CHECK(eta_text(3, 10, 0) == "?");
  CHECK(eta_text(2, 10, 4.0) == "16.0 s");  // 2 s per unit, 8 left
  CHECK(eta_text(10, 10, 4.0) == "0.0 s");
  CHECK(eta_text(1, 100, 60) == "1.6 h");
  CHECK(duration_text(0.04) == "0.0 s");
  CHECK(duration_text(59.9) == "59.9 s");
  CHECK(duration_text(90) == "1.5 min");
  CHECK(duration_text(7200) == "2.0 h");
  CHECK(progress_line("run", "runs", 0, 8, 0.0) == "run: runs 0/8 (0%), elapsed 0.0 s, eta ?");
  CHECK(progress_line("run", "runs", 3, 8, 2.1, "r0002 completed in 0.71 s") ==
        "run: runs 3/8 (38%), elapsed 2.1 s, eta 3.5 s; r0002 completed in 0.71 s");
  CHECK(progress_line("r0000", "time", 1250.5, 5000, 5.0, "12 visits") ==
        "r0000: time 1250.5/5000 (25%), elapsed 5.0 s, eta 15.0 s; 12 visits");
  CHECK(progress_line("sweep", "pairs", 12, 12, 80, "") == "sweep: pairs 12/12 (100%), elapsed 1.3 min, eta 0.0 s");
}

TEST_CASE("progress: a disabled bar prints nothing, an enabled one respects its interval unless forced") {
  Progress quiet("run", "runs", 4, false, 0.0);
  CHECK_FALSE(quiet.report(1, "", true));
  Progress bar("run", "runs", 4, true, 3600.0);
  CHECK_FALSE(bar.report(1));  // within the interval
  CHECK(bar.report(1, "forced", true));
  CHECK(bar.line(0).find("eta ?") != std::string::npos);
}

TEST_CASE("capacity table: rows are degrees, columns seeds, censored values marked") {
  auto cap = [](int config, int degree, std::uint64_t seed, int capacity, SearchStop stop) {
    Capacity c{config, degree, seed, -1.0, {}};
    c.search.capacity = capacity;
    c.search.largest_tried = capacity + 1;
    c.search.stop = stop;
    return c;
  };
  const std::vector<Capacity> caps{cap(0, 3, 2, 512, SearchStop::K_max), cap(0, 2, 1, 12, SearchStop::failure),
                                   cap(0, 2, 2, 14, SearchStop::failure), cap(0, 3, 1, 300, SearchStop::censored)};
  CHECK(capacity_table(caps, {"r0000"}) ==
        "capacity:\n"
        "  degree   seed 1   seed 2\n"
        "       2       12       14\n"
        "       3     ≥300     ≥512\n"
        "('≥': a lower bound, the search reached K_max or an evaluation's budget)\n");
  // a shard's pairs, two configurations
  const std::vector<Capacity> shard{cap(0, 2, 1, 12, SearchStop::failure), cap(0, 3, 2, 40, SearchStop::failure),
                                    cap(1, 2, 1, 9, SearchStop::failure)};
  CHECK(capacity_table(shard, {"r0000", "r0001"}) ==
        "capacity (r0000):\n"
        "  degree   seed 1   seed 2\n"
        "       2       12        -\n"
        "       3        -       40\n"
        "capacity (r0001):\n"
        "  degree   seed 1\n"
        "       2        9\n"
        "('≥': a lower bound, the search reached K_max or an evaluation's budget; '-': not in this file)\n");
  // capacity_per_alpha_c: a row per (degree, alpha_c); configurations named by their values
  auto per_alpha = [&](int degree, double alpha_c, std::uint64_t seed, int capacity) {
    Capacity c = cap(0, degree, seed, capacity, SearchStop::failure);
    c.alpha_c = alpha_c;
    return c;
  };
  CHECK(capacity_table({per_alpha(2, 1.0, 1, 9), per_alpha(2, 0.5, 1, 30), per_alpha(2, 0.5, 2, 28)},
                       {"r0000: T_d=30"}) ==
        "capacity:\n"
        "  degree  alpha_c   seed 1   seed 2\n"
        "       2      0.5       30       28\n"
        "       2        1        9        -\n"
        "('≥': a lower bound, the search reached K_max or an evaluation's budget; '-': not in this file)\n");
}

TEST_CASE("seqmem keys: valid Markdown, no raw '|' inside a cell, one key on request") {
  const std::vector<std::string> all = lines_of(describe_keys());
  REQUIRE(all.size() == schema().size() + 2);
  const std::regex unescaped(R"((^|[^\\])\|)");
  for (const std::string& l : all) {
    INFO(l);
    REQUIRE(l.size() > 2);
    CHECK(l.front() == '|');
    CHECK(l.back() == '|');
    // six cells: seven unescaped bars
    const auto n = std::distance(std::sregex_iterator(l.begin(), l.end(), unescaped), std::sregex_iterator());
    CHECK(n == 7);
  }
  bool escaped = false;  // meanings such as "|x|^2" keep their bars, escaped
  for (const std::string& l : all) escaped |= l.find("\\|") != std::string::npos;
  CHECK(escaped);
  const std::vector<std::string> one = lines_of(describe_keys("alpha_c"));
  REQUIRE(one.size() == 3);
  CHECK(one[2].rfind("| [model] | `alpha_c` |", 0) == 0);
}

TEST_CASE("a misspelt key gets the closest one, a misplaced key the section it belongs in") {
  CHECK(closest_key("alpah_c") == "did you mean 'alpha_c' in [model]?");
  CHECK(closest_key("zzzzzzzz") == "");
  CHECK(closest_section("modle") == "did you mean [model]?");
  CHECK(closest_section("zzzzzzzz") == "");
  CHECK(error_of(kBase, {"alpah_c=0.3"}) ==
        "--set alpah_c=0.3: unknown key 'alpah_c'; did you mean 'alpha_c' in [model]?");
  CHECK(error_of(kBase, {"model.K=3"}) ==
        "--set model.K=3: key 'K' does not belong in [model]; it belongs in [memories]");
  CHECK(error_of(kBase, {"model.alpah_c=0.3"}) ==
        "--set model.alpah_c=0.3: unknown key 'alpah_c' in [model]; did you mean 'alpha_c' in [model]?");
  CHECK(error_of(kBase, {"memories.K=3"}) == "(no error)");
  CHECK(error_of(kBase + "[runs]\ngrid = { alpah_c = [0.1, 0.2] }\n").find(
            "unknown key 'alpah_c'; did you mean 'alpha_c' in [model]?") != std::string::npos);
  CHECK(error_of(kBase + "[runs]\ngrid = { \"model.K\" = [3, 4] }\n").find(
            "s.toml:9:10: key 'K' does not belong in [model]; it belongs in [memories]") != std::string::npos);
  CHECK(error_of(kBase + "[runs]\nlist = [{ alpah_c = 0.1 }]\n").find("did you mean 'alpha_c' in [model]?") !=
        std::string::npos);
  CHECK(error_of("[model]\nN_f = 20\nK = 4\n").find("s.toml:3:1: key 'K' does not belong in [model]; it belongs in "
                                                    "[memories]") != std::string::npos);
  CHECK(error_of("[modle]\nN_f = 20\n").find("s.toml:1:2: unknown section [modle]; did you mean [model]?") !=
        std::string::npos);
  CHECK(error_of("sed = 3\n" + kBase).find(
            "s.toml:1:1: unknown top-level key 'sed'; did you mean 'seed' (top level)?") != std::string::npos);
}
