// The models' right-hand sides against independent hand computations (plain loops, std::tanh).
#include <doctest/doctest.h>

#include <cmath>

#include "models/activations.hpp"
#include "models/cue.hpp"
#include "models/dense_gsemm.hpp"
#include "models/gsemm.hpp"
#include "models/memories.hpp"
#include "sim/solvers/integrate.hpp"

using namespace seqmem;

TEST_CASE("sigma_f equals std::tanh(gamma x) to 1e-15") {
  Vec x = Vec::LinSpaced(2001, -40.0, 40.0);
  for (double gamma : {1.0, 0.5, 3.0}) {
    Vec s(x.size());
    sigma_f(x, gamma, s);
    double worst = 0;
    for (Eigen::Index i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(s(i) - std::tanh(gamma * x(i))));
    CHECK(worst < 1e-15);
  }
  Vec big(2), out(2);
  big << 1e6, -1e6;
  sigma_f(big, 1.0, out);
  CHECK(out(0) == 1.0);
  CHECK(out(1) == -1.0);
}

TEST_CASE("hidden activations and their Lagrangians") {
  Vec h(3), g(3);
  h << -2.0, 0.5, 3.0;
  HiddenActivation poly{HiddenKind::polynomial, 3, 1.0};
  poly(h, g);
  CHECK(g(0) == doctest::Approx(-8.0));
  CHECK(g(1) == doctest::Approx(0.125));
  CHECK(g(2) == doctest::Approx(27.0));
  CHECK(poly.lagrangian(h) == doctest::Approx((16.0 + 0.0625 + 81.0) / 4.0));

  HiddenActivation rect{HiddenKind::rectified_polynomial, 2, 1.0};
  rect(h, g);
  CHECK(g(0) == 0.0);
  CHECK(g(1) == doctest::Approx(0.25));
  CHECK(g(2) == doctest::Approx(9.0));
  CHECK(rect.lagrangian(h) == doctest::Approx((0.125 + 27.0) / 3.0));

  HiddenActivation soft{HiddenKind::softmax, 1, 2.0};
  soft(h, g);
  const double z = std::exp(-4.0) + std::exp(1.0) + std::exp(6.0);
  CHECK(g(0) == doctest::Approx(std::exp(-4.0) / z));
  CHECK(g(2) == doctest::Approx(std::exp(6.0) / z));
  CHECK(g.sum() == doctest::Approx(1.0));
  CHECK(soft.lagrangian(h) == doctest::Approx(std::log(z) / 2.0));
}

namespace {
// A tiny network, N_f = 4, K = 3, with a 3-cycle.
struct Tiny {
  Mat Xi{4, 3};
  Mat Phi;
  GsemmParams p;
  Vec Vf{4}, Vd{4};
  Tiny() {
    Xi << 1, -1, 1,  //
        -1, 1, 1,    //
        1, 1, -1,    //
        -1, -1, -1;
    Phi = cyclic_phi(3);
    p.alpha_s = 0.25;
    p.alpha_c = 0.7;
    p.T_f = 2.0;
    p.T_h = 0.5;
    p.T_d = 10.0;
    p.beta_d = 3.0;
    p.gamma = 1.5;
    p.sigma_h = {HiddenKind::polynomial, 2, 1.0};
    Vf << 0.3, -0.2, 0.9, -1.1;
    Vd << 0.1, 0.4, -0.3, 0.2;
  }
};

// Eq. 9/10 by hand: h_j = c sum_i Xi_ij s_i + alpha_c sum_k sum_i Phi_kj Xi_ik Vd_i
std::vector<double> hand_hidden(const Tiny& t, double c) {
  std::vector<double> h(3, 0.0);
  for (int j = 0; j < 3; ++j) {
    for (int i = 0; i < 4; ++i) h[j] += c * t.Xi(i, j) * std::tanh(t.p.gamma * t.Vf(i));
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < 4; ++i) h[j] += t.p.alpha_c * t.Phi(k, j) * t.Xi(i, k) * t.Vd(i);
  }
  return h;
}
}  // namespace

