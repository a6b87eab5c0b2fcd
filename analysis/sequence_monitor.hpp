// The watch kept over a sequence run at every sample: visits (analysis/sequence.hpp), the episode
// check against an expected cycle, stall detection, and the stop rules of a run ([analysis]) or of
// a capacity evaluation (sim/experiments/capacity.hpp). Memory: the visit list only.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/sequence.hpp"

namespace seqmem {

struct StopRules {
  bool detect_stall = false;      // report a stall (a sequence run)
  double stall_time = 200.0;      // stalled: no new visit within stall_time of the previous one (or of t = 0)
  bool stop_on_stall = false;
  int stop_after_cycles = 0;      // stop after this many complete cycles (0: never)
  bool stop_on_wrong_visit = false;
};

class SequenceMonitor {
 public:
  // cycle: the expected cycle (0-based memories), empty for no episode check; interpolate: visits'
  // entry times between samples (a flow) or at the sample (a map; VisitDetector).
  SequenceMonitor(double threshold, std::vector<int> cycle, StopRules rules, bool interpolate = true)
      : visits_(threshold, interpolate), checker_(cycle), checked_(!cycle.empty()), rules_(rules) {}

  // One sample; false when a stop rule says stop (stop_reason() says which).
  bool add(double t, const Vec& m) {
    last_t_ = t;
    if (visits_.add(t, m)) {
      if (rules_.detect_stall && t - t_last_visit_ > rules_.stall_time) ++gaps_;  // a stall it recovered from
      t_last_visit_ = t;
      t_last_entry_ = visits_.last().t_entry;
      any_visit_ = true;
      if (checked_ && !checker_.add(visits_.last()) && rules_.stop_on_wrong_visit) {
        reason_ = fmt::format("first wrong visit ξ{} at t = {:.2f}", visits_.last().memory + 1, visits_.last().t_entry);
        return false;
      }
      if (checked_ && rules_.stop_after_cycles > 0 && checker_.result().ok() &&
          checker_.result().cycles_completed >= rules_.stop_after_cycles) {
        reason_ = fmt::format("{} complete cycles", checker_.result().cycles_completed);
        return false;
      }
    } else if (rules_.stop_on_stall && stalled()) {
      reason_ = any_visit_ ? fmt::format("stalled: no new visit after t = {:.2f} within stall_time = {}",
                                         t_last_entry_, rules_.stall_time)
                           : fmt::format("stalled: no visit within stall_time = {}", rules_.stall_time);
      return false;
    }
    return true;
  }

  const std::vector<Visit>& visits() const { return visits_.visits(); }
  bool checked() const { return checked_; }
  const EpisodeCheck& check() const { return checker_.result(); }
  // Stalled now: a sequence run whose last visit (or its start, without any) lies more than
  // stall_time before the last sample.
  bool stalled() const { return rules_.detect_stall && last_t_ - t_last_visit_ > rules_.stall_time; }
  bool any_visit() const { return any_visit_; }
  // The time after which the run is stalled without a new visit.
  double stall_deadline() const { return t_last_visit_ + rules_.stall_time; }
  // The entry time of the last visit (0 without any).
  double stalled_at() const { return t_last_entry_; }
  // Earlier gaps longer than stall_time after which a visit came again.
  int recovered_stalls() const { return gaps_; }
  const std::string& stop_reason() const { return reason_; }

 private:
  VisitDetector visits_;
  EpisodeChecker checker_;
  bool checked_;
  StopRules rules_;
  double t_last_visit_ = 0;   // the sample at which the last visit was detected (0: none yet)
  double t_last_entry_ = 0;   // its entry time
  double last_t_ = 0;         // the last sample
  bool any_visit_ = false;
  int gaps_ = 0;
  std::string reason_;
};

}  // namespace seqmem
