#include "merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "output_file.hpp"
#include "provenance.hpp"
#include "run_scenario.hpp"
#include "scenario.hpp"
#include "sweep_tables.hpp"

namespace seqmem {
namespace {

struct Shard {
  std::string path, scenario, overrides;
  Provenance provenance;  // of the program that wrote the shard
  long long index = 0, count = 0;
};

Shard read_shard(const std::string& path) {
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f;
  try {
    f = h5::open_file_readonly(path);
  } catch (const std::exception&) {
    throw InputError(fmt::format("{}: cannot open it as HDF5 (a shard written by seqmem sweep --shard)", path));
  }
  Shard s;
  s.path = path;
  if (!h5::has_attr(f.id(), "shard_count") || !h5::has_attr(f.id(), "scenario"))
    throw InputError(fmt::format("{}: not a shard (no shard_count attribute: written by seqmem sweep --shard i/n?)", path));
  s.index = h5::read_int_attr(f.id(), "shard_index");
  s.count = h5::read_int_attr(f.id(), "shard_count");
  if (h5::read_int_attr(f.id(), "complete") == 0)
    throw InputError(fmt::format("{}: shard {}/{} is incomplete: finish it with seqmem sweep --shard {}/{} --resume",
                                 path, s.index, s.count, s.index, s.count));
  s.scenario = h5::read_string_attr(f.id(), "scenario");
  s.overrides = h5::read_string_attr(f.id(), "overrides");
  s.provenance = Provenance::read(f.id());
  return s;
}

}  // namespace

MergeSummary merge_shards(const std::string& out, const std::vector<std::string>& paths, bool notes) {
  if (paths.empty()) throw InputError("merge: no shard files given (seqmem merge OUT.h5 SHARD.h5...)");
  std::vector<Shard> shards;
  for (const auto& p : paths) shards.push_back(read_shard(p));
  const Shard& first = shards.front();
  std::map<long long, std::string> seen;
  for (const Shard& s : shards) {
    if (s.scenario != first.scenario)
      throw InputError(fmt::format("{}: written from another scenario text than {}", s.path, first.path));
    if (s.overrides != first.overrides)
      throw InputError(fmt::format("{}: written with other --set overrides than {}", s.path, first.path));
    if (s.count != first.count)
      throw InputError(fmt::format("{}: shard {}/{} of another split than {} (shard {}/{})", s.path, s.index, s.count,
                                   first.path, first.index, first.count));
    if (auto it = seen.find(s.index); it != seen.end())
      throw InputError(fmt::format("{}: shard {}/{} is given twice (also {})", s.path, s.index, s.count, it->second));
    seen[s.index] = s.path;
  }
  std::string missing;
  for (long long i = 1; i <= first.count; ++i)
    if (!seen.count(i)) missing += fmt::format("{}{}", missing.empty() ? "" : ", ", i);
  if (!missing.empty())
    throw InputError(fmt::format("merge: shard{} {} of {} missing", missing.find(',') == std::string::npos ? "" : "s",
                                 missing, first.count));

  std::vector<Row> rows;
  std::vector<Capacity> caps;
  for (const Shard& s : shards) {
    for (const auto& [k, r] : read_sweep_rows(s.path, first.scenario, first.overrides, "merge")) rows.push_back(r);
    for (const Capacity& c : read_sweep_capacities(s.path)) caps.push_back(c);
  }
  OutputFile of(out, paths, Existing::refuse, "remove it, or merge into another file", notes);
  write_sweep_file(
      of,
      [&](hid_t root) {  // the attributes of an unsharded sweep
        write_provenance(root, first.provenance);
        h5::set_attr(root, "complete", true);
        h5::Handle f = h5::open_file_readonly(first.path);
        h5::copy_group(f.id(), "configs", root, "configs");
      },
      rows, caps);
  MergeSummary m{static_cast<int>(shards.size()), static_cast<long long>(rows.size()),
                 static_cast<long long>(caps.size()), caps, {}};
  int configs = 0;
  for (const Capacity& c : caps) configs = std::max(configs, c.config + 1);
  for (int c = 0; c < configs; ++c) m.config_ids.push_back(fmt::format("r{:04d}", c));  // as Scenario names runs
  return m;
}

}  // namespace seqmem
