// The MPI job from Python (seqmem._core.mpi_*): the project's own MPI layer (sim/parallel/mpi_job.hpp,
// OpenMPI) for Python commands run under mpirun, such as seqmem-fit --objective likelihood
// (seqmem.fit_likelihood): each rank does its share and rank 0 gathers the results as bytes.
#include <pybind11/stl.h>

#include <string>

#include "sim/app/python_models.hpp"
#include "sim/parallel/mpi_job.hpp"

namespace py = pybind11;

namespace seqmem::python {
namespace {

constexpr int kGatherTag = 7301;

// Starts MPI when a launcher started this process (a plain start stays one rank); (rank, size).
// Raises RuntimeError when the launcher started several ranks and this build has no MPI.
std::pair<int, int> start() {
  if (!mpi::built_with_mpi() && mpi::launcher_size() > 1)
    throw std::runtime_error("started by mpirun with several ranks, but this seqmem was built without MPI");
  int argc = 0;
  char** argv = nullptr;
  mpi::init(argc, argv);
  return {mpi::rank(), mpi::size()};
}

// Every rank's bytes on rank 0, in rank order (None on the other ranks).
py::object gather(const py::bytes& mine) {
  const std::string bytes = mine;
  if (mpi::size() == 1) return py::cast(std::vector<py::bytes>{py::bytes(bytes)});
  if (mpi::rank() != 0) {
    py::gil_scoped_release release;
    mpi::send(0, kGatherTag, bytes);
    return py::none();
  }
  std::vector<py::bytes> out{py::bytes(bytes)};
  for (int r = 1; r < mpi::size(); ++r) {
    std::string b;
    {
      py::gil_scoped_release release;
      b = mpi::recv(r, kGatherTag);
    }
    out.emplace_back(b);
  }
  return py::cast(out);
}

}  // namespace

void bind_mpi(py::module_& m) {
  m.def("mpi_start", &start, "Start the MPI job when launched by mpirun; (rank, size) (sim/parallel/mpi_job.hpp).");
  m.def("mpi_gather", &gather, py::arg("bytes"), "Every rank's bytes on rank 0 in rank order; None elsewhere.");
  m.def(
      "mpi_join",
      [](const std::string& fingerprint, bool ok) {
        py::gil_scoped_release release;
        return mpi::join(fingerprint, ok);
      },
      py::arg("fingerprint"), py::arg("ok"),
      "The ranks' agreement before the work (collective): the lowest rank whose preparation failed or whose "
      "fingerprint differs from rank 0's, -1 when none.");
  m.def("mpi_abort", &mpi::abort, py::arg("status"), "End every rank of the job with this exit status.");
  m.def("mpi_finalize", &mpi::finalize, "End the MPI job (a no-op when it was not started).");
}

}  // namespace seqmem::python
