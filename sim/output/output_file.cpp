// The output policy (see output_file.hpp).
#include "sim/output/output_file.hpp"

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

#include "sim/core/front_end.hpp"
#include "sim/scenario/scenario.hpp"

namespace seqmem {
namespace fs = std::filesystem;

namespace {

bool g_signal_cleanup = true;  // OutputFile::set_signal_cleanup
char g_partial[4096] = {0};  // the partial file of this process, removed on SIGINT / SIGTERM / SIGHUP
char g_message[8192] = {0};  // printed by the signal handler: what was kept, how to go on
// The part files of runs (PARTIAL.rNNNN) that exist now: one flag per run.
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
  std::size_t len = 0;
  while (len < sizeof g_message && g_message[len]) ++len;
  if (len > 0) {
    const ssize_t written = ::write(2, g_message, len);
    (void)written;
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void set_message(const std::string& m) { std::snprintf(g_message, sizeof g_message, "%s", m.c_str()); }

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// The host as it appears in the names of partial files: 8 hex digits of a hash of its name (a
// fixed length, so that the names fit whatever the host is called).
std::string host_tag() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "localhost";
  return fmt::format("{:08x}", static_cast<std::uint32_t>(fnv1a(buf)));
}
// The host as seqmem 0.1 wrote it in partial names (read only, to clean up their debris).
std::string legacy_host_name() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "localhost";
  std::string h(buf);
  for (char& c : h)
    if (c == '/' || c == '-') c = '_';
  return h;
}

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

long name_max(const fs::path& dir) {
  const long n = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  return n > 0 ? n : 255;
}

// Partial files of OUT (stem STEM) left by processes of this host that no longer exist:
// STEM.partial-<host>-<pid>[.rNNNN] (and STEM.partial-<pid> of seqmem before 0.2).
void remove_stale_partials(const fs::path& stem) {
  const fs::path dir = stem.has_parent_path() ? stem.parent_path() : fs::path(".");
  const std::string prefix = stem.filename().string() + ".partial-";
  const std::string tag = host_tag(), legacy = legacy_host_name();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    std::string rest = name.substr(prefix.size());  // "<host>-<pid>[.rNNNN]", or "<pid>"
    if (const auto dot = rest.find(".r"); dot != std::string::npos &&
                                          rest.find_first_not_of("0123456789", dot + 2) == std::string::npos)
      rest = rest.substr(0, dot);
    const auto dash = rest.rfind('-');
    if (dash != std::string::npos) {
      const std::string host = rest.substr(0, dash);
      if (host != tag && host != legacy) continue;  // another machine's: it may still be running
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

// The handler for `sig`, unless the process was started with the signal ignored.
void install(int sig, void (*handler)(int)) {
  struct sigaction old {};
  if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) return;
  std::signal(sig, handler);
}

}  // namespace

std::string sibling_stem(const std::string& out) {
  const fs::path p(out);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  const std::string name = p.filename().string();
  const std::size_t limit = static_cast<std::size_t>(name_max(dir));
  if (name.size() + kSiblingSuffix <= limit) return out;
  // The start of the name (cut at a UTF-8 character boundary) and 16 hex digits of its hash.
  std::size_t keep = limit > kSiblingSuffix + 17 ? limit - kSiblingSuffix - 17 : 0;
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  const std::string stem = fmt::format("{}~{:016x}", name.substr(0, keep), fnv1a(name));
  return p.has_parent_path() ? (p.parent_path() / stem).string() : stem;
}

std::string checkpoint_of(const std::string& out) { return sibling_stem(out) + ".checkpoint"; }

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
                       const std::string& hint, bool notes, bool checkpointed)
    : out_(std::move(out)) {
  std::error_code ec;
  if (out_.empty()) throw InputError("the output file name is empty");
  if (fs::is_directory(out_, ec)) throw InputError(fmt::format("{}: output path is a directory", out_));
  const fs::path p(out_);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError(fmt::format("{}: cannot write the output file ('{}' is not a directory)", out_, dir.string()));
  if (!fs::is_directory(dir, ec))
    throw InputError(fmt::format("{}: cannot write the output file (directory '{}' does not exist)", out_, dir.string()));
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw InputError(fmt::format("{}: cannot write the output file (directory '{}' is not writable)", out_, dir.string()));
  // The user's own name and path against the file system's limits, before any work.
  const std::size_t name_bytes = p.filename().string().size();
  if (static_cast<long>(name_bytes) > name_max(dir))
    throw InputError(fmt::format("{}: the file name is {} bytes, more than this file system allows ({})", out_,
                                 name_bytes, name_max(dir)));
  const long path_max = ::pathconf(dir.c_str(), _PC_PATH_MAX) > 0 ? ::pathconf(dir.c_str(), _PC_PATH_MAX) : 4096;
  if (static_cast<long>(fs::absolute(p, ec).string().size() + kSiblingSuffix) >= path_max)
    throw InputError(fmt::format("{}: the path is too long for this file system ({} bytes at most)", out_,
                                 path_max - 1 - static_cast<long>(kSiblingSuffix)));
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
  stem_ = sibling_stem(out_);
  if (checkpointed) {
    checkpoint_ = stem_ + ".checkpoint";
    if (existing == Existing::refuse && fs::exists(checkpoint_, ec))
      throw InputError(fmt::format("{}: the checkpoint {} of an interrupted sweep exists; continue it with {}, "
                                   "or start over with {}",
                                   out_, checkpoint_, front_end_words().resume, front_end_words().overwrite));
  }
  remove_stale_partials(stem_);
  (void)notes;
  partial_ = fmt::format("{}.partial-{}-{}", stem_, host_tag(), ::getpid());
  if (partial_.size() >= sizeof g_partial) throw InputError(fmt::format("{}: output path too long", out_));
  // A folder that passes the checks above may still refuse new files (/proc, /sys, a read-only
  // mount seen by root): try it once, so that the message names the user's path, not the partial.
  if (const int fd = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644); fd >= 0) {
    ::close(fd);
    ::unlink(partial_.c_str());
  } else if (const int e = errno; e != EEXIST) {
    throw InputError(fmt::format("{}: the folder '{}' refuses new files{}", out_, dir.string(),
                                 e == ENOENT ? std::string() : fmt::format(" ({})", std::strerror(e))));
  }
  std::snprintf(g_partial, sizeof g_partial, "%s", partial_.c_str());
  set_message(fmt::format("seqmem: interrupted; {} was not written\n", out_));
  replace_ = replace_checkpoint_ = existing != Existing::refuse;
  if (g_signal_cleanup)
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) install(sig, on_signal);
}

