// Scenario files: TOML with keys named after the paper's symbols, expanded into runs.
// Every key, its default and its range is in the schema (schema.cpp) and in docs/scenarios.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "analysis/sequence_monitor.hpp"
#include "models/choice_names.hpp"
#include "models/cmr.hpp"
#include "models/eden.hpp"
#include "models/gsemm_params.hpp"
#include "models/memories.hpp"
#include "models/sequence_laws.hpp"
#include "sim/core/input_error.hpp"
#include "sim/experiments/capacity.hpp"
#include "sim/experiments/singleton_capacity.hpp"
#include "sim/solvers/integrator_spec.hpp"

namespace seqmem {

// A model's own error ("GaussianMixture::add: weight must be ...") without the C++ function name,
// for a user's message.
inline std::string without_function_name(const std::string& m) {
  const auto colon = m.find(": ");
  return colon != std::string::npos && m.find("::") < colon ? m.substr(colon + 2) : m;
}

// A resolved scalar; lists are kept as their TOML text.
using AttrValue = std::variant<std::int64_t, double, bool, std::string>;

enum class ModelKind { gsemm, dense_gsemm, gamm, diffusion, free_recall, seqnet, densenet, mixednet, eden };
inline constexpr ChoiceName<ModelKind> kModelKindNames[] = {
    {"gsemm", ModelKind::gsemm},         {"dense_gsemm", ModelKind::dense_gsemm}, {"gamm", ModelKind::gamm},
    {"diffusion", ModelKind::diffusion}, {"free_recall", ModelKind::free_recall}, {"seqnet", ModelKind::seqnet},
    {"densenet", ModelKind::densenet},   {"mixednet", ModelKind::mixednet},       {"eden", ModelKind::eden}};
constexpr const auto& choice_names(ModelKind) { return kModelKindNames; }
inline const char* to_string(ModelKind v) { return name_in(kModelKindNames, v); }

// What a scenario is for: the command that runs it.
enum class Command { run, sweep, baseline };

// The fixed-point analysis of a run ([fixed_points], Figure 2).
struct FixedPointSpec {
  bool enabled = false;
  double t_start = 0, t_end = 0;  // window
  int every = 1;                  // every n-th sample of the window
  bool from_memories = true;
  double start_amplitude = 1.0;
  double descent_tol = 1e-6, newton_tol = 1e-10;
  int surface_slices = 0;
  bool surface_pca = false;
  std::vector<int> surface_memories{0, 1};  // 0-based
  int surface_grid = 41;
  double surface_range = 2.0;
};

// The capacity sweep of `seqmem sweep` ([sweep], Figure 3): over degrees x seeds, the largest K
// for which one of the alpha_c values succeeds (sim/experiments/capacity.hpp).
struct SweepSpec {
  std::vector<int> degrees;
  std::vector<std::uint64_t> seeds;
  std::vector<double> alpha_c;
  bool per_alpha_c = false;  // a capacity search for each alpha_c (capacity_per_alpha_c)
  int K_min = 2, K_max = 200;
  int cycles_required = 3;
  double K_growth = 2.0;
  std::vector<int> K_list;  // explicit K instead of grow-then-bisect (empty: none)
  bool K_list_all = false;  // with K_list: every K, the capacity the largest success
  double K_resolution = 0;  // relative width at which the bisection stops (0: to one)
  Horizon horizon = Horizon::stall;
  double horizon_time = 1000.0, horizon_per_memory = 40.0;
  SuccessRule success_rule = SuccessRule::strict;
  double max_wall_s = 0;  // 0: no budget
  bool fallback_rk4 = true;
};

// The capacity of a baseline ([baseline], run by `seqmem sweep`): singleton memories
// (sim/experiments/singleton_capacity.hpp) or sequence memories (sim/experiments/sequence_capacity.hpp).
struct BaselineSpec {
  BaselineModel model = BaselineModel::none;
  std::vector<int> N, degrees;
  BaselineCriterion criterion = BaselineCriterion::recall;
  double cue_flip = 0, overlap_threshold = 0.9, required_fraction = 0.5;
  int trials = 20, P_max = 100000;
  // The sequence memories (sim/experiments/sequence_capacity.hpp): the network's separation and
  // lambda, the reading of MixedNet's law, and the criteria's own settings.
  Separation separation = Separation::polynomial;
  double lambda = 2.5;
  int delay = 1;  // MixedNet's tau
  MixedLawReading law_reading = MixedLawReading::text;
  double error_tolerance = 0.1;
  int transitions_checked = 1000, cycles_required = 3, stall_steps = 10;
  // EDEN (sim/experiments/eden_capacity.hpp): the network and its checks' settings.
  EdenParams eden;
  double eden_s_scale = 1.2, bit_tolerance = 0.1, eden_t_transition = 1.0, eden_dt = 0.01;
};

// A stochastic run of a diffusion model / modern Hopfield network (kind = "diffusion",
// models/diffusion.hpp, Ambrogioni 2024): many trajectories from cues, per-trajectory end states.
enum class DiffusionProcess { ve, vp };
inline constexpr ChoiceName<DiffusionProcess> kDiffusionProcessNames[] = {{"ve", DiffusionProcess::ve},
                                                                          {"vp", DiffusionProcess::vp}};
constexpr const auto& choice_names(DiffusionProcess) { return kDiffusionProcessNames; }
inline const char* to_string(DiffusionProcess v) { return name_in(kDiffusionProcessNames, v); }

enum class DiffusionDynamics { reverse_sde, probability_flow, hopfield };
inline constexpr ChoiceName<DiffusionDynamics> kDiffusionDynamicsNames[] = {
    {"reverse_sde", DiffusionDynamics::reverse_sde},
    {"probability_flow", DiffusionDynamics::probability_flow},
    {"hopfield", DiffusionDynamics::hopfield}};
constexpr const auto& choice_names(DiffusionDynamics) { return kDiffusionDynamicsNames; }
inline const char* to_string(DiffusionDynamics v) { return name_in(kDiffusionDynamicsNames, v); }

struct DiffusionSpec {
  DiffusionProcess process = DiffusionProcess::ve;
  double sigma = 1.0, T = 1.0, gamma_v = 0.5;  // dX = -gamma_v X dtau + sigma dW (forward, tau = T - t)
  DiffusionDynamics dynamics = DiffusionDynamics::reverse_sde;
  double beta = -1;  // hopfield: inverse temperature; -1: matched to t_end (PatternDiffusion::hopfield_beta)