TEST_CASE("Dense GSEMM right-hand side equals a hand computation (Eq. 10 and Eq. 9)") {
  Tiny t;
  CHECK(t.Phi(0, 1) == 1.0);  // xi_1 -> xi_2
  CHECK(t.Phi(2, 0) == 1.0);  // xi_3 -> xi_1
  CHECK(t.Phi.sum() == 3.0);
  for (auto placement : {AlphaSPlacement::eq10, AlphaSPlacement::eq9}) {
    t.p.alpha_s_placement = placement;
    DenseGsemm m(t.Xi, t.Phi, t.p);
    Vec x = m.initial_state(t.Vf, t.Vd), dx(m.state_size());
    m(x, dx, 0.0);
    const double c = placement == AlphaSPlacement::eq9 ? std::sqrt(t.p.alpha_s) : 1.0;
    const auto h = hand_hidden(t, c);
    for (int i = 0; i < 4; ++i) {
      double drive = 0;
      for (int j = 0; j < 3; ++j) drive += t.Xi(i, j) * h[j] * h[j];  // degree 2
      const double dVf = (std::sqrt(t.p.alpha_s) * drive - t.Vf(i)) / t.p.T_f;
      const double dVd = (t.p.beta_d * std::tanh(t.p.gamma * t.Vf(i)) - t.Vd(i)) / t.p.T_d;
      CHECK(dx(i) == doctest::Approx(dVf).epsilon(1e-13));
      CHECK(dx(4 + i) == doctest::Approx(dVd).epsilon(1e-13));
    }
    for (int j = 0; j < 3; ++j) {  // u_d = Xi^T V_d follows Xi^T of the V_d equation
      double du = 0;
      for (int i = 0; i < 4; ++i) du += t.Xi(i, j) * (t.p.beta_d * std::tanh(t.p.gamma * t.Vf(i)) - t.Vd(i)) / t.p.T_d;
      CHECK(dx(8 + j) == doctest::Approx(du).epsilon(1e-13));
    }
  }
}

TEST_CASE("three-layer GSEMM right-hand side equals a hand computation (Eq. 1)") {
  Tiny t;
  Gsemm m(t.Xi, t.Phi, t.p);
  Vec Vh(3);
  Vh << 0.5, -1.5, 2.0;
  Vec x(11), dx(11);
  x << t.Vf, Vh, t.Vd;
  m(x, dx, 0.0);
  const auto hin = hand_hidden(t, std::sqrt(t.p.alpha_s));
  for (int i = 0; i < 4; ++i) {
    double drive = 0;
    for (int j = 0; j < 3; ++j) drive += t.Xi(i, j) * Vh(j) * Vh(j);
    CHECK(dx(i) == doctest::Approx((std::sqrt(t.p.alpha_s) * drive - t.Vf(i)) / t.p.T_f).epsilon(1e-13));
    CHECK(dx(7 + i) ==
          doctest::Approx((t.p.beta_d * std::tanh(t.p.gamma * t.Vf(i)) - t.Vd(i)) / t.p.T_d).epsilon(1e-13));
  }
  for (int j = 0; j < 3; ++j) CHECK(dx(4 + j) == doctest::Approx((hin[j] - Vh(j)) / t.p.T_h).epsilon(1e-13));
}

TEST_CASE("external input current is added to the feature layer only inside its window") {
  Tiny t;
  InputCurrent in;
  in.I = Vec::Constant(4, 2.0);
  in.t_on = 1.0;
  in.t_off = 2.0;
  DenseGsemm with(t.Xi, t.Phi, t.p, in), without(t.Xi, t.Phi, t.p);
  Vec x = with.initial_state(t.Vf, t.Vd), a(with.state_size()), b(with.state_size());
  without(x, b, 1.5);
  with(x, a, 1.5);
  CHECK((a - b).head(4).isApprox(Vec::Constant(4, 2.0 / t.p.T_f)));
  CHECK((a - b).tail(a.size() - 4).norm() == 0.0);
  with(x, a, 2.0);  // [t_on, t_off)
  CHECK((a - b).norm() == 0.0);
}

TEST_CASE("random memories are +-1, balanced, reproducible from the seed") {
  const Mat a = random_memories(100, 50, 42), b = random_memories(100, 50, 42), c = random_memories(100, 50, 43);
  CHECK(a == b);
  CHECK(a != c);
  CHECK((a.array().abs() == 1.0).all());
  // mean of 5000 fair +-1 entries: |mean| < 4.5 sigma = 4.5 / sqrt(5000) = 0.064
  CHECK(std::abs(a.mean()) < 0.064);
}

