// The sequence of visited memories and the episode check (models.md §1, Figure 1 and 3).
// A memory is visited when its overlap reaches `threshold` while it is not the current memory;
// the entry time is interpolated linearly between the two samples around the crossing (a flow),
// or is the sample's own time (a map, whose state jumps from one sample to the next).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "models/activations.hpp"

namespace seqmem {

struct Visit {
  int memory;     // 0-based index of the memory
  double t_entry; // time at which its overlap reached the threshold
};

// Streams samples (t, m) and emits visits.
class VisitDetector {
 public:
  // interpolate: the entry time between the samples around the crossing (a flow) or the sample's (a map).
  explicit VisitDetector(double threshold, bool interpolate = true)
      : threshold_(threshold), interpolate_(interpolate) {}

  // Returns true when this sample starts a new visit (then `last()` is that visit).
  bool add(double t, const Vec& m) {
    Eigen::Index mu;
    const double top = m.maxCoeff(&mu);
    bool visited = false;
    if (top >= threshold_ && mu != current_) {
      double te = t;
      if (interpolate_ && has_prev_ && m_prev_(mu) < threshold_ && top > m_prev_(mu))
        te = t_prev_ + (threshold_ - m_prev_(mu)) / (top - m_prev_(mu)) * (t - t_prev_);
      visits_.push_back({static_cast<int>(mu), te});
      current_ = static_cast<int>(mu);
      visited = true;
    }
    m_prev_ = m;  // same size every call: no allocation after the first
    t_prev_ = t;
    has_prev_ = true;
    return visited;
  }

  const std::vector<Visit>& visits() const { return visits_; }
  const Visit& last() const { return visits_.back(); }

 private:
  double threshold_;
  bool interpolate_;
  int current_ = -1;
  bool has_prev_ = false;
  double t_prev_ = 0.0;
  Vec m_prev_;
  std::vector<Visit> visits_;
};

// Checks visits against an expected cycle (0-based memory indices, xi_c0 -> xi_c1 -> ... -> xi_c0).
// The first visit must be a member of the cycle; each later visit must be the successor of the
// one before. A complete cycle is K correct transitions in a row.
struct EpisodeCheck {
  int correct_transitions = 0;
  int cycles_completed = 0;
  int first_wrong_index = -1;  // index into the visit list, -1 if none
  int first_wrong_memory = -1;
  double first_wrong_time = std::numeric_limits<double>::quiet_NaN();
  bool ok() const { return first_wrong_index < 0; }
};

class EpisodeChecker {
 public:
  explicit EpisodeChecker(std::vector<int> cycle) : cycle_(std::move(cycle)) {
    int top = -1;
    for (int m : cycle_) top = std::max(top, m);
    pos_.assign(static_cast<std::size_t>(top + 1), -1);
    for (int i = static_cast<int>(cycle_.size()) - 1; i >= 0; --i) pos_[static_cast<std::size_t>(cycle_[i])] = i;
  }

  // Feed the visits in order; returns false once a wrong visit was seen.
  bool add(const Visit& v) {
    if (!r_.ok()) return false;
    const int pos = position(v.memory);
    const bool right = (n_ == 0) ? pos >= 0 : pos >= 0 && pos == (prev_pos_ + 1) % size();
    if (!right) {
      r_.first_wrong_index = n_;
      r_.first_wrong_memory = v.memory;
      r_.first_wrong_time = v.t_entry;
    } else {
      if (n_ > 0) ++r_.correct_transitions;
      r_.cycles_completed = r_.correct_transitions / size();
      prev_pos_ = pos;
    }
    ++n_;
    return r_.ok();
  }
  const EpisodeCheck& result() const { return r_; }

 private:
  int size() const { return static_cast<int>(cycle_.size()); }
  int position(int memory) const {
    return memory >= 0 && static_cast<std::size_t>(memory) < pos_.size() ? pos_[static_cast<std::size_t>(memory)] : -1;
  }
  std::vector<int> cycle_;
  std::vector<int> pos_;  // memory -> first position in the cycle, -1 if absent
  EpisodeCheck r_;
  int n_ = 0;
  int prev_pos_ = -1;
};

inline EpisodeCheck check_episode(const std::vector<Visit>& visits, const std::vector<int>& cycle) {
  EpisodeChecker c(cycle);
  for (const auto& v : visits)
    if (!c.add(v)) break;
  return c.result();
}

}  // namespace seqmem
