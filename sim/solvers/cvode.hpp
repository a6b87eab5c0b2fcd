// The stiff stepper of `stepper = "cvode_bdf"`: SUNDIALS CVODE, variable-order BDF with Newton
// iterations on a dense Jacobian (the system's analytic one when it has `jacobian(x, t, J)`,
// CVODE's difference quotients otherwise), vectors and LU backed by Eigen (cvode_eigen.hpp).
// The SUNDIALS headers stay in cvode.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "models/activations.hpp"
#include "sim/solvers/solver_stats.hpp"

namespace seqmem {

class CvodeBdf {
 public:
  using Rhs = std::function<void(const Vec& x, Vec& dxdt, double t)>;
  using Jacobian = std::function<void(const Vec& x, double t, Mat& J)>;  // empty: difference quotients
  struct Options {
    double abs_tol = 1e-8, rel_tol = 1e-8;
    double first_step = 0;     // 0: CVODE's estimate
    double min_step = 1e-12;   // relative: steps below min_step * max(1, |t|) fail
    long long max_steps = 100000000;
  };

  // x0: the state at t0. Throws std::runtime_error if CVODE cannot be set up.
  CvodeBdf(Rhs f, Jacobian jac, const Vec& x0, double t0, const Options& opt);
  ~CvodeBdf();
  CvodeBdf(const CvodeBdf&) = delete;
  CvodeBdf& operator=(const CvodeBdf&) = delete;

  // Integrates to tout and writes the state there into x (CVODE's interpolant when it stepped
  // beyond). Returns completed, diverged (the right-hand side became NaN or Inf) or failed (with
  // CVODE's message in `message`, e.g. too many steps or a step size below min_step).
  EndStatus advance(double tout, Vec& x, std::string& message);
  // One internal step of CVODE, not beyond t_stop; x and t are the state and time it reached.
  EndStatus step(double t_stop, Vec& x, double& t, std::string& message);
  double t() const;  // where the solver is
  SolverStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seqmem
