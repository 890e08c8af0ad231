// One logfile-ingest run decided before anything is written (docs/logfile-ingest.md,
// "One run"): which host files are new, which grew, which rotated, which must not
// have changed, from the host files' sizes now and the pond copies' cumulative size
// and BLAKE3. Pure: the host prefix hashes come from a callback, so the rules are
// tested without files.
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

// What the run does, in order.
struct Step {
  enum class Kind {
    kNew,     // a new pond file `name` with all `to` bytes of `host`
    kAppend,  // bytes [from, to) of `host` appended to pond file `name`
    kRotate,  // bytes [from, to) of `host` appended to `name`, then `name` renamed `rename_to`
  };
  Kind kind = Kind::kNew;
  std::string name;
  std::string host;
  int64_t from = 0, to = 0;
  std::string rename_to;
};

struct Plan {
  std::vector<Step> steps;
  std::vector<std::string> warnings;  // printed as `pond: warning: …`
  int64_t unchanged = 0;              // host files whose copy is whole already
};

// BLAKE3 (hex) of the first `bytes` bytes of host file `path`.
using PrefixHash = std::function<std::string(const std::string& path, int64_t bytes)>;

// Decides a run (spec of the original's logfile-ingest, docs/logfile-ingest.md):
// 1. an active file whose copy is no longer its prefix (shorter, or other bytes) is
//    looked for among the archived files not yet in the pond: one at least as long
//    whose first N bytes hash to the copy's is the rotated file, so the copy is
//    completed from it and renamed to its name; none: a warning;
// 2. then every host file: absent → new; active and longer → append once its prefix
//    is verified (else `Prefix verification failed for NAME: …`); active and shorter
//    → a warning; archived and present → it must be as recorded (else `Archived file
//    NAME CHANGED - violates immutability assumption!`), checked by hash only when
//    `archived_changed(name)` says its host file may have changed since it was
//    recorded (the caller compares what it noted: size, mtime, inode).
// Throws pond::Error for the two failures; nothing is written then.
Plan PlanRun(const std::vector<HostFile>& host, const std::map<std::string, PondCopy>& pond,
             const PrefixHash& prefix_hash,
             const std::function<bool(const std::string& name)>& archived_changed);

}  // namespace pond::logfile
