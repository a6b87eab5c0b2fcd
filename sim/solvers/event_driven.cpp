#include "sim/solvers/event_driven.hpp"

#include "sim/core/cancel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "models/saturated_phase.hpp"
#include "sim/solvers/integrate.hpp"

namespace seqmem {

namespace {

constexpr double kBand = 20.0;  // |gamma V| >= 20: sigma_f(V) is exactly +-1 (tanh(20) = 1 - 8e-18)
constexpr double kInf = std::numeric_limits<double>::infinity();

// What ends a saturated phase.
struct Event {
  enum Kind { none, flip, slow } kind = none;
  int neuron = -1;
  double tau = kInf;
};

class Engine {
 public:
  Engine(const DenseGsemm& model, const IntegratorSpec& spec, const OverlapObserver& obs)
      : m_(model), spec_(spec), obs_(obs), N_(model.N_f()), gamma_(model.params().gamma), s_(N_), a_(model.K()),
        f_lo_(N_), thr_(N_), V_lo_(N_), dx_(model.state_size()), last_flip_t_(Vec::Constant(N_, -kInf)) {
    V_band_ = kBand / gamma_;
    const GsemmParams& p = model.params();
    const double r_max = std::max(1.0 / p.T_f, (model.saturated_terms() - 1) / p.T_d);
    scan_ = 0.1 / r_max;
  }

  IntegrationResult run(Vec& x, double t0, double t_end) {
    t_ = t0;
    sigma_f(DenseGsemm::V_f(x, N_), gamma_, s_);
    m_.overlap_drive(s_, a_);
    if (!obs_.observe(t_, a_)) return end(EndStatus::stopped, "");
    bool numeric = !saturated(x), entered_slowly = false;
    while (t_ < t_end) {
      if (cancel_requested()) return end(EndStatus::stopped, "");  // sim/core/cancel.hpp
      if (stats_.steps >= spec_.max_steps)
        return end(EndStatus::failed, fmt::format("more than max_steps = {} steps by t = {}", spec_.max_steps, t_));
      if (numeric) {
        m_(x, dx_, t_);
        if (entered_slowly || !leaves_band_at_once(x, dx_)) {  // after a slow entry: at least one step
          const IntegrationResult r = numeric_stretch(x, t_end);
          if (r.status != EndStatus::stopped || !switch_) return r;
        }
        numeric = entered_slowly = false;
        s_ = DenseGsemm::V_f(x, N_).array().sign();  // the neurons still in the band leave it at once
        m_.overlap_drive(s_, a_);
        if (!obs_.observe(t_, a_)) return end(EndStatus::stopped, "");
        continue;
      }
      // a saturated phase from (t_, x) with the signs s_ (a just-flipped neuron sits at V = 0)
      const double y_max = phase_.start(m_, x, s_, a_);
      ++stats_.steps;
      if (!DenseGsemm::V_f(x, N_).allFinite() || !phase_.finite())
        return end(EndStatus::diverged, fmt::format("NaN or Inf at t = {}", t_));
      const double wake = obs_.wake_at();  // a deadline already passed was seen at the last event
      double tau_end = (wake > t_ ? std::min(t_end, wake) : t_end) - t_;
      // the phase's expansion stays accurate up to y_max: a new phase (a new centre) after it
      if (y_max < 1) tau_end = std::min(tau_end, -m_.params().T_d * std::log1p(-y_max));
      bool chatter = false;
      const Event e = next_event(tau_end, chatter);
      if (chatter) {  // a flipped neuron driven back at once: the band is not passed quickly
        numeric = true;
        continue;
      }
      if (e.kind == Event::none || e.tau > tau_end) {  // a flip found just beyond: the next phase finds it again
        phase_.state(at(tau_end), x);
        t_ += tau_end;
        if (!obs_.observe(t_, a_)) return end(EndStatus::stopped, "");
        continue;
      }
      phase_.state(at(e.tau), x);
      t_ += e.tau;
      // events without time passing: a cascade of coincident crossings takes at most N_f of them
      stuck_ = e.tau > 0 ? 0 : stuck_ + 1;
      if (stuck_ > N_) {
        stuck_ = 0;
        numeric = true;
        continue;
      }
      if (e.kind == Event::slow) {
        numeric = entered_slowly = true;
        continue;
      }
      x(e.neuron) = 0.0;  // the flip: s_i changes sign at the zero of V_i
      s_(e.neuron) = -s_(e.neuron);
      last_flip_t_(e.neuron) = t_;
      m_.overlap_drive(s_, a_);
      if (!obs_.observe(t_, a_)) return end(EndStatus::stopped, "");
    }
    return end(EndStatus::completed, "");
  }

 private:
  IntegrationResult end(EndStatus status, std::string message) {
    IntegrationResult r;
    r.status = status;
    r.t_stop = t_;
    r.message = std::move(message);
    r.stats = stats_;
    return r;
  }

