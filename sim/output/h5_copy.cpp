// Copying a group between HDF5 files with its attributes and dimension scales (merge, resume):
// h5::copy_group (h5file.hpp).
#include <hdf5_hl.h>

#include <string>
#include <vector>

#include "sim/output/h5_checks.hpp"
#include "sim/output/h5file.hpp"

namespace seqmem::h5 {
namespace {

bool dimension_scale_attr(const char* name) {
  const std::string n(name);
  return n == "CLASS" || n == "NAME" || n == "REFERENCE_LIST" || n == "DIMENSION_LIST";
}

// Copies the attributes of one object to another, except the ones the dimension-scale API manages.
void copy_attributes(hid_t src, hid_t dst) {
  hsize_t idx = 0;
  H5Aiterate2(
      src, H5_INDEX_NAME, H5_ITER_INC, &idx,
      [](hid_t obj, const char* name, const H5A_info_t*, void* data) -> herr_t {
        if (dimension_scale_attr(name)) return 0;
        const hid_t to = *static_cast<hid_t*>(data);
        Handle a(valid(H5Aopen(obj, name, H5P_DEFAULT), std::string("open attr ") + name), H5Aclose);
        Handle ftype(H5Aget_type(a.id()), H5Tclose);
        Handle space(H5Aget_space(a.id()), H5Sclose);
        const hssize_t n = H5Sget_simple_extent_npoints(space.id());
        Handle b(valid(H5Acreate2(to, name, ftype.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
                       std::string("create attr ") + name),
                 H5Aclose);
        if (H5Tis_variable_str(ftype.id()) > 0) {
          std::vector<char*> p(static_cast<std::size_t>(std::max<hssize_t>(n, 1)), nullptr);
          check(H5Aread(a.id(), ftype.id(), p.data()), "read attr");
          const herr_t w = H5Awrite(b.id(), ftype.id(), p.data());
          H5Dvlen_reclaim(ftype.id(), space.id(), H5P_DEFAULT, p.data());
          check(w, "write attr");
        } else {
          Handle mtype(H5Tget_native_type(ftype.id(), H5T_DIR_DEFAULT), H5Tclose);
          std::vector<unsigned char> buf(H5Tget_size(mtype.id()) * static_cast<std::size_t>(std::max<hssize_t>(n, 1)));
          check(H5Aread(a.id(), mtype.id(), buf.data()), "read attr");
          check(H5Awrite(b.id(), mtype.id(), buf.data()), "write attr");
        }
        return 0;
      },
      &dst);
}

std::vector<std::string> link_names(hid_t group) {
  std::vector<std::string> names;
  hsize_t idx = 0;
  H5Literate(
      group, H5_INDEX_NAME, H5_ITER_INC, &idx,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  return names;
}

std::string object_path(hid_t id) {
  char path[2048] = {0};
  H5Iget_name(id, path, sizeof path);
  return path;
}

// Pass 1: the objects and their attributes, raw; pass 2: the dimension scales marked; pass 3: the
// scales attached again (HDF5's references cannot be copied between files). A scale at
// src_root/x/y is dst_root/x/y in the copy (a sub-group's datasets may use its parent's scales).
enum class Pass { objects, scales, attach };

void copy_members(hid_t src, hid_t dst, const std::string& src_root, hid_t dst_root, Pass pass) {
  const auto names = link_names(src);
  Handle cp(H5Pcreate(H5P_OBJECT_COPY), H5Pclose);
  H5Pset_copy_object(cp.id(), H5O_COPY_WITHOUT_ATTR_FLAG);
  for (const auto& n : names) {
    H5O_info_t info;
    check(H5Oget_info_by_name2(src, n.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT), "object info " + n);
    if (info.type == H5O_TYPE_GROUP) {
      Handle s(valid(H5Gopen2(src, n.c_str(), H5P_DEFAULT), "open " + n), H5Gclose);
      Handle d = pass == Pass::objects ? create_group(dst, n)
                                       : Handle(valid(H5Gopen2(dst, n.c_str(), H5P_DEFAULT), "open " + n), H5Gclose);
      copy_members(s.id(), d.id(), src_root, dst_root, pass);
      if (pass == Pass::objects) copy_attributes(s.id(), d.id());
      continue;
    }
    if (info.type != H5O_TYPE_DATASET) continue;
    if (pass == Pass::objects) check(H5Ocopy(src, n.c_str(), dst, n.c_str(), cp.id(), H5P_DEFAULT), "copy " + n);
    Handle s(valid(H5Dopen2(src, n.c_str(), H5P_DEFAULT), "open " + n), H5Dclose);
    Handle d(valid(H5Dopen2(dst, n.c_str(), H5P_DEFAULT), "open " + n), H5Dclose);
    const bool scale = H5DSis_scale(s.id()) > 0;
    if (pass == Pass::objects) {
      copy_attributes(s.id(), d.id());
    } else if (pass == Pass::scales) {
      if (scale) {
        char name[256] = {0};
        H5DSget_scale_name(s.id(), name, sizeof name);
        make_scale(d.id(), name);
      }
    } else if (!scale) {
      Handle space(H5Dget_space(s.id()), H5Sclose);
      const int rank = H5Sget_simple_extent_ndims(space.id());
      for (int dim = 0; dim < rank; ++dim) {
        std::vector<std::string> scales;  // absolute paths in the source file
        H5DSiterate_scales(
            s.id(), static_cast<unsigned>(dim), nullptr,
            [](hid_t, unsigned, hid_t sc, void* data) -> herr_t {
              static_cast<std::vector<std::string>*>(data)->push_back(object_path(sc));
              return 0;
            },
            &scales);
        for (const auto& sp : scales) {
          if (sp.compare(0, src_root.size() + 1, src_root + "/") != 0)
            throw Error("HDF5: copy: scale " + sp + " lies outside the copied group " + src_root);
          const std::string rel = sp.substr(src_root.size() + 1);
          Handle sd(valid(H5Dopen2(dst_root, rel.c_str(), H5P_DEFAULT), "open scale " + rel), H5Dclose);
          attach_scale(d.id(), sd.id(), static_cast<unsigned>(dim));
        }
      }
    }
  }
}

}  // namespace

void copy_group(hid_t src_loc, const std::string& src_name, hid_t dst_loc, const std::string& dst_name) {
  Handle s(valid(H5Gopen2(src_loc, src_name.c_str(), H5P_DEFAULT), "open " + src_name), H5Gclose);
  Handle d = create_group(dst_loc, dst_name);
  const std::string root = object_path(s.id());
  for (Pass p : {Pass::objects, Pass::scales, Pass::attach}) copy_members(s.id(), d.id(), root, d.id(), p);
  copy_attributes(s.id(), d.id());
}

}  // namespace seqmem::h5
