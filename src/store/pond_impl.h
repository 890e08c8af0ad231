// Internals shared by pond.cc, transaction.cc and catalog.cc: the state behind a
// Pond and the in-memory snapshot of its directory tree. Not a public header.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/duckdb.h"
#include "path/glob.h"
#include "store/blob_store.h"
#include "store/disk.h"
#include "store/layout.h"
#include "store/pond.h"
#include "store/pond_lock.h"
#include "store/sqlite.h"

namespace pond::store {

// Parses a `nodes.kind` value; throws for an unknown one.
Kind ParseKind(std::string_view name);
// ".parquet" for tables and series, "" for raw blobs.
std::string BlobExtension(Kind kind);

// The part of the directory tree (nodes and entries) visible at one seq that this
// view has read: a directory's entries and their nodes are read together, once, when
// a walk first enters it, so a command costs the directories it touches.
struct TreeSnapshot {
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
  // time in malloc and free for them. Freed as a whole with the snapshot.
  std::pmr::monotonic_buffer_resource arena{64 << 10};
  std::pmr::unordered_map<int64_t, Node> nodes{&arena};  // read so far
  std::pmr::unordered_map<int64_t, Names> children{&arena};  // directories read
  std::optional<int64_t> max_id;  // the largest node id, once asked (writers only)
};

// Schema and snapshot queries over the SQLite catalog (catalog.cc).
namespace catalog {
// 1 was catalog.duckdb; 2 is catalog.sqlite with a schema per version.
inline constexpr const char* kFormatVersion = "2";
void CreateSchema(sqlite::Db& db);
// meta's format_version, or "?" when the file has none.
std::string FormatVersion(sqlite::Db& db);
// One node, or nullopt if it is not visible at seq.
std::optional<TreeSnapshot::Node> LoadNode(sqlite::Db& db, int64_t seq, int64_t id);
// The entries of directory `dir_id` visible at seq, into t.children[dir_id], and their
// nodes into t.nodes. One range of the entries B-tree, one node lookup per entry.
void LoadChildren(sqlite::Db& db, int64_t seq, int64_t dir_id, TreeSnapshot& t);
int64_t MaxNodeId(sqlite::Db& db);
// The commit time of transaction seq (0 if there is none).
int64_t TxnTime(sqlite::Db& db, int64_t seq);
// Versions visible at seq, oldest first, by node: of one node, or of every node.
std::unordered_map<int64_t, std::vector<VersionInfo>> LoadVersions(
    sqlite::Db& db, int64_t seq, std::optional<int64_t> node_id);
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
// The backup targets (snapshot.cc): the table is made by the first `backup add`.
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
}  // namespace catalog

// A table's or series' columns as the catalog keeps them: [["name","TYPE"],…].
std::string SchemaJson(const std::vector<Column>& columns);
std::vector<Column> ParseSchema(const std::string& json);

struct Pond::Impl {
  // Writers take the writer lock; readers hold the blob lock shared (see PondLock).
  Impl(std::string dir, Disk& disk, bool writer);

  // The node id `path` leads to in this view, or nullopt (missing, or through a
  // non-directory). Symlinks are followed (in the last component only when follow_last); more than
  // kMaxSymlinkHops hops throws `symlink loop (<path>)`.
  std::optional<int64_t> Resolve(const std::string& path, bool follow_last) const;
  // The node `id` (nullptr if it is not visible in this view) and the entries of the
  // directory `id`, read from the catalog on first use.
  const TreeSnapshot::Node* NodeOf(int64_t id) const;
  const TreeSnapshot::Names& ChildrenOf(int64_t dir_id) const;
  // The id a new node takes (writers: they hold the lock, so it stays free).
  int64_t NextNodeId();
  // The versions of a node in this view: its latest read now (one indexed lookup),
  // the whole list only when a caller walks it.
  const VersionList& VersionsOf(int64_t node_id) const;
  NodeInfo Info(int64_t node_id) const;
  // Pond::RelationSql and Pond::Columns, for the transaction's use too.
  std::string Relation(const NodeInfo& node, const ReadColumns& columns = std::nullopt) const;
  // The host path of a Parquet blob, verified for a read of `columns` (its range
  // checksums when it has them, else the whole file).
  std::string VerifiedParquet(const std::string& hash, const ReadColumns& columns) const;
  // The blobs that hold a series' rows in this view (layout.h).
  std::vector<Piece> Pieces(const NodeInfo& node) const;
  std::vector<Column> Columns(const NodeInfo& node) const;
  // Record a node or version this view's transaction has just inserted into the
  // catalog, in the tree and versions already read (reloading them after every
  // write made a copy of 10,000 files quadratic).
  void NoteNode(TreeSnapshot::Node node, int64_t parent_id, const std::string& name);
  void NoteVersion(int64_t node_id, VersionInfo version);
  // Forgets the tree and versions read so far (they are read again when next needed).
  void InvalidateTree() {
    tree_ = std::make_unique<TreeSnapshot>();
    txn_times_.clear();
    versions_.clear();
  }

  // The view's DuckDB connection, opened on first use: commands that only read the
  // catalog never load DuckDB.
  engine::Connection& Sql();
  // A further connection to the same DuckDB database (Pond::Connect).
  std::unique_ptr<engine::Connection> NewConnection();

  std::string dir;
  Disk& disk;
  PondLock lock;  // first member: released after the catalog is closed
  std::unique_ptr<sqlite::Db> catalog;
  BlobStore blobs;
  ResultCache cache;
  bool writable = false;
  int64_t last_seq = 0;
  int64_t view_seq = 0;
  bool in_transaction = false;
  std::unique_ptr<TreeView> tree_view;
  mutable std::optional<bool> has_chunk_sums;  // catalog::HasChunkSums, asked once

 private:
  std::unique_ptr<engine::Database> db_;  // in-memory, for data only
  std::unique_ptr<engine::Connection> con_;
  mutable std::unique_ptr<TreeSnapshot> tree_ = std::make_unique<TreeSnapshot>();
  // Commit times of the transactions that created the nodes asked about (Info): a
  // lookup each, never a table of all transactions, which grows with the pond's age.
  mutable std::unordered_map<int64_t, int64_t> txn_times_;
  // Each node's latest version, read with one indexed lookup; the whole lists load
  // lazily (VersionList).
  mutable std::unordered_map<int64_t, VersionList> versions_;
  // Readers' covers by node: a reduction asks for one per span of history. Writers
  // read theirs afresh (their own appends and merges change them).
  mutable std::unordered_map<int64_t, std::vector<Piece>> covers_;
  mutable std::unordered_map<int64_t, std::vector<Column>> schemas_;  // the same for schemas
  // What a VersionList's loader holds: it reads nothing once the Pond is gone.
  std::shared_ptr<const Impl*> alive_ = std::make_shared<const Impl*>(this);
  VersionList::Loader Loader(int64_t node_id) const;
};

// The catalog connection behind a Pond (check.cc reads it whole).
sqlite::Db& CatalogOf(Pond& pond);

}  // namespace pond::store
