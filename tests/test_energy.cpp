// Energies (Eq. 4, 13 and the Dense GSEMM energy of models.md) and dE/dt = F + G (Eq. 5-8).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "models/dense_gsemm.hpp"
#include "models/gsemm.hpp"
#include "models/memories.hpp"
#include "sim/solvers/integrate.hpp"

using namespace seqmem;

namespace {
constexpr int N = 30, K = 5;

GsemmParams params(int degree, HiddenKind kind = HiddenKind::polynomial) {
  GsemmParams p;
  p.alpha_s = 0.5;
  p.alpha_c = 0.3;
  p.beta_d = 5.0;
  p.T_h = 0.2;
  p.gamma = 1.3;
  p.sigma_h = {kind, degree, 2.0};
  return p;
}

// A system with the delay frozen: the model's derivative with its delay part set to zero.
template <class M>
struct Frozen {
  const M& m;
  void operator()(const Vec& x, Vec& dx, double t) const {
    m(x, dx, t);
    M::delay(dx, m.N_f()).setZero();
  }
};

// (t, E, F, G) at every step of an RK4 integration with step dt.
template <class M, class S>
std::vector<std::array<double, 4>> trajectory(const M& m, const S& system, Vec x, double dt, double t_end) {
  std::vector<std::array<double, 4>> out;
  integrate(system, x, 0.0, SampleTimes(0.0, t_end, dt), IntegratorSpec{StepperKind::rk4, dt}, [&](const Vec& xs, double t) {
    const auto r = m.energy_rates(xs, t);
    out.push_back({t, r.E, r.F, r.G});
  });
  return out;
}

Vec start_feature(const Mat& Xi) { return 0.4 * Xi.col(0) - 0.2 * Xi.col(2); }
Vec start_delay(const Mat& Xi) { return 0.5 * Xi.col(1); }
}  // namespace

TEST_CASE("Dense GSEMM: grad E by finite differences equals -T_f diag(sigma_f') dV_f/dt") {
  const Mat Xi = random_memories(N, K, 11), Phi = cyclic_phi(K);
  for (auto placement : {AlphaSPlacement::eq10, AlphaSPlacement::eq9})
    for (int degree : {1, 2, 3}) {
      auto p = params(degree);
      p.alpha_s_placement = placement;
      p.T_f = 1.7;
      DenseGsemm m(Xi, Phi, p);
      const Vec x = m.initial_state(0.05 * start_feature(Xi), 0.05 * start_delay(Xi));
      Vec dx(x.size());
      m(x, dx, 0.0);
      const double e = 1e-6;
      double worst = 0, scale = 0;
      for (int i = 0; i < N; ++i) {
        Vec xp = x, xm = x;
        xp(i) += e;
        xm(i) -= e;
        const double fd = (m.energy(xp) - m.energy(xm)) / (2 * e);
        const double s = std::tanh(p.gamma * x(i));
        const double analytic = -p.T_f * p.gamma * (1 - s * s) * dx(i);
        worst = std::max(worst, std::abs(fd - analytic));
        scale = std::max(scale, std::abs(analytic));
      }
      INFO("placement " << int(placement) << " degree " << degree);
      CHECK(worst < 1e-6 * scale);
    }
}

TEST_CASE("dE/dt from finite differences along a trajectory equals F + G") {
  // Moderate gains (alpha_s = 0.02) so that a central difference with dt = 1e-3 resolves the
  // dynamics (the fast three-layer model with dt = 2e-4); the first 200 samples (the initial
  // transient) are skipped.
  const Mat Xi = random_memories(N, K, 12), Phi = cyclic_phi(K);
  auto check = [](const auto& traj) {
    double worst = 0, scale = 0;
    for (std::size_t k = 200; k + 1 < traj.size(); ++k) {
      const double fd = (traj[k + 1][1] - traj[k - 1][1]) / (traj[k + 1][0] - traj[k - 1][0]);
      worst = std::max(worst, std::abs(fd - (traj[k][2] + traj[k][3])));
      scale = std::max(scale, std::abs(traj[k][2] + traj[k][3]));
    }
    MESSAGE("max |dE/dt - (F + G)| = " << worst << " of max |F + G| = " << scale);
    CHECK(worst < 1e-5 * scale);
  };
  for (int degree : {1, 3}) {
    auto p = params(degree);
    p.alpha_s = 0.02;
    DenseGsemm dense(Xi, Phi, p);
    check(trajectory(dense, dense, dense.initial_state(start_feature(Xi), start_delay(Xi)), 1e-3, 5.0));
    Gsemm full(Xi, Phi, p);
    check(trajectory(full, full, full.initial_state(start_feature(Xi), start_delay(Xi)), 2e-4, 1.0));
  }
}