OutputFile::~OutputFile() {
  discard();
  for (std::size_t i = 0; i < g_parts_n; ++i)
    if (g_parts[i].load()) ::unlink(part(i).c_str());
  g_parts.reset();
  g_parts_n = 0;
  g_partial[0] = 0;
  g_message[0] = 0;
  if (g_signal_cleanup)
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction cur {};
      if (::sigaction(sig, nullptr, &cur) == 0 && cur.sa_handler == on_signal) std::signal(sig, SIG_DFL);
    }
}

void OutputFile::set_signal_cleanup(bool on) { g_signal_cleanup = on; }

std::string OutputFile::resume_from() const {
  std::error_code ec;
  if (!checkpoint_.empty() && fs::exists(checkpoint_, ec)) return checkpoint_;
  if (existed_) return out_;
  return "";
}

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

// Renames the partial file to `to`. Without `replace`, a file that appeared under `to` since the
// start (another command writing the same OUT) is not replaced: link fails if `to` exists, and then
// this result is kept aside.
void OutputFile::rename_partial(const std::string& to, bool& replace) {
  fsync_path(partial_, false, out_);
  std::error_code ec;
  if (!replace) {
    if (::link(partial_.c_str(), to.c_str()) != 0) {
      const int e = errno;
      if (e == EEXIST) {
        const std::string kept = fmt::format("{}.kept-{}-{}", stem_, host_tag(), ::getpid());
        fs::rename(partial_, kept, ec);
        throw OutputError(fmt::format("cannot write {}: it appeared while this command ran (another command writing "
                                      "the same file?); this result is kept as {}",
                                      to, ec ? partial_ : kept));
      }
      if (e != EPERM && e != ENOTSUP && e != EXDEV) throw_write_error(out_, std::strerror(e));
      if (fs::exists(to, ec)) throw OutputError(fmt::format("cannot write {}: it appeared while this command ran", to));
      fs::rename(partial_, to, ec);  // a file system without hard links
    } else {
      fs::remove(partial_, ec);
    }
    replace = true;  // later commits replace our own file
  } else {
    fs::rename(partial_, to, ec);
  }
  if (ec) throw_write_error(out_, ec.message());
  const fs::path p(out_);
  fsync_path(p.has_parent_path() ? p.parent_path().string() : ".", true, out_);
}

void OutputFile::commit() {
  rename_partial(out_, replace_);
  if (!checkpoint_.empty()) {
    std::error_code ec;
    fs::remove(checkpoint_, ec);
  }
  set_message("");
}

void OutputFile::commit_checkpoint(const std::string& kept, const std::string& resume_hint) {
  rename_partial(checkpoint_, replace_checkpoint_);
  set_message(fmt::format("seqmem: interrupted; the checkpoint {} keeps {}: {}\n", checkpoint_, kept, resume_hint));
}

void OutputFile::discard() {
  std::error_code ec;
  fs::remove(partial_, ec);
}

}  // namespace seqmem
