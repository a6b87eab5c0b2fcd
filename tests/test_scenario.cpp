// Scenario files: every key reaches the run; bad input gives one message naming file, line and key.
#include <doctest/doctest.h>

#include "tests/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/kinds/gsemm/runner.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"

using namespace seqmem;
namespace fs = std::filesystem;

namespace {
// Writes `text` to a fresh file in a temporary folder and returns its path.
std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path dir = seqmem::testing::temp_dir("scenario");
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

const std::string kBase = R"(seed = 3
[model]
kind = "dense_gsemm"
N_f = 20
alpha_c = 0.5
[memories]
K = 4
[episodes]
cycles = [[1, 2, 3, 4]]
[integrator]
t_end = 5.0
)";

// The message of the InputError that loading (and checking the files of) `text` raises.
std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
  const std::string path = write_temp("bad.toml", text);
  try {
    const Scenario sc = load_scenario(path, sets);
    load_files(sc);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST_CASE("a scenario resolves every key, with defaults, overrides and a grid") {
  const std::string path = write_temp("ok.toml", kBase + R"(
[runs]
grid = { alpha_c = [0.1, 0.2, 0.3], seed = [1, 2] }
)");
  const Scenario sc = load_scenario(path, {"degree=3", "model.T_d=7.5", "stepper=dopri5"});
  REQUIRE(sc.runs.size() == 6);
  CHECK(sc.runs[0].params.alpha_c == 0.1);
  CHECK(sc.runs[0].seed == 1);
  CHECK(sc.runs[1].seed == 2);
  CHECK(sc.runs[5].params.alpha_c == 0.3);
  CHECK(sc.runs[5].id == "r0005");
  for (const auto& r : sc.runs) {
    CHECK(r.N_f == 20);
    CHECK(r.gsemm().K == 4);
    CHECK(r.params.sigma_h.degree == 3);
    CHECK(r.params.T_d == 7.5);
    CHECK(r.stepper == StepperKind::dopri5);
    CHECK(r.params.beta_d == 1.0);  // default
    CHECK(r.threshold == 0.8);      // default
    REQUIRE(r.gsemm().episodes.size() == 1);
    CHECK(r.gsemm().episodes[0].memories == std::vector<int>{0, 1, 2, 3});
  }
}

TEST_CASE("[runs] list entries are crossed with the grid") {
  const std::string path = write_temp("list.toml", kBase + R"(
[runs]
list = [{ degree = 2 }, { degree = 5, beta_d = 7.0 }]
grid = { seed = [1, 2, 3] }
)");
  const Scenario sc = load_scenario(path);
  REQUIRE(sc.runs.size() == 6);
  CHECK(sc.runs[0].params.sigma_h.degree == 2);
  CHECK(sc.runs[3].params.sigma_h.degree == 5);
  CHECK(sc.runs[3].params.beta_d == 7.0);
  CHECK(sc.runs[4].seed == 2);
}

TEST_CASE("memories and Phi from CSV and HDF5 files") {
  write_temp("xi.csv", "# 3 neurons x 2 memories\n1, -1\n-1, 1\n1, 1\n");
  write_temp("phi.csv", "0 1\n1 0\n");
  const std::string path = write_temp("files.toml", R"(
[model]
N_f = 3
alpha_c = 0.2
[memories]
Xi_file = "xi.csv"
[episodes]
Phi_file = "phi.csv"
[cue]
cue_memory = 2
)");
  const Scenario sc = load_scenario(path);
  const auto in = make_inputs(sc.runs[0], load_files(sc));
  CHECK(in.Xi.rows() == 3);
  CHECK(in.Xi.cols() == 2);
  CHECK(in.Xi(1, 0) == -1.0);
  CHECK(in.Phi.coeff(0, 1) == 1.0);
  CHECK(in.Phi.coeff(0, 0) == 0.0);

  // the same memories from an HDF5 dataset of shape (N_f, K), as h5py writes a NumPy array
  const std::string h5path = (seqmem::testing::temp_dir("scenario") / "xi.h5").string();
  {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::create_file(h5path);
    const double xi[6] = {1, -1, -1, 1, 1, 1};  // row-major 3 x 2
    h5::write_dataset(f.id(), "patterns", {3, 2}, xi);
  }
  const std::string path2 = write_temp("files_h5.toml", R"(
[model]
N_f = 3
[memories]
Xi_file = "xi.h5"
Xi_dataset = "patterns"
)");
  const Scenario sc2 = load_scenario(path2);
  CHECK(make_inputs(sc2.runs[0], load_files(sc2)).Xi == in.Xi);
  try {
    load_files(load_scenario(path2, {"Xi_dataset=missing"}));
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("no dataset 'missing'") != std::string::npos);
  }
}

