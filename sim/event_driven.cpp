#include "event_driven.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "../models/saturated_phase.hpp"
#include "integrate.hpp"

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
      phase_.start(m_, x, s_, a_);
      ++stats_.steps;
      if (!DenseGsemm::V_f(x, N_).allFinite() || !phase_.state_finite())
        return end(EndStatus::diverged, fmt::format("NaN or Inf at t = {}", t_));
      const double wake = obs_.wake_at();  // a deadline already passed was seen at the last event
      const double tau_end = (wake > t_ ? std::min(t_end, wake) : t_end) - t_;
      bool chatter = false;
      const Event e = next_event(tau_end, chatter);
      if (chatter) {  // a flipped neuron driven back at once: the band is not passed quickly
        numeric = true;
        continue;
      }
      if (e.kind == Event::none || e.tau > tau_end) {  // a flip found just beyond: the next phase finds it again
        phase_.state(tau_end, x);
        t_ += tau_end;
        if (!obs_.observe(t_, a_)) return end(EndStatus::stopped, "");
        continue;
      }
      phase_.state(e.tau, x);
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

  // f_i(tau) = s_i V_i(tau) - thr_i: positive while neuron i keeps its sign outside its threshold.
  double f(int i, const SaturatedPhase::Basis& b) const { return s_(i) * phase_.V(i, b) - thr_(i); }
  double df(int i, const SaturatedPhase::Basis& b) const { return s_(i) * phase_.dV(i, b, phase_.V(i, b)); }

  // The first tau in (lo, hi] with f_i(tau) <= 0, given f_i(lo) > 0 >= f_i(hi): regula falsi with
  // the Illinois modification, ending on the crossed side.
  double root(int i, double lo, double hi) const {
    double flo = f(i, phase_.basis(lo)), fhi = f(i, phase_.basis(hi));
    int side = 0;
    for (int it = 0; it < 200 && hi - lo > 4e-16 * std::max(1.0, hi); ++it) {
      double mid = (lo * fhi - hi * flo) / (fhi - flo);
      if (!(mid > lo && mid < hi)) mid = 0.5 * (lo + hi);
      const double fm = f(i, phase_.basis(mid));
      if (fm <= 0) {
        hi = mid, fhi = fm;
        if (side == -1) flo *= 0.5;
        side = -1;
      } else {
        lo = mid, flo = fm;
        if (side == 1) fhi *= 0.5;
        side = 1;
      }
    }
    return hi;
  }

  // The minimum of f_i in (lo, hi) where df_i goes from negative to positive: bisection on df_i.
  double minimum(int i, double lo, double hi) const {
    for (int it = 0; it < 200 && hi - lo > 4e-16 * std::max(1.0, hi); ++it) {
      const double mid = 0.5 * (lo + hi);
      (df(i, phase_.basis(mid)) < 0 ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  }

  // Where neuron i's event lies once its threshold is crossed at tau_in: a flip at the zero of V_i
  // when the band is passed within flip_time, else the entry itself (slow).
  Event classify(int i, double tau_in) const {
    Event e{Event::slow, i, tau_in};
    const SaturatedPhase::Basis b = phase_.basis(tau_in);
    const double rate = std::abs(phase_.dV(i, b, phase_.V(i, b)));
    const double delta = 2.0 * V_band_ / rate;
    if (!(delta <= spec_.flip_time)) return e;
    if (thr_(i) == 0.0) return {Event::flip, i, tau_in};  // the crossing was the zero itself
    // the zero of V_i shortly after the band entry: threshold 0 from here
    // a passage shorter than the resolution of t (|dV/dt| ~ 1e20 at degree 10): the entry is the zero
    if (4.0 * delta <= 4.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, t_ + tau_in))
      return {Event::flip, i, tau_in};
    const double lo = tau_in, hi = tau_in + 4.0 * delta;
    auto g = [&](double tau) { return s_(i) * phase_.V(i, phase_.basis(tau)); };
    if (!(g(hi) <= 0)) return e;  // it turns back inside the band: slow
    double l = lo, h = hi;
    for (int it = 0; it < 200 && h - l > 4e-16 * std::max(1.0, h); ++it) {
      const double mid = 0.5 * (l + h);
      (g(mid) <= 0 ? h : l) = mid;
    }
    return {Event::flip, i, h};
  }

  // The first event in (0, tau_end], scanning at scan_ and refining the neurons that cross.
  Event next_event(double tau_end, bool& chatter) {
    const SaturatedPhase::Basis b0 = phase_.basis(0.0);
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
    if (now.kind != Event::none) return now;
    double lo = 0.0;
    for (int i = 0; i < N_; ++i) f_lo_(i) = s_(i) * V_lo_(i) - thr_(i);
    while (lo < tau_end) {
      const double hi = std::min(lo + scan_, tau_end);
      const SaturatedPhase::Basis bl = phase_.basis(lo), bh = phase_.basis(hi);
      Event best;
      for (int i = 0; i < N_; ++i) {
        const double fh = f(i, bh);
        double in = kInf;
        if (fh <= 0) {
          in = f_lo_(i) > 0 ? root(i, lo, hi) : lo;
        } else if (df(i, bl) < 0 && df(i, bh) > 0) {  // a minimum inside: does it reach the threshold?
          const double tm = minimum(i, lo, hi);
          if (f(i, phase_.basis(tm)) <= 0) in = root(i, lo, tm);
        }
        if (in < kInf) {
          const Event e = classify(i, in);
          if (e.tau < best.tau) best = e;
        }
        f_lo_(i) = fh;
      }
      if (best.kind != Event::none) return best;
      lo = hi;
    }
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
