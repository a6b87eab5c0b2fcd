// String <-> enum for the scenario's choice keys, from the one table declared beside each enum
// (models/choice_names.hpp): parse_choice<E>(text) for the parser, choice_list<E>() ("a|b|c") for
// the schema.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "models/choice_names.hpp"

namespace seqmem {

// The value spelt `text`. The schema has already checked `text` against choice_list<E>(), so a
// miss is a programming error (std::logic_error).
template <class E>
E parse_choice(std::string_view text) {
  for (const auto& c : choice_names(E{}))
    if (text == c.name) return c.value;
  throw std::logic_error("no choice '" + std::string(text) + "' in its enum's table");
}

// Every spelling, in the table's order, joined by '|' (the schema's KeyDef::choices).
template <class E>
const char* choice_list() {
  static const std::string joined = [] {
    std::string s;
    bool first = true;  // an empty spelling ("": none) is a choice too, in any place
    for (const auto& c : choice_names(E{})) {
      s += (first ? "" : "|") + std::string(c.name);
      first = false;
    }
    return s;
  }();
  return joined.c_str();
}

}  // namespace seqmem
