// What one run of any kind reports to the drivers: its status, the lines the command line prints,
// and (GSEMM runs) the visits and the episode check. Sent between ranks by sim/drivers/run_scenario.cpp.
#pragma once

#include <string>
#include <vector>

#include "analysis/sequence.hpp"
#include "sim/solvers/solver_stats.hpp"

namespace seqmem {

struct RunOutcome {
  std::string status = "completed";  // completed | stopped (a stop rule) | diverged | failed
  std::string message;               // why, when not completed
  double t_stop = 0.0;               // last time reached (the divergence time when diverged)
  SolverStats stats;                 // of the integration
  bool stalled = false;              // a sequence run that stopped visiting new memories (at its end)
  double stalled_at = 0.0;           // ... after its last visit at this time (0: no visit at all)
  bool any_visit = false;
  int recovered_stalls = 0;          // earlier gaps longer than stall_time it recovered from
  std::vector<Visit> visits;
  Vec m_final;  // overlaps at the last sample
  bool checked = false;  // expect_cycle given
  EpisodeCheck check;
  double wall_s = 0.0;
  long long samples = 0;
  int fixed_points = 0;  // samples analysed by [fixed_points]
  double fixed_points_wall_s = 0.0;
  std::string detail;  // diffusion and free-recall runs: the lines that summarise them
};

}  // namespace seqmem
