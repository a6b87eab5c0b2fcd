// The scenario schema: every key with its section, type, default, range and meaning. One table
// drives parsing, range checks, `seqmem keys` and the scenario guide (docs/scenarios.md), so the
// documented range is the checked range.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace seqmem {

enum class Type { Int, Float, Bool, String, IntList, IntListList, FloatList, BoolList, StringList };

// Which model kinds a key applies to (a set of kinds, one bit each): setting a key outside the kind's
// family is an error. gsemm_recall: the GSEMM keys that the free-recall kind's recall_rule = "gsemm"
// also reads; sequence: the sequence memories seqnet, densenet, mixednet and eden.
enum class Family : unsigned {
  gsemm = 1,
  diffusion = 2,
  free_recall = 4,
  sequence = 8,
  gsemm_recall = 5,
  gsemm_sequence = 9,
  gsemm_recall_sequence = 13,
  any = 15
};
// Whether a key of family `key` may be set under a kind of family `kind`.
inline bool in_family(Family key, Family kind) {
  return (static_cast<unsigned>(key) & static_cast<unsigned>(kind)) != 0;
}
// "GSEMM", "diffusion", "free recall", "sequence family", "GSEMM, free recall", ... or "all" (docs,
// `seqmem keys`).
const char* family_name(Family f);
// The same as tokens (seqmem.keys()): "gsemm", "diffusion", "free_recall", "sequence",
// "gsemm, free_recall", "gsemm, sequence", "gsemm, free_recall, sequence", "all".
const char* family_token(Family f);

// The range of a number, or of each number of a list. Floats must also be finite. A key may
// have one sentinel outside its range with a special meaning (-1: "automatic").
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;
  bool has_sentinel = false;
  double sentinel = 0;
  // Integers: the bounds as integers (hi fits the type the value is stored in).
  std::int64_t ilo = std::numeric_limits<std::int64_t>::min();
  std::int64_t ihi = std::numeric_limits<std::int64_t>::max();

  bool contains(double x) const;
  bool contains(std::int64_t x) const;
  std::string text() const;  // e.g. "> 0", "1..30", "0 < x <= 1", "-1 or >= 0"
};

struct KeyDef {
  const char* section;  // "" for top level
  const char* key;
  Type type;
  const char* def;      // default, as TOML
  const char* doc;
  Family family;
  Range range;          // numbers (and each element of a list of numbers)
  const char* choices;  // strings (and each element of a list of strings): "a|b|c"; null: any
};

const std::vector<KeyDef>& schema();
// The table schema() holds (schema_keys.cpp), built once.
std::vector<KeyDef> make_schema();
const KeyDef* find_key(const std::string& key);
bool is_section(const std::string& name);
// Why an override (--set, Python's overrides) cannot name [runs] or a key in it.
constexpr const char* kRunsNotOverridable =
    "[runs] cannot be overridden: an override sets one key for every run; write the runs in the scenario's [runs] "
    "table";
const char* type_name(Type t);
// "did you mean 'alpha_c'?" for a misspelt key, or "" when nothing is close.
std::string closest_key(const std::string& key);
// "did you mean [model]?" for a misspelt section, or "".
std::string closest_section(const std::string& name);

// The Markdown table of every key (for `seqmem keys` and the scenario guide); `one` limits it to
// one key (empty: all).
std::string describe_keys(const std::string& one = "");

}  // namespace seqmem
