// Backup and restore of a pond (docs/backup.md): the blobs its catalog needs, then a
// copy of the catalog, pushed to an ObjectStore; and a new pond rebuilt from the
// latest snapshot there.
//
// Layout of a backup (keys under its URL):
//   blobs/ab/<sha256>[.parquet]   the pond's own blob files, same names
//   snapshots/<seq>.sqlite        the catalog as of transaction seq (SQLite backup API)
//   snapshots/<seq>.json          its manifest: seq, time, the catalog's sha256 and size
//   latest                        "<seq>\n": the newest complete snapshot, written last
// Promises: a push uploads only blob files the backup lacks (or holds with another
// size), then the snapshot, then `latest`; killed at any moment it leaves the previous
// `latest` restorable, and the next push completes it. Errors are pond::Error naming
// the backup URL; a push or verify never writes to the pond.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backup/object_store.h"
#include "store/pond.h"
#include "store/restore.h"

namespace pond::backup {

struct PushStats {
  int64_t seq = 0;       // the snapshot's transaction
  int64_t blobs = 0;     // blob files the snapshot needs
  int64_t uploaded = 0;  // of which uploaded now
  int64_t uploaded_bytes = 0;
  bool snapshot_uploaded = false;  // false: `latest` already named this transaction
};

// Pushes `pond` (opened for reading, as of its latest transaction) to `target`.
PushStats Push(const store::Pond& pond, ObjectStore& target);

struct VerifyReport {
  int64_t seq = 0;
  int64_t objects = 0;                // checked: the catalog copy and every blob
  std::vector<std::string> problems;  // `missing blobs/ab/…`, `corrupt blobs/ab/… (sha256 …)`
};

// Downloads the latest snapshot's catalog and every blob file it needs and checks
// each one's sha256. Throws when the backup has no snapshot or cannot be read.
VerifyReport Verify(ObjectStore& source);

// A new pond at `dir` (missing or empty) from the latest snapshot in `source`, every
// download checked against its sha256 (store::RestorePond).
store::RestoreStats Restore(ObjectStore& source, const std::string& dir);

// Brings back the damaged catalog of the pond at `dir` (store::ReplaceCatalog) from
// the newest snapshot in `source` that verifies: its manifest's sha256, the catalog's
// own checks, and every blob file it needs that the pond lacks. Older snapshots are
// tried in turn; throws naming the backup when none verifies.
store::CatalogRepair RepairCatalog(ObjectStore& source, const std::string& dir);

}  // namespace pond::backup
