#include "sim/parallel/mpi_job.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "sim/scenario/scenario.hpp"

#ifdef SEQMEM_HAVE_MPI
#include <mpi.h>
#endif

namespace seqmem::mpi {
namespace {
int g_rank = 0, g_size = 1;
bool g_active = false;
bool g_joined = false;  // join() was called
std::mutex g_lock;  // MPI_THREAD_SERIALIZED: one call at a time

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  return (*end == 0 && x > 0 && x < (1L << 30)) ? static_cast<int>(x) : 0;
}
}  // namespace

void Bytes::need(std::size_t n) const {
  if (at_ + n > s_.size()) throw std::runtime_error("mpi: a message is shorter than its contents");
}

bool built_with_mpi() {
#ifdef SEQMEM_HAVE_MPI
  return true;
#else
  return false;
#endif
}

int launcher_size() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_STEP_NUM_TASKS"})
    if (const int n = env_int(v); n > 0) return n;
  return 1;
}

void init(int& argc, char**& argv) {
  const int n = launcher_size();
#ifdef SEQMEM_HAVE_MPI
  // a plain start needs no MPI runtime; mpirun (OpenMPI), a PMI/PMIx launcher or srun start one
  bool launched = n > 1;
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMIX_RANK", "SLURM_STEP_ID"})
    launched = launched || std::getenv(v) != nullptr;
  if (!launched) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  if (provided < MPI_THREAD_SERIALIZED) {
    fmt::print(stderr, "seqmem: error: the MPI library does not support MPI_THREAD_SERIALIZED\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  g_active = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
#else
  (void)argc;
  (void)argv;
  if (n > 1)
    throw InputError(fmt::format("started by an MPI launcher with {} ranks, but this seqmem was built without MPI "
                                 "(install libopenmpi-dev and rebuild; docs/cluster.md)",
                                 n));
#endif
}

void finalize() {
#ifdef SEQMEM_HAVE_MPI
  if (g_active) MPI_Finalize();
  g_active = false;
#endif
}

int rank() { return g_rank; }

int size() { return g_size; }

bool joined() { return g_joined; }

int join(const std::string& fingerprint, bool ok) {
  g_joined = true;
  if (g_size == 1) return ok ? -1 : 0;
  const bool same = broadcast(fingerprint) == fingerprint;
  int mine = ok && same ? g_size : g_rank, lowest = g_size;
#ifdef SEQMEM_HAVE_MPI
  {
    std::lock_guard<std::mutex> g(g_lock);
    MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  }
#endif
  return lowest < g_size ? lowest : -1;
}

#ifdef SEQMEM_HAVE_MPI
void send(int dest, int tag, const std::string& bytes) {
  std::lock_guard<std::mutex> g(g_lock);
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

bool probe(int& source, int& tag) {
  std::lock_guard<std::mutex> g(g_lock);
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
  if (!flag) return false;
  source = st.MPI_SOURCE;
  tag = st.MPI_TAG;
  return true;
}

std::string recv(int source, int tag) {
  std::lock_guard<std::mutex> g(g_lock);
  MPI_Status st;
  MPI_Probe(source, tag, MPI_COMM_WORLD, &st);
  int n = 0;
  MPI_Get_count(&st, MPI_BYTE, &n);
  std::string bytes(static_cast<std::size_t>(n), '\0');
  MPI_Recv(bytes.data(), n, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return bytes;
}

std::string broadcast(const std::string& bytes) {
  if (g_size == 1) return bytes;
  std::lock_guard<std::mutex> g(g_lock);
  unsigned long long n = bytes.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  std::string out = g_rank == 0 ? bytes : std::string(n, '\0');
  // in pieces below 2^31 bytes (MPI counts are int)
  for (unsigned long long at = 0; at < n; at += (1ULL << 30)) {
    const int piece = static_cast<int>(std::min<unsigned long long>(n - at, 1ULL << 30));
    MPI_Bcast(out.data() + at, piece, MPI_BYTE, 0, MPI_COMM_WORLD);
  }
  return out;
}

void barrier() {
  if (g_size == 1) return;
  std::lock_guard<std::mutex> g(g_lock);
  MPI_Barrier(MPI_COMM_WORLD);
}

void abort(int status) {
  if (g_active) MPI_Abort(MPI_COMM_WORLD, status);
  std::exit(status);
}
#else
void send(int, int, const std::string&) { throw std::logic_error("mpi::send in a one-rank job"); }
bool probe(int&, int&) { return false; }
std::string recv(int, int) { throw std::logic_error("mpi::recv in a one-rank job"); }
std::string broadcast(const std::string& bytes) { return bytes; }
void barrier() {}
void abort(int status) { std::exit(status); }
#endif

}  // namespace seqmem::mpi
