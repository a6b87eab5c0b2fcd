// Every key of a scenario file, declared once: section, key, type, default (as TOML), documentation,
// the model kinds that read it, and its range or choices (the choices from the enums' tables,
// models/choice_names.hpp). Keys are unique across sections, so `--set`, [runs] and HDF5 attributes
// use the bare key. Read through schema() (schema.hpp).
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/scenario/choices.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"

namespace seqmem {
namespace {

constexpr std::int64_t kIntMax = 2147483647;  // keys stored in an int

Range any_finite() { return {}; }
Range gt(double lo) {
  Range r;
  r.lo = lo;
  r.lo_open = true;
  return r;
}
Range ge(double lo) {
  Range r;
  r.lo = lo;
  return r;
}
Range in(double lo, double hi, bool lo_open = false, bool hi_open = false) {
  Range r;
  r.lo = lo;
  r.hi = hi;
  r.lo_open = lo_open;
  r.hi_open = hi_open;
  return r;
}
Range ints(std::int64_t lo, std::int64_t hi) {
  Range r;
  r.ilo = lo;
  r.ihi = hi;
  r.lo = static_cast<double>(lo);
  r.hi = static_cast<double>(hi);
  return r;
}
Range or_sentinel(Range r, double s) {
  r.has_sentinel = true;
  r.sentinel = s;
  return r;
}
const Range kNone{};

constexpr Family G = Family::gsemm, D = Family::diffusion, A = Family::any, F = Family::free_recall,
                 S = Family::sequence, GF = Family::gsemm_recall, GS = Family::gsemm_sequence,
                 GFS = Family::gsemm_recall_sequence;

}  // namespace

// Every key of a scenario file, once (schema.hpp).
std::vector<KeyDef> make_schema() {
  const auto i64max = std::numeric_limits<std::int64_t>::max();
  return {
      {"", "name", Type::String, "\"\"", "a name for the scenario", A, kNone, nullptr},
      {"", "description", Type::String, "\"\"", "free text", A, kNone, nullptr},
      {"", "seed", Type::Int, "0", "seed of the random memories, cue flips and noise", A, ints(0, i64max), nullptr},
      {"model", "kind", Type::String, "\"dense_gsemm\"",
       "gsemm: three layers, Eq. 1; dense_gsemm: T_h -> 0, Eq. 9-10; gamm: Phi = 0; diffusion: diffusion model / "
       "modern Hopfield network, many trajectories; free_recall: list learning, free recall and recognition with a "
       "drifting temporal context (CMR; docs/free_recall.md); seqnet, densenet, mixednet: the discrete-time sequence "
       "memories of Chaudhry et al. 2023 (maps); eden: EDEN (Karuvally et al. 2025, an ODE system; docs/models.md §3)",
       A, kNone, choice_list<ModelKind>()},
      {"model", "N_f", Type::Int, "100", "feature neurons; seqnet, densenet, mixednet, eden: the neurons N", GFS, ints(1, 1000000), nullptr},
      {"model", "alpha_s", Type::Float, "1.0", "strength of the Xi synapses", GF, gt(0), nullptr},
      {"model", "alpha_c", Type::Float, "0.0", "strength of the delayed Phi synapses", GF, ge(0), nullptr},
      {"model", "T_f", Type::Float, "1.0", "feature timescale (the unit of time)", G, gt(0), nullptr},
      {"model", "T_h", Type::Float, "0.1", "hidden timescale, three-layer model only", G, gt(0), nullptr},
      {"model", "T_d", Type::Float, "20.0", "delay timescale", GF, gt(0), nullptr},
      {"model", "beta_d", Type::Float, "1.0", "delay gain: T_d dV_d/dt = beta_d sigma_f(V_f) - V_d (paper: 1)", GF, ge(0),
       nullptr},
      {"model", "gamma", Type::Float, "1.0", "feature gain: sigma_f = tanh(gamma x)", GF, gt(0), nullptr},
      {"model", "sigma_h", Type::String, "\"polynomial\"",
       "hidden activation sigma_h (GSEMM Eq. 3; each choice is defined in docs/models.md §1.2)", GF, kNone,
       choice_list<HiddenKind>()},
      {"model", "degree", Type::Int, "1", "n of the polynomial activations; densenet, mixednet: d of the polynomial separation f(m) = m^d", GFS, ints(1, 30), nullptr},
      {"model", "beta_h", Type::Float, "1.0", "inverse temperature of softmax", GF, gt(0), nullptr},
      {"model", "alpha_s_placement", Type::String, "\"eq10\"",
       "Dense GSEMM: eq10 (as printed, no sqrt(alpha_s) inside sigma_h), eq9 (sqrt(alpha_s) inside), or public_code "
       "(the authors' degree-1 code: alpha_s Xi sigma_h(Xi^T s) + alpha_c Xi Phi^T Xi^T V_d, the delay outside sigma_h)",
       G, kNone, choice_list<AlphaSPlacement>()},
      {"model", "hidden_normalization", Type::String, "\"none\"",
       "Dense GSEMM: the argument of sigma_h: none (sigma_h(h)), inside (sigma_h(h / N_f)) or inside_rescaled "
       "(N_f sigma_h(h / N_f))",
       G, kNone, choice_list<HiddenNormalization>()},
      {"model", "separation", Type::String, "\"polynomial\"",
       "densenet, mixednet: the separation f of the overlap, m^d or exp((N-1)(m-1)) (C23 Eq. 2)", GS, kNone,
       choice_list<Separation>()},
      {"model", "mixednet_lambda", Type::Float, "2.5",
       "mixednet: lambda, the weight of the asymmetric (transition) term against the symmetric one (C23 Eq. 14)", GS,
       ge(0), nullptr},
      {"model", "mixednet_delay", Type::Int, "1",
       "mixednet: tau, the steps the asymmetric term's state lags by plus one (1: the current state, C23 Eq. 14; "
       "tau >= 2: the state dwells tau steps in each pattern)",
       GS, ints(1, 1000), nullptr},
      {"model", "eden_alpha_s", Type::Float, "0.98",
       "eden: alpha_s, the self (stabilising) strength of the hidden layer's input (models.md §3.4)", GS, in(0, 1000),
       nullptr},
      {"model", "eden_alpha_c", Type::Float, "1.0",
       "eden: alpha_c, the cross (transition) strength, from the delay layer; alpha_s / alpha_c < 1 moves on", GS,
       in(0, 1000), nullptr},
      {"model", "eden_normalisation", Type::String, "\"code\"",
       "eden: the hidden input's factor, beta / N (the authors' code) or 1 (the paper's text)", GS, kNone,
       choice_list<EdenNormalisation>()},
      {"model", "eden_beta", Type::Float, "20.0", "eden: beta of the code's normalisation beta / N", GS,
       in(0, 1e6, true, false), nullptr},
      {"model", "eden_T_f", Type::Float, "0.3", "eden: T_f, the feature layer's time constant (the code's 0.3)", GS,
       in(0, 1e6, true, false), nullptr},
      {"model", "eden_T_d", Type::Float, "20.0", "eden: T_d, the delay layer's time constant (a run; the checks freeze s)",
       S, in(0, 1e6, true, false), nullptr},
      {"model", "process", Type::String, "\"ve\"",
       "diffusion: forward noise process: ve (variance exploding, Eq. 7-8) or vp (Ornstein-Uhlenbeck, Eq. 15-21)", D,
       kNone, choice_list<DiffusionProcess>()},
      {"model", "sigma", Type::Float, "1.0", "diffusion: noise coefficient sigma of the forward and reverse SDEs", D,
       gt(0), nullptr},
      {"model", "T", Type::Float, "1.0", "diffusion: time of the clean data; noise time is T - t", D, gt(0), nullptr},
      {"model", "gamma_v", Type::Float, "0.5", "diffusion, vp: v(x) = gamma_v |x|^2 / 2, forward drift -gamma_v x", D,
       gt(0), nullptr},
      {"model", "dynamics", Type::String, "\"reverse_sde\"",
       "diffusion: reverse_sde (Euler-Maruyama, Eq. 7), probability_flow (ODE) or hopfield (modern Hopfield flow, "
       "Eq. 5)",
       D, kNone, choice_list<DiffusionDynamics>()},
      {"model", "beta", Type::Float, "-1.0",
       "diffusion, hopfield: inverse temperature (-1: matched to t_end, a(t_end) / s^2(t_end))", D,
       or_sentinel(gt(0), -1), nullptr},
      {"patterns", "D", Type::Int, "2", "diffusion: dimension of the patterns", D, ints(1, 100000), nullptr},
      {"patterns", "N", Type::Int, "4", "diffusion: number of random point memories, directions of norm pattern_norm",
       D, ints(0, 10000000), nullptr},
      {"patterns", "pattern_norm", Type::Float, "1.0", "diffusion: norm of the random patterns", D, gt(0), nullptr},
      {"patterns", "Y_file", Type::String, "\"\"", "diffusion: patterns from a file instead: CSV or HDF5, D rows x N columns",
       D, kNone, nullptr},
      {"patterns", "Y_dataset", Type::String, "\"Y\"", "diffusion: dataset of Y_file when it is HDF5", D, kNone, nullptr},
      {"patterns", "extended_rank", Type::Int, "0",
       "diffusion: extended memories (Eq. 23): dimension of each memory's random sub-space (at most D)", D,
       ints(0, 100000), nullptr},
      {"patterns", "extended_variance", Type::Float, "0.0", "diffusion: variance along that sub-space", D, ge(0), nullptr},
      {"patterns", "covariance_file", Type::String, "\"\"",
       "diffusion: explicit covariances instead: HDF5 (N x D x D) or CSV / 2-D (N*D rows x D), each positive "
       "semi-definite",
       D, kNone, nullptr},
      {"patterns", "covariance_dataset", Type::String, "\"covariance\"",
       "diffusion: dataset of covariance_file when it is HDF5", D, kNone, nullptr},
      {"patterns", "manifold_components", Type::Int, "0",
       "diffusion: semantic memory (Eq. 24-25): components on a circle in the plane of coordinates 1, 2 (0: none)", D,
       ints(0, 10000000), nullptr},
      {"patterns", "manifold_radius", Type::Float, "1.0", "diffusion: radius of the circle", D, gt(0), nullptr},
      {"patterns", "manifold_variance", Type::Float, "0.0", "diffusion: variance of each component along the circle's tangent",
       D, ge(0), nullptr},
      {"patterns", "manifold_weight", Type::Float, "0.5",
       "diffusion: prior mass of the semantic memory against the point memories", D, in(0, 1, true, false), nullptr},
      {"memories", "K", Type::Int, "0", "number of random +-1 memories (required unless Xi_file is given); seqnet, densenet, mixednet, eden: the patterns P of the cycle xi^1 -> ... -> xi^P -> xi^1", GS,
       ints(0, 1000000), nullptr},
      {"memories", "Xi_file", Type::String, "\"\"",
       "memories from a file instead: CSV (N_f rows x K columns) or HDF5 (.h5/.hdf5)", G, kNone, nullptr},
      {"memories", "Xi_dataset", Type::String, "\"Xi\"", "dataset of Xi_file when it is HDF5, shape (N_f, K)", G, kNone,
       nullptr},
      {"episodes", "cycles", Type::IntListList, "[]", "episodes as lists of 1-based memory indices", G,
       ints(1, 1000000), nullptr},
      {"episodes", "cyclic", Type::BoolList, "true", "whether each episode closes on itself (one value or one per episode)",
       G, kNone, nullptr},
      {"episodes", "weights", Type::FloatList, "[]", "weight of each episode's Phi entries (default 1)", G, any_finite(),
       nullptr},
      {"episodes", "Phi_file", Type::String, "\"\"", "an explicit K x K Phi instead: CSV or HDF5", G, kNone, nullptr},
      {"episodes", "Phi_dataset", Type::String, "\"Phi\"", "dataset of Phi_file when it is HDF5", G, kNone, nullptr},
      {"cue", "cue_memory", Type::Int, "1",
       "memory whose pattern starts V_f (1-based; 0: none); diffusion: the cue is y_cue + noise (0: the origin + noise; "
       "the default without point memories)",
       A, ints(0, 10000000), nullptr},
      {"cue", "cue_amplitude", Type::Float, "1.0", "V_f(0) = cue_amplitude * xi", G, gt(0), nullptr},
      {"cue", "cue_flip", Type::Float, "0.0", "fraction of entries of the cue flipped", GS, in(0, 1), nullptr},
      {"cue", "cue_zero", Type::Float, "0.0", "fraction of entries of the cue set to zero", G, in(0, 1), nullptr},
      {"cue", "cue_noise", Type::Float, "0.0", "standard deviation of Gaussian noise added to V_f(0), or to the diffusion cue",
       A, ge(0), nullptr},
      {"cue", "V_d0", Type::String, "\"zero\"", "initial delay: zero, or cue (beta_d sigma_f(V_f(0)))", G, kNone, "zero|cue"},
      {"cue", "cue_per_trajectory", Type::Bool, "true",
       "diffusion: a fresh noisy cue per trajectory (true) or one cue for all trajectories (false, probabilistic recall "
       "§5.1)",
       D, kNone, nullptr},
      {"cue", "cue_cycle", Type::Bool, "false", "diffusion: trajectory i is cued by memory (i mod N) + 1 instead of cue_memory",
       D, kNone, nullptr},
      {"input", "input_memory", Type::Int, "0", "external current I_f = input_amplitude xi on the feature layer (1-based; 0: none)",
       G, ints(0, 1000000), nullptr},
      {"input", "input_amplitude", Type::Float, "1.0", "amplitude of the external current", G, any_finite(), nullptr},
      {"input", "t_on", Type::Float, "0.0", "the current is on for t_on <= t < t_off", G, ge(0), nullptr},
      {"input", "t_off", Type::Float, "0.0", "end of the current (>= t_on)", G, ge(0), nullptr},
      {"integrator", "stepper", Type::String, "\"rk4\"",
       "rk4 (fixed step dt), dopri5 (adaptive Dormand-Prince 5(4), dense output), cvode_bdf (SUNDIALS CVODE, "
       "variable-order BDF with a dense Jacobian: for stiff problems) or rk4_split (rk4 with the authors' public "
       "code's split step: V_f a full step with the delay frozen, then the delay) or event_driven (capacity sweeps of "
       "dense_gsemm with a polynomial sigma_h: saturated phases in closed form, fast sign flips as events, the rest by "
       "dopri5 at abs_tol, rel_tol); diffusion flows: dopri5 (default) or cvode_bdf",
       A, kNone, choice_list<StepperKind>()},
      {"integrator", "dt", Type::Float, "0.01", "RK4 step; first trial step of the adaptive steppers; diffusion: Euler-Maruyama step",
       A, gt(0), nullptr},
      {"integrator", "t_end", Type::Float, "100.0",
       "simulated duration in units of T_f (the last sample is at t_end); diffusion: end time, t0 < t_end < T "
       "(default 0.999 T); seqnet, densenet, mixednet: the number of synchronous updates (a whole number)",
       A,
       gt(0), nullptr},
      {"integrator", "abs_tol", Type::Float, "1e-8", "absolute tolerance of the adaptive steppers", A, in(1e-300, 1),
       nullptr},
      {"integrator", "rel_tol", Type::Float, "1e-8",
       "relative tolerance of the adaptive steppers (not below 1e-14: double rounding)", A, in(1e-14, 1), nullptr},
      {"integrator", "max_steps", Type::Int, "100000000",
       "adaptive steppers: most steps of one run (or one trajectory); more ends it as failed", A,
       ints(1, 1000000000000LL), nullptr},
      {"integrator", "flip_time", Type::Float, "0.01",
       "event_driven: a neuron that crosses the unsaturated band |gamma V| < 20 within this time (units of T_f) flips "
       "as one event at the zero of V; slower crossings are integrated by dopri5",
       G, in(0, 1, true), nullptr},
      {"integrator", "min_step", Type::Float, "1e-12",
       "adaptive steppers: a step below min_step * max(1, |t|) ends the run as failed (step size underflow)", A,
       in(1e-300, 1e-3, true), nullptr},
      {"integrator", "t0", Type::Float, "0.0",
       "diffusion: start time, 0 <= t0 < t_end (-1: the time whose noise variance s^2(T - t0) equals cue_noise^2)", D,
       or_sentinel(ge(0), -1), nullptr},
      {"trajectories", "trajectories", Type::Int, "1000", "diffusion: number of trajectories", D, ints(1, 10000000),
       nullptr},
      {"trajectories", "paths", Type::Int, "0", "diffusion: record the paths and energies of the first n trajectories", D,
       ints(0, 10000000), nullptr},
      {"trajectories", "path_every", Type::Int, "10", "diffusion: record every n-th step of those paths", D,
       ints(1, kIntMax), nullptr},
      {"trajectories", "mixture_threshold", Type::Float, "0.9",
       "diffusion: an end state whose largest posterior weight at t_end (hopfield: softmax weight at beta) is below "
       "this is a mixture, not a memory",
       D, in(0, 1, true), nullptr},
      {"landscape", "landscape_grid", Type::Int, "0",
       "diffusion: energy and score on a grid x grid over coordinates 1, 2 (others 0) (0: none, else at least 2)", D,
       ints(0, 2001), nullptr},
      {"landscape", "landscape_range", Type::Float, "2.0", "diffusion: the grid spans [-r, r] on both axes", D, gt(0),
       nullptr},
      {"landscape", "landscape_t", Type::Float, "-1.0", "diffusion: time of the landscape, 0 <= t < T (-1: t_end)", D,
       or_sentinel(ge(0), -1), nullptr},
      {"record", "sample_dt", Type::Float, "0.1", "sampling interval of the recording (a multiple of dt for rk4)", GFS,
       gt(0), nullptr},
      {"record", "threshold", Type::Float, "0.8", "a memory is visited when its overlap reaches this", GFS,
       in(0, 1, true, false), nullptr},
      {"record", "states", Type::StringList, "[]",
       "state trajectories to record: any of V_f, V_h, V_d; seqnet, densenet, mixednet: S; eden: v, s", GS, kNone,
       "V_f|V_h|V_d|S|v|s"},
      {"record", "energy", Type::Bool, "true", "record the energy E and the parts F, G of dE/dt (Eq. 4-8) at every sample",
       G, kNone, nullptr},
      {"record", "state_every", Type::Int, "1", "record the states at every n-th sample", GS, ints(1, kIntMax), nullptr},
      {"record", "chunk", Type::Int, "256", "samples per HDF5 chunk and per flush", GS, ints(1, 1000000), nullptr},
      {"analysis", "expect_cycle", Type::IntList, "[]", "expected cycle (1-based) for the episode check (the sequence family checks its stored cycle 1 .. K)", G,
       ints(1, 1000000), nullptr},
      {"analysis", "stall_time", Type::Float, "200.0",
       "a sequence run has stalled when no new visit comes within this time of the previous one (reported; sweep: a "
       "failure)",
       GS, gt(0), nullptr},
      {"analysis", "stop_on_stall", Type::Bool, "false", "end the run when it stalls", GS, kNone, nullptr},
      {"analysis", "stop_after_cycles", Type::Int, "0",
       "end the run after this many complete cycles of expect_cycle (0: never)", GS, ints(0, kIntMax), nullptr},
      {"analysis", "stop_on_wrong_visit", Type::Bool, "false", "end the run at the first wrong visit of expect_cycle", GS,
       kNone, nullptr},
      {"sweep", "sweep_degrees", Type::IntList, "[]", "capacity sweep: polynomial degrees", G, ints(1, 30), nullptr},
      {"sweep", "sweep_seeds", Type::IntList, "[]", "capacity sweep: seeds of the memories", G, ints(0, i64max), nullptr},
      {"sweep", "sweep_alpha_c", Type::FloatList, "[]", "capacity sweep: alpha_c values; K succeeds if one of them does", G,
       ge(0), nullptr},
      {"sweep", "capacity_per_alpha_c", Type::Bool, "false",
       "capacity sweep: one capacity search for each alpha_c of sweep_alpha_c, the capacity per alpha_c (/capacity "
       "gains an alpha_c column), instead of one search in which K succeeds when any alpha_c does",
       G, kNone, nullptr},
      {"sweep", "K_min", Type::Int, "2", "capacity sweep: smallest K searched", G, ints(2, 100000), nullptr},
      {"sweep", "K_max", Type::Int, "200", "capacity sweep: largest K searched (>= K_min)", G, ints(2, 100000), nullptr},
      {"sweep", "criterion", Type::String, "\"cycles\"",
       "success: cycles (the cycle retrieved in order cycles_required times, no wrong visit)", G, kNone, "cycles"},
      {"sweep", "cycles_required", Type::Int, "3", "complete cycles for success (paper: 3)", G, ints(1, 1000000), nullptr},
      {"sweep", "K_growth", Type::Float, "2.0", "capacity sweep: the grow phase multiplies K by this until a failure",
       G, in(1, 100, true), nullptr},
      {"sweep", "K_list", Type::IntList, "[]",
       "capacity sweep: the K to try, increasing, instead of grow-then-bisect (the capacity is the last success before "
       "the first failure)",
       G, ints(2, 100000), nullptr},
      {"sweep", "K_resolution", Type::Float, "0.0",
       "capacity sweep: the bisection stops once the smallest failing K is within this fraction above the capacity (0: "
       "exactly; 0.02 saves most of the evaluations at K in the thousands, the capacity is then a lower bound within 2%)",
       G, in(0, 0.5, false), nullptr},
      {"sweep", "K_list_all", Type::Bool, "false",
       "capacity sweep with K_list: evaluate every K of the list (no stop at the first failure) and take the largest "
       "success as the capacity (success is not monotone in K at degree 1)",
       G, kNone, nullptr},
      {"sweep", "horizon", Type::String, "\"stall\"",
       "when an evaluation ends: stall (after stall_time without a new visit; t_end is only a budget, reaching it is "
       "censored), fixed (at horizon_time) or proportional (at horizon_per_memory * K); at a fixed or proportional "
       "horizon an undecided evaluation has failed",
       G, kNone, choice_list<Horizon>()},
      {"sweep", "horizon_time", Type::Float, "1000.0", "capacity sweep, horizon = fixed: the simulated time of an evaluation",
       G, gt(0), nullptr},
      {"sweep", "horizon_per_memory", Type::Float, "40.0",
       "capacity sweep, horizon = proportional: simulated time per memory of the cycle", G, gt(0), nullptr},
      {"sweep", "success_rule", Type::String, "\"strict\"",
       "strict (the paper: cycles_required cycles in order, no wrong visit) or public_scripts (up to the horizon: "
       "more than 5 K changes of the retrieved memory, the largest overlap once at least threshold, more than 80% of them "
       "to the successor)",
       G, kNone, choice_list<SuccessRule>()},
      {"sweep", "fallback_rk4", Type::Bool, "true",
       "capacity sweep with an adaptive stepper: an evaluation whose stepper gives up is repeated with rk4 at dt (at "
       "high degree saturated neurons flip faster than any error-controlled step can follow in double precision)",
       G, kNone, nullptr},
      {"sweep", "max_wall_s", Type::Float, "0.0",
       "capacity sweep: wall-clock budget of one evaluation in seconds, its hits are censored (0: none; results then "
       "depend on the machine)",
       G, ge(0), nullptr},
      {"baseline", "baseline_model", Type::String, "\"\"",
       "capacity of a baseline instead of [sweep]: the singleton memories hopfield, dense_poly, dense_rectified, "
       "dense_exp, or the sequence memories seqnet, densenet, mixednet, eden (docs/capacity.md, \"The family\")",
       G, kNone,
       choice_list<BaselineModel>()},
      {"baseline", "baseline_N", Type::IntList, "[100]", "baseline: network sizes N", G, ints(2, 100000), nullptr},
      {"baseline", "baseline_degrees", Type::IntList, "[3]",
       "baseline: n of dense_poly / dense_rectified (>= 2), d of densenet / mixednet with the polynomial separation", G,
       ints(1, 30), nullptr},
      {"baseline", "baseline_criterion", Type::String, "\"recall\"",
       "baseline: recall or fixed_point (singleton memories); P_T, P_S or cycles (seqnet, densenet, mixednet); "
       "fixed_point or P_T (eden, per bit)",
       G, kNone,
       choice_list<BaselineCriterion>()},
      {"baseline", "baseline_cue_flip", Type::Float, "0.0",
       "baseline recall and cycles: fraction of the cue's entries flipped", G, in(0, 1), nullptr},
      {"baseline", "overlap_threshold", Type::Float, "0.9",
       "baseline recall: final overlap needed; cycles: the overlap of a visit (GSEMM's threshold is 0.8)", G, in(-1, 1),
       nullptr},
      {"baseline", "required_fraction", Type::Float, "0.5", "baseline: fraction of the P patterns that must be recalled", G,
       in(0, 1, true, false), nullptr},
      {"baseline", "trials", Type::Int, "20", "baseline: independent pattern sets per (N, degree)", G, ints(1, 100000),
       nullptr},
      {"baseline", "P_max", Type::Int, "100000", "baseline: largest P searched", G, ints(1, 100000000), nullptr},
      {"baseline", "mixednet_law", Type::String, "\"text\"",
       "mixednet: the P_S law's denominator, d + 1 (App. F.1's text) or d (the authors' code)", G, kNone,
       choice_list<MixedLawReading>()},
      {"baseline", "eden_s_scale", Type::Float, "1.2",
       "eden: the delay layer's amplitude in the checks (s = eden_s_scale xi, the code's 1.2)", G, in(0, 100),
       nullptr},
      {"baseline", "bit_tolerance", Type::Float, "0.1",
       "eden: epsilon, a bit i is right when v_i xi_i >= 1 - epsilon (the code's 0.1; the paper's 10^-3)", G,
       in(0, 2), nullptr},
      {"baseline", "eden_t_transition", Type::Float, "1.0",
       "eden P_T: how long the feature layer runs from xi^mu (the code's 100 steps of 0.01)", G,
       in(0, 1e6, true, false), nullptr},
      {"baseline", "eden_dt", Type::Float, "0.01", "eden P_T: the RK4 step", G, in(0, 1e3, true, false), nullptr},
      {"baseline", "error_tolerance", Type::Float, "0.1",
       "P_T: the fraction c of the checked transitions allowed a wrong bit (eden: of the checked (memory, bit) pairs "
       "allowed wrong)",
       G, in(0, 1, false, true), nullptr},
      {"baseline", "transitions_checked", Type::Int, "1000",
       "P_T: transitions checked per evaluation (of the trial's set, then of further independent sets; eden: "
       "memories, likewise)",
       G,
       ints(1, 100000000), nullptr},
      {"baseline", "baseline_cycles", Type::Int, "3", "cycles: complete cycles retrieved in order for a success", G,
       ints(1, 1000), nullptr},
      {"baseline", "stall_steps", Type::Int, "10", "cycles: a failure at this many steps without a new visit", G,
       ints(1, 1000000), nullptr},
      {"fixed_points", "find_fixed_points", Type::Bool, "false",
       "find instantaneous fixed points along the trajectory (dense_gsemm, gamm; Appendix B.2, Figure 2)", G, kNone,
       nullptr},
      {"fixed_points", "fp_t_start", Type::Float, "0.0", "window of the fixed-point analysis: samples with fp_t_start <= t",
       G, ge(0), nullptr},
      {"fixed_points", "fp_t_end", Type::Float, "-1.0", "... and t <= fp_t_end (-1, or a time beyond t_end: t_end)", G, or_sentinel(ge(0), -1),
       nullptr},
      {"fixed_points", "fp_every", Type::Int, "1", "analyse every n-th sample of the window", G, ints(1, kIntMax), nullptr},
      {"fixed_points", "fp_from_memories", Type::Bool, "true", "also the fixed point reached from every memory (Figure 2C)",
       G, kNone, nullptr},
      {"fixed_points", "fp_start_amplitude", Type::Float, "1.0", "start of those descents: V_f = fp_start_amplitude * xi",
       G, gt(0), nullptr},
      {"fixed_points", "fp_descent_tol", Type::Float, "1e-6",
       "energy descent stops when max|dV_f/dt| T_f < this * max(1, max|V_f|)", G, in(1e-15, 1), nullptr},
      {"fixed_points", "fp_newton_tol", Type::Float, "1e-10", "Newton converged when max|f| T_f < this * max(1, max|V_f|)",
       G, in(1e-15, 1), nullptr},
      {"fixed_points", "surface_slices", Type::Int, "0",
       "energy surfaces (Figure 2A) at this many times spread over the window (0: none)", G, ints(0, 10000), nullptr},
      {"fixed_points", "surface_plane", Type::String, "\"memories\"",
       "plane of the surfaces: memories (two memories) or pca (first two PCs of V_f in the window)", G, kNone,
       "memories|pca"},
      {"fixed_points", "surface_memories", Type::IntList, "[1, 2]", "the two memories (1-based) spanning the plane", G,
       ints(1, 1000000), nullptr},
      {"fixed_points", "surface_grid", Type::Int, "41", "grid points per axis", G, ints(2, 1001), nullptr},
      {"fixed_points", "surface_range", Type::Float, "2.0",
       "memories plane: coordinates in [-r, r] along each unit memory direction times sqrt(N_f)", G, gt(0), nullptr},
      // kind = "free_recall" (docs/free_recall.md; CMR: Polyn, Norman & Kahana 2009)
      {"items", "N_items", Type::Int, "64", "free recall: items in the pool the lists are drawn from", F,
       ints(1, 100000), nullptr},
      {"items", "item_vectors", Type::String, "\"orthonormal\"",
       "free recall: item features f_i: orthonormal (N_f = N_items + categories) or random (+-1 / sqrt(N_f), N_f "
       "entries; required by recall_rule = gsemm)",
       F, kNone, choice_list<ItemVectors>()},
      {"items", "categories", Type::Int, "0",
       "free recall: semantic categories of the pool (item i in category floor(i * categories / N_items); 0: none)", F,
       ints(0, 100000), nullptr},
      {"items", "category_similarity", Type::Float, "0.0",
       "free recall: cosine f_i . f_j of two items of one category (orthonormal items: exact; random: expected)", F,
       in(0, 1, false, true), nullptr},
      {"lists", "L", Type::Int, "16", "free recall: items per list (list length), drawn from the pool without repeats",
       F, ints(1, 10000), nullptr},
      {"lists", "subjects", Type::Int, "1", "free recall: simulated subjects (identical parameters)", F,
       ints(1, 1000000), nullptr},
      {"lists", "lists", Type::Int, "100", "free recall: lists per subject (subjects * lists <= 10^7)", F,
       ints(1, 10000000), nullptr},
      {"context", "beta_enc", Type::Float, "0.7", "free recall: context drift rate at study (CMR Eq. 2)", F,
       in(0, 1, true, false), nullptr},
      {"context", "beta_rec", Type::Float, "0.5",
       "free recall: context drift rate when a recalled item reinstates its context", F, in(0, 1, true, false), nullptr},
      {"context", "beta_start", Type::Float, "0.0",
       "free recall: drift back towards the start-of-list context before recall (0: none)", F, in(0, 1), nullptr},
      {"context", "drift", Type::String, "\"discrete\"",
       "free recall: discrete (CMR's update), continuous (the ODE on the sphere for one unit of time at the rate that "
       "matches CMR for an orthogonal input) or continuous_matched (the ODE for the duration that lands on CMR's update)",
       F, kNone, choice_list<ContextDriftKind>()},
      {"context", "gamma_fc", Type::Float, "0.0",
       "free recall: learned share of the item-to-context associations M^FC: a recalled item reinstates "
       "(1 - gamma_fc) f_i + gamma_fc c_i",
       F, in(0, 1, false, true), nullptr},
      {"context", "phi", Type::Float, "1.0",
       "free recall: weight of the temporal context in the retrieval key f_i (+) phi c_i: the learned context-to-item "
       "associations against the pre-experimental (semantic) ones (0: content only)",
       F, in(0, 1e6), nullptr},
      {"context", "phi_s", Type::Float, "0.0", "free recall: primacy gradient P_j = phi_s exp(-phi_d (j - 1)) + 1", F,
       in(0, 1e6), nullptr},
      {"context", "phi_d", Type::Float, "0.0", "free recall: decay of the primacy gradient over serial positions", F,
       ge(0), nullptr},
      {"context", "salience_decay_time", Type::Float, "0.0",
       "free recall: salience of a studied item exp(-(time since study) / this), in presentations (0: no decay)", F,
       ge(0), nullptr},
      {"context", "retention_interval", Type::Float, "0.0",
       "free recall: presentations between the last study event and the test (salience only)", F, ge(0), nullptr},
      {"recall", "recall_rule", Type::String, "\"luce\"",
       "free recall: luce (P ~ a^tau), softmax (P ~ exp(tau a), a modern Hopfield energy over items), accumulator "
       "(the leaky competing accumulator SDE) or gsemm (Dense GSEMM with a Hebbian Phi from the study order)",
       F, kNone, choice_list<RecallRule>()},
      {"recall", "tau", Type::Float, "1.0", "free recall: sensitivity of the choice rule", F, gt(0), nullptr},
      {"recall", "X_s", Type::Float, "0.01",
       "free recall, luce/softmax: stop probability before the first recall, P_stop(o) = X_s exp(X_k o)", F, in(0, 1),
       nullptr},
      {"recall", "X_k", Type::Float, "0.3", "free recall, luce/softmax: growth of the stop probability per output", F,
       ge(0), nullptr},
      {"recall", "kappa", Type::Float, "0.1", "free recall, accumulator: leak", F, ge(0), nullptr},
      {"recall", "lambda", Type::Float, "0.1", "free recall, accumulator: lateral inhibition", F, ge(0), nullptr},
      {"recall", "eta", Type::Float, "0.1", "free recall, accumulator: noise amplitude (per sqrt(T_f))", F, ge(0),
       nullptr},
      {"recall", "accumulator_threshold", Type::Float, "1.0", "free recall, accumulator: recall threshold", F, gt(0),
       nullptr},
      {"recall", "recall_period", Type::Float, "90.0", "free recall, accumulator: duration of the recall period in T_f",
       F, in(0, 1e6, true), nullptr},
      {"recall", "recall_cue", Type::String, "\"first\"",
       "free recall, gsemm: the studied item whose pattern cues V_f(0) (plus cue_noise)", F, kNone, "first|random"},
      {"recall", "hebb_forward", Type::Float, "1.0",
       "free recall, gsemm: Phi(i, i + l) = hebb_forward exp(-(l - 1) / hebb_lag_decay) for lags l >= 1", F, ge(0),
       nullptr},
      {"recall", "hebb_backward", Type::Float, "0.0", "free recall, gsemm: the same for the backward lags -l", F, ge(0),
       nullptr},
      {"recall", "V_f_noise", Type::Float, "0.0",
       "free recall, gsemm: noise on V_f during recall, dV_f = ... dt + V_f_noise dW (0: none; > 0: Euler-Maruyama "
       "at dt)",
       F, ge(0), nullptr},
      {"recall", "hebb_lag_decay", Type::Float, "0.0",
       "free recall, gsemm: decay length in lags (0: adjacent lags only)", F, ge(0), nullptr},
      {"recognition", "recognition", Type::Bool, "false",
       "free recall: an old/new recognition test after each list's study (instead of recall)", F, kNone, nullptr},
      {"recognition", "lures", Type::Int, "-1", "free recall: new items probed per list (-1: L)", F,
       or_sentinel(ints(1, 100000), -1), nullptr},
      {"recognition", "familiarity", Type::String, "\"max\"",
       "free recall: familiarity of a probe: the largest (max) or summed (sum) cosine of its key with the studied keys",
       F, kNone, "max|sum"},
      {"recognition", "recognition_criterion", Type::Float, "0.5",
       "free recall: respond old when familiarity exceeds this", F, any_finite(), nullptr},
      {"recognition", "recognition_noise", Type::Float, "0.0",
       "free recall: standard deviation of Gaussian noise on the familiarity", F, ge(0), nullptr},
  };
}

}  // namespace seqmem
