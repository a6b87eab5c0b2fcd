// Where a command writes, and the one policy every command follows (docs/guide.md, "Output files"):
//   - OUT is written as OUT.partial-<host>-<pid> and renamed to OUT only after the HDF5 file was
//     closed without error and flushed to disk (fsync), so OUT is never a half-written file;
//   - an existing OUT is refused unless the command was asked to replace it (--overwrite) or to
//     continue it (sweep --resume);
//   - OUT may not be any of the command's input files (compared as files, not as names);
//   - partial files left by processes of this host that no longer exist (SIGKILL, a crash, a
//     power cut) are removed when the next command writes the same OUT, with a note on stderr;
//   - SIGINT, SIGTERM and SIGHUP remove the partial file (and the runs' part files);
//   - the rename does not replace a file that another command created meanwhile under OUT.
// Failures to write are OutputError ("cannot write OUT: no space left on device"): exit status 2.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace seqmem {

struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Existing { refuse, overwrite, resume };

class OutputFile {
 public:
  // Checks OUT and prepares its partial name; throws InputError (a directory, a missing or
  // unwritable folder, an input file, an existing file under Existing::refuse with `hint` as advice).
  OutputFile(std::string out, const std::vector<std::string>& inputs, Existing existing, const std::string& hint,
             bool notes = true);
  ~OutputFile();  // removes the partial file unless committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& path() const { return out_; }
  const std::string& partial() const { return partial_; }
  bool existed() const { return existed_; }

  // The partial file, closed by the caller, is flushed to disk and renamed to OUT (also after an
  // earlier commit: sweeps commit a checkpoint every second). Throws OutputError.
  void commit();
  void discard();  // removes the partial file

  // Whether OutputFile installs the SIGINT / SIGTERM / SIGHUP handlers that remove the partial
  // file and end the process (the command line; default). A process that embeds seqmem (the
  // Python package) turns them off and cancels through sim/cancel.hpp instead; the partial file is
  // then removed by the destructor as the Cancelled exception passes.
  static void set_signal_cleanup(bool on);

  // The part files of the runs of a scenario, OUT.partial-<host>-<pid>.rNNNN (written one per run
  // and joined into the partial file in run order), removed with it by a signal or on error.
  void expect_parts(std::size_t n);
  std::string part(std::size_t i) const;
  // The same name from a partial name (the other ranks of an MPI job write parts of rank 0's file).
  static std::string part_of(const std::string& partial, std::size_t i);
  void part_exists(std::size_t i, bool exists);

 private:
  std::string out_, partial_;
  bool existed_ = false;
  bool replace_ = false;  // commit replaces OUT (--overwrite, --resume, after our first commit)
};

// The message of a failed write of OUT, from the HDF5 error stack or errno: "cannot write OUT: ...".
[[noreturn]] void throw_write_error(const std::string& out, const std::string& detail);

}  // namespace seqmem
