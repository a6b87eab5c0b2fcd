// Instantaneous fixed points of Dense GSEMM at frozen V_d (sim/experiments/fixed_points.hpp; paper
// Appendix B.2, Figure 2): energy and Jacobian against finite differences and hand formulas, GAMM
// recall, the origin's unstable directions, Newton's convergence, thread-count independence, the
// Figure 1 network.
#include <doctest/doctest.h>
#include <omp.h>

#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/external/eigen/eigen.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <random>
#include <sstream>

#include "models/dense_gsemm.hpp"
#include "models/memories.hpp"
#include "sim/experiments/fixed_points.hpp"
#include "sim/kinds/gsemm/runner.hpp"
#include "sim/kinds/kind.hpp"

using namespace seqmem;

namespace {
Vec gaussian(Eigen::Index n, double sd, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(0.0, sd);
  Vec v(n);
  for (Eigen::Index i = 0; i < n; ++i) v(i) = d(rng);
  return v;
}

// A small network with every term switched on (Phi, alpha_c, T_f != 1, gamma != 1).
struct Small {
  Mat Xi = random_memories(20, 4, 11);
  SpMat Phi = cyclic_phi(4);
  GsemmParams p;
  Vec V_d = gaussian(20, 0.8, 5);
  Vec V = gaussian(20, 1.0, 6);
  Small(AlphaSPlacement placement, int degree, HiddenKind kind = HiddenKind::polynomial) {
    p.alpha_s = 0.3;
    p.alpha_c = 0.4;
    p.T_f = 1.7;
    p.gamma = 0.8;
    p.alpha_s_placement = placement;
    p.sigma_h = HiddenActivation{kind, degree, 0.5};
  }
};

// The Figure 1 network (scenarios/fig1_two_episodes.toml) and its trajectory from the cue xi5.
struct Fig1 {
  RunSpec spec;
  RunInputs in;
  Fig1() {
    const Scenario sc = load_scenario("scenarios/fig1_two_episodes.toml");
    spec = sc.runs[0];
    in = make_inputs(spec, load_files(sc));
  }
  // States (V_f, V_d) at t = t0, t0 + every, ... < t1 (RK4, the scenario's dt), from V_f(0) = xi_cue.
  void trajectory(double t0, double t1, double every, std::vector<Vec>& V_f, std::vector<Vec>& V_d) const {
    namespace odeint = boost::numeric::odeint;
    const DenseGsemm m(in.Xi, in.Phi, spec.params);
    const int N = spec.N_f;
    Vec x = m.initial_state(in.Xi.col(spec.cue_memory), Vec::Zero(N));
    odeint::runge_kutta4<Vec, double, Vec, double, odeint::vector_space_algebra> rk4;
    const long steps = std::lround(t1 / spec.dt), first = std::lround(t0 / spec.dt),
               stride = std::lround(every / spec.dt);
    for (long k = 0; k < steps; ++k) {
      if (k >= first && (k - first) % stride == 0) {
        V_f.push_back(x.head(N));
        V_d.push_back(x.segment(N, N));
      }
      rk4.do_step(std::cref(m), x, static_cast<double>(k) * spec.dt, spec.dt);
    }
  }
};
}  // namespace

