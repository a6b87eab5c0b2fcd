// The scenario schema (see schema.hpp). Keys are unique across sections, so `--set`, [runs] and
// HDF5 attributes use the bare key.
#include "sim/scenario/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace seqmem {
namespace {

std::string number_text(double x) {
  if (x == std::floor(x) && std::abs(x) < 1e15) return fmt::format("{}", static_cast<long long>(x));
  return fmt::format("{}", x);
}

// Edit distance, for "did you mean".
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// Markdown table cells: a literal | would end the cell.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

const char* family_name(Family f) {
  switch (f) {
    case Family::gsemm: return "GSEMM";
    case Family::diffusion: return "diffusion";
    case Family::free_recall: return "free recall";
    case Family::sequence:
      return "sequence family";
    case Family::gsemm_recall: return "GSEMM, free recall";
    case Family::gsemm_sequence:
      return "GSEMM, sequence family";
    case Family::gsemm_recall_sequence:
      return "GSEMM, free recall, sequence family";
    case Family::any: return "all";
  }
  return "?";
}

const char* family_token(Family f) {
  switch (f) {
    case Family::gsemm: return "gsemm";
    case Family::diffusion: return "diffusion";
    case Family::free_recall: return "free_recall";
    case Family::sequence:
      return "sequence";
    case Family::gsemm_recall: return "gsemm, free_recall";
    case Family::gsemm_sequence:
      return "gsemm, sequence";
    case Family::gsemm_recall_sequence:
      return "gsemm, free_recall, sequence";
    case Family::any: return "all";
  }
  return "?";
}

bool Range::contains(double x) const {
  if (has_sentinel && x == sentinel) return true;
  if (!std::isfinite(x)) return false;
  if (lo_open ? !(x > lo) : !(x >= lo)) return false;
  if (hi_open ? !(x < hi) : !(x <= hi)) return false;
  return true;
}

bool Range::contains(std::int64_t x) const {
  return (has_sentinel && static_cast<double>(x) == sentinel) || (x >= ilo && x <= ihi);
}

std::string Range::text() const {
  std::string s;
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  const bool integer = ilo != std::numeric_limits<std::int64_t>::min() || ihi != std::numeric_limits<std::int64_t>::max();
  if (integer) {
    s = ihi == std::numeric_limits<std::int64_t>::max() ? fmt::format(">= {}", ilo) : fmt::format("in {}..{}", ilo, ihi);
  } else if (has_lo && has_hi) {
    s = fmt::format("in {}{}, {}{}", lo_open ? "(" : "[", number_text(lo), number_text(hi), hi_open ? ")" : "]");
  } else if (has_lo) {
    s = fmt::format("{} {}", lo_open ? ">" : ">=", number_text(lo));
  } else if (has_hi) {
    s = fmt::format("{} {}", hi_open ? "<" : "<=", number_text(hi));
  } else {
    s = "finite";
  }
  if (has_sentinel) s = fmt::format("{} or {}", number_text(sentinel), s);
  return s;
}

const std::vector<KeyDef>& schema() {
  static const std::vector<KeyDef> s = make_schema();
  return s;
}

const KeyDef* find_key(const std::string& key) {
  for (const auto& k : schema())
    if (key == k.key) return &k;
  return nullptr;
}

bool is_section(const std::string& name) {
  if (name == "runs") return true;
  for (const auto& k : schema())
    if (name == k.section && *k.section) return true;
  return false;
}

const char* type_name(Type t) {
  switch (t) {
    case Type::Int: return "an integer";
    case Type::Float: return "a number";
    case Type::Bool: return "true or false";
    case Type::String: return "a string";
    case Type::IntList: return "a list of integers";
    case Type::IntListList: return "a list of lists of integers";
    case Type::FloatList: return "a list of numbers";
    case Type::BoolList: return "true, false or a list of them";
    case Type::StringList: return "a list of strings";
  }
  return "?";
}

std::string closest_key(const std::string& key) {
  const KeyDef* best = nullptr;
  std::size_t best_d = 0;
  for (const auto& k : schema()) {
    const std::size_t d = distance(key, k.key);
    if (!best || d < best_d) best = &k, best_d = d;
  }
  if (!best || best_d > std::max<std::size_t>(2, key.size() / 3)) return "";
  return fmt::format("did you mean '{}'{}?", best->key,
                     *best->section ? fmt::format(" in [{}]", best->section) : std::string(" (top level)"));
}

std::string closest_section(const std::string& name) {
  std::string best;
  std::size_t best_d = 0;
  auto consider = [&](const std::string& s) {
    const std::size_t d = distance(name, s);
    if (best.empty() || d < best_d) best = s, best_d = d;
  };
  consider("runs");
  for (const auto& k : schema())
    if (*k.section) consider(k.section);
  if (best.empty() || best_d > std::max<std::size_t>(2, name.size() / 3)) return "";
  return fmt::format("did you mean [{}]?", best);
}

std::string describe_keys(const std::string& one) {
  std::string out = "| section | key | type | default | range | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& k : schema()) {
    if (!one.empty() && one != k.key) continue;
    std::string range;
    switch (k.type) {
      case Type::Int:
      case Type::Float:
      case Type::IntList:
      case Type::IntListList:
      case Type::FloatList: range = k.range.text(); break;
      default:
        if (k.choices) {
          std::string c = k.choices;
          std::string list;
          std::size_t start = 0;
          while (true) {
            const auto bar = c.find('|', start);
            const std::string opt = c.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
            list += fmt::format("{}`\"{}\"`", list.empty() ? "" : ", ", opt);
            if (bar == std::string::npos) break;
            start = bar + 1;
          }
          range = "one of " + list;
        }
    }
    const char* fam = family_name(k.family);
    out += fmt::format("| {} | `{}` | {} | `{}` | {} | {} ({}) |\n", *k.section ? fmt::format("[{}]", k.section) : "top",
                       k.key, type_name(k.type), cell(k.def), cell(range), cell(k.doc), fam);
  }
  return out;
}

}  // namespace seqmem