  bool saturated(const Vec& x) const {
    return (gamma_ * DenseGsemm::V_f(x, N_).array().abs() >= kBand).all();
  }

  // Every neuron saturated, or in the band and leaving it outward within flip_time^2 (the
  // start from a cue at high degree: |dV/dt| ~ 1e18). Taking such an exit at once errs by the
  // exit time in the integral of sigma_f: first order, but no more than a flip's second-order
  // error flip_time^2.
  bool leaves_band_at_once(const Vec& x, const Vec& dx) const {
    const double limit = spec_.flip_time * spec_.flip_time;
    for (int i = 0; i < N_; ++i) {
      const double v = x(i), rate = dx(i);
      if (gamma_ * std::abs(v) >= kBand) continue;
      if (v == 0 || !(v * rate > 0) || !((V_band_ - std::abs(v)) <= limit * std::abs(rate))) return false;
    }
    return true;
  }

  // dopri5 with the full tanh from t_ until every neuron is saturated (switch_), t_end, a stop by
  // the observer, or trouble.
  IntegrationResult numeric_stretch(Vec& x, double t_end) {
    switch_ = false;
    bool first = true;
    auto observe = [&](const Vec& y, double t) {
      if (first) {  // the start was observed already
        first = false;
        return true;
      }
      const Vec* d = m_.last_overlap_drive(y);
      if (!d) {
        sigma_f(DenseGsemm::V_f(y, N_), gamma_, s_);
        m_.overlap_drive(s_, a_);
        d = &a_;
      }
      if (!obs_.observe(t, *d)) return false;
      if (saturated(y)) {
        switch_ = true;
        return false;
      }
      m_(y, dx_, t);
      if (leaves_band_at_once(y, dx_)) {
        switch_ = true;
        return false;
      }
      return true;
    };
    IntegratorSpec d5 = spec_;
    d5.stepper = StepperKind::dopri5;
    d5.max_steps = std::max(1LL, spec_.max_steps - stats_.steps);
    const IntegrationResult r = integrate(m_, x, t_, SampleTimes::every_step(t_, t_end, spec_.dt), d5, observe);
    stats_ += r.stats;
    t_ = r.t_stop;
    IntegrationResult out = r;
    out.stats = stats_;
    return out;
  }

  // The basis at tau, carried from the anchor (the start of the scan step being refined).
  SaturatedPhase::Basis at(double tau) const { return phase_.basis(anchor_, tau); }

  // f_i(tau) = s_i V_i(tau) - thr_i: positive while neuron i keeps its sign outside its threshold.
  double f(int i, const SaturatedPhase::Basis& b) const { return s_(i) * phase_.V(i, b) - thr_(i); }
  double df(int i, const SaturatedPhase::Basis& b) const { return s_(i) * phase_.dV(i, b, phase_.V(i, b)); }

  // The first tau in (lo, hi] with s_i V_i(tau) <= thr, given it is above at lo and not at hi: Newton steps
  // (f_i' is known) kept inside the bracket, bisection when one would leave it; ends on the
  // crossed side.
  double root(int i, double lo, double hi, double thr) const {
    double tau = hi;
    for (int it = 0; it < 200 && hi - lo > 4e-16 * std::max(1.0, hi); ++it) {
      const SaturatedPhase::Basis b = at(tau);
      const double v = phase_.V(i, b), ft = s_(i) * v - thr;
      (ft <= 0 ? hi : lo) = tau;
      const double next = tau - ft / (s_(i) * phase_.dV(i, b, v));
      tau = next > lo && next < hi ? next : 0.5 * (lo + hi);
    }
    return hi;
  }