TEST_CASE("fixed points: energy: value, gradient by central differences = diag(s')(V - sqrt(alpha_s) Xi sigma_h(h)) = -T_f diag(s') f") {
  for (auto placement : {AlphaSPlacement::eq9, AlphaSPlacement::eq10})
    for (int degree : {1, 3}) {
      CAPTURE(degree);
      CAPTURE(static_cast<int>(placement));
      Small n(placement, degree);
      const auto N = n.Xi.rows(), K = n.Xi.cols();
      const double sa = std::sqrt(n.p.alpha_s), c = placement == AlphaSPlacement::eq9 ? sa : 1.0;
      // Independent hand computation: plain loops, std::tanh, std::log(std::cosh).
      Vec s(N), ds(N), h(K), g(K);
      for (Eigen::Index i = 0; i < N; ++i) {
        s(i) = std::tanh(n.p.gamma * n.V(i));
        ds(i) = n.p.gamma * (1 - s(i) * s(i));
      }
      const Vec u = n.Xi.transpose() * n.V_d;
      double L_h = 0, E_f = 0;
      for (Eigen::Index k = 0; k < K; ++k) {
        double a = 0, b = 0;
        for (Eigen::Index i = 0; i < N; ++i) a += n.Xi(i, k) * s(i);
        for (Eigen::Index j = 0; j < K; ++j) b += n.Phi.coeff(j, k) * u(j);  // (Phi^T u)_k
        h(k) = c * a + n.p.alpha_c * b;
        g(k) = std::pow(h(k), degree);
        L_h += std::pow(h(k), degree + 1) / (degree + 1);
      }
      for (Eigen::Index i = 0; i < N; ++i)
        E_f += n.V(i) * s(i) - std::log(std::cosh(n.p.gamma * n.V(i))) / n.p.gamma;
      const double E = dense_energy(n.Xi, n.Phi, n.p, n.V_d, n.V);
      CHECK(E == doctest::Approx(E_f - sa / c * L_h).epsilon(1e-12));
      const DenseGsemm m(n.Xi, n.Phi, n.p);  // the model's own energy of the same state
      CHECK(E == doctest::Approx(m.energy(m.initial_state(n.V, n.V_d))).epsilon(1e-12));

      const Vec grad = ds.cwiseProduct(n.V - sa * n.Xi * g);
      Vec fd(N);
      for (Eigen::Index i = 0; i < N; ++i) {
        const double e = 1e-5 * std::max(1.0, std::abs(n.V(i)));
        Vec Vp = n.V, Vm = n.V;
        Vp(i) += e;
        Vm(i) -= e;
        fd(i) = (dense_energy(n.Xi, n.Phi, n.p, n.V_d, Vp) - dense_energy(n.Xi, n.Phi, n.p, n.V_d, Vm)) / (2 * e);
      }
      const double scale = grad.cwiseAbs().maxCoeff();
      CHECK((fd - grad).cwiseAbs().maxCoeff() < 1e-7 * scale);
      const Vec f = feature_velocity(n.Xi, n.Phi, n.p, n.V_d, n.V);
      CHECK((grad + n.p.T_f * ds.cwiseProduct(f)).cwiseAbs().maxCoeff() < 1e-12 * scale);
    }
}

TEST_CASE("fixed points: the analytic Jacobian of f equals its central finite differences (1e-6 relative)") {
  for (auto placement : {AlphaSPlacement::eq9, AlphaSPlacement::eq10})
    for (auto [kind_, degree_] : {std::pair{HiddenKind::polynomial, 1}, std::pair{HiddenKind::polynomial, 3},
                                  std::pair{HiddenKind::rectified_polynomial, 2}, std::pair{HiddenKind::softmax, 1}}) {
      const HiddenKind kind = kind_;  // structured bindings cannot be captured (CAPTURE) in C++17
      const int degree = degree_;
      CAPTURE(degree);
      CAPTURE(to_string(kind));
      Small n(placement, degree, kind);
      const auto N = n.Xi.rows();
      const Mat J = feature_jacobian(n.Xi, n.Phi, n.p, n.V_d, n.V);
      Mat fd(N, N);
      for (Eigen::Index j = 0; j < N; ++j) {
        const double e = 1e-6 * std::max(1.0, std::abs(n.V(j)));
        Vec Vp = n.V, Vm = n.V;
        Vp(j) += e;
        Vm(j) -= e;
        fd.col(j) = (feature_velocity(n.Xi, n.Phi, n.p, n.V_d, Vp) - feature_velocity(n.Xi, n.Phi, n.p, n.V_d, Vm)) /
                    (2 * e);
      }
      CHECK((fd - J).cwiseAbs().maxCoeff() < 1e-6 * J.cwiseAbs().maxCoeff());
    }
}

