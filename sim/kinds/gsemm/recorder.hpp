// The observer of a run: at every sample time it computes the overlaps (analysis/overlaps.hpp),
// watches the sequence (visits, episode check, stall, stop rules: analysis/sequence_monitor.hpp),
// buffers `chunk` samples and streams them to a RunWriter. Memory does not grow with the
// duration: only the visit list does. Returns false when a stop rule ends the run.
#pragma once

#include <fmt/format.h>

#include <vector>

#include "analysis/overlaps.hpp"
#include "analysis/sequence_monitor.hpp"
#include "sim/core/progress.hpp"
#include "sim/kinds/gsemm/fixed_point_analysis.hpp"
#include "sim/kinds/gsemm/run_writer.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {

template <class Model>
class Recorder {
 public:
  // progress: report the simulated time on stderr every few seconds of wall time
  // (sim/core/progress.hpp: "r0000: time 1250/5000 (25%), elapsed 5.0 s, eta 15.0 s; 12 visits").
  Recorder(const Model& model, const RunSpec& spec, RunWriter* out, bool progress = false)
      : model_(model),
        spec_(spec),
        out_(out),
        N_(model.N_f()),
        K_(model.K()),
        monitor_(spec.threshold, spec.gsemm().expect_cycle, spec.gsemm().stop),
        s_(N_),
        m_(K_),
        Vh_(K_),
        progress_(spec.id, "time", spec.t_end, progress, progress_interval(5.0)) {
    const auto chunk = static_cast<std::size_t>(spec.gsemm().chunk);
    t_.reserve(chunk);
    overlaps_.reserve(chunk * K_);
    if (spec.gsemm().record_energy) {
      E_.reserve(chunk);
      F_.reserve(chunk);
      G_.reserve(chunk);
    }
    if (spec.gsemm().record_V_f) Vf_buf_.reserve(chunk * N_);
    if (spec.gsemm().record_V_h) Vh_buf_.reserve(chunk * K_);
    if (spec.gsemm().record_V_d) Vd_buf_.reserve(chunk * N_);
  }

  bool operator()(const Vec& x, double t) {
    t_last_ = t;
    overlaps(model_.Xi(), Model::V_f(x, N_), model_.params().gamma, s_, m_);
    const bool go_on = monitor_.add(t, m_);
    if (progress_.enabled() && (n_ & 255) == 0) report(t);
    collect_fixed_point_sample(x, t);
    if (!out_) {
      ++n_;
      return go_on;
    }
    t_.push_back(t);
    overlaps_.insert(overlaps_.end(), m_.data(), m_.data() + K_);
    if (spec_.gsemm().record_energy) {
      const EnergyRates r = model_.energy_rates(x, t);
      E_.push_back(r.E);
      F_.push_back(r.F);
      G_.push_back(r.G);
    }
    if (recording_states() && (n_ % spec_.gsemm().state_every == 0 || t == spec_.t_end)) {  // and the state at t_end
      st_.push_back(t);
      if (spec_.gsemm().record_V_f) push(Vf_buf_, Model::V_f(x, N_));
      if (spec_.gsemm().record_V_d) push(Vd_buf_, Model::V_d(x, N_));
      if (spec_.gsemm().record_V_h) {
        model_.hidden_state(x, Vh_);
        push(Vh_buf_, Vh_);
      }
    }
    ++n_;
    if (t_.size() == static_cast<std::size_t>(spec_.gsemm().chunk)) flush();
    return go_on;
  }

  void flush() {
    if (!out_) return;
    const bool e = spec_.gsemm().record_energy;
    out_->append_samples(t_.data(), overlaps_.data(), e ? E_.data() : nullptr, e ? F_.data() : nullptr,
                         e ? G_.data() : nullptr, t_.size());
    t_.clear();
    overlaps_.clear();
    E_.clear();
    F_.clear();
    G_.clear();
    if (!st_.empty()) {
      out_->append_states(st_.data(), spec_.gsemm().record_V_f ? Vf_buf_.data() : nullptr,
                          spec_.gsemm().record_V_h ? Vh_buf_.data() : nullptr,
                          spec_.gsemm().record_V_d ? Vd_buf_.data() : nullptr, st_.size());
      st_.clear();
      Vf_buf_.clear();
      Vh_buf_.clear();
      Vd_buf_.clear();
    }
  }

  const SequenceMonitor& monitor() const { return monitor_; }
  FixedPointSamples& fixed_point_samples() { return fp_; }
  double t_last() const { return t_last_; }
  const Vec& last_overlaps() const { return m_; }
  long long samples() const { return n_; }

 private:
  // The states of the [fixed_points] window, every fp.every-th sample of it.
  void collect_fixed_point_sample(const Vec& x, double t) {
    const auto& fp = spec_.gsemm().fixed_points;
    const double eps = 1e-9 * spec_.sample_dt;
    if (!fp.enabled || t < fp.t_start - eps || t > fp.t_end + eps) return;
    if (fp_window_n_++ % fp.every != 0) return;
    fp_.t.push_back(t);
    fp_.V_f.emplace_back(Model::V_f(x, N_));
    fp_.V_d.emplace_back(Model::V_d(x, N_));
  }

  void report(double t) {
    const std::size_t v = monitor_.visits().size();
    progress_.report(t, fmt::format("{} visit{}", v, v == 1 ? "" : "s"));
  }
  bool recording_states() const {
    return spec_.gsemm().record_V_f || spec_.gsemm().record_V_h || spec_.gsemm().record_V_d;
  }
  template <class V>
  static void push(std::vector<double>& buf, const V& v) {
    for (Eigen::Index i = 0; i < v.size(); ++i) buf.push_back(v(i));
  }

  const Model& model_;
  const RunSpec& spec_;
  RunWriter* out_;
  int N_, K_;
  SequenceMonitor monitor_;
  Vec s_, m_, Vh_;
  FixedPointSamples fp_;
  long long fp_window_n_ = 0;
  Progress progress_;
  double t_last_ = 0.0;
  long long n_ = 0;
  std::vector<double> t_, overlaps_, E_, F_, G_, st_, Vf_buf_, Vh_buf_, Vd_buf_;
};

}  // namespace seqmem
