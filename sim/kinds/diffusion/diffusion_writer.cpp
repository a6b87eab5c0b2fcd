#include "sim/kinds/diffusion/diffusion_writer.hpp"

#include <tuple>

#include "sim/output/h5file.hpp"
#include "sim/output/key_attributes.hpp"
#include "sim/output/solver_attributes.hpp"
#include "sim/output/variables.hpp"

namespace seqmem {
namespace {

std::vector<double> row_major(const Mat& M) {
  std::vector<double> v(M.size());
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(v.data(), M.rows(), M.cols()) = M;
  return v;
}
// The dimension scales the output catalogue declares for `d` (sim/output/variables.hpp).
void attach(const h5::Handle& d) { attach_dimensions(d.id()); }

// The paths of the first `paths` trajectories: (path_trajectory, path_time, dim) and their energy.
void write_paths(hid_t G, const RecallResult& r) {
  const hsize_t D = static_cast<hsize_t>(r.paths.front().rows());
  const hsize_t P = r.paths.size(), n = r.path_time.size();
  h5::Handle s_pt = h5::write_dataset(G, "path_time", {n}, r.path_time.data());
  h5::make_scale(s_pt.id(), "path_time");
  h5::write_index_scale(G, "path_trajectory", 0, P);
  std::vector<double> p;
  p.reserve(P * n * D);
  for (const Mat& x : r.paths) p.insert(p.end(), x.data(), x.data() + x.size());
  attach(h5::write_dataset(G, "path", {P, n, D}, p.data()));
  const auto e = row_major(r.path_energy);
  attach(h5::write_dataset(G, "path_energy", {P, n}, e.data()));
}

// The energy landscape on the plane of coordinates 1 and 2: /runs/<id>/landscape.
void write_landscape(hid_t G, const Landscape& ls) {
  h5::Handle lg = h5::create_group(G, "landscape");
  h5::set_attr(lg.id(), "t", ls.t);
  h5::set_attr(lg.id(), "plane", std::string("coordinates 1 and 2, the others 0"));
  const hsize_t n = ls.x.size();
  h5::Handle sx = h5::write_dataset(lg.id(), "x", {n}, ls.x.data());
  h5::make_scale(sx.id(), "x");
  h5::Handle sy = h5::write_dataset(lg.id(), "y", {n}, ls.y.data());
  h5::make_scale(sy.id(), "y");
  for (auto [m, name] : {std::pair{&ls.energy, "energy"}, std::pair{&ls.log_density, "log_density"},
                         std::pair{&ls.score_x, "score_x"}, std::pair{&ls.score_y, "score_y"}}) {
    const auto v = row_major(*m);
    attach(h5::write_dataset(lg.id(), name, {n, n}, v.data()));
  }
}

}  // namespace

void write_diffusion_run(hid_t runs_group, const RunSpec& spec, const DiffusionOutcome& o) {
  std::lock_guard<std::mutex> lock(h5::lock());
  const auto& d = spec.diffusion();
  const auto& r = o.result;
  const GaussianMixture& g = *o.memories;
  h5::Handle grp = h5::create_group(runs_group, spec.id);
  const hid_t G = grp.id();
  write_key_attributes(G, spec);
  h5::set_attr(G, "beta_used", r.beta);
  h5::set_attr(G, "status", o.status);
  h5::set_attr(G, "message", o.message);
  h5::set_attr(G, "wall_time_s", o.wall_s);
  h5::set_attr(G, "diverged", std::int64_t(r.diverged));
  h5::set_attr(G, "failed", std::int64_t(r.failed));
  h5::set_attr(G, "mixtures", std::int64_t(r.mixtures));
  h5::set_attr(G, "N_components", std::int64_t(g.K()));
  write_solver_stats(G, r.stats);

  const hsize_t D = d.D, K = g.K(), M = d.trajectories, L = o.label_counts.size();
  // Coordinates: dim and label as the paper (dim 1..D; label 0 = semantic manifold, 1..N the
  // memories); trajectory and component are positions (0-based).
  for (auto [name, from, n] : {std::tuple{"dim", 1, D}, std::tuple{"component", 0, K}, std::tuple{"trajectory", 0, M},
                               std::tuple{"label", 0, L}})
    h5::write_index_scale(G, name, from, n);

  // The memories: means, prior weights, labels and covariance factors U sqrt(lambda).
  attach(h5::write_dataset(G, "means", {K, D}, g.means().data()));
  const Vec w = g.weights();
  std::vector<int> lab(K), rank(K);
  for (hsize_t k = 0; k < K; ++k) {
    lab[k] = g.label(k);
    rank[k] = g.rank(k);
  }
  attach(h5::write_dataset(G, "component_weight", {K}, w.data()));
  attach(h5::write_dataset(G, "component_label", {K}, lab.data()));
  attach(h5::write_dataset(G, "component_rank", {K}, rank.data()));
  if (const hsize_t R = g.max_rank(); R > 0) {
    h5::write_index_scale(G, "rank", 1, R);
    std::vector<double> f(K * D * R, 0.0);  // (component, dim, rank), zero-padded
    for (hsize_t k = 0; k < K; ++k) {
      const Mat F = g.basis(k) * g.variances(k).cwiseSqrt().asDiagonal();
      for (hsize_t i = 0; i < D; ++i)
        for (Eigen::Index j = 0; j < F.cols(); ++j) f[(k * D + i) * R + j] = F(i, j);
    }
    attach(h5::write_dataset(G, "component_factor", {K, D, R}, f.data()));
  }

  // Per trajectory. Eigen's D x M column-major block is the row-major (trajectory, dim) array.
  if (o.cues.cols() == 1)
    attach(h5::write_dataset(G, "cue", {D}, o.cues.data()));
  else
    attach(h5::write_dataset(G, "cue", {M, D}, o.cues.data()));
  if (r.end_states.cols() == static_cast<Eigen::Index>(M)) {
    attach(h5::write_dataset(G, "end_state", {M, D}, r.end_states.data()));
    attach(h5::write_dataset(G, "end_component", {M}, r.component.data()));
    // the memory label reached; -2: a mixture (largest memory weight below mixture_threshold); -1: not finite
    attach(h5::write_dataset(G, "end_memory", {M}, r.label.data()));
    attach(h5::write_dataset(G, "end_weight", {M}, r.weight.data()));
    if (r.weights.cols() == static_cast<Eigen::Index>(M)) {
      // labels x M column-major = (trajectory, label) row-major
      attach(h5::write_dataset(G, "end_weights", {M, L}, r.weights.data()));
    }
    attach(h5::write_dataset(G, "nearest", {M}, r.nearest.data()));
    attach(h5::write_dataset(G, "distance", {M}, r.distance.data()));
    attach(h5::write_dataset(G, "overlap", {M}, r.overlap.data()));
  }
  std::vector<double> counts(L), freq(L);
  for (hsize_t l = 0; l < L; ++l) {
    counts[l] = static_cast<double>(o.label_counts[l]);
    freq[l] = counts[l] / static_cast<double>(M);
  }
  std::vector<int> icounts(o.label_counts.begin(), o.label_counts.end());
  attach(h5::write_dataset(G, "label_counts", {L}, icounts.data()));
  attach(h5::write_dataset(G, "label_frequency", {L}, freq.data()));
  attach(h5::write_dataset(G, "label_posterior", {L}, o.label_posterior.data()));

  if (!r.paths.empty()) write_paths(G, r);
  if (o.has_landscape) write_landscape(G, o.landscape);
}

}  // namespace seqmem
