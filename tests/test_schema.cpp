// The schema checks every key by kind: floats finite and in range (NaN refused by every check),
// integers within bounds that fit their storage, integers beyond 2^53 in float keys, --set values
// that smuggle a second key; the command a scenario is for; messages that name the real problem;
// [runs] counted before they are built.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <variant>

#include "sim/kinds/gsemm/runner.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/scenario/key_rules.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"
#include "tests/temp_dir.hpp"

using namespace seqmem;
namespace fs = std::filesystem;

namespace {
std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path dir = seqmem::testing::temp_dir("schema");
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

const std::string kGsemm = "[memories]\nK = 4\n[episodes]\ncycles = [[1, 2, 3, 4]]\n[integrator]\nt_end = 2.0\n";
const std::string kDiffusion = "[model]\nkind = \"diffusion\"\n[patterns]\nD = 3\nN = 2\n[integrator]\nt_end = 0.5\n";
const std::string kSweep = "[sweep]\nsweep_degrees = [2]\nsweep_seeds = [1]\nsweep_alpha_c = [0.5]\n";
const std::string kBaseline = "[baseline]\nbaseline_model = \"hopfield\"\n";
// The sequence memories' keys are read by MixedNet under P_T, and by DenseNet under cycles; EDEN's by
// EDEN under P_T with the code's normalisation.
const std::string kMixedPT = "[baseline]\nbaseline_model = \"mixednet\"\nbaseline_criterion = \"P_T\"\n";
const std::string kDenseCycles = "[baseline]\nbaseline_model = \"densenet\"\nbaseline_criterion = \"cycles\"\n";
const std::string kEdenPT = "[baseline]\nbaseline_model = \"eden\"\nbaseline_criterion = \"P_T\"\n";
const std::string kFreeRecall = "[model]\nkind = \"free_recall\"\n[lists]\nlists = 2\n";
// the sequence family as runs: MixedNet (its network's keys, S recorded) and EDEN
const std::string kMixedRun = "[model]\nkind = \"mixednet\"\n[memories]\nK = 10\n[record]\nstates = [\"S\"]\n";
const std::string kEdenRun = "[model]\nkind = \"eden\"\n[memories]\nK = 10\n[integrator]\nt_end = 1.0\n";

// "" when the scenario loads (and its files check out), the InputError's message otherwise.
// Anything else (an internal error) fails the test.
std::string outcome(const std::string& path, const std::vector<std::string>& sets) {
  try {
    const Scenario sc = load_scenario(path, sets);
    load_files(sc);
    return "";
  } catch (const InputError& e) {
    return e.what();
  }
}
}  // namespace

