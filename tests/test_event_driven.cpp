// The event-driven engine (sim/solvers/event_driven.hpp): the closed-form saturated phase against a tight
// numerical integration of the same equations, the drive coefficients of every reading against
// the model's right-hand side, and whole evaluations against RK4 at a small step.
#include <doctest/doctest.h>

#include <cmath>

#include "models/dense_gsemm.hpp"
#include "models/memories.hpp"
#include "models/saturated_phase.hpp"
#include "sim/experiments/capacity.hpp"
#include "sim/solvers/event_driven.hpp"
#include "sim/solvers/integrate.hpp"

using namespace seqmem;

namespace {

GsemmParams params(int degree, AlphaSPlacement placement, HiddenNormalization norm) {
  GsemmParams p;
  p.alpha_s = 1.7;
  p.alpha_c = 0.6;
  p.T_f = 1.3;
  p.T_d = 9.0;
  p.beta_d = 4.0;
  p.gamma = 0.8;
  p.sigma_h.degree = degree;
  p.alpha_s_placement = placement;
  p.hidden_normalization = norm;
  return p;
}

// A state in a dwell on xi_3 with the delay half-way from xi_2: every |gamma V_i| far above 20.
Vec dwell_state(const DenseGsemm& m, const Mat& Xi) {
  const Vec Vf = 200.0 * Xi.col(2) + 60.0 * Xi.col(5);
  const Vec Vd = 0.5 * m.params().beta_d * Xi.col(1);
  return m.initial_state(Vf, Vd);
}

}  // namespace

TEST_CASE("saturated phase: the drive coefficients give the model's right-hand side for every reading") {
  const Mat Xi = random_memories(37, 11, 5);  // N and K not multiples of anything
  for (auto placement : {AlphaSPlacement::eq10, AlphaSPlacement::eq9, AlphaSPlacement::public_code})
    for (auto norm : {HiddenNormalization::none, HiddenNormalization::inside, HiddenNormalization::inside_rescaled})
      for (int degree : {1, 2, 3, 5}) {
        const DenseGsemm m(Xi, cyclic_phi(11), params(degree, placement, norm));
        const Vec x0 = dwell_state(m, Xi);
        Vec s(37), a(11);
        sigma_f(DenseGsemm::V_f(x0, 37), m.params().gamma, s);
        REQUIRE(s.cwiseAbs().minCoeff() == 1.0);
        m.overlap_drive(s, a);
        Mat W;
        m.saturated_drive(a, DenseGsemm::u_d(x0, 37), W);
        CHECK(W.cols() == m.saturated_terms());
        // at tau the delay has relaxed: u_d = beta_d a + (u_d0 - beta_d a) q; the model's
        // T_f dV_f/dt + V_f is then Xi w(tau) = Xi sum_k W_k y^k, y = 1 - q
        for (double tau : {0.0, 0.7, 5.0}) {
          const double q = std::exp(-tau / m.params().T_d);
          Vec x = x0;
          x.tail(11) = m.params().beta_d * a + (DenseGsemm::u_d(x0, 37) - m.params().beta_d * a) * q;
          Vec dx(x.size());
          m(x, dx, 0.0);
          const Vec drive = m.params().T_f * dx.head(37) + x.head(37);
          Vec w = Vec::Zero(11);
          for (int j = 0; j < W.cols(); ++j) w += W.col(j) * std::pow(1 - q, j);
          const Vec mine = Xi * w;
          CAPTURE(static_cast<int>(placement));
          CAPTURE(static_cast<int>(norm));
          CAPTURE(degree);
          CAPTURE(tau);
          CHECK((mine - drive).cwiseAbs().maxCoeff() <= 1e-11 * drive.cwiseAbs().maxCoeff());
        }
      }
}

