// Euler-Maruyama for an Ito SDE with additive (state-independent) noise (Kloeden & Platen §9.1):
//   dx = f(x, t) dt + g(t) dW,   x(t0) = x0,   t from t0 to t_end
//   x_{k+1} = x_k + f(x_k, t_k) h + g(t_k) sqrt(h) xi_k,   xi_k ~ N(0, I_D),   t_k = t0 + k h
// with h = (t_end - t0) / K and K = ceil((t_end - t0) / dt): t_end is reached exactly and t_k is
// formed from k (no accumulated rounding). Strong order 1 for additive noise, weak order 1.
//
// Every trajectory draws from its own generator, std::mt19937_64 seeded by a std::seed_seq of
// (seed, trajectory index), through Boost.Random's normal_distribution (the ziggurat method of
// Marsaglia & Tsang 2000, 128 layers, since Boost 1.56: mostly one 64-bit draw, a multiply and a
// compare per normal; exp or log only in the rare wedge and tail cases): trajectory i is the same
// path whichever thread runs it and however many threads there are. It replaced
// std::normal_distribution (libstdc++'s polar method: 13 ns per normal against 4.2, and half the
// time of a D = 100, N = 50 recall run; bench/bench_steps.cpp, section 6). So a given
// (seed, index) no longer gives the path it gave before, and could change again with a Boost
// release that changed the algorithm or its tables.
//
// An optional observer obs(k, t, x) sees the state at k = 0 (t = t0, before the first step) and
// after every step k = 1..K (t = t_k; t_K = t_end exactly), e.g. to record decimated paths.
// Without one, the loop is the same as before (the call compiles away: if constexpr).
// Nothing allocates in the step loop; the scratch buffers make an EulerMaruyama single-threaded
// (one per thread).
#pragma once

#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <type_traits>
#include <utility>

#include "models/activations.hpp"
#include "sim/core/cancel.hpp"

namespace seqmem {

// The generator of trajectory `index` of a run seeded by `seed`.
inline std::mt19937_64 trajectory_rng(std::uint64_t seed, std::uint64_t index) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32)};
  return std::mt19937_64(seq);
}

class EulerMaruyama {
 public:
  explicit EulerMaruyama(int D) : f_(D), xi_(D) {}

  // K = ceil((t_end - t0) / dt), at least 1 (a relative slack of 1e-9 so that an exact multiple
  // is not rounded up by one step).
  static long long steps(double t0, double t_end, double dt) {
    const double k = std::ceil((t_end - t0) / dt * (1.0 - 1e-9));
    return k < 1.0 ? 1 : static_cast<long long>(k);
  }

  // No observer: the default of run's last parameter.
  struct NoObserver {
    void operator()(long long, double, const Vec&) const {}
  };

  // Integrates x from t0 to t_end in place. drift(x, t, out) writes f(x, t) into out (e.g.
  // PatternDiffusion::reverse_drift); g is the diffusion coefficient, a number or a callable g(t);
  // obs(k, t, x), if given, is called at k = 0 and after each step k = 1..K (see the top).
  template <class Drift, class Diffusion, class Observer = NoObserver>
  void run(Drift&& drift, const Diffusion& g, Vec& x, double t0, double t_end, double dt, std::uint64_t seed,
           std::uint64_t index, Observer&& obs = Observer{}) {
    constexpr bool observed = !std::is_same_v<std::decay_t<Observer>, NoObserver>;
    std::mt19937_64 rng = trajectory_rng(seed, index);
    if constexpr (observed) obs(0LL, t0, static_cast<const Vec&>(x));
    run_until(drift, g, x, t0, t_end, dt, rng, [&](long long k, double t, Vec& y) {
      if constexpr (observed) obs(k, t, static_cast<const Vec&>(y));
      return false;
    });
  }

  // The same steps from the caller's generator `rng` (g may also be a Vec: one coefficient per
  // component, e.g. noise on part of the state only), calling after_step(k, t_k, x) after every
  // step k = 1..K: it may change x (a projection, e.g. x >= 0) and returns true to stop there.
  // Returns the time reached (t_end unless stopped).
  template <class Drift, class Diffusion, class AfterStep>
  double run_until(Drift&& drift, const Diffusion& g, Vec& x, double t0, double t_end, double dt,
                   std::mt19937_64& rng, AfterStep&& after_step) {
    boost::random::normal_distribution<double> gauss(0.0, 1.0);
    const long long K = steps(t0, t_end, dt);
    const double h = (t_end - t0) / static_cast<double>(K), sqrt_h = std::sqrt(h);
    for (long long k = 0; k < K; ++k) {
      const double t = t0 + static_cast<double>(k) * h;
      if (cancel_requested()) return t;  // sim/core/cancel.hpp: the caller throws Cancelled
      drift(x, t, f_);
      for (Eigen::Index i = 0; i < xi_.size(); ++i) xi_(i) = gauss(rng);
      if constexpr (std::is_same_v<std::decay_t<Diffusion>, Vec>)
        x += h * f_ + sqrt_h * g.cwiseProduct(xi_);  // a diffusion coefficient per component
      else
        x += h * f_ + (diffusion(g, t) * sqrt_h) * xi_;
      const double t_next = k + 1 == K ? t_end : t0 + static_cast<double>(k + 1) * h;
      if (after_step(k + 1, t_next, x)) return t_next;
    }
    return t_end;
  }

 private:
  template <class Diffusion>
  static double diffusion(const Diffusion& g, double t) {
    if constexpr (std::is_arithmetic_v<Diffusion>)
      return static_cast<double>(g);
    else
      return g(t);
  }

  Vec f_, xi_;  // drift and standard normal increments (D)
};

}  // namespace seqmem
