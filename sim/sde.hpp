// Euler-Maruyama for an Ito SDE with additive (state-independent) noise (Kloeden & Platen §9.1):
//   dx = f(x, t) dt + g(t) dW,   x(t0) = x0,   t from t0 to t_end
//   x_{k+1} = x_k + f(x_k, t_k) h + g(t_k) sqrt(h) xi_k,   xi_k ~ N(0, I_D),   t_k = t0 + k h
// with h = (t_end - t0) / K and K = ceil((t_end - t0) / dt): t_end is reached exactly and t_k is
// formed from k (no accumulated rounding). Strong order 1 for additive noise, weak order 1.
//
// Every trajectory draws from its own generator, std::mt19937_64 seeded by a std::seed_seq of
// (seed, trajectory index), through std::normal_distribution: trajectory i is the same path
// whichever thread runs it and however many threads there are.
// Nothing allocates in the step loop; the scratch buffers make an EulerMaruyama single-threaded
// (one per thread).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <type_traits>
#include <utility>

#include "../models/activations.hpp"

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

  // Integrates x from t0 to t_end in place. drift(x, t, out) writes f(x, t) into out (e.g.
  // PatternDiffusion::reverse_drift); g is the diffusion coefficient, a number or a callable g(t).
  template <class Drift, class Diffusion>
  void run(Drift&& drift, const Diffusion& g, Vec& x, double t0, double t_end, double dt, std::uint64_t seed,
           std::uint64_t index) {
    std::mt19937_64 rng = trajectory_rng(seed, index);
    std::normal_distribution<double> gauss(0.0, 1.0);
    const long long K = steps(t0, t_end, dt);
    const double h = (t_end - t0) / static_cast<double>(K), sqrt_h = std::sqrt(h);
    for (long long k = 0; k < K; ++k) {
      const double t = t0 + static_cast<double>(k) * h;
      drift(x, t, f_);
      for (Eigen::Index i = 0; i < xi_.size(); ++i) xi_(i) = gauss(rng);
      x += h * f_ + (diffusion(g, t) * sqrt_h) * xi_;
    }
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