  // patterns: N random directions of norm pattern_norm in R^D (from the seed) or Y_file (D x N)
  int D = 2, N = 4;
  double pattern_norm = 1.0;
  std::string Y_file, Y_dataset;
  int extended_rank = 0;  // Eq. 23: variance along a random sub-space of this dimension
  double extended_variance = 0.0;
  std::string covariance_file, covariance_dataset;  // or explicit covariances (N x D x D)
  int manifold_components = 0;                      // Eq. 24-25: a circle in the plane of coordinates 1, 2
  double manifold_radius = 1.0, manifold_variance = 0.0, manifold_weight = 0.5;

  bool cue_per_trajectory = true;  // each trajectory its own noisy cue, or one cue for all (§5.1)
  bool cue_cycle = false;          // trajectory i cued by memory (i mod N) + 1
  double t0 = 0.0;                 // start time (resolved; t0 = -1 in the file: matched to cue_noise)
  int trajectories = 1000, paths = 0, path_every = 10;
  double mixture_threshold = 0.9;  // end states with a largest posterior weight below this are mixtures
  int landscape_grid = 0;
  double landscape_range = 2.0, landscape_t = 0.0;  // resolved (-1 in the file: t_end)
};

// List learning, free recall and recognition (kind = "free_recall", docs/free_recall.md): the
// CMR parameters (models/cmr.hpp) and the experiment. recall_rule = gsemm also reads N_f,
// params, cue_noise and the integrator of the RunSpec.
enum class ItemVectors { orthonormal, random };
inline constexpr ChoiceName<ItemVectors> kItemVectorsNames[] = {{"orthonormal", ItemVectors::orthonormal},
                                                                {"random", ItemVectors::random}};
constexpr const auto& choice_names(ItemVectors) { return kItemVectorsNames; }
inline const char* to_string(ItemVectors v) { return name_in(kItemVectorsNames, v); }

enum class ContextDriftKind { discrete, continuous, continuous_matched };
inline constexpr ChoiceName<ContextDriftKind> kContextDriftKindNames[] = {
    {"discrete", ContextDriftKind::discrete},
    {"continuous", ContextDriftKind::continuous},
    {"continuous_matched", ContextDriftKind::continuous_matched}};
constexpr const auto& choice_names(ContextDriftKind) { return kContextDriftKindNames; }
inline const char* to_string(ContextDriftKind v) { return name_in(kContextDriftKindNames, v); }

enum class RecallRule { luce, softmax, accumulator, gsemm };
inline constexpr ChoiceName<RecallRule> kRecallRuleNames[] = {{"luce", RecallRule::luce},
                                                              {"softmax", RecallRule::softmax},
                                                              {"accumulator", RecallRule::accumulator},
                                                              {"gsemm", RecallRule::gsemm}};
constexpr const auto& choice_names(RecallRule) { return kRecallRuleNames; }
inline const char* to_string(RecallRule v) { return name_in(kRecallRuleNames, v); }

struct FreeRecallSpec {
  int N_items = 64;
  ItemVectors item_vectors = ItemVectors::orthonormal;
  int categories = 0;
  double category_similarity = 0.0;
  int L = 16, subjects = 1, lists = 100;
  CmrParams cmr;
  ContextDriftKind drift = ContextDriftKind::discrete;
  RecallRule rule = RecallRule::luce;
  AccumulatorParams accumulator;
  double recall_period = 90.0;
  bool cue_first = true;  // gsemm: cue the first studied item (else a random one)
  double hebb_forward = 1.0, hebb_backward = 0.0, hebb_lag_decay = 0.0;
  double V_f_noise = 0.0;  // gsemm: noise on V_f during recall (Euler-Maruyama)
  bool recognition = false;
  int lures = 16;
  bool familiarity_max = true;
  double recognition_criterion = 0.5, recognition_noise = 0.0;
};

// The settings of the GSEMM family (kind = "gsemm", "dense_gsemm", "gamm"): the memories and
// episodes, the cue and input, what is recorded, the episode check and stop rules, the fixed-point
// analysis, and the sweeps and baselines that run them.
struct GsemmSpec {
  int K = 0;
  // memories: random from the seed, or Xi_file (CSV, or HDF5 with Xi_dataset)
  std::string Xi_file, Xi_dataset;
  // episodes (0-based here) or Phi_file
  std::vector<Episode> episodes;
  std::string Phi_file, Phi_dataset;

