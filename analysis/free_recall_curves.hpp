// The field's analyses of free recall, accumulated list by list (docs/free_recall.md §5), with the
// conventions of the standard analysis package psifr (Morton 2020, JOSS 5(54) 2669) so that the
// model's curves and the human ones (seqmem.free_recall in Python) mean the same:
//
//   serial-position curve  spc(p)  = lists in which the item studied at p was recalled / lists
//                                    that had a serial position p (Murdock 1962)
//   first recall           pfr(p)  = lists whose first recall is the item studied at p / lists
//   lag-CRP                crp(l)  = actual(l) / possible(l) (Kahana 1996): for each transition
//                                    between two consecutive correct recalls i -> j, actual(j - i)
//                                    += 1 and possible(a - i) += 1 for every studied a not yet
//                                    recalled (i itself counts as recalled); a transition from or
//                                    to an intrusion or repeat is not counted
//   category CRP           the same with "same category as i" / "another category" in place of
//                          the lag (semantic clustering)
//   recognition            hit and false-alarm rates and d' = z(H) - z(FA), each rate with the
//                          log-linear correction (count + 1/2) / (n + 1) (Hautus 1995)
//
// Serial positions are 0-based here (1-based in files); lag l is stored at index l + L - 1. A list
// may be shorter than L (human data: lists of several lengths).
//
// The one implementation of these curves: the runs of kind = "free_recall" accumulate them list by
// list, and the Python package computes them on any event table (human data included) through
// seqmem._core.free_recall_counts (sim/app/python_analysis.cpp; seqmem.free_recall).
#pragma once

#include <cstdint>
#include <vector>

namespace seqmem {

struct FreeRecallCurves {
  explicit FreeRecallCurves(int L = 0);

  int L;
  std::int64_t lists = 0;
  std::vector<std::int64_t> studied;                   // per serial position: lists that had it
  std::vector<std::int64_t> recalled;                  // per serial position
  std::vector<std::int64_t> first_recalled;            // per serial position
  std::vector<std::int64_t> lag_actual, lag_possible;  // per lag -(L-1)..L-1
  std::int64_t correct = 0, intrusions = 0, repeats = 0;
  std::int64_t same_category_actual = 0, same_category_possible = 0;
  std::int64_t other_category_actual = 0, other_category_possible = 0;
  std::int64_t hits = 0, misses = 0, false_alarms = 0, correct_rejections = 0;

  // One list: `study` its `length` (<= L) pool items in study order, `recalls` the n_recalls pool
  // items in output order; `category` per pool item (empty: no categories).
  void add_list(const int* study, int length, const int* recalls, int n_recalls, const std::vector<int>& category);
  // Recognition counts of one list.
  void add_recognition(int hits, int misses, int false_alarms, int correct_rejections);
  // Adds another accumulator of the same L (blocks, threads: integer counts, so any order).
  void merge(const FreeRecallCurves& o);

  std::vector<double> spc() const;
  std::vector<double> pfr() const;
  std::vector<double> lag_crp() const;  // NaN where nothing was possible
  double same_category_crp() const;     // NaN without categories
  double other_category_crp() const;
  double hit_rate() const;  // log-linear corrected
  double false_alarm_rate() const;
  double d_prime() const;
};

}  // namespace seqmem
