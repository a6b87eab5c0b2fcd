// Scenario parsing, validation and run expansion (toml++). See scenario.hpp.
#include "scenario.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace seqmem {
namespace {

enum class Type { Int, Float, Bool, String, IntList, IntListList, FloatList, BoolList, StringList };

const char* type_name(Type t) {
  switch (t) {
    case Type::Int: return "an integer";
    case Type::Float: return "a number";
    case Type::Bool: return "true or false";
    case Type::String: return "a string";
    case Type::IntList: return "a list of integers";
    case Type::IntListList: return "a list of lists of integers";
    case Type::FloatList: return "a list of numbers";
    case Type::BoolList: return "true, false or a list of them";
    case Type::StringList: return "a list of strings";
  }
  return "?";
}

// Which model kinds a key applies to: setting a key of the other family is an error.
enum class Family { gsemm, diffusion, any };

struct KeyDef {
  const char* section;  // "" for top level
  const char* key;
  Type type;
  const char* def;  // default, as TOML
  const char* doc;
  Family family = Family::gsemm;
};

// The schema. Keys are unique across sections, so `--set`, [runs] and HDF5 attributes use the
// bare key.
const KeyDef kSchema[] = {
    {"", "name", Type::String, "\"\"", "a name for the scenario", Family::any},
    {"", "description", Type::String, "\"\"", "free text", Family::any},
    {"", "seed", Type::Int, "0", "seed of the random memories, cue flips and noise (>= 0)", Family::any},
    {"model", "kind", Type::String, "\"dense_gsemm\"",
     "gsemm (three layers, Eq. 1) | dense_gsemm (T_h -> 0, Eq. 9-10) | gamm (Phi = 0) | diffusion (diffusion model / modern Hopfield network, many trajectories)", Family::any},
    {"model", "N_f", Type::Int, "100", "feature neurons (> 0)"},
    {"model", "alpha_s", Type::Float, "1.0", "strength of the Xi synapses (> 0)"},
    {"model", "alpha_c", Type::Float, "0.0", "strength of the delayed Phi synapses (>= 0)"},
    {"model", "T_f", Type::Float, "1.0", "feature timescale (> 0)"},
    {"model", "T_h", Type::Float, "0.1", "hidden timescale, three-layer model only (> 0)"},
    {"model", "T_d", Type::Float, "20.0", "delay timescale (> 0)"},
    {"model", "beta_d", Type::Float, "1.0", "delay gain: T_d dV_d/dt = beta_d sigma_f(V_f) - V_d (>= 0; paper: 1)"},
    {"model", "gamma", Type::Float, "1.0", "feature gain: sigma_f = tanh(gamma x) (> 0)"},
    {"model", "sigma_h", Type::String, "\"polynomial\"",
     "hidden activation: polynomial (x^n) | rectified_polynomial (max(x,0)^n) | softmax"},
    {"model", "degree", Type::Int, "1", "n of the polynomial activations (1..30)"},
    {"model", "beta_h", Type::Float, "1.0", "inverse temperature of softmax (> 0)"},
    {"model", "alpha_s_placement", Type::String, "\"eq10\"",
     "Dense GSEMM hidden input: eq10 (as printed, no sqrt(alpha_s) inside sigma_h) | eq9"},
    {"model", "process", Type::String, "\"ve\"",
     "diffusion: forward noise process: ve (variance exploding, Eq. 7-8) | vp (Ornstein-Uhlenbeck, Eq. 15-21)", Family::diffusion},
    {"model", "sigma", Type::Float, "1.0", "diffusion: noise coefficient sigma of the forward and reverse SDEs (> 0)", Family::diffusion},
    {"model", "T", Type::Float, "1.0", "diffusion: time of the clean data; noise time is T - t (> 0)", Family::diffusion},
    {"model", "gamma_v", Type::Float, "0.5", "diffusion, vp: v(x) = gamma_v |x|^2 / 2, forward drift -gamma_v x (> 0)", Family::diffusion},
    {"model", "dynamics", Type::String, "\"reverse_sde\"",
     "diffusion: reverse_sde (Euler-Maruyama, Eq. 7) | probability_flow (ODE, dopri5) | hopfield (modern Hopfield flow, Eq. 5)", Family::diffusion},
    {"model", "beta", Type::Float, "-1.0", "diffusion, hopfield: inverse temperature (> 0; -1: matched to t_end, a(t_end) / s^2(t_end))", Family::diffusion},
    {"patterns", "D", Type::Int, "2", "diffusion: dimension of the patterns (1..100000)", Family::diffusion},
    {"patterns", "N", Type::Int, "4", "diffusion: number of random point memories, directions of norm pattern_norm (>= 0)", Family::diffusion},
    {"patterns", "pattern_norm", Type::Float, "1.0", "diffusion: norm of the random patterns (> 0)", Family::diffusion},
    {"patterns", "Y_file", Type::String, "\"\"", "diffusion: patterns from a file instead: CSV or HDF5, D rows x N columns", Family::diffusion},
    {"patterns", "Y_dataset", Type::String, "\"Y\"", "diffusion: dataset of Y_file when it is HDF5", Family::diffusion},
    {"patterns", "extended_rank", Type::Int, "0", "diffusion: extended memories (Eq. 23): dimension of each memory's random sub-space (0..D)", Family::diffusion},
    {"patterns", "extended_variance", Type::Float, "0.0", "diffusion: variance along that sub-space (>= 0)", Family::diffusion},
    {"patterns", "covariance_file", Type::String, "\"\"",
     "diffusion: explicit covariances instead: HDF5 (N x D x D) or CSV / 2-D (N*D rows x D), each positive semi-definite", Family::diffusion},
    {"patterns", "covariance_dataset", Type::String, "\"covariance\"", "diffusion: dataset of covariance_file when it is HDF5", Family::diffusion},
    {"patterns", "manifold_components", Type::Int, "0",
     "diffusion: semantic memory (Eq. 24-25): components on a circle in the plane of coordinates 1, 2 (0: none)", Family::diffusion},
    {"patterns", "manifold_radius", Type::Float, "1.0", "diffusion: radius of the circle (> 0)", Family::diffusion},
    {"patterns", "manifold_variance", Type::Float, "0.0", "diffusion: variance of each component along the circle's tangent (>= 0)", Family::diffusion},
    {"patterns", "manifold_weight", Type::Float, "0.5", "diffusion: prior mass of the semantic memory against the point memories (0 < x <= 1)", Family::diffusion},
    {"memories", "K", Type::Int, "0", "number of random +-1 memories (> 0 unless Xi_file is given)"},
    {"memories", "Xi_file", Type::String, "\"\"",
     "memories from a file instead: CSV (N_f rows x K columns) or HDF5 (.h5/.hdf5)"},
    {"memories", "Xi_dataset", Type::String, "\"Xi\"", "dataset of Xi_file when it is HDF5, shape (N_f, K)"},
    {"episodes", "cycles", Type::IntListList, "[]", "episodes as lists of 1-based memory indices"},
    {"episodes", "cyclic", Type::BoolList, "true", "whether each episode closes on itself (one value or one per episode)"},
    {"episodes", "weights", Type::FloatList, "[]", "weight of each episode's Phi entries (default 1)"},
    {"episodes", "Phi_file", Type::String, "\"\"", "an explicit K x K Phi instead: CSV or HDF5"},
    {"episodes", "Phi_dataset", Type::String, "\"Phi\"", "dataset of Phi_file when it is HDF5"},
    {"cue", "cue_memory", Type::Int, "1", "memory whose pattern starts V_f (1-based; 0: none); diffusion: the cue is y_cue + noise (0: the origin + noise)", Family::any},
    {"cue", "cue_amplitude", Type::Float, "1.0", "V_f(0) = cue_amplitude * xi (> 0)"},
    {"cue", "cue_flip", Type::Float, "0.0", "fraction of entries of the cue flipped (0..1)"},
    {"cue", "cue_zero", Type::Float, "0.0", "fraction of entries of the cue set to zero (0..1)"},
    {"cue", "cue_noise", Type::Float, "0.0", "standard deviation of Gaussian noise added to V_f(0), or to the diffusion cue (>= 0)", Family::any},
    {"cue", "V_d0", Type::String, "\"zero\"", "initial delay: zero | cue (beta_d sigma_f(V_f(0)))"},
    {"cue", "cue_per_trajectory", Type::Bool, "true",
     "diffusion: a fresh noisy cue per trajectory (true) or one cue for all trajectories (false, probabilistic recall §5.1)", Family::diffusion},
    {"cue", "cue_cycle", Type::Bool, "false", "diffusion: trajectory i is cued by memory (i mod N) + 1 instead of cue_memory", Family::diffusion},
    {"input", "input_memory", Type::Int, "0", "external current I_f = input_amplitude xi on the feature layer (1-based; 0: none)"},
    {"input", "input_amplitude", Type::Float, "1.0", "amplitude of the external current"},
    {"input", "t_on", Type::Float, "0.0", "the current is on for t_on <= t < t_off"},
    {"input", "t_off", Type::Float, "0.0", "end of the current (>= t_on)"},
    {"integrator", "stepper", Type::String, "\"rk4\"", "rk4 (fixed step dt) | dopri5 (adaptive Dormand-Prince 5(4), dense output)"},
    {"integrator", "dt", Type::Float, "0.01", "RK4 step; first trial step of dopri5; diffusion: Euler-Maruyama step (> 0)", Family::any},
    {"integrator", "t_end", Type::Float, "100.0", "simulated duration (> 0); diffusion: end time, t0 < t_end < T", Family::any},
    {"integrator", "abs_tol", Type::Float, "1e-8", "dopri5 absolute tolerance (> 0)", Family::any},
    {"integrator", "rel_tol", Type::Float, "1e-8", "dopri5 relative tolerance (> 0)", Family::any},
    {"integrator", "t0", Type::Float, "0.0",
     "diffusion: start time, 0 <= t0 < t_end (-1: the time whose noise variance s^2(T - t0) equals cue_noise^2)", Family::diffusion},
    {"trajectories", "trajectories", Type::Int, "1000", "diffusion: number of trajectories (1..10000000)", Family::diffusion},
    {"trajectories", "paths", Type::Int, "0", "diffusion: record the paths and energies of the first n trajectories (0..trajectories)", Family::diffusion},
    {"trajectories", "path_every", Type::Int, "10", "diffusion: record every n-th step of those paths (>= 1)", Family::diffusion},
    {"landscape", "landscape_grid", Type::Int, "0",
     "diffusion: energy and score on a grid x grid over coordinates 1, 2 (others 0) (0: none, else 2..2001)", Family::diffusion},
    {"landscape", "landscape_range", Type::Float, "2.0", "diffusion: the grid spans [-r, r] on both axes (> 0)", Family::diffusion},
    {"landscape", "landscape_t", Type::Float, "-1.0", "diffusion: time of the landscape, 0 <= t < T (-1: t_end)", Family::diffusion},
    {"record", "sample_dt", Type::Float, "0.1", "sampling interval of the recording (a multiple of dt for rk4)"},
    {"record", "threshold", Type::Float, "0.8", "a memory is visited when its overlap reaches this (0 < x <= 1)"},
    {"record", "states", Type::StringList, "[]", "state trajectories to record: any of V_f, V_h, V_d"},
    {"record", "energy", Type::Bool, "true", "record the energy E and the parts F, G of dE/dt (Eq. 4-8) at every sample"},
    {"record", "state_every", Type::Int, "1", "record the states at every n-th sample (>= 1)"},
    {"record", "chunk", Type::Int, "256", "samples per HDF5 chunk and per flush (>= 1)"},
    {"analysis", "expect_cycle", Type::IntList, "[]", "expected cycle (1-based) for the episode check"},
    {"sweep", "sweep_degrees", Type::IntList, "[]", "capacity sweep: polynomial degrees (each 1..30)"},
    {"sweep", "sweep_seeds", Type::IntList, "[]", "capacity sweep: seeds of the memories (each >= 0)"},
    {"sweep", "sweep_alpha_c", Type::FloatList, "[]", "capacity sweep: alpha_c values; K succeeds if one of them does (each >= 0)"},
    {"sweep", "K_min", Type::Int, "2", "capacity sweep: smallest K searched (>= 2)"},
    {"sweep", "K_max", Type::Int, "200", "capacity sweep: largest K searched (>= K_min)"},
    {"sweep", "criterion", Type::String, "\"cycles\"", "success: cycles (the cycle retrieved in order cycles_required times, no wrong visit)"},
    {"sweep", "cycles_required", Type::Int, "3", "complete cycles for success (>= 1; paper: 3)"},
    {"sweep", "stall_time", Type::Float, "200.0", "failure when no new visit comes within this time of the previous one (> 0)"},
    {"baseline", "baseline_model", Type::String, "\"\"",
     "classical singleton capacity instead of [sweep]: hopfield | dense_poly | dense_rectified | dense_exp"},
    {"baseline", "baseline_N", Type::IntList, "[100]", "baseline: network sizes N (each >= 2)"},
    {"baseline", "baseline_degrees", Type::IntList, "[3]", "baseline: n of dense_poly / dense_rectified (each >= 2)"},
    {"baseline", "baseline_criterion", Type::String, "\"recall\"", "baseline: recall | fixed_point"},
    {"baseline", "baseline_cue_flip", Type::Float, "0.0", "baseline recall: fraction of the cue's entries flipped (0..1)"},
    {"baseline", "overlap_threshold", Type::Float, "0.9", "baseline recall: final overlap needed (-1..1)"},
    {"baseline", "required_fraction", Type::Float, "0.5", "baseline: fraction of the P patterns that must be recalled (0 < x <= 1)"},
    {"baseline", "trials", Type::Int, "20", "baseline: independent pattern sets per (N, degree) (>= 1)"},
    {"baseline", "P_max", Type::Int, "100000", "baseline: largest P searched (>= 1)"},
    {"fixed_points", "find_fixed_points", Type::Bool, "false",
     "find instantaneous fixed points along the trajectory (dense_gsemm, gamm; Appendix B.2, Figure 2)"},
    {"fixed_points", "fp_t_start", Type::Float, "0.0", "window of the fixed-point analysis: samples with fp_t_start <= t"},
    {"fixed_points", "fp_t_end", Type::Float, "-1.0", "... and t <= fp_t_end (-1: t_end)"},
    {"fixed_points", "fp_every", Type::Int, "1", "analyse every n-th sample of the window (>= 1)"},
    {"fixed_points", "fp_from_memories", Type::Bool, "true", "also the fixed point reached from every memory (Figure 2C)"},
    {"fixed_points", "fp_start_amplitude", Type::Float, "1.0", "start of those descents: V_f = fp_start_amplitude * xi (> 0)"},
    {"fixed_points", "fp_descent_tol", Type::Float, "1e-6", "energy descent stops when max|dV_f/dt| T_f < this * max(1, max|V_f|) (> 0)"},
    {"fixed_points", "fp_newton_tol", Type::Float, "1e-10", "Newton converged when max|f| T_f < this * max(1, max|V_f|) (> 0)"},
    {"fixed_points", "surface_slices", Type::Int, "0", "energy surfaces (Figure 2A) at this many times spread over the window (0: none)"},
    {"fixed_points", "surface_plane", Type::String, "\"memories\"", "plane of the surfaces: memories (two memories) | pca (first two PCs of V_f in the window)"},
    {"fixed_points", "surface_memories", Type::IntList, "[1, 2]", "the two memories (1-based) spanning the plane"},
    {"fixed_points", "surface_grid", Type::Int, "41", "grid points per axis (2..1001)"},
    {"fixed_points", "surface_range", Type::Float, "2.0", "memories plane: coordinates in [-r, r] along each unit memory direction times sqrt(N_f) (> 0)"},
};

const KeyDef* find_key(const std::string& key) {
  for (const auto& k : kSchema)
    if (key == k.key) return &k;
  return nullptr;
}

bool is_section(const std::string& s) {
  for (const auto& k : kSchema)
    if (s == k.section) return true;
  return s == "runs";
}

std::string where(const std::string& file, const toml::source_region& r) {
  return fmt::format("{}:{}:{}", file, r.begin.line, r.begin.column);
}

// Does node `n` have type t? Integers count as numbers.
bool type_ok(const toml::node& n, Type t) {
  auto all = [&](auto pred) {
    const auto* a = n.as_array();
    if (!a) return false;
    for (const auto& e : *a)
      if (!pred(e)) return false;
    return true;
  };
  switch (t) {
    case Type::Int: return n.is_integer();
    case Type::Float: return n.is_number();
    case Type::Bool: return n.is_boolean();
    case Type::String: return n.is_string();
    case Type::IntList: return all([](const toml::node& e) { return e.is_integer(); });
    case Type::FloatList: return all([](const toml::node& e) { return e.is_number(); });
    case Type::StringList: return all([](const toml::node& e) { return e.is_string(); });
    case Type::BoolList:
      return n.is_boolean() || all([](const toml::node& e) { return e.is_boolean(); });
    case Type::IntListList:
      return all([](const toml::node& e) {
        const auto* a = e.as_array();
        if (!a) return false;
        for (const auto& x : *a)
          if (!x.is_integer()) return false;
        return true;
      });
  }
  return false;
}

// The values of one run: key -> node, with where each came from.
struct Values {
  toml::table vals;
  std::map<std::string, std::string> origin;

