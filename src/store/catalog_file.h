// The catalog as files, before and beside SQLite (docs/storage.md, "A damaged
// catalog"): whether the file where the catalog should be can be a pond catalog at
// all, judged from its size and first page without opening it (so a failed command
// writes nothing), and the record of the last transaction committed, which tells a
// catalog that lost commits (a damaged or deleted write-ahead log) from a sound one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pond::store {

// `PRAGMA application_id` of a pond catalog: "Pond".
inline constexpr int64_t kPondApplicationId = 0x506f6e64;

enum class CatalogFile {
  kSealed,    // a pond catalog whose pages carry sums (format 3 on)
  kUnsealed,  // an SQLite file in WAL mode without them: format 2, or not a pond's
};

// Throws sqlite::CatalogDamage naming `path` when it is empty, truncated, not an
// SQLite file, another application's, or its first page fails its checksum:
// `catalog.sqlite is empty: not a pond catalog, or damaged (<path>)`.
CatalogFile CheckCatalogFile(const std::string& path);

// The last transaction a writer saw committed in the pond at `dir` (`catalog.seq`),
// or nullopt when there is no readable record (or POND_CATALOG_VERIFY=off). A catalog
// put back by hand from an older copy is accepted once the record is deleted.
std::optional<int64_t> ReadCommitRecord(const std::string& dir);
// Records `seq` after its COMMIT. Best effort and not synced: a record lost or older
// than the catalog is harmless, and it is only written once the commit is durable,
// so a record newer than the catalog means the catalog lost commits.
void WriteCommitRecord(const std::string& dir, int64_t seq);

}  // namespace pond::store
