// The catalog (docs/catalog.md): the SQLite schema of catalog.sqlite and every query
// that reads or writes it, for the store's own use. A view reads the state as of
// its seq; LoadedTree is the part of the tree it has read so far. Not a public header:
// nothing outside src/store sees SQLite.
#pragma once

#include <cstdint>
#include <map>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/chunk_sums.h"
#include "store/layout.h"
#include "store/log_sums.h"
#include "store/pond.h"
#include "store/sqlite.h"

namespace pond::store {

// Parses a `nodes.kind` value; throws for an unknown one.
Kind ParseKind(std::string_view name);
// ".parquet" for tables and series, "" for raw blobs.
std::string BlobExtension(Kind kind);

// The part of the directory tree (nodes and entries) visible at one seq that a
// view has read: a directory's entries and their nodes are read together, once, when
// a walk first enters it, so a command costs the directories it touches.
struct LoadedTree {
  struct Node {
    int64_t id = 0;
    Kind kind = Kind::kDir;
    std::string factory, target;
    int64_t created_seq = 0;
  };
  // Names compare as bytes, whatever string type holds them.
  struct ByBytes {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a < b; }
  };
  using Names = std::pmr::map<std::pmr::string, int64_t, ByBytes>;

  // One arena for the maps below: a `list` over 10,000 nodes spent a fifth of its
  // time in malloc and free for them. Freed as a whole with the tree.
  std::pmr::monotonic_buffer_resource arena{64 << 10};
  std::pmr::unordered_map<int64_t, Node> nodes{&arena};      // read so far
  std::pmr::unordered_map<int64_t, Names> children{&arena};  // directories read
  std::optional<int64_t> max_id;  // the largest node id, once asked (writers only)
};

// The schema and the queries over it.
namespace catalog {
// 1 was catalog.duckdb; 2 is catalog.sqlite with a schema per version; 3 the same
// tables with every page sealed by its sum (page_sums.h). A writer seals a pond of
// format 2 when it opens it; readers read one unchecked.
inline constexpr const char* kFormatVersion = "3";
inline constexpr const char* kUnsealedFormatVersion = "2";
void CreateSchema(sqlite::Db& db);
// meta's format_version, or "?" when the file has none.
std::string FormatVersion(sqlite::Db& db);
// meta's birthplace (`pond init --birthplace NAME`), empty when none was given.
std::string Birthplace(sqlite::Db& db);
// One node, or nullopt if it is not visible at seq.
std::optional<LoadedTree::Node> LoadNode(sqlite::Db& db, int64_t seq, int64_t id);
// The entries of directory `dir_id` visible at seq, into t.children[dir_id], and their
// nodes into t.nodes. One range of the entries B-tree, one node lookup per entry.
void LoadChildren(sqlite::Db& db, int64_t seq, int64_t dir_id, LoadedTree& t);
int64_t MaxNodeId(sqlite::Db& db);
// The commit time of transaction seq (0 if there is none).
int64_t TxnTime(sqlite::Db& db, int64_t seq);
// Versions visible at seq, oldest first, by node: of one node, or of every node.
std::unordered_map<int64_t, std::vector<VersionInfo>> LoadVersions(sqlite::Db& db, int64_t seq,
                                                                   std::optional<int64_t> node_id);
// The newest version of a node visible at seq, or nullopt: one indexed lookup.
std::optional<VersionInfo> LatestVersion(sqlite::Db& db, int64_t seq, int64_t node_id);
// The cover (layout.h Cover) of a series' versions 1..versions as visible at seq, read
// with a lookup or two per piece instead of loading every version and segment.
std::vector<Piece> LoadCover(sqlite::Db& db, int64_t node_id, int64_t seq, int versions);
// The `schema` of one version (JSON, see SchemaJson), "" if none.
std::string Schema(sqlite::Db& db, int64_t node_id, int version);
int64_t LastSeq(sqlite::Db& db);
// A series' segments visible at seq, by first_version.
std::vector<Segment> LoadSegments(sqlite::Db& db, int64_t node_id, int64_t seq);
void InsertSegment(sqlite::Db& db, int64_t node_id, const Segment& segment);
// The backup targets: the table is made by the first `backup add`.
void CreateBackupsTable(sqlite::Db& db);
// Targets visible at seq, by name; none when the table does not exist.
std::vector<BackupTarget> LoadBackups(sqlite::Db& db, int64_t seq);
// A Parquet blob's range checksums (chunk_sums.h), kept with the transaction that
// stores it (the table is made then if missing); none for an empty list.
void InsertChunkSums(sqlite::Db& db, const std::string& blob, const std::vector<ChunkSum>& sums);
// Whether the pond has the table at all (ponds made before it do not).
bool HasChunkSums(sqlite::Db& db);
// The ranges of `blob` by start; empty when it has none (small or nested blobs).
std::vector<ChunkSum> LoadChunkSums(sqlite::Db& db, const std::string& blob);
// A file:log version's cumulative size and BLAKE3 (`log_versions`, made by the first
// append when missing: older ponds need no migration).
void InsertLogVersion(sqlite::Db& db, int64_t node_id, int version, const LogState& state);
// nullopt when the row (or the table) is missing.
std::optional<LogState> LoadLogVersion(sqlite::Db& db, int64_t node_id, int version);
// Every row, by node then version: empty when the table is missing.
std::map<int64_t, std::map<int, LogState>> LoadLogVersions(sqlite::Db& db);
// A file:log's sums (`log_segments`, `log_tails`; made by the first append that keeps
// them) as written by its version `version`: the segments from sums.first on replace
// those kept, the tail and state are the version's.
void SaveLogSums(sqlite::Db& db, int64_t node_id, int version, const LogSums& sums);
// The sums of `version` of `size` bytes, every whole segment from 0; nullopt when that
// version wrote none (or some segment is missing).
std::optional<LogSums> LoadLogSums(sqlite::Db& db, int64_t node_id, int version, int64_t size);
}  // namespace catalog

// A table's or series' columns as the catalog keeps them: [["name","TYPE"],…].
std::string SchemaJson(const std::vector<Column>& columns);
std::vector<Column> ParseSchema(const std::string& json);

}  // namespace pond::store
