// The output policy (see output_file.hpp).
#include "output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <atomic>
#include <filesystem>
#include <memory>

#include "scenario.hpp"

namespace seqmem {
namespace fs = std::filesystem;

namespace {

bool g_signal_cleanup = true;  // OutputFile::set_signal_cleanup
char g_partial[4096] = {0};  // the partial file of this process, removed on SIGINT / SIGTERM / SIGHUP
// The part files of runs (OUT.partial-<host>-<pid>.rNNNN) that exist now: one flag per run.
std::unique_ptr<std::atomic<unsigned char>[]> g_parts;
std::size_t g_parts_n = 0;

// "<g_partial>.r<i, 4 digits or more>" without snprintf (async-signal-safe).
void part_name(std::size_t i, char* out, std::size_t size) {
  std::size_t n = 0;
  for (const char* p = g_partial; *p && n + 1 < size; ++p) out[n++] = *p;
  char digits[24];
  int d = 0;
  do digits[d++] = static_cast<char>('0' + i % 10), i /= 10;
  while (i > 0);
  while (d < 4) digits[d++] = '0';
  if (n + 2 + static_cast<std::size_t>(d) < size) {
    out[n++] = '.';
    out[n++] = 'r';
    while (d > 0) out[n++] = digits[--d];
  }
  out[n] = 0;
}

extern "C" void on_signal(int sig) {
  if (g_partial[0]) ::unlink(g_partial);
  char name[4200];
  for (std::size_t i = 0; i < g_parts_n; ++i)
    if (g_parts[i].load()) {
      part_name(i, name, sizeof name);
      ::unlink(name);
    }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::string host_name() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "localhost";
  std::string h(buf);
  for (char& c : h)
    if (c == '/' || c == '-') c = '_';  // the host is one field of the file name
  return h;
}

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// Partial files of OUT left by processes of this host that no longer exist.
void remove_stale_partials(const fs::path& out, bool notes) {
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  const std::string stem = out.filename().string() + ".partial-";
  const std::string host = host_name();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(stem, 0) != 0) continue;
    std::string rest = name.substr(stem.size());  // "<host>-<pid>[.rNNNN]", or "<pid>" (seqmem before 0.2)
    if (const auto dot = rest.find(".r"); dot != std::string::npos &&
                                          rest.find_first_not_of("0123456789", dot + 2) == std::string::npos)
      rest = rest.substr(0, dot);
    const auto dash = rest.rfind('-');
    if (dash != std::string::npos) {
      if (rest.substr(0, dash) != host) continue;  // another machine's: it may still be running
      rest = rest.substr(dash + 1);
    }
    if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos || rest.size() > 9) continue;
    if (process_alive(std::stol(rest))) continue;
    std::error_code rm;
    if (fs::remove(it->path(), rm))  // always said, even with --quiet: a file disappears
      fmt::print(stderr, "seqmem: note: removed {} left by process {} that no longer exists\n", it->path().string(), rest);
  }
}

void fsync_path(const std::string& path, bool directory, const std::string& out) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) throw_write_error(out, std::strerror(errno));
  if (::fsync(fd) != 0 && !(directory && (errno == EINVAL || errno == EROFS))) {
    const int e = errno;
    ::close(fd);
    throw_write_error(out, std::strerror(e));
  }
  ::close(fd);
}

}  // namespace

void throw_write_error(const std::string& out, const std::string& detail) {
  std::string why = detail;
  if (detail.find("No space left on device") != std::string::npos || detail.find("errno = 28") != std::string::npos)
    why = "no space left on device";
  else if (detail.find("Disk quota exceeded") != std::string::npos)
    why = "disk quota exceeded";
  else if (detail.find("File too large") != std::string::npos)
    why = "file too large (a file size limit)";
  else if (detail.find("Input/output error") != std::string::npos)
    why = "input/output error";
  throw OutputError(fmt::format("cannot write {}: {}", out, why));
}

