// The host files a logfile-ingest run sees: regular files matching its two globs,
// each with its size taken once, now.
#pragma once

#include <vector>

#include "logfile/config.h"
#include "logfile/plan.h"

namespace pond::logfile {

// Regular files matching `config`'s active and archived patterns (POSIX glob, sorted;
// a file matching both is active), with their sizes now. Two files with one base name
// are an error naming both: their pond copies would be one file. Throws naming the
// pattern when it cannot be read.
std::vector<HostFile> ListHostFiles(const Config& config);

// Whether `name` is a base name only `config`'s active pattern gives (its last part
// matches it, the archived pattern's does not): a copy of an active file, not of an
// archive. Shared pond_paths hold other nodes' copies too.
bool IsActiveName(const Config& config, const std::string& name);

}  // namespace pond::logfile
