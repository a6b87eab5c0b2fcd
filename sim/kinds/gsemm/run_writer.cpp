#include "sim/kinds/gsemm/run_writer.hpp"

#include <limits>

#include "sim/kinds/sequence_record.hpp"
#include "sim/output/key_attributes.hpp"
#include "sim/output/variables.hpp"

namespace seqmem {

struct RunWriter::Impl {
  hsize_t neuron_count = 0, memory_count = 0;
  h5::Handle group, memory, memory_to, neuron;
  h5::Appendable time, overlaps, energy, F, G, state_time, V_f, V_h, V_d;
};

namespace {
std::vector<int> one_to(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i + 1;
  return v;
}
// Eigen is column-major; HDF5 datasets are row-major.
std::vector<double> row_major(const Mat& M) {
  std::vector<double> v(M.size());
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(v.data(), M.rows(), M.cols()) = M;
  return v;
}
}  // namespace

RunWriter::RunWriter(hid_t runs_group, const RunSpec& spec, const Mat& Xi, const SpMat& Phi) : impl_(new Impl) {
  std::lock_guard<std::mutex> g(h5::lock());
  auto& m = *impl_;
  const hsize_t N = Xi.rows(), K = Xi.cols();
  const hsize_t chunk = spec.gsemm().chunk;
  m.neuron_count = N;
  m.memory_count = K;
  m.group = h5::create_group(runs_group, spec.id);
  const hid_t grp = m.group.id();
  write_key_attributes(grp, spec);
  H5Adelete(grp, "K");
  h5::set_attr(grp, "K", std::int64_t(K));  // the K actually used (from Xi_file when given)

  // Coordinates: memory and neuron labels are 1-based like the paper's xi_1 ... xi_K.
  const auto mem = one_to(static_cast<int>(K)), neu = one_to(static_cast<int>(N));
  m.memory = h5::write_dataset(grp, "memory", {K}, mem.data());
  m.neuron = h5::write_dataset(grp, "neuron", {N}, neu.data());
  h5::make_scale(m.memory.id(), "memory");
  h5::make_scale(m.neuron.id(), "neuron");

  auto xi = row_major(Xi);
  h5::Handle dXi = h5::write_dataset(grp, "Xi", {N, K}, xi.data());
  attach_dimensions(dXi.id());
  // Phi as its nonzero entries (coordinate list): Phi(Phi_from, Phi_to) = Phi_value, 1-based labels
  std::vector<int> from, to;
  std::vector<double> value;
  for (int k = 0; k < Phi.outerSize(); ++k)
    for (SpMat::InnerIterator it(Phi, k); it; ++it) {
      from.push_back(static_cast<int>(it.row()) + 1);
      to.push_back(static_cast<int>(it.col()) + 1);
      value.push_back(it.value());
    }
  const hsize_t nnz = value.size();
  std::vector<int> entry(nnz);
  for (hsize_t e = 0; e < nnz; ++e) entry[e] = static_cast<int>(e) + 1;
  h5::Handle dEntry = h5::write_dataset(grp, "Phi_entry", {nnz}, entry.data());
  h5::make_scale(dEntry.id(), "Phi_entry");
  for (auto [name, data] : {std::pair{"Phi_from", &from}, std::pair{"Phi_to", &to}}) {
    h5::Handle d = h5::write_dataset(grp, name, {nnz}, data->data());
    attach_dimensions(d.id());
  }
  h5::Handle dVal = h5::write_dataset(grp, "Phi_value", {nnz}, value.data());
  attach_dimensions(dVal.id());

  m.time = h5::Appendable(grp, "time", {}, chunk);
  h5::make_scale(m.time.id(), "time");
  m.overlaps = h5::Appendable(grp, "overlaps", {K}, chunk);
  attach_dimensions(m.overlaps.id());
  if (spec.gsemm().record_energy)
    for (auto [a, name] : {std::pair{&m.energy, "energy"}, std::pair{&m.F, "F"}, std::pair{&m.G, "G"}}) {
      *a = h5::Appendable(grp, name, {}, chunk);
      attach_dimensions(a->id());
    }

  if (spec.gsemm().record_V_f || spec.gsemm().record_V_h || spec.gsemm().record_V_d) {
    m.state_time = h5::Appendable(grp, "state_time", {}, chunk);
    h5::make_scale(m.state_time.id(), "state_time");
    auto state = [&](h5::Appendable& a, const char* name, hsize_t n, const h5::Handle& scale) {
      a = h5::Appendable(grp, name, {n}, chunk);
      attach_dimensions(a.id());
    };
    if (spec.gsemm().record_V_f) state(m.V_f, "V_f", N, m.neuron);
    if (spec.gsemm().record_V_h) state(m.V_h, "V_h", K, m.memory);
    if (spec.gsemm().record_V_d) state(m.V_d, "V_d", N, m.neuron);
  }
}

RunWriter::~RunWriter() {
  std::lock_guard<std::mutex> g(h5::lock());
  impl_.reset();
}

void RunWriter::append_samples(const double* t, const double* overlaps, const double* E, const double* F,
                               const double* G, hsize_t n) {
  std::lock_guard<std::mutex> g(h5::lock());
  impl_->time.append(t, n);
  impl_->overlaps.append(overlaps, n);
  if (E) {
    impl_->energy.append(E, n);
    impl_->F.append(F, n);
    impl_->G.append(G, n);
  }
}

void RunWriter::append_states(const double* t, const double* V_f, const double* V_h, const double* V_d,
                              hsize_t n) {
  std::lock_guard<std::mutex> g(h5::lock());
  auto& m = *impl_;
  m.state_time.append(t, n);
  if (V_f) m.V_f.append(V_f, n);
  if (V_h) m.V_h.append(V_h, n);
  if (V_d) m.V_d.append(V_d, n);
}

void RunWriter::finish(const RunOutcome& o) {
  std::lock_guard<std::mutex> g(h5::lock());
  write_visits_and_status(impl_->group.id(), o);
}

}  // namespace seqmem

