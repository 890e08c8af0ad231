// `pond run NODE` of a logfile-ingest node (docs/logfile-ingest.md): rotating host
// logs mirrored into `pond_path` as append-only files (file:log), byte for byte.
//
// Promises:
// - One write transaction per run, committed only when a file was added or grew.
// - A copy grows only after its bytes are proven a prefix of the host file, in the
//   pass that reads the new bytes (a 1 GB log is read once per run).
// - A refused run (a rewritten log, a changed archive) leaves the pond as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "logfile/config.h"
#include "store/pond.h"

namespace pond::logfile {

struct Outcome {
  int64_t new_files = 0, new_bytes = 0;
  int64_t appended = 0, appended_bytes = 0;
  int64_t unchanged = 0;
  int64_t seq = 0;  // the transaction committed; 0 when nothing changed
};

// Lines as the original printed them (`Ingesting new file: …`, `Appending to …`,
// `Rotation detected: …`, the summary); warnings go to `warn`.
struct Reporter {
  std::function<void(const std::string&)> say;
  std::function<void(const std::string&)> warn;
};

// Ingests for the node at `node_path` with `config` into the pond at `dir`.
Outcome Ingest(const std::string& dir, const std::string& node_path, const Config& config,
               const std::vector<std::string>& argv, const std::map<std::string, std::string>& vars,
               const Reporter& report);

// `<64 hex>  <name>` per file of `pond_path`, sorted by name, as `b3sum` prints them
// (so `b3sum --check` reads it against the host files).
std::string B3sum(store::Pond& pond, const Config& config);

}  // namespace pond::logfile