  // cue: V_f(0) = amplitude * xi_cue (RunSpec::cue_memory), then flip / zero a fraction of entries,
  // plus noise (RunSpec::cue_noise)
  double cue_flip = 0.0, cue_zero = 0.0, cue_amplitude = 1.0;
  bool V_d0_from_cue = false;  // V_d(0) = beta_d sigma_f(V_f(0)) instead of 0

  int input_memory = -1;  // external current I_f = amplitude xi on [t_on, t_off)
  double input_amplitude = 0.0, input_t_on = 0.0, input_t_off = 0.0;

  bool record_V_f = false, record_V_h = false, record_V_d = false;
  bool record_energy = true;  // E, F, G at every sample
  int state_every = 1;        // record states at every state_every-th sample
  int chunk = 256;            // samples per HDF5 chunk and per flush

  std::vector<int> expect_cycle;  // 0-based; empty: no episode check
  StopRules stop;                 // stall detection and stop conditions ([analysis])
  FixedPointSpec fixed_points;
  SweepSpec sweep;
  BaselineSpec baseline;
};

// A run of a sequence memory of the family (kind = "seqnet", "densenet", "mixednet", "eden";
// docs/models.md §3.3-3.4): K random +-1 patterns stored as the cycle xi^1 -> ... -> xi^K -> xi^1,
// started from the cued pattern (RunSpec::cue_memory) with a fraction cue_flip of its entries flipped.
// The maps (SeqNet, DenseNet, MixedNet) take t_end synchronous updates, each one sample; EDEN is
// integrated as an ODE system with the run's stepper and sampled every sample_dt.
struct SequenceSpec {
  int K = 0;              // the patterns P of the cycle
  SequenceNetParams net;  // the maps: separation, degree, lambda and delay (models/sequence_net.hpp)
  EdenParams eden;        // EDEN (models/eden.hpp)
  double cue_flip = 0.0;
  bool record_state = false;  // S (maps) or v (EDEN) at every state_every-th sample
  bool record_delay = false;  // EDEN's delay layer s, likewise
  int state_every = 1;
  int chunk = 256;
  std::vector<int> expect_cycle;  // the stored cycle 0 .. K - 1, checked from the first visit
  StopRules stop;
};

// One fully resolved run: the settings every kind shares, and one kind's own (`gsemm()`,
// `diffusion()`, `free_recall()`, `sequence()`; asking a run for another kind's settings is a logic error:
// std::bad_variant_access).
struct RunSpec {
  std::string id;  // HDF5 group name under /runs
  std::uint64_t seed = 0;
  ModelKind model = ModelKind::dense_gsemm;
  Command command = Command::run;

