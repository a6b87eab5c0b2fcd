// The free-recall curves inside Python: seqmem._core.free_recall_counts runs the accumulator of
// analysis/free_recall_curves.hpp (the one that the runs of kind = "free_recall" use) over the lists
// of any event table, one accumulator per group (subject), and returns its integer counts as NumPy
// arrays; seqmem.free_recall turns them into psifr's tables. The log-linear rates and d' of a
// recognition test are the same functions as a run's.
#include "sim/app/python_analysis.hpp"

#include <fmt/format.h>
#include <pybind11/numpy.h>

#include <cstdint>
#include <vector>

#include "analysis/free_recall_curves.hpp"

namespace py = pybind11;

namespace seqmem::python {
namespace {

using Ints = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

void need(bool ok, const std::string& what) {
  if (!ok) throw py::value_error("free_recall_counts: " + what);
}

int as_int(std::int64_t v, const char* name) {
  need(v >= -1 && v < (std::int64_t(1) << 31), fmt::format("{} {} is out of range", name, v));
  return static_cast<int>(v);
}

// (G, n) int64 array of row g = values[g]
py::array_t<std::int64_t> rows(const std::vector<FreeRecallCurves>& c, std::size_t n,
                               const std::vector<std::int64_t> FreeRecallCurves::*field) {
  py::array_t<std::int64_t> a({static_cast<py::ssize_t>(c.size()), static_cast<py::ssize_t>(n)});
  auto v = a.mutable_unchecked<2>();
  for (std::size_t g = 0; g < c.size(); ++g)
    for (std::size_t i = 0; i < n; ++i) v(g, i) = (c[g].*field)[i];
  return a;
}

py::array_t<std::int64_t> column(const std::vector<FreeRecallCurves>& c, std::int64_t FreeRecallCurves::*field) {
  py::array_t<std::int64_t> a(static_cast<py::ssize_t>(c.size()));
  auto v = a.mutable_unchecked<1>();
  for (std::size_t g = 0; g < c.size(); ++g) v(g) = c[g].*field;
  return a;
}

// The counts of FreeRecallCurves per group. study (lists, L) and recalls (lists, R): item codes
// >= 0, padded with -1 after a list's `length` study items and `n_recalls` recalls; group (lists,):
// 0 .. n_groups - 1; category (items,): the category code of each item code (-1: none), or empty.
py::dict free_recall_counts(const Ints& study_in, const Ints& length_in, const Ints& recalls_in,
                            const Ints& n_recalls_in, const Ints& group_in, std::int64_t n_groups,
                            const Ints& category_in) {
  need(study_in.ndim() == 2 && recalls_in.ndim() == 2, "study and recalls must be 2-D (lists, positions)");
  const auto study = study_in.unchecked<2>();
  const auto recalls = recalls_in.unchecked<2>();
  const auto length = length_in.unchecked<1>();
  const auto n_recalls = n_recalls_in.unchecked<1>();
  const auto group = group_in.unchecked<1>();
  const py::ssize_t lists = study.shape(0), L = study.shape(1), R = recalls.shape(1);
  need(recalls.shape(0) == lists && length.shape(0) == lists && n_recalls.shape(0) == lists && group.shape(0) == lists,
       "study, recalls, length, n_recalls and group must have one row per list");
  need(n_groups >= 0 && L < (py::ssize_t(1) << 24), "too many groups or serial positions");
  std::vector<int> category(static_cast<std::size_t>(category_in.size()));
  for (std::size_t i = 0; i < category.size(); ++i) category[i] = as_int(category_in.data()[i], "category");

  std::vector<FreeRecallCurves> curves(static_cast<std::size_t>(n_groups), FreeRecallCurves(static_cast<int>(L)));
  std::vector<int> s(static_cast<std::size_t>(L)), r(static_cast<std::size_t>(R));
  for (py::ssize_t l = 0; l < lists; ++l) {
    const std::int64_t g = group(l), n = length(l), k = n_recalls(l);
    need(g >= 0 && g < n_groups, fmt::format("group {} of list {} is not in 0..{}", g, l, n_groups - 1));
    need(n >= 0 && n <= L && k >= 0 && k <= R, fmt::format("list {}: length {} or n_recalls {} out of range", l, n, k));
    for (py::ssize_t j = 0; j < L; ++j) s[static_cast<std::size_t>(j)] = as_int(study(l, j), "item code");
    for (py::ssize_t j = 0; j < R; ++j) r[static_cast<std::size_t>(j)] = as_int(recalls(l, j), "item code");
    if (!category.empty())
      for (std::int64_t j = 0; j < n; ++j)
        need(s[static_cast<std::size_t>(j)] >= 0 &&
                 static_cast<std::size_t>(s[static_cast<std::size_t>(j)]) < category.size(),
             fmt::format("list {}: studied item code {} has no category", l, s[static_cast<std::size_t>(j)]));
    curves[static_cast<std::size_t>(g)].add_list(s.data(), static_cast<int>(n), r.data(), static_cast<int>(k),
                                                 category);
  }
  const auto Lu = static_cast<std::size_t>(L), lags = static_cast<std::size_t>(L > 0 ? 2 * L - 1 : 0);
  py::dict out;
  out["lists"] = column(curves, &FreeRecallCurves::lists);
  out["studied"] = rows(curves, Lu, &FreeRecallCurves::studied);
  out["recalled"] = rows(curves, Lu, &FreeRecallCurves::recalled);
  out["first_recalled"] = rows(curves, Lu, &FreeRecallCurves::first_recalled);
  out["lag_actual"] = rows(curves, lags, &FreeRecallCurves::lag_actual);
  out["lag_possible"] = rows(curves, lags, &FreeRecallCurves::lag_possible);
  out["correct"] = column(curves, &FreeRecallCurves::correct);
  out["intrusions"] = column(curves, &FreeRecallCurves::intrusions);
  out["repeats"] = column(curves, &FreeRecallCurves::repeats);
  out["same_category_actual"] = column(curves, &FreeRecallCurves::same_category_actual);
  out["same_category_possible"] = column(curves, &FreeRecallCurves::same_category_possible);
  out["other_category_actual"] = column(curves, &FreeRecallCurves::other_category_actual);
  out["other_category_possible"] = column(curves, &FreeRecallCurves::other_category_possible);
  return out;
}

}  // namespace

void bind_analysis(py::module_& m) {
  m.def("free_recall_counts", &free_recall_counts, py::arg("study"), py::arg("length"), py::arg("recalls"),
        py::arg("n_recalls"), py::arg("group"), py::arg("n_groups"), py::arg("category"),
        "The counts of analysis/free_recall_curves.hpp per group (seqmem.free_recall builds the arrays).");
  m.def(
      "recognition",
      [](std::int64_t hits, std::int64_t misses, std::int64_t false_alarms, std::int64_t correct_rejections) {
        FreeRecallCurves c;
        c.hits = hits;
        c.misses = misses;
        c.false_alarms = false_alarms;
        c.correct_rejections = correct_rejections;
        return py::make_tuple(c.hit_rate(), c.false_alarm_rate(), c.d_prime());
      },
      py::arg("hits"), py::arg("misses"), py::arg("false_alarms"), py::arg("correct_rejections"),
      "(hit rate, false-alarm rate, d') of one recognition test, the rates log-linear corrected.");
}

}  // namespace seqmem::python
