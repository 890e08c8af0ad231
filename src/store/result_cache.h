// Computed results kept between reads (docs/factories.md, "Cached reductions"):
//   <pond>/cache/<kind>/<key>.<XXH3-128 of the file's bytes>.parquet
//   <pond>/cache/<kind>/<key>.txt   what a result is made of (PutText)
//   <pond>/cache/tmp/   files being written
// The key is a digest of exactly what the result was computed from (factory config,
// the inputs' content identities), so a file is right by construction: a changed input
// is a changed key, never a stale file. The second hash lets every use check the bytes,
// as blobs are checked: a damaged or truncated file is a miss, never a wrong answer.
// (XXH3, not sha256: the name is not an address anyone trusts, only a check against
// damage, and an hourly export reads a hundred MB of packs: sha256 cost it 50 ms.)
//
// Promises:
// - Readers write here without the writer lock: a file appears whole under its final
//   name (written under tmp/, fsynced, then renamed) or not at all, whether the writer
//   fails or is killed at any point (every write goes through the Disk seam).
// - Nothing here is the pond's state: not in the catalog, not in backups, not seen by
//   `pond check`. Deleting the folder only costs recomputing.
// - Any failure to write (read-only pond, full disk) is a debug line; the caller reads
//   without the cache.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/duckdb.h"
#include "store/disk.h"

namespace pond::store {

class ResultCache {
 public:
  // Writes go through `disk` (readers write the cache too: the Pond passes
  // DiskFromEnvironment(), so fault tests reach it).
  ResultCache(std::string pond_dir, Disk& disk) : dir_(std::move(pond_dir)), disk_(disk) {}

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
  // The same for a file that `write` makes at the host path it is given (a parser's
  // output). nullopt when it could not be written, a failure of `write` included: the
  // caller then writes elsewhere and meets its own error there.
  std::optional<std::string> PutFile(const std::string& kind, const std::string& key,
                                     const std::function<void(const std::string& path)>& write);
  // A small text kept under (kind, key) as <kind>/<key>.txt, replaced whole by each
  // PutText (written under tmp/ with a checksum line, renamed; not fsynced): what a
  // result is made of, such as the spans a reduction's pack holds or a parse's times.
  // FindText returns it only whole (a crash may lose one or cut it short: either reads
  // as missing), and marks it used. Nothing in it names a result whose bytes Find does
  // not check.
  std::optional<std::string> FindText(const std::string& kind, const std::string& key);
  bool PutText(const std::string& kind, const std::string& key, const std::string& text);
  // Marks the text under (kind, key) used now, when what it describes was used.
  void MarkTextUsed(const std::string& kind, const std::string& key);

  // Parts of a result taken from an earlier result or computed anew (the caller
  // counts them, for tests and debug lines).
  void CountParts(int64_t reused, int64_t computed) {
    stats_.parts_reused += reused;
    stats_.parts_computed += computed;
  }

  // What this process did, for tests and debug lines.
  struct Stats {
    int64_t hits = 0, misses = 0, written = 0, damaged = 0, failed = 0;
    int64_t parts_reused = 0, parts_computed = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  // Cached file names of one kind by key, listed once per process.
  std::map<std::string, std::vector<std::string>>& Listing(const std::string& kind);
  void MarkUsed(const std::string& path);

  std::string dir_;
  Disk& disk_;
  std::map<std::string, std::map<std::string, std::vector<std::string>>> listings_;
  std::set<std::string> verified_;  // host paths whose bytes this process checked
  Stats stats_;
};

// `pond maintain`: removes, through `disk`, the cache files of the pond at `dir` not
// used for `unused_for_us` µs (by mtime, which every hit refreshes), temporaries older
// than an hour, and then the folders left empty (a kind an older pond wrote, such as
// reduce-run/, is never read, so it goes whole after `unused_for_us`). Call it with
// the blob lock held exclusively (no reader runs).
struct CacheSweep {
  int64_t files = 0, bytes = 0;
};
CacheSweep SweepCache(const std::string& dir, int64_t unused_for_us, Disk& disk);

}  // namespace pond::store
