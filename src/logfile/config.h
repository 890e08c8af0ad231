// The config of a `logfile-ingest` node (docs/logfile-ingest.md), as the factory
// reads it (factories/logfile_ingest.cc checks its fields).
#pragma once

#include <string>

namespace pond::logfile {

struct Config {
  std::string archived_pattern;  // host glob of rotated, immutable files
  std::string active_pattern;    // host glob of the file being written
  std::string pond_path;         // pond directory of the copies (made with parents)
};

}  // namespace pond::logfile
