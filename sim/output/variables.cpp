#include "sim/output/variables.hpp"

#include <algorithm>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace seqmem {
namespace {

constexpr const char* kBool = "0 1";
constexpr const char* kFalseTrue = "false true";

// Equation numbers: GSEMM = Karuvally, Sejnowski & Siegelmann (ICML 2023); Ambrogioni = Ambrogioni
// (Entropy 2024). docs/models.md restates both.
const VariableInfo kCatalogue[] = {
    // --- a GSEMM-family run (runs/rNNNN)
    {"time", "time", Stored::f64, "T_f", "time of the sample (a map of the sequence family: the update t)", "", "", "",
     "run sequence_run", "time of the sample (a map: the number of updates t)"},
    {"memory", "memory", Stored::i32, "1", "memory label mu (1-based, the paper's xi_mu)", "", "", "", "run sequence_run",
     "memory label μ, 1…K"},
    {"neuron", "neuron", Stored::i32, "1", "feature neuron index i (1-based)", "", "", "", "run sequence_run",
     "feature neuron index i, 1…N_f"},
    {"Xi", "neuron memory", Stored::f64, "1", "memories Xi (column mu is the pattern xi_mu)", "GSEMM Eq. 1", "", "",
     "run sequence_run", "the memories Ξ, one per column (GSEMM Eq. 1)"},
    {"Phi_entry", "Phi_entry", Stored::i32, "1", "nonzero entry of Phi (1-based)", "", "", "", "run",
     "nonzero entry of Φ, 1…"},
    {"Phi_from", "Phi_entry", Stored::i32, "1", "memory label of the transition's source (row of Phi)", "GSEMM Eq. 1",
     "", "", "run", "the source ξ_a of the step ξ_a → ξ_b (row of Φ)"},
    {"Phi_to", "Phi_entry", Stored::i32, "1", "memory label of the transition's target (column of Phi)", "GSEMM Eq. 1",
     "", "", "run", "the target ξ_b of the step (column of Φ)"},
    {"Phi_value", "Phi_entry", Stored::f64, "1", "weight Phi(Phi_from, Phi_to) of the transition", "GSEMM Eq. 1", "",
     "", "run",
     "its weight (Φ is sparse: K = 10⁵ memories cost 10⁵ entries; `seqmem.phi(path, run)` gives the K × K matrix)"},
    {"overlaps", "time memory", Stored::f64, "1",
     "overlap m_mu of the state with memory mu: xi_mu . sigma_f(V_f) / N_f (GSEMM); xi_mu . S / N (maps); "
     "xi_mu . v / N (EDEN)",
     "GSEMM Appendix B", "", "", "run sequence_run",
     "m_μ = ξ_μ · σ_f(V_f) / N_f (GSEMM Appendix B); of the sequence family ξ^μ · S / N (maps) or ξ^μ · v / N (EDEN)"},
    {"energy", "time", Stored::f64, "1", "energy E of the network", "GSEMM Eq. 4 (Eq. 13 for the dense model)", "", "",
     "run", "the energy E (GSEMM Eq. 4; Eq. 13 for the dense model), when `energy = true`"},
    {"F", "time", Stored::f64, "1/T_f", "fast part F of the energy's rate dE/dt = F + G (<= 0)", "GSEMM Eq. 5-7", "",
     "", "run", "the fast part of dE/dt = F + G, ≤ 0 (GSEMM Eq. 5–7)"},
    {"G", "time", Stored::f64, "1/T_f", "slow part G of the energy's rate dE/dt = F + G, through the delay signal",
     "GSEMM Eq. 8", "", "", "run", "the slow part, through the delay signal (GSEMM Eq. 8)"},
    {"visit", "visit", Stored::i32, "1", "visit number (1-based, in time order)", "", "", "", "run sequence_run",
     "visit number, 1… in time order"},
    {"visit_memory", "visit", Stored::i32, "1", "memory label of the visit (overlap above the threshold)", "", "", "",
     "run sequence_run", "the visited memory's label (its overlap crossed `threshold`)"},
    {"visit_time", "visit", Stored::f64, "T_f", "time the visit began (the overlap crossed the threshold)", "", "", "",
     "run sequence_run", "the time the visit began"},
    {"state_time", "state_time", Stored::f64, "T_f", "time of the recorded state", "", "", "", "run sequence_run",
     "times of the recorded states (when `states` lists any)"},
    {"V_f", "state_time neuron", Stored::f64, "1", "feature-layer currents V_f", "GSEMM Eq. 1", "", "", "run",
     "feature-layer currents (when `states` lists `V_f`; GSEMM Eq. 1)"},
    {"V_h", "state_time memory", Stored::f64, "1", "hidden-layer currents V_h", "GSEMM Eq. 1", "", "", "run",
     "hidden-layer currents (Eq. 9 for the dense model)"},
    {"V_d", "state_time neuron", Stored::f64, "1", "delayed feature signal V_d", "GSEMM Eq. 1-2", "", "", "run",
     "delayed feature signal (GSEMM Eq. 1–2)"},
    {"t_stop", "evaluation", Stored::f64, "T_f", "time the evaluation stopped", "", "", "", "evaluations",
     "time the evaluation stopped"},
    {"wall_time_s", "evaluation", Stored::f64, "s", "wall-clock time of the evaluation", "", "", "", "evaluations",
     "wall-clock seconds"},
    {"solver_steps", "evaluation", Stored::i64, "1", "integrator steps taken", "", "", "", "evaluations",
     "integrator steps taken"},
    {"solver_rhs_evals", "evaluation", Stored::i64, "1", "right-hand side evaluations", "", "", "", "evaluations",
     "right-hand side evaluations"},
    // --- a run of the sequence family (runs/rNNNN of kind = "seqnet", "densenet", "mixednet", "eden")
    {"S", "state_time neuron", Stored::i32, "1", "state S of the map, entries +1 or -1", "C23 Eq. 2, 14", "", "",
     "sequence_run", "the state S ∈ {−1, +1}^N of a map (when `states = [\"S\"]`; C23 Eq. 2, 14)"},
    {"v", "state_time neuron", Stored::f64, "1", "EDEN's feature layer v", "EDEN (docs/models.md §3.4)", "", "",
     "sequence_run", "EDEN's feature layer v (when `states` lists `v`; models.md §3.4)"},
    {"s", "state_time neuron", Stored::f64, "1", "EDEN's delay layer s", "EDEN (docs/models.md §3.4)", "", "",
     "sequence_run", "EDEN's delay layer s (when `states` lists `s`)"},
    // --- fixed points (runs/rNNNN/fixed_points, Figure 2)
    {"fixed_points/fp_time", "fp_time", Stored::f64, "T_f", "time of the analysed state", "", "", "", "fixed_points",
     "time of the analysed state"},
    {"fixed_points/memory", "memory", Stored::i32, "1", "memory label mu (1-based)", "", "", "", "fixed_points",
     "memory label μ"},
    {"fixed_points/neuron", "neuron", Stored::i32, "1", "feature neuron index i (1-based)", "", "", "", "fixed_points",
     "feature neuron index i"},
    {"fixed_points/V_f", "fp_time neuron", Stored::f64, "1", "feature currents V_f of the analysed state",
     "GSEMM Eq. 1", "", "", "fixed_points", "the sampled feature currents V_f"},
    {"fixed_points/V_d", "fp_time neuron", Stored::f64, "1",
     "delay signal V_d of the analysed state (frozen for the search)", "GSEMM Eq. 1", "", "", "fixed_points",
     "the sampled delay signal V_d (frozen for the search)"},
    {"state_V_f", "fp_time neuron", Stored::f64, "1",
     "fixed point of the feature dynamics at frozen V_d, from the current state", "GSEMM Eq. 10", "", "",
     "fixed_points", "the fixed point of the feature dynamics at frozen V_d reached from the state (GSEMM Eq. 10)"},
    {"state_overlaps", "fp_time memory", Stored::f64, "1", "overlaps of the fixed point found from the current state",
     "GSEMM Appendix B", "", "", "fixed_points", "its overlaps"},
    {"state_energy", "fp_time", Stored::f64, "1", "energy E(V_f; V_d) of the fixed point found from the current state",
     "GSEMM Eq. 13", "", "", "fixed_points", "its energy E(V_f; V_d) (GSEMM Eq. 13)"},
    {"state_n_unstable", "fp_time", Stored::i32, "1",
     "number of eigenvalues of the Jacobian with positive real part at the fixed point", "", "", "", "fixed_points",
     "eigenvalues of the Jacobian with positive real part"},
    {"state_converged", "fp_time", Stored::i32, "1", "the search from the current state converged to a fixed point", "",
     kBool, kFalseTrue, "fixed_points", "0/1, the search converged"},
    {"state_residual", "fp_time", Stored::f64, "1/T_f", "norm of dV_f/dt at the point found from the current state",
     "GSEMM Eq. 10", "", "", "fixed_points", "‖dV_f/dt‖ at the point found"},
    {"state_max_eigenvalue", "fp_time", Stored::f64, "1/T_f",
     "largest real part of the Jacobian's eigenvalues at the fixed point", "", "", "", "fixed_points",
     "largest real part of the Jacobian's eigenvalues"},
    {"state_distance", "fp_time", Stored::f64, "1",
     "Euclidean distance from the current V_f to the fixed point found from it", "", "", "", "fixed_points",
     "‖state_V_f − V_f‖"},
    {"memory_V_f", "fp_time memory neuron", Stored::f64, "1",
     "feature currents of the fixed point found from memory mu", "GSEMM Eq. 10", "", "", "fixed_points",
     "the fixed point reached from each memory"},
    {"memory_energy", "fp_time memory", Stored::f64, "1", "energy E(V_f; V_d) of the fixed point found from memory mu",
     "GSEMM Eq. 13", "", "", "fixed_points", "its energy"},
    {"memory_overlap", "fp_time memory", Stored::f64, "1",
     "overlap with memory mu of the fixed point found from memory mu", "GSEMM Appendix B", "", "", "fixed_points",
     "its overlap with the memory it started from"},
    {"memory_nearest", "fp_time memory", Stored::i32, "1",
     "memory label with the largest overlap at the fixed point found from memory mu", "", "", "", "fixed_points",
     "the label of its largest overlap"},
    {"memory_n_unstable", "fp_time memory", Stored::i32, "1",
     "number of unstable directions of the fixed point found from memory mu", "", "", "", "fixed_points",
     "its unstable directions"},
    {"memory_converged", "fp_time memory", Stored::i32, "1", "the search from memory mu converged to a fixed point", "",
     kBool, kFalseTrue, "fixed_points", "0/1, the search converged"},
    // --- energy surfaces (runs/rNNNN/fixed_points/surface, Figure 2A)
    {"surface/slice_time", "slice_time", Stored::f64, "T_f", "time of the energy slice (V_d frozen at its value then)",
     "", "", "", "surface", "the time whose V_d the slice freezes"},
    {"surface/a", "a", Stored::f64, "1", "coordinate along the plane's first basis vector", "", "", "", "surface",
     "coordinate along the plane's basis vector e_1"},
    {"surface/b", "b", Stored::f64, "1", "coordinate along the plane's second basis vector", "", "", "", "surface",
     "coordinate along the plane's basis vector e_2"},
    {"surface/plane", "plane", Stored::i32, "1", "axis of the plane (1: basis row 1, 2: basis row 2)", "", "", "",
     "surface", "1, 2: the two basis vectors"},
    {"surface/neuron", "neuron", Stored::i32, "1", "feature neuron index i (1-based)", "", "", "", "surface",
     "feature neuron index i (a copy of the coordinate of `fixed_points`)"},
    {"surface/fp_time", "fp_time", Stored::f64, "T_f", "time of the analysed state", "", "", "", "surface",
     "time of the analysed state (a copy of the coordinate of `fixed_points`)"},
    {"surface/energy", "slice_time a b", Stored::f64, "1", "energy E(V_f; V_d) on the plane V_f = a e_1 + b e_2",
     "GSEMM Eq. 13", "", "", "surface", "E(V_f = a e_1 + b e_2; V_d) (GSEMM Eq. 13)"},
    {"surface/basis", "plane neuron", Stored::f64, "1", "orthonormal basis vectors e_1, e_2 of the plane in V_f space",
     "", "", "", "surface",
     "e_1, e_2 (two memories orthonormalised, or the first two principal directions for `surface_plane = \"pca\"`)"},
    {"surface/trajectory", "fp_time plane", Stored::f64, "1", "the trajectory's V_f projected on the plane (a, b)", "",
     "", "", "surface", "the sampled V_f projected on (e_1, e_2)"},
    // --- a diffusion run (runs/rNNNN of kind = "diffusion", Ambrogioni 2024)
    {"dim", "dim", Stored::i32, "1", "coordinate index of the state space (1-based)", "", "", "", "diffusion",
     "coordinate index 1…D"},
    {"component", "component", Stored::i32, "1", "component of the Gaussian-mixture memory (0-based)", "", "", "",
     "diffusion", "component 0…K−1"},
    {"trajectory", "trajectory", Stored::i32, "1", "trajectory (0-based)", "", "", "", "diffusion", "trajectory 0…M−1"},
    {"label", "label", Stored::i32, "1", "memory label (0: the semantic manifold, 1..N: the memories)", "", "", "",
     "diffusion", "memory label"},
    {"rank", "rank", Stored::i32, "1", "direction of a component's low-rank covariance (1-based)", "", "", "",
     "diffusion", "direction of a low-rank covariance"},
    {"means", "component dim", Stored::f64, "1", "mean y of each mixture component (the stored patterns)",
     "Ambrogioni 2024 Eq. 8, 23-25", "", "", "diffusion",
     "component means (the patterns for point memories; Ambrogioni 2024 Eq. 8, 23–25)"},
    {"component_weight", "component", Stored::f64, "1", "prior weight of each mixture component",
     "Ambrogioni 2024 Eq. 8, 25", "", "", "diffusion", "prior weight π_k"},
    {"component_label", "component", Stored::i32, "1", "memory label of each component (0: semantic manifold)", "", "",
     "", "diffusion", "the component's memory label"},
    {"component_rank", "component", Stored::i32, "1", "rank of each component's covariance (0: a point memory)",
     "Ambrogioni 2024 Eq. 23", "", "", "diffusion", "rank of its covariance (0: a point memory; Eq. 23)"},
    {"component_factor", "component dim rank", Stored::f64, "1",
     "covariance factor U sqrt(lambda) of each component (zero-padded)", "Ambrogioni 2024 Eq. 23", "", "", "diffusion",
     "U_k diag(√λ_k), zero-padded"},
    {"cue", "[trajectory] dim", Stored::f64, "1", "start state x(t0) of each trajectory", "", "", "", "diffusion",
     "the start states (one shared cue: (dim))"},
    {"end_state", "trajectory dim", Stored::f64, "1", "state x at the end of the trajectory", "", "", "", "diffusion",
     "x(t_end)"},
    {"end_component", "trajectory", Stored::i32, "1", "mixture component with the largest posterior weight at the end",
     "", "", "", "diffusion", "component of largest posterior at t_end"},
    {"end_memory", "trajectory", Stored::i32, "1",
     "memory label reached: 0 (manifold) or 1..N; -1 did not reach t_end (not finite, or the stepper gave up); -2 a "
     "mixture",
     "", "", "", "diffusion",
     "the memory label reached; −1 did not reach t_end, −2 a mixture (largest weight below `mixture_threshold`)"},
    {"end_weight", "trajectory", Stored::f64, "1",
     "largest posterior (hopfield: softmax) weight of a memory label at the end", "", "", "", "diffusion",
     "that label's posterior (hopfield: softmax) weight"},
    {"end_weights", "trajectory label", Stored::f64, "1",
     "posterior (hopfield: softmax) weight of each memory label at the end", "Ambrogioni 2024 Eq. 11-12", "", "",
     "diffusion", "every label's weight (written when trajectories × labels ≤ 10⁷; Eq. 11–12)"},
    {"nearest", "trajectory", Stored::i32, "1",
     "mixture component whose mean is nearest to the end state (0-based, as component)", "", "", "", "diffusion",
     "the component (0-based, as `component`) whose mean is nearest to the end state"},
    {"distance", "trajectory", Stored::f64, "1", "Euclidean distance from the end state to the nearest component mean",
     "", "", "", "diffusion", "the Euclidean distance to that mean"},
    {"overlap", "trajectory", Stored::f64, "1",
     "projection of the end state on the nearest component mean, mu.x / |mu|^2 (1 at the mean)", "", "", "",
     "diffusion", "the projection μᵀx / ‖μ‖² of the end state on that mean (1 at the mean)"},
    {"label_counts", "label", Stored::i32, "1", "number of trajectories that ended at each label", "", "", "",
     "diffusion", "trajectories per `end_memory` (mixtures in none)"},
    {"label_frequency", "label", Stored::f64, "1", "fraction of trajectories that ended at each label", "", "", "",
     "diffusion", "`label_counts` / M"},
    {"label_posterior", "label", Stored::f64, "1",
     "posterior probability of each label given the cue, the expected frequency", "Ambrogioni 2024 Eq. 11-12", "", "",
     "diffusion",
     "the mean over the cues of each label's posterior at (cue, t0): what the frequencies estimate (§5.1)"},
    {"path_trajectory", "path_trajectory", Stored::i32, "1", "trajectory whose path is recorded (0-based)", "", "", "",
     "diffusion", "the recorded trajectories 0…paths−1"},
    {"path_time", "path_time", Stored::f64, "1", "diffusion time t of the recorded path point (the process's own time)",
     "", "", "", "diffusion", "recorded times (every `path_every`-th step and t_end)"},
    {"path", "path_trajectory path_time dim", Stored::f64, "1", "state x(t) along the recorded trajectories",
     "Ambrogioni 2024 Eq. 7 (reverse SDE)", "", "", "diffusion", "the paths (Eq. 7)"},
    {"path_energy", "path_trajectory path_time", Stored::f64, "1",
     "energy along the recorded trajectories: u(x, t) = -sigma^2 log p_t(x) (hopfield: u_MH(x, beta))",
     "Ambrogioni 2024 Eq. 11-12 (Eq. 5)", "", "", "diffusion",
     "u(x, t) = −σ² log p_t(x) along them (Eq. 11–12; hopfield: u_MH, Eq. 5)"},
    // --- its energy landscape (runs/rNNNN/landscape)
    {"landscape/x", "x", Stored::f64, "1", "coordinate 1 of the plane (the others 0)", "", "", "", "landscape",
     "grid coordinate on dimension 1 (the others 0)"},
    {"landscape/y", "y", Stored::f64, "1", "coordinate 2 of the plane (the others 0)", "", "", "", "landscape",
     "grid coordinate on dimension 2 (the others 0)"},
    {"landscape/energy", "y x", Stored::f64, "1", "energy u(x, t) = -sigma^2 log p_t(x) on the plane",
     "Ambrogioni 2024 Eq. 11-12", "", "", "landscape", "u(x, t) = −σ² log p_t(x) at `landscape_t` (Eq. 11–12)"},
    {"landscape/log_density", "y x", Stored::f64, "1", "log density log p_t(x) of the noised memory, on the plane",
     "Ambrogioni 2024 Eq. 8", "", "", "landscape", "log p_t(x)"},
    {"landscape/score_x", "y x", Stored::f64, "1", "score d log p_t / dx_1 on the plane", "Ambrogioni 2024 Eq. 7", "",
     "", "landscape", "the score ∂ log p_t / ∂x_1 (Eq. 7)"},
    {"landscape/score_y", "y x", Stored::f64, "1", "score d log p_t / dx_2 on the plane", "Ambrogioni 2024 Eq. 7", "",
     "", "landscape", "the score ∂ log p_t / ∂x_2 (Eq. 7)"},
    // --- a free-recall run (runs/rNNNN of kind = "free_recall", docs/free_recall.md)
    {"item", "item", Stored::i32, "1", "pool item (1-based)", "", "", "", "free_recall", "pool item 1…N_items"},
    {"item_category", "item", Stored::i32, "1", "semantic category of the pool item (0-based; -1: no categories)", "",
     "", "", "free_recall", "the item's category (0-based; −1 without categories)"},
    {"serial_position", "serial_position", Stored::i32, "1", "serial position in the studied list (1-based)", "", "",
     "", "free_recall", "1…L"},
    {"spc", "serial_position", Stored::f64, "1",
     "serial-position curve: fraction of lists in which the item studied at this position was recalled", "Murdock 1962",
     "", "", "free_recall",
     "serial-position curve: fraction of lists in which the item studied at p was recalled (Murdock 1962)"},
    {"pfr", "serial_position", Stored::f64, "1",
     "probability of first recall: fraction of lists whose first recall is the item studied here", "", "", "",
     "free_recall", "probability of first recall"},
    {"lag", "lag", Stored::i32, "1", "lag j - i between the serial positions of consecutive recalls", "", "", "",
     "free_recall", "lag between the serial positions of consecutive recalls"},
    {"lag_crp", "lag", Stored::f64, "1",
     "lag-conditional response probability actual / possible (NaN where nothing was possible)", "Kahana 1996", "", "",
     "free_recall", "lag-CRP, actual / possible (NaN where nothing was possible, e.g. lag 0) (Kahana 1996)"},
    {"lag_crp_actual", "lag", Stored::i64, "1", "transitions made at this lag", "Kahana 1996", "", "", "free_recall",
     "transitions made at each lag"},
    {"lag_crp_possible", "lag", Stored::i64, "1",
     "transitions that were possible at this lag (to items not yet recalled)", "Kahana 1996", "", "", "free_recall",
     "transitions possible at each lag"},
    // --- its event table, psifr's layout (runs/rNNNN/events)
    {"events/event", "event", Stored::i32, "1",
     "event number (1-based, in list order; one row per study or recall event)", "", "", "", "events",
     "1, 2, … in list order"},
    {"events/subject", "event", Stored::i32, "1", "simulated subject (1-based)", "", "", "", "events",
     "simulated subject, 1-based"},
    {"events/list", "event", Stored::i32, "1", "list number within the subject (1-based)", "", "", "", "events",
     "list within the subject, 1-based"},
    {"events/position", "event", Stored::i32, "1",
     "serial position (study events) or output position (recall events), 1-based", "", "", "", "events",
     "serial position (study) or output position (recall), 1-based"},
    {"events/trial_type", "event", Stored::i32, "1", "kind of event", "", "0 1", "study recall", "events",
     "`flag_values = 0, 1`, `flag_meanings = \"study recall\"`"},
    {"events/item", "event", Stored::i32, "1",
     "pool item studied or recalled (1-based; a recalled item not on the list is an intrusion)", "", "", "", "events",
     "pool item, 1-based; a recalled item not on the list is an intrusion"},
    // --- a capacity sweep: /evaluations
    {"evaluation", "evaluation", Stored::i32, "1",
     "evaluation number (1-based; rows sorted by config, degree, seed, K, alpha_c)", "", "", "", "evaluations",
     "row number, 1…"},
    {"config", "*", Stored::i32, "1", "configuration (the [runs] grid point, group configs/rNNNN; 0-based)", "", "", "",
     "evaluations capacity baseline baseline_summary", "the configuration (`/configs/r<config>`), 0-based"},
    {"degree", "*", Stored::i32, "1", "polynomial degree n of sigma_h(x) = x^n", "GSEMM Eq. 3", "", "",
     "evaluations capacity", "polynomial degree n of σ_h(x) = xⁿ"},
    {"seed", "*", Stored::i64, "1", "seed of the random memories", "", "", "", "evaluations capacity",
     "seed of the random memories"},
    {"K", "evaluation", Stored::i32, "1", "number of memories K (= N_h), stored as one cycle", "", "", "",
     "evaluations", "number of memories in the cycle"},
    {"alpha_c", "evaluation", Stored::f64, "1", "coupling alpha_c of the delay signal through Phi", "GSEMM Eq. 1", "",
     "", "evaluations", "α_c"},
    {"success", "evaluation", Stored::i32, "1",
     "the cycle was retrieved in order cycles_required times with no wrong visit", "", kBool, kFalseTrue, "evaluations",
     "0/1: the cycle retrieved in order `cycles_required` times, no wrong visit"},
    {"outcome", "evaluation", Stored::i32, "1", "how the evaluation ended", "", "0 1 2 3 4 5",
     "success wrong stalled horizon diverged censored", "evaluations",
     "0 success, 1 wrong (a wrong visit), 2 stalled (no new visit within `stall_time`), 3 horizon (a fixed or "
     "proportional horizon reached undecided), 4 diverged, 5 censored (undecided within the budget: `t_end`, "
     "`max_wall_s`, or a stepper that gave up)"},
    {"cycles", "evaluation", Stored::i32, "1", "complete cycles retrieved in order", "", "", "", "evaluations",
     "complete cycles retrieved in order"},
    {"visits", "evaluation", Stored::i32, "1", "number of visits", "", "", "", "evaluations", "number of visits"},
    {"dwell", "evaluation", Stored::f64, "T_f", "median time between successive visits (NaN: fewer than 2 visits)", "",
     "", "", "evaluations", "median time between successive visits (NaN: fewer than two)"},
    {"t_first_error", "evaluation", Stored::f64, "T_f", "time of the first wrong visit (NaN: none)", "", "", "",
     "evaluations", "time of the first wrong visit (NaN: none)"},
    {"fell_back", "evaluation", Stored::i32, "1", "the event-driven engine handed the run to RK4 (fallback_rk4)", "",
     kBool, kFalseTrue, "evaluations", "0/1: the event-driven engine handed the run to RK4"},
    // --- a capacity sweep: /capacity
    {"pair", "pair", Stored::i32, "1", "one capacity search: a (config, degree, seed[, alpha_c]) (1-based)", "", "", "",
     "capacity", "row number, 1…"},
    {"capacity/alpha_c", "pair", Stored::f64, "1", "the alpha_c of this capacity search (capacity_per_alpha_c)",
     "GSEMM Eq. 1", "", "", "capacity", "only with `capacity_per_alpha_c = true`: the α_c of the search"},
    {"capacity/capacity", "pair", Stored::i32, "1",
     "capacity: the largest K that succeeded (a lower bound when censored)", "", "", "", "capacity",
     "the largest K that succeeded for some α_c (with `capacity_per_alpha_c`: for this one; `K_min − 1` when none "
     "did)"},
    {"censored", "pair", Stored::i32, "1", "the capacity is a lower bound (stop is K_max or censored)", "", kBool,
     kFalseTrue, "capacity", "0/1: `capacity` is a lower bound"},
    {"K_largest_tried", "pair", Stored::i32, "1", "largest K evaluated", "", "", "", "capacity",
     "the largest K evaluated"},
    {"stop", "pair", Stored::i32, "1", "why the search stopped", "", "0 1 2", "failure K_max censored", "capacity",
     "0 failure (a K failed: the capacity is measured), 1 K_max (every K up to `K_max` succeeded), 2 censored (an "
     "evaluation ran out of its budget)"},
    // --- classical baselines: /baseline
    {"trial_row", "trial_row", Stored::i32, "1", "row of the per-trial table (1-based)", "", "", "", "baseline",
     "row number, 1…"},
    {"N", "*", Stored::i32, "1", "number of neurons N", "", "", "", "baseline baseline_summary", "number of neurons"},
    {"baseline/degree", "trial_row", Stored::i32, "1",
     "degree n of the dense associative memory F(x) = x^n (2 for the Hopfield network), d of the sequence memory's "
     "f(m) = m^d (1 for SeqNet), 0 for the exponential ones",
     "", "", "", "baseline",
     "degree n of the dense associative memory F(x) = xⁿ (2: the Hopfield network); d of a sequence memory's f(m) = "
     "m^d (1: SeqNet); 0 for the exponential memories"},
    {"trial", "trial_row", Stored::i32, "1", "trial (independent pattern set; 0-based)", "", "", "", "baseline",
     "trial (an independent pattern set), 0-based"},
    {"baseline/capacity", "trial_row", Stored::i32, "1",
     "largest number of patterns P that met the criterion in this trial", "", "", "", "baseline",
     "the largest number of patterns P that met the criterion"},
    // --- classical baselines: /baseline_summary
    {"setting", "setting", Stored::i32, "1", "(config, N, degree) setting (1-based)", "", "", "", "baseline_summary",
     "row number, 1…"},
    {"baseline_summary/degree", "setting", Stored::i32, "1",
     "degree n of the dense associative memory F(x) = x^n (2 for the Hopfield network), d of the sequence memory's "
     "f(m) = m^d (1 for SeqNet), 0 for the exponential ones",
     "", "", "", "baseline_summary",
     "degree n of the dense associative memory F(x) = xⁿ (2: the Hopfield network); d of a sequence memory's f(m) = "
     "m^d (1: SeqNet); 0 for the exponential memories"},
    {"mean", "setting", Stored::f64, "1", "mean capacity over the trials (patterns)", "", "", "", "baseline_summary",
     "mean of the capacity over the trials"},
    {"std", "setting", Stored::f64, "1", "standard deviation of the capacity over the trials (patterns)", "", "", "",
     "baseline_summary", "standard deviation of the capacity over the trials"},
    {"mean_per_neuron", "setting", Stored::f64, "1",
     "mean capacity divided by N (the classical 0.138 for the Hopfield network)", "", "", "", "baseline_summary",
     "mean / N (0.138 for the Hopfield network as N → ∞)"},
    {"trials_at_P_max", "setting", Stored::i32, "1", "trials whose capacity reached P_max (lower bounds)", "", "", "",
     "baseline_summary", "trials that reached `P_max` (lower bounds)"},
    {"law_P_T", "setting", Stored::f64, "1",
     "transition capacity law of the sequence memory (C23 Eq. 9, 10, 15; NaN for singleton memories)", "", "", "",
     "baseline_summary",
     "the transition capacity P_T of the law, [models.md §3.3](models.md) (C23 Eq. 9, 10, 15); NaN for the singleton "
     "memories"},
    {"law_P_S", "setting", Stored::f64, "1",
     "sequence capacity law of the sequence memory (C23 Eq. 9, 10, 16; NaN for singleton memories)", "", "", "",
     "baseline_summary",
     "the sequence capacity P_S of the law (the reading `mixednet_law` for MixedNet); NaN for the singleton memories"},
    {"law_growth", "setting", Stored::f64, "1",
     "growth factor per neuron of an exponential law (exponential separation: beta = e^2/cosh 2; eden with the "
     "paper's normalisation: gamma); NaN otherwise",
     "", "", "", "baseline_summary",
     "the factor per neuron of an exponential law: β = e²/cosh 2 for the exponential separation (C23 Eq. 10), γ for "
     "`eden` with `eden_normalisation = \"paper\"` ([models.md §3.4](models.md)); NaN otherwise"},
};

std::string parent_and_name(const std::string& path) {
  const auto last = path.rfind('/');
  if (last == std::string::npos) return path;
  const auto before = path.rfind('/', last - 1);
  return path.substr(before == std::string::npos ? 0 : before + 1);
}

std::string base_name(const std::string& path) {
  const auto last = path.rfind('/');
  return last == std::string::npos ? path : path.substr(last + 1);
}

}  // namespace