  // The network (the GSEMM family; free recall's recall_rule = gsemm too): feature neurons and the
  // GSEMM parameters.
  int N_f = 100;
  GsemmParams params;
  // The cued memory (0-based, -1: none) and the noise on the cue (GSEMM, diffusion, free recall).
  int cue_memory = -1;
  double cue_noise = 0.0;

  // The integration and its samples (GSEMM, diffusion's t_end and dt, free recall's gsemm rule).
  StepperKind stepper = StepperKind::rk4;
  double dt = 0.01, t_end = 100.0, abs_tol = 1e-8, rel_tol = 1e-8;
  long long max_steps = 100000000;  // adaptive steppers: more steps end the run as failed
  double min_step = 1e-12;          // adaptive steppers: a step below min_step * max(1, |t|) fails
  double flip_time = 0.01;          // event_driven: the longest band crossing taken as one event
  double sample_dt = 0.1;
  double threshold = 0.8;  // a visit: an overlap above it

  // One kind's own settings, set by its resolver (sim/kinds/<kind>/resolve_<kind>.cpp).
  std::variant<GsemmSpec, DiffusionSpec, FreeRecallSpec, SequenceSpec> kind_spec;
  GsemmSpec& gsemm() { return std::get<GsemmSpec>(kind_spec); }
  const GsemmSpec& gsemm() const { return std::get<GsemmSpec>(kind_spec); }
  DiffusionSpec& diffusion() { return std::get<DiffusionSpec>(kind_spec); }
  const DiffusionSpec& diffusion() const { return std::get<DiffusionSpec>(kind_spec); }
  FreeRecallSpec& free_recall() { return std::get<FreeRecallSpec>(kind_spec); }
  const FreeRecallSpec& free_recall() const { return std::get<FreeRecallSpec>(kind_spec); }
  SequenceSpec& sequence() { return std::get<SequenceSpec>(kind_spec); }
  const SequenceSpec& sequence() const { return std::get<SequenceSpec>(kind_spec); }