TEST_CASE("every numeric key refuses NaN, Inf and out-of-range integers with an input error, never an internal one") {
  const std::string g = write_temp("g.toml", kGsemm), d = write_temp("d.toml", kDiffusion),
                    sw = write_temp("sw.toml", kSweep), bl = write_temp("bl.toml", kBaseline),
                    fr = write_temp("fr.toml", kFreeRecall), mixed = write_temp("mixed.toml", kMixedPT),
                    cycles = write_temp("cycles.toml", kDenseCycles), eden = write_temp("eden.toml", kEdenPT),
                    mixed_run = write_temp("mixed_run.toml", kMixedRun),
                    eden_run = write_temp("eden_run.toml", kEdenRun);
  const char* extremes[] = {"nan",  "inf", "-inf", "9007199254740993", "-9223372036854775808", "9223372036854775807",
                            "1e308", "-1e308", "0", "-1", "2147483648", "4294967296", "-0.0"};
  int keys = 0;
  for (const auto& k : schema()) {
    const bool number = k.type == Type::Int || k.type == Type::Float;
    const bool list = k.type == Type::IntList || k.type == Type::FloatList;
    if (!number && !list) continue;
    ++keys;
    const std::string section = k.section;
    // the scenario that reads the key: for a [baseline] key the first of a singleton baseline, the
    // sequence memories under P_T and under cycles, and EDEN that does (probed with 1 and 2: a value
    // equal to the key's default is only warned about where it does not apply)
    std::string baseline_base = bl;
    const auto reads = [&](const std::string& b) {
      for (const char* v : {"1", "2"})
        if (outcome(b, {fmt::format(list ? "{}=[{}]" : "{}={}", k.key, v)}).find("does not apply") != std::string::npos)
          return false;
      return true;
    };
    if (section == "baseline")
      for (const std::string* b : {&bl, &mixed, &cycles, &eden})
        if (reads(*b)) {
          baseline_base = *b;
          break;
        }
    // a key of the sequence family's networks: the run of the family that reads it
    const bool sequence_key = k.family == Family::sequence || (section == "model" && sequence_network_key(k.key));
    const std::string& sequence_base = reads(mixed_run) ? mixed_run : eden_run;
    const std::string& base = k.family == Family::diffusion     ? d
                              : k.family == Family::free_recall ? fr
                              : sequence_key                    ? sequence_base
                              : section == "sweep"              ? sw
                              : section == "baseline"           ? baseline_base
                                                                : g;
    for (const char* x : extremes) {
      const std::string value = list ? fmt::format("[{}]", x) : std::string(x);
      const std::string set = fmt::format("{}={}", k.key, value);
      CAPTURE(set);
      std::string msg;
      CHECK_NOTHROW(msg = outcome(base, {set}));
      const std::string v(x);
      const bool not_finite = v == "nan" || v == "inf" || v == "-inf";
      if (not_finite && k.type == Type::Float) CHECK(msg.find("must be") != std::string::npos);
      if (k.type == Type::Int && !not_finite && v.find('.') == std::string::npos && v.find('e') == std::string::npos) {
        const long double n = std::stold(v);
        const bool sentinel = k.range.has_sentinel && n == static_cast<long double>(k.range.sentinel);
        if (!sentinel && (n > static_cast<long double>(k.range.ihi) || n < static_cast<long double>(k.range.ilo)))
          CHECK(msg.find("must be") != std::string::npos);
      }
    }
  }
  CHECK(keys > 60);
}

TEST_CASE("every integer key has an upper bound that fits its storage - documented ranges come from the checks") {
  for (const auto& k : schema()) {
    CAPTURE(k.key);
    if (k.type == Type::Int || k.type == Type::IntList || k.type == Type::IntListList) {
      const bool wide = std::string(k.key) == "seed" || std::string(k.key) == "sweep_seeds" ||
                        std::string(k.key) == "max_steps";
      CHECK(k.range.ihi <= (wide ? std::numeric_limits<std::int64_t>::max() : 2147483647));
      CHECK(k.range.ihi != std::numeric_limits<std::int64_t>::max() - (wide ? 1 : 0));
      CHECK(describe_keys(k.key).find(k.range.text()) != std::string::npos);
    }
  }
  // the table is valid Markdown: no unescaped | inside a cell
  const std::string t = describe_keys();
  std::size_t line = 0;
  for (std::size_t a = 0, b; a < t.size(); a = b + 1, ++line) {
    b = t.find('\n', a);
    const std::string row = t.substr(a, b - a);
    std::size_t bars = 0;
    for (std::size_t i = 0; i < row.size(); ++i)
      if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++bars;
    CAPTURE(row);
    CHECK(bars == 7);
  }
}

