// Dense GSEMM: the T_h -> 0 limit of GSEMM (paper Eq. 9, 10; models.md §1), an odeint system.
// With Phi = 0 it is GAMM, a static associative memory.
//   h         = c Xi^T sigma_f(V_f) + alpha_c Phi^T Xi^T V_d,   c = 1 (Eq. 10) or sqrt(alpha_s) (Eq. 9)
//   T_f dV_f  = sqrt(alpha_s) Xi sigma_h(h) - V_f + I_f(t)
//   T_d dV_d  = beta_d sigma_f(V_f) - V_d
// The authors' public degree-1 code (alpha_s_placement = public_code) puts the delay outside
// sigma_h: T_f dV_f = alpha_s Xi sigma_h(Xi^T s) + alpha_c Xi Phi^T Xi^T V_d - V_f + I_f. In one
// notation, with a = Xi^T sigma_f(V_f) and u_d = Xi^T V_d:
//   h = k_in a + d_in alpha_c Phi^T u_d,   w = k_out sigma_h(h) + d_out alpha_c Phi^T u_d,
//   T_f dV_f = Xi w - V_f + I_f,
// with (k_in, d_in, k_out, d_out) = (1, 1, sqrt(alpha_s), 0) for Eq. 10, (sqrt(alpha_s), 1,
// sqrt(alpha_s), 0) for Eq. 9 and (1, 0, alpha_s, 1) for the public code. sigma_h carries the
// scales of hidden_normalization (sigma_h(h / N_f), or N_f sigma_h(h / N_f)).
//
// State x = [V_f; V_d; u_d] (2 N_f + K entries). u_d's ODE, T_d du_d/dt = beta_d Xi^T sigma_f(V_f)
// - u_d, is Xi^T applied to the V_d equation and reuses the a that h needs anyway: one product
// with Xi^T per evaluation instead of two. Runge-Kutta methods commute with linear maps, so u_d
// stays Xi^T V_d up to rounding (tested); V_d itself is kept for recording and energies.
//
// Binary memories (every entry +-1, the paper's) with K >= kBinaryMinK compute a from bits and
// saturation (models/binary_patterns.hpp): equal to the dense product to rounding.
//
// Energy at given V_d (models.md §1, derived from Eq. 4 in the limit; tests/test_energy.cpp):
//   E(V_f; V_d) = sum_i [V_i s_i - L_f(V_i)] - (k_out / k_in) L_h(h) - d_out alpha_c a^T Phi^T u_d
//   grad_{V_f} E = diag(s') (V_f - Xi w)   (= -T_f diag(s') dV_f/dt without input)
//   dE/dt = F + G,  F = grad_{V_f} E . dV_f/dt,
//   G = -(k_out / k_in) d_in alpha_c sigma_h(h)^T Phi^T du_d/dt - d_out alpha_c a^T Phi^T du_d/dt
#pragma once

#include <limits>
#include <optional>
#include <stdexcept>

#include "models/binary_patterns.hpp"
#include "models/gsemm_params.hpp"

namespace seqmem {

class DenseGsemm {
 public:
  // How a = Xi^T sigma_f(V_f) is computed: automatic (bits for binary Xi with K >= kBinaryMinK),
  // or forced (tests, benchmark).
  enum class Products { automatic, dense, binary };
  static constexpr int kBinaryMinK = 64;

