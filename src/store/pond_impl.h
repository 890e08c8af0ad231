// Internals shared by pond.cc, transaction.cc and catalog.cc: the state behind a
// Pond and the in-memory snapshot of its directory tree. Not a public header.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
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
Kind ParseKind(const std::string& name);
// ".parquet" for tables and series, "" for raw blobs.
std::string BlobExtension(Kind kind);

// The directory tree (nodes and entries) visible at one seq: small, loaded once per
// view with two queries, so path walks and globbing never go back to SQL.
struct TreeSnapshot {
  struct Node {
    int64_t id = 0;
    Kind kind = Kind::kDir;
    std::string factory, target;
    int64_t created_seq = 0, created_time_us = 0;
  };
  std::unordered_map<int64_t, Node> nodes;
  int64_t max_id = 0;  // the largest node id: a new node takes the next one
  std::unordered_map<int64_t, std::map<std::string, int64_t>> children;  // by parent
};

// Schema and snapshot queries over the SQLite catalog (catalog.cc).
namespace catalog {
// 1 was catalog.duckdb; 2 is catalog.sqlite with a schema per version.
inline constexpr const char* kFormatVersion = "2";
void CreateSchema(sqlite::Db& db);
// meta's format_version, or "?" when the file has none.
std::string FormatVersion(sqlite::Db& db);
TreeSnapshot LoadTree(sqlite::Db& db, int64_t seq);
// Versions visible at seq, oldest first, by node: of one node, or of every node.
std::unordered_map<int64_t, std::vector<VersionInfo>> LoadVersions(
    sqlite::Db& db, int64_t seq, std::optional<int64_t> node_id);
// The `schema` of one version (JSON, see SchemaJson), "" if none.
std::string Schema(sqlite::Db& db, int64_t node_id, int version);
int64_t LastSeq(sqlite::Db& db);
// A series' segments visible at seq, by first_version.
std::vector<Segment> LoadSegments(sqlite::Db& db, int64_t node_id, int64_t seq);
void InsertSegment(sqlite::Db& db, int64_t node_id, const Segment& segment);
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
  const TreeSnapshot& tree_snapshot() const;
  // The versions of a node in this view. The first few nodes asked for cost a query
  // each; then every node's versions are read in one query, as a query per node made
  // `list` over 10,000 nodes take seconds.
  const VersionList& VersionsOf(int64_t node_id) const;
  NodeInfo Info(int64_t node_id) const;
  // Pond::RelationSql and Pond::Columns, for the transaction's use too.
  std::string Relation(const NodeInfo& node) const;
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
    snapshot_.reset();
    versions_.clear();
    all_versions_ = false;
    version_queries_ = 0;
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
  bool writable = false;
  int64_t last_seq = 0;
  int64_t view_seq = 0;
  bool in_transaction = false;
  std::unique_ptr<TreeView> tree_view;

 private:
  std::unique_ptr<engine::Database> db_;  // in-memory, for data only
  std::unique_ptr<engine::Connection> con_;
  mutable std::optional<TreeSnapshot> snapshot_;
  // Single-node queries before reading all: one costs ~3 ms on a 10,000-node catalog,
  // all of them ~10 ms (bench case 6), so a command touching a few nodes reads all.
  static constexpr int kVersionQueries = 2;
  mutable std::unordered_map<int64_t, VersionList> versions_;
  mutable bool all_versions_ = false;  // versions_ holds every node
  mutable int version_queries_ = 0;
};

// The catalog connection behind a Pond (check.cc reads it whole).
sqlite::Db& CatalogOf(Pond& pond);

}  // namespace pond::store
