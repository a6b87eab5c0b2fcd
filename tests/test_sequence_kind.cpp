// The sequence family as runs (kind = "seqnet", "densenet", "mixednet", "eden";
// sim/kinds/sequence/sequence_runner.hpp): trajectories a hand computation or the papers predict.
// tests/test_sequence_memories.py checks every state against the rules written out in NumPy.
#include <doctest/doctest.h>

#include <cmath>

#include "models/sequence_net.hpp"
#include "sim/kinds/sequence/sequence_runner.hpp"
#include "sim/scenario/scenario.hpp"

using namespace seqmem;

namespace {

RunSpec spec_of(const std::string& toml, const std::vector<std::string>& sets = {}) {
  const Scenario sc = load_scenario_text(toml, "<test>", ".", sets);
  return sc.runs[0];
}

}  // namespace

TEST_CASE("a MixedNet run with a delay tau dwells tau updates in each pattern: visits at 0, 1, 1 + tau, 1 + 2 tau") {
  for (int tau : {1, 2, 3, 5}) {
    CAPTURE(tau);
    const RunSpec r = spec_of(
        "seed = 4\n[model]\nkind = \"mixednet\"\nN_f = 100\ndegree = 2\n[memories]\nK = 8\n[integrator]\nt_end = 60\n",
        {"mixednet_delay=" + std::to_string(tau)});
    const Mat Xi = sequence_patterns(r);
    // the premise: no transition of this set has a wrong bit (then the trajectory is exact)
    const SequenceNet net(Xi, r.sequence().net);
    for (int e : net.transition_errors(0, 8)) REQUIRE(e == 0);
    const RunOutcome o = simulate_sequence(r, Xi, nullptr);
    CHECK(o.status == "completed");
    CHECK(o.samples == 61);
    // from the cue (tau states of xi^1 before t = 0) the first move is at once, then one every tau
    // updates: visit j (0-based) at 0 for j = 0 and at 1 + tau (j - 1) after, of pattern j mod 8
    const int expected = 1 + (60 - 1) / tau + 1;
    REQUIRE(static_cast<int>(o.visits.size()) == expected);
    for (int j = 0; j < expected; ++j) {
      CAPTURE(j);
      CHECK(o.visits[j].memory == j % 8);
      CHECK(o.visits[j].t_entry == (j == 0 ? 0.0 : 1.0 + tau * (j - 1)));
    }
    CHECK(o.checked);
    CHECK(o.check.ok());
    CHECK(o.check.cycles_completed == (expected - 1) / 8);
  }
}

TEST_CASE("a map's overlaps are exact multiples of 1/N, from the cue with cue_flip of its entries flipped") {
  const RunSpec r = spec_of(
      "seed = 2\n[model]\nkind = \"densenet\"\nN_f = 50\ndegree = 3\n[memories]\nK = 20\n[cue]\ncue_memory = 5\n"
      "cue_flip = 0.2\n[integrator]\nt_end = 3\n");
  const Mat Xi = sequence_patterns(r);
  const Vec start = sequence_start(r, Xi);
  CHECK((start.array().abs() == 1.0).all());
  CHECK(((start - Xi.col(4)).array() != 0).count() == 10);  // 0.2 of 50 entries of xi^5
  const RunOutcome o = simulate_sequence(r, Xi, nullptr);
  for (int mu = 0; mu < 20; ++mu) CHECK(o.m_final(mu) == std::round(o.m_final(mu) * 50) / 50);  // k / N, rounded once
  // no cue: a random +-1 state from the seed, the same on every call
  const RunSpec none =
      spec_of("seed = 2\n[model]\nkind = \"seqnet\"\nN_f = 50\n[memories]\nK = 20\n[cue]\ncue_memory = 0\n");
  const Vec s0 = sequence_start(none, Xi);
  CHECK((s0.array().abs() == 1.0).all());
  CHECK(s0 == sequence_start(none, Xi));
  CHECK(std::abs((Xi.transpose() * s0).maxCoeff()) < 50);
}

TEST_CASE("EDEN holds the cued pattern when alpha_s / alpha_c > 1 and moves on in order when it is < 1 (§2.3)") {
  const std::string base =
      "seed = 1\n[model]\nkind = \"eden\"\nN_f = 100\n[memories]\nK = 6\n[integrator]\nt_end = 300.0\n"
      "[record]\nsample_dt = 0.5\n";
  const RunSpec hold = spec_of(base, {"eden_alpha_s=1.5"});
  const Mat Xi = sequence_patterns(hold);
  RunOutcome o = simulate_sequence(hold, Xi, nullptr);
  REQUIRE(o.visits.size() == 1);
  CHECK(o.visits[0].memory == 0);
  CHECK(o.stalled);
  // v relaxes to Xi softmax(h) with s = v: within e^-(kappa (alpha_s + alpha_c) (N - |overlap|)) of xi^1
  CHECK(o.m_final(0) > 0.999);
  const RunSpec move = spec_of(base, {"eden_alpha_s=0.5"});
  o = simulate_sequence(move, Xi, nullptr);
  REQUIRE(o.visits.size() >= 7);
  for (std::size_t j = 0; j < o.visits.size(); ++j) CHECK(o.visits[j].memory == static_cast<int>(j % 6));
  CHECK(o.check.ok());
  CHECK(o.check.cycles_completed >= 1);
}

TEST_CASE("a --set that one run of a [runs] list over kinds reads applies to it, and one that no run reads is refused") {
  const std::string text =
      "seed = 1\n[model]\nN_f = 40\n[memories]\nK = 5\n[runs]\nlist = [{kind = \"seqnet\"}, {kind = \"mixednet\"}]\n";
  const Scenario sc = load_scenario_text(text, "<test>", ".", {"mixednet_lambda=3"});
  CHECK(sc.runs[1].sequence().net.lambda == 3.0);
  CHECK(sc.runs[0].model == ModelKind::seqnet);
  CHECK_THROWS_WITH_AS(load_scenario_text(text, "<test>", ".", {"eden_T_d=3"}),
                       doctest::Contains("nor to any other run of this scenario"), InputError);
  // a [runs] entry names its run, which must read it
  CHECK_THROWS_AS(load_scenario_text("seed = 1\n[memories]\nK = 5\n[runs]\nlist = [{kind = \"seqnet\", "
                                     "mixednet_lambda = 3.0}]\n",
                                     "<test>", "."),
                  InputError);
}
