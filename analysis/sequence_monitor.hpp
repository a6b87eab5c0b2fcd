// The watch kept over a sequence run at every sample: visits (analysis/sequence.hpp), the episode
// check against an expected cycle, stall detection, and the stop rules of a run ([analysis]) or of
// a capacity evaluation (analysis/capacity.hpp). Memory: the visit list only.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sequence.hpp"

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
  // cycle: the expected cycle (0-based memories), empty for no episode check.
  SequenceMonitor(double threshold, std::vector<int> cycle, StopRules rules)
      : visits_(threshold), checker_(cycle), checked_(!cycle.empty()), rules_(rules) {}

  // One sample; false when a stop rule says stop (stop_reason() says which).
  bool add(double t, const Vec& m) {
    if (visits_.add(t, m)) {
      t_last_visit_ = t;
      t_last_entry_ = visits_.last().t_entry;
      if (checked_ && !checker_.add(visits_.last()) && rules_.stop_on_wrong_visit) {
        reason_ = fmt::format("first wrong visit ξ{} at t = {:.2f}", visits_.last().memory + 1, visits_.last().t_entry);
        return false;
      }
      if (checked_ && rules_.stop_after_cycles > 0 && checker_.result().ok() &&
          checker_.result().cycles_completed >= rules_.stop_after_cycles) {
        reason_ = fmt::format("{} complete cycles", checker_.result().cycles_completed);
        return false;
      }
    } else if (rules_.detect_stall && !stalled() && t - t_last_visit_ > rules_.stall_time) {
      stalled_at_ = t_last_entry_;
      stall_detected_ = t;
      if (rules_.stop_on_stall) {
        reason_ = fmt::format("stalled: no new visit after t = {:.2f} within stall_time = {}", stalled_at_,
                              rules_.stall_time);
        return false;
      }
    }
    return true;
  }

  const std::vector<Visit>& visits() const { return visits_.visits(); }
  bool checked() const { return checked_; }
  const EpisodeCheck& check() const { return checker_.result(); }
  // The entry time of the last visit before the first stall (0 if none came); stalled() false if the run never stalled.
  bool stalled() const { return !std::isnan(stalled_at_); }
  double stalled_at() const { return stalled_at_; }
  double stall_detected_at() const { return stall_detected_; }
  const std::string& stop_reason() const { return reason_; }

 private:
  VisitDetector visits_;
  EpisodeChecker checker_;
  bool checked_;
  StopRules rules_;
  double t_last_visit_ = 0;   // the sample at which the last visit was detected (0: none yet)
  double t_last_entry_ = 0;   // its entry time
  double stalled_at_ = std::numeric_limits<double>::quiet_NaN();
  double stall_detected_ = std::numeric_limits<double>::quiet_NaN();
  std::string reason_;
};

}  // namespace seqmem
