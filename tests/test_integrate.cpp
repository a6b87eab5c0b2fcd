// The integration driver (sim/solvers/integrate.hpp): sample times, the last sample at t_end, bounded work
// (NaN / Inf, step-size underflow, max_steps), solver statistics, CVODE BDF against closed forms
// and against dopri5; the analytic Jacobians against finite differences; the stop rules and the
// stall detection of a sequence run (analysis/sequence_monitor.hpp).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

#include "analysis/sequence_monitor.hpp"
#include "models/dense_gsemm.hpp"
#include "models/gsemm.hpp"
#include "models/memories.hpp"
#include "models/modern_hopfield.hpp"
#include "sim/solvers/integrate.hpp"

using namespace seqmem;

namespace {

// dx/dt = A x with A = diag(-lambda): x(t) = exp(-lambda t) x(0); stiff for a large spread.
struct Linear {
  Vec lambda;
  void operator()(const Vec& x, Vec& dxdt, double) const { dxdt = -lambda.cwiseProduct(x); }
  void jacobian(const Vec&, double, Mat& J) const { J = Mat((-lambda).asDiagonal()); }
};

// dx/dt = x^2: blows up at t = 1/x(0).
struct BlowUp {
  void operator()(const Vec& x, Vec& dxdt, double) const { dxdt = x.cwiseProduct(x); }
};

// Central differences of f(x, ., t) around x.
template <class F>
Mat fd_jacobian(const F& f, const Vec& x, double eps = 1e-6) {
  const auto n = x.size();
  Mat J(n, n);
  Vec xp = x, fp(n), fm(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = eps * std::max(1.0, std::abs(x(j)));
    xp(j) = x(j) + h;
    f(xp, fp, 0.0);
    xp(j) = x(j) - h;
    f(xp, fm, 0.0);
    xp(j) = x(j);
    J.col(j) = (fp - fm) / (2 * h);
  }
  return J;
}

}  // namespace

TEST_CASE("sample times: multiples of sample_dt below t_end, then t_end itself") {
  const SampleTimes a(0.0, 1.05, 0.1);
  REQUIRE(a.size() == 12);
  CHECK(a[10] == doctest::Approx(1.0));
  CHECK(a[11] == 1.05);
  const SampleTimes b(0.0, 1.0, 0.1);  // t_end on the grid: no extra sample
  CHECK(b.size() == 11);
  CHECK(b[10] == 1.0);
  const SampleTimes c(0.0, 0.01, 0.2);  // t_end before the first interval: 0 and t_end
  CHECK(c.size() == 2);
  CHECK(c[1] == 0.01);
}

TEST_CASE("every stepper reaches t_end and records the final state there (t_end not a multiple of sample_dt)") {
  Linear sys{Vec::Constant(3, 0.5)};
  for (StepperKind s : {StepperKind::rk4, StepperKind::dopri5, StepperKind::cvode_bdf}) {
    CAPTURE(to_string(s));
    Vec x = Vec::Ones(3);
    std::vector<double> seen;
    IntegratorSpec spec{s, 0.01, 1e-10, 1e-10};
    const auto r = integrate(sys, x, 0.0, SampleTimes(0.0, 1.053, 0.1), spec, [&](const Vec&, double t) {
      seen.push_back(t);
    });
    CHECK(r.status == EndStatus::completed);
    REQUIRE(seen.size() == 12);
    CHECK(seen.back() == 1.053);
    CHECK(r.t_stop == 1.053);
    // x(t_end) = exp(-0.5 t_end): rk4 with the shortened last step, the adaptive ones within tolerance
    CHECK(x(0) == doctest::Approx(std::exp(-0.5 * 1.053)).epsilon(1e-8));
    CHECK(r.stats.steps > 0);
    CHECK(r.stats.rhs_evals > 0);
  }
}

TEST_CASE("rk4 statistics: 4 evaluations per step, the shortened last step counted") {
  Linear sys{Vec::Constant(2, 1.0)};
  Vec x = Vec::Ones(2);
  const auto r = integrate(sys, x, 0.0, SampleTimes(0.0, 0.105, 0.01), IntegratorSpec{StepperKind::rk4, 0.01},
                           [](const Vec&, double) {});
  CHECK(r.stats.steps == 11);  // 10 full steps and one of 0.005
  CHECK(r.stats.rhs_evals == 44);
  CHECK(r.stats.rejected == 0);
}

