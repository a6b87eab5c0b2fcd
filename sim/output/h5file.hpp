// A thin RAII layer over the HDF5 C API (and its dimension-scale API, H5DS): files, groups,
// attributes, fixed datasets and row-appendable datasets (chunked, shuffled, deflated).
// The serial HDF5 library is not thread-safe: every call here holds one process-wide lock.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace seqmem::h5 {

std::mutex& lock();
void init();  // once per process before any HDF5 call (lock() and the file functions call it)

// A failed HDF5 call; the message carries HDF5's error stack (e.g. the sec2 driver's errno text).
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
std::string error_stack();

// An owned hid_t closed with the matching H5?close.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t));
  Handle(Handle&& o) noexcept;
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  hid_t release() {  // gives up ownership without closing
    const hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

using Scalar = std::variant<std::int64_t, double, bool, std::string>;

Handle create_file(const std::string& path);  // truncates; throws Error
// Closes a file with its status checked (a full disk shows here); throws Error.
void close_file(Handle& f);
Handle open_file_readonly(const std::string& path);
// Opens an existing file that a command reads (events, --resume, merge), telling apart what can
// stop it: missing, a directory, permission denied, locked by another process (HDF5's file lock:
// open for writing elsewhere), not HDF5, truncated. Throws InputError "PATH: WHY: ..." (`why`
// names the purpose, e.g. "--resume"; empty: none).
Handle open_input(const std::string& path, const std::string& why = "");
Handle create_group(hid_t loc, const std::string& name);
void set_attr(hid_t obj, const std::string& name, const Scalar& v);
void set_attr(hid_t obj, const std::string& name, const std::vector<double>& v);
void set_attr(hid_t obj, const std::string& name, const std::vector<std::int64_t>& v);
void set_attr(hid_t obj, const std::string& name, const std::vector<std::string>& v);  // netCDF NC_STRING array

// Calls f(path, dataset) for every dataset below loc (paths relative to loc, e.g.
// "runs/r0000/fixed_points/V_f"), in name order.
void for_each_dataset(hid_t loc, const std::function<void(const std::string&, hid_t)>& f);

// A fixed-size row-major dataset of doubles or int32, compressed when larger than a few KiB, in
// chunks of whole rows of at most 4 MiB (one chunk when it fits).
Handle write_dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                     const double* data);
Handle write_dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                     const int* data);
Handle write_dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                     const std::int64_t* data);
void write_string(hid_t loc, const std::string& name, const std::string& s);

// A deep copy of the group src_loc/src_name as dst_loc/dst_name: datasets copied raw (H5Ocopy,
// chunks and filters kept), attributes, sub-groups, and dimension scales attached again by name
// (HDF5's references cannot be copied between files). Members in name order: the bytes of the
// copy do not depend on the order the source was written in.
void copy_group(hid_t src_loc, const std::string& src_name, hid_t dst_loc, const std::string& dst_name);

// A 1-D int dataset `name` holding from, from + 1, ..., from + n - 1, made the dimension scale
// (coordinate) of the dimension of that name.
Handle write_index_scale(hid_t loc, const std::string& name, int from, hsize_t n);

// Make `scale` a dimension scale named `dim` and attach it to dimension `idx` of `dset`.
void make_scale(hid_t scale, const std::string& dim);
void attach_scale(hid_t dset, hid_t scale, unsigned idx);

// A dataset that grows along its first dimension: shape (rows, cols...) with rows unlimited.
class Appendable {
 public:
  Appendable() = default;
  Appendable(hid_t loc, const std::string& name, std::vector<hsize_t> row_shape, hsize_t chunk_rows,
             hid_t type = H5T_NATIVE_DOUBLE);
  void append(const void* rows, hsize_t n);  // n rows of the memory type
  hsize_t rows() const { return rows_; }
  hid_t id() const { return dset_.id(); }

 private:
  Handle dset_;
  hid_t type_ = -1;
  std::vector<hsize_t> row_shape_;
  hsize_t rows_ = 0;
};

// Reads a 1-D dataset of numbers as doubles; a string attribute (empty if absent).
std::vector<double> read_vector(hid_t loc, const std::string& name);
std::vector<std::int64_t> read_vector_i64(hid_t loc, const std::string& name);
// Rows [start, start + count) of a 1-D dataset of numbers (fewer at its end; none past it).
std::vector<std::int64_t> read_rows_i64(hid_t loc, const std::string& name, hsize_t start, hsize_t count);
std::string read_string_attr(hid_t obj, const std::string& name);
bool has_attr(hid_t obj, const std::string& name);
std::int64_t read_int_attr(hid_t obj, const std::string& name);  // an integer (or bool) attribute; Error if missing

// Reads a dataset of numbers of any rank into row-major doubles; returns its shape.
std::vector<hsize_t> read_array(const std::string& path, const std::string& dataset, std::vector<double>& out);
// Reads a 2-D dataset of numbers into row-major doubles; returns its (rows, cols).
std::pair<hsize_t, hsize_t> read_matrix(const std::string& path, const std::string& dataset,
                                        std::vector<double>& out);

}  // namespace seqmem::h5
