// The one progress line of every command that works for a while (seqmem run, sweep, long runs,
// baselines, diffusion runs), on stderr:
//
//   LABEL: WHAT DONE/TOTAL (PCT%), elapsed ELAPSED, eta ETA[; DETAIL]
//
//   run: runs 3/8 (38%), elapsed 2.1 s, eta 3.5 s; r0002 completed in 0.71 s
//   sweep: pairs 4/12 (33%), elapsed 40.0 s, eta 1.3 min; 130 evaluations (+0 resumed)
//   r0000: time 1250/5000 (25%), elapsed 5.0 s, eta 15.0 s; 12 visits
//
// The ETA is the remaining work at the rate measured so far (elapsed / done); before anything is
// done there is no rate, and the ETA is "?".
#pragma once

#include <chrono>
#include <string>

namespace seqmem {

// "0.7 s", "12.0 s", "3.5 min", "2.1 h".
std::string duration_text(double seconds);
// The remaining time at the measured rate, or "?" while nothing is done (or no time has passed).
std::string eta_text(double done, double total, double elapsed_s);
// The line above, without a newline. Whole numbers are printed whole, others with 6 digits.
std::string progress_line(const std::string& label, const std::string& what, double done, double total,
                          double elapsed_s, const std::string& detail = "");

// The interval between two lines of long work: SEQMEM_PROGRESS_S when set (tests set it to 0 to
// see every line), else `fallback` seconds.
double progress_interval(double fallback);

// A progress line on stderr for one piece of work, counted from its construction. Not thread-safe:
// its user serialises the calls.
class Progress {
 public:
  using Clock = std::chrono::steady_clock;
  // enabled = false: report() prints nothing (--quiet). interval_s: the least time between two
  // lines that are not forced.
  Progress(std::string label, std::string what, double total, bool enabled = true, double interval_s = 5.0);

  // Prints the line when forced or when interval_s has passed since the last line (or since the
  // start); returns whether it printed.
  bool report(double done, const std::string& detail = "", bool force = false);
  std::string line(double done, const std::string& detail = "") const;
  double elapsed_s() const;
  bool enabled() const { return enabled_; }
  // On a terminal a live line can be rewritten in place ('\r') instead of a new line each time;
  // finish() (or the destructor) ends it with a newline.
  void set_live(bool live) { live_ = live; }
  void finish();
  ~Progress() { finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  std::string label_, what_;
  double total_;
  bool enabled_;
  double interval_s_;
  bool live_ = false, open_ = false;  // open_: a live line without its newline
  Clock::time_point start_, last_;
};

}  // namespace seqmem
