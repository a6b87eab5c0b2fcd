// kind = "seqnet", "densenet", "mixednet", "eden" as a module (sim/kinds/kind.hpp): no input files,
// a run streamed into its part file (runs go in parallel over threads and ranks), and the lines the
// command line prints (visits, episode check).
#include <fmt/format.h>

#include "sim/core/cancel.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/kinds/sequence/sequence_runner.hpp"
#include "sim/kinds/sequence_record.hpp"

namespace seqmem {
namespace {

void no_files(const Scenario&, const RunSpec&, FileCache&) {}

RunOutcome run_sequence(const RunSpec& spec, const RunContext& ctx) {
  const Mat Xi = sequence_patterns(spec);
  return in_part_file(ctx, [&](hid_t part) {
    SequenceWriter w(part, spec, Xi);
    RunOutcome o = simulate_sequence(spec, Xi, &w, ctx.progress);
    throw_if_cancelled();  // the run stopped at a sample: no outcome to record
    w.finish(o);
    return o;
  });
}

std::string summary(const RunSpec& r, const RunOutcome& o) {
  const bool map = r.model != ModelKind::eden;
  std::string s = fmt::format("{} at {} = {:g}, {} samples, wall {:.3f} s\n", o.status, map ? "update" : "t", o.t_stop,
                              o.samples, o.wall_s);
  if (!o.message.empty()) s += fmt::format("  {}\n", o.message);
  return s + visits_summary(o, r.sequence().expect_cycle, r.sequence().stop.stall_time);
}

std::vector<std::string> input_files(const RunSpec&) { return {}; }

}  // namespace

ResourceEstimate estimate_sequence(const RunSpec& r, const FileCache& files, int threads);  // sequence_estimate.cpp

extern const Kind kSequenceKind{false, no_files, run_sequence, summary, estimate_sequence, input_files};

}  // namespace seqmem
