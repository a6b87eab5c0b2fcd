#include "sim/output/h5file.hpp"

#include <algorithm>

#include <fcntl.h>
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sim/core/input_error.hpp"
#include "sim/output/h5_checks.hpp"

namespace seqmem::h5 {

void init() {
  // No atexit handler: every file is closed explicitly (RAII), and a handler that flushes a file
  // whose disk is full crashes at exit.
  static const bool done = (H5dont_atexit(), true);
  (void)done;
  // HDF5's own error printing off: failures surface as exceptions carrying the error stack
  // (error_stack()). Debian's HDF5 is thread-safe, and then the setting is per thread.
  thread_local const bool quiet = (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), true);
  (void)quiet;
}

std::mutex& lock() {
  static std::mutex m;
  init();
  return m;
}

std::string error_stack() {
  std::string out;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        auto& s = *static_cast<std::string*>(data);
        if (e->desc && *e->desc) s += (s.empty() ? "" : "; ") + std::string(e->desc);
        return 0;
      },
      &out);
  return out;
}

namespace {

// No creation times in object headers: the same scenario gives the same bytes.
Handle no_times(hid_t cls) {
  Handle p(H5Pcreate(cls), H5Pclose);
  H5Pset_obj_track_times(p.id(), false);
  return p;
}

// Chunked + shuffle + deflate for anything over 1024 elements; contiguous below.
Handle create_props(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk) {
  Handle dcpl = no_times(H5P_DATASET_CREATE);
  hsize_t n = 1;
  for (auto d : chunk) n *= d;
  if (!chunk.empty() && n >= 1) {
    check(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), "set_chunk");
    check(H5Pset_shuffle(dcpl.id()), "set_shuffle");
    check(H5Pset_deflate(dcpl.id(), 4), "set_deflate");
  }
  (void)dims;
  return dcpl;
}

constexpr hsize_t kChunkBytes = 4u << 20;

template <class T>
Handle write_fixed(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const T* data,
                   hid_t type) {
  Handle space(valid(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "space"),
               H5Sclose);
  hsize_t n = 1;
  for (auto d : dims) n *= d;
  // Compressed in one chunk up to kChunkBytes, else in chunks of whole rows of at most that size
  // (HDF5 holds a chunk and its compressed copy in memory while writing, and refuses chunks of
  // 4 GiB or more).
  std::vector<hsize_t> chunk;
  if (n > 1024) {
    chunk = dims;
    const hsize_t row = n / std::max<hsize_t>(dims[0], 1);
    chunk[0] = std::clamp<hsize_t>(kChunkBytes / (row * sizeof(T)), 1, std::max<hsize_t>(dims[0], 1));
  }
  Handle dcpl = create_props(dims, chunk);
  Handle d(valid(H5Dcreate2(loc, name.c_str(), type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                 "create " + name),
           H5Dclose);
  if (n > 0) check(H5Dwrite(d.id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write");
  return d;
}
}  // namespace

Handle::Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
Handle::Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    if (id_ >= 0 && close_) close_(id_);
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
  }
  return *this;
}
Handle::~Handle() {
  if (id_ >= 0 && close_) close_(id_);
}

Handle create_file(const std::string& path) {
  init();
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // Closing the file closes every object still open in it.
  H5Pset_fclose_degree(fapl.id(), H5F_CLOSE_STRONG);
  // 1.8 format or later: dense attribute storage, so the scenario text may exceed 64 KiB.
  H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  // A fixed 64 KiB metadata cache: the v1 B-tree nodes of the appendable datasets' chunk indices
  // otherwise accumulate in it (resident memory grew ~7 bytes per sample: 20 MB at t = 2e3 to
  // 33 MB at t = 1e5 on the Figure 1 network; flat at 17 MB with this and the one-chunk caches).
  H5AC_cache_config_t mdc;
  mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  check(H5Pget_mdc_config(fapl.id(), &mdc), "get_mdc_config");
  mdc.set_initial_size = true;
  mdc.initial_size = mdc.min_size = mdc.max_size = 64 * 1024;
  mdc.incr_mode = H5C_incr__off;
  mdc.flash_incr_mode = H5C_flash_incr__off;
  mdc.decr_mode = H5C_decr__off;
  check(H5Pset_mdc_config(fapl.id(), &mdc), "set_mdc_config");
  Handle fcpl = no_times(H5P_FILE_CREATE);  // the root group's header without creation times, too
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), fapl.id());
  if (f < 0) fail("cannot create HDF5 file '" + path + "'");
  return Handle(f, H5Fclose);
}