TEST_CASE("episodes to Phi: cycles, open chains and weights") {
  Episode cyc{{0, 1, 2}, true, 1.0}, open{{3, 4, 5, 6}, false, 0.5};
  const Mat Phi = episodes_to_phi({cyc, open}, 7);
  CHECK(Phi(0, 1) == 1.0);
  CHECK(Phi(2, 0) == 1.0);
  CHECK(Phi(3, 4) == 0.5);
  CHECK(Phi(5, 6) == 0.5);
  CHECK(Phi(6, 3) == 0.0);
  CHECK(Phi.sum() == doctest::Approx(3.0 + 1.5));
}

TEST_CASE("cue corruption flips and zeroes exactly the requested fractions") {
  const Mat Xi = random_memories(200, 3, 1);
  const Vec v = make_cue(Xi, {1, 1.0, 0.25, 0.0, 0.0}, 9);
  CHECK((v.array() != Xi.col(1).array()).count() == 50);
  const Vec z = make_cue(Xi, {1, 2.0, 0.0, 0.1, 0.0}, 9);
  CHECK((z.array() == 0.0).count() == 20);
  CHECK((z.array() == 2.0 * Xi.col(1).array()).count() == 180);
  CHECK(make_cue(Xi, {1, 1.0, 0.25, 0.1, 0.3}, 9) == make_cue(Xi, {1, 1.0, 0.25, 0.1, 0.3}, 9));
}

TEST_CASE("H(L_h) w equals the finite-difference Jacobian of sigma_h") {
  Vec h(4), w(4);
  h << 0.7, -1.3, 2.1, 0.4;
  w << 0.3, -0.2, 0.5, 1.0;
  for (HiddenActivation a : {HiddenActivation{HiddenKind::polynomial, 3, 1.0},
                             HiddenActivation{HiddenKind::polynomial, 2, 1.0},
                             HiddenActivation{HiddenKind::rectified_polynomial, 4, 1.0},
                             HiddenActivation{HiddenKind::rectified_polynomial, 1, 1.0},
                             HiddenActivation{HiddenKind::softmax, 1, 1.7}}) {
    Vec g(4), Hw(4), gp(4), gm(4);
    a(h, g);
    a.hessian_times(h, g, w, Hw);
    const double e = 1e-6;
    a(Vec(h + e * w), gp);
    a(Vec(h - e * w), gm);
    const Vec fd = (gp - gm) / (2 * e);
    CHECK((Hw - fd).norm() < 1e-7 * (1 + fd.norm()));
    CHECK((a.hessian(h, g) * w - Hw).norm() < 1e-12);
  }
}

TEST_CASE("every activation of kHiddenKindNames: grad L_h = sigma_h and H(L_h) w = the derivative of sigma_h") {
  // Central finite differences on every activation the scenario key sigma_h offers, so that a new one
  // is checked without a line here (docs/architecture.md, "Add an activation").
  Vec h(4), w(4);
  h << 0.7, -1.3, 2.1, 0.4;
  w << 0.3, -0.2, 0.5, 1.0;
  const double e = 1e-6;
  for (const auto& choice : kHiddenKindNames)
    for (int degree : {1, 2, 3})
      for (const double scale : {1.0, 0.8}) {  // 0.8: a normalised reading, out_scale sigma(in_scale h)
        CAPTURE(choice.name);
        CAPTURE(degree);
        CAPTURE(scale);
        HiddenActivation a{choice.value, degree, 1.7};
        a.in_scale = scale;
        a.out_scale = 1.0 / (scale * scale);
        Vec g(4), Hw(4), gp(4), gm(4);
        a(h, g);
        const double dL = (a.lagrangian(Vec(h + e * w)) - a.lagrangian(Vec(h - e * w))) / (2 * e);
        CHECK(dL == doctest::Approx(g.dot(w)).epsilon(1e-7));
        a.hessian_times(h, g, w, Hw);
        a(Vec(h + e * w), gp);
        a(Vec(h - e * w), gm);
        const Vec fd = (gp - gm) / (2 * e);
        CHECK((Hw - fd).norm() < 1e-7 * (1 + fd.norm()));
      }
}