  // Phi dense (K x K): its nonzero entries are kept.
  DenseGsemm(Mat Xi, const Mat& Phi, GsemmParams p, InputCurrent input = {}, Products products = Products::automatic)
      : DenseGsemm(std::move(Xi), SpMat(Phi.sparseView(0.0, 0.0)), p, std::move(input), products) {}
  DenseGsemm(Mat Xi, const SpMat& Phi, GsemmParams p, InputCurrent input = {}, Products products = Products::automatic)
      : Xi_(std::move(Xi)),
        PhiT_(Phi.transpose()),
        p_(p),
        sigma_h_(p.hidden_activation(N_f())),
        input_(std::move(input)),
        public_code_(p.alpha_s_placement == AlphaSPlacement::public_code),
        k_in_(p.alpha_s_placement == AlphaSPlacement::eq9 ? std::sqrt(p.alpha_s) : 1.0),
        k_out_(public_code_ ? p.alpha_s : std::sqrt(p.alpha_s)),
        out_gain_(public_code_ ? 1.0 : k_out_),
        s_(N_f()),
        a_(K()),
        h_(K()),
        g_(K()),
        w_(K()) {
    const bool binary = products != Products::dense && BinaryPatterns::is_binary(Xi_);
    if (products == Products::binary && !binary) throw std::invalid_argument("DenseGsemm: Xi is not binary");
    if (binary && (products == Products::binary || K() >= kBinaryMinK)) bits_.emplace(Xi_);
  }

  int N_f() const { return static_cast<int>(Xi_.rows()); }
  int K() const { return static_cast<int>(Xi_.cols()); }
  Eigen::Index state_size() const { return 2 * Xi_.rows() + Xi_.cols(); }
  const Mat& Xi() const { return Xi_; }
  const GsemmParams& params() const { return p_; }
  bool binary_products() const { return bits_.has_value(); }
  // The fast part of the state for rk4_split: V_f (the delay [V_d; u_d] is the slow part).
  Eigen::Index split_index() const { return Xi_.rows(); }

  static auto V_f(const Vec& x, int N_f) { return x.head(N_f); }
  static auto V_d(const Vec& x, int N_f) { return x.segment(N_f, N_f); }
  static auto u_d(const Vec& x, int N_f) { return x.tail(x.size() - 2 * N_f); }

  // The odeint system: dxdt = f(x, t).
  void operator()(const Vec& x, Vec& dxdt, double t) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    evaluate(x);
    auto dVf = dxdt.head(n);
    dVf.noalias() = Xi_ * w_;
    dVf = (out_gain_ * dVf - x.head(n)) / p_.T_f;
    if (input_.active(t)) dVf += input_.I / p_.T_f;
    dxdt.segment(n, n) = (p_.beta_d * s_ - x.segment(n, n)) / p_.T_d;
    dxdt.tail(k) = (p_.beta_d * a_ - x.tail(k)) / p_.T_d;
  }

  // a = Xi^T sigma_f(V_f) (the overlaps times N_f) when the last evaluation of the system was at
  // this V_f, else null: an observer after a step whose last stage is the new state (dopri5's
  // FSAL) reads it instead of computing the product again.
  const Vec* last_overlap_drive(const Vec& x) const {
    return valid_ && x.head(Xi_.rows()) == last_Vf_ ? &a_ : nullptr;
  }

  // a = Xi^T s (bits and saturation when available).
  void overlap_drive(const Vec& s, Vec& a) const {
    if (bits_) bits_->transpose_times(s, a);
    else a.noalias() = Xi_.transpose() * s;
  }

