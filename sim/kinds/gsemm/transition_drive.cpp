// Whether a GSEMM's delayed drive can move the network from a memory to its successor (the warning of
// validate, run and sweep; docs/models.md §1.6, docs/guide.md "Parameters by degree").
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "sim/scenario/scenario.hpp"

namespace seqmem {

namespace {

// The delayed drive against the memory in place (docs/models.md §1.6): in a memory state, with the
// delay caught up (V_d = beta_d xi), the successor's hidden input is d_in alpha_c beta_d w N_f
// (w: the episode's weight in Phi) and the current memory's k_in N_f, so a transition needs
//   r = alpha_c beta_d w / k_in  (Eq. 10: k_in = 1; Eq. 9: k_in = sqrt(alpha_s))
// of order 1: above 1 at degree >= 2 and for softmax (the successor's sigma_h must exceed the
// current one's), above about 0.5 at degree 1 (mixtures carry the transition; Figure 1 moves at
// r = 0.94, the literal Figure 3 at r >= 0.8). The public code's linear delay term competes with
// alpha_s sigma_h(N_f) = alpha_s N_f^n: r = alpha_c beta_d w / (alpha_s N_f^(n-1)). "" when it can.
std::string weak_drive(const RunSpec& r, double alpha_c) {
  const auto& p = r.params;
  const bool linear = has_degree(p.sigma_h.kind) && p.sigma_h.degree == 1;
  double w = 0;
  for (const auto& e : r.gsemm().episodes) w = std::max(w, std::abs(e.weight));
  if (!r.gsemm().Phi_file.empty() || r.command == Command::sweep) w = std::max(w, 1.0);
  if (w == 0) return "";
  const int n = has_degree(p.sigma_h.kind) ? p.sigma_h.degree : 1;
  double ratio = alpha_c * p.beta_d * w;
  std::string formula = "alpha_c beta_d";
  if (p.alpha_s_placement == AlphaSPlacement::eq9 || r.model == ModelKind::gsemm) {
    ratio /= std::sqrt(p.alpha_s);
    formula += " / sqrt(alpha_s)";
  } else if (p.alpha_s_placement == AlphaSPlacement::public_code) {
    ratio /= p.alpha_s * std::pow(static_cast<double>(r.N_f), n - 1);
    formula += fmt::format(" / (alpha_s N_f^{})", n - 1);
  }
  if (w != 1.0) formula += " (times the episode weight)";
  const double need = linear ? 0.5 : 1.0;
  if (linear ? ratio >= need : ratio > need) return "";
  return fmt::format("{} = {:.3g}, {} the {} a transition needs{}", formula, ratio, ratio == need ? "at" : "below",
                     need, linear ? " at degree 1" : fmt::format(" with {} sigma_h{}", to_string(p.sigma_h.kind),
                                                                  n > 1 ? fmt::format(" of degree {}", n) : ""));
}

}  // namespace

std::string transition_problem(const RunSpec& r) {
  if (r.model != ModelKind::gsemm && r.model != ModelKind::dense_gsemm) return "";
  std::string why;
  if (r.command == Command::sweep) {  // each degree of the sweep, at the largest of its alpha_c
    double best = 0;
    for (double a : r.gsemm().sweep.alpha_c) best = std::max(best, a);
    std::vector<int> weak;
    std::string first;
    for (int d : r.gsemm().sweep.degrees) {
      RunSpec at = r;
      at.params.sigma_h.degree = d;
      const std::string w = weak_drive(at, best);
      if (!w.empty()) {
        weak.push_back(d);
        if (first.empty()) first = w;
      }
    }
    if (!weak.empty())
      why = fmt::format("at degree{} {} with the largest of sweep_alpha_c ({}): {}", weak.size() > 1 ? "s" : "",
                        fmt::join(weak, ", "), best, first);
  } else if (r.command == Command::run) {
    why = weak_drive(r, r.params.alpha_c);
  }
  if (why.empty()) return "";
  return fmt::format("the delayed drive cannot overcome the memory in place: {} (docs/models.md §1.6; working values "
                     "by degree: docs/guide.md, \"Parameters by degree\"); raise alpha_c or beta_d",
                     why);
}

}  // namespace seqmem