TEST_CASE("saturated phase: the closed form equals a tight dopri5 integration while no neuron flips") {
  const Mat Xi = random_memories(29, 9, 3);
  for (int degree : {1, 3}) {
    const DenseGsemm m(Xi, cyclic_phi(9), params(degree, AlphaSPlacement::eq10, HiddenNormalization::none));
    Vec x = dwell_state(m, Xi);
    Vec s(29), a(9);
    sigma_f(DenseGsemm::V_f(x, 29), m.params().gamma, s);
    m.overlap_drive(s, a);
    SaturatedPhase phase;
    phase.start(m, x, s, a);
    // a short stretch in which every neuron stays saturated (checked below), so the model's tanh
    // is exactly the phase's sign and both solve the same equations
    const double tau = 0.25;
    Vec exact(x.size());
    const SaturatedPhase::Basis b = phase.basis(phase.basis0(), tau);
    phase.state(b, exact);
    REQUIRE((m.params().gamma * exact.head(29).array().abs() >= 20.0).all());
    IntegratorSpec tight{StepperKind::dopri5, 1e-4, 1e-13, 1e-13};
    integrate(m, x, 0.0, SampleTimes(0.0, tau, tau), tight, [](const Vec&, double) { return true; });
    CAPTURE(degree);
    CHECK((exact - x).cwiseAbs().maxCoeff() <= 1e-9 * x.cwiseAbs().maxCoeff());
    // dV_f/dtau from the phase against the model's right-hand side at the end
    Vec dx(x.size());
    m(x, dx, 0.0);
    for (int i = 0; i < 29; ++i) CHECK(phase.dV(i, b, phase.V(i, b)) == doctest::Approx(dx(i)).epsilon(1e-8));
  }
}

TEST_CASE("event-driven evaluations give RK4's outcome and visit sequence (small steps as the reference)") {
  // degree 1 passes the band slowly (dopri5 stretches), degrees 2-10 flip as events
  for (int degree : {1, 2, 3, 4, 10})
    for (int K : {6, 20}) {
      SequenceTask t;
      t.params.alpha_s = 1.0;
      t.params.beta_d = 7.0;
      t.params.T_d = 20.0;
      t.params.alpha_c = 0.5;
      t.params.sigma_h.degree = degree;
      t.K = K;
      t.seed = 2;
      t.integrator = {StepperKind::rk4, 0.002};
      const Evaluation ref = evaluate_sequence(t, true);
      t.integrator = {StepperKind::event_driven, 0.01, 1e-6, 1e-6};
      t.integrator.flip_time = 0.01;
      const Evaluation ev = evaluate_sequence(t, true);
      CAPTURE(degree);
      CAPTURE(K);
      CHECK(ev.outcome == ref.outcome);
      CHECK(ev.visit_sequence == ref.visit_sequence);
      CHECK(ev.t_stop == doctest::Approx(ref.t_stop).epsilon(0.01));
      if (degree >= 3) CHECK(ev.stats.rhs_evals == 0);  // every flip an event: no time steps at all
    }
}

TEST_CASE("event-driven: a stall ends the run at the deadline, the wall budget censors, other sigma_h refused") {
  SequenceTask t;
  t.params.alpha_s = 1.0;
  t.params.beta_d = 7.0;
  t.params.T_d = 20.0;
  t.params.alpha_c = 0.0;  // no delay: the cue is a fixed point, no second visit
  t.params.sigma_h.degree = 3;
  t.K = 8;
  t.stall_time = 50;
  t.integrator = {StepperKind::event_driven, 0.01, 1e-6, 1e-6};
  const Evaluation e = evaluate_sequence(t, true);
  CHECK(e.outcome == Outcome::stalled);
  CHECK(e.visits == 1);
  CHECK(e.t_stop == doctest::Approx(50.0).epsilon(1e-6));  // just past t_last_visit (0) + stall_time
  t.params.alpha_c = 0.5;
  t.max_wall_s = 1e-9;
  t.K = 200;
  CHECK(evaluate_sequence(t).outcome == Outcome::censored);

  GsemmParams p;
  p.sigma_h.kind = HiddenKind::softmax;
  const Mat Xi = random_memories(10, 4, 1);
  const DenseGsemm m(Xi, cyclic_phi(4), p);
  Vec x = m.initial_state(Xi.col(0), Vec::Zero(10));
  OverlapObserver obs{[](double, const Vec&) { return true; }, [] { return 1e300; }};
  CHECK_THROWS_AS(integrate_event_driven(m, x, 0, 1, IntegratorSpec{}, obs), std::invalid_argument);
}