TEST_CASE("bad input: one message naming the file, line and key") {
  const std::string file = (seqmem::testing::temp_dir("scenario") / "bad.toml").string();
  auto has = [](const std::string& msg, const std::string& part) {
    INFO(msg);
    CHECK(msg.find(part) != std::string::npos);
  };

  SUBCASE("unknown key") {
    const auto m = error_of(kBase + "[record]\nthresold = 0.5\n");
    has(m, file + ":13:");
    has(m, "unknown key 'thresold'");
  }
  SUBCASE("unknown section") {
    has(error_of(kBase + "[modle]\nN_f = 3\n"), "unknown section [modle]");
  }
  SUBCASE("key in the wrong section") {
    has(error_of("alpha_c = 0.3\n"), "it belongs in [model]");
  }
  SUBCASE("wrong type") {
    const auto m = error_of("[model]\nN_f = \"100\"\n");
    has(m, file + ":2:");
    has(m, "key 'N_f': must be an integer");
  }
  SUBCASE("N_f <= 0") {
    const auto m = error_of("[model]\nN_f = 0\n[memories]\nK = 3\n");
    has(m, file + ":2:");
    has(m, "key 'N_f'");
  }
  SUBCASE("T <= 0") {
    has(error_of(kBase + "[cue]\ncue_memory = 1\n", {"T_d=0"}), "--set T_d=0: key 'T_d': must be > 0");
    const auto m = error_of("[model]\nT_f = -1.0\n[memories]\nK = 3\n");
    has(m, file + ":2:");
    has(m, "key 'T_f': must be > 0");
  }
  SUBCASE("dt <= 0") {
    const auto m = error_of("[memories]\nK = 3\n[integrator]\ndt = 0.0\n");
    has(m, file + ":4:");
    has(m, "key 'dt'");
  }
  SUBCASE("an episode naming a memory that does not exist") {
    const auto m = error_of("[memories]\nK = 3\n[episodes]\ncycles = [[1, 2, 9]]\n");
    has(m, file + ":4:");
    has(m, "key 'cycles': memory 9 does not exist (memories are 1..3)");
  }
  SUBCASE("cue memory out of range") {
    has(error_of("[memories]\nK = 3\n[cue]\ncue_memory = 4\n"), "key 'cue_memory'");
  }
  SUBCASE("unknown choice") {
    has(error_of("[memories]\nK = 3\n[integrator]\nstepper = \"euler\"\n"),
        "key 'stepper': unknown value 'euler' (one of: rk4, dopri5, cvode_bdf, rk4_split, event_driven)");
  }
  SUBCASE("sample_dt not a multiple of dt for rk4") {
    has(error_of("[memories]\nK = 3\n[record]\nsample_dt = 0.015\n"), "key 'sample_dt'");
  }
  SUBCASE("empty grid axis") {
    has(error_of(kBase + "[runs]\ngrid = { alpha_c = [] }\n"), "a grid axis must be a non-empty array");
  }
  SUBCASE("unknown key in --set and in a grid") {
    has(error_of(kBase, {"alpha=1"}), "--set alpha=1: unknown key 'alpha'");
    has(error_of(kBase + "[runs]\ngrid = { alpha = [1] }\n"), "unknown key 'alpha'");
  }
  SUBCASE("malformed TOML") {
    const auto m = error_of("[model]\nN_f = = 3\n");
    has(m, file + ":2:");
  }
  SUBCASE("missing memory file") {
    has(error_of("[model]\nN_f = 3\n[memories]\nXi_file = \"missing.csv\"\n"), "key 'Xi_file': cannot read file");
  }
  SUBCASE("memory file of the wrong shape") {
    write_temp("xi_bad.csv", "1, -1\n-1, 1\n");
    has(error_of("[model]\nN_f = 3\n[memories]\nXi_file = \"xi_bad.csv\"\n"),
        "key 'Xi_file': has 2 rows, N_f = 3");
  }
  SUBCASE("ragged CSV") {
    write_temp("xi_ragged.csv", "1, -1\n-1\n1, 1\n");
    has(error_of("[model]\nN_f = 3\n[memories]\nXi_file = \"xi_ragged.csv\"\n"), "xi_ragged.csv:2: key 'Xi_file': 1 columns");
  }
  SUBCASE("Phi file of the wrong shape") {
    write_temp("phi_bad.csv", "0 1 0\n1 0 0\n");
    has(error_of("[model]\nN_f = 4\n[memories]\nK = 3\n[episodes]\nPhi_file = \"phi_bad.csv\"\n"),
        "key 'Phi_file': is 2 x 3, expected K x K = 3 x 3");
  }
  SUBCASE("invalid [sweep] sections") {
    const std::string sweep = "[model]\nN_f = 20\n[sweep]\nsweep_degrees = [1, 2]\nsweep_seeds = [1]\n";
    const auto inverted = error_of(sweep + "sweep_alpha_c = [0.5]\nK_min = 10\nK_max = 5\n");
    has(inverted, file + ":8:");
    has(inverted, "key 'K_max': must be >= K_min = 10, got 5");
    has(error_of(sweep + "sweep_alpha_c = [0.5]\nK_min = 1\n"), "key 'K_min': must be in 2..100000, got 1");
    has(error_of(sweep + "sweep_alpha_c = [0.5]\ncriterion = \"fastest\"\n"),
        "key 'criterion': unknown value 'fastest' (one of: cycles)");
    has(error_of(sweep + "sweep_alpha_c = [0.5, -0.1]\n"), "key 'sweep_alpha_c': each value must be >= 0, got -0.1");
    const auto empty = error_of(sweep + "sweep_alpha_c = []\n");
    has(empty, file + ":6:");
    has(empty, "key 'sweep_alpha_c': an axis of the sweep must not be empty");
  }
  SUBCASE("missing scenario file") {
    try {
      load_scenario("/nonexistent/x.toml");
      FAIL("no error");
    } catch (const InputError& e) {
      has(e.what(), "/nonexistent/x.toml: cannot read the scenario file");
    }
  }
}