TEST_CASE("fixed points: the spectrum of a fixed point is real and equals Eigen::EigenSolver's on the full Jacobian") {
  // K < N_f (the K x K route) and K > N_f (the N_f x N_f route).
  for (auto [N_, K_] : {std::pair{20, 4}, std::pair{6, 9}}) {
    const int N = N_, K = K_;
    CAPTURE(N);
    Mat Xi = random_memories(N, K, 21);
    GsemmParams p;
    p.alpha_s = 0.2;
    p.alpha_c = 0.3;
    p.T_f = 2.0;
    p.sigma_h.degree = 1;
    const SpMat Phi = cyclic_phi(K);
    const Vec V_d = gaussian(N, 0.5, 3);
    for (const Vec& V0 : {Vec(Xi.col(0)), Vec(Vec::Zero(N)), gaussian(N, 1.0, 9)}) {
      const FixedPoint fp = find_fixed_point(Xi, Phi, p, V_d, V0);
      REQUIRE(fp.converged);
      const Mat J = feature_jacobian(Xi, Phi, p, V_d, fp.V_f);
      Eigen::EigenSolver<Mat> es(J, false);
      Eigen::VectorXcd ev = es.eigenvalues();
      std::sort(ev.data(), ev.data() + ev.size(), [](auto a, auto b) { return a.real() > b.real(); });
      REQUIRE(fp.eigenvalues.size() == N);
      const double scale = fp.eigenvalues.cwiseAbs().maxCoeff();
      CHECK(ev.imag().cwiseAbs().maxCoeff() < 1e-8 * scale);
      CHECK((ev.real() - fp.eigenvalues).cwiseAbs().maxCoeff() < 1e-9 * scale);
    }
  }
}

TEST_CASE("fixed points: GAMM (Phi = 0, alpha_s = 1, degree 3): a memory with 20% flipped entries is recalled") {
  const int N = 100, K = 10;
  const Mat Xi = random_memories(N, K, 7);
  const SpMat Phi(K, K);
  GsemmParams p;
  p.sigma_h.degree = 3;
  const Vec V_d = Vec::Zero(N);
  for (int mu : {0, 4, 9}) {
    CAPTURE(mu);
    Vec V0 = Xi.col(mu);
    std::mt19937_64 rng(100 + mu);
    std::vector<int> idx(N);
    std::iota(idx.begin(), idx.end(), 0);
    std::shuffle(idx.begin(), idx.end(), rng);
    for (int i = 0; i < N / 5; ++i) V0(idx[i]) = -V0(idx[i]);
    const FixedPoint fp = find_fixed_point(Xi, Phi, p, V_d, V0);
    MESSAGE("mu " << mu << ": m = " << fp.overlaps(mu) << ", E " << dense_energy(Xi, Phi, p, V_d, V0) << " -> "
                  << fp.energy << ", descent " << fp.descent_time << ", Newton " << fp.newton_iterations
                  << ", residual " << fp.residual << ", largest eigenvalue " << fp.eigenvalues(0));
    CHECK(fp.overlaps(mu) > 0.99);
    CHECK(fp.stable);
    CHECK(fp.n_unstable == 0);
    CHECK(fp.converged);
    CHECK(fp.residual < 1e-10);
    CHECK(fp.energy < dense_energy(Xi, Phi, p, V_d, V0));
  }
}

