#include "sim/output/variables.hpp"

#include <hdf5_hl.h>

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
    {"time", "time", Stored::f64, "T_f", "time of the sample", "", "", ""},
    {"state_time", "state_time", Stored::f64, "T_f", "time of the recorded state", "", "", ""},
    {"memory", "memory", Stored::i32, "1", "memory label mu (1-based, the paper's xi_mu)", "", "", ""},
    {"neuron", "neuron", Stored::i32, "1", "feature neuron index i (1-based)", "", "", ""},
    {"visit", "visit", Stored::i32, "1", "visit number (1-based, in time order)", "", "", ""},
    {"Phi_entry", "Phi_entry", Stored::i32, "1", "nonzero entry of Phi (1-based)", "", "", ""},
    // memories and episodes
    {"Xi", "neuron memory", Stored::f64, "1", "memories Xi (column mu is the pattern xi_mu)", "GSEMM Eq. 1", "", ""},
    {"Phi_from", "Phi_entry", Stored::i32, "1", "memory label of the transition's source (row of Phi)", "GSEMM Eq. 1", "", ""},
    {"Phi_to", "Phi_entry", Stored::i32, "1", "memory label of the transition's target (column of Phi)", "GSEMM Eq. 1", "", ""},
    {"Phi_value", "Phi_entry", Stored::f64, "1", "weight Phi(Phi_from, Phi_to) of the transition", "GSEMM Eq. 1", "", ""},
    // trajectories
    {"overlaps", "time memory", Stored::f64, "1", "overlap m_mu = xi_mu . sigma_f(V_f) / N_f of the feature state with memory mu",
     "GSEMM Appendix B", "", ""},
    {"energy", "time", Stored::f64, "1", "energy E of the network", "GSEMM Eq. 4 (Eq. 13 for the dense model)", "", ""},
    {"F", "time", Stored::f64, "1/T_f", "fast part F of the energy's rate dE/dt = F + G (<= 0)", "GSEMM Eq. 5-7", "", ""},
    {"G", "time", Stored::f64, "1/T_f", "slow part G of the energy's rate dE/dt = F + G, through the delay signal", "GSEMM Eq. 8", "", ""},
    {"V_f", "state_time neuron", Stored::f64, "1", "feature-layer currents V_f", "GSEMM Eq. 1", "", ""},
    {"V_h", "state_time memory", Stored::f64, "1", "hidden-layer currents V_h", "GSEMM Eq. 1", "", ""},
    {"V_d", "state_time neuron", Stored::f64, "1", "delayed feature signal V_d", "GSEMM Eq. 1-2", "", ""},
    {"visit_memory", "visit", Stored::i32, "1", "memory label of the visit (overlap above the threshold)", "", "", ""},
    {"visit_time", "visit", Stored::f64, "T_f", "time the visit began (the overlap crossed the threshold)", "", "", ""},
    // --- fixed points (runs/rNNNN/fixed_points, Figure 2)
    {"fixed_points/fp_time", "fp_time", Stored::f64, "T_f", "time of the analysed state", "", "", ""},
    {"fixed_points/memory", "memory", Stored::i32, "1", "memory label mu (1-based)", "", "", ""},
    {"fixed_points/neuron", "neuron", Stored::i32, "1", "feature neuron index i (1-based)", "", "", ""},
    {"fixed_points/V_f", "fp_time neuron", Stored::f64, "1", "feature currents V_f of the analysed state", "GSEMM Eq. 1", "", ""},
    {"fixed_points/V_d", "fp_time neuron", Stored::f64, "1", "delay signal V_d of the analysed state (frozen for the search)", "GSEMM Eq. 1", "", ""},
    {"state_V_f", "fp_time neuron", Stored::f64, "1", "fixed point of the feature dynamics at frozen V_d, from the current state", "GSEMM Eq. 10",
     "", ""},
    {"state_overlaps", "fp_time memory", Stored::f64, "1", "overlaps of the fixed point found from the current state", "GSEMM Appendix B", "", ""},
    {"state_energy", "fp_time", Stored::f64, "1", "energy E(V_f; V_d) of the fixed point found from the current state", "GSEMM Eq. 13", "",
     ""},
    {"state_n_unstable", "fp_time", Stored::i32, "1", "number of eigenvalues of the Jacobian with positive real part at the fixed point", "",
     "", ""},
    {"state_converged", "fp_time", Stored::i32, "1", "the search from the current state converged to a fixed point", "", kBool, kFalseTrue},
    {"state_residual", "fp_time", Stored::f64, "1/T_f", "norm of dV_f/dt at the point found from the current state", "GSEMM Eq. 10", "", ""},
    {"state_max_eigenvalue", "fp_time", Stored::f64, "1/T_f", "largest real part of the Jacobian's eigenvalues at the fixed point", "", "",
     ""},
    {"state_distance", "fp_time", Stored::f64, "1", "Euclidean distance from the current V_f to the fixed point found from it", "", "", ""},
    {"memory_energy", "fp_time memory", Stored::f64, "1", "energy E(V_f; V_d) of the fixed point found from memory mu", "GSEMM Eq. 13", "", ""},
    {"memory_overlap", "fp_time memory", Stored::f64, "1", "overlap with memory mu of the fixed point found from memory mu", "GSEMM Appendix B", "",
     ""},
    {"memory_nearest", "fp_time memory", Stored::i32, "1", "memory label with the largest overlap at the fixed point found from memory mu", "", "",
     ""},
    {"memory_n_unstable", "fp_time memory", Stored::i32, "1", "number of unstable directions of the fixed point found from memory mu", "", "", ""},
    {"memory_converged", "fp_time memory", Stored::i32, "1", "the search from memory mu converged to a fixed point", "", kBool, kFalseTrue},
    {"memory_V_f", "fp_time memory neuron", Stored::f64, "1", "feature currents of the fixed point found from memory mu", "GSEMM Eq. 10", "", ""},
    // energy surfaces (runs/rNNNN/fixed_points/surface, Figure 2A)
    {"surface/slice_time", "slice_time", Stored::f64, "T_f", "time of the energy slice (V_d frozen at its value then)", "", "", ""},
    {"surface/fp_time", "fp_time", Stored::f64, "T_f", "time of the analysed state", "", "", ""},
    {"surface/neuron", "neuron", Stored::i32, "1", "feature neuron index i (1-based)", "", "", ""},
    {"surface/plane", "plane", Stored::i32, "1", "axis of the plane (1: basis row 1, 2: basis row 2)", "", "", ""},
    {"surface/a", "a", Stored::f64, "1", "coordinate along the plane's first basis vector", "", "", ""},
    {"surface/b", "b", Stored::f64, "1", "coordinate along the plane's second basis vector", "", "", ""},
    {"surface/energy", "slice_time a b", Stored::f64, "1", "energy E(V_f; V_d) on the plane V_f = a e_1 + b e_2", "GSEMM Eq. 13", "", ""},
    {"surface/basis", "plane neuron", Stored::f64, "1", "orthonormal basis vectors e_1, e_2 of the plane in V_f space", "", "", ""},
    {"surface/trajectory", "fp_time plane", Stored::f64, "1", "the trajectory's V_f projected on the plane (a, b)", "", "", ""},
    // --- a capacity sweep (/evaluations, /capacity)
    {"evaluation", "evaluation", Stored::i32, "1", "evaluation number (1-based; rows sorted by config, degree, seed, K, alpha_c)", "", "", ""},
    {"config", "*", Stored::i32, "1", "configuration (the [runs] grid point, group configs/rNNNN; 0-based)", "", "", ""},
    {"degree", "*", Stored::i32, "1", "polynomial degree n of sigma_h(x) = x^n", "GSEMM Eq. 3", "", ""},
    {"seed", "*", Stored::i64, "1", "seed of the random memories", "", "", ""},
    {"K", "evaluation", Stored::i32, "1", "number of memories K (= N_h), stored as one cycle", "", "", ""},
    {"alpha_c", "evaluation", Stored::f64, "1", "coupling alpha_c of the delay signal through Phi", "GSEMM Eq. 1", "", ""},
    {"success", "evaluation", Stored::i32, "1", "the cycle was retrieved in order cycles_required times with no wrong visit", "", kBool,
     kFalseTrue},
    {"outcome", "evaluation", Stored::i32, "1", "how the evaluation ended", "", "0 1 2 3 4 5",
     "success wrong stalled horizon diverged censored"},
    {"cycles", "evaluation", Stored::i32, "1", "complete cycles retrieved in order", "", "", ""},
    {"visits", "evaluation", Stored::i32, "1", "number of visits", "", "", ""},
    {"dwell", "evaluation", Stored::f64, "T_f", "median time between successive visits (NaN: fewer than 2 visits)", "", "", ""},
    {"t_first_error", "evaluation", Stored::f64, "T_f", "time of the first wrong visit (NaN: none)", "", "", ""},
    {"t_stop", "evaluation", Stored::f64, "T_f", "time the evaluation stopped", "", "", ""},
    {"solver_steps", "evaluation", Stored::i64, "1", "integrator steps taken", "", "", ""},
    {"solver_rhs_evals", "evaluation", Stored::i64, "1", "right-hand side evaluations", "", "", ""},
    {"fell_back", "evaluation", Stored::i32, "1", "the event-driven engine handed the run to RK4 (fallback_rk4)", "", kBool, kFalseTrue},
    {"wall_time_s", "evaluation", Stored::f64, "s", "wall-clock time of the evaluation", "", "", ""},
    {"pair", "pair", Stored::i32, "1", "one capacity search: a (config, degree, seed[, alpha_c]) (1-based)", "", "", ""},
    {"capacity/alpha_c", "pair", Stored::f64, "1", "the alpha_c of this capacity search (capacity_per_alpha_c)", "GSEMM Eq. 1", "", ""},
    {"capacity/capacity", "pair", Stored::i32, "1", "capacity: the largest K that succeeded (a lower bound when censored)", "", "", ""},
    {"censored", "pair", Stored::i32, "1", "the capacity is a lower bound (stop is K_max or censored)", "", kBool, kFalseTrue},
    {"K_largest_tried", "pair", Stored::i32, "1", "largest K evaluated", "", "", ""},
    {"stop", "pair", Stored::i32, "1", "why the search stopped", "", "0 1 2", "failure K_max censored"},
    // --- classical baselines (/baseline, /baseline_summary)
    {"trial_row", "trial_row", Stored::i32, "1", "row of the per-trial table (1-based)", "", "", ""},
    {"setting", "setting", Stored::i32, "1", "(config, N, degree) setting (1-based)", "", "", ""},
    {"baseline/degree", "trial_row", Stored::i32, "1", "degree n of the dense associative memory F(x) = x^n (2 for the Hopfield network)", "", "", ""},
    {"baseline_summary/degree", "setting", Stored::i32, "1", "degree n of the dense associative memory F(x) = x^n (2 for the Hopfield network)", "", "",
     ""},
    {"N", "*", Stored::i32, "1", "number of neurons N", "", "", ""},
    {"trial", "trial_row", Stored::i32, "1", "trial (independent pattern set; 0-based)", "", "", ""},
    {"baseline/capacity", "trial_row", Stored::i32, "1", "largest number of patterns P that met the criterion in this trial", "", "", ""},
    {"mean", "setting", Stored::f64, "1", "mean capacity over the trials (patterns)", "", "", ""},
    {"std", "setting", Stored::f64, "1", "standard deviation of the capacity over the trials (patterns)", "", "", ""},
    {"mean_per_neuron", "setting", Stored::f64, "1", "mean capacity divided by N (the classical 0.138 for the Hopfield network)", "", "", ""},
    {"trials_at_P_max", "setting", Stored::i32, "1", "trials whose capacity reached P_max (lower bounds)", "", "", ""},
    // --- diffusion runs (runs/rNNNN of kind = "diffusion", Ambrogioni 2024)
    {"dim", "dim", Stored::i32, "1", "coordinate index of the state space (1-based)", "", "", ""},
    {"component", "component", Stored::i32, "1", "component of the Gaussian-mixture memory (0-based)", "", "", ""},
    {"trajectory", "trajectory", Stored::i32, "1", "trajectory (0-based)", "", "", ""},
    {"label", "label", Stored::i32, "1", "memory label (0: the semantic manifold, 1..N: the memories)", "", "", ""},
    {"rank", "rank", Stored::i32, "1", "direction of a component's low-rank covariance (1-based)", "", "", ""},
    {"means", "component dim", Stored::f64, "1", "mean y of each mixture component (the stored patterns)", "Ambrogioni 2024 Eq. 8, 23-25", "", ""},
    {"component_weight", "component", Stored::f64, "1", "prior weight of each mixture component", "Ambrogioni 2024 Eq. 8, 25", "", ""},
    {"component_label", "component", Stored::i32, "1", "memory label of each component (0: semantic manifold)", "", "", ""},
    {"component_rank", "component", Stored::i32, "1", "rank of each component's covariance (0: a point memory)", "Ambrogioni 2024 Eq. 23", "",
     ""},
    {"component_factor", "component dim rank", Stored::f64, "1", "covariance factor U sqrt(lambda) of each component (zero-padded)",
     "Ambrogioni 2024 Eq. 23", "", ""},
    {"cue", "[trajectory] dim", Stored::f64, "1", "start state x(t0) of each trajectory", "", "", ""},
    {"end_state", "trajectory dim", Stored::f64, "1", "state x at the end of the trajectory", "", "", ""},
    {"end_component", "trajectory", Stored::i32, "1", "mixture component with the largest posterior weight at the end", "", "", ""},
    {"end_memory", "trajectory", Stored::i32, "1",
     "memory label reached: 0 (manifold) or 1..N; -1 did not reach t_end (not finite, or the stepper gave up); -2 a "
     "mixture",
     "", "", ""},
    {"end_weight", "trajectory", Stored::f64, "1", "largest posterior (hopfield: softmax) weight of a memory label at the end", "", "", ""},
    {"end_weights", "trajectory label", Stored::f64, "1", "posterior (hopfield: softmax) weight of each memory label at the end",
     "Ambrogioni 2024 Eq. 11-12", "", ""},
    {"nearest", "trajectory", Stored::i32, "1", "mixture component whose mean is nearest to the end state (0-based, as component)", "", "",
     ""},
    {"distance", "trajectory", Stored::f64, "1", "Euclidean distance from the end state to the nearest component mean", "", "", ""},
    {"overlap", "trajectory", Stored::f64, "1", "projection of the end state on the nearest component mean, mu.x / |mu|^2 (1 at the mean)", "",
     "", ""},
    {"label_counts", "label", Stored::i32, "1", "number of trajectories that ended at each label", "", "", ""},
    {"label_frequency", "label", Stored::f64, "1", "fraction of trajectories that ended at each label", "", "", ""},
    {"label_posterior", "label", Stored::f64, "1", "posterior probability of each label given the cue, the expected frequency",
     "Ambrogioni 2024 Eq. 11-12", "", ""},
    {"path_trajectory", "path_trajectory", Stored::i32, "1", "trajectory whose path is recorded (0-based)", "", "", ""},
    {"path_time", "path_time", Stored::f64, "1", "diffusion time t of the recorded path point (the process's own time)", "", "", ""},
    {"path", "path_trajectory path_time dim", Stored::f64, "1", "state x(t) along the recorded trajectories", "Ambrogioni 2024 Eq. 7 (reverse SDE)", "", ""},
    {"path_energy", "path_trajectory path_time", Stored::f64, "1",
     "energy along the recorded trajectories: u(x, t) = -sigma^2 log p_t(x) (hopfield: u_MH(x, beta))",
     "Ambrogioni 2024 Eq. 11-12 (Eq. 5)", "", ""},
    {"landscape/x", "x", Stored::f64, "1", "coordinate 1 of the plane (the others 0)", "", "", ""},
    {"landscape/y", "y", Stored::f64, "1", "coordinate 2 of the plane (the others 0)", "", "", ""},
    {"landscape/energy", "y x", Stored::f64, "1", "energy u(x, t) = -sigma^2 log p_t(x) on the plane", "Ambrogioni 2024 Eq. 11-12",
     "", ""},
    {"landscape/log_density", "y x", Stored::f64, "1", "log density log p_t(x) of the noised memory, on the plane",
     "Ambrogioni 2024 Eq. 8", "", ""},
    {"landscape/score_x", "y x", Stored::f64, "1", "score d log p_t / dx_1 on the plane", "Ambrogioni 2024 Eq. 7", "", ""},
    {"landscape/score_y", "y x", Stored::f64, "1", "score d log p_t / dx_2 on the plane", "Ambrogioni 2024 Eq. 7", "", ""},
    // --- free-recall runs (runs/rNNNN of kind = "free_recall", docs/free_recall.md): the psifr table
    {"events/event", "event", Stored::i32, "1", "event number (1-based, in list order; one row per study or recall event)", "", "", ""},
    {"events/subject", "event", Stored::i32, "1", "simulated subject (1-based)", "", "", ""},
    {"events/list", "event", Stored::i32, "1", "list number within the subject (1-based)", "", "", ""},
    {"events/position", "event", Stored::i32, "1", "serial position (study events) or output position (recall events), 1-based", "", "",
     ""},
    {"events/trial_type", "event", Stored::i32, "1", "kind of event", "", "0 1", "study recall"},
    {"events/item", "event", Stored::i32, "1", "pool item studied or recalled (1-based; a recalled item not on the list is an intrusion)",
     "", "", ""},
    {"item", "item", Stored::i32, "1", "pool item (1-based)", "", "", ""},
    {"item_category", "item", Stored::i32, "1", "semantic category of the pool item (0-based; -1: no categories)", "", "", ""},
    {"serial_position", "serial_position", Stored::i32, "1", "serial position in the studied list (1-based)", "", "", ""},
    {"spc", "serial_position", Stored::f64, "1", "serial-position curve: fraction of lists in which the item studied at this position was recalled",
     "Murdock 1962", "", ""},
    {"pfr", "serial_position", Stored::f64, "1", "probability of first recall: fraction of lists whose first recall is the item studied here", "",
     "", ""},
    {"lag", "lag", Stored::i32, "1", "lag j - i between the serial positions of consecutive recalls", "", "", ""},
    {"lag_crp", "lag", Stored::f64, "1", "lag-conditional response probability actual / possible (NaN where nothing was possible)",
     "Kahana 1996", "", ""},
    {"lag_crp_actual", "lag", Stored::i64, "1", "transitions made at this lag", "Kahana 1996", "", ""},
    {"lag_crp_possible", "lag", Stored::i64, "1", "transitions that were possible at this lag (to items not yet recalled)", "Kahana 1996",
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

const char* stored_name(Stored t) { return t == Stored::f64 ? "f64" : t == Stored::i32 ? "i32" : "i64"; }

// The type of a dataset as the catalogue names it; "other" for any other.
std::string stored_type(hid_t dset) {
  h5::Handle type(H5Dget_type(dset), H5Tclose);
  const std::size_t size = H5Tget_size(type.id());
  switch (H5Tget_class(type.id())) {
    case H5T_FLOAT:
      return size == 8 ? "f64" : "other";
    case H5T_INTEGER:
      if (H5Tget_sign(type.id()) != H5T_SGN_2) return "other";
      return size == 4 ? "i32" : size == 8 ? "i64" : "other";
    default:
      return "other";
  }
}

herr_t scale_name(hid_t, unsigned, hid_t scale, void* out) {
  char buf[256] = {};
  H5DSget_scale_name(scale, buf, sizeof buf);
  *static_cast<std::string*>(out) = buf;
  return 1;  // the first scale attached
}

// The dimensions of a dataset, as blank-separated names: a dimension scale names itself, any
// other dataset the scales attached to each dimension ("?" for a dimension without one).
std::string dimension_names(hid_t dset) {
  char buf[256] = {};
  if (H5DSis_scale(dset) > 0) {
    H5DSget_scale_name(dset, buf, sizeof buf);
    return buf;
  }
  h5::Handle space(H5Dget_space(dset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::string out;
  for (int i = 0; i < rank; ++i) {
    std::string name = "?";
    H5DSiterate_scales(dset, static_cast<unsigned>(i), nullptr, scale_name, &name);
    out += (i ? " " : "") + name;
  }
  return out;
}

// Whether `actual` (dimension_names) is what `declared` (VariableInfo::dims) allows.
bool dims_match(const std::string& actual, const std::string& declared) {
  if (declared == "*") return !actual.empty() && actual.find(' ') == std::string::npos && actual != "?";
  if (declared.front() == '[') {
    const auto close = declared.find("] ");
    const std::string rest = declared.substr(close + 2);
    return actual == rest || actual == declared.substr(1, close - 1) + " " + rest;
  }
  return actual == declared;
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
    if (const std::string t = stored_type(d); t != stored_name(v->type))
      throw std::logic_error("describe_variables: " + path + " is stored as " + t + ", the catalogue declares " +
                             stored_name(v->type));
    if (const std::string dims = dimension_names(d); !dims_match(dims, v->dims))
      throw std::logic_error("describe_variables: " + path + " has the dimensions (" + dims +
                             "), the catalogue declares (" + v->dims + ")");
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
