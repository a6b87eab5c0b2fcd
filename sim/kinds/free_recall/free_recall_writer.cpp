#include "sim/kinds/free_recall/free_recall_writer.hpp"

#include <numeric>

#include "sim/output/key_attributes.hpp"
#include "sim/output/variables.hpp"

namespace seqmem {
namespace {

constexpr hsize_t kChunk = 65536;  // events per chunk

// A curve over serial positions or lags, along the dimension the catalogue declares.
template <class T>
void write_curve(hid_t grp, const std::string& name, const std::vector<T>& v) {
  h5::Handle d = h5::write_dataset(grp, name, {v.size()}, v.data());
  attach_dimensions(d.id());
}

double per_list(std::int64_t n, std::int64_t lists) { return lists > 0 ? double(n) / double(lists) : 0.0; }

}  // namespace

FreeRecallWriter::FreeRecallWriter(hid_t runs_group, const RunSpec& spec) : spec_(spec) {
  std::lock_guard<std::mutex> lock(h5::lock());
  group_ = h5::create_group(runs_group, spec.id);
  write_key_attributes(group_.id(), spec);
  events_ = h5::create_group(group_.id(), "events");
  const hid_t E = events_.id();
  event_ = h5::Appendable(E, "event", {}, kChunk, H5T_NATIVE_INT32);
  h5::make_scale(event_.id(), "event");
  subject_ = h5::Appendable(E, "subject", {}, kChunk, H5T_NATIVE_INT32);
  list_ = h5::Appendable(E, "list", {}, kChunk, H5T_NATIVE_INT32);
  position_ = h5::Appendable(E, "position", {}, kChunk, H5T_NATIVE_INT32);
  trial_type_ = h5::Appendable(E, "trial_type", {}, kChunk, H5T_NATIVE_INT32);
  item_ = h5::Appendable(E, "item", {}, kChunk, H5T_NATIVE_INT32);
  for (const auto* a : {&subject_, &list_, &position_, &trial_type_, &item_}) attach_dimensions(a->id());
}

void FreeRecallWriter::append(const FreeRecallEvents& e) {
  std::lock_guard<std::mutex> lock(h5::lock());
  const auto n = static_cast<hsize_t>(e.size());
  std::vector<std::int32_t> number(n);
  std::iota(number.begin(), number.end(), static_cast<std::int32_t>(event_.rows()) + 1);
  event_.append(number.data(), n);
  subject_.append(e.subject.data(), n);
  list_.append(e.list.data(), n);
  position_.append(e.position.data(), n);
  trial_type_.append(e.trial_type.data(), n);
  item_.append(e.item.data(), n);
}

void FreeRecallWriter::finish(const FreeRecallOutcome& o) {
  std::lock_guard<std::mutex> lock(h5::lock());
  const hid_t G = group_.id();
  const auto& c = o.curves;
  const auto& f = spec_.free_recall();
  h5::set_attr(G, "status", o.status);
  h5::set_attr(G, "message", o.message);
  h5::set_attr(G, "wall_time_s", o.wall_s);
  h5::set_attr(G, "n_lists", std::int64_t(c.lists));

  // The pool: each item's category (0-based categories; -1 without).
  h5::Handle s_item = h5::write_index_scale(G, "item", 1, o.pool.N_items());
  std::vector<int> cat(static_cast<std::size_t>(o.pool.N_items()), -1);
  if (!o.pool.category.empty()) cat = o.pool.category;
  h5::Handle dc = h5::write_dataset(G, "item_category", {cat.size()}, cat.data());
  attach_dimensions(dc.id());

  if (f.recognition) {
    h5::set_attr(G, "hits", c.hits);
    h5::set_attr(G, "misses", c.misses);
    h5::set_attr(G, "false_alarms", c.false_alarms);
    h5::set_attr(G, "correct_rejections", c.correct_rejections);
    h5::set_attr(G, "hit_rate", c.hit_rate());
    h5::set_attr(G, "false_alarm_rate", c.false_alarm_rate());
    h5::set_attr(G, "d_prime", c.d_prime());
    return;
  }
  h5::set_attr(G, "recalls_per_list", per_list(c.correct, c.lists));
  h5::set_attr(G, "intrusions_per_list", per_list(c.intrusions, c.lists));
  h5::set_attr(G, "diverged_lists", o.diverged_lists);
  if (!o.pool.category.empty()) {
    h5::set_attr(G, "same_category_crp", c.same_category_crp());
    h5::set_attr(G, "other_category_crp", c.other_category_crp());
  }
  h5::write_index_scale(G, "serial_position", 1, f.L);
  write_curve(G, "spc", c.spc());
  write_curve(G, "pfr", c.pfr());
  h5::write_index_scale(G, "lag", 1 - f.L, 2 * f.L - 1);
  write_curve(G, "lag_crp", c.lag_crp());
  write_curve(G, "lag_crp_actual", c.lag_actual);
  write_curve(G, "lag_crp_possible", c.lag_possible);
}

}  // namespace seqmem
