// The visits, status and episode check of a sequence run, written and printed (sim/kinds/sequence_record.hpp).
#include "sim/kinds/sequence_record.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "sim/output/h5file.hpp"
#include "sim/output/solver_attributes.hpp"
#include "sim/output/variables.hpp"

namespace seqmem {

void take_visits(const SequenceMonitor& mon, RunOutcome& o) {
  o.visits = mon.visits();
  o.stalled = mon.stalled();
  o.stalled_at = mon.stalled_at();
  o.any_visit = mon.any_visit();
  o.recovered_stalls = mon.recovered_stalls();
  if (mon.checked()) {
    o.checked = true;
    o.check = mon.check();
  }
}

void write_visits_and_status(hid_t grp, const RunOutcome& o) {
  // visits: plain variables over the `visit` dimension (1, 2, ...): the memory (1-based label)
  // and the entry time; netCDF tools read them, pandas joins them into a table.
  const hsize_t nv = o.visits.size();
  std::vector<int> order(nv), memory(nv);
  std::vector<double> t_entry(nv);
  for (hsize_t v = 0; v < nv; ++v) {
    order[v] = static_cast<int>(v) + 1;
    memory[v] = o.visits[v].memory + 1;
    t_entry[v] = o.visits[v].t_entry;
  }
  h5::Handle visit = h5::write_dataset(grp, "visit", {nv}, order.data());
  h5::make_scale(visit.id(), "visit");
  h5::Handle vm = h5::write_dataset(grp, "visit_memory", {nv}, memory.data());
  attach_dimensions(vm.id());
  h5::Handle vt = h5::write_dataset(grp, "visit_time", {nv}, t_entry.data());
  attach_dimensions(vt.id());

  h5::set_attr(grp, "status", o.status);
  h5::set_attr(grp, "message", o.message);
  h5::set_attr(grp, "t_stop", o.t_stop);
  h5::set_attr(grp, "wall_time_s", o.wall_s);
  write_solver_stats(grp, o.stats);
  h5::set_attr(grp, "stalled", o.stalled);
  h5::set_attr(grp, "stalled_at", o.stalled ? o.stalled_at : std::numeric_limits<double>::quiet_NaN());
  h5::set_attr(grp, "recovered_stalls", std::int64_t(o.recovered_stalls));
  if (o.checked) {
    h5::set_attr(grp, "cycles_completed", std::int64_t(o.check.cycles_completed));
    h5::set_attr(grp, "correct_transitions", std::int64_t(o.check.correct_transitions));
    // 1-based like the `visit` coordinate; 0: no wrong visit
    h5::set_attr(grp, "first_wrong_visit", std::int64_t(o.check.first_wrong_index + 1));
    h5::set_attr(grp, "first_wrong_time", o.check.first_wrong_time);
  }
}

std::string cycle_text(const std::vector<int>& cycle) {
  std::string s;
  const std::size_t n = cycle.size(), shown = n > 12 ? 10 : n;  // a long cycle: its first 10 and its last
  for (std::size_t k = 0; k < shown; ++k) s += fmt::format("{}ξ{}", s.empty() ? "" : "→", cycle[k] + 1);
  if (shown < n) s += fmt::format("→…→ξ{} ({} memories)", cycle.back() + 1, n);
  return s;
}

std::string visits_summary(const RunOutcome& o, const std::vector<int>& expect_cycle, double stall_time) {
  std::string s;
  std::string v;
  const std::size_t shown = std::min<std::size_t>(o.visits.size(), 40);
  for (std::size_t k = 0; k < shown; ++k) v += fmt::format(" ξ{}@{:.2f}", o.visits[k].memory + 1, o.visits[k].t_entry);
  if (shown < o.visits.size()) v += fmt::format(" … ({} more in the file)", o.visits.size() - shown);
  s += fmt::format("  visits ({}):{}\n", o.visits.size(), v.empty() ? " none" : v);
  if (o.stalled && o.any_visit)
    s += fmt::format("  stalled at t = {:.2f}: no new visit within stall_time = {} after it\n", o.stalled_at,
                     stall_time);
  else if (o.stalled)
    s += fmt::format("  stalled from the start: no visit within stall_time = {}\n", stall_time);
  if (o.recovered_stalls > 0)
    s += fmt::format("  {} gap{} longer than stall_time = {} before later visits\n", o.recovered_stalls,
                     o.recovered_stalls == 1 ? "" : "s", stall_time);
  if (o.checked) {
    const std::string cyc = cycle_text(expect_cycle);
    // A run that did not reach its end is not a clean result: say so.
    const bool cut = o.status == "diverged" || o.status == "failed";
    const std::string until = cut ? fmt::format(" before the run {} at t = {:g}", o.status, o.t_stop) : "";
    if (o.check.ok())
      s += fmt::format("  episode {}: {} complete cycles{}, no wrong visit{}\n", cyc, o.check.cycles_completed, until,
                       cut ? " until then" : "");
    else
      s += fmt::format("  episode {}: {} complete cycles, first wrong visit ξ{} at t = {:.2f}\n", cyc,
                       o.check.cycles_completed, o.check.first_wrong_memory + 1, o.check.first_wrong_time);
  }
  return s;
}

}  // namespace seqmem