  // Every key the kind's resolver read, with the value the model used (Values::use), in schema
  // order: written as HDF5 attributes where the kind's rule says the key applies.
  std::vector<std::pair<std::string, AttrValue>> resolved;
};

// The stepper and limits of a run's integration (sim/solvers/integrate.hpp).
inline IntegratorSpec integrator_spec(const RunSpec& s) {
  return {s.stepper, s.dt, s.abs_tol, s.rel_tol, s.max_steps, s.min_step, s.flip_time};
}

// The runs of a scenario, resolved on demand: a [runs] grid of 10^5 runs costs no more memory
// than one run. Every run was resolved (validated) once when the scenario was loaded.
class RunList {
 public:
  struct Impl;
  RunList() = default;
  explicit RunList(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  RunSpec operator[](std::size_t i) const;  // resolved again each call (tens of microseconds)

  class iterator {
   public:
    iterator(const RunList* l, std::size_t i) : l_(l), i_(i) {}
    RunSpec operator*() const { return (*l_)[i_]; }
    iterator& operator++() { return ++i_, *this; }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const RunList* l_;
    std::size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  std::shared_ptr<const Impl> impl_;
};

struct Scenario {
  std::string path;
  std::string text;  // the file as read
  std::string name;
  std::vector<std::string> overrides;  // --set key=value, as given
  Command command = Command::run;      // the same for every run
  RunList runs;
  // The keys whose values differ between runs (or that only some runs read), in schema order as
  // the first run reads them, then the others.
  std::vector<std::string> varying;
  std::vector<std::string> sections;  // the tables of the file ([model], [sweep], ...)
  // Notes for the user (printed as "seqmem: warning: ..."; Python: warnings.warn): keys of the file
  // an override left unread, settings that cannot work as intended.
  std::vector<std::string> warnings;

  // What the ranks of an MPI job compare (sim/parallel/mpi_job.hpp, join): the text and the overrides.
  std::string fingerprint() const { return text + '\n' + overrides_text(); }

  // The overrides one per line, as recorded in output files.
  std::string overrides_text() const {
    std::string s;
    for (const auto& o : overrides) s += (s.empty() ? "" : "\n") + o;
    return s;
  }
};

// Why run r's delayed drive cannot overcome the memory in place, so that it never makes a
// transition (GSEMM kinds; docs/models.md §1.6); "" when it can. load_scenario_text turns it into
// the scenario's warnings.
std::string transition_problem(const RunSpec& r);

// The text of a resolved value: 0.5, true, dopri5.
std::string value_text(const AttrValue& v);
// The keys whose values differ between the scenario's runs, with run r's values: "T_d=30 beta_d=7"
// ("" when the runs do not differ).
std::string run_label(const Scenario& sc, const RunSpec& r);
// The name of a configuration of a sweep in the tables printed at its end: "r0001" or, when the
// configurations differ, "r0001: T_d=30 beta_d=7".
std::string config_name(const Scenario& sc, const RunSpec& r);

// The most runs a scenario may expand to.
constexpr std::size_t kMaxRuns = 100000;

// Parses and validates `path`, applies `--set key=value` overrides (bare key or section.key),
// expands [runs]. Throws InputError naming file, line and key. Files named in the scenario are
// checked to exist here; their shape is checked when loaded (sim/output/memory_io.hpp).
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});
// How messages name the place a value came from. The command line: FILE:LINE:COLUMN and
// "--set key=value". The Python package: the key path of the object the value came from
// (scenario['model']['N_f'], overrides['alpha_c'], DenseGSEMM(alpha_c=...)).
struct SourceNames {
  // The place of a key from its path in the document: {"model", "N_f"}, {"seed"},
  // {"runs", "list", "2", "degree"}, {"runs", "grid", "alpha_c", "0"} (indices as digits).
  std::function<std::string(const std::vector<std::string>& path)> key;
  std::vector<std::string> overrides;  // the name of each override ("" for all: "--set key=value")
};

// The same from the scenario's text: `path` names it in messages and in the files' provenance
// (e.g. "<string>"), `dir` is where the files it names are looked up (the Python package).
Scenario load_scenario_text(const std::string& text, const std::string& path, const std::string& dir,
                            const std::vector<std::string>& overrides = {}, const SourceNames& names = {});

}  // namespace seqmem
