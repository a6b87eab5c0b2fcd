// Diffusion scenarios (kind = "diffusion"): the resolved start time, the cues, the trajectories
// and their recorded paths, against the model's own formulas and hand computations.
#include <doctest/doctest.h>

#include "tests/temp_dir.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/kinds/diffusion/diffusion_runner.hpp"
#include "sim/kinds/kind.hpp"
#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"

using namespace seqmem;
namespace fs = std::filesystem;

namespace {
std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path dir = seqmem::testing::temp_dir("diffusion_run");
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

const std::string kDiff = R"(seed = 4
[model]
kind = "diffusion"
sigma = 2.0
T = 1.0
[patterns]
D = 3
N = 3
[cue]
cue_memory = 2
cue_noise = 0.6
[integrator]
t0 = -1.0
t_end = 0.99
dt = 0.002
[trajectories]
trajectories = 300
paths = 4
path_every = 7
)";

RunSpec load_one(const std::vector<std::string>& sets = {}) {
  const Scenario sc = load_scenario(write_temp("d.toml", kDiff), sets);
  REQUIRE(sc.runs.size() == 1);
  return sc.runs[0];
}
}  // namespace

TEST_CASE("diffusion scenario: t0 = -1 starts where the noise variance equals cue_noise^2") {
  // VE: s^2(T - t0) = sigma^2 (T - t0) = 0.36  =>  t0 = 1 - 0.36 / 4 = 0.91
  const RunSpec ve = load_one();
  CHECK(ve.model == ModelKind::diffusion);
  CHECK(ve.diffusion().t0 == doctest::Approx(0.91).epsilon(1e-14));
  // VP, sigma = 1, gamma_v = 0.5: s^2 = 1 - exp(-tau) = 0.36  =>  tau = -log(0.64) = 0.44629
  const RunSpec vp = load_one({"process=vp", "sigma=1.0", "gamma_v=0.5", "T=2.0", "t_end=1.9"});
  CHECK(vp.diffusion().t0 == doctest::Approx(2.0 + std::log(0.64)).epsilon(1e-14));
  const PatternDiffusion dm = make_diffusion(vp, make_mixture(vp, {}));
  CHECK(dm.kernel_variance(vp.diffusion().t0) == doctest::Approx(0.36).epsilon(1e-13));
  // the resolved keys recorded are those of the diffusion family
  bool has_sigma = false, has_alpha_c = false;
  for (const auto& [k, v] : ve.resolved) {
    has_sigma |= k == "sigma";
    has_alpha_c |= k == "alpha_c";
  }
  CHECK(has_sigma);
  CHECK_FALSE(has_alpha_c);
}

TEST_CASE("diffusion scenario: random patterns have the pattern norm - cues are pattern + noise") {
  RunSpec r = load_one({"pattern_norm=1.5", "D=40", "trajectories=2000", "cue_cycle=true", "paths=0"});
  const GaussianMixture g = make_mixture(r, {});
  REQUIRE(g.K() == 3);
  for (int k = 0; k < 3; ++k) CHECK(g.means().col(k).norm() == doctest::Approx(1.5).epsilon(1e-14));
  const Mat cues = make_cues(r, g);
  REQUIRE(cues.cols() == 2000);
  // cue i = y_{i mod 3} + 0.6 eps: E|cue - y|^2 = D 0.6^2 = 14.4, sd of the mean over 2000 cues
  // 0.36 sqrt(2 D / 2000) = 0.051
  double ss = 0;
  for (int i = 0; i < 2000; ++i) ss += (cues.col(i) - g.means().col(i % 3)).squaredNorm();
  CHECK(ss / 2000 == doctest::Approx(14.4).epsilon(0.015));
  // a shared cue: one column, that of trajectory 0
  r.diffusion().cue_per_trajectory = false;
  r.diffusion().cue_cycle = false;
  const Mat one = make_cues(r, g);
  REQUIRE(one.cols() == 1);
  CHECK((one.col(0) - g.means().col(1)).norm() > 0);
}

TEST_CASE("diffusion run: bitwise the same for 1 and 2 threads - paths end at the end states") {
  const RunSpec r = load_one();
  const DiffusionOutcome a = simulate_diffusion(r, {}, 1, false), b = simulate_diffusion(r, {}, 2, false);
  CHECK(a.status == "completed");
  CHECK(a.result.end_states == b.result.end_states);
  CHECK(a.result.paths[3] == b.result.paths[3]);
  long total = 0;
  for (long c : a.label_counts) total += c;
  CHECK(total == 300);
  // path grid: t0 + k h, h = (t_end - t0) / 40 (ceil(0.08 / 0.002) = 40 steps), every 7th and the last
  const auto& pt = a.result.path_time;
  REQUIRE(pt.size() == 7);  // k = 0, 7, ..., 35, 40
  CHECK(pt(0) == r.diffusion().t0);
  CHECK(pt(1) == doctest::Approx(0.91 + 7 * 0.002).epsilon(1e-13));
  CHECK(pt(6) == r.t_end);
  for (int i = 0; i < 4; ++i) {
    CHECK(a.result.paths[i].col(6) == a.result.end_states.col(i));
    CHECK(a.result.paths[i].col(0) == a.cues.col(i));
  }
  const PatternDiffusion dm = make_diffusion(r, *a.memories);
  CHECK(a.result.path_energy(2, 3) == doctest::Approx(dm.energy(a.result.paths[2].col(3), pt(3))).epsilon(1e-14));
}

