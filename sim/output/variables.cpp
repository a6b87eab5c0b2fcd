#include "sim/output/variables.hpp"

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sim/output/h5file.hpp"

namespace seqmem {
namespace {

constexpr const char* kBool = "0 1";
constexpr const char* kFalseTrue = "false true";

// Equation numbers: GSEMM = Karuvally, Sejnowski & Siegelmann (ICML 2023); Ambrogioni = Ambrogioni
// (Entropy 2024). docs/models.md restates both.
const VariableInfo kCatalogue[] = {
    // --- a GSEMM-family run (runs/rNNNN): coordinates
    {"time", "T_f", "time of the sample", "", "", ""},
    {"state_time", "T_f", "time of the recorded state", "", "", ""},
    {"memory", "1", "memory label mu (1-based, the paper's xi_mu)", "", "", ""},
    {"neuron", "1", "feature neuron index i (1-based)", "", "", ""},
    {"visit", "1", "visit number (1-based, in time order)", "", "", ""},
    {"Phi_entry", "1", "nonzero entry of Phi (1-based)", "", "", ""},
    // memories and episodes
    {"Xi", "1", "memories Xi (column mu is the pattern xi_mu)", "GSEMM Eq. 1", "", ""},
    {"Phi_from", "1", "memory label of the transition's source (row of Phi)", "GSEMM Eq. 1", "", ""},
    {"Phi_to", "1", "memory label of the transition's target (column of Phi)", "GSEMM Eq. 1", "", ""},
    {"Phi_value", "1", "weight Phi(Phi_from, Phi_to) of the transition", "GSEMM Eq. 1", "", ""},
    // trajectories
    {"overlaps", "1", "overlap m_mu = xi_mu . sigma_f(V_f) / N_f of the feature state with memory mu",
     "GSEMM Appendix B", "", ""},
    {"energy", "1", "energy E of the network", "GSEMM Eq. 4 (Eq. 13 for the dense model)", "", ""},
    {"F", "1/T_f", "fast part F of the energy's rate dE/dt = F + G (<= 0)", "GSEMM Eq. 5-7", "", ""},
    {"G", "1/T_f", "slow part G of the energy's rate dE/dt = F + G, through the delay signal", "GSEMM Eq. 8", "", ""},
    {"V_f", "1", "feature-layer currents V_f", "GSEMM Eq. 1", "", ""},
    {"V_h", "1", "hidden-layer currents V_h", "GSEMM Eq. 1", "", ""},
    {"V_d", "1", "delayed feature signal V_d", "GSEMM Eq. 1-2", "", ""},
    {"visit_memory", "1", "memory label of the visit (overlap above the threshold)", "", "", ""},
    {"visit_time", "T_f", "time the visit began (the overlap crossed the threshold)", "", "", ""},
    // --- fixed points (runs/rNNNN/fixed_points, Figure 2)
    {"fixed_points/fp_time", "T_f", "time of the analysed state", "", "", ""},
    {"fixed_points/memory", "1", "memory label mu (1-based)", "", "", ""},
    {"fixed_points/neuron", "1", "feature neuron index i (1-based)", "", "", ""},
    {"fixed_points/V_f", "1", "feature currents V_f of the analysed state", "GSEMM Eq. 1", "", ""},
    {"fixed_points/V_d", "1", "delay signal V_d of the analysed state (frozen for the search)", "GSEMM Eq. 1", "", ""},
    {"state_V_f", "1", "fixed point of the feature dynamics at frozen V_d, from the current state", "GSEMM Eq. 10",
     "", ""},
    {"state_overlaps", "1", "overlaps of the fixed point found from the current state", "GSEMM Appendix B", "", ""},
    {"state_energy", "1", "energy E(V_f; V_d) of the fixed point found from the current state", "GSEMM Eq. 13", "",
     ""},
    {"state_n_unstable", "1", "number of eigenvalues of the Jacobian with positive real part at the fixed point", "",
     "", ""},
    {"state_converged", "1", "the search from the current state converged to a fixed point", "", kBool, kFalseTrue},
    {"state_residual", "1/T_f", "norm of dV_f/dt at the point found from the current state", "GSEMM Eq. 10", "", ""},
    {"state_max_eigenvalue", "1/T_f", "largest real part of the Jacobian's eigenvalues at the fixed point", "", "",
     ""},
    {"state_distance", "1", "Euclidean distance from the current V_f to the fixed point found from it", "", "", ""},
    {"memory_energy", "1", "energy E(V_f; V_d) of the fixed point found from memory mu", "GSEMM Eq. 13", "", ""},
    {"memory_overlap", "1", "overlap with memory mu of the fixed point found from memory mu", "GSEMM Appendix B", "",
     ""},
    {"memory_nearest", "1", "memory label with the largest overlap at the fixed point found from memory mu", "", "",
     ""},
    {"memory_n_unstable", "1", "number of unstable directions of the fixed point found from memory mu", "", "", ""},
    {"memory_converged", "1", "the search from memory mu converged to a fixed point", "", kBool, kFalseTrue},
    {"memory_V_f", "1", "feature currents of the fixed point found from memory mu", "GSEMM Eq. 10", "", ""},
    // energy surfaces (runs/rNNNN/fixed_points/surface, Figure 2A)
    {"surface/slice_time", "T_f", "time of the energy slice (V_d frozen at its value then)", "", "", ""},
    {"surface/fp_time", "T_f", "time of the analysed state", "", "", ""},
    {"surface/neuron", "1", "feature neuron index i (1-based)", "", "", ""},
    {"surface/plane", "1", "axis of the plane (1: basis row 1, 2: basis row 2)", "", "", ""},
    {"surface/a", "1", "coordinate along the plane's first basis vector", "", "", ""},
    {"surface/b", "1", "coordinate along the plane's second basis vector", "", "", ""},
    {"surface/energy", "1", "energy E(V_f; V_d) on the plane V_f = a e_1 + b e_2", "GSEMM Eq. 13", "", ""},
    {"surface/basis", "1", "orthonormal basis vectors e_1, e_2 of the plane in V_f space", "", "", ""},
    {"surface/trajectory", "1", "the trajectory's V_f projected on the plane (a, b)", "", "", ""},
    // --- a capacity sweep (/evaluations, /capacity)
    {"evaluation", "1", "evaluation number (1-based; rows sorted by config, degree, seed, K, alpha_c)", "", "", ""},
    {"config", "1", "configuration (the [runs] grid point, group configs/rNNNN; 0-based)", "", "", ""},
    {"degree", "1", "polynomial degree n of sigma_h(x) = x^n", "GSEMM Eq. 3", "", ""},
    {"seed", "1", "seed of the random memories", "", "", ""},
    {"K", "1", "number of memories K (= N_h), stored as one cycle", "", "", ""},
    {"alpha_c", "1", "coupling alpha_c of the delay signal through Phi", "GSEMM Eq. 1", "", ""},
    {"success", "1", "the cycle was retrieved in order cycles_required times with no wrong visit", "", kBool,
     kFalseTrue},
    {"outcome", "1", "how the evaluation ended", "", "0 1 2 3 4 5",
     "success wrong stalled horizon diverged censored"},
    {"cycles", "1", "complete cycles retrieved in order", "", "", ""},
    {"visits", "1", "number of visits", "", "", ""},
    {"dwell", "T_f", "median time between successive visits (NaN: fewer than 2 visits)", "", "", ""},
    {"t_first_error", "T_f", "time of the first wrong visit (NaN: none)", "", "", ""},
    {"t_stop", "T_f", "time the evaluation stopped", "", "", ""},
    {"solver_steps", "1", "integrator steps taken", "", "", ""},
    {"solver_rhs_evals", "1", "right-hand side evaluations", "", "", ""},
    {"fell_back", "1", "the event-driven engine handed the run to RK4 (fallback_rk4)", "", kBool, kFalseTrue},
    {"wall_time_s", "s", "wall-clock time of the evaluation", "", "", ""},
    {"pair", "1", "one capacity search: a (config, degree, seed[, alpha_c]) (1-based)", "", "", ""},
    {"capacity/alpha_c", "1", "the alpha_c of this capacity search (capacity_per_alpha_c)", "GSEMM Eq. 1", "", ""},
    {"capacity/capacity", "1", "capacity: the largest K that succeeded (a lower bound when censored)", "", "", ""},
    {"censored", "1", "the capacity is a lower bound (stop is K_max or censored)", "", kBool, kFalseTrue},
    {"K_largest_tried", "1", "largest K evaluated", "", "", ""},
    {"stop", "1", "why the search stopped", "", "0 1 2", "failure K_max censored"},
    // --- classical baselines (/baseline, /baseline_summary)
    {"trial_row", "1", "row of the per-trial table (1-based)", "", "", ""},
    {"setting", "1", "(config, N, degree) setting (1-based)", "", "", ""},
    {"baseline/degree", "1", "degree n of the dense associative memory F(x) = x^n (2 for the Hopfield network)", "", "", ""},
    {"baseline_summary/degree", "1", "degree n of the dense associative memory F(x) = x^n (2 for the Hopfield network)", "", "",
     ""},
    {"N", "1", "number of neurons N", "", "", ""},
    {"trial", "1", "trial (independent pattern set; 0-based)", "", "", ""},
    {"baseline/capacity", "1", "largest number of patterns P that met the criterion in this trial", "", "", ""},
    {"mean", "1", "mean capacity over the trials (patterns)", "", "", ""},
    {"std", "1", "standard deviation of the capacity over the trials (patterns)", "", "", ""},
    {"mean_per_neuron", "1", "mean capacity divided by N (the classical 0.138 for the Hopfield network)", "", "", ""},
    {"trials_at_P_max", "1", "trials whose capacity reached P_max (lower bounds)", "", "", ""},
    // --- diffusion runs (runs/rNNNN of kind = "diffusion", Ambrogioni 2024)
    {"dim", "1", "coordinate index of the state space (1-based)", "", "", ""},
    {"component", "1", "component of the Gaussian-mixture memory (0-based)", "", "", ""},
    {"trajectory", "1", "trajectory (0-based)", "", "", ""},
    {"label", "1", "memory label (0: the semantic manifold, 1..N: the memories)", "", "", ""},
    {"rank", "1", "direction of a component's low-rank covariance (1-based)", "", "", ""},
    {"means", "1", "mean y of each mixture component (the stored patterns)", "Ambrogioni 2024 Eq. 8, 23-25", "", ""},
    {"component_weight", "1", "prior weight of each mixture component", "Ambrogioni 2024 Eq. 8, 25", "", ""},
    {"component_label", "1", "memory label of each component (0: semantic manifold)", "", "", ""},
    {"component_rank", "1", "rank of each component's covariance (0: a point memory)", "Ambrogioni 2024 Eq. 23", "",
     ""},
    {"component_factor", "1", "covariance factor U sqrt(lambda) of each component (zero-padded)",
     "Ambrogioni 2024 Eq. 23", "", ""},
    {"cue", "1", "start state x(t0) of each trajectory", "", "", ""},
    {"end_state", "1", "state x at the end of the trajectory", "", "", ""},
    {"end_component", "1", "mixture component with the largest posterior weight at the end", "", "", ""},
    {"end_memory", "1",
     "memory label reached: 0 (manifold) or 1..N; -1 did not reach t_end (not finite, or the stepper gave up); -2 a "
     "mixture",
     "", "", ""},
    {"end_weight", "1", "largest posterior (hopfield: softmax) weight of a memory label at the end", "", "", ""},
    {"end_weights", "1", "posterior (hopfield: softmax) weight of each memory label at the end",
     "Ambrogioni 2024 Eq. 11-12", "", ""},
    {"nearest", "1", "mixture component whose mean is nearest to the end state (0-based, as component)", "", "",
     ""},
    {"distance", "1", "Euclidean distance from the end state to the nearest component mean", "", "", ""},
    {"overlap", "1", "projection of the end state on the nearest component mean, mu.x / |mu|^2 (1 at the mean)", "",
     "", ""},
    {"label_counts", "1", "number of trajectories that ended at each label", "", "", ""},
    {"label_frequency", "1", "fraction of trajectories that ended at each label", "", "", ""},
    {"label_posterior", "1", "posterior probability of each label given the cue, the expected frequency",
     "Ambrogioni 2024 Eq. 11-12", "", ""},
    {"path_trajectory", "1", "trajectory whose path is recorded (0-based)", "", "", ""},
    {"path_time", "1", "diffusion time t of the recorded path point (the process's own time)", "", "", ""},
    {"path", "1", "state x(t) along the recorded trajectories", "Ambrogioni 2024 Eq. 7 (reverse SDE)", "", ""},
    {"path_energy", "1",
     "energy along the recorded trajectories: u(x, t) = -sigma^2 log p_t(x) (hopfield: u_MH(x, beta))",
     "Ambrogioni 2024 Eq. 11-12 (Eq. 5)", "", ""},
    {"landscape/x", "1", "coordinate 1 of the plane (the others 0)", "", "", ""},
    {"landscape/y", "1", "coordinate 2 of the plane (the others 0)", "", "", ""},
    {"landscape/energy", "1", "energy u(x, t) = -sigma^2 log p_t(x) on the plane", "Ambrogioni 2024 Eq. 11-12",
     "", ""},
    {"landscape/log_density", "1", "log density log p_t(x) of the noised memory, on the plane",
     "Ambrogioni 2024 Eq. 8", "", ""},
    {"landscape/score_x", "1", "score d log p_t / dx_1 on the plane", "Ambrogioni 2024 Eq. 7", "", ""},
    {"landscape/score_y", "1", "score d log p_t / dx_2 on the plane", "Ambrogioni 2024 Eq. 7", "", ""},
    // --- free-recall runs (runs/rNNNN of kind = "free_recall", docs/free_recall.md): the psifr table
    {"events/event", "1", "event number (1-based, in list order; one row per study or recall event)", "", "", ""},
    {"events/subject", "1", "simulated subject (1-based)", "", "", ""},
    {"events/list", "1", "list number within the subject (1-based)", "", "", ""},
    {"events/position", "1", "serial position (study events) or output position (recall events), 1-based", "", "",
     ""},
    {"events/trial_type", "1", "kind of event", "", "0 1", "study recall"},
    {"events/item", "1", "pool item studied or recalled (1-based; a recalled item not on the list is an intrusion)",
     "", "", ""},
    {"item", "1", "pool item (1-based)", "", "", ""},
    {"item_category", "1", "semantic category of the pool item (0-based; -1: no categories)", "", "", ""},
    {"serial_position", "1", "serial position in the studied list (1-based)", "", "", ""},
    {"spc", "1", "serial-position curve: fraction of lists in which the item studied at this position was recalled",
     "Murdock 1962", "", ""},
    {"pfr", "1", "probability of first recall: fraction of lists whose first recall is the item studied here", "",
     "", ""},
    {"lag", "1", "lag j - i between the serial positions of consecutive recalls", "", "", ""},
    {"lag_crp", "1", "lag-conditional response probability actual / possible (NaN where nothing was possible)",
     "Kahana 1996", "", ""},
    {"lag_crp_actual", "1", "transitions made at this lag", "Kahana 1996", "", ""},
    {"lag_crp_possible", "1", "transitions that were possible at this lag (to items not yet recalled)", "Kahana 1996",
     "", ""},
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

void set_flag_values(hid_t dset, const char* values) {
  std::vector<std::int64_t> v;
  std::istringstream in(values);
  for (std::int64_t x; in >> x;) v.push_back(x);
  const hsize_t n = v.size();
  // CF: flag_values has the variable's type.
  h5::Handle type(H5Dget_type(dset), H5Tclose);
  h5::Handle native(H5Tget_native_type(type.id(), H5T_DIR_DEFAULT), H5Tclose);
  h5::Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  h5::Handle a(H5Acreate2(dset, "flag_values", native.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!a || H5Awrite(a.id(), H5T_NATIVE_INT64, v.data()) < 0) throw h5::Error("write attr flag_values");
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

void describe_variables(hid_t file) {
  h5::for_each_dataset(file, [](const std::string& path, hid_t d) {
    const VariableInfo* v = find_variable(path);
    if (!v) throw std::logic_error("describe_variables: no description of the variable " + path);
    for (const char* a : {"units", "long_name", "equation", "flag_values", "flag_meanings"})
      if (h5::has_attr(d, a)) H5Adelete(d, a);  // a file written again (sweep checkpoints) or copied
    h5::set_attr(d, "units", std::string(v->units));
    h5::set_attr(d, "long_name", std::string(v->long_name));
    if (*v->equation) h5::set_attr(d, "equation", std::string(v->equation));
    if (*v->flag_values) {
      set_flag_values(d, v->flag_values);
      h5::set_attr(d, "flag_meanings", std::string(v->flag_meanings));
    }
  });
}

}  // namespace seqmem
