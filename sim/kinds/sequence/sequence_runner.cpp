#include "sim/kinds/sequence/sequence_runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "analysis/sequence_monitor.hpp"
#include "models/cue.hpp"
#include "models/eden.hpp"
#include "models/memories.hpp"
#include "models/sequence_net.hpp"
#include "sim/core/cancel.hpp"
#include "sim/core/progress.hpp"
#include "sim/kinds/run_integrate.hpp"
#include "sim/kinds/sequence_record.hpp"

namespace seqmem {
namespace {

// The observer of a run: the overlaps and the monitor at every sample, the samples (and the states
// every state_every-th sample and at t_end) buffered `chunk` at a time and streamed to the writer.
class Recorder {
 public:
  Recorder(const RunSpec& spec, const Mat& Xi, SequenceWriter* out, bool progress)
      : spec_(spec),
        q_(spec.sequence()),
        Xi_(Xi),
        out_(out),
        monitor_(spec.threshold, q_.expect_cycle, q_.stop, spec.model == ModelKind::eden),
        m_(Xi.cols()),
        progress_(spec.id, spec.model == ModelKind::eden ? "time" : "update", spec.t_end, progress,
                  progress_interval(5.0)) {}

  // The sample at time t of the state x (S or v) and, for EDEN, the delay layer s.
  bool operator()(double t, const Eigen::Ref<const Vec>& x, const Eigen::Ref<const Vec>& s) {
    m_.noalias() = Xi_.transpose() * x;
    m_ /= static_cast<double>(Xi_.rows());
    const bool go_on = monitor_.add(t, m_);
    if (progress_.enabled() && (n_ & 255) == 0) {
      const std::size_t v = monitor_.visits().size();
      progress_.report(t, fmt::format("{} visit{}", v, v == 1 ? "" : "s"));
    }
    if (out_) {
      t_.push_back(t);
      m_buf_.insert(m_buf_.end(), m_.data(), m_.data() + m_.size());
      if ((q_.record_state || q_.record_delay) && (n_ % q_.state_every == 0 || t == spec_.t_end)) {
        st_.push_back(t);
        if (q_.record_state) x_buf_.insert(x_buf_.end(), x.data(), x.data() + x.size());
        if (q_.record_delay) s_buf_.insert(s_buf_.end(), s.data(), s.data() + s.size());
      }
      if (t_.size() == static_cast<std::size_t>(q_.chunk)) flush();
    }
    ++n_;
    return go_on;
  }

  void flush() {
    if (!out_) return;
    out_->append_samples(t_.data(), m_buf_.data(), t_.size());
    if (!st_.empty()) out_->append_states(st_.data(), x_buf_.data(), s_buf_.data(), st_.size());
    for (auto* b : {&t_, &m_buf_, &st_, &x_buf_, &s_buf_}) b->clear();
  }

  const SequenceMonitor& monitor() const { return monitor_; }
  long long samples() const { return n_; }
  const Vec& last_overlaps() const { return m_; }

 private:
  const RunSpec& spec_;
  const SequenceSpec& q_;
  const Mat& Xi_;
  SequenceWriter* out_;
  SequenceMonitor monitor_;
  Vec m_;
  Progress progress_;
  long long n_ = 0;
  std::vector<double> t_, m_buf_, st_, x_buf_, s_buf_;
};

// A map: t_end synchronous updates, the last tau states in a ring (x(u) in slot u mod tau, so that
// x(t - tau + 1) is in slot (t + 1) mod tau, where x(t + 1) then goes).
IntegrationResult run_map(const RunSpec& spec, const Mat& Xi, const Vec& start, Recorder& rec) {
  const SequenceNet net(Xi, spec.sequence().net);
  const int tau = net.params().delay;
  const auto updates = static_cast<long long>(spec.t_end);
  std::vector<Vec> ring(static_cast<std::size_t>(tau), start);
  const Vec none(0);
  IntegrationResult r;
  r.status = EndStatus::completed;
  if (!rec(0.0, start, none)) return {EndStatus::stopped, 0.0, "", r.stats};
  Vec next;
  for (long long t = 0; t < updates; ++t) {
    if (cancel_requested()) return {EndStatus::stopped, static_cast<double>(t), "", r.stats};
    const std::size_t now = static_cast<std::size_t>(t % tau), slot = static_cast<std::size_t>((t + 1) % tau);
    next = ring[now];
    net.step(next, ring[slot]);
    ring[slot] = next;
    ++r.stats.steps;
    ++r.stats.rhs_evals;
    if (!rec(static_cast<double>(t + 1), next, none))
      return {EndStatus::stopped, static_cast<double>(t + 1), "", r.stats};
  }
  r.t_stop = static_cast<double>(updates);
  return r;
}

// EDEN: the ODE system on [v; s] from v(0) = start, s(0) = 0.
IntegrationResult run_eden(const RunSpec& spec, const Mat& Xi, const Vec& start, Recorder& rec) {
  const Eden net(Xi, spec.sequence().eden);
  const Eigen::Index N = Xi.rows();
  Vec x = Vec::Zero(2 * N);
  x.head(N) = start;
  return integrate(net, x, spec, [&](const Vec& y, double t) { return rec(t, y.head(N), y.tail(N)); });
}

}  // namespace

Mat sequence_patterns(const RunSpec& spec) { return random_memories(spec.N_f, spec.sequence().K, spec.seed); }

Vec sequence_start(const RunSpec& spec, const Mat& Xi) {
  const bool map = spec.model != ModelKind::eden;
  const double noise = map ? (spec.cue_memory < 0 ? 1.0 : 0.0) : spec.cue_noise;
  Vec x = make_cue(Xi, {spec.cue_memory, 1.0, spec.sequence().cue_flip, 0.0, noise}, spec.seed);
  if (map && spec.cue_memory < 0) x = x.unaryExpr([](double u) { return u < 0 ? -1.0 : 1.0; });  // random +-1
  return x;
}

RunOutcome simulate_sequence(const RunSpec& spec, const Mat& Xi, SequenceWriter* out, bool progress) {
  const auto t0 = std::chrono::steady_clock::now();
  Recorder rec(spec, Xi, out, progress);
  const Vec start = sequence_start(spec, Xi);
  const IntegrationResult ir =
      spec.model == ModelKind::eden ? run_eden(spec, Xi, start, rec) : run_map(spec, Xi, start, rec);
  rec.flush();
  RunOutcome o;
  o.status = to_string(ir.status);
  o.message = ir.status == EndStatus::stopped && !rec.monitor().stop_reason().empty()
                  ? "stopped: " + rec.monitor().stop_reason()
                  : ir.message;
  o.t_stop = ir.t_stop;
  o.stats = ir.stats;
  take_visits(rec.monitor(), o);
  o.m_final = rec.last_overlaps();
  o.samples = rec.samples();
  o.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return o;
}

}  // namespace seqmem
