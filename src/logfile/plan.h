// One logfile-ingest run decided before anything is written (docs/logfile-ingest.md,
// "One run"): which host files are new, which grew, which rotated, which must not
// have changed, from the host files' sizes now and the pond copies' cumulative size
// and BLAKE3. Pure: host hashes come from a callback, so the rules are tested without
// files.
//
// An active file's prefix is not hashed here: the append verifies it in the same pass
// that stores the new bytes (store::Transaction::AppendData), so a run reads a 1 GB log
// once. Only when that check fails does FindRotation look for the rotated file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pond::logfile {

// A host file matched by a pattern, its size taken once at the start of the run
// (growth after that waits for the next run).
struct HostFile {
  std::string path;  // absolute host path
  std::string name;  // its base name: the pond copy's name
  int64_t size = 0;
  bool active = false;  // matched by active_pattern (else archived_pattern)
};

// A pond copy: its cumulative size and BLAKE3 (hex) as recorded.
struct PondCopy {
  int64_t size = 0;
  std::string blake3;
};

// What the run does.
struct Step {
  enum class Kind {
    kNew,     // a new pond file `name`: all `to` bytes of `host`
    kAppend,  // pond file `name` grows to `to` bytes of `host` (none when equal), its
              // first `from` bytes verified against the copy first
    kRotate,  // pond file `name` completed to `to` bytes of `host` (the rotated file,
              // its first `from` bytes verified) and renamed `rename_to`; the active
              // file is then new
  };
  Kind kind = Kind::kNew;
  std::string name;
  std::string host;
  int64_t from = 0, to = 0;
  std::string rename_to;
};

struct Plan {
  std::vector<Step> steps;  // appends and rotations of active files first, then new files
  std::vector<std::string> warnings;  // printed as `pond: warning: …`
  int64_t unchanged = 0;              // archived files whose copy is whole already
};

// BLAKE3 (hex) of the first `bytes` bytes of host file `path`.
using PrefixHash = std::function<std::string(const std::string& path, int64_t bytes)>;

// The archived file (not yet in the pond, at least as long as `copy`) whose first
// `copy.size` bytes hash to `copy.blake3`: the file the active one was rotated to.
const HostFile* FindRotation(const PondCopy& copy, const std::vector<HostFile>& host,
                             const std::map<std::string, PondCopy>& pond,
                             const PrefixHash& prefix_hash);

// Decides a run: an active file shorter than its copy is looked for among the archived
// files (FindRotation): found, the copy is completed from it and renamed to its name,
// and the active file is new; not found, a warning (`changed but no matching archived
// file found`, then `shrunk`). A longer or equal one is appended (the append verifies
// its prefix). So is the copy of an active file gone from the host (`gone_active`: a
// run between the rename and the new file's creation), quietly when not found. Files
// not in the pond are new. An archived file in the pond must be as recorded: another
// size, or another hash when `archived_changed(name)` says its host file may have
// changed since (the caller compares what it noted: size, mtime, inode), throws
// `Archived file NAME CHANGED - violates immutability assumption!`.
Plan PlanRun(const std::vector<HostFile>& host, const std::map<std::string, PondCopy>& pond,
             const std::vector<std::string>& gone_active, const PrefixHash& prefix_hash,
             const std::function<bool(const std::string& name)>& archived_changed);

}  // namespace pond::logfile