TEST_CASE("integers narrowed after a lower-bound check are refused at load") {
  const std::string g = write_temp("g.toml", kGsemm);
  CHECK(outcome(g, {"state_every=4294967296"}).find("key 'state_every': must be in 1..2147483647") != std::string::npos);
  CHECK(outcome(g, {"chunk=4294967297"}).find("key 'chunk'") != std::string::npos);
  const std::string d = write_temp("d.toml", kDiffusion);
  CHECK(outcome(d, {"path_every=2147483648"}).find("key 'path_every': must be in 1..2147483647") != std::string::npos);
  const std::string s = write_temp("s.toml", "[sweep]\nsweep_degrees = [2]\nsweep_seeds = [1]\nsweep_alpha_c = [0.5]\n");
  CHECK(outcome(s, {"cycles_required=4294967297"}).find("key 'cycles_required': must be in 1..1000000") !=
        std::string::npos);
  // an integer that a double cannot hold exactly, in a float key: accepted as the nearest double
  CHECK(outcome(g, {"alpha_c=9007199254740993"}) == "");
  CHECK(load_scenario(g, {"alpha_c=9007199254740993"}).runs[0].params.alpha_c == 9007199254740992.0);
}

TEST_CASE("a --set value is one TOML value on one line") {
  const std::string g = write_temp("g.toml", kGsemm);
  CHECK(outcome(g, {"alpha_c=0.1\nK = 3"}).find("one TOML value on one line") != std::string::npos);
  CHECK(outcome(g, {"alpha_c=0.1\rK = 3"}).find("one TOML value on one line") != std::string::npos);
  CHECK(outcome(g, {"stepper=dopri5"}) == "");  // a bare word is a string
}

TEST_CASE("each message names the actual problem and the file") {
  const std::string empty = write_temp("empty.toml", "");
  CHECK(outcome(empty, {}) == empty + ": the scenario is empty: it needs at least [memories] K (GSEMM) or [model] kind = "
                               "\"diffusion\" (see `seqmem keys`)");
  const std::string comments = write_temp("comments.toml", "# nothing here\n\n# still nothing\n");
  CHECK(outcome(comments, {}).find(comments + ": the scenario is empty") == 0);
  const std::string dir = (seqmem::testing::temp_dir("schema")).string();
  CHECK(outcome(dir, {}) == dir + ": is a directory, not a scenario file");
  const std::string noK = write_temp("noK.toml", "[model]\nN_f = 10\n");
  CHECK(outcome(noK, {}).find(noK + ": key 'K': not given") == 0);
  const std::string axis = write_temp("axis.toml", "[sweep]\nsweep_degrees = []\n");
  CHECK(outcome(axis, {}).find(axis + ":2:1: key 'sweep_degrees': an axis of the sweep must not be empty") == 0);
  CHECK(outcome(write_temp("typo.toml", kGsemm + "[model]\nalpah_c = 0.3\n"), {}).find("did you mean 'alpha_c' in [model]?") !=
        std::string::npos);
  CHECK(outcome(write_temp("wrong.toml", "[model]\nK = 4\n"), {}).find("key 'K' does not belong in [model]; it belongs in [memories]") !=
        std::string::npos);
}

TEST_CASE("what a scenario is for: run, sweep or baseline, the same for every run") {
  const std::string g = write_temp("g.toml", kGsemm);
  CHECK(load_scenario(g).command == Command::run);
  const std::string s = write_temp("s.toml", "[sweep]\nsweep_degrees = [2]\nsweep_seeds = [1]\nsweep_alpha_c = [0.5]\n");
  CHECK(load_scenario(s).command == Command::sweep);
  const std::string b = write_temp("b.toml", "[baseline]\nbaseline_model = \"hopfield\"\n");
  CHECK(load_scenario(b).command == Command::baseline);
  // a sweep has no K of its own, a baseline key needs baseline_model, a grid may not mix commands
  CHECK(outcome(s, {"K=5"}).find("key 'K': does not apply to a capacity sweep") != std::string::npos);
  CHECK(outcome(g, {"trials=3"}).find("key 'trials': [baseline] needs baseline_model") != std::string::npos);
  // the sweep's axis is the degree of sigma_h: softmax has none
  CHECK(outcome(s, {"sigma_h=\"softmax\"", "stepper=\"rk4\""}).find("key 'sweep_degrees': sweeps the degree n") !=
        std::string::npos);
  const std::string mixed = write_temp("mixed.toml", "[sweep]\nsweep_degrees = [2]\nsweep_seeds = [1]\nsweep_alpha_c = [0.5]\n"
                                                     "[runs]\nlist = [{ baseline_model = \"hopfield\" }]\n");
  CHECK(outcome(mixed, {}).find("[sweep] or [baseline], not both") != std::string::npos);
}

