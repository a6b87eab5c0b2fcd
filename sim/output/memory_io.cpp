#include "sim/output/memory_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "sim/output/h5file.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {
namespace {

bool is_hdf5(const std::string& path) {
  for (const char* ext : {".h5", ".hdf5", ".nc"}) {
    const std::string e(ext);
    if (path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

Mat load_csv(const std::string& path, const std::string& key) {
  std::ifstream f(path);
  if (!f) throw InputError(fmt::format("{}: key '{}': cannot read file", path, key));
  std::vector<std::vector<double>> rows;
  std::string line;
  int lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    if (auto h = line.find('#'); h != std::string::npos) line.erase(h);
    for (char& c : line)
      if (c == ',' || c == ';' || c == '\t' || c == '\r') c = ' ';
    std::istringstream is(line);
    std::vector<double> row;
    std::string tok;
    while (is >> tok) {
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(tok, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != tok.size() || !std::isfinite(v))
        throw InputError(fmt::format("{}:{}: key '{}': '{}' is not a finite number", path, lineno, key, tok));
      row.push_back(v);
    }
    if (row.empty()) continue;
    if (!rows.empty() && row.size() != rows.front().size())
      throw InputError(fmt::format("{}:{}: key '{}': {} columns, the first row has {}", path, lineno, key, row.size(),
                                   rows.front().size()));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw InputError(fmt::format("{}: key '{}': no numbers in file", path, key));
  Mat M(rows.size(), rows.front().size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) M(i, j) = rows[i][j];
  return M;
}

}  // namespace

Mat load_matrix(const std::string& path, const std::string& dataset, const std::string& key) {
  if (!is_hdf5(path)) return load_csv(path, key);
  std::vector<double> data;
  std::pair<hsize_t, hsize_t> shape;
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    shape = h5::read_matrix(path, dataset, data);
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("{}: key '{}': {}", path, key, e.what()));
  }
  Mat M(shape.first, shape.second);
  for (hsize_t i = 0; i < shape.first; ++i)
    for (hsize_t j = 0; j < shape.second; ++j) M(i, j) = data[i * shape.second + j];
  if (!M.allFinite()) throw InputError(fmt::format("{}: key '{}': dataset '{}' holds NaN or Inf", path, key, dataset));
  return M;
}

Mat load_matrix_stack(const std::string& path, const std::string& dataset, const std::string& key) {
  if (!is_hdf5(path)) return load_csv(path, key);
  std::vector<double> data;
  std::vector<hsize_t> dims;
  try {
    std::lock_guard<std::mutex> g(h5::lock());
    dims = h5::read_array(path, dataset, data);
  } catch (const std::runtime_error& e) {
    throw InputError(fmt::format("{}: key '{}': {}", path, key, e.what()));
  }
  if (dims.size() != 2 && dims.size() != 3)
    throw InputError(fmt::format("{}: key '{}': dataset '{}' is {}-D, expected n x D x D (or (n D) x D)", path, key,
                                 dataset, dims.size()));
  const hsize_t cols = dims.back(), rows = data.size() / std::max<hsize_t>(cols, 1);
  Mat M(rows, cols);
  for (hsize_t i = 0; i < rows; ++i)
    for (hsize_t j = 0; j < cols; ++j) M(i, j) = data[i * cols + j];
  if (!M.allFinite()) throw InputError(fmt::format("{}: key '{}': dataset '{}' holds NaN or Inf", path, key, dataset));
  return M;
}

}  // namespace seqmem