void close_file(Handle& f) {
  const hid_t id = f.release();
  if (id < 0) return;
  if (H5Fclose(id) < 0) fail("close");
}

Handle open_file_readonly(const std::string& path) {
  init();
  hid_t f = -1;
  H5E_BEGIN_TRY { f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT); }
  H5E_END_TRY;
  if (f < 0) throw std::runtime_error("cannot open '" + path + "' as HDF5");
  return Handle(f, H5Fclose);
}

Handle open_input(const std::string& path, const std::string& why) {
  init();
  const std::string at = why.empty() ? path : path + ": " + why;
  auto refuse = [&](const std::string& what) { throw InputError(at + ": " + what); };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    refuse(errno == ENOENT ? "no such file" : errno == EACCES ? "permission denied" : std::strerror(errno));
  if (S_ISDIR(st.st_mode)) refuse("is a directory, not an HDF5 file");
  if (!S_ISREG(st.st_mode)) refuse("not a regular file");
  {
    // The HDF5 signature at offset 0, 512, 1024, ... (after a user block)
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) refuse(errno == EACCES || errno == EPERM ? "permission denied" : std::strerror(errno));
    static const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    bool found = false;
    for (off_t at_byte = 0; !found && at_byte + 8 <= st.st_size; at_byte = at_byte == 0 ? 512 : 2 * at_byte) {
      unsigned char head[8] = {0};
      found = ::pread(fd, head, 8, at_byte) == 8 && std::memcmp(head, signature, 8) == 0;
    }
    ::close(fd);
    if (!found) refuse(st.st_size == 0 ? "an empty file, not HDF5" : "not an HDF5 file");
  }
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f >= 0) return Handle(f, H5Fclose);
  const std::string stack = error_stack();
  if (stack.find("unable to lock file") != std::string::npos)
    refuse("locked by another process that has it open for writing (HDF5 file locking); close it there or wait for "
           "that process to finish");
  if (stack.find("truncated file") != std::string::npos)
    refuse("truncated: the file is shorter than its HDF5 header says (a copy or a write that did not finish)");
  if (stack.find("errno = 13") != std::string::npos) refuse("permission denied");
  refuse("cannot be read as HDF5 (" + stack + ")");
  return {};
}

Handle create_group(hid_t loc, const std::string& name) {
  Handle gcpl = no_times(H5P_GROUP_CREATE);
  return Handle(valid(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT), "group " + name), H5Gclose);
}

void set_attr(hid_t obj, const std::string& name, const Scalar& v) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  auto put = [&](hid_t type, const void* data) {
    Handle a(valid(H5Acreate2(obj, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), "attr " + name),
             H5Aclose);
    check(H5Awrite(a.id(), type, data), "write attr");
  };
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    put(H5T_NATIVE_INT64, i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    put(H5T_NATIVE_DOUBLE, d);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    const std::int8_t x = *b ? 1 : 0;  // netCDF has no bool: int8 0/1
    put(H5T_NATIVE_INT8, &x);
  } else {
    // variable-length UTF-8: h5py reads str, not bytes
    const char* p = std::get<std::string>(v).c_str();
    Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(t.id(), H5T_VARIABLE);
    H5Tset_cset(t.id(), H5T_CSET_UTF8);
    put(t.id(), &p);
  }
}

namespace {
// A 1-D attribute of n values of `type`.
void set_array_attr(hid_t obj, const std::string& name, hid_t type, hsize_t n, const void* data) {
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle a(valid(H5Acreate2(obj, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), "attr " + name), H5Aclose);
  check(H5Awrite(a.id(), type, data), "write attr");
}
}  // namespace

