// `seqmem events FILE [--run ID] [-o OUT.csv]`: the psifr event table of a free-recall run as CSV
// (subject,list,position,trial_type,item; trial_type "study" or "recall"), read in blocks so
// that memory does not grow with the table.
#pragma once

#include <cstdio>
#include <string>

namespace seqmem {

// Throws InputError (file, run or table missing) naming the file; `run` empty: the file's only
// free-recall run. Each block is flushed to `out` and checked: a failed write throws OutputError
// naming `out_name` ("cannot write standard output: no space left on device").
void write_events_csv(const std::string& path, const std::string& run, std::FILE* out, const std::string& out_name);

}  // namespace seqmem
