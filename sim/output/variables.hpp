// What every variable of seqmem's files means: one catalogue of units, long names and the equation
// a variable implements, applied to a whole file before it is closed (docs/output.md lists it).
// Units follow the CF conventions' rules (CF-1.10 §3.1): "1" for dimensionless quantities, "T_f"
// for GSEMM time (time is measured in units of the feature time constant), "s" for wall-clock time.
// Boolean variables are 32-bit integers 0/1 with CF flag_values/flag_meanings; coded integers
// (outcomes, stop reasons) carry flag_values/flag_meanings too.
#pragma once

#include <hdf5.h>

#include <string>

namespace seqmem {

// The catalogue entry of a variable: `path` is its path in the file ("runs/r0000/overlaps"); an
// entry for "<parent group>/<name>" wins over one for "<name>" (e.g. "surface/energy"; a run group
// r0000 is no entry). Null when the catalogue lacks it.
struct VariableInfo {
  const char* name;       // "name" or "group/name"
  const char* units;
  const char* long_name;
  const char* equation;   // "GSEMM Eq. 4", "Ambrogioni 2024 Eq. 8" or ""
  const char* flag_values;    // "0 1" for booleans and codes, "" otherwise
  const char* flag_meanings;  // CF: blank-separated words, one per flag value
};
const VariableInfo* find_variable(const std::string& path);

// Sets units, long_name (and equation, flag_values, flag_meanings where the catalogue has them) on
// every dataset of the file. Throws std::logic_error naming a dataset the catalogue lacks (a writer
// that adds a variable must describe it; tests/test_netcdf.py writes every kind of file).
void describe_variables(hid_t file);

}  // namespace seqmem
