// Where a command writes, and the one policy every command follows (README, "Output files"):
//   - OUT is written as OUT.partial-<host>-<pid> and renamed to OUT only after the HDF5 file was
//     closed without error and flushed to disk (fsync), so OUT is never a half-written file;
//   - an existing OUT is refused unless the command was asked to replace it (--overwrite) or to
//     continue it (sweep --resume);
//   - OUT may not be any of the command's input files (compared as files, not as names);
//   - partial files left by processes of this host that no longer exist (SIGKILL, a crash, a
//     power cut) are removed when the next command writes the same OUT, with a note on stderr;
//   - SIGINT and SIGTERM remove the partial file.
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

 private:
  std::string out_, partial_;
  bool existed_ = false;
};

// The message of a failed write of OUT, from the HDF5 error stack or errno: "cannot write OUT: ...".
[[noreturn]] void throw_write_error(const std::string& out, const std::string& detail);

}  // namespace seqmem
