// HDF5 output: round trip of what a run computed, bit-identical results for 1 and 2 threads,
// streaming in chunks, and no file under the requested name when anything goes wrong.
#include <doctest/doctest.h>

#include "tests/temp_dir.hpp"

#include <filesystem>
#include <fstream>

#include "sim/drivers/run_scenario.hpp"
#include "sim/kinds/gsemm/runner.hpp"
#include "sim/output/h5file.hpp"
#include "sim/output/output_size.hpp"
#include "sim/output/variables.hpp"

using namespace seqmem;
namespace fs = std::filesystem;

namespace {
// A folder of its own per test case: ctest runs the cases in parallel.
fs::path temp_dir(const std::string& test) {
  const fs::path d = seqmem::testing::temp_dir("output") / test;
  fs::create_directories(d);
  return d;
}

// A dataset of any rank, read as doubles, with its shape.
std::vector<double> read_all(const std::string& file, const std::string& name, std::vector<hsize_t>* shape = nullptr) {
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f = h5::open_file_readonly(file);
  h5::Handle d(H5Dopen2(f.id(), name.c_str(), H5P_DEFAULT), H5Dclose);
  REQUIRE(d);
  h5::Handle s(H5Dget_space(d.id()), H5Sclose);
  std::vector<hsize_t> dims(H5Sget_simple_extent_ndims(s.id()));
  H5Sget_simple_extent_dims(s.id(), dims.data(), nullptr);
  hsize_t n = 1;
  for (auto x : dims) n *= x;
  std::vector<double> v(n);
  if (n) H5Dread(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  if (shape) *shape = dims;
  return v;
}

double read_attr(const std::string& file, const std::string& obj, const std::string& name) {
  std::lock_guard<std::mutex> g(h5::lock());
  h5::Handle f = h5::open_file_readonly(file);
  h5::Handle a(H5Aopen_by_name(f.id(), obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  REQUIRE(a);
  double v = 0;
  H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v);
  return v;
}

std::string write_scenario(const fs::path& dir) {
  const fs::path p = dir / "grid.toml";
  std::ofstream(p) << R"(seed = 5
[model]
N_f = 30
alpha_s = 1.0
alpha_c = 0.5
beta_d = 7.0
degree = 3
[memories]
K = 6
[episodes]
cycles = [[1, 2, 3, 4, 5, 6]]
[integrator]
t_end = 60.0
[record]
sample_dt = 0.1
states = ["V_f", "V_h", "V_d"]
state_every = 7
chunk = 64
[analysis]
expect_cycle = [1, 2, 3, 4, 5, 6]
[runs]
grid = { alpha_c = [0.3, 0.6], seed = [1, 2, 3] }
)";
  return p.string();
}
}  // namespace

TEST_CASE("HDF5 round trip: what was computed is what is read back") {
  const fs::path dir = temp_dir("round_trip");
  const Scenario sc = load_scenario(write_scenario(dir));
  const std::string out = (dir / "round.h5").string();
  const auto outcomes = run_scenario(sc, out, {1, false, true});
  REQUIRE(outcomes.size() == 6);
  for (std::size_t i = 0; i < sc.runs.size(); ++i) {
    const auto& r = sc.runs[i];
    const std::string g = "/runs/" + r.id + "/";
    std::vector<hsize_t> shape;
    const auto t = read_all(out, g + "time", &shape);
    REQUIRE(shape.size() == 1);
    CHECK(shape[0] == 601);  // 0, 0.1, ..., 60: streamed over 10 chunks of 64
    CHECK(t[600] == doctest::Approx(60.0));
    const auto m = read_all(out, g + "overlaps", &shape);
    CHECK(shape == std::vector<hsize_t>{601, 6});
    CHECK(m[600 * 6 + 0] == doctest::Approx(outcomes[i].m_final(0)).epsilon(1e-15));
    const auto Vf = read_all(out, g + "V_f", &shape);
    CHECK(shape == std::vector<hsize_t>{87, 30});  // samples 0, 7, ..., 595 and the last, 600 (t_end)
    CHECK(read_all(out, g + "V_h", &shape).size() == 87 * 6);
    const auto Xi = read_all(out, g + "Xi", &shape);
    CHECK(shape == std::vector<hsize_t>{30, 6});
    const Mat Xi_expected = random_memories(30, 6, r.seed);
    for (int a = 0; a < 30; ++a)
      for (int b = 0; b < 6; ++b) CHECK(Xi[a * 6 + b] == Xi_expected(a, b));
    // Phi as its nonzero entries: the cycle 1 -> 2 -> ... -> 6 -> 1 (1-based labels)
    const auto from = read_all(out, g + "Phi_from"), to = read_all(out, g + "Phi_to"),
               value = read_all(out, g + "Phi_value");
    REQUIRE(from.size() == 6);
    for (std::size_t e = 0; e < 6; ++e) {
      CHECK(value[e] == 1.0);
      CHECK(to[e] == double(int(from[e]) % 6 + 1));
    }
    CHECK(read_attr(out, g, "alpha_c") == r.params.alpha_c);
    CHECK(read_attr(out, g, "seed") == double(r.seed));
    CHECK(read_attr(out, g, "cycles_completed") == outcomes[i].check.cycles_completed);
    // overlaps at a state sample equal Xi^T tanh(V_f) / N_f recomputed from the stored V_f
    for (int k : {0, 40, 85}) {
      double mk = 0;
      for (int a = 0; a < 30; ++a) mk += Xi[a * 6 + 2] * std::tanh(Vf[k * 30 + a]);
      CHECK(m[(7 * k) * 6 + 2] == doctest::Approx(mk / 30).epsilon(1e-12));
    }
  }
}

TEST_CASE("same scenario and seed: bit-identical datasets for 1 and 2 threads") {
  const fs::path dir = temp_dir("threads");
  const Scenario sc = load_scenario(write_scenario(dir));
  const std::string a = (dir / "t1.h5").string(), b = (dir / "t2.h5").string();
  run_scenario(sc, a, {1, false, true});
  run_scenario(sc, b, {2, false, true});
  for (const auto& r : sc.runs)
    for (const char* d : {"time", "overlaps", "V_f", "V_h", "V_d", "Xi", "Phi_from", "Phi_to", "Phi_value"}) {
      const std::string name = "/runs/" + r.id + "/" + d;
      INFO(name);
      CHECK(read_all(a, name) == read_all(b, name));  // exact equality of every double
    }
}

TEST_CASE("no file under the requested name when the output cannot be written") {
  const fs::path dir = temp_dir("no_partial");
  const Scenario sc = load_scenario(write_scenario(dir));
  CHECK_THROWS_AS(run_scenario(sc, "/nonexistent-dir/out.h5", {1, false, true}), InputError);
  CHECK_FALSE(fs::exists("/nonexistent-dir/out.h5"));
  const std::string out = (dir / "fine.h5").string();
  fs::remove(out);
  run_scenario(sc, out, {2, false, true});
  CHECK(fs::exists(out));
  for (const auto& e : fs::directory_iterator(dir))
    CHECK(e.path().string().find(".partial-") == std::string::npos);
}

TEST_CASE("fixed points along the Figure 2 window: written, converged, identical for 1 and 2 threads") {
  const fs::path dir = temp_dir("fixed_points");
  const Scenario sc = load_scenario("scenarios/fig2_energy_landscape.toml", {"fp_t_end=40", "surface_slices=3"});
  const std::string a = (dir / "t1.h5").string(), b = (dir / "t2.h5").string();
  run_scenario(sc, a, {1, false, true});
  run_scenario(sc, b, {2, false, true});
  std::vector<hsize_t> shape;
  const auto t = read_all(a, "/runs/r0000/fixed_points/fp_time", &shape);
  REQUIRE(shape == std::vector<hsize_t>{201});  // t = 20.0, 20.1, ..., 40.0
  CHECK(t.front() == doctest::Approx(20.0));
  CHECK(t.back() == doctest::Approx(40.0));
  for (double c : read_all(a, "/runs/r0000/fixed_points/state_converged")) CHECK(c == 1.0);
  CHECK(read_all(a, "/runs/r0000/fixed_points/memory_V_f", &shape).size() == 201 * 7 * 100);
  CHECK(read_all(a, "/runs/r0000/fixed_points/surface/energy", &shape).size() == 3 * 41 * 41);
  for (const char* d : {"state_V_f", "state_energy", "state_n_unstable", "memory_energy", "memory_V_f", "surface/energy",
                        "surface/basis", "surface/trajectory"}) {
    INFO(d);
    CHECK(read_all(a, std::string("/runs/r0000/fixed_points/") + d) ==
          read_all(b, std::string("/runs/r0000/fixed_points/") + d));
  }
}

TEST_CASE("the output catalogue: a dataset written otherwise than declared is refused, by name") {
  const std::string path = (temp_dir("catalogue") / "c.h5").string();
  auto check = [&](auto write) {
    std::lock_guard<std::mutex> g(h5::lock());
    h5::Handle f = h5::create_file(path);
    h5::Handle runs = h5::create_group(f.id(), "r0000");
    write(runs.id());
    std::string what;
    try {
      describe_variables(f.id());
    } catch (const std::logic_error& e) {
      what = e.what();
    }
    h5::close_file(f);
    return what;
  };
  const int labels[3] = {1, 2, 3};
  const double values[6] = {0, 1, 2, 3, 4, 5};
  // as declared: overlaps (time, memory), doubles
  CHECK(check([&](hid_t g) {
          h5::Handle t = h5::write_dataset(g, "time", {2}, values);
          h5::make_scale(t.id(), "time");
          h5::Handle m = h5::write_dataset(g, "memory", {3}, labels);
          h5::make_scale(m.id(), "memory");
          h5::Handle o = h5::write_dataset(g, "overlaps", {2, 3}, values);
          h5::attach_scale(o.id(), t.id(), 0);
          h5::attach_scale(o.id(), m.id(), 1);
        }) == "");
  // its dimensions swapped
  CHECK(check([&](hid_t g) {
          h5::Handle t = h5::write_dataset(g, "time", {3}, values);
          h5::make_scale(t.id(), "time");
          h5::Handle m = h5::write_dataset(g, "memory", {2}, labels);
          h5::make_scale(m.id(), "memory");
          h5::Handle o = h5::write_dataset(g, "overlaps", {2, 3}, values);
          h5::attach_scale(o.id(), m.id(), 0);
          h5::attach_scale(o.id(), t.id(), 1);
        }) == "describe_variables: r0000/overlaps has the dimensions (memory time), the catalogue declares (time memory)");
  // no dimension scale at all, and integers where doubles are declared
  CHECK(check([&](hid_t g) { h5::write_dataset(g, "visit_time", {3}, labels); }) ==
        "describe_variables: r0000/visit_time is stored as i32, the catalogue declares f64");
  CHECK(check([&](hid_t g) { h5::write_dataset(g, "visit_time", {2}, values); }) ==
        "describe_variables: r0000/visit_time has the dimensions (?), the catalogue declares (visit)");
  // a shared cue (dim) and one per trajectory (trajectory, dim) are both declared
  CHECK(check([&](hid_t g) {
          h5::Handle d = h5::write_index_scale(g, "dim", 1, 3);
          h5::Handle c = h5::write_dataset(g, "cue", {3}, values);
          h5::attach_scale(c.id(), d.id(), 0);
        }) == "");
  // a variable the catalogue lacks
  CHECK(check([&](hid_t g) { h5::write_dataset(g, "not_a_variable", {2}, values); }) ==
        "describe_variables: no description of the variable r0000/not_a_variable");
}

TEST_CASE("the output size from the catalogue, by hand") {
  // A free-recall run with a pool of 10 items and lists of 4: item, item_category, serial_position
  // (i32: 4 bytes), spc and pfr (f64) per position, lag (i32), lag_crp (f64), lag_crp_actual and
  // lag_crp_possible (i64) per lag -3..3:
  //   10*4 + 10*4 + 4*4 + 2*4*8 + 7*4 + 7*8 + 2*7*8 = 40 + 40 + 16 + 64 + 28 + 56 + 112 = 356
  CHECK(output_bytes("free_recall", {{"item", 10}, {"serial_position", 4}, {"lag", 7}}) == 356.0);
  // a dimension without a length leaves its variables out: without "lag", 356 - 252
  CHECK(output_bytes("free_recall", {{"item", 10}, {"serial_position", 4}}) == 160.0);
  // `written` leaves a variable out: no pfr, 356 - 32
  CHECK(output_bytes("free_recall", {{"item", 10}, {"serial_position", 4}, {"lag", 7}},
                     [](const std::string& name) { return name != "pfr"; }) == 324.0);
  // the cue "[trajectory] dim": one shared (dim: 3 doubles) or one per trajectory (5 x 3)
  const auto cue = [](DimensionSizes sizes) {
    return output_bytes("diffusion", sizes, [](const std::string& name) { return name == "cue"; });
  };
  CHECK(cue({{"dim", 3}, {"trajectory", 5}, {"[trajectory]", 1}}) == 24.0);
  CHECK(cue({{"dim", 3}, {"trajectory", 5}}) == 120.0);
  CHECK(cue({{"dim", 3}}) == 24.0);
}
