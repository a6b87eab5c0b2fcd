#include "sim/output/events_csv.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

#include "sim/output/h5file.hpp"
#include "sim/output/output_file.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {
namespace {

constexpr hsize_t kRows = 1 << 16;  // rows read and printed at a time

bool has_events(hid_t runs, const std::string& id) {
  return H5Lexists(runs, id.c_str(), H5P_DEFAULT) > 0 &&
         H5Lexists(runs, (id + "/events").c_str(), H5P_DEFAULT) > 0;
}

}  // namespace

void write_events_csv(const std::string& path, const std::string& run, std::FILE* out, const std::string& out_name) {
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle file = h5::open_input(path);
  if (H5Lexists(file.id(), "runs", H5P_DEFAULT) <= 0)
    throw InputError(fmt::format("{}: no /runs group: not a file of `seqmem run`", path));
  h5::Handle runs(H5Gopen2(file.id(), "runs", H5P_DEFAULT), H5Gclose);
  std::string id = run;
  if (id.empty()) {  // the only run with an event table
    std::vector<std::string> found;
    H5G_info_t info;
    H5Gget_info(runs.id(), &info);
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      char name[256] = {};
      H5Lget_name_by_idx(runs.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
      if (has_events(runs.id(), name)) found.emplace_back(name);
    }
    if (found.empty()) throw InputError(fmt::format("{}: no free-recall run (no runs/<id>/events)", path));
    if (found.size() > 1)
      throw InputError(fmt::format("{}: {} free-recall runs ({}, ...): choose one with --run", path, found.size(),
                                   found.front()));
    id = found.front();
  } else if (!has_events(runs.id(), id)) {
    throw InputError(fmt::format("{}: no free-recall run '{}' (no runs/{}/events)", path, id, id));
  }
  h5::Handle events(H5Gopen2(runs.id(), (id + "/events").c_str(), H5P_DEFAULT), H5Gclose);
  const char* columns[] = {"subject", "list", "position", "trial_type", "item"};
  for (const char* col : columns) {  // integer columns, or the table is not seqmem's
    if (H5Lexists(events.id(), col, H5P_DEFAULT) <= 0)
      throw InputError(fmt::format("{}: runs/{}/events has no column '{}'", path, id, col));
    h5::Handle d(H5Dopen2(events.id(), col, H5P_DEFAULT), H5Dclose);
    h5::Handle t(H5Dget_type(d.id()), H5Tclose);
    if (H5Tget_class(t.id()) != H5T_INTEGER)
      throw InputError(fmt::format("{}: runs/{}/events/{} is not an integer column", path, id, col));
  }
  // Each block is checked before anything is printed, the header with the first.
  std::string text = "subject,list,position,trial_type,item\n";
  for (hsize_t start = 0;; start += kRows) {
    std::vector<std::vector<std::int64_t>> c;
    try {
      for (const char* col : columns) c.push_back(h5::read_rows_i64(events.id(), col, start, kRows));
    } catch (const std::exception& e) {
      throw InputError(fmt::format("{}: runs/{}/events: {}", path, id, e.what()));
    }
    const std::size_t n = c[0].size();
    for (const auto& col : c)
      if (col.size() != n) throw InputError(fmt::format("{}: runs/{}/events: columns of unequal length", path, id));
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t type = c[3][i];
      if (type != 0 && type != 1)
        throw InputError(fmt::format("{}: runs/{}/events: trial_type {} in row {} (0 study, 1 recall)", path, id, type,
                                     start + i + 1));
      text += fmt::format("{},{},{},{},{}\n", c[0][i], c[1][i], c[2][i], type == 0 ? "study" : "recall", c[4][i]);
    }
    if (std::fputs(text.c_str(), out) == EOF || std::fflush(out) != 0) throw_write_error(out_name, std::strerror(errno));
    text.clear();
    if (n < kRows) break;
  }
}

}  // namespace seqmem
