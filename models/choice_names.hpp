// A choice's spelling, declared once beside its enum: the table `choice_names(E)` returns is what the
// scenario parser reads (sim/scenario/choices.hpp), what the schema lists as the key's choices (and so
// `seqmem keys`, docs/scenarios.md and the Python checks), and what to_string writes into HDF5
// attributes and messages. Adding a value to an enum is adding one line to its table.
#pragma once

#include <cstddef>

namespace seqmem {

template <class E>
struct ChoiceName {
  const char* name;
  E value;
};

// The spelling of `e` in `table`, or "?" for a value the table lacks.
template <class E, std::size_t N>
constexpr const char* name_in(const ChoiceName<E> (&table)[N], E e) {
  for (const auto& c : table)
    if (c.value == e) return c.name;
  return "?";
}

}  // namespace seqmem
