#include "sim/sweeps/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "sim/drivers/run_scenario.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/provenance.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/sweeps/sweep.hpp"
#include "sim/sweeps/sweep_tables.hpp"

namespace seqmem {
namespace {

struct Shard {
  std::string path, scenario, scenario_path, overrides;
  Provenance provenance;  // of the program that wrote the shard
  long long index = 0, count = 0;
  std::map<Key, Row> rows;
  std::vector<Capacity> caps;
};

Shard read_shard(const std::string& path) {
  Shard s;
  s.path = path;
  {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::open_input(path, "merge");
    if (!h5::has_attr(f.id(), "shard_count") || !h5::has_attr(f.id(), "scenario"))
      throw InputError(fmt::format("{}: not a shard (no shard_count attribute: written by seqmem sweep --shard i/n?)", path));
    s.index = h5::read_int_attr(f.id(), "shard_index");
    s.count = h5::read_int_attr(f.id(), "shard_count");
    if (h5::read_int_attr(f.id(), "complete") == 0)
      throw InputError(fmt::format("{}: shard {}/{} is incomplete: finish it with seqmem sweep --shard {}/{} --resume",
                                   path, s.index, s.count, s.index, s.count));
    s.scenario = h5::read_string_attr(f.id(), "scenario");
    s.scenario_path = h5::read_string_attr(f.id(), "scenario_path");
    s.overrides = h5::read_string_attr(f.id(), "overrides");
    s.provenance = Provenance::read(f.id());
  }
  s.rows = read_sweep_rows(path, s.scenario, s.overrides, "merge");
  s.caps = read_sweep_capacities(path, "merge");
  return s;
}

std::string pair_text(const Pair& p) {
  return fmt::format("(config {}, degree {}, seed {}{})", p.config, p.degree, p.seed,
                     p.alpha_c >= 0 ? fmt::format(", alpha_c {}", p.alpha_c) : "");
}

// The shard holds what shard index/count of the scenario computes: its /capacity rows are exactly
// its pairs, once each, and every evaluation belongs to one of them.
void check_shard_tables(const Shard& s, const std::vector<RunSpec>& configs) {
  const std::string at = fmt::format("{}: merge: shard {}/{}", s.path, s.index, s.count);
  std::set<std::tuple<int, int, std::uint64_t, double>> expected;
  for (const Pair& p : sweep_pairs(configs, static_cast<int>(s.index), static_cast<int>(s.count)))
    expected.insert(key(p));
  std::set<std::tuple<int, int, std::uint64_t, double>> seen;
  for (const Capacity& c : s.caps) {
    if (!expected.count(key(c.pair())))
      throw InputError(fmt::format("{}: table 'capacity' holds {}, which is not one of this shard's pairs", at,
                                   pair_text(c.pair())));
    if (!seen.insert(key(c.pair())).second)
      throw InputError(fmt::format("{}: table 'capacity' holds {} twice", at, pair_text(c.pair())));
  }
  for (const auto& p : expected)
    if (!seen.count(p))
      throw InputError(fmt::format("{}: table 'capacity' lacks {}", at,
                                   pair_text({std::get<0>(p), std::get<1>(p), std::get<2>(p), std::get<3>(p)})));
  const bool per_alpha = !configs.empty() && configs.front().gsemm().sweep.per_alpha_c;
  for (const auto& [k, r] : s.rows) {
    const Pair p{r.config, r.degree, r.seed, per_alpha ? r.alpha_c : -1.0};
    if (!expected.count(key(p)))
      throw InputError(fmt::format("{}: table 'evaluations' holds an evaluation of {}, which is not one of this "
                                   "shard's pairs",
                                   at, pair_text(p)));
  }
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

MergeSummary merge_shards(const std::string& out, const std::vector<std::string>& paths, bool overwrite, bool notes) {
  if (paths.empty()) throw InputError("merge: no shard files given (seqmem merge SHARD.h5... -o OUT.h5)");
  // Where OUT may be written is checked before the shards are read.
  OutputFile of(out, paths, overwrite ? Existing::overwrite : Existing::refuse,
                "replace it with --overwrite, or merge into another file", notes);
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

  // The scenario the shards were written from, as the sweep read it: its pairs, shard by shard.
  const std::string dir = std::filesystem::path(first.scenario_path).parent_path().string();
  Scenario sc;
  try {
    sc = load_scenario_text(first.scenario, first.scenario_path, dir.empty() ? "." : dir, lines(first.overrides));
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: merge: the scenario recorded in the shard does not load: {}", first.path,
                                 e.what()));
  }
  if (sc.command != Command::sweep)
    throw InputError(fmt::format("{}: merge: the scenario recorded in the shard is not a capacity sweep", first.path));
  std::vector<RunSpec> configs;
  for (const RunSpec& r : sc.runs) configs.push_back(r);
  for (const Shard& s : shards) check_shard_tables(s, configs);

  std::vector<Row> rows;
  std::vector<Capacity> caps;
  std::map<Key, std::string> from;
  for (const Shard& s : shards) {
    for (const auto& [k, r] : s.rows) {
      if (auto [it, fresh] = from.emplace(k, s.path); !fresh)
        throw InputError(fmt::format("{}: merge: the evaluation (config {}, degree {}, seed {}, K {}, alpha_c {}) is "
                                     "also in {}: the shards overlap",
                                     s.path, r.config, r.degree, r.seed, r.K, r.alpha_c, it->second));
      rows.push_back(r);
    }
    caps.insert(caps.end(), s.caps.begin(), s.caps.end());
  }
  write_sweep_file(
      of,
      [&](hid_t root) {  // the attributes of an unsharded sweep
        write_provenance(root, first.provenance);
        h5::set_attr(root, "complete", true);
        h5::Handle f = h5::open_file_readonly(first.path);
        h5::copy_group(f.id(), "configs", root, "configs");
      },
      rows, caps, true);
  MergeSummary m{static_cast<int>(shards.size()), static_cast<long long>(rows.size()),
                 static_cast<long long>(caps.size()), caps, {}};
  for (const RunSpec& r : configs) m.config_names.push_back(config_name(sc, r));
  return m;
}

}  // namespace seqmem
