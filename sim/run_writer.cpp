#include "run_writer.hpp"

namespace seqmem {

struct RunWriter::Impl {
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

RunWriter::RunWriter(hid_t runs_group, const RunSpec& spec, const Mat& Xi, const Mat& Phi) : impl_(new Impl) {
  std::lock_guard<std::mutex> g(h5::lock());
  auto& m = *impl_;
  const hsize_t N = Xi.rows(), K = Xi.cols();
  const hsize_t chunk = spec.chunk;
  m.group = h5::create_group(runs_group, spec.id);
  const hid_t grp = m.group.id();
  for (const auto& [k, v] : spec.resolved)
    if (k != "K") h5::set_attr(grp, k, v);
  h5::set_attr(grp, "K", std::int64_t(K));  // the K actually used (from Xi_file when given)

  // Coordinates: memory and neuron labels are 1-based like the paper's xi_1 ... xi_K.
  const auto mem = one_to(static_cast<int>(K)), neu = one_to(static_cast<int>(N));
  m.memory = h5::write_dataset(grp, "memory", {K}, mem.data());
  m.memory_to = h5::write_dataset(grp, "memory_to", {K}, mem.data());
  m.neuron = h5::write_dataset(grp, "neuron", {N}, neu.data());
  h5::make_scale(m.memory.id(), "memory");
  h5::make_scale(m.memory_to.id(), "memory_to");
  h5::make_scale(m.neuron.id(), "neuron");

  auto xi = row_major(Xi);
  h5::Handle dXi = h5::write_dataset(grp, "Xi", {N, K}, xi.data());
  h5::attach_scale(dXi.id(), m.neuron.id(), 0);
  h5::attach_scale(dXi.id(), m.memory.id(), 1);
  auto phi = row_major(Phi);
  h5::Handle dPhi = h5::write_dataset(grp, "Phi", {K, K}, phi.data());
  h5::attach_scale(dPhi.id(), m.memory.id(), 0);
  h5::attach_scale(dPhi.id(), m.memory_to.id(), 1);

  m.time = h5::Appendable(grp, "time", {}, chunk);
  h5::make_scale(m.time.id(), "time");
  m.overlaps = h5::Appendable(grp, "overlaps", {K}, chunk);
  h5::attach_scale(m.overlaps.id(), m.time.id(), 0);
  h5::attach_scale(m.overlaps.id(), m.memory.id(), 1);
  if (spec.record_energy)
    for (auto [a, name] : {std::pair{&m.energy, "energy"}, std::pair{&m.F, "F"}, std::pair{&m.G, "G"}}) {
      *a = h5::Appendable(grp, name, {}, chunk);
      h5::attach_scale(a->id(), m.time.id(), 0);
    }

  if (spec.record_V_f || spec.record_V_h || spec.record_V_d) {
    m.state_time = h5::Appendable(grp, "state_time", {}, chunk);
    h5::make_scale(m.state_time.id(), "state_time");
    auto state = [&](h5::Appendable& a, const char* name, hsize_t n, const h5::Handle& scale) {
      a = h5::Appendable(grp, name, {n}, chunk);
      h5::attach_scale(a.id(), m.state_time.id(), 0);
      h5::attach_scale(a.id(), scale.id(), 1);
    };
    if (spec.record_V_f) state(m.V_f, "V_f", N, m.neuron);
    if (spec.record_V_h) state(m.V_h, "V_h", K, m.memory);
    if (spec.record_V_d) state(m.V_d, "V_d", N, m.neuron);
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
  const hid_t grp = impl_->group.id();
  // visits: a compound table (memory: 1-based label, t_entry), loads straight into pandas.
  struct Row {
    int memory;
    double t_entry;
  };
  std::vector<Row> rows;
  for (const auto& v : o.visits) rows.push_back({v.memory + 1, v.t_entry});
  h5::Handle type(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose);
  H5Tinsert(type.id(), "memory", HOFFSET(Row, memory), H5T_NATIVE_INT32);
  H5Tinsert(type.id(), "t_entry", HOFFSET(Row, t_entry), H5T_NATIVE_DOUBLE);
  h5::Appendable visits(grp, "visits", {}, 64, type.id());
  visits.append(rows.data(), rows.size());
  const auto order = one_to(static_cast<int>(rows.size()));
  h5::Handle visit = h5::write_dataset(grp, "visit", {rows.size()}, order.data());
  h5::make_scale(visit.id(), "visit");
  h5::attach_scale(visits.id(), visit.id(), 0);

  h5::write_string(grp, "status", o.status);
  h5::set_attr(grp, "status", o.status);
  h5::set_attr(grp, "message", o.message);
  h5::set_attr(grp, "t_stop", o.t_stop);
  h5::set_attr(grp, "wall_time_s", o.wall_s);
  if (o.checked) {
    h5::set_attr(grp, "cycles_completed", std::int64_t(o.check.cycles_completed));
    h5::set_attr(grp, "correct_transitions", std::int64_t(o.check.correct_transitions));
    // 1-based like the `visit` coordinate; 0: no wrong visit
    h5::set_attr(grp, "first_wrong_visit", std::int64_t(o.check.first_wrong_index + 1));
    h5::set_attr(grp, "first_wrong_time", o.check.first_wrong_time);
  }
}

}  // namespace seqmem