  // The minimum of f_i in (lo, hi) where df_i goes from negative to positive: bisection on df_i.
  double minimum(int i, double lo, double hi) const {
    for (int it = 0; it < 200 && hi - lo > 4e-16 * std::max(1.0, hi); ++it) {
      const double mid = 0.5 * (lo + hi);
      (df(i, at(mid)) < 0 ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  }

  // Where neuron i's event lies once its threshold is crossed at tau_in: a flip at the zero of V_i
  // when the band is passed within flip_time, else the entry itself (slow).
  Event classify(int i, double tau_in) const {
    Event e{Event::slow, i, tau_in};
    const SaturatedPhase::Basis b = at(tau_in);
    const double rate = std::abs(phase_.dV(i, b, phase_.V(i, b)));
    const double delta = 2.0 * V_band_ / rate;
    if (!(delta <= spec_.flip_time)) return e;
    if (thr_(i) == 0.0) return {Event::flip, i, tau_in};  // the crossing was the zero itself
    // the zero of V_i shortly after the band entry: threshold 0 from here
    // a passage shorter than the resolution of t (|dV/dt| ~ 1e20 at degree 10): the entry is the zero
    if (4.0 * delta <= 4.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, t_ + tau_in))
      return {Event::flip, i, tau_in};
    const double lo = tau_in, hi = tau_in + 4.0 * delta;
    if (!(s_(i) * phase_.V(i, at(hi)) <= 0)) return e;  // it turns back inside the band: slow
    return {Event::flip, i, root(i, lo, hi, 0.0)};  // the zero of V_i, from the band entry
  }

  // The first event in (0, tau_end], scanning at scan_ and refining the neurons that cross.
  Event next_event(double tau_end, bool& chatter) {
    anchor_ = phase_.basis0();
    const SaturatedPhase::Basis& b0 = anchor_;
    Event now;
    for (int i = 0; i < N_; ++i) {
      const double v = phase_.V(i, b0), sv = s_(i) * v;
      thr_(i) = sv >= V_band_ ? V_band_ : 0.0;  // a neuron in the band has just flipped
      V_lo_(i) = v;
      if (thr_(i) > 0) continue;
      if (s_(i) * phase_.dV(i, b0, v) > 0) continue;  // on its way out of the band
      // at its zero, heading across: a neuron flipped at this very time driven back (it would flip
      // back and forth without time passing: the band is not passed quickly), or one whose crossing
      // fell within the rounding of the last phase (at degree 10 V_f ~ 1e20 is known to ~1e10:
      // crossings 1e-10 apart), which flips now if it passes fast
      const Event e = last_flip_t_(i) == t_ ? Event{} : classify(i, 0.0);
      if (e.kind != Event::flip) chatter = true;
      else if (now.kind == Event::none) now = e;
    }
    if (chatter) return {};
    if (now.kind != Event::none) {
      last_tau_ = 0;
      return now;
    }
    double lo = 0.0;
    for (int i = 0; i < N_; ++i) f_lo_(i) = s_(i) * V_lo_(i) - thr_(i);
    // the first step a few times the last phase's length (a transition's flips come 1e-4 apart),
    // then doubling up to scan_: few neurons cross in one step
    double step = std::min(scan_, std::max(1e-8, 4.0 * last_tau_));
    while (lo < tau_end) {
      const double hi = std::min(lo + step, tau_end);
      step = std::min(scan_, 2.0 * step);
      const SaturatedPhase::Basis& bl = anchor_;
      const SaturatedPhase::Basis bh = at(hi);
      entries_.clear();
      for (int i = 0; i < N_; ++i) {
        const double fh = f(i, bh);
        if (fh <= 0) {
          entries_.push_back({f_lo_(i) > 0 ? root(i, lo, hi, thr_(i)) : lo, i});
        } else if (df(i, bl) < 0 && df(i, bh) > 0) {  // a minimum inside: does it reach the threshold?
          const double tm = minimum(i, lo, hi);
          if (f(i, at(tm)) <= 0) entries_.push_back({root(i, lo, tm, thr_(i)), i});
        }
        f_lo_(i) = fh;
      }
      if (!entries_.empty()) {  // the earliest event: a flip lies after its neuron's entry
        std::sort(entries_.begin(), entries_.end());
        Event best;
        for (const auto& [in, i] : entries_) {
          if (in > best.tau) break;
          const Event e = classify(i, in);
          if (e.tau < best.tau) best = e;
        }
        last_tau_ = best.tau;
        return best;
      }
      lo = hi;
      anchor_ = bh;
    }
    last_tau_ = tau_end;
    return {};
  }

  const DenseGsemm& m_;
  const IntegratorSpec& spec_;
  const OverlapObserver& obs_;
  const int N_;
  const double gamma_;
  double V_band_ = 20, scan_ = 0.1;
  double t_ = 0;
  bool switch_ = false;
  int stuck_ = 0;  // events in a row at the same time
  SolverStats stats_;
  SaturatedPhase phase_;
  SaturatedPhase::Basis anchor_;
  double last_tau_ = 0.1;                       // the length of the last phase
  std::vector<std::pair<double, int>> entries_;  // (threshold crossing, neuron) in a scan step
  Vec s_, a_, f_lo_, thr_, V_lo_, dx_;
  Vec last_flip_t_;  // when each neuron last flipped (a second flip at the same time would never end)
};

}  // namespace

IntegrationResult integrate_event_driven(const DenseGsemm& model, Vec& x, double t0, double t_end,
                                         const IntegratorSpec& spec, const OverlapObserver& observer) {
  if (!model.has_saturated_phases())
    throw std::invalid_argument(
        "stepper = \"event_driven\" needs Dense GSEMM with sigma_h = \"polynomial\" (degree <= 31) and no input "
        "current");
  Engine engine(model, spec, observer);
  return engine.run(x, t0, t_end);
}

}  // namespace seqmem
