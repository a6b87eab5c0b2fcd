// describe_variables (sim/output/variables.hpp): every dataset checked against the output catalogue
// and given its attributes.
#include <hdf5_hl.h>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/output/h5file.hpp"
#include "sim/output/variables.hpp"

namespace seqmem {
namespace {

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
  const std::vector<std::string> allowed = dims_allowed(declared);
  return std::find(allowed.begin(), allowed.end(), actual) != allowed.end();
}

}  // namespace

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
