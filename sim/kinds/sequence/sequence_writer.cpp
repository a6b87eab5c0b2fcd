#include "sim/kinds/sequence/sequence_writer.hpp"

#include <mutex>
#include <vector>

#include "sim/kinds/sequence_record.hpp"
#include "sim/output/h5file.hpp"
#include "sim/output/key_attributes.hpp"
#include "sim/output/variables.hpp"

namespace seqmem {

struct SequenceWriter::Impl {
  bool map = true, first = false, second = false;  // a map; S (or v) recorded; s recorded
  hsize_t N = 0;
  h5::Handle group;
  h5::Appendable time, overlaps, state_time, S, v, s;
  std::vector<int> spins;  // a map's states as integers
};

SequenceWriter::SequenceWriter(hid_t runs_group, const RunSpec& spec, const Mat& Xi) : impl_(new Impl) {
  std::lock_guard<std::mutex> g(h5::lock());
  auto& m = *impl_;
  const hsize_t N = Xi.rows(), K = Xi.cols(), chunk = spec.sequence().chunk;
  m.map = spec.model != ModelKind::eden;
  m.N = N;
  m.group = h5::create_group(runs_group, spec.id);
  const hid_t grp = m.group.id();
  write_key_attributes(grp, spec);
  // Coordinates: memory and neuron labels are 1-based like the papers' xi^1 ... xi^K.
  const h5::Handle memory = h5::write_index_scale(grp, "memory", 1, K),
                   neuron = h5::write_index_scale(grp, "neuron", 1, N);
  std::vector<double> xi(N * K);  // row-major (neuron, memory)
  for (hsize_t i = 0; i < N; ++i)
    for (hsize_t mu = 0; mu < K; ++mu) xi[i * K + mu] = Xi(i, mu);
  attach_dimensions(h5::write_dataset(grp, "Xi", {N, K}, xi.data()).id());
  m.time = h5::Appendable(grp, "time", {}, chunk);
  h5::make_scale(m.time.id(), "time");
  m.overlaps = h5::Appendable(grp, "overlaps", {K}, chunk);
  attach_dimensions(m.overlaps.id());
  m.first = spec.sequence().record_state;
  m.second = spec.sequence().record_delay;
  if (m.first || m.second) {
    m.state_time = h5::Appendable(grp, "state_time", {}, chunk);
    h5::make_scale(m.state_time.id(), "state_time");
    if (m.first && m.map) {
      m.S = h5::Appendable(grp, "S", {N}, chunk, H5T_NATIVE_INT);
      attach_dimensions(m.S.id());
    } else if (m.first) {
      m.v = h5::Appendable(grp, "v", {N}, chunk);
      attach_dimensions(m.v.id());
    }
    if (m.second) {
      m.s = h5::Appendable(grp, "s", {N}, chunk);
      attach_dimensions(m.s.id());
    }
  }
}

SequenceWriter::~SequenceWriter() {
  std::lock_guard<std::mutex> g(h5::lock());
  impl_.reset();
}

void SequenceWriter::append_samples(const double* t, const double* overlaps, hsize_t n) {
  std::lock_guard<std::mutex> g(h5::lock());
  impl_->time.append(t, n);
  impl_->overlaps.append(overlaps, n);
}

void SequenceWriter::append_states(const double* t, const double* first, const double* second, hsize_t n) {
  std::lock_guard<std::mutex> g(h5::lock());
  auto& m = *impl_;
  m.state_time.append(t, n);
  if (m.first && m.map) {
    m.spins.assign(first, first + n * m.N);  // +-1 exactly
    m.S.append(m.spins.data(), n);
  } else if (m.first) {
    m.v.append(first, n);
  }
  if (m.second) m.s.append(second, n);
}

void SequenceWriter::finish(const RunOutcome& o) {
  std::lock_guard<std::mutex> g(h5::lock());
  write_visits_and_status(impl_->group.id(), o);
}

}  // namespace seqmem
