// Integration: stepper order and tolerance, the delay as a convolution (Eq. 2), the dense limit
// (Eq. 9-10), GAMM recall and the Figure 1 episode.
#include <doctest/doctest.h>

#include <cmath>

#include "analysis/sequence.hpp"
#include "models/dense_gsemm.hpp"
#include "models/gsemm.hpp"
#include "models/memories.hpp"
#include "sim/kinds/gsemm/runner.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/solvers/integrate.hpp"

using namespace seqmem;

namespace {
struct Net {
  Mat Xi = random_memories(40, 5, 3);
  Mat Phi = cyclic_phi(5);
  GsemmParams p;
  Net() {
    p.alpha_s = 0.05;
    p.alpha_c = 0.007;
    p.beta_d = 30.0;
    p.alpha_s_placement = AlphaSPlacement::eq9;
  }
};

// x(t_end) with a given stepper; observer unused.
template <class M>
Vec final_state(const M& m, Vec x, StepperKind s, double dt, double t_end, double tol = 1e-8) {
  integrate(m, x, 0.0, SampleTimes(0.0, t_end, t_end), IntegratorSpec{s, dt, tol, tol}, [](const Vec&, double) {});
  return x;
}
}  // namespace

TEST_CASE("RK4 is 4th order: halving dt divides the error by about 16") {
  Net n;
  DenseGsemm m(n.Xi, n.Phi, n.p);
  const Vec x0 = m.initial_state(0.3 * n.Xi.col(0), Vec::Zero(40));
  const Vec ref = final_state(m, x0, StepperKind::rk4, 1e-4, 2.0);
  double prev = 0;
  for (double dt : {0.2, 0.1, 0.05}) {
    const double err = (final_state(m, x0, StepperKind::rk4, dt, 2.0) - ref).norm();
    if (prev > 0) {
      MESSAGE("dt " << dt << " error " << err << " ratio " << prev / err);
      CHECK(prev / err > 13.0);
      CHECK(prev / err < 19.0);
    }
    prev = err;
  }
}

TEST_CASE("Dense GSEMM's u_d stays Xi^T V_d along the trajectory (up to rounding)") {
  Net n;
  DenseGsemm m(n.Xi, n.Phi, n.p);
  Vec x = m.initial_state(0.3 * n.Xi.col(0), 0.2 * n.Xi.col(1));
  CHECK((DenseGsemm::u_d(x, 40) - n.Xi.transpose() * DenseGsemm::V_d(x, 40)).norm() < 1e-14);
  x = final_state(m, x, StepperKind::rk4, 0.01, 100.0);
  const Vec drift = DenseGsemm::u_d(x, 40) - n.Xi.transpose() * DenseGsemm::V_d(x, 40);
  CHECK(drift.lpNorm<Eigen::Infinity>() < 1e-12);
}

TEST_CASE("the adaptive Dormand-Prince stepper meets its tolerance against a tight reference") {
  Net n;
  DenseGsemm m(n.Xi, n.Phi, n.p);
  const Vec x0 = m.initial_state(0.3 * n.Xi.col(0), Vec::Zero(40));
  const Vec ref = final_state(m, x0, StepperKind::rk4, 1e-3, 5.0);
  for (double tol : {1e-6, 1e-9}) {
    const Vec x = final_state(m, x0, StepperKind::dopri5, 0.01, 5.0, tol);
    const double err = (x - ref).lpNorm<Eigen::Infinity>();
    MESSAGE("tol " << tol << " max error " << err);
    CHECK(err < 10 * tol * (1 + ref.lpNorm<Eigen::Infinity>()));
  }
}

TEST_CASE("the delay ODE equals the exponential-kernel convolution of Eq. 2") {
  // With Xi = 0 the feature layer decays freely, V_f(t) = V0 e^{-t/T_f}, so the delay's input
  // sigma_f(V_f(t)) = tanh(V0 e^{-t/T_f}) is prescribed. Eq. 2 with V_d(0) = 0:
  //   V_d(t) = (beta_d / T_d) int_0^t tanh(V0 e^{-(t-x)/T_f}) e^{-x/T_d} dx   (Simpson, 20000 panels)
  GsemmParams p;
  p.T_f = 1.5;
  p.T_d = 20.0;
  p.beta_d = 7.0;
  const Mat Xi = Mat::Zero(3, 2);
  DenseGsemm m(Xi, Mat::Zero(2, 2), p);
  Vec V0(3);
  V0 << 2.0, -0.5, 1.0;
  Vec x = m.initial_state(V0, Vec::Zero(3));
  const double t = 12.0;
  integrate(m, x, 0.0, SampleTimes(0.0, t, t), IntegratorSpec{StepperKind::rk4, 0.001}, [](const Vec&, double) {});
  for (int i = 0; i < 3; ++i) {
    const int n = 20000;
    const double h = t / n;
    auto f = [&](double s) { return std::tanh(V0(i) * std::exp(-(t - s) / p.T_f)) * std::exp(-s / p.T_d); };
    double sum = f(0) + f(t);
    for (int k = 1; k < n; ++k) sum += (k % 2 ? 4.0 : 2.0) * f(k * h);
    const double conv = p.beta_d / p.T_d * sum * h / 3.0;
    CHECK(x(3 + i) == doctest::Approx(conv).epsilon(1e-9));
  }
}