TEST_CASE("diffusion run: the posterior of a shared cue is the softmax of -|x0 - y_n|^2 / (2 (T - t0) sigma^2)") {
  const RunSpec r = load_one({"cue_per_trajectory=false", "paths=0"});
  const DiffusionOutcome o = simulate_diffusion(r, {}, 2, false);
  REQUIRE(o.cues.cols() == 1);
  Vec logw(3);
  for (int n = 0; n < 3; ++n)
    logw(n) = -(o.cues.col(0) - o.memories->means().col(n)).squaredNorm() / (2 * (1.0 - r.diffusion().t0) * 4.0);
  const Vec w = (logw.array() - logw.maxCoeff()).exp();
  REQUIRE(o.label_posterior.size() == 4);  // label 0 (no manifold here) and memories 1..3
  CHECK(o.label_posterior(0) == 0.0);
  for (int n = 0; n < 3; ++n) CHECK(o.label_posterior(n + 1) == doctest::Approx(w(n) / w.sum()).epsilon(1e-12));
}

TEST_CASE("diffusion run: hopfield at the matching beta - flow paths end where the flow ends") {
  const RunSpec h = load_one({"dynamics=hopfield", "paths=0", "trajectories=20"});
  const DiffusionOutcome oh = simulate_diffusion(h, {}, 2, false);
  // VE: beta(t_end) = 1 / ((T - t_end) sigma^2) = 1 / (0.01 * 4) = 25
  CHECK(oh.result.beta == doctest::Approx(25.0).epsilon(1e-12));
  const RunSpec f = load_one({"dynamics=probability_flow", "trajectories=6", "rel_tol=1e-10", "abs_tol=1e-12"});
  const DiffusionOutcome of = simulate_diffusion(f, {}, 2, false);
  const PatternDiffusion dm = make_diffusion(f, *of.memories);
  for (int i = 0; i < 4; ++i) {
    const Vec x = probability_flow_recall(dm, of.cues.col(i), f.diffusion().t0, f.t_end, 1e-12, 1e-10);
    CHECK((x - of.result.end_states.col(i)).norm() < 1e-8);
  }
}

TEST_CASE("diffusion scenario: covariances from an HDF5 file (N x D x D), checked positive semi-definite") {
  // D = 2, N = 2 patterns; memory 1 has variance 0.5 along (1, 1)/sqrt 2, memory 2 is a point.
  const std::string dir = fs::path(write_temp("dummy", "")).parent_path().string();
  const std::string good = dir + "/cov.h5", bad = dir + "/cov_bad.h5";
  {
    std::lock_guard<std::mutex> g(h5::lock());
    const double c[8] = {0.25, 0.25, 0.25, 0.25, 0, 0, 0, 0};
    h5::Handle f = h5::create_file(good);
    h5::write_dataset(f.id(), "covariance", {2, 2, 2}, c);
    const double nc[8] = {0.25, 0.25, 0.25, 0.25, 1, 2, 2, 1};  // memory 2: eigenvalues 3 and -1
    h5::Handle fb = h5::create_file(bad);
    h5::write_dataset(fb.id(), "covariance", {2, 2, 2}, nc);
  }
  const std::string text = R"([model]
kind = "diffusion"
[patterns]
D = 2
N = 2
[integrator]
t_end = 0.9
[trajectories]
trajectories = 10
)";
  const Scenario sc = load_scenario(write_temp("cov.toml", text), {"covariance_file=" + good});
  const FileCache files = load_files(sc);
  const GaussianMixture g = make_mixture(sc.runs[0], files);
  REQUIRE(g.K() == 2);
  CHECK(g.rank(0) == 1);
  CHECK(g.rank(1) == 0);
  CHECK(g.variances(0)(0) == doctest::Approx(0.5).epsilon(1e-14));
  CHECK((g.covariance(0) - Mat::Constant(2, 2, 0.25)).norm() < 1e-14);

  const Scenario sb = load_scenario(write_temp("cov.toml", text), {"covariance_file=" + bad});
  std::string msg;
  try {
    load_files(sb);
  } catch (const InputError& e) {
    msg = e.what();
  }
  CHECK(msg.find("key 'covariance_file': covariance of memory 2") != std::string::npos);
  // the smallest eigenvalue, -1 up to rounding
  const auto at = msg.find("smallest eigenvalue ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(msg.substr(at + 20)) == doctest::Approx(-1.0).epsilon(1e-12));
}

TEST_CASE("recall: progress is reported with the trajectories done") {
  const RunSpec r = load_one({"paths=0", "trajectories=64"});
  const GaussianMixture g = make_mixture(r, {});
  const PatternDiffusion dm = make_diffusion(r, g);
  RecallSpec rs;
  rs.t0 = r.diffusion().t0;
  rs.t_end = r.t_end;
  rs.dt = r.dt;
  rs.trajectories = 64;
  rs.threads = 1;
  rs.progress_s = 0.0;  // report after every trajectory of thread 0
  std::vector<long> seen;
  rs.progress = [&](long done, long total) {
    CHECK(total == 64);
    seen.push_back(done);
  };
  recall(dm, make_cues(r, g), rs);
  REQUIRE(seen.size() == 64);
  CHECK(seen.front() == 1);
  CHECK(seen.back() == 64);
}
