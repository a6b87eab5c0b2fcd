// The analyses inside Python (seqmem._core): the free-recall curves of analysis/free_recall_curves.hpp
// on arrays that seqmem.free_recall builds from any event table.
#pragma once

#include <pybind11/pybind11.h>

namespace seqmem::python {

void bind_analysis(pybind11::module_& m);

}  // namespace seqmem::python
