// How a run and a configuration are named in tables and messages: by the values that vary.
#include <fmt/format.h>

#include <type_traits>
#include <variant>

#include "sim/scenario/scenario.hpp"

namespace seqmem {

std::string value_text(const AttrValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        else return fmt::format("{}", x);
      },
      v);
}

std::string run_label(const Scenario& sc, const RunSpec& r) {
  std::string label;
  for (const std::string& key : sc.varying)
    for (const auto& [name, value] : r.resolved)
      if (name == key) label += fmt::format("{}{}={}", label.empty() ? "" : " ", name, value_text(value));
  return label;
}

std::string config_name(const Scenario& sc, const RunSpec& r) {
  const std::string label = run_label(sc, r);
  return label.empty() ? r.id : r.id + ": " + label;
}

}  // namespace seqmem
