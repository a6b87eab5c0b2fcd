// Overlap of the feature state with every memory (Appendix B):
//   m_mu = (1/N_f) sum_i Xi_{i mu} sigma_f(V_f)_i
#pragma once

#include "models/activations.hpp"

namespace seqmem {

// m = Xi^T sigma_f(V_f) / N_f; s is a work buffer of N_f entries.
template <class V, class M>
inline void overlaps(const Mat& Xi, const Eigen::MatrixBase<V>& Vf, double gamma, Vec& s,
                     Eigen::MatrixBase<M> const& m_) {
  auto& m = const_cast<Eigen::MatrixBase<M>&>(m_).derived();
  sigma_f(Vf, gamma, s);
  m.noalias() = Xi.transpose() * s;
  m /= static_cast<double>(Xi.rows());
}

}  // namespace seqmem
