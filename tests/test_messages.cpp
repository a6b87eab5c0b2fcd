// The messages ranks exchange (sim/parallel/mpi_job.hpp): one list of fields packs and unpacks a
// value; a message shorter than its contents is refused before anything is allocated.
#include <doctest/doctest.h>

#include <Eigen/Core>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/parallel/mpi_job.hpp"

namespace {

struct Message {
  int index = 0;
  std::string status;
  std::vector<double> times;
  Eigen::VectorXd m;
  bool checked = false;
};

template <class Ar, class M>
void fields(Ar& ar, M& x) {
  ar(x.index, x.status, x.times, x.m, x.checked);
}

std::string pack(const Message& x) {
  seqmem::mpi::Bytes b;
  seqmem::mpi::Pack p(b);
  fields(p, x);
  return b.str();
}

Message unpack(std::string s) {
  seqmem::mpi::Bytes b(std::move(s));
  seqmem::mpi::Unpack u(b);
  Message x;
  fields(u, x);
  return x;
}

}  // namespace

TEST_CASE("a message packs and unpacks the fields it names once") {
  Message x;
  x.index = 7;
  x.status = "diverged";
  x.times = {0.5, 1.25, 3.0};
  x.m = Eigen::VectorXd::LinSpaced(4, -1.0, 1.0);
  x.checked = true;
  const std::string bytes = pack(x);
  // by hand: int 4 + (8 + 8 chars) + (8 + 3 doubles) + (8 + 4 doubles) + bool 1 = 89 bytes
  CHECK(bytes.size() == 4 + (8 + 8) + (8 + 24) + (8 + 32) + 1);
  const Message y = unpack(bytes);
  CHECK(y.index == 7);
  CHECK(y.status == "diverged");
  CHECK(y.times == x.times);
  CHECK(y.m == x.m);
  CHECK(y.checked);
  // one byte short: refused
  CHECK_THROWS_AS(unpack(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
}

TEST_CASE("a length beyond the message is refused before the container is allocated") {
  seqmem::mpi::Bytes b;
  b.put<std::uint64_t>(std::uint64_t(1) << 60).put(1.0);  // 2^60 doubles claimed, one present
  seqmem::mpi::Bytes in(b.str());
  std::vector<double> v;
  CHECK_THROWS_AS(in.get_sequence(v), std::runtime_error);
  CHECK(v.empty());
}