TEST_CASE("dopri5 statistics: one evaluation to start, six per tried step (FSAL)") {
  Linear sys{Vec::LinSpaced(4, 1.0, 50.0)};
  Vec x = Vec::Ones(4);
  long long evals = 0;
  auto counted = [&](const Vec& xs, Vec& dxdt, double t) {
    ++evals;
    sys(xs, dxdt, t);
  };
  const auto r = integrate(counted, x, 0.0, SampleTimes(0.0, 5.0, 1.0), IntegratorSpec{StepperKind::dopri5, 1.0, 1e-9, 1e-9},
                           [](const Vec&, double) {});
  CHECK(r.stats.rhs_evals == evals);
  CHECK(evals == 1 + 6 * (r.stats.steps + r.stats.rejected));
  CHECK(r.stats.rejected >= 1);  // a first trial step of 1 against a rate of 50 is rejected
}

TEST_CASE("a blow-up ends as diverged with its time, for every stepper") {
  for (StepperKind s : {StepperKind::rk4, StepperKind::dopri5, StepperKind::cvode_bdf}) {
    CAPTURE(to_string(s));
    Vec x = Vec::Constant(1, 1.0);  // x(t) = 1 / (1 - t)
    IntegratorSpec spec{s, 0.01, 1e-8, 1e-8};
    spec.max_steps = 100000;
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = integrate(BlowUp{}, x, 0.0, SampleTimes(0.0, 2.0, 0.1), spec, [](const Vec&, double) {});
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));  // bounded, not a timing claim
    CHECK((r.status == EndStatus::diverged || r.status == EndStatus::failed));
    CHECK(r.t_stop <= 1.1);
    CHECK(r.t_stop >= 0.9);
    CHECK_FALSE(r.message.empty());
  }
}

TEST_CASE("adaptive steppers fail on step-size underflow and on max_steps, with the time") {
  // dopri5 on a very stiff linear problem with a tiny max_steps: failed, "more than max_steps"
  Linear stiff{Vec::Constant(1, 1e7)};
  Vec x = Vec::Ones(1);
  IntegratorSpec spec{StepperKind::dopri5, 1e-3, 1e-10, 1e-10};
  spec.max_steps = 50;
  auto r = integrate(stiff, x, 0.0, SampleTimes(0.0, 1.0, 0.1), spec, [](const Vec&, double) {});
  CHECK(r.status == EndStatus::failed);
  CHECK(r.message.find("more than max_steps = 50 steps") != std::string::npos);
  CHECK(r.stats.steps == 50);
  // the same for CVODE
  spec.stepper = StepperKind::cvode_bdf;
  spec.max_steps = 3;
  x = Vec::Ones(1);
  r = integrate(Linear{Vec::Constant(1, 1.0)}, x, 0.0, SampleTimes(0.0, 100.0, 100.0), spec, [](const Vec&, double) {});
  CHECK(r.status == EndStatus::failed);
  CHECK(r.message.find("max_steps") != std::string::npos);
  // min_step: the stiff problem with dopri5 needs steps ~ 3e-7, refused below a min_step of 1e-5
  spec = {StepperKind::dopri5, 1e-3, 1e-10, 1e-10};
  spec.min_step = 1e-5;
  x = Vec::Ones(1);
  r = integrate(stiff, x, 0.0, SampleTimes(0.0, 1.0, 0.1), spec, [](const Vec&, double) {});
  CHECK(r.status == EndStatus::failed);
  CHECK(r.message.find("step size underflow at t = ") != std::string::npos);
}

TEST_CASE("the degree-30 Dense GSEMM of the fuzz report ends at once for every stepper (it ran for ever with dopri5)") {
  GsemmParams p;
  p.sigma_h.degree = 30;
  p.alpha_c = 1e6;
  p.beta_d = 1e3;
  p.T_d = 1;
  const Mat Xi = random_memories(100, 4, 0);
  const DenseGsemm m(Xi, cyclic_phi(4), p);
  for (StepperKind s : {StepperKind::rk4, StepperKind::dopri5, StepperKind::cvode_bdf}) {
    CAPTURE(to_string(s));
    Vec x = m.initial_state(Xi.col(0), Vec::Zero(100));
    IntegratorSpec spec{s, 0.01, 1e-8, 1e-8};
    spec.max_steps = 1000000;
    const auto r = integrate(m, x, 0.0, SampleTimes(0.0, 1.0, 0.1), spec, [](const Vec&, double) {});
    CHECK(r.status != EndStatus::completed);
    CHECK(r.stats.steps < 1000000);
  }
}