// The value a run records for `key` (RunSpec::resolved), or "absent".
std::string recorded(const RunSpec& r, const char* key) {
  for (const auto& [k, v] : r.resolved)
    if (k == key) return value_text(v);
  return "absent";
}

TEST_CASE("a run records the keys its resolver read, with the value the model used") {
  const std::string g = write_temp("fp.toml", kGsemm + "[fixed_points]\nfind_fixed_points = true\n");
  // fp_t_end = -1 asks for t_end = 2: the run records 2, the value the finder uses, not -1
  const RunSpec r = load_scenario(g).runs[0];
  CHECK(r.gsemm().fixed_points.t_end == 2.0);
  CHECK(recorded(r, "fp_t_end") == "2");
  CHECK(recorded(load_scenario(g, {"fp_t_end=1.5"}).runs[0], "fp_t_end") == "1.5");
  CHECK(recorded(load_scenario(g, {"fp_t_end=40"}).runs[0], "fp_t_end") == "2");  // the window ends with the run
  // a number key given as an integer is the double the model reads
  const RunSpec whole = load_scenario(g, {"t_end=3"}).runs[0];
  const auto t_end =
      std::find_if(whole.resolved.begin(), whole.resolved.end(), [](const auto& kv) { return kv.first == "t_end"; });
  REQUIRE(t_end != whole.resolved.end());
  CHECK(std::holds_alternative<double>(t_end->second));
  CHECK(recorded(r, "alpha_c") == "0");  // a default, as read
  // free recall: orthonormal items have N_f = N_items + categories whatever the file's default says;
  // lures = -1 is L
  const RunSpec f = load_scenario(write_temp("fr.toml", kFreeRecall), {"N_items=20", "L=8"}).runs[0];
  CHECK(recorded(f, "N_f") == "20");
  CHECK(recorded(f, "lures") == "8");
  // only the kind's keys are read: no GSEMM sweep key in a free-recall or diffusion run
  CHECK(recorded(f, "K_max") == "absent");
  CHECK(recorded(load_scenario(write_temp("d.toml", kDiffusion)).runs[0], "alpha_c") == "absent");
}

TEST_CASE("an override of a key a [runs] entry sets: the entry wins for its runs, with a warning") {
  const std::string grid = write_temp("grid.toml", kGsemm + "[runs]\nlist = [{ alpha_c = 0.1 }, { T_d = 3.0 }]\n");
  const Scenario sc = load_scenario(grid, {"alpha_c=0.5"});
  CHECK(sc.runs[0].params.alpha_c == 0.1);
  CHECK(sc.runs[1].params.alpha_c == 0.5);
  // (the transition-strength warning of a small alpha_c aside)
  auto also_set = [](const Scenario& s) {
    std::vector<std::string> w;
    for (const auto& x : s.warnings)
      if (x.find("is also set by [runs]") != std::string::npos) w.push_back(x);
    return w;
  };
  REQUIRE(also_set(sc).size() == 1);
  CHECK(also_set(sc)[0].find("--set alpha_c=0.5: key 'alpha_c' is also set by [runs]") != std::string::npos);
  CHECK(also_set(load_scenario(grid, {"gamma=5"})).empty());
  // a grid key is set by every entry of its axis: the override reaches no run, said once
  const std::string g2 = write_temp("grid2.toml", kGsemm + "[runs]\ngrid = { alpha_c = [0.1, 0.2, 0.3] }\n");
  const Scenario sg = load_scenario(g2, {"alpha_c=0.5"});
  REQUIRE(also_set(sg).size() == 1);
  CHECK(also_set(sg)[0].find("it sets every run, so the override is ignored") != std::string::npos);
  CHECK(sg.runs[2].params.alpha_c == 0.3);
  // blanks around the key of an override are not part of it
  CHECK(outcome(write_temp("plain.toml", kGsemm), {" T_d = 5"}) == "");
  // an infinity is refused as not finite, not as out of a range it satisfies
  CHECK(outcome(write_temp("plain2.toml", kGsemm), {"alpha_s=inf"})
            .find("key 'alpha_s': must be finite (> 0), got inf") != std::string::npos);
}

