// What the command line prints (issue 12, item 4): the one progress line, the capacity table of
// sweep and merge, the keys table as Markdown, and the hints for a misspelt or misplaced key.
#include <doctest/doctest.h>

#include <string>

#include "sim/capacity_table.hpp"
#include "sim/progress.hpp"

using namespace seqmem;

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

