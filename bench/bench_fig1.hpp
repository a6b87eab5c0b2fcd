// seqmem_bench, sections 2 and 3: the Figure 1 problem, with RK4 through the runner and with SUNDIALS
// CVODE (BDF and Adams, finite-difference and analytic Jacobians) on the same model and recording.
#pragma once

#include <string>
#include <vector>

#include "analysis/sequence.hpp"
#include "sim/kinds/gsemm/runner.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem::bench {

// The scenario given on the command line, else scenarios/fig1_two_episodes.toml of the checkout.
std::string find_scenario(const std::string& arg);

// The reference: one whole Figure 1 run (RK4 through the runner) and its visits.
struct Fig1Ref {
  double wall = 0;
  std::vector<Visit> visits;
};
Fig1Ref bench_fig1(const Scenario& sc, const RunSpec& spec, const RunInputs& in);
void bench_fig1_variants(const RunSpec& spec, const RunInputs& in, const Fig1Ref& ref);
// CVODE against the reference; adams_only: the Adams configurations alone.
void bench_cvode(const RunSpec& spec, const RunInputs& in, const Fig1Ref& ref, bool adams_only);

}  // namespace seqmem::bench
