// `seqmem merge SHARD.h5... -o OUT.h5`: the shards of one sweep (`seqmem sweep --shard i/n`, e.g. the
// tasks of a job array) joined into the file a single `seqmem sweep` would have written: the same
// root attributes (a new `created`), /configs and the two tables, sorted by key.
#pragma once

#include <string>
#include <vector>

#include "sim/sweeps/sweep_tables.hpp"

namespace seqmem {

struct MergeSummary {
  int shards = 0;
  long long evaluations = 0, pairs = 0;
  std::vector<Capacity> capacities;  // the merged /capacity table
  std::vector<std::string> config_names;  // the configurations' names (config_name)
};

// Every table of every shard is checked before anything is written: the columns the writer writes,
// of equal lengths; the /capacity rows exactly the pairs of shard i of n of the recorded scenario
// (sweep_pairs), once each; every evaluation of one of them; no evaluation in two shards.
// Throws InputError (exit 2, nothing written) naming the shard (and the table and column) when one
// of these fails, when a file is not a complete shard, when the shards come from different scenario
// texts, --set overrides or shard counts, when a shard is given twice or one is missing, or when
// OUT exists (without `overwrite`) or is one of the shards; OutputError when writing fails.
MergeSummary merge_shards(const std::string& out, const std::vector<std::string>& shards, bool overwrite, bool notes);

}  // namespace seqmem