namespace seqmem {

namespace {

// A coordinate 1..count with its dimension scale.
h5::Handle coordinate(hid_t loc, const char* name, int count) {
  const auto v = one_to(count);
  h5::Handle c = h5::write_dataset(loc, name, {static_cast<hsize_t>(count)}, v.data());
  h5::make_scale(c.id(), name);
  return c;
}

// The energy surfaces of the fixed-point analysis (Figure 2A) as the group `surface` of `grp`:
// energy(slice_time, a, b), the plane's basis(plane, neuron) and the trajectory projected on it
// (fp_time, plane); `fp_t` the analysis' sample times, N the feature neurons.
void write_surfaces(hid_t grp, const EnergySurfaces& S, const std::vector<double>& fp_t, hsize_t N) {
  const hsize_t n = fp_t.size();
  h5::Handle sg = h5::create_group(grp, "surface");
  const hid_t sgr = sg.id();
  const hsize_t ns = S.t.size(), na = S.a.size(), nb = S.b.size();
  const h5::Handle s_neuron = coordinate(sgr, "neuron", static_cast<int>(N));
  h5::Handle s_time = h5::write_dataset(sgr, "fp_time", {n}, fp_t.data());
  h5::make_scale(s_time.id(), "fp_time");
  h5::Handle st = h5::write_dataset(sgr, "slice_time", {ns}, S.t.data());
  h5::make_scale(st.id(), "slice_time");
  h5::Handle a = h5::write_dataset(sgr, "a", {na}, S.a.data());
  h5::make_scale(a.id(), "a");
  h5::Handle b = h5::write_dataset(sgr, "b", {nb}, S.b.data());
  h5::make_scale(b.id(), "b");
  std::vector<double> E;
  E.reserve(ns * na * nb);
  for (const Mat& slice : S.energy)
    for (hsize_t i = 0; i < na; ++i)
      for (hsize_t j = 0; j < nb; ++j) E.push_back(slice(i, j));
  h5::Handle dE = h5::write_dataset(sgr, "energy", {ns, na, nb}, E.data());
  attach_dimensions(dE.id());
  const int axes[2] = {1, 2};
  h5::Handle plane = h5::write_dataset(sgr, "plane", {2}, axes);
  h5::make_scale(plane.id(), "plane");
  std::vector<double> basis(S.e1.data(), S.e1.data() + N);
  basis.insert(basis.end(), S.e2.data(), S.e2.data() + N);
  h5::Handle dB = h5::write_dataset(sgr, "basis", {2, N}, basis.data());
  attach_dimensions(dB.id());
  std::vector<double> traj;
  for (hsize_t k = 0; k < n; ++k) traj.insert(traj.end(), {S.trajectory(k, 0), S.trajectory(k, 1)});
  h5::Handle dT = h5::write_dataset(sgr, "trajectory", {n, 2}, traj.data());
  attach_dimensions(dT.id());
}

}  // namespace

void RunWriter::write_fixed_points(const FixedPointAnalysis& fp) {
  std::lock_guard<std::mutex> guard(h5::lock());
  auto& m = *impl_;
  const hid_t run = m.group.id();
  h5::Handle g = h5::create_group(run, "fixed_points");
  const hid_t grp = g.id();
  const auto& s = fp.samples;
  const auto& pts = fp.points;
  const hsize_t n = s.t.size(), N = m.neuron_count, K = m.memory_count;
  h5::set_attr(grp, "n_samples", std::int64_t(n));
  h5::set_attr(grp, "wall_time_s", fp.wall_s);

  h5::Handle time = h5::write_dataset(grp, "fp_time", {n}, s.t.data());
  h5::make_scale(time.id(), "fp_time");
  // The group's own coordinates, so that it opens on its own (xarray, group="runs/r0000/fixed_points").
  const h5::Handle memory = coordinate(grp, "memory", static_cast<int>(K)),
                   neuron = coordinate(grp, "neuron", static_cast<int>(N));
  // A dataset over (fp_time, ...) with its dimension scales attached.
  auto put = [&](const std::string& name, std::vector<hsize_t> dims, const auto& data) {
    h5::Handle d = h5::write_dataset(grp, name, dims, data.data());
    attach_dimensions(d.id());
  };
  auto per_sample = [&](auto f) {
    using T = decltype(f(pts.from_state[0]));
    std::vector<T> v;
    for (const auto& p : pts.from_state) v.push_back(f(p));
    return v;
  };
  auto rows = [&](auto get, hsize_t width) {  // (n x width) row-major from per-sample vectors
    std::vector<double> v;
    v.reserve(n * width);
    for (hsize_t k = 0; k < n; ++k) {
      const Vec& x = get(k);
      v.insert(v.end(), x.data(), x.data() + x.size());
    }
    return v;
  };
  put("V_f", {n, N}, rows([&](hsize_t k) -> const Vec& { return s.V_f[k]; }, N));
  put("V_d", {n, N}, rows([&](hsize_t k) -> const Vec& { return s.V_d[k]; }, N));

  // (a) from the current state (Figure 2D)
  put("state_V_f", {n, N}, rows([&](hsize_t k) -> const Vec& { return pts.from_state[k].V_f; }, N));
  put("state_overlaps", {n, K}, rows([&](hsize_t k) -> const Vec& { return pts.from_state[k].overlaps; }, K));
  put("state_energy", {n}, per_sample([](const FixedPoint& p) { return p.energy; }));
  put("state_n_unstable", {n}, per_sample([](const FixedPoint& p) { return p.n_unstable; }));
  put("state_converged", {n}, per_sample([](const FixedPoint& p) { return int(p.converged); }));
  put("state_residual", {n}, per_sample([](const FixedPoint& p) { return p.residual; }));
  put("state_max_eigenvalue", {n},
      per_sample([](const FixedPoint& p) { return p.eigenvalues.size() ? p.eigenvalues(0) : 0.0; }));
  std::vector<double> dist(n);
  for (hsize_t k = 0; k < n; ++k) dist[k] = (pts.from_state[k].V_f - s.V_f[k]).norm();
  put("state_distance", {n}, dist);

  // (b) from every memory (Figure 2C)
  if (!pts.from_memory.empty()) {
    std::vector<double> energy, overlap, Vf;
    std::vector<int> nearest, unstable, converged;
    for (hsize_t k = 0; k < n; ++k)
      for (hsize_t mu = 0; mu < K; ++mu) {
        const FixedPoint& p = pts.from_memory[k][mu];
        energy.push_back(p.energy);
        overlap.push_back(p.overlaps(mu));
        Eigen::Index top;
        p.overlaps.maxCoeff(&top);
        nearest.push_back(static_cast<int>(top) + 1);
        unstable.push_back(p.n_unstable);
        converged.push_back(p.converged);
        Vf.insert(Vf.end(), p.V_f.data(), p.V_f.data() + N);
      }
    put("memory_energy", {n, K}, energy);
    put("memory_overlap", {n, K}, overlap);
    put("memory_nearest", {n, K}, nearest);
    put("memory_n_unstable", {n, K}, unstable);
    put("memory_converged", {n, K}, converged);
    put("memory_V_f", {n, K, N}, Vf);
  }

  if (!fp.surfaces.energy.empty()) write_surfaces(grp, fp.surfaces, s.t, N);  // Figure 2A
}

}  // namespace seqmem