TEST_CASE("only what a run uses is checked against it: the default surface_memories and K = 1") {
  const std::string one = write_temp("one.toml", "[model]\nkind = \"gamm\"\n[memories]\nK = 1\n");
  CHECK(outcome(one, {}) == "");
  // ... but the surfaces in the plane of memories 1 and 2 need two memories
  CHECK(outcome(one, {"find_fixed_points=true", "surface_slices=2"}).find("key 'surface_memories': memory 2 does not exist") !=
        std::string::npos);
}

TEST_CASE("[runs] grids are counted before they are built and resolved on demand") {
  // 10 x 10 x 10 x 10 x 10 x 10 = 10^6 runs: refused at once, before any run exists
  std::string axes;
  const char* keys[] = {"alpha_c", "T_d", "beta_d", "gamma", "cue_noise", "seed"};
  for (const char* k : keys) axes += fmt::format("{}{} = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]", axes.empty() ? "" : ", ", k);
  const std::string big = write_temp("big.toml", kGsemm + "[runs]\ngrid = { " + axes + " }\n");
  CHECK(outcome(big, {}).find("[runs] expands to more than 100000 runs") != std::string::npos);
  // 2 x 3 runs with a list crossed with a grid: run i resolves to the same spec every time
  const std::string small = write_temp("small.toml", kGsemm + "[runs]\nlist = [{ degree = 1 }, { degree = 3 }]\n"
                                                              "grid = { alpha_c = [0.1, 0.2, 0.3] }\n");
  const Scenario sc = load_scenario(small);
  REQUIRE(sc.runs.size() == 6);
  CHECK(sc.runs[4].params.sigma_h.degree == 3);
  CHECK(sc.runs[4].params.alpha_c == 0.2);
  CHECK(sc.runs[4].id == "r0004");
  CHECK(sc.varying.size() == 2);
}

TEST_CASE("defaults of keys a run does not use refuse nothing, and a current that would never flow is refused") {
  const std::string g = write_temp("g.toml", kGsemm);
  CHECK(outcome(g, {}) == "");  // the defaults of t_on, t_off, ... are not checked against a run without a current
  // ... but setting one that no run reads is a mistake (no input_memory: t_on is unused)
  CHECK(outcome(g, {"t_on=5"}).find("key 't_on': does not apply to this run") != std::string::npos);
  CHECK(outcome(g, {"input_memory=1", "t_on=5"}).find("key 't_on': the current is on for t_on <= t < t_off") !=
        std::string::npos);
  CHECK(outcome(g, {"input_memory=1", "t_on=1e6", "t_off=2e6"})
            .find("key 't_on': the current would never be applied: t_on = 1000000 is not before t_end = 2") !=
        std::string::npos);
  CHECK(outcome(g, {"input_memory=1", "t_on=1", "t_off=1"}).find("key 't_off'") != std::string::npos);
  // a manifold without point memories: the default cue is the origin
  const std::string m = write_temp("m.toml", "[model]\nkind = \"diffusion\"\n[patterns]\nN = 0\nmanifold_components = 8\n"
                                             "manifold_weight = 1.0\n");
  CHECK(outcome(m, {}) == "");
  const Scenario sc = load_scenario(m);
  CHECK(sc.runs[0].cue_memory == -1);
  CHECK(sc.runs[0].t_end == doctest::Approx(0.999));  // the diffusion default: 0.999 T
  CHECK(outcome(m, {"cue_memory=1"}).find("key 'cue_memory': memory 1 does not exist") != std::string::npos);
}