TEST_CASE("Dense GSEMM is the T_h -> 0 limit of the three-layer model") {
  Net n;
  n.p.alpha_s = 1.0;
  n.p.alpha_c = 0.5;
  n.p.beta_d = 7.0;
  n.p.sigma_h.degree = 2;
  const Vec Vf0 = 0.05 * n.Xi.col(1);
  DenseGsemm dense(n.Xi, n.Phi, n.p);
  const Vec xd = final_state(dense, dense.initial_state(Vf0, Vec::Zero(40)), StepperKind::dopri5, 1e-3, 3.0, 1e-10);
  double prev = 0;
  for (double T_h : {0.1, 0.01, 0.001}) {
    n.p.T_h = T_h;
    Gsemm full(n.Xi, n.Phi, n.p);
    const Vec xf = final_state(full, full.initial_state(Vf0, Vec::Zero(40)), StepperKind::dopri5, 1e-4, 3.0, 1e-10);
    Vec diff(80);
    diff << xf.head(40) - xd.head(40), Gsemm::V_d(xf, 40) - DenseGsemm::V_d(xd, 40);
    const double d = diff.norm() / xd.norm();
    MESSAGE("T_h " << T_h << " relative difference " << d);
    if (prev > 0) CHECK(d < prev / 5);  // shrinks roughly like T_h
    prev = d;
  }
  CHECK(prev < 1e-3);
}

TEST_CASE("visit detection and the episode check") {
  VisitDetector d(0.8);
  Vec m(3);
  auto feed = [&](double t, double a, double b, double c) {
    m << a, b, c;
    d.add(t, m);
  };
  feed(0.0, 0.5, 0.0, 0.0);
  feed(1.0, 0.9, 0.0, 0.0);  // crosses 0.8 at t = 0.75
  feed(2.0, 0.95, 0.1, 0.0);
  feed(3.0, 0.2, 0.6, 0.0);
  feed(4.0, 0.0, 1.0, 0.0);  // 0.6 -> 1.0 crosses at 3.5
  feed(5.0, 0.0, 0.0, 0.9);  // from 0.0: crosses at 5 - 0.1/0.9
  feed(6.0, 0.85, 0.0, 0.0);
  REQUIRE(d.visits().size() == 4);
  CHECK(d.visits()[0].memory == 0);
  CHECK(d.visits()[0].t_entry == doctest::Approx(0.75));
  CHECK(d.visits()[1].t_entry == doctest::Approx(3.5));
  CHECK(d.visits()[2].t_entry == doctest::Approx(5.0 - 0.1 / 0.9));

  auto r = check_episode(d.visits(), {0, 1, 2});
  CHECK(r.ok());
  CHECK(r.correct_transitions == 3);
  CHECK(r.cycles_completed == 1);
  r = check_episode(d.visits(), {1, 0, 2});  // 0 -> 1 is wrong here (successor of 0 is 2)
  CHECK(r.first_wrong_index == 1);
  CHECK(r.first_wrong_memory == 1);
  CHECK(r.first_wrong_time == doctest::Approx(3.5));
  CHECK(check_episode({{5, 0.0}}, {0, 1}).first_wrong_index == 0);  // starts outside the cycle
}

TEST_CASE("GAMM converges to the cued memory from a corrupted cue and stays") {
  const Scenario sc = load_scenario("scenarios/gamm_recall.toml");
  REQUIRE(sc.runs.size() == 1);
  const auto& spec = sc.runs[0];
  CHECK(spec.gsemm().cue_flip == 0.3);
  const auto o = simulate(spec, make_inputs(spec, load_files(sc)), nullptr);
  CHECK(o.status == "completed");
  REQUIRE(o.visits.size() == 1);
  CHECK(o.visits[0].memory == 2);
  CHECK(o.m_final(2) > 0.99);
  for (int mu = 0; mu < o.m_final.size(); ++mu)
    if (mu != 2) CHECK(std::abs(o.m_final(mu)) < 0.5);
}

TEST_CASE("Figure 1: cue xi5 retrieves the 4-cycle at least 5 times and never xi1-xi3") {
  const Scenario sc = load_scenario("scenarios/fig1_two_episodes.toml");
  const auto& spec = sc.runs[0];
  const auto o = simulate(spec, make_inputs(spec, load_files(sc)), nullptr);
  CHECK(o.status == "completed");
  REQUIRE(o.checked);
  MESSAGE("complete cycles: " << o.check.cycles_completed << ", visits: " << o.visits.size());
  CHECK(o.check.ok());
  CHECK(o.check.cycles_completed >= 5);
  REQUIRE(!o.visits.empty());
  CHECK(o.visits.front().memory == 4);
  for (const auto& v : o.visits) CHECK(v.memory >= 3);
}

TEST_CASE("a numerical blow-up marks the run diverged at the time it happened") {
  Scenario sc = load_scenario("scenarios/gamm_recall.toml",
                              {"stepper=rk4", "dt=0.5", "sample_dt=0.5", "T_f=0.001"});
  const auto& spec = sc.runs[0];
  const auto o = simulate(spec, make_inputs(spec, load_files(sc)), nullptr);
  CHECK(o.status == "diverged");
  CHECK(o.t_stop < spec.t_end);
}
