// Internals shared by pond.cc, transaction.cc, check.cc and restore.cc: the state
// behind a Pond. Not a public header.
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
#include "store/catalog.h"
#include "store/disk.h"
#include "store/layout.h"
#include "store/pond.h"
#include "store/pond_lock.h"
#include "store/sqlite.h"

namespace pond::store {

struct Pond::Impl {
  // Writers take the writer lock; readers hold the blob lock shared (see PondLock).
  Impl(std::string dir, Disk& disk, bool writer);

  // The node id `path` leads to in this view, or nullopt (missing, or through a
  // non-directory). Symlinks are followed (in the last component only when follow_last); more than
  // kMaxSymlinkHops hops throws `symlink loop (<path>)`.
  std::optional<int64_t> Resolve(const std::string& path, bool follow_last) const;
  // The node `id` (nullptr if it is not visible in this view) and the entries of the
  // directory `id`, read from the catalog on first use.
  const LoadedTree::Node* NodeOf(int64_t id) const;
  const LoadedTree::Names& ChildrenOf(int64_t dir_id) const;
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
  // The blobs that hold a series' rows or a file:log's bytes in this view (layout.h).
  std::vector<Piece> Pieces(const NodeInfo& node) const;
  // Pond::LogStateOf, for the transaction's use too.
  LogState LogStateOf(const NodeInfo& node) const;
  std::vector<Column> Columns(const NodeInfo& node) const;
  // Record a node or version this view's transaction has just inserted into the
  // catalog, in the tree and versions already read (reloading them after every
  // write made a copy of 10,000 files quadratic).
  void NoteNode(LoadedTree::Node node, int64_t parent_id, const std::string& name);
  void NoteVersion(int64_t node_id, VersionInfo version);
  // Forgets the tree and versions read so far (they are read again when next needed).
  void InvalidateTree() {
    tree_ = std::make_unique<LoadedTree>();
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
  mutable std::unique_ptr<LoadedTree> tree_ = std::make_unique<LoadedTree>();
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
