// The tables of a capacity-sweep file (`seqmem sweep`, `seqmem merge`): /evaluations, a row per
// evaluation, and /capacity, a row per (configuration, degree, seed); their messages between MPI
// ranks; reading them back for --resume and merge. Rows are written sorted by key, so a file's
// tables do not depend on the order in which threads, ranks or shards computed them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "../analysis/capacity.hpp"
#include "h5file.hpp"
#include "mpi_job.hpp"

namespace seqmem {

class OutputFile;

struct Row {  // one evaluation
  int config, degree;
  std::uint64_t seed;
  int K;
  double alpha_c;
  Evaluation e;
};
using Key = std::tuple<int, int, std::uint64_t, int, double>;  // config, degree, seed, K, alpha_c
inline Key key(const Row& r) { return {r.config, r.degree, r.seed, r.K, r.alpha_c}; }

struct Capacity {  // one (configuration, degree, seed)
  int config, degree;
  std::uint64_t seed;
  SearchResult search;
};

// Messages: 'R' a computed row, 'U' a row reused from the file, 'C' a capacity (the first byte).
std::string encode(const Row& r, char kind);
std::string encode(const Capacity& c);
Row decode_row(mpi::Bytes& b);
Capacity decode_capacity(mpi::Bytes& b);

// The whole file to OUT's partial name, renamed over OUT (a checkpoint): `header` writes the root
// attributes and /configs, then both tables, sorted. Throws OutputError.
void write_sweep_file(OutputFile& of, const std::function<void(hid_t root)>& header, std::vector<Row> rows,
                      std::vector<Capacity> caps);

// The evaluations of a sweep file; throws InputError (naming `path` and `why`, e.g. "--resume")
// when it cannot be read or was written from another scenario text or other overrides.
std::map<Key, Row> read_sweep_rows(const std::string& path, const std::string& scenario_text,
                                   const std::string& overrides_text, const std::string& why);
// The /capacity table of a sweep file (empty when it has none yet).
std::vector<Capacity> read_sweep_capacities(const std::string& path);

}  // namespace seqmem