  void set(const std::string& key, const toml::node& n, std::string from) {
    vals.insert_or_assign(key, n);
    origin[key] = std::move(from);
  }
  const toml::node& get(const std::string& key) const { return *vals.get(key); }

  [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
    auto it = origin.find(key);
    const std::string from = it == origin.end() ? std::string("(default)") : it->second;
    throw InputError(fmt::format("{}: key '{}': {}", from, key, msg));
  }
  double num(const std::string& k) const { return get(k).value<double>().value(); }
  std::int64_t integer(const std::string& k) const { return get(k).value<std::int64_t>().value(); }
  std::string str(const std::string& k) const { return get(k).value<std::string>().value(); }
  bool boolean(const std::string& k) const { return get(k).value<bool>().value(); }

  double positive(const std::string& k) const {
    const double v = num(k);
    if (!(v > 0) || !std::isfinite(v)) fail(k, fmt::format("must be > 0, got {}", v));
    return v;
  }
  double non_negative(const std::string& k) const {
    const double v = num(k);
    if (!(v >= 0) || !std::isfinite(v)) fail(k, fmt::format("must be >= 0, got {}", v));
    return v;
  }
  double fraction(const std::string& k) const {
    const double v = num(k);
    if (!(v >= 0 && v <= 1)) fail(k, fmt::format("must be in [0, 1], got {}", v));
    return v;
  }
  std::string choice(const std::string& k, std::initializer_list<const char*> options) const {
    const std::string v = str(k);
    std::string list;
    for (const char* o : options) {
      if (v == o) return v;
      list += list.empty() ? o : fmt::format(", {}", o);
    }
    fail(k, fmt::format("unknown value '{}' (one of: {})", v, list));
  }
  std::string file(const std::string& k, const std::string& scenario_dir) const {
    std::string v = str(k);
    if (v.empty()) return v;
    std::filesystem::path p(v);
    if (p.is_relative()) p = std::filesystem::path(scenario_dir) / p;
    std::ifstream f(p);
    if (!f) fail(k, fmt::format("cannot read file '{}'", p.string()));
    return p.string();
  }
};

// Checks and stores one key/value from the file, an override or [runs].
void assign(Values& v, const std::string& key, const toml::node& n, const std::string& from) {
  const KeyDef* d = find_key(key);
  if (!d) throw InputError(fmt::format("{}: unknown key '{}'", from, key));
  if (!type_ok(n, d->type))
    throw InputError(fmt::format("{}: key '{}': must be {}", from, key, type_name(d->type)));
  v.set(key, n, from);
}

std::string strip_section(const std::string& k) {
  const auto dot = k.find('.');
  if (dot == std::string::npos) return k;
  const std::string sec = k.substr(0, dot), key = k.substr(dot + 1);
  const KeyDef* d = find_key(key);
  return (d && sec == d->section) ? key : k;
}

std::vector<int> to_zero_based(const Values& v, const std::string& key, const toml::array& a, int K) {
  std::vector<int> out;
  for (const auto& e : a) {
    const auto i = e.value<std::int64_t>().value();
    if (i < 1 || i > K) v.fail(key, fmt::format("memory {} does not exist (memories are 1..{})", i, K));
    out.push_back(static_cast<int>(i - 1));
  }
  return out;
}

std::string node_text(const toml::node& n) {
  std::ostringstream os;
  n.visit([&](auto&& x) { os << x; });
  return os.str();
}

// A key set (in the file, --set or [runs]) that does not apply to the run's model kind is an error;
// the resolved values of the keys that apply are recorded.
void check_family(const Values& v, Family fam, const std::string& kind, RunSpec& r) {
  for (const auto& k : kSchema) {
    if (k.family != Family::any && k.family != fam) {
      if (v.origin.count(k.key) && v.origin.at(k.key) != "(default)")
        v.fail(k.key, fmt::format("does not apply to kind = \"{}\"", kind));
      continue;
    }
    const toml::node& n = v.get(k.key);
    if (n.is_integer()) r.resolved.emplace_back(k.key, AttrValue(n.value<std::int64_t>().value()));
    else if (n.is_floating_point()) r.resolved.emplace_back(k.key, AttrValue(n.value<double>().value()));
    else if (n.is_boolean()) r.resolved.emplace_back(k.key, AttrValue(n.value<bool>().value()));
    else if (n.is_string()) r.resolved.emplace_back(k.key, AttrValue(n.value<std::string>().value()));
    else r.resolved.emplace_back(k.key, AttrValue(node_text(n)));
  }
}

// kind = "diffusion": models/diffusion.hpp, sim/diffusion_runner.hpp.
RunSpec resolve_diffusion(const Values& v, const std::string& dir, RunSpec r) {
  auto& d = r.diffusion;
  d.process = v.choice("process", {"ve", "vp"}) == "vp" ? DiffusionProcess::vp : DiffusionProcess::ve;
  d.sigma = v.positive("sigma");
  d.T = v.positive("T");
  d.gamma_v = v.positive("gamma_v");
  const std::string dyn = v.choice("dynamics", {"reverse_sde", "probability_flow", "hopfield"});
  d.dynamics = dyn == "reverse_sde"        ? DiffusionDynamics::reverse_sde
               : dyn == "probability_flow" ? DiffusionDynamics::probability_flow
                                           : DiffusionDynamics::hopfield;
  d.beta = v.num("beta");
  if (!(d.beta > 0 || d.beta == -1) || !std::isfinite(d.beta)) v.fail("beta", fmt::format("must be > 0 or -1, got {}", d.beta));

  const auto D = v.integer("D");
  if (D < 1 || D > 100000) v.fail("D", fmt::format("must be in 1..100000, got {}", D));
  d.D = static_cast<int>(D);
  d.Y_file = v.file("Y_file", dir);
  d.Y_dataset = v.str("Y_dataset");
  const auto N = v.integer("N");
  if (N < 0 || N > 10000000) v.fail("N", fmt::format("must be in 0..10000000, got {}", N));
  if (!d.Y_file.empty() && N != 0 && v.origin.at("N") != "(default)")
    v.fail("N", "give either N or Y_file, not both (N = 0 with Y_file)");
  d.N = d.Y_file.empty() ? static_cast<int>(N) : -1;  // -1: from the file
  d.pattern_norm = v.positive("pattern_norm");
  const auto rank = v.integer("extended_rank");
  if (rank < 0 || rank > D) v.fail("extended_rank", fmt::format("must be in 0..D = {}, got {}", D, rank));
  d.extended_rank = static_cast<int>(rank);
  d.extended_variance = v.non_negative("extended_variance");
  d.covariance_file = v.file("covariance_file", dir);
  d.covariance_dataset = v.str("covariance_dataset");
  if (!d.covariance_file.empty() && d.extended_rank > 0)
    v.fail("covariance_file", "give either extended_rank or covariance_file, not both");
  const auto mc = v.integer("manifold_components");
  if (mc < 0 || mc > 10000000) v.fail("manifold_components", fmt::format("must be in 0..10000000, got {}", mc));
  d.manifold_components = static_cast<int>(mc);
  if (d.manifold_components > 0 && d.D < 2) v.fail("manifold_components", "the circle needs D >= 2");
  d.manifold_radius = v.positive("manifold_radius");
  d.manifold_variance = v.non_negative("manifold_variance");
  d.manifold_weight = v.num("manifold_weight");
  if (!(d.manifold_weight > 0 && d.manifold_weight <= 1))
    v.fail("manifold_weight", fmt::format("must be in (0, 1], got {}", d.manifold_weight));
  if (d.N == 0 && d.manifold_components == 0) v.fail("N", "no memories: N = 0 and manifold_components = 0");
  if (d.manifold_components > 0 && d.N != 0 && !(d.manifold_weight < 1))
    v.fail("manifold_weight", "must be < 1 with point memories (N > 0 or Y_file): 1 leaves them no prior mass");
  if (d.N == 0 && d.manifold_weight < 1 && v.origin.at("manifold_weight") != "(default)")
    v.fail("manifold_weight", "must be 1 without point memories (N = 0)");

  const auto cue = v.integer("cue_memory");
  if (cue < 0 || (d.N >= 0 && cue > d.N))
    v.fail("cue_memory", fmt::format("memory {} does not exist (memories are 1..{}, 0: the origin)", cue, d.N));
  r.cue_memory = static_cast<int>(cue) - 1;
  r.cue_noise = v.non_negative("cue_noise");
  d.cue_per_trajectory = v.boolean("cue_per_trajectory");
  d.cue_cycle = v.boolean("cue_cycle");
  if (d.cue_cycle && d.N == 0) v.fail("cue_cycle", "needs point memories (N > 0)");

  r.dt = v.positive("dt");
  r.abs_tol = v.positive("abs_tol");
  r.rel_tol = v.positive("rel_tol");
  r.t_end = v.num("t_end");
  if (!(r.t_end < d.T) || !(r.t_end > 0))
    v.fail("t_end", fmt::format("must be in (0, T) = (0, {}) (the score is singular at T), got {}", d.T, r.t_end));
  // s^2(tau) = sigma^2 tau (VE) or sigma^2 (1 - exp(-2 gamma tau)) / (2 gamma) (VP) = cue_noise^2
  d.t0 = v.num("t0");
  if (d.t0 == -1) {
    if (!(r.cue_noise > 0)) v.fail("t0", "t0 = -1 (matched to the cue) needs cue_noise > 0");
    const double s2 = r.cue_noise * r.cue_noise, sig2 = d.sigma * d.sigma;
    double tau = s2 / sig2;
    if (d.process == DiffusionProcess::vp) {
      const double q = 2.0 * d.gamma_v * s2 / sig2;
      if (!(q < 1))
        v.fail("t0", fmt::format("cue_noise^2 = {} is beyond the stationary variance sigma^2 / (2 gamma_v) = {}", s2,
                                 sig2 / (2.0 * d.gamma_v)));
      tau = -std::log1p(-q) / (2.0 * d.gamma_v);
    }
    d.t0 = d.T - tau;
    if (d.t0 < 0)
      v.fail("t0", fmt::format("matched start t0 = T - {} < 0: raise T or lower cue_noise", tau));
  }
  if (!(d.t0 >= 0 && d.t0 < r.t_end))
    v.fail("t0", fmt::format("must be in [0, t_end) = [0, {}) or -1, got {}", r.t_end, d.t0));

  const auto M = v.integer("trajectories");
  if (M < 1 || M > 10000000) v.fail("trajectories", fmt::format("must be in 1..10000000, got {}", M));
  d.trajectories = static_cast<int>(M);
  const auto paths = v.integer("paths");
  if (paths < 0 || paths > M) v.fail("paths", fmt::format("must be in 0..trajectories = {}, got {}", M, paths));
  d.paths = static_cast<int>(paths);
  if (d.paths > 0 && d.dynamics == DiffusionDynamics::hopfield)
    v.fail("paths", "paths are recorded for reverse_sde and probability_flow, not hopfield");
  const auto pe = v.integer("path_every");
  if (pe < 1) v.fail("path_every", "must be >= 1");
  d.path_every = static_cast<int>(pe);
  if (d.paths > 0 && double(d.paths) * d.D * ((r.t_end - d.t0) / r.dt / d.path_every + 1) > 5e8)
    v.fail("paths", "the recorded paths would exceed 5e8 numbers (4 GB): fewer paths or a larger path_every");

  const auto grid = v.integer("landscape_grid");
  if (grid != 0 && (grid < 2 || grid > 2001)) v.fail("landscape_grid", fmt::format("must be 0 or in 2..2001, got {}", grid));
  d.landscape_grid = static_cast<int>(grid);
  if (d.landscape_grid > 0 && d.D < 2) v.fail("landscape_grid", "needs D >= 2");
  d.landscape_range = v.positive("landscape_range");
  d.landscape_t = v.num("landscape_t") == -1 ? r.t_end : v.num("landscape_t");
  if (!(d.landscape_t >= 0 && d.landscape_t < d.T))
    v.fail("landscape_t", fmt::format("must be in [0, T) = [0, {}) or -1, got {}", d.T, d.landscape_t));
  if (double(d.trajectories) * d.D > 1e8)
    v.fail("trajectories", "trajectories x D > 1e8: the end states would not fit in memory");
  // Recorded as the values used, not the -1 that asked for them.
  for (auto& [k, val] : r.resolved) {
    if (k == "t0") val = d.t0;
    if (k == "landscape_t") val = d.landscape_t;
  }
  return r;
}

RunSpec resolve(const Values& v, const std::string& dir) {
  RunSpec r;
  const auto seed = v.integer("seed");
  if (seed < 0) v.fail("seed", "must be >= 0");
  r.seed = static_cast<std::uint64_t>(seed);

  const std::string kind = v.choice("kind", {"gsemm", "dense_gsemm", "gamm", "diffusion"});
  if (kind == "diffusion") {
    r.model = ModelKind::diffusion;
    check_family(v, Family::diffusion, kind, r);
    return resolve_diffusion(v, dir, std::move(r));
  }
  check_family(v, Family::gsemm, kind, r);
  r.model = kind == "gsemm" ? ModelKind::gsemm : kind == "gamm" ? ModelKind::gamm : ModelKind::dense_gsemm;
  const auto N_f = v.integer("N_f");
  if (N_f <= 0 || N_f > 1000000) v.fail("N_f", fmt::format("must be in 1..1000000, got {}", N_f));
  r.N_f = static_cast<int>(N_f);

  auto& p = r.params;
  p.alpha_s = v.positive("alpha_s");
  p.alpha_c = v.non_negative("alpha_c");
  p.T_f = v.positive("T_f");
  p.T_h = v.positive("T_h");
  p.T_d = v.positive("T_d");
  p.beta_d = v.non_negative("beta_d");
  p.gamma = v.positive("gamma");
  const std::string sh = v.choice("sigma_h", {"polynomial", "rectified_polynomial", "softmax"});
  p.sigma_h.kind = sh == "polynomial" ? HiddenKind::polynomial
                   : sh == "softmax"  ? HiddenKind::softmax
                                      : HiddenKind::rectified_polynomial;
  const auto degree = v.integer("degree");
  if (degree < 1 || degree > 30) v.fail("degree", fmt::format("must be in 1..30, got {}", degree));
  p.sigma_h.degree = static_cast<int>(degree);
  p.sigma_h.beta_h = v.positive("beta_h");
  p.alpha_s_placement =
      v.choice("alpha_s_placement", {"eq10", "eq9"}) == "eq9" ? AlphaSPlacement::eq9 : AlphaSPlacement::eq10;

  r.Xi_file = v.file("Xi_file", dir);
  r.Xi_dataset = v.str("Xi_dataset");
  const auto K = v.integer("K");
  // K is searched by [sweep] / [baseline]: [memories] unused
  const bool sweep = !v.get("sweep_degrees").as_array()->empty() || !v.get("baseline_model").value<std::string>()->empty();
  if (r.Xi_file.empty() && !sweep && (K <= 0 || K > 1000000))
    v.fail("K", fmt::format("must be in 1..1000000 (or give Xi_file), got {}", K));
  if (!r.Xi_file.empty() && v.origin.count("K") && K != 0)
    v.fail("K", "give either K or Xi_file, not both");
  r.K = static_cast<int>(K);  // 0 with Xi_file: set when the file is read

  r.Phi_file = v.file("Phi_file", dir);
  r.Phi_dataset = v.str("Phi_dataset");
  const auto& cycles = *v.get("cycles").as_array();
  if (!r.Phi_file.empty() && !cycles.empty()) v.fail("Phi_file", "give either cycles or Phi_file, not both");
  if (r.model == ModelKind::gamm && (!cycles.empty() || !r.Phi_file.empty()))
    v.fail("kind", "gamm has no episodes (Phi = 0): remove [episodes]");
  const auto& weights = *v.get("weights").as_array();
  if (!weights.empty() && weights.size() != cycles.size())
    v.fail("weights", fmt::format("needs one weight per episode ({}), got {}", cycles.size(), weights.size()));
  const toml::node& cyc = v.get("cyclic");
  if (const auto* ca = cyc.as_array(); ca && ca->size() != cycles.size())
    v.fail("cyclic", fmt::format("needs one value per episode ({}), got {}", cycles.size(), ca->size()));
  const int K_known = r.Xi_file.empty() && !sweep ? r.K : 1000000;  // file-backed K: checked on load
  for (std::size_t e = 0; e < cycles.size(); ++e) {
    Episode ep;
    ep.memories = to_zero_based(v, "cycles", *cycles[e].as_array(), K_known);
    if (ep.memories.size() < 2) v.fail("cycles", fmt::format("episode {} needs at least 2 memories", e + 1));
    ep.cyclic = cyc.is_boolean() ? cyc.value<bool>().value() : (*cyc.as_array())[e].value<bool>().value();
    ep.weight = weights.empty() ? 1.0 : weights[e].value<double>().value();
    r.episodes.push_back(std::move(ep));
  }

  const auto cue = v.integer("cue_memory");
  if (cue < 0 || (r.Xi_file.empty() && !sweep && cue > r.K))
    v.fail("cue_memory", fmt::format("memory {} does not exist (memories are 1..{}, 0: none)", cue, r.K));
  r.cue_memory = static_cast<int>(cue) - 1;
  r.cue_amplitude = v.positive("cue_amplitude");
  r.cue_flip = v.fraction("cue_flip");
  r.cue_zero = v.fraction("cue_zero");
  r.cue_noise = v.non_negative("cue_noise");
  r.V_d0_from_cue = v.choice("V_d0", {"zero", "cue"}) == "cue";

  const auto input = v.integer("input_memory");
  if (input < 0 || (r.Xi_file.empty() && input > r.K))
    v.fail("input_memory", fmt::format("memory {} does not exist (memories are 1..{}, 0: none)", input, r.K));
  r.input_memory = static_cast<int>(input) - 1;
  r.input_amplitude = v.num("input_amplitude");
  r.input_t_on = v.num("t_on");
  r.input_t_off = v.num("t_off");
  if (r.input_t_off < r.input_t_on) v.fail("t_off", "must be >= t_on");

  r.stepper = v.choice("stepper", {"rk4", "dopri5"}) == "rk4" ? StepperKind::rk4 : StepperKind::dopri5;
  r.dt = v.positive("dt");
  r.t_end = v.positive("t_end");
  r.abs_tol = v.positive("abs_tol");
  r.rel_tol = v.positive("rel_tol");
  r.sample_dt = v.positive("sample_dt");
  if (r.stepper == StepperKind::rk4) {
    const double ratio = r.sample_dt / r.dt;
    if (std::abs(ratio - std::round(ratio)) > 1e-9 * ratio || std::round(ratio) < 1)
      v.fail("sample_dt", fmt::format("must be a whole multiple of dt = {} for rk4, got {}", r.dt, r.sample_dt));
  }
  if (r.t_end / r.sample_dt > 1e9) v.fail("sample_dt", "more than 1e9 samples: raise sample_dt");
  const double th = v.num("threshold");
  if (!(th > 0 && th <= 1)) v.fail("threshold", fmt::format("must be in (0, 1], got {}", th));
  r.threshold = th;
  for (const auto& s : *v.get("states").as_array()) {
    const auto name = s.value<std::string>().value();
    if (name == "V_f") r.record_V_f = true;
    else if (name == "V_h") r.record_V_h = true;
    else if (name == "V_d") r.record_V_d = true;
    else v.fail("states", fmt::format("unknown state '{}' (one of: V_f, V_h, V_d)", name));
  }
  r.record_energy = v.boolean("energy");
  const auto every = v.integer("state_every");
  if (every < 1) v.fail("state_every", "must be >= 1");
  r.state_every = static_cast<int>(every);
  const auto chunk = v.integer("chunk");
  if (chunk < 1 || chunk > 1000000) v.fail("chunk", "must be in 1..1000000");
  r.chunk = static_cast<int>(chunk);
  r.expect_cycle = to_zero_based(v, "expect_cycle", *v.get("expect_cycle").as_array(), K_known);

  auto& sw = r.sweep;
  for (const auto& d : *v.get("sweep_degrees").as_array()) {
    const auto n = d.value<std::int64_t>().value();
    if (n < 1 || n > 30) v.fail("sweep_degrees", fmt::format("degree {} out of range 1..30", n));
    sw.degrees.push_back(static_cast<int>(n));
  }
  for (const auto& d : *v.get("sweep_seeds").as_array()) {
    const auto n = d.value<std::int64_t>().value();
    if (n < 0) v.fail("sweep_seeds", "seeds must be >= 0");
    sw.seeds.push_back(static_cast<std::uint64_t>(n));
  }
  for (const auto& d : *v.get("sweep_alpha_c").as_array()) {
    const double a = d.value<double>().value();
    if (!(a >= 0)) v.fail("sweep_alpha_c", "alpha_c values must be >= 0");
    sw.alpha_c.push_back(a);
  }
  if (!sw.degrees.empty() || !sw.seeds.empty() || !sw.alpha_c.empty())
    for (const char* axis : {"sweep_degrees", "sweep_seeds", "sweep_alpha_c"})
      if (v.get(axis).as_array()->empty()) v.fail(axis, "an axis of the sweep must not be empty");
  const auto K_min = v.integer("K_min"), K_max = v.integer("K_max");
  if (K_min < 2) v.fail("K_min", fmt::format("must be >= 2, got {}", K_min));
  if (K_max < K_min) v.fail("K_max", fmt::format("must be >= K_min = {}, got {}", K_min, K_max));
  if (K_max > 100000) v.fail("K_max", "must be <= 100000");
  sw.K_min = static_cast<int>(K_min);
  sw.K_max = static_cast<int>(K_max);
  v.choice("criterion", {"cycles"});
  const auto required = v.integer("cycles_required");
  if (required < 1) v.fail("cycles_required", "must be >= 1");
  sw.cycles_required = static_cast<int>(required);
  sw.stall_time = v.positive("stall_time");

  auto& bl = r.baseline;
  bl.model = v.choice("baseline_model", {"", "hopfield", "dense_poly", "dense_rectified", "dense_exp"});
  for (const auto& n : *v.get("baseline_N").as_array()) {
    const auto N = n.value<std::int64_t>().value();
    if (N < 2 || N > 100000) v.fail("baseline_N", fmt::format("N = {} out of range 2..100000", N));
    bl.N.push_back(static_cast<int>(N));
  }
  for (const auto& n : *v.get("baseline_degrees").as_array()) {
    const auto d = n.value<std::int64_t>().value();
    if (d < 2 || d > 30) v.fail("baseline_degrees", fmt::format("degree {} out of range 2..30", d));
    bl.degrees.push_back(static_cast<int>(d));
  }
  if (!bl.model.empty() && (bl.N.empty() || bl.degrees.empty()))
    v.fail(bl.N.empty() ? "baseline_N" : "baseline_degrees", "an axis of the baseline must not be empty");
  bl.criterion = v.choice("baseline_criterion", {"recall", "fixed_point"});
  bl.cue_flip = v.fraction("baseline_cue_flip");
  const double ot = v.num("overlap_threshold");
  if (!(ot >= -1 && ot <= 1)) v.fail("overlap_threshold", fmt::format("must be in [-1, 1], got {}", ot));
  bl.overlap_threshold = ot;
  const double rf = v.num("required_fraction");
  if (!(rf > 0 && rf <= 1)) v.fail("required_fraction", fmt::format("must be in (0, 1], got {}", rf));
  bl.required_fraction = rf;
  const auto trials = v.integer("trials");
  if (trials < 1 || trials > 100000) v.fail("trials", "must be in 1..100000");
  bl.trials = static_cast<int>(trials);
  const auto P_max = v.integer("P_max");
  if (P_max < 1 || P_max > 100000000) v.fail("P_max", "must be in 1..1e8");
  bl.P_max = static_cast<int>(P_max);
  if (!bl.model.empty() && !sw.degrees.empty()) v.fail("baseline_model", "a scenario has [sweep] or [baseline], not both");

  auto& fp = r.fixed_points;
  fp.enabled = v.boolean("find_fixed_points");
  if (fp.enabled && r.model == ModelKind::gsemm)
    v.fail("find_fixed_points", "the fixed-point finder is for dense_gsemm and gamm (V_h is slaved to V_f there)");
  fp.t_start = v.non_negative("fp_t_start");
  fp.t_end = v.num("fp_t_end") < 0 ? r.t_end : v.num("fp_t_end");
  if (fp.t_end < fp.t_start) v.fail("fp_t_end", fmt::format("must be >= fp_t_start = {} (or -1)", fp.t_start));
  const auto fp_every = v.integer("fp_every");
  if (fp_every < 1) v.fail("fp_every", "must be >= 1");
  fp.every = static_cast<int>(fp_every);
  if (fp.enabled && (fp.t_end - fp.t_start) / r.sample_dt / fp.every > 1e5)
    v.fail("fp_every", "more than 100000 fixed-point samples: raise fp_every or narrow the window");
  fp.from_memories = v.boolean("fp_from_memories");
  fp.start_amplitude = v.positive("fp_start_amplitude");
  fp.descent_tol = v.positive("fp_descent_tol");
  fp.newton_tol = v.positive("fp_newton_tol");
  const auto slices = v.integer("surface_slices");
  if (slices < 0 || slices > 10000) v.fail("surface_slices", "must be in 0..10000");
  fp.surface_slices = static_cast<int>(slices);
  fp.surface_pca = v.choice("surface_plane", {"memories", "pca"}) == "pca";
  fp.surface_memories = to_zero_based(v, "surface_memories", *v.get("surface_memories").as_array(), K_known);
  if (fp.surface_memories.size() != 2 || fp.surface_memories[0] == fp.surface_memories[1])
    v.fail("surface_memories", "needs two different memories");
  const auto grid = v.integer("surface_grid");
  if (grid < 2 || grid > 1001) v.fail("surface_grid", "must be in 2..1001");
  fp.surface_grid = static_cast<int>(grid);
  fp.surface_range = v.positive("surface_range");
  if (fp.surface_slices > 0 && !fp.enabled) v.fail("surface_slices", "needs find_fixed_points = true");

  return r;
}

// One run's overrides from [runs]: (key, node, origin).
struct Override {
  std::string key;
  const toml::node* node;
  std::string from;
};

}  // namespace

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  Scenario sc;
  sc.path = path;
  sc.overrides = overrides;
  {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(fmt::format("{}: cannot read the scenario file", path));
    std::ostringstream os;
    os << f.rdbuf();
    sc.text = os.str();
  }
  toml::table doc;
  try {
    doc = toml::parse(sc.text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}: {}", where(path, e.source()), e.description()));
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();

  Values base;
  for (const auto& k : kSchema) {
    toml::table d = toml::parse(std::string("v = ") + k.def);
    base.set(k.key, *d.get("v"), "(default)");
  }
  const toml::table* runs = nullptr;
  for (auto&& [k, node] : doc) {
    const std::string key(k.str());
    const std::string at = where(path, k.source());
    if (const auto* t = node.as_table()) {
      if (!is_section(key)) throw InputError(fmt::format("{}: unknown section [{}]", at, key));
      if (key == "runs") {
        runs = t;
        continue;
      }
      for (auto&& [k2, n2] : *t) {
        const std::string key2(k2.str());
        const KeyDef* d = find_key(key2);
        const std::string at2 = where(path, k2.source());
        if (!d || key != d->section)
          throw InputError(fmt::format("{}: unknown key '{}' in [{}]", at2, key2, key));
        assign(base, key2, n2, at2);
      }
    } else {
      const KeyDef* d = find_key(key);
      if (!d || std::string(d->section) != "")
        throw InputError(fmt::format("{}: unknown top-level key '{}'{}", at, key,
                                     d ? fmt::format(" (it belongs in [{}])", d->section) : ""));
      assign(base, key, node, at);
    }
  }
  sc.name = base.str("name");

  std::vector<toml::table> set_docs;  // keep the parsed --set values alive
  set_docs.reserve(overrides.size());
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos) throw InputError(fmt::format("--set {}: expected key=value", o));
    const std::string key = strip_section(o.substr(0, eq));
    const std::string val = o.substr(eq + 1);
    try {
      set_docs.push_back(toml::parse("v = " + val));
    } catch (const toml::parse_error&) {
      try {  // a bare word is a string: --set stepper=dopri5
        set_docs.push_back(toml::parse("v = \"" + val + "\""));
      } catch (const toml::parse_error& e) {
        throw InputError(fmt::format("--set {}: {}", o, e.description()));
      }
    }
    assign(base, key, *set_docs.back().get("v"), fmt::format("--set {}", o));
  }

  // [runs]: list = [{...}, ...] and/or grid = {key = [values]}; the list crossed with the grid.
  std::vector<std::vector<Override>> combos{{}};
  if (runs) {
    for (auto&& [k, node] : *runs) {
      const std::string key(k.str());
      const std::string at = where(path, k.source());
      if (key == "list") {
        const auto* a = node.as_array();
        if (!a || a->empty()) throw InputError(fmt::format("{}: [runs] list must be a non-empty array of tables", at));
        std::vector<std::vector<Override>> next;
        for (const auto& e : *a) {
          const auto* t = e.as_table();
          if (!t) throw InputError(fmt::format("{}: [runs] list must hold tables", where(path, e.source())));
          for (const auto& c : combos) {
            auto c2 = c;
            for (auto&& [k2, n2] : *t) c2.push_back({strip_section(std::string(k2.str())), &n2, where(path, k2.source())});
            next.push_back(std::move(c2));
          }
        }
        combos = std::move(next);
      } else if (key == "grid") {
        const auto* t = node.as_table();
        if (!t) throw InputError(fmt::format("{}: [runs] grid must be a table of key = [values]", at));
        for (auto&& [k2, n2] : *t) {
          const auto* a = n2.as_array();
          const std::string at2 = where(path, k2.source());
          if (!a || a->empty())
            throw InputError(fmt::format("{}: key '{}': a grid axis must be a non-empty array", at2, std::string(k2.str())));
          std::vector<std::vector<Override>> next;
          for (const auto& c : combos)
            for (const auto& e : *a) {
              auto c2 = c;
              c2.push_back({strip_section(std::string(k2.str())), &e, where(path, e.source())});
              next.push_back(std::move(c2));
            }
          combos = std::move(next);
        }
      } else {
        throw InputError(fmt::format("{}: unknown key '{}' in [runs] (list or grid)", at, key));
      }
    }
  }
  if (combos.size() > 1000000) throw InputError(fmt::format("{}: [runs] expands to more than 1e6 runs", path));

  for (std::size_t i = 0; i < combos.size(); ++i) {
    Values v = base;
    for (const auto& o : combos[i]) assign(v, o.key, *o.node, o.from);
    RunSpec r = resolve(v, dir);
    r.id = fmt::format("r{:04d}", i);
    sc.runs.push_back(std::move(r));
  }
  return sc;
}

std::string describe_keys() {
  std::string out = "| section | key | default | meaning |\n|---|---|---|---|\n";
  for (const auto& k : kSchema)
    out += fmt::format("| {} | `{}` | `{}` | {} |\n", *k.section ? fmt::format("[{}]", k.section) : "top",
                       k.key, k.def, k.doc);
  return out;
}

}  // namespace seqmem
