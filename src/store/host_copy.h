// Host files copied into the pond as file:data nodes: `pond copy` (one file each) and
// `pond apply`'s copy (a file or a whole directory; docs/cli.md, docs/apply.md).
// Sources are listed and checked before anything is written, so a bad one fails
// before the transaction begins.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/pond.h"

namespace pond::store {

// The host path a copy source names: `host://PATH` and `host+FORMAT://PATH` give PATH
// (`host:///tmp/a.csv` is `/tmp/a.csv`); anything else is a plain path, as given.
std::string HostPathOf(std::string_view source);

// Throws `no such file (<path>)` or `not a regular file (<path>)` unless `path` is a
// regular file (a symlink to one is).
void CheckHostFile(const std::string& path);

// What one copy source holds, listed before any write.
struct HostTree {
  bool is_dir = false;
  // Below a directory: relative paths of its folders (parents before children) and of
  // its regular files, each sorted byte-wise. Empty for a file.
  std::vector<std::string> dirs, files;
};

// Lists `path`: a regular file, or a directory and everything below it. Throws
// `no such file (<path>)`, or `not a regular file or directory (<entry>)` for a
// fifo, socket, device, or a symlink to a directory (never followed, so no loop), and
// `invalid host name for a pond path: <problem> (<entry>)` for a name the pond
// cannot hold.
HostTree ListHostTree(const std::string& path);

// Writes `tree` (listed from `host_path`) at `pond_path` in `txn`: a file as one
// file:data node (a new version if one is there), a directory as a directory with its
// folders and files below (existing ones kept, files given new versions). The parent
// of `pond_path` must exist. Returns the bytes copied.
int64_t CopyHostTree(Transaction& txn, const std::string& host_path, const HostTree& tree,
                     const std::string& pond_path);

}  // namespace pond::store
