// What every variable of seqmem's files is and means, declared once: its dimensions, type, units,
// long name and the equation it implements. Applied to a whole file before it is closed, after a
// check that every dataset was written as declared; docs/output.md's tables are generated from it.
// Units follow the CF conventions' rules (CF-1.10 §3.1): "1" for dimensionless quantities, "T_f"
// for GSEMM time (time is measured in units of the feature time constant), "s" for wall-clock time.
// Boolean variables are 32-bit integers 0/1 with CF flag_values/flag_meanings; coded integers
// (outcomes, stop reasons) carry flag_values/flag_meanings too.
#pragma once

#include <hdf5.h>

#include <string>
#include <vector>

namespace seqmem {

// How a variable is stored: IEEE double, 32-bit or 64-bit signed integer (little-endian).
enum class Stored { f64, i32, i64 };

// The catalogue entry of a variable: `path` is its path in the file ("runs/r0000/overlaps"); an
// entry for "<parent group>/<name>" wins over one for "<name>" (e.g. "surface/energy"; a run group
// r0000 is no entry). Null when the catalogue lacks it.
struct VariableInfo {
  const char* name;       // "name" or "group/name"
  // Its dimensions, outermost first, blank-separated: the names of coordinate variables (dimension
  // scales) of its own group; a coordinate variable names itself. "[d] e": d may be absent (one cue
  // shared by every trajectory: (dim)); "*": the row dimension of the table holding the column
  // (config, degree, seed and N are columns of several tables).
  const char* dims;
  Stored type;
  const char* units;
  const char* long_name;
  const char* equation;   // "GSEMM Eq. 4", "Ambrogioni 2024 Eq. 8" or ""
  const char* flag_values;    // "0 1" for booleans and codes, "" otherwise
  const char* flag_meanings;  // CF: blank-separated words, one per flag value
  const char* tables;         // the tables of docs/output.md that list it (blank-separated ids)
  const char* doc;            // its meaning in those tables (Markdown)
};
const VariableInfo* find_variable(const std::string& path);

// The name a variable has in its group ("energy" for "surface/energy").
std::string variable_name(const VariableInfo& v);
// The blank-separated words of `text` (a form of VariableInfo::dims, or its tables), in order.
std::vector<std::string> words(const std::string& text);
// Whether docs/output.md's table `table` lists the variable (VariableInfo::tables).
bool in_table(const VariableInfo& v, const std::string& table);
// The dimensions `dims` (VariableInfo::dims) allows, blank-separated: "[trajectory] dim" allows
// "trajectory dim" and "dim"; "*" stays "*" (the row dimension of the table holding the column).
std::vector<std::string> dims_allowed(const std::string& dims);

// The row dimension of a table of columns (a sweep file's `evaluations`, `capacity`, `baseline`,
// `baseline_summary`): its one coordinate variable in the catalogue ("evaluation", "pair", ...),
// the dimension "*" stands for. Throws std::logic_error when the table has none or several.
std::string row_dimension(const std::string& table);

// Attaches to `dataset` the dimension scales its catalogue entry declares, each the dataset of that
// dimension's name in the dataset's own group (made a scale before, h5::make_scale): the writers
// say what they write, the catalogue along which dimensions. A dataset of rank r takes the form of
// the declared dimensions with r names ("[trajectory] dim": (dim) or (trajectory, dim)); "*" is the
// row dimension of the table (row_dimension) its group is. Throws std::logic_error naming the
// dataset when the catalogue lacks it or declares another rank, or a scale is missing; h5::Error
// when HDF5 fails.
void attach_dimensions(hid_t dataset);

// Every entry of the catalogue, in its order (that of docs/output.md's tables).
struct CatalogueView {
  const VariableInfo *first, *last;
  const VariableInfo* begin() const { return first; }
  const VariableInfo* end() const { return last; }
};
CatalogueView catalogue();

// Sets units, long_name (and equation, flag_values, flag_meanings where the catalogue has them) on
// every dataset of the file, after checking that the writer stored it as the catalogue declares:
// its type and its dimensions (the dimension scales attached). Throws std::logic_error naming a
// dataset the catalogue lacks or one stored otherwise (tests/test_netcdf.py and
// tests/test_digests.py write every kind of file, so a writer and the catalogue cannot disagree).
void describe_variables(hid_t file);

// The variable tables of docs/output.md, generated from the catalogue: for each table (run,
// fixed_points, surface, diffusion, landscape, free_recall, events, evaluations, capacity,
// baseline, baseline_summary) a line "<!-- variables: ID -->" and the Markdown table, its rows in
// catalogue order (`seqmem variables`; `tests/test_docs.py --write` puts them into docs/output.md).
std::string variables_markdown();

}  // namespace seqmem
