// `pond check`: the pond's integrity (docs/storage.md, "Integrity: pond check").
// Every blob a version or segment refers to is re-hashed (past a retention horizon,
// only those a view at or after it reads); blobs/ is listed for orphans and
// temporaries; directory entries and versions must point at existing nodes; a
// file:log's sizes and BLAKE3s must be those of its bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/disk.h"

namespace pond::store {

struct CheckProblem {
  enum class Type {
    kDangling,
    kMissingBlob,
    kCorruptBlob,
    kOrphanBlob,
    kTemporaryFile,
    kLogMismatch,
    kCatalogDamage,
  };
  Type type;
  // As printed: `missing blob <hash> (node /raw/a.series v2)`,
  // `corrupt blob <hash> (node /raw/a.series v2)`,
  // `orphan blob blobs/3f/<hash>.parquet (10234 bytes)`,
  // `temporary file blobs/tmp/x81kq (512 bytes)`,
  // `dangling entry /a/b (node 12)`, `dangling version (node 12 v1)`,
  // `file:log BLAKE3 mismatch (node /logs/a.json v3)` (sizes likewise),
  // `page 3 of catalog.sqlite fails its checksum` (and the other lines of a damaged
  // catalog: docs/storage.md, "A damaged catalog").
  std::string text;
  bool repairable = false;  // orphans and temporaries: --repair deletes them
  bool repaired = false;
  std::string file;  // orphans and temporaries: the host path
};

struct CheckReport {
  int64_t versions = 0;  // rows of `versions`
  int64_t blobs = 0;     // distinct blob files they and segments refer to
  int64_t nodes = 0;     // rows of `nodes`
  std::vector<CheckProblem> problems;

  size_t repairable() const;
  size_t unrepaired() const;     // problems still present after this run
  bool catalog_damaged() const;  // damage to the catalog still present
};

// Checks the pond at `dir` as of one snapshot, like any reader. With `repair`, takes
// the writer lock instead (a running writer's blobs are not orphans yet) and deletes
// orphans and temporaries through `disk` (null: DiskFromEnvironment()); no
// transaction is created. Orphans were never referenced by any catalog row, so no
// reader's snapshot can name them (docs/storage.md, "Locking and snapshots").
// The catalog is checked first, from its files (every page's sum, the write-ahead
// log's frames, SQLite's integrity check, the commit record); when it is damaged the
// report holds only that, since its rows cannot be trusted. With `repair`, damaged
// pages whose newer copies the write-ahead log holds are rewritten from it (a
// checkpoint) and the check goes on; other damage is left to a backup (restore.h,
// ReplaceCatalog).
// Throws pond::Error only when the pond cannot be read at all.
CheckReport CheckPond(const std::string& dir, bool repair, Disk* disk = nullptr);

}  // namespace pond::store