TEST_CASE("the readings of Figure 3 change exactly the equation they name (hand computations)") {
  Tiny t;
  auto s = [&](int i) { return std::tanh(t.p.gamma * t.Vf(i)); };
  auto a = [&](int j) {  // Xi^T s
    double v = 0;
    for (int i = 0; i < 4; ++i) v += t.Xi(i, j) * s(i);
    return v;
  };
  auto delay = [&](int j) {  // (Phi^T Xi^T V_d)_j
    double v = 0;
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < 4; ++i) v += t.Phi(k, j) * t.Xi(i, k) * t.Vd(i);
    return v;
  };
  SUBCASE("public_code: T_f dV_f = alpha_s Xi sigma_h(Xi^T s) + alpha_c Xi Phi^T Xi^T V_d - V_f") {
    t.p.alpha_s_placement = AlphaSPlacement::public_code;
    DenseGsemm m(t.Xi, t.Phi, t.p);
    Vec x = m.initial_state(t.Vf, t.Vd), dx(m.state_size());
    m(x, dx, 0.0);
    for (int i = 0; i < 4; ++i) {
      double drive = 0;
      for (int j = 0; j < 3; ++j) drive += t.Xi(i, j) * (t.p.alpha_s * a(j) * a(j) + t.p.alpha_c * delay(j));
      CHECK(dx(i) == doctest::Approx((drive - t.Vf(i)) / t.p.T_f).epsilon(1e-13));
      CHECK(dx(4 + i) == doctest::Approx((t.p.beta_d * s(i) - t.Vd(i)) / t.p.T_d).epsilon(1e-13));  // unchanged
    }
  }
  SUBCASE("hidden_normalization: sigma_h(h / N_f) and N_f sigma_h(h / N_f), Eq. 10 otherwise") {
    for (auto norm : {HiddenNormalization::inside, HiddenNormalization::inside_rescaled}) {
      t.p.hidden_normalization = norm;
      DenseGsemm m(t.Xi, t.Phi, t.p);
      Vec x = m.initial_state(t.Vf, t.Vd), dx(m.state_size());
      m(x, dx, 0.0);
      const double out = norm == HiddenNormalization::inside_rescaled ? 4.0 : 1.0;
      for (int i = 0; i < 4; ++i) {
        double drive = 0;
        for (int j = 0; j < 3; ++j) {
          const double h = (a(j) + t.p.alpha_c * delay(j)) / 4.0;  // N_f = 4
          drive += t.Xi(i, j) * out * h * h;
        }
        CHECK(dx(i) == doctest::Approx((std::sqrt(t.p.alpha_s) * drive - t.Vf(i)) / t.p.T_f).epsilon(1e-13));
      }
    }
  }
}

TEST_CASE("rk4_split: V_f a full RK4 step with the delay frozen, then the delay with the new V_f") {
  Tiny t;
  DenseGsemm m(t.Xi, t.Phi, t.p);
  const Vec x0 = m.initial_state(t.Vf, t.Vd);
  const double h = 0.05;
  // by hand: RK4 on V_f with [V_d; u_d] fixed, then RK4 on [V_d; u_d] with the new V_f fixed
  auto f = [&](const Vec& x) {
    Vec d(x.size());
    m(x, d, 0.0);
    return d;
  };
  auto rk4_part = [&](Vec x, bool fast) {
    auto mask = [&](Vec d) {
      if (fast) d.tail(d.size() - 4).setZero();
      else d.head(4).setZero();
      return d;
    };
    const Vec k1 = mask(f(x)), k2 = mask(f(x + 0.5 * h * k1)), k3 = mask(f(x + 0.5 * h * k2)), k4 = mask(f(x + h * k3));
    return Vec(x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4));
  };
  const Vec expect = rk4_part(rk4_part(x0, true), false);
  Vec x = x0;
  integrate(m, x, 0.0, SampleTimes(0.0, h, h), IntegratorSpec{StepperKind::rk4_split, h}, [](const Vec&, double) {});
  CHECK((x - expect).cwiseAbs().maxCoeff() < 1e-14);
  Vec coupled = x0;
  integrate(m, coupled, 0.0, SampleTimes(0.0, h, h), IntegratorSpec{StepperKind::rk4, h}, [](const Vec&, double) {});
  CHECK((coupled - x).cwiseAbs().maxCoeff() > 1e-9);  // a different scheme
}