TEST_CASE("the observer stops the integration (stopped) at its sample") {
  Linear sys{Vec::Constant(1, 0.1)};
  for (StepperKind s : {StepperKind::rk4, StepperKind::dopri5, StepperKind::cvode_bdf}) {
    Vec x = Vec::Ones(1);
    const auto r = integrate(sys, x, 0.0, SampleTimes(0.0, 10.0, 0.5), IntegratorSpec{s, 0.01, 1e-9, 1e-9},
                             [](const Vec&, double t) { return t < 2.0; });
    CHECK(r.status == EndStatus::stopped);
    CHECK(r.t_stop == doctest::Approx(2.0));
    CHECK(x(0) == doctest::Approx(std::exp(-0.2)).epsilon(1e-7));
  }
}

TEST_CASE("CVODE BDF: a stiff linear system to its closed form in few steps - dopri5 needs many more") {
  Linear sys{Vec::LinSpaced(5, 1.0, 1e5)};  // rates 1 .. 1e5: stiffness ratio 1e5
  Vec xc = Vec::Ones(5), xd = Vec::Ones(5);
  const SampleTimes times(0.0, 10.0, 1.0);
  const auto rc = integrate(sys, xc, 0.0, times, IntegratorSpec{StepperKind::cvode_bdf, 0.01, 1e-10, 1e-8},
                            [](const Vec&, double) {});
  const auto rd = integrate(sys, xd, 0.0, times, IntegratorSpec{StepperKind::dopri5, 0.01, 1e-10, 1e-8},
                            [](const Vec&, double) {});
  REQUIRE(rc.status == EndStatus::completed);
  REQUIRE(rd.status == EndStatus::completed);
  CHECK(xc(0) == doctest::Approx(std::exp(-10.0)).epsilon(1e-6));
  CHECK(std::abs(xc(4)) < 1e-9);
  CHECK(rc.stats.jac_evals > 0);
  MESSAGE("steps: cvode_bdf " << rc.stats.steps << ", dopri5 " << rd.stats.steps);
  CHECK(rc.stats.steps * 20 < rd.stats.steps);  // dopri5 is bound by stability: ~ 3.3 / 1e5 per step
}

TEST_CASE("CVODE BDF and dopri5 agree on a Dense GSEMM trajectory (analytic Jacobian)") {
  GsemmParams p;
  p.alpha_s = 0.05;
  p.alpha_c = 0.007;
  p.beta_d = 30.0;
  p.alpha_s_placement = AlphaSPlacement::eq9;
  const Mat Xi = random_memories(40, 5, 3);
  const DenseGsemm m(Xi, cyclic_phi(5), p);
  Vec xc = m.initial_state(0.3 * Xi.col(0), Vec::Zero(40)), xd = xc;
  const SampleTimes times(0.0, 30.0, 1.0);
  integrate(m, xc, 0.0, times, IntegratorSpec{StepperKind::cvode_bdf, 0.01, 1e-11, 1e-11}, [](const Vec&, double) {});
  integrate(m, xd, 0.0, times, IntegratorSpec{StepperKind::dopri5, 0.01, 1e-11, 1e-11}, [](const Vec&, double) {});
  CHECK((xc - xd).cwiseAbs().maxCoeff() < 1e-6);
}

TEST_CASE("Jacobians: Dense GSEMM (polynomial, rectified, softmax - both placements), three-layer GSEMM and modern Hopfield vs finite differences") {
  const Mat Xi = random_memories(12, 4, 9);
  std::mt19937 rng(4);
  std::normal_distribution<double> nd;
  for (HiddenKind k : {HiddenKind::polynomial, HiddenKind::rectified_polynomial, HiddenKind::softmax})
    for (int degree : {1, 3})
      for (AlphaSPlacement pl : {AlphaSPlacement::eq10, AlphaSPlacement::eq9}) {
        GsemmParams p;
        p.sigma_h.kind = k;
        p.sigma_h.degree = degree;
        p.sigma_h.beta_h = 2.0;
        p.alpha_s = 0.7;
        p.alpha_c = 0.3;
        p.gamma = 1.3;
        p.T_f = 0.8;
        p.T_d = 5;
        p.beta_d = 2;
        p.alpha_s_placement = pl;
        const DenseGsemm m(Xi, cyclic_phi(4), p);
        Vec Vf(12), Vd(12);
        for (int i = 0; i < 12; ++i) Vf(i) = 0.5 * nd(rng), Vd(i) = 0.3 * nd(rng);
        const Vec x = m.initial_state(Vf, Vd);
        Mat J;
        m.jacobian(x, 0.0, J);
        const Mat Jfd = fd_jacobian(m, x);
        CAPTURE(to_string(k));
        CAPTURE(degree);
        CHECK((J - Jfd).cwiseAbs().maxCoeff() <= 1e-6 * std::max(1.0, J.cwiseAbs().maxCoeff()));
      }
  {  // the three-layer model
    GsemmParams p;
    p.sigma_h.degree = 3;
    p.alpha_s = 0.7;
    p.alpha_c = 0.3;
    p.gamma = 1.3;
    p.T_h = 0.05;
    p.beta_d = 2;
    const Gsemm m(Xi, cyclic_phi(4), p);
    Vec x(m.state_size());
    for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = 0.5 * nd(rng);
    Mat J;
    m.jacobian(x, 0.0, J);
    CHECK((J - fd_jacobian(m, x)).cwiseAbs().maxCoeff() <= 1e-6 * J.cwiseAbs().maxCoeff());
  }
  const Mat Y = random_memories(6, 3, 2) / std::sqrt(6.0);
  const ModernHopfield mh(Y, 7.0);
  const Vec x = 0.6 * Y.col(0) + 0.5 * Y.col(1);
  Mat J;
  mh.jacobian(x, 0.0, J);
  CHECK((J - fd_jacobian(mh, x)).cwiseAbs().maxCoeff() < 1e-7);
}

