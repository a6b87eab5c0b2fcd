// The capacities of a sweep as the table `seqmem sweep` and `seqmem merge` print at the end (on
// stdout): per configuration, one row per degree (and alpha_c) and one column per seed, the values of the file's
// /capacity table; '≥' marks a value whose `censored` column is 1 (a lower bound: the search reached
// K_max, or an evaluation ran out of its budget).
//
//   capacity:
//     degree   seed 1   seed 2
//          2       12     ≥512
//   ('≥': a lower bound, the search reached K_max or an evaluation's budget)
// A shard's table may have holes ('-': a pair of another shard).
#pragma once

#include <string>
#include <vector>

#include "sim/sweeps/sweep_tables.hpp"

namespace seqmem {

// The rows and columns are the degrees and seeds present in `caps` (ascending), so a shard's table
// holds its own pairs; with capacity_per_alpha_c a row per (degree, alpha_c). `config_names`: the
// configurations' names (config_name: "r0001: T_d=30"); one without a name is named by its index.
std::string capacity_table(const std::vector<Capacity>& caps, const std::vector<std::string>& config_names);

}  // namespace seqmem
