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

#include "sim/experiments/capacity.hpp"
#include "sim/output/h5file.hpp"
#include "sim/parallel/mpi_job.hpp"

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

// One capacity search: a (configuration, degree, seed) and, with capacity_per_alpha_c, one
// alpha_c (-1: the search takes any alpha_c of the sweep).
struct Pair {
  int config, degree;
  std::uint64_t seed;
  double alpha_c;
};
inline std::tuple<int, int, std::uint64_t, double> key(const Pair& p) {
  return {p.config, p.degree, p.seed, p.alpha_c};
}

struct Capacity {  // the outcome of one pair's search
  int config, degree;
  std::uint64_t seed;
  double alpha_c;  // -1: any alpha_c of the sweep
  SearchResult search;
  Pair pair() const { return {config, degree, seed, alpha_c}; }
};

// Messages: 'R' a computed row, 'U' a row reused from the file, 'C' a capacity (the first byte).
std::string encode(const Row& r, char kind);
std::string encode(const Capacity& c);
Row decode_row(mpi::Bytes& b);
Capacity decode_capacity(mpi::Bytes& b);

// The whole file to OUT's partial name, then renamed to OUT (`final`) or to OUT's checkpoint:
// `header` writes the root attributes and /configs, then both tables, sorted. Throws OutputError.
void write_sweep_file(OutputFile& of, const std::function<void(hid_t root)>& header, std::vector<Row> rows,
                      std::vector<Capacity> caps, bool final, const std::string& resume_hint = "");

// The columns of the two tables as the writer writes them (/capacity also has alpha_c with
// capacity_per_alpha_c).
const std::vector<std::string>& evaluation_columns();
const std::vector<std::string>& capacity_columns();

// The evaluations of a sweep file; throws InputError (naming `path` and `why`, e.g. "--resume")
// when it cannot be read, was written from another scenario text or other overrides, lacks a
// column, has columns of unequal lengths or holds an evaluation twice.
std::map<Key, Row> read_sweep_rows(const std::string& path, const std::string& scenario_text,
                                   const std::string& overrides_text, const std::string& why);
// The /capacity table of a sweep file, checked as the evaluations are.
std::vector<Capacity> read_sweep_capacities(const std::string& path, const std::string& why);

}  // namespace seqmem
