// Sealed catalog pages (docs/storage.md, "A damaged catalog"): a layer under SQLite
// that keeps an XXH3-64 of every page of catalog.sqlite in the page's last 8 bytes
// (SQLite's reserved bytes, set to 8 when the catalog is made) and checks it on every
// read, and checks every write-ahead log frame SQLite reads against the frame's own
// checksum. A failed check makes that read fail with SQLITE_IOERR_DATA, which
// sqlite.cc turns into DamageError; the layer remembers what it found for that line.
// `POND_CATALOG_VERIFY=off` reads without checking (writes are still sealed): to
// salvage what a damaged catalog holds, and for the bench's comparison.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pond::store::sqlite {

inline constexpr int kPageSumBytes = 8;

// False under `POND_CATALOG_VERIFY=off`: reads, page 1 before opening and the commit
// record are then not checked.
bool CatalogChecksOn();

// Registers the layer as SQLite's default file layer, once per process.
void RegisterPageSums();

// What the last failed check of this thread found, e.g. `page 12 fails its
// checksum`, and forgets it; empty when there was none.
std::string TakePageDamage();

// Whether a whole page of a sealed catalog holds its own sum.
bool PageSumHolds(const unsigned char* page, size_t size);

// Every damaged page of the catalog file at `path` and of its write-ahead log, read
// from the files themselves (not through SQLite), one line each: `page 12 of
// catalog.sqlite fails its checksum`, `frame 3 of catalog.sqlite-wal fails its
// checksum: the transactions after it are lost`. A torn last transaction of a crash
// (frames after the last commit frame) is not damage. Empty for an unsealed file.
struct PageDamage {
  std::string text;
  int64_t page = 0;     // the file's damaged page; 0 for the WAL's damage
  bool in_wal = false;  // the WAL's committed frames hold a newer copy, which SQLite
                        // reads instead and a checkpoint writes over it
};
std::vector<PageDamage> ScanCatalogPages(const std::string& path);

}  // namespace pond::store::sqlite