TEST_CASE("fixed points: the origin (Phi = 0, degree 1, alpha_s = gamma = 1): J = Xi Xi^T - I, K unstable directions") {
  const int N = 50, K = 6;
  const Mat Xi = random_memories(N, K, 8);
  GsemmParams p;
  const Vec zero = Vec::Zero(N);
  const FixedPoint fp = find_fixed_point(Xi, SpMat(K, K), p, zero, zero);
  CHECK(fp.V_f.isZero(0.0));
  CHECK(fp.residual == 0.0);
  CHECK(fp.converged);
  CHECK(fp.n_unstable == K);
  CHECK(!fp.stable);
  // Independently: the eigenvalues of Xi Xi^T (Gram matrix route: Xi^T Xi is K x K) minus 1.
  Eigen::SelfAdjointEigenSolver<Mat> es(Xi.transpose() * Xi);
  const Vec gram = es.eigenvalues().reverse();  // descending
  for (int k = 0; k < K; ++k) {
    CHECK(fp.eigenvalues(k) == doctest::Approx(gram(k) - 1.0).epsilon(1e-10));
    CHECK(fp.eigenvalues(k) > 0.3 * N);  // each about N_f
  }
  for (int k = K; k < N; ++k) CHECK(fp.eigenvalues(k) == doctest::Approx(-1.0).epsilon(1e-12));
}

TEST_CASE("fixed points: Newton converges quadratically near a fixed point") {
  // A fixed point with a soft direction: the Figure 1 state at t = 9.9, just before the fixed point
  // near xi5 disappears (leading eigenvalue about -0.2). The residual after k Newton steps is the
  // residual of a run with max_newton = k (the finder is deterministic).
  Fig1 f;
  std::vector<Vec> Vf, Vd;
  f.trajectory(9.9, 10.0, 0.1, Vf, Vd);
  REQUIRE(Vf.size() == 1);
  std::vector<double> r;
  for (int k = 0; k <= 5; ++k) {
    FixedPointOptions o;
    o.descent_tol = 1e-2;
    o.max_newton = k;
    const FixedPoint fp = find_fixed_point(f.in.Xi, f.in.Phi, f.spec.params, Vd[0], Vf[0], o);
    CHECK(fp.newton_iterations == k);
    r.push_back(fp.residual);
  }
  std::ostringstream os;
  for (double x : r) os << " " << x;
  MESSAGE("residual after 0..5 Newton steps:" << os.str());
  for (int k = 0; k + 1 < static_cast<int>(r.size()); ++k)
    if (r[k + 1] > 1e-13) {  // above rounding (max|V_f| is about 10)
      CAPTURE(k);
      CHECK(r[k + 1] <= 20.0 * r[k] * r[k]);
    }
  CHECK(r.back() < 1e-13);

  // From a descent tolerance of 1e-4: a few iterations to 1e-10.
  FixedPointOptions o;
  o.descent_tol = 1e-4;
  const FixedPoint fp = find_fixed_point(f.in.Xi, f.in.Phi, f.spec.params, Vd[0], Vf[0], o);
  CHECK(fp.converged);
  CHECK(fp.newton_iterations <= 3);
  CHECK(fp.stable);
}

TEST_CASE("fixed points: fixed_points_along: bitwise the same results with 1 and 2 OpenMP threads") {
  Fig1 f;
  std::vector<Vec> Vf, Vd;
  f.trajectory(5.0, 45.0, 4.0, Vf, Vd);  // 10 samples across two transitions
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = fixed_points_along(f.in.Xi, f.in.Phi, f.spec.params, Vf, Vd, {}, 1.0);
  omp_set_num_threads(2);
  const auto two = fixed_points_along(f.in.Xi, f.in.Phi, f.spec.params, Vf, Vd, {}, 1.0);
  omp_set_num_threads(before);
  auto same = [](const FixedPoint& a, const FixedPoint& b) {
    return a.V_f == b.V_f && a.energy == b.energy && a.overlaps == b.overlaps && a.eigenvalues == b.eigenvalues &&
           a.n_unstable == b.n_unstable && a.residual == b.residual && a.descent_time == b.descent_time &&
           a.newton_iterations == b.newton_iterations && a.converged == b.converged;
  };
  REQUIRE(one.from_state.size() == Vf.size());
  REQUIRE(two.from_memory.size() == Vf.size());
  for (std::size_t n = 0; n < Vf.size(); ++n) {
    CAPTURE(n);
    CHECK(same(one.from_state[n], two.from_state[n]));
    REQUIRE(one.from_memory[n].size() == 7);
    for (int mu = 0; mu < 7; ++mu) CHECK(same(one.from_memory[n][mu], two.from_memory[n][mu]));
  }
}

