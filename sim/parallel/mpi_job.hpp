// The MPI job a command runs in (OpenMPI; docs/cluster.md). Without MPI in the build, or when not
// started by mpirun, the job is one rank. Ranks exchange byte strings with a tag; every call is
// serialised by one lock (MPI_THREAD_SERIALIZED), so any OpenMP thread may send or receive.
// Rank 0 coordinates and alone writes files; see sim/parallel/work_queue.hpp.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace seqmem::mpi {

// Thrown on the ranks other than 0 when rank 0 refused the input (rank 0 says why): exit quietly.
struct QuietExit {
  int status;
};

// Whether this binary was built with MPI.
bool built_with_mpi();
// The job's rank count as the launcher's environment says it (OMPI_COMM_WORLD_SIZE, PMI_SIZE):
// 1 when not started by mpirun. Read before init, so that a build without MPI can say so.
int launcher_size();
// MPI_Init_thread when built with MPI and started by a launcher; a no-op otherwise. Throws
// InputError when the launcher started several ranks of a build without MPI.
void init(int& argc, char**& argv);
void finalize();
int rank();
int size();
inline bool coordinator() { return rank() == 0; }

// The ranks' agreement before a command's work (a collective, once per command): rank 0's
// fingerprint (its scenario text and overrides) is compared on every rank with its own, and every
// rank says whether its own preparation succeeded. Returns the lowest rank that failed or differs
// (-1: none), and sets joined(). A one-rank job returns -1 at once.
int join(const std::string& fingerprint, bool ok);
bool joined();

// Point-to-point messages (blocking send; probe does not block).
void send(int dest, int tag, const std::string& bytes);
bool probe(int& source, int& tag);
std::string recv(int source, int tag);
// Rank 0's bytes on every rank.
std::string broadcast(const std::string& bytes);
// Every rank waits for all the others.
void barrier();
// Ends the whole job (all ranks) with this exit status.
[[noreturn]] void abort(int status);

// A byte string built from trivially copyable values and strings, read back in the same order.
class Bytes {
 public:
  Bytes() = default;
  explicit Bytes(std::string s) : s_(std::move(s)) {}
  template <class T>
  Bytes& put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    s_.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
  }
  Bytes& put_string(const std::string& v) { return put_sequence(v); }
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    need(sizeof v);
    std::memcpy(&v, s_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string get_string() {
    std::string v;
    get_sequence(v);
    return v;
  }
  // A contiguous container of trivially copyable elements (std::string, std::vector, an Eigen
  // vector) as its length and its elements.
  template <class C>
  Bytes& put_sequence(const C& c) {
    using E = std::remove_cv_t<std::remove_reference_t<decltype(*c.data())>>;
    static_assert(std::is_trivially_copyable_v<E>);
    put<std::uint64_t>(static_cast<std::uint64_t>(c.size()));
    if (c.size() > 0)  // an empty container's data() may be null
      s_.append(reinterpret_cast<const char*>(c.data()), static_cast<std::size_t>(c.size()) * sizeof(E));
    return *this;
  }
  template <class C>
  void get_sequence(C& c) {
    using E = std::remove_cv_t<std::remove_reference_t<decltype(*c.data())>>;
    static_assert(std::is_trivially_copyable_v<E>);
    const auto n = get<std::uint64_t>();
    need_elements(n, sizeof(E));  // before allocating
    c.resize(static_cast<decltype(c.size())>(n));
    if (n > 0) std::memcpy(c.data(), s_.data() + at_, n * sizeof(E));  // memcpy takes no null pointer
    at_ += n * sizeof(E);
  }
  bool done() const { return at_ >= s_.size(); }
  const std::string& str() const { return s_; }

 private:
  void need(std::size_t n) const;
  void need_elements(std::uint64_t n, std::size_t size) const {
    need(n > (s_.size() - at_) / size ? s_.size() - at_ + 1 : static_cast<std::size_t>(n * size));
  }
  std::string s_;
  std::size_t at_ = 0;
};

// Both directions of a message from one list of its fields, as Boost.Serialization's
// `serialize(ar, x)`: a message type's `template <class Ar, class T> void fields(Ar& ar, T& x)`
// calls `ar(x.a, x.b, ...)` once; Pack appends the fields, Unpack reads them back in that order.
// A field is a trivially copyable value or a contiguous container of them (Bytes::put_sequence).
class Pack {
 public:
  explicit Pack(Bytes& b) : b_(b) {}
  template <class... T>
  void operator()(const T&... v) {
    (one(v), ...);
  }

 private:
  template <class T>
  void one(const T& v) {
    if constexpr (std::is_trivially_copyable_v<T>)
      b_.put(v);
    else
      b_.put_sequence(v);
  }
  Bytes& b_;
};

class Unpack {
 public:
  explicit Unpack(Bytes& b) : b_(b) {}
  template <class... T>
  void operator()(T&... v) {
    (one(v), ...);
  }

 private:
  template <class T>
  void one(T& v) {
    if constexpr (std::is_trivially_copyable_v<T>)
      v = b_.template get<T>();
    else
      b_.get_sequence(v);
  }
  Bytes& b_;
};

}  // namespace seqmem::mpi