void set_attr(hid_t obj, const std::string& name, const std::vector<double>& v) {
  set_array_attr(obj, name, H5T_NATIVE_DOUBLE, v.size(), v.data());
}

void set_attr(hid_t obj, const std::string& name, const std::vector<std::int64_t>& v) {
  set_array_attr(obj, name, H5T_NATIVE_INT64, v.size(), v.data());
}

void set_attr(hid_t obj, const std::string& name, const std::vector<std::string>& v) {
  std::vector<const char*> p;
  for (const auto& x : v) p.push_back(x.c_str());
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  set_array_attr(obj, name, t.id(), p.size(), p.data());
}

void for_each_dataset(hid_t loc, const std::function<void(const std::string&, hid_t)>& f) {
  std::vector<std::string> paths;
  auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(name);
    return 0;
  };
  check(H5Ovisit2(loc, H5_INDEX_NAME, H5_ITER_INC, visit, &paths, H5O_INFO_BASIC), "visit");
  for (const auto& p : paths) {
    Handle d(valid(H5Dopen2(loc, p.c_str(), H5P_DEFAULT), "open " + p), H5Dclose);
    f(p, d.id());
  }
}

Handle write_dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data) {
  return write_fixed(loc, name, dims, data, H5T_NATIVE_DOUBLE);
}
Handle write_dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const int* data) {
  return write_fixed(loc, name, dims, data, H5T_NATIVE_INT32);
}
Handle write_dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const std::int64_t* data) {
  return write_fixed(loc, name, dims, data, H5T_NATIVE_INT64);
}

void write_string(hid_t loc, const std::string& name, const std::string& s) {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle dcpl = no_times(H5P_DATASET_CREATE);
  Handle d(valid(H5Dcreate2(loc, name.c_str(), t.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT), name),
           H5Dclose);
  const char* p = s.c_str();
  check(H5Dwrite(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "write string");
}

Handle write_index_scale(hid_t loc, const std::string& name, int from, hsize_t n) {
  std::vector<int> v(n);
  for (hsize_t i = 0; i < n; ++i) v[i] = from + static_cast<int>(i);
  Handle s = write_dataset(loc, name, {n}, v.data());
  make_scale(s.id(), name);
  return s;
}

void make_scale(hid_t scale, const std::string& dim) { check(H5DSset_scale(scale, dim.c_str()), "set_scale"); }
void attach_scale(hid_t dset, hid_t scale, unsigned idx) { check(H5DSattach_scale(dset, scale, idx), "attach_scale"); }

Appendable::Appendable(hid_t loc, const std::string& name, std::vector<hsize_t> row_shape, hsize_t chunk_rows,
                       hid_t type)
    : type_(type), row_shape_(std::move(row_shape)) {
  std::vector<hsize_t> dims{0}, maxdims{H5S_UNLIMITED}, chunk{chunk_rows};
  for (auto d : row_shape_) {
    dims.push_back(d);
    maxdims.push_back(d);
    chunk.push_back(d == 0 ? 1 : d);
  }
  Handle space(valid(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()), "space"),
               H5Sclose);
  Handle dcpl = create_props(dims, chunk);
  // A chunk cache of one chunk: each chunk is written once, full (the default 1 MiB per dataset
  // keeps written chunks in memory).
  Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  hsize_t chunk_bytes = H5Tget_size(type);
  for (auto c : chunk) chunk_bytes *= c;
  check(H5Pset_chunk_cache(dapl.id(), 11, chunk_bytes, 1.0), "set_chunk_cache");
  dset_ = Handle(valid(H5Dcreate2(loc, name.c_str(), type, space.id(), H5P_DEFAULT, dcpl.id(), dapl.id()),
                       "create " + name),
                 H5Dclose);
}

void Appendable::append(const void* rows, hsize_t n) {
  if (n == 0) return;
  std::vector<hsize_t> dims{rows_ + n}, start{rows_}, count{n};
  for (auto d : row_shape_) {
    dims.push_back(d);
    start.push_back(0);
    count.push_back(d);
  }
  check(H5Dset_extent(dset_.id(), dims.data()), "set_extent");
  Handle fspace(H5Dget_space(dset_.id()), H5Sclose);
  check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "select");
  Handle mspace(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), H5Sclose);
  check(H5Dwrite(dset_.id(), type_, mspace.id(), fspace.id(), H5P_DEFAULT, rows), "append");
  rows_ += n;
}