  // The Jacobian d f / d x (for implicit steppers; the input current does not depend on x). With
  // s' = gamma (1 - s^2), H = H(L_h)(h) (K x K, diagonal for the polynomials):
  //   d(dV_f)/dV_f = (k_out k_in Xi H Xi^T diag(s') - I) / T_f
  //   d(dV_f)/du_d = (k_out d_in alpha_c Xi H Phi^T + d_out alpha_c Xi Phi^T) / T_f
  //   d(dV_d)/dV_f = beta_d diag(s') / T_d,       d(dV_d)/dV_d = -I / T_d
  //   d(du_d)/dV_f = beta_d Xi^T diag(s') / T_d,  d(du_d)/du_d = -I / T_d
  // Allocates: called once per Jacobian update of the stepper, not per step.
  void jacobian(const Vec& x, double /*t*/, Mat& J) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    evaluate(x);
    const Vec ds = p_.gamma * (1.0 - s_.array().square()).matrix();
    const Mat A = Xi_ * sigma_h_.hessian(h_, g_);  // Xi H
    J.setZero(state_size(), state_size());
    J.topLeftCorner(n, n).noalias() = (k_out_ * k_in_ / p_.T_f) * (A * (Xi_.transpose() * ds.asDiagonal()));
    J.topLeftCorner(n, n).diagonal().array() -= 1.0 / p_.T_f;
    if (public_code_) J.block(0, 2 * n, n, k).noalias() = (p_.alpha_c / p_.T_f) * (Xi_ * PhiT_);
    else J.block(0, 2 * n, n, k).noalias() = (k_out_ * p_.alpha_c / p_.T_f) * (A * PhiT_);
    J.block(n, 0, n, n).diagonal() = (p_.beta_d / p_.T_d) * ds;
    J.block(n, n, n, n).diagonal().setConstant(-1.0 / p_.T_d);
    J.block(2 * n, 0, k, n).noalias() = (p_.beta_d / p_.T_d) * (Xi_.transpose() * ds.asDiagonal());
    J.block(2 * n, 2 * n, k, k).diagonal().setConstant(-1.0 / p_.T_d);
  }

  // Saturated phases (every sigma_f(V_i) exactly +-1, so s and a = Xi^T s are constant): the
  // delay relaxes in closed form and, for sigma_h = x^n, the drive of V_f is a polynomial in
  // y = 1 - exp(-tau / T_d), tau the time since the phase began:
  //   u_d(tau) = u_d0 + (beta_d a - u_d0) y,            V_d(tau) likewise with s,
  //   h(tau) = h0 - B y,  h0 = k_in a + alpha_c Phi^T u_d0,  B = alpha_c Phi^T (u_d0 - beta_d a),
  //   Xi w(tau) = sum_k Xi W_k y^k,  W_k = k_out out_scale in_scale^n binom(n, k) h0^(n-k) (-B)^k  (Eq. 10, 9);
  //   public code: W_0 = alpha_s sigma_h(a) + alpha_c Phi^T u_d0, W_1 = -B (the delay outside sigma_h).
  // The expansion is centred on the phase's start: its terms are bounded by (|h0| + |B| y)^n, so
  // it stays accurate while |B| y is not much larger than the hidden inputs (an expansion in
  // exp(-tau / T_d) instead cancels catastrophically at high degree: terms of 1400^15 for a drive
  // of 100^15 at the cue). Returns the y up to which the terms stay within 4^n max|h0|^n (1 when
  // any y is fine). W: K x (n + 1), column k = W_k (the factor of Xi w included).
  // models/saturated_phase.hpp solves the V_f equation with it; sim/solvers/event_driven.cpp strings the
  // phases together.
  bool has_saturated_phases() const {
    return sigma_h_.kind == HiddenKind::polynomial && sigma_h_.degree < 32 && input_.I.size() == 0;
  }
  int saturated_terms() const { return public_code_ ? 2 : sigma_h_.degree + 1; }
  double saturated_drive(const Vec& a, const Eigen::Ref<const Vec>& u_d0, Mat& W) const {
    const auto k = Xi_.cols();
    const int n = sigma_h_.degree;
    W.resize(k, saturated_terms());
    valid_ = false;  // the work buffers below no longer belong to last_Vf_
    g_.noalias() = PhiT_ * u_d0;  // Phi^T u_d0
    h_.noalias() = PhiT_ * a;     // Phi^T a
    w_ = p_.alpha_c * (g_ - p_.beta_d * h_);  // B
    if (public_code_) {
      sigma_h_(a, h_);
      W.col(0) = k_out_ * h_ + p_.alpha_c * g_;
      W.col(1) = -w_;
      return 1.0;
    }
    h_ = k_in_ * a + p_.alpha_c * g_;  // h0
    const double c = sigma_h_.in_scale;
    double binom = 1.0;  // binom(n, k)
    for (int j = 0; j <= n; ++j) {
      auto Wj = W.col(j).array();
      Wj = (k_out_ * sigma_h_.out_scale * binom);
      for (int m = 0; m < n - j; ++m) Wj *= c * h_.array();
      for (int m = 0; m < j; ++m) Wj *= -c * w_.array();
      binom = binom * (n - j) / (j + 1);
    }
    const double B_max = w_.cwiseAbs().maxCoeff(), h_max = h_.cwiseAbs().maxCoeff();
    return n <= 1 || B_max <= h_max ? 1.0 : std::min(1.0, 3.0 * h_max / B_max);
  }

  // V_h of Eq. 9: the hidden currents are a function of (V_f, V_d) in the dense limit.
  void hidden_state(const Vec& x, Vec& Vh) const {
    evaluate(x);
    Vh = h_;
  }

  // The delay part of a state or derivative vector: [V_d; u_d].
  static auto delay(Vec& v, int N_f) { return v.tail(v.size() - N_f); }

  // E(V_f; V_d) of the state x.
  double energy(const Vec& x) const {
    evaluate(x);
    return energy_at(x);
  }

  // E, F and G at (x, t). Allocates: for recording at sample times, not for the inner loop.
  EnergyRates energy_rates(const Vec& x, double t) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    Vec dx(x.size());
    (*this)(x, dx, t);  // leaves s_, a_, h_, g_, w_ at x
    EnergyRates r;
    r.E = energy_at(x);
    const Vec ds = p_.gamma * (1.0 - s_.array().square()).matrix();  // sigma_f'
    const Vec grad = ds.cwiseProduct(x.head(n) - out_gain_ * (Xi_ * w_));
    r.F = grad.dot(dx.head(n));
    const Vec PhiT_dud = PhiT_ * dx.tail(k);
    r.G = public_code_ ? -p_.alpha_c * a_.dot(PhiT_dud) : -k_out_ / k_in_ * p_.alpha_c * g_.dot(PhiT_dud);
    return r;
  }

  // Initial state: V_f from the cue, V_d = V_d0, u_d = Xi^T V_d0.
  Vec initial_state(const Vec& Vf0, const Vec& Vd0) const {
    Vec x(state_size());
    x << Vf0, Vd0, Xi_.transpose() * Vd0;
    return x;
  }

 private:
  // s_, a_, h_, g_ and w_ at the state x.
  void evaluate(const Vec& x) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    sigma_f(x.head(n), p_.gamma, s_);
    overlap_drive(s_, a_);
    last_Vf_ = x.head(n);  // same size every call: no allocation after the first
    valid_ = true;
    if (public_code_) {  // w = alpha_s sigma_h(a) + alpha_c Phi^T u_d, out_gain 1
      sigma_h_(a_, g_);
      h_ = a_;
      w_.noalias() = PhiT_ * x.tail(k);  // the delay, outside sigma_h
      w_ *= p_.alpha_c;
      w_ += k_out_ * g_;
    } else {  // w = sigma_h(h), out_gain k_out
      h_.noalias() = PhiT_ * x.tail(k);  // Phi sparse: an episode has one successor per memory
      h_ *= p_.alpha_c;
      h_ += k_in_ * a_;
      sigma_h_(h_, g_);
      w_ = g_;
    }
  }

  double energy_at(const Vec& x) const {
    const auto n = Xi_.rows(), k = Xi_.cols();
    double E = feature_energy(x.head(n), s_, p_.gamma) - k_out_ / k_in_ * sigma_h_.lagrangian(h_);
    if (public_code_) E -= p_.alpha_c * a_.dot(PhiT_ * x.tail(k));
    return E;
  }

  Mat Xi_;                            // N_f x K, one memory per column
  Eigen::SparseMatrix<double> PhiT_;  // K x K
  GsemmParams p_;
  HiddenActivation sigma_h_;          // with the scales of p_.hidden_normalization
  InputCurrent input_;
  bool public_code_;
  double k_in_, k_out_, out_gain_;           // out_gain: the factor of Xi w (k_out, or 1 when w holds it)
  std::optional<BinaryPatterns> bits_;       // a copy of the model copies it (its buffers are per object)
  mutable Vec s_, a_, h_, g_, w_;  // work buffers: sigma_f(V_f), Xi^T sigma_f(V_f), h, sigma_h(h), w
  mutable Vec last_Vf_;            // the V_f of the last evaluation (a_ belongs to it)
  mutable bool valid_ = false;
};

}  // namespace seqmem
