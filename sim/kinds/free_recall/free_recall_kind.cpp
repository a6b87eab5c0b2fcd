// kind = "free_recall" as a module (sim/kinds/kind.hpp): no files, one run at a time over the
// lists, the event table streamed into its group, and the curves in brief.
#include <fmt/format.h>

#include <algorithm>

#include "sim/kinds/free_recall/free_recall_runner.hpp"
#include "sim/kinds/free_recall/free_recall_writer.hpp"
#include "sim/kinds/kind.hpp"

namespace seqmem {
namespace {

void no_files(const Scenario&, const RunSpec&, FileCache&) {}

// The outcome lines of a free-recall run: the curves in brief.
RunOutcome free_recall_summary(const RunSpec& spec, const FreeRecallOutcome& o) {
  RunOutcome r;
  r.status = o.status;
  r.message = o.message;
  r.wall_s = o.wall_s;
  r.samples = static_cast<long>(o.curves.lists);
  const auto& c = o.curves;
  const int L = spec.free_recall().L;
  if (spec.free_recall().recognition) {
    r.detail = fmt::format("recognition: hit rate {:.3f}, false-alarm rate {:.3f}, d' {:.3f}", c.hit_rate(),
                           c.false_alarm_rate(), c.d_prime());
    return r;
  }
  std::string spc, pfr, crp;
  const auto s = c.spc(), p = c.pfr(), l = c.lag_crp();
  for (int j = 0; j < L; ++j) spc += fmt::format(" {:.2f}", s[static_cast<std::size_t>(j)]);
  for (int j = 0; j < L; ++j) pfr += fmt::format(" {:.2f}", p[static_cast<std::size_t>(j)]);
  for (int lag = -std::min(5, L - 1); lag <= std::min(5, L - 1); ++lag)
    if (lag != 0) crp += fmt::format(" {:+d}:{:.2f}", lag, l[static_cast<std::size_t>(lag + L - 1)]);
  const double lists = std::max<double>(1.0, static_cast<double>(c.lists));
  r.detail = fmt::format("recalls per list {:.2f}, intrusions per list {:.3f}\n  serial-position curve:{}\n"
                         "  first recall:{}\n  lag-CRP:{}",
                         c.correct / lists, c.intrusions / lists, spc, pfr, crp);
  if (c.same_category_possible > 0)
    r.detail += fmt::format("\n  category CRP: same {:.3f}, other {:.3f}", c.same_category_crp(), c.other_category_crp());
  return r;
}

RunOutcome run_free_recall(const RunSpec& spec, const RunContext& ctx) {
  FreeRecallWriter w(ctx.runs_group, spec);
  const FreeRecallOutcome fr =
      simulate_free_recall(spec, ctx.threads, ctx.progress, [&](const FreeRecallEvents& e) { w.append(e); });
  w.finish(fr);
  return free_recall_summary(spec, fr);
}

std::string summary(const RunSpec& r, const RunOutcome& o) {
  std::string s =
      fmt::format("{}, {} lists of {} items, wall {:.3f} s\n", o.status, o.samples, r.free_recall().L, o.wall_s);
  if (!o.message.empty()) s += fmt::format("  {}\n", o.message);
  return s + fmt::format("  {}\n", o.detail);
}

}  // namespace

ResourceEstimate estimate_free_recall(const RunSpec& r, const FileCache& files, int threads);  // free_recall_estimate.cpp

namespace {
// The files the run names (Kind::input_files).
std::vector<std::string> input_files(const RunSpec&) { return {}; }
}  // namespace

extern const Kind kFreeRecallKind{true, no_files, run_free_recall, summary, estimate_free_recall, input_files};

}  // namespace seqmem
