#include "sim/core/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace seqmem {

std::string duration_text(double s) {
  if (!(s >= 0) || !std::isfinite(s)) return "?";
  if (s < 60) return fmt::format("{:.1f} s", s);
  if (s < 3600) return fmt::format("{:.1f} min", s / 60);
  return fmt::format("{:.1f} h", s / 3600);
}

std::string eta_text(double done, double total, double elapsed_s) {
  if (!(done > 0) || !(elapsed_s > 0)) return "?";
  const double remaining = std::max(0.0, total - done);
  return duration_text(elapsed_s / done * remaining);
}

namespace {
std::string number(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{:.0f}", x);
  return fmt::format("{:g}", x);
}
}  // namespace

std::string progress_line(const std::string& label, const std::string& what, double done, double total,
                          double elapsed_s, const std::string& detail) {
  const double pct = total > 0 ? 100.0 * done / total : 0.0;
  return fmt::format("{}: {} {}/{} ({:.0f}%), elapsed {}, eta {}{}", label, what, number(done), number(total), pct,
                     duration_text(elapsed_s), eta_text(done, total, elapsed_s), detail.empty() ? "" : "; " + detail);
}

double progress_interval(double fallback) {
  if (const char* s = std::getenv("SEQMEM_PROGRESS_S")) {
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end != s && v >= 0 && std::isfinite(v)) return v;
  }
  return fallback;
}

Progress::Progress(std::string label, std::string what, double total, bool enabled, double interval_s)
    : label_(std::move(label)),
      what_(std::move(what)),
      total_(total),
      enabled_(enabled),
      interval_s_(interval_s),
      start_(Clock::now()),
      last_(start_) {}

double Progress::elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

std::string Progress::line(double done, const std::string& detail) const {
  return progress_line(label_, what_, done, total_, elapsed_s(), detail);
}

bool Progress::report(double done, const std::string& detail, bool force) {
  if (!enabled_) return false;
  const auto now = Clock::now();
  if (!force && std::chrono::duration<double>(now - last_).count() < interval_s_) return false;
  last_ = now;
  // one write: the lines of parallel runs do not interleave
  const std::string l = live_ ? "\r" + line(done, detail) + "\x1b[K" : line(done, detail) + "\n";
  std::fwrite(l.data(), 1, l.size(), stderr);
  std::fflush(stderr);
  open_ = live_;
  return true;
}

void Progress::finish() {
  if (!open_) return;
  std::fputc('\n', stderr);
  std::fflush(stderr);
  open_ = false;
}

}  // namespace seqmem