OutputFile::OutputFile(std::string out, const std::vector<std::string>& inputs, Existing existing,
                       const std::string& hint, bool notes)
    : out_(std::move(out)) {
  std::error_code ec;
  if (out_.empty()) throw InputError("the output file name is empty");
  if (fs::is_directory(out_, ec)) throw InputError(fmt::format("{}: output path is a directory", out_));
  const fs::path p(out_);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    throw InputError(fmt::format("{}: cannot write the output file (directory '{}' does not exist)", out_, dir.string()));
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw InputError(fmt::format("{}: cannot write the output file (directory '{}' is not writable)", out_, dir.string()));
  existed_ = fs::exists(p, ec);
  for (const auto& in : inputs) {
    if (in.empty()) continue;
    std::error_code e2;
    if (existed_ && fs::equivalent(p, in, e2))
      throw InputError(fmt::format("{}: the output would overwrite the input file '{}'", out_, in));
  }
  if (existed_ && existing == Existing::refuse) throw InputError(fmt::format("{}: exists; {}", out_, hint));
  if (existed_ && fs::exists(p, ec) && !fs::is_regular_file(p, ec))
    throw InputError(fmt::format("{}: exists and is not a regular file", out_));
  remove_stale_partials(p, notes);
  partial_ = fmt::format("{}.partial-{}-{}", out_, host_name(), ::getpid());
  if (partial_.size() >= sizeof g_partial) throw InputError(fmt::format("{}: output path too long", out_));
  std::snprintf(g_partial, sizeof g_partial, "%s", partial_.c_str());
  replace_ = existing != Existing::refuse;
  if (g_signal_cleanup)
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, on_signal);
}

OutputFile::~OutputFile() {
  discard();
  for (std::size_t i = 0; i < g_parts_n; ++i)
    if (g_parts[i].load()) ::unlink(part(i).c_str());
  g_parts.reset();
  g_parts_n = 0;
  g_partial[0] = 0;
  if (g_signal_cleanup)
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_DFL);
}

void OutputFile::set_signal_cleanup(bool on) { g_signal_cleanup = on; }

void OutputFile::expect_parts(std::size_t n) {
  g_parts.reset(new std::atomic<unsigned char>[n]);
  for (std::size_t i = 0; i < n; ++i) g_parts[i] = 0;
  g_parts_n = n;
}

std::string OutputFile::part(std::size_t i) const {
  char name[4200];
  part_name(i, name, sizeof name);
  return name;
}

std::string OutputFile::part_of(const std::string& partial, std::size_t i) {
  return fmt::format("{}.r{:04}", partial, i);
}

void OutputFile::part_exists(std::size_t i, bool exists) {
  if (i < g_parts_n) g_parts[i] = exists ? 1 : 0;
}

void OutputFile::commit() {
  fsync_path(partial_, false, out_);
  std::error_code ec;
  if (!replace_) {
    // The first commit must not replace a file that appeared since the start (another command
    // writing the same OUT): link fails if OUT exists, and then this result is kept aside.
    if (::link(partial_.c_str(), out_.c_str()) != 0) {
      const int e = errno;
      if (e == EEXIST) {
        const std::string kept = fmt::format("{}.kept-{}-{}", out_, host_name(), ::getpid());
        fs::rename(partial_, kept, ec);
        throw OutputError(fmt::format("cannot write {}: it appeared while this command ran (another command writing "
                                      "the same file?); this result is kept as {}",
                                      out_, ec ? partial_ : kept));
      }
      if (e != EPERM && e != ENOTSUP && e != EXDEV) throw_write_error(out_, std::strerror(e));
      if (fs::exists(out_, ec)) throw OutputError(fmt::format("cannot write {}: it appeared while this command ran", out_));
      fs::rename(partial_, out_, ec);  // a file system without hard links
    } else {
      fs::remove(partial_, ec);
    }
    replace_ = true;  // later commits (checkpoints) replace our own file
  } else {
    fs::rename(partial_, out_, ec);
  }
  if (ec) throw_write_error(out_, ec.message());
  const fs::path p(out_);
  fsync_path(p.has_parent_path() ? p.parent_path().string() : ".", true, out_);
}

void OutputFile::discard() {
  std::error_code ec;
  fs::remove(partial_, ec);
}

}  // namespace seqmem