const VariableInfo* find_variable(const std::string& path) {
  const std::string qualified = parent_and_name(path), name = base_name(path);
  for (const auto& v : kCatalogue)
    if (qualified == v.name) return &v;
  for (const auto& v : kCatalogue)
    if (name == v.name) return &v;
  return nullptr;
}

std::string variable_name(const VariableInfo& v) { return base_name(v.name); }

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool in_table(const VariableInfo& v, const std::string& table) {
  const std::vector<std::string> t = words(v.tables);
  return std::find(t.begin(), t.end(), table) != t.end();
}

std::vector<std::string> dims_allowed(const std::string& dims) {
  if (dims.empty() || dims.front() != '[') return {dims};
  const auto close = dims.find("] ");
  const std::string rest = dims.substr(close + 2);
  return {dims.substr(1, close - 1) + " " + rest, rest};
}

CatalogueView catalogue() { return {std::begin(kCatalogue), std::end(kCatalogue)}; }

std::string row_dimension(const std::string& table) {
  std::string dim;
  for (const VariableInfo& v : catalogue())
    if (in_table(v, table) && variable_name(v) == v.dims) {  // a coordinate variable of the table
      if (!dim.empty()) throw std::logic_error("row_dimension: table " + table + " has several coordinates");
      dim = v.dims;
    }
  if (dim.empty()) throw std::logic_error("row_dimension: table " + table + " has no coordinate in the catalogue");
  return dim;
}

}  // namespace seqmem
