// What every sequence run records and prints, whatever its model (the GSEMM kinds and the sequence
// family seqnet, densenet, mixednet, eden): its visits, status and episode check in its group
// /runs/<id>/ (docs/output.md), and the lines the command line prints about them.
#pragma once

#include <hdf5.h>

#include <string>
#include <vector>

#include "analysis/sequence_monitor.hpp"
#include "sim/kinds/run_outcome.hpp"

namespace seqmem {

// The visits, stall and episode check the monitor of a run kept, into its outcome.
void take_visits(const SequenceMonitor& mon, RunOutcome& o);

// The visits (visit, visit_memory, visit_time), the status, solver statistics, stall and episode
// check of a run as variables and attributes of its group `grp`. The caller holds h5::lock().
void write_visits_and_status(hid_t grp, const RunOutcome& o);

// "→"-joined labels of a cycle (0-based memories): "ξ1→ξ2→ξ3"; past 12 memories the first 10 and
// the last: "ξ1→…→ξ10→…→ξ50 (50 memories)".
std::string cycle_text(const std::vector<int>& cycle);

// The lines about the visits, stalls and the episode check of expect_cycle (0-based; empty: none),
// newline-terminated.
std::string visits_summary(const RunOutcome& o, const std::vector<int>& expect_cycle, double stall_time);

}  // namespace seqmem
