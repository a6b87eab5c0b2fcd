// attach_dimensions (sim/output/variables.hpp): a variable's dimension scales, as the output
// catalogue declares them.
#include <hdf5_hl.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/output/h5file.hpp"
#include "sim/output/variables.hpp"

namespace seqmem {
namespace {

std::string object_path(hid_t id) {
  const ssize_t n = H5Iget_name(id, nullptr, 0);
  if (n <= 0) throw h5::Error("attach_dimensions: the dataset has no name");
  std::string path(static_cast<std::size_t>(n) + 1, '\0');
  H5Iget_name(id, path.data(), path.size());
  path.resize(static_cast<std::size_t>(n));
  return path;
}

}  // namespace

void attach_dimensions(hid_t dataset) {
  const std::string path = object_path(dataset);
  const VariableInfo* v = find_variable(path.substr(path.find_first_not_of('/')));
  if (!v) throw std::logic_error("attach_dimensions: no description of the variable " + path);
  h5::Handle space(H5Dget_space(dataset), H5Sclose);
  const auto rank = static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.id()));
  const std::string group = path.substr(0, path.rfind('/') + 1);
  std::vector<std::string> dims;
  for (const std::string& form : dims_allowed(v->dims))
    if (words(form).size() == rank)
      dims = form == "*" ? std::vector<std::string>{row_dimension(group.substr(1, group.size() - 2))} : words(form);
  if (dims.empty())
    throw std::logic_error("attach_dimensions: " + path + " has rank " + std::to_string(rank) +
                           ", the catalogue declares (" + v->dims + ")");
  h5::Handle file(H5Iget_file_id(dataset), H5Fclose);
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const std::string scale_path = group + dims[i];
    if (H5Lexists(file.id(), scale_path.c_str(), H5P_DEFAULT) <= 0)
      throw std::logic_error("attach_dimensions: " + path + " needs the dimension scale " + scale_path);
    h5::Handle scale(H5Dopen2(file.id(), scale_path.c_str(), H5P_DEFAULT), H5Dclose);
    h5::attach_scale(dataset, scale.id(), static_cast<unsigned>(i));
  }
}

}  // namespace seqmem