TEST_CASE("with V_d frozen the energy never increases (positive semi-definite Hessians)") {
  const Mat Xi = random_memories(N, K, 13), Phi = cyclic_phi(K);
  auto non_increasing = [](const auto& traj) {
    double worst_rise = 0, max_F = -1e300;
    for (std::size_t k = 1; k < traj.size(); ++k) worst_rise = std::max(worst_rise, traj[k][1] - traj[k - 1][1]);
    for (const auto& r : traj) max_F = std::max(max_F, r[2]);
    CHECK(worst_rise <= 1e-10 * (1 + std::abs(traj[0][1])));
    CHECK(max_F <= 1e-12);
    CHECK(traj.back()[1] < traj.front()[1]);  // and it does descend
  };
  // Dense GSEMM: F = -T_f Vf'^T diag(sigma_f') Vf' <= 0 for any sigma_h, even degrees included.
  for (int degree : {1, 2, 3, 4}) {
    DenseGsemm m(Xi, Phi, params(degree));
    non_increasing(trajectory(m, Frozen<DenseGsemm>{m}, m.initial_state(start_feature(Xi), start_delay(Xi)), 0.01, 20));
  }
  // Three layers: needs H(L_h) >= 0: degree 1, rectified polynomials, softmax.
  for (auto p : {params(1), params(2, HiddenKind::rectified_polynomial), params(3, HiddenKind::rectified_polynomial),
                 params(1, HiddenKind::softmax)}) {
    Gsemm m(Xi, Phi, p);
    non_increasing(trajectory(m, Frozen<Gsemm>{m}, m.initial_state(start_feature(Xi), start_delay(Xi)), 0.01, 20));
  }
}

TEST_CASE("three layers, x^2: H(L_h) = 2 diag(V_h) is indefinite and the energy can rise") {
  // Start with hidden currents of both signs away from their instantaneous values: where V_h < 0
  // the term -T_h Vh'^T H(L_h) Vh' of F is positive.
  const Mat Xi = random_memories(N, K, 14), Phi = cyclic_phi(K);
  Gsemm m(Xi, Phi, params(2));
  Vec x = m.initial_state(0.1 * start_feature(Xi), Vec::Zero(N));
  x.segment(N, K) << -3.0, -2.0, 1.0, -1.5, 0.5;  // V_h
  const auto traj = trajectory(m, Frozen<Gsemm>{m}, x, 0.001, 2.0);
  double max_rise = 0, max_F = -1e300;
  for (std::size_t k = 1; k < traj.size(); ++k) max_rise = std::max(max_rise, traj[k][1] - traj[k - 1][1]);
  for (const auto& r : traj) max_F = std::max(max_F, r[2]);
  MESSAGE("x^2, three layers, V_d frozen: largest rise of E in one step " << max_rise << ", max F " << max_F);
  CHECK(max_F > 0);
  CHECK(max_rise > 0);
}

TEST_CASE("G -> 0 as T_d grows (the adiabatic limit)") {
  const Mat Xi = random_memories(N, K, 15), Phi = cyclic_phi(K);
  double prev = 0;
  for (double T_d : {20.0, 200.0, 2000.0}) {
    auto p = params(1);
    p.T_d = T_d;
    DenseGsemm m(Xi, Phi, p);
    double max_G = 0;
    for (const auto& r : trajectory(m, m, m.initial_state(start_feature(Xi), start_delay(Xi)), 0.01, 10.0))
      max_G = std::max(max_G, std::abs(r[3]));
    MESSAGE("T_d " << T_d << ": max |G| = " << max_G);
    if (prev > 0) CHECK(max_G < prev / 8);  // G is proportional to dV_d/dt = O(1 / T_d)
    prev = max_G;
  }
}