TEST_CASE("sequence monitor: stop after n cycles, at the first wrong visit, on a stall - stall reported without stopping") {
  // overlaps of K = 3 memories: visit 1, 2, 3, 1, 2 at t = 1, 2, 3, 4, 5, then nothing until t = 20
  auto feed = [](SequenceMonitor& mon, std::vector<int> order) {
    Vec m = Vec::Zero(3);
    double t = 0;
    for (int mu : order) {
      t += 1;
      m.setZero();
      m(mu) = 0.95;
      if (!mon.add(t, m)) return t;
    }
    for (int k = 0; k < 15; ++k) {
      t += 1;
      if (!mon.add(t, m)) return t;
    }
    return -1.0;
  };
  StopRules rules;
  rules.detect_stall = true;
  rules.stall_time = 10;
  {
    SequenceMonitor mon(0.8, {0, 1, 2}, rules);
    CHECK(feed(mon, {0, 1, 2, 0, 1}) == -1.0);  // nothing stops it
    CHECK(mon.check().cycles_completed == 1);
    CHECK(mon.stalled());                          // at the end (t = 20) the last visit is 15 ago
    CHECK(mon.stalled_at() == doctest::Approx(4.0 + 0.8 / 0.95));  // the entry time of the last visit (interpolated)
    CHECK(mon.recovered_stalls() == 0);
  }
  {
    rules.stop_after_cycles = 1;
    SequenceMonitor mon(0.8, {0, 1, 2}, rules);
    CHECK(feed(mon, {0, 1, 2, 0, 1}) == 4.0);
    CHECK(mon.stop_reason() == "1 complete cycles");
  }
  {
    rules.stop_after_cycles = 0;
    rules.stop_on_wrong_visit = true;
    SequenceMonitor mon(0.8, {0, 1, 2}, rules);
    CHECK(feed(mon, {0, 2}) == 2.0);
    CHECK(mon.stop_reason().find("first wrong visit ξ3") == 0);
  }
  {
    rules.stop_on_wrong_visit = false;
    rules.stop_on_stall = true;
    SequenceMonitor mon(0.8, {0, 1, 2}, rules);
    CHECK(feed(mon, {0, 1}) == 13.0);  // last visit detected at 2, stalled when t - 2 > 10
    CHECK(mon.stop_reason().find("stalled") == 0);
  }
  {  // a gap longer than stall_time, then visits again: not stalled at the end, one recovered stall
    StopRules r2;
    r2.detect_stall = true;
    r2.stall_time = 3;
    SequenceMonitor mon(0.8, {0, 1, 2}, r2);
    Vec m = Vec::Zero(3);
    const double times[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const int top[] = {0, 0, 0, 0, 0, 0, 1, 1, 2, 2};  // xi1 from 1, xi2 at 7 (a gap of 6), xi3 at 9
    for (int k = 0; k < 10; ++k) {
      m.setZero();
      m(top[k]) = 0.95;
      mon.add(times[k], m);
    }
    CHECK_FALSE(mon.stalled());
    CHECK(mon.recovered_stalls() == 1);
  }
  {  // no visit at all: stalled from the start
    StopRules r3;
    r3.detect_stall = true;
    r3.stall_time = 3;
    SequenceMonitor mon(0.8, {0, 1}, r3);
    for (int k = 0; k <= 5; ++k) mon.add(k, Vec::Constant(2, 0.1));
    CHECK(mon.stalled());
    CHECK_FALSE(mon.any_visit());
  }
}
