#include "analysis/free_recall_curves.hpp"

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

namespace seqmem {

FreeRecallCurves::FreeRecallCurves(int L_)
    : L(L_),
      studied(static_cast<std::size_t>(L_), 0),
      recalled(static_cast<std::size_t>(L_), 0),
      first_recalled(static_cast<std::size_t>(L_), 0),
      lag_actual(static_cast<std::size_t>(L_ > 0 ? 2 * L_ - 1 : 0), 0),
      lag_possible(static_cast<std::size_t>(L_ > 0 ? 2 * L_ - 1 : 0), 0) {}

void FreeRecallCurves::add_list(const int* study, int length, const int* recalls, int n,
                                const std::vector<int>& category) {
  ++lists;
  for (int p = 0; p < length; ++p) ++studied[static_cast<std::size_t>(p)];
  // serial position of each recall (-1: intrusion), done[p]: p recalled before
  std::vector<char> done(static_cast<std::size_t>(L), 0);
  int prev = -1;  // serial position of the previous recall if it was correct, else -1
  for (int k = 0; k < n; ++k) {
    int p = -1;
    for (int j = 0; j < length; ++j)
      if (study[j] == recalls[k]) p = j;
    if (p < 0) {
      ++intrusions;
      prev = -1;
      continue;
    }
    if (done[static_cast<std::size_t>(p)]) {
      ++repeats;
      prev = -1;
      continue;
    }
    if (k == 0) ++first_recalled[static_cast<std::size_t>(p)];
    ++correct;
    ++recalled[static_cast<std::size_t>(p)];
    if (prev >= 0) {
      ++lag_actual[static_cast<std::size_t>(p - prev + L - 1)];
      const bool cats = !category.empty();
      const int cat_prev = cats ? category[static_cast<std::size_t>(study[prev])] : 0;
      if (cats) {
        if (category[static_cast<std::size_t>(study[p])] == cat_prev)
          ++same_category_actual;
        else
          ++other_category_actual;
      }
      for (int a = 0; a < length; ++a) {
        if (done[static_cast<std::size_t>(a)]) continue;
        ++lag_possible[static_cast<std::size_t>(a - prev + L - 1)];
        if (cats) {
          if (category[static_cast<std::size_t>(study[a])] == cat_prev)
            ++same_category_possible;
          else
            ++other_category_possible;
        }
      }
    }
    done[static_cast<std::size_t>(p)] = 1;
    prev = p;
  }
}

void FreeRecallCurves::add_recognition(int h, int m, int fa, int cr) {
  ++lists;
  hits += h;
  misses += m;
  false_alarms += fa;
  correct_rejections += cr;
}

void FreeRecallCurves::merge(const FreeRecallCurves& o) {
  lists += o.lists;
  for (std::size_t i = 0; i < recalled.size(); ++i) {
    studied[i] += o.studied[i];
    recalled[i] += o.recalled[i];
    first_recalled[i] += o.first_recalled[i];
  }
  for (std::size_t i = 0; i < lag_actual.size(); ++i) {
    lag_actual[i] += o.lag_actual[i];
    lag_possible[i] += o.lag_possible[i];
  }
  correct += o.correct;
  intrusions += o.intrusions;
  repeats += o.repeats;
  same_category_actual += o.same_category_actual;
  same_category_possible += o.same_category_possible;
  other_category_actual += o.other_category_actual;
  other_category_possible += o.other_category_possible;
  hits += o.hits;
  misses += o.misses;
  false_alarms += o.false_alarms;
  correct_rejections += o.correct_rejections;
}

namespace {
double ratio(std::int64_t num, std::int64_t den) {
  return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : std::numeric_limits<double>::quiet_NaN();
}
std::vector<double> ratio(const std::vector<std::int64_t>& num, const std::vector<std::int64_t>& den) {
  std::vector<double> r(num.size());
  for (std::size_t i = 0; i < num.size(); ++i) r[i] = ratio(num[i], den[i]);
  return r;
}
double corrected(std::int64_t k, std::int64_t n) {
  return (static_cast<double>(k) + 0.5) / (static_cast<double>(n) + 1.0);
}
}  // namespace

std::vector<double> FreeRecallCurves::spc() const { return ratio(recalled, studied); }
std::vector<double> FreeRecallCurves::pfr() const {
  return ratio(first_recalled, std::vector<std::int64_t>(first_recalled.size(), lists));
}
std::vector<double> FreeRecallCurves::lag_crp() const { return ratio(lag_actual, lag_possible); }

double FreeRecallCurves::same_category_crp() const { return ratio(same_category_actual, same_category_possible); }
double FreeRecallCurves::other_category_crp() const { return ratio(other_category_actual, other_category_possible); }

double FreeRecallCurves::hit_rate() const { return corrected(hits, hits + misses); }
double FreeRecallCurves::false_alarm_rate() const { return corrected(false_alarms, false_alarms + correct_rejections); }
double FreeRecallCurves::d_prime() const {
  const boost::math::normal z;
  return boost::math::quantile(z, hit_rate()) - boost::math::quantile(z, false_alarm_rate());
}

}  // namespace seqmem