TEST_CASE("fixed points: energy_slice at a grid point equals dense_energy there") {
  Small n(AlphaSPlacement::eq9, 3);
  const Vec e1 = n.Xi.col(0), e2 = n.Xi.col(1);
  const Vec a = Vec::LinSpaced(5, -2.0, 2.0), b = Vec::LinSpaced(4, -1.0, 3.0);
  const Mat E = energy_slice(n.Xi, n.Phi, n.p, n.V_d, e1, e2, a, b);
  REQUIRE(E.rows() == 5);
  REQUIRE(E.cols() == 4);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 4; ++j)
      CHECK(E(i, j) == doctest::Approx(dense_energy(n.Xi, n.Phi, n.p, n.V_d, Vec(a(i) * e1 + b(j) * e2))).epsilon(1e-14));
}

TEST_CASE("fixed points: Figure 1 network: the fixed point near the current memory disappears before the state leaves it") {
  Fig1 f;
  const Mat& Xi = f.in.Xi;
  const SpMat& Phi = f.in.Phi;
  const auto& p = f.spec.params;
  const int N = f.spec.N_f, xi5 = 4, xi6 = 5;
  Vec s5(N);
  sigma_f(Xi.col(xi5), p.gamma, s5);

  // No delay: xi5 is a stable fixed point of its own (GAMM-like, weak alpha_s).
  const FixedPoint rest = find_fixed_point(Xi, Phi, p, Vec::Zero(N), Xi.col(xi5));
  CHECK(rest.converged);
  CHECK(rest.stable);
  CHECK(rest.overlaps(xi5) > 0.99);

  // The delay settled on xi5, V_d = beta_d tanh(xi5): the successor's drive alpha_c beta_d xi5.tanh(xi5)
  // (about 16) is of the order of xi5's own hidden input (sqrt(alpha_s) N_f m5, about 22): there is
  // no fixed point near xi5 any more, and xi5 itself lies in the basin of xi6.
  const Vec Vd = p.beta_d * s5;
  const FixedPoint moved = find_fixed_point(Xi, Phi, p, Vd, Xi.col(xi5));
  CHECK(moved.converged);
  CHECK(moved.stable);
  CHECK(moved.overlaps(xi6) > 0.99);
  // V_d = a tanh(xi5), a from 0 to beta_d. (i) a_b: the start xi5 leaves the basin of the fixed point
  // near xi5 (bisection on the fixed point reached from xi5). (ii) a_c: that fixed point itself
  // disappears (bisection with continuation: start from the fixed point found at the last a below).
  auto near5 = [&](const FixedPoint& q) { return q.converged && q.stable && q.overlaps(xi5) > 0.9; };
  double lo = 0, hi = p.beta_d;
  for (int it = 0; it < 30; ++it) {
    const double mid = 0.5 * (lo + hi);
    (near5(find_fixed_point(Xi, Phi, p, Vec(mid * s5), Xi.col(xi5))) ? lo : hi) = mid;
  }
  const double a_b = lo;
  Vec V_lo = rest.V_f;
  lo = 0;
  hi = p.beta_d;
  for (int it = 0; it < 30; ++it) {
    const double mid = 0.5 * (lo + hi);
    const FixedPoint q = find_fixed_point(Xi, Phi, p, Vec(mid * s5), V_lo);
    if (near5(q)) {
      lo = mid;
      V_lo = q.V_f;
    } else {
      hi = mid;
    }
  }
  const double a_c = lo;
  // A saddle-node bifurcation: the minimum near xi5 meets a saddle, and its leading eigenvalue goes
  // to 0 like -sqrt(a_c - a) (normal form dx/dt = (a_c - a) - x^2: eigenvalue -2 sqrt(a_c - a)).
  std::ostringstream os;
  std::vector<double> lambda;
  for (double d : {1e-1, 1e-2, 1e-3, 1e-4}) {
    const FixedPoint q = find_fixed_point(Xi, Phi, p, Vec((a_c - d) * s5), V_lo);
    CHECK(near5(q));
    lambda.push_back(q.eigenvalues(0));
    os << " " << q.eigenvalues(0);
  }
  MESSAGE("V_d = a tanh(xi5): xi5 leaves the basin of the fixed point near xi5 at a_b = "
          << a_b << ", that fixed point disappears at a_c = " << a_c << " (beta_d = " << p.beta_d
          << "); its leading eigenvalue at a_c - 1e-1, 1e-2, 1e-3, 1e-4:" << os.str());
  CHECK(a_b < a_c);
  CHECK(a_c < p.beta_d * std::tanh(1.0));
  for (std::size_t k = 0; k + 1 < lambda.size(); ++k) {
    CHECK(lambda[k] < 0.0);
    CHECK(lambda[k] / lambda[k + 1] == doctest::Approx(std::sqrt(10.0)).epsilon(0.1));
  }

  // Along the trajectory from the cue xi5 (t = 0 .. 20, every 0.1): the state's own fixed point
  // switches from xi5 to xi6 once, through a vanishing leading eigenvalue, while the state itself
  // still overlaps xi5 by more than 0.9 (it leaves xi5's neighbourhood several T_f later).
  std::vector<Vec> Vf, Vds;
  f.trajectory(0.0, 20.0, 0.1, Vf, Vds);
  const auto r = fixed_points_along(Xi, Phi, p, Vf, Vds);
  int switches = 0;
  std::size_t at = 0;
  for (std::size_t n = 0; n < Vf.size(); ++n) {
    const auto& fp = r.from_state[n];
    CHECK(fp.converged);
    CHECK(fp.stable);
    CHECK(std::max(fp.overlaps(xi5), fp.overlaps(xi6)) > 0.98);
    if (n > 0 && (fp.overlaps(xi6) > 0.98) != (r.from_state[n - 1].overlaps(xi6) > 0.98)) {
      ++switches;
      at = n;
    }
  }
  REQUIRE(switches == 1);
  Vec s(N);
  sigma_f(Vf[at], p.gamma, s);
  const double m5 = Xi.col(xi5).dot(s) / N;
  MESSAGE("the state's fixed point switches xi5 -> xi6 at t = " << 0.1 * static_cast<double>(at)
          << " (state m5 = " << m5 << "); leading eigenvalue 1 T_f before: " << r.from_state[at - 10].eigenvalues(0)
          << ", 0.1 T_f before: " << r.from_state[at - 1].eigenvalues(0));
  CHECK(m5 > 0.9);
  CHECK(r.from_state[at - 1].eigenvalues(0) > r.from_state[at - 10].eigenvalues(0));
  CHECK(r.from_state[at - 1].eigenvalues(0) > -0.3);
  CHECK(r.from_state[0].eigenvalues(0) < -0.9);
}

TEST_CASE("fixed points: timing: fixed_points_along, 600 Figure 1 states (t = 20 .. 80) x (1 + 7) starts") {
  Fig1 f;
  std::vector<Vec> Vf, Vd;
  f.trajectory(20.0, 80.0, 0.1, Vf, Vd);
  REQUIRE(Vf.size() == 600);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = fixed_points_along(f.in.Xi, f.in.Phi, f.spec.params, Vf, Vd);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  int converged = 0, stable = 0, total = 0;
  double longest = 0;
  for (std::size_t n = 0; n < Vf.size(); ++n) {
    auto count = [&](const FixedPoint& fp) {
      ++total;
      converged += fp.converged;
      stable += fp.stable;
      longest = std::max(longest, fp.descent_time);
    };
    count(r.from_state[n]);
    for (const auto& fp : r.from_memory[n]) count(fp);
  }
  MESSAGE(total << " fixed points in " << wall << " s on " << omp_get_max_threads() << " threads; converged "
                << converged << ", stable " << stable << ", longest descent " << longest << " T_f");
  CHECK(converged == total);
}
