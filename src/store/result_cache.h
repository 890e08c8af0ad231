// Computed results kept between reads (docs/factories.md, "Cached reductions"):
//   <pond>/cache/<kind>/<key>.<sha256 of the file's bytes>.parquet
//   <pond>/cache/tmp/   files being written
// The key is a digest of exactly what the result was computed from (factory config,
// the inputs' content identities), so a file is right by construction: a changed input
// is a changed key, never a stale file. The second hash lets every use check the bytes,
// as blobs are checked: a damaged or truncated file is a miss, never a wrong answer.
//
// Promises:
// - Readers write here without the writer lock: a file appears whole under its final
//   name (written under tmp/, then renamed) or not at all.
// - Nothing here is the pond's state: not in the catalog, not in backups, not seen by
//   `pond check`. Deleting the folder only costs recomputing.
// - Any failure to write (read-only pond, full disk) is a debug line; the caller reads
//   without the cache.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/duckdb.h"

namespace pond::store {

class ResultCache {
 public:
  explicit ResultCache(std::string pond_dir) : dir_(std::move(pond_dir)) {}

  // False when the environment says POND_CACHE=off: reads compute from scratch and
  // nothing is looked up or written.
  static bool Enabled();

  // The host path of the file cached under (kind, key), its bytes checked against
  // its name; nullopt when there is none. A damaged file is removed (best effort) and
  // is a miss. A hit marks the file used now (its mtime), for SweepCache.
  std::optional<std::string> Find(const std::string& kind, const std::string& key);
  // Writes the rows of `select` (a SELECT statement) as the file for (kind, key) with
  // DuckDB's COPY on `con`, then renames it into place. Returns its host path, or
  // nullopt when it could not be written (a debug line says why).
  std::optional<std::string> Put(engine::Connection& con, const std::string& kind,
                                 const std::string& key, const std::string& select);
  // Many results in one COPY: the rows of `select` grouped by its BIGINT column `part`
  // (not written), the group of value v as the file for (kind, keys.at(v)). Returns the
  // values that had rows and, for each written, the file's host path. A value with rows
  // but no file (DuckDB split its group, or a failure) is the caller's to Put alone.
  struct Partitioned {
    std::set<int64_t> seen;
    std::map<int64_t, std::string> files;
  };
  Partitioned PutPartitioned(engine::Connection& con, const std::string& kind,
                             const std::string& select, const std::string& part,
                             const std::map<int64_t, std::string>& keys);
  // Records that the results for (kind, each of `keys`) have no rows: one file
  // `<sha256 of its text>.empty` listing the keys, which Find returns for each of them
  // and IsEmpty tells apart. Years of spans without data (a stray 1970 timestamp
  // before the readings) cost one small file, not one each.
  bool PutEmpty(const std::string& kind, const std::vector<std::string>& keys);
  // Whether a path Find returned stands for an empty result.
  static bool IsEmpty(const std::string& path);

  // What this process did, for tests and debug lines.
  struct Stats {
    int64_t hits = 0, misses = 0, written = 0, damaged = 0, failed = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  // Cached file names of one kind by key, listed once per process.
  std::map<std::string, std::vector<std::string>>& Listing(const std::string& kind);

  std::string dir_;
  std::map<std::string, std::map<std::string, std::vector<std::string>>> listings_;
  std::set<std::string> verified_;  // host paths whose bytes this process checked
  Stats stats_;
};

// `pond maintain`: removes the cache files of the pond at `dir` not used for
// `unused_for_us` µs (by mtime, which every hit refreshes) and temporaries older than
// an hour. Call it with the blob lock held exclusively (no reader runs).
struct CacheSweep {
  int64_t files = 0, bytes = 0;
};
CacheSweep SweepCache(const std::string& dir, int64_t unused_for_us);

}  // namespace pond::store
