// Where a command writes, and the one policy every command follows (docs/guide.md, "Output files"):
//   - OUT is written under a partial name beside it and renamed to OUT only after the file was
//     closed without error and flushed to disk (fsync), so OUT is never a half-written file;
//   - the names beside OUT (partial, per-run parts, the checkpoint of a sweep) fit the file system
//     whatever OUT's own length: OUT's name as the stem when it leaves room for the longest suffix,
//     else its start and a hash of the whole (sibling_stem); OUT's own name and path are checked
//     against the file system's limits before any work;
//   - an existing OUT is refused unless the command was asked to replace it (--overwrite) or to
//     continue it (sweep --resume);
//   - a command that keeps checkpoints (sweep) writes them to OUT's checkpoint name, never to OUT:
//     OUT appears only when the work is complete, and the checkpoint is removed then;
//   - OUT may not be any of the command's input files (compared as files, not as names);
//   - partial files left by processes of this host that no longer exist (SIGKILL, a crash, a
//     power cut) are removed when the next command writes the same OUT, with a note on stderr;
//   - SIGINT, SIGTERM and SIGHUP remove the partial file (and the runs' part files), print what was
//     kept (a sweep's checkpoint and how to resume it) and end the process; a signal that the
//     process was started with ignored (nohup, a background job) stays ignored;
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

// The output options every writing command takes (-o, --overwrite, and --resume for sweeps).
struct OutputOptions {
  bool overwrite = false;  // replace an existing OUT (and drop a sweep's checkpoint)
  bool resume = false;     // sweeps: continue from OUT's checkpoint (or OUT)
};

// "DIR/STEM": the names beside OUT are STEM + a suffix of at most kSiblingSuffix bytes.
std::string sibling_stem(const std::string& out);
constexpr std::size_t kSiblingSuffix = 40;
// The checkpoint of a sweep writing OUT: STEM.checkpoint.
std::string checkpoint_of(const std::string& out);

class OutputFile {
 public:
  // Checks OUT and prepares its partial name; throws InputError (a directory, a missing or
  // unwritable folder, a name or path too long for the file system, an input file, an existing
  // file under Existing::refuse with `hint` as advice). `checkpointed`: the command keeps
  // checkpoints (commit_checkpoint); an existing checkpoint is then refused like an existing OUT
  // under Existing::refuse.
  OutputFile(std::string out, const std::vector<std::string>& inputs, Existing existing, const std::string& hint,
             bool notes = true, bool checkpointed = false);
  ~OutputFile();  // removes the partial file unless committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& path() const { return out_; }
  const std::string& partial() const { return partial_; }
  const std::string& checkpoint() const { return checkpoint_; }
  bool existed() const { return existed_; }
  // The file to continue from under Existing::resume: the checkpoint, else OUT, else "" (none).
  std::string resume_from() const;

  // The partial file, closed by the caller, is flushed to disk and renamed to OUT; a checkpoint is
  // removed then. Throws OutputError.
  void commit();
  // The same, renamed to the checkpoint name (sweeps, at most once a second). `kept`: what the
  // checkpoint holds, for the message printed if the process is interrupted ("12 evaluations").
  void commit_checkpoint(const std::string& kept, const std::string& resume_hint);
  void discard();  // removes the partial file

  // Whether OutputFile installs the SIGINT / SIGTERM / SIGHUP handlers that remove the partial
  // file and end the process (the command line; default). A process that embeds seqmem (the
  // Python package) turns them off and cancels through sim/core/cancel.hpp instead; the partial file is
  // then removed by the destructor as the Cancelled exception passes.
  static void set_signal_cleanup(bool on);

  // The part files of the runs of a scenario, PARTIAL.rNNNN (written one per run and joined into
  // the partial file in run order), removed with it by a signal or on error.
  void expect_parts(std::size_t n);
  std::string part(std::size_t i) const;
  // The same name from a partial name (the other ranks of an MPI job write parts of rank 0's file).
  static std::string part_of(const std::string& partial, std::size_t i);
  void part_exists(std::size_t i, bool exists);

 private:
  void rename_partial(const std::string& to, bool& replace);
  std::string out_, stem_, partial_, checkpoint_;
  bool existed_ = false;
  bool replace_ = false;             // commit replaces OUT (--overwrite, --resume)
  bool replace_checkpoint_ = false;  // commit_checkpoint replaces the checkpoint (after our first)
};

// The message of a failed write of OUT, from the HDF5 error stack or errno: "cannot write OUT: ...".
[[noreturn]] void throw_write_error(const std::string& out, const std::string& detail);

}  // namespace seqmem