namespace {
// Rows [start, start + count) of a 1-D dataset (count = -1: to the end, clipped to the end).
template <class T>
std::vector<T> read_1d(hid_t loc, const std::string& name, hid_t type, hsize_t start = 0,
                       hsize_t count = static_cast<hsize_t>(-1)) {
  hid_t d = -1;
  H5E_BEGIN_TRY { d = H5Dopen2(loc, name.c_str(), H5P_DEFAULT); }
  H5E_END_TRY;
  if (d < 0) throw std::runtime_error("no dataset '" + name + "'");
  Handle ds(d, H5Dclose);
  Handle space(H5Dget_space(ds.id()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.id()) != 1) throw std::runtime_error("dataset '" + name + "' is not 1-D");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  start = std::min(start, n);
  count = std::min(count, n - start);
  std::vector<T> v(count);
  if (count == 0) return v;
  check(H5Sselect_hyperslab(space.id(), H5S_SELECT_SET, &start, nullptr, &count, nullptr), "select");
  Handle mem(H5Screate_simple(1, &count, nullptr), H5Sclose);
  check(H5Dread(ds.id(), type, mem.id(), space.id(), H5P_DEFAULT, v.data()), "read");
  return v;
}
}  // namespace

std::vector<double> read_vector(hid_t loc, const std::string& name) {
  return read_1d<double>(loc, name, H5T_NATIVE_DOUBLE);
}
std::vector<std::int64_t> read_vector_i64(hid_t loc, const std::string& name) {
  return read_1d<std::int64_t>(loc, name, H5T_NATIVE_INT64);
}
std::vector<std::int64_t> read_rows_i64(hid_t loc, const std::string& name, hsize_t start, hsize_t count) {
  return read_1d<std::int64_t>(loc, name, H5T_NATIVE_INT64, start, count);
}

std::string read_string_attr(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return {};
  Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle t(H5Aget_type(a.id()), H5Tclose);
  if (H5Tis_variable_str(t.id()) > 0) {
    char* p = nullptr;
    Handle mt(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mt.id(), H5T_VARIABLE);
    H5Tset_cset(mt.id(), H5T_CSET_UTF8);
    check(H5Aread(a.id(), mt.id(), &p), "read attr");
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  std::string s(H5Tget_size(t.id()), '\0');
  check(H5Aread(a.id(), t.id(), s.data()), "read attr");
  return s.substr(0, s.find('\0'));
}

bool has_attr(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

std::int64_t read_int_attr(hid_t obj, const std::string& name) {
  if (!has_attr(obj, name)) throw Error("attribute " + name + " missing");
  Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  std::int64_t v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_INT64, &v), "read attr");
  return v;
}

std::vector<hsize_t> read_array(const std::string& path, const std::string& dataset, std::vector<double>& out) {
  Handle f = open_file_readonly(path);
  hid_t d = -1;
  H5E_BEGIN_TRY { d = H5Dopen2(f.id(), dataset.c_str(), H5P_DEFAULT); }
  H5E_END_TRY;
  if (d < 0) throw std::runtime_error("no dataset '" + dataset + "' in '" + path + "'");
  Handle ds(d, H5Dclose);
  Handle space(H5Dget_space(ds.id()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0) throw std::runtime_error("dataset '" + dataset + "' in '" + path + "': cannot read its shape");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  hsize_t n = 1;
  for (auto x : dims) n *= x;
  out.resize(n);
  if (!out.empty())
    check(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read");
  return dims;
}

std::pair<hsize_t, hsize_t> read_matrix(const std::string& path, const std::string& dataset,
                                        std::vector<double>& out) {
  const auto dims = read_array(path, dataset, out);
  if (dims.size() != 2) throw std::runtime_error("dataset '" + dataset + "' in '" + path + "' is not 2-D");
  return {dims[0], dims[1]};
}

}  // namespace seqmem::h5
