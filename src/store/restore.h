// A pond rebuilt from a copy of its catalog and the blobs that catalog needs
// (docs/backup.md): the store's half of `pond restore`. The copy comes from
// Pond::CopyCatalog, the blob list from Pond::NeededBlobFiles or CatalogBlobFiles.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pond::store {

// The blob files a copied catalog (a file written by Pond::CopyCatalog) needs, as
// Pond::NeededBlobFiles gives them. Throws pond::Error naming the file when it is not
// a catalog of this pond format.
std::vector<std::string> CatalogBlobFiles(const std::string& catalog_file);

// Writes the catalog copy into the host file `tmp_path`.
using FetchCatalog = std::function<void(const std::string& tmp_path)>;
// Writes the blob file `rel` (`blobs/ab/<hash>[.parquet]`) into the host file `tmp_path`.
using FetchBlob = std::function<void(const std::string& rel, const std::string& tmp_path)>;

struct RestoreStats {
  int64_t last_seq = 0;
  int64_t blobs = 0, bytes = 0;
};

// Creates a pond at `dir` (missing, or an empty directory; else `exists and is not
// empty (<dir>)`): the catalog copy is fetched into `dir`/blobs/tmp/, then each blob
// it needs, whose sha256 is checked against its name (else BlobError naming it)
// before it moves into place; the catalog goes in last, so until then `dir` is no
// pond. On any failure `dir` is removed again (emptied, when it existed) and the
// error rethrown.
RestoreStats RestorePond(const std::string& dir, const FetchCatalog& fetch_catalog,
                         const FetchBlob& fetch_blob);

struct CatalogRepair {
  int64_t seq = 0;                // the copy's last transaction, now the pond's
  int64_t fetched = 0;            // blob files the pond lacked, fetched
  std::string kept_as;            // the damaged catalog, kept beside: catalog.sqlite.damaged-<time>
  std::vector<std::string> lost;  // `transaction 5 ["pond","mkdir","/y"]`, `transactions 6..7`
};

// Brings back the damaged catalog of the pond at `dir` from a copy (a backup
// snapshot), under the writer lock: the copy is fetched into blobs/tmp/ and must pass
// the catalog's checks (else pond::Error, and the pond is as it was); each blob file
// it needs that the pond lacks is fetched (checked against its name); the damaged
// catalog and its write-ahead log move aside, never deleted; then the copy takes its
// place and catalog.seq its last transaction. Every later transaction, recorded in
// catalog.seq or still readable in the damaged catalog, is named in `lost`. No blob
// is deleted: those of lost transactions stay, unreferenced.
CatalogRepair ReplaceCatalog(const std::string& dir, const FetchCatalog& fetch_catalog,
                             const FetchBlob& fetch_blob);

// The URLs of the backups the catalog at `dir` names, as far as it can still be read
// (empty when it cannot): where `check --repair` looks for a snapshot.
std::vector<std::string> KnownBackupUrls(const std::string& dir);

}  // namespace pond::store
