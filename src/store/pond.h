// The pond: a transactional, versioned file system of data files, tables and
// time series, kept in one host directory (docs/storage.md):
//   catalog.sqlite   nodes, directory entries, versions, segments, transactions (WAL;
//                    every table: docs/catalog.md)
//   pond.lock        the writer lock (flock LOCK_EX); holds the last writer's pid
//   blobs.lock       readers LOCK_SH for their life; blob deleters LOCK_EX
//   blobs/ab/<sha256>[.parquet]   immutable, content-addressed version contents
//   blobs/tmp/       in-flight writes (garbage after a crash)
//
// Promises:
// - Every mutating command is one Transaction: all of its changes become visible
//   at Commit(), or none do (destruction without Commit rolls back and deletes the
//   blobs it created). A crash at any point leaves at most orphan blobs.
// - Reads see a consistent view as of one transaction (the latest, or `--at SEQ`),
//   from one SQLite snapshot held for the Pond's life: writers never wait for them.
// - Tables and series are read through SQL: RelationSql() gives a relation that
//   the view's own DuckDB connection can SELECT from; nothing is copied out.
// - The store's host file-system writes go through a Disk (disk.h, which lists the
//   few that do not), so tests can fail or "crash" at any write.
// Errors throw pond::Error naming the pond path, host file or pond directory.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "engine/duckdb.h"
#include "path/glob.h"
#include "store/chunk_sums.h"
#include "store/blob_store.h"
#include "store/disk.h"
#include "store/result_cache.h"

namespace pond::store {

// What the catalog stores for a node (docs/layers.md, "What a node is"). kLog is an
// append-only data file (docs/append-only.md): it reads as data, each version
// holding only the bytes it added.
enum class Kind { kDir, kData, kTable, kSeries, kSymlink, kDynamic, kLog };
// "dir", "file:data", "file:table", "file:series", "symlink", "dynamic", "file:log":
// the catalog's `nodes.kind` and the words every command prints.
std::string KindName(Kind k);
// A stored node as `list -l` and `describe` show it: KindName, except a dynamic
// node, which shows its factory (`dynamic:temporal-reduce`).
std::string ListedKind(Kind k, const std::string& factory);

struct VersionInfo {
  int version = 0;  // 1, 2, 3… per node
  int64_t txn_seq = 0;
  int64_t time_us = 0;                          // commit time of txn_seq
  std::string blob;                             // sha256 hex
  int64_t size = 0;                             // bytes of the blob (a file:log's: added)
  std::optional<int64_t> rows, min_ts, max_ts;  // tables/series; µs UTC
  int64_t ts_nulls = 0;                         // series: rows whose timestamp is NULL
};

// A node's visible versions, oldest first. Shared and immutable, so copying a
// NodeInfo does not copy them: a glob over 10,000 nodes used to copy every list.
// The count and the latest version are known at once; the whole list is read from
// the catalog only when asked for (all(), [], iteration): a collector's series of
// 35,040 versions is read, appended to and described without loading them.
class VersionList {
 public:
  using Loader = std::function<std::vector<VersionInfo>()>;
  VersionList() = default;
  explicit VersionList(std::vector<VersionInfo> v);
  // `latest` is version number n of versions 1..n; `load` gives all n, on first need.
  VersionList(VersionInfo latest, Loader load);
  const std::vector<VersionInfo>& all() const;
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  const VersionInfo& back() const { return *latest_; }
  const VersionInfo& operator[](size_t i) const { return all()[i]; }
  std::vector<VersionInfo>::const_iterator begin() const { return all().begin(); }
  std::vector<VersionInfo>::const_iterator end() const { return all().end(); }
  // A new list: these versions, then `v` (not loading them: `load` gives all, `v` too).
  VersionList Plus(VersionInfo v, Loader load) const;

 private:
  struct State;
  size_t count_ = 0;
  std::shared_ptr<const VersionInfo> latest_;
  std::shared_ptr<State> state_;
};

struct NodeInfo {
  int64_t id = 0;
  Kind kind = Kind::kDir;
  std::string factory;  // kDynamic only
  std::string target;   // kSymlink only, as written
  int64_t created_seq = 0;
  int64_t created_time_us = 0;        // commit time of created_seq
  VersionList versions;               // visible versions, oldest first
};

// What a file:log holds as of one version: its cumulative size N and the BLAKE3 of
// those N bytes, lowercase hex, what `b3sum` prints for the host file it mirrors.
struct LogState {
  int64_t size = 0;
  std::string blake3;
};

// One blob of a data file's bytes, in the order a read concatenates them
// (Pond::DataPieces): a file:data node has one, a file:log one per piece of its
// cover (docs/append-only.md, "Reads").
struct DataPiece {
  std::string path;       // host path of the blob, its bytes verified unless asked not to
  int64_t offset = 0;     // where its bytes start in the file
  int64_t size = 0;       // how many bytes it holds
  int first_version = 0;  // the versions whose bytes it holds
  int last_version = 0;
};

// The host file an append reads no longer starts with the bytes the file:log holds
// (rotated, truncated and rewritten, or changed): nothing was written.
class PrefixMismatchError : public Error {
 public:
  using Error::Error;
};

// A column of a table or series, as DuckDB's DESCRIBE names it.
struct Column {
  std::string name;
  std::string type;  // e.g. "TIMESTAMP", "DOUBLE", "VARCHAR"
};

struct TxnInfo {
  int64_t seq = 0;
  int64_t time_us = 0;
  std::vector<std::string> argv;
  std::map<std::string, std::string> vars;
};

// A backup target configured in the pond (`pond backup add`, docs/backup.md): a name
// and a URL, never credentials.
struct BackupTarget {
  std::string name;
  std::string url;  // s3://BUCKET/PREFIX or file:///DIR
  int64_t created_seq = 0;
};

// Where a table or series comes from when written into the pond.
struct TableSource {
  // SQL producing the rows, runnable on the pond's connection (e.g.
  // `SELECT * FROM read_csv('x.csv', header=true)`).
  std::string sql;
  // Shown in errors about this source (a host file name).
  std::string label;
  // Series only: "s" or "ms" when the time column holds integer Unix epochs in
  // that unit (`copy --timestamp-unit`); empty otherwise.
  std::string timestamp_unit;
  // The columns of `sql` when already known (HostFileSource describes a CSV to
  // check its layout); empty: the store describes the source itself. Describing
  // a CSV runs DuckDB's sniffer again, ~0.2 s on a 100 MB file.
  std::vector<Column> columns = {};
};

class Transaction;
namespace sqlite {
class Db;
}

// A view of a pond as of one transaction. Opened for reading (no writer lock) or
// writing (the writer lock; then Begin() starts the one transaction).
class Pond {
 public:
  // Creates the pond directory (and parents) and transaction 1. Error if a catalog
  // exists: `pond already exists (<dir>)`.
  // `birthplace`: a label kept for the pond's life (the original's `init --birthplace`),
  // none when empty.
  static void Init(const std::string& dir, const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& vars, Disk* disk = nullptr,
                   const std::string& birthplace = "");
  // The label given at init, empty when none was.
  std::string birthplace() const;

  // Opens for reading as of `at` (default: latest): no writer lock, the blob lock
  // shared. `no transaction 99 (last is 14)` for an unknown SEQ; `not a pond (<dir>)`
  // when there is no catalog; a pond of format 1 (catalog.duckdb) is named as such.
  static std::unique_ptr<Pond> OpenRead(const std::string& dir, std::optional<int64_t> at = {});
  // Opens for writing: takes the writer lock, retrying every 100 ms for 5 s,
  // then fails with `pond is locked by pid N (<dir>/pond.lock)`. A null `disk`
  // means DiskFromEnvironment().
  static std::unique_ptr<Pond> OpenWrite(const std::string& dir, Disk* disk = nullptr);
  ~Pond();

  const std::string& dir() const;
  int64_t last_seq() const;   // newest committed transaction
  int64_t view_seq() const;   // the transaction this view shows
  engine::Connection& sql();  // the view's DuckDB connection, opened on first use
  // A further connection to the same DuckDB database, for statements run in parallel
  // threads (each thread its own connection); its temp tables are its own.
  std::unique_ptr<engine::Connection> Connect();

  // --- reading -------------------------------------------------------------
  // The node at `path`, following symlinks (also in the last component when
  // follow_last); nullopt if none. Throws Error for an invalid path or a symlink loop.
  std::optional<NodeInfo> Lookup(const std::string& path, bool follow_last = true) const;
  // Like Lookup but throws `no such node (<path>)`.
  NodeInfo Get(const std::string& path) const;
  // The node named `name` in the stored directory `dir`, not following a symlink;
  // nullopt if none. A walk that has resolved the directory pays one lookup.
  std::optional<NodeInfo> Child(const NodeInfo& dir, const std::string& name) const;
  // Names of a stored directory's entries, sorted byte-wise.
  std::vector<std::string> List(const NodeInfo& dir) const;
  // A stored directory's entries with the node each names (kind and id only, no
  // versions read), sorted by name; an entry whose node is missing is left out.
  struct Entry {
    std::string name;
    int64_t id;
    Kind kind;
  };
  std::vector<Entry> Entries(const NodeInfo& dir) const;
  // Bytes of the latest version of a file:data node (or a dynamic node's config), or
  // of a file:log: every visible version's bytes concatenated, byte-identical to the
  // host file it mirrors as of that version.
  // Every read of a blob's content is verified against its hash first (BlobStore::
  // VerifiedPath): a damaged or missing blob throws BlobError, which callers name with
  // the node's pond path.
  std::string ReadData(const NodeInfo& node) const;
  // The same bytes, handed to `sink` in chunks (memory bounded by the chunk).
  void StreamData(const NodeInfo& node, const std::function<void(std::string_view)>& sink) const;
  // The host path of the one blob holding a data file's bytes, verified (as ReadData):
  // for readers that hand the file to a parser rather than copy it. A file:log in
  // several blobs (DataPieces().size() > 1) has no such path: throws `file:log held in
  // N blobs: read it with DataPieces or StreamData`.
  std::string DataPath(const NodeInfo& node) const;
  // The blobs whose bytes, concatenated in order, are the data file as ReadData reads
  // it, each with its byte range and versions: one for a file:data node or config; for
  // a file:log the view's cover (a compaction changes the pieces, never the bytes).
  // Each blob is verified (as ReadData); with `verify` false none is, for a reader that
  // needs only the layout (a cache key) and asks again, verified, before it reads bytes.
  std::vector<DataPiece> DataPieces(const NodeInfo& node, bool verify = true) const;
  // Verifies the blob at `path`, a DataPiece's (as ReadData does, once a process): for a
  // reader of some pieces of a file:log, which need not hash the others.
  void VerifyDataPiece(const std::string& path) const;
  // A file:log's cumulative size and BLAKE3 as of this view (its latest visible
  // version), from the catalog: one lookup, no blob read. Throws for another kind.
  LogState LogStateOf(const NodeInfo& node) const;
  // Columns of a file:table or file:series (the merged schema of all versions), from
  // the catalog: no Parquet is opened.
  std::vector<Column> Columns(const NodeInfo& node) const;
  // Rows and time range (µs UTC) of a file:table (its latest version) or a
  // file:series (all visible versions), from the catalog. A series' are summed over
  // its cover (layout.h): the cost follows the blobs a read opens, not the versions.
  struct Extent {
    std::optional<int64_t> rows, min_ts, max_ts;
    int64_t ts_nulls = 0;  // rows whose timestamp is NULL
  };
  Extent ExtentOf(const NodeInfo& node) const;
  // SQL relation (parenthesized SELECT) over a file:table (latest version) or a
  // file:series (all visible versions, columns merged by name, ordered by timestamp,
  // version, row position; read from the view's cover of merged blobs, layout.h).
  // Usable as `SELECT … FROM <relation>`.
  std::string RelationSql(const NodeInfo& node) const;
  // The same read for `columns`: the only columns the caller's
  // query reads (lowercase), so that only their chunks are verified (docs/storage.md,
  // "Verified reads"); nullopt when it may read any.
  std::string RelationSql(const NodeInfo& node, const ReadColumns& columns) const;
  // The same restricted to the rows whose `timestamp` is in `range`, in the same order,
  // with the same columns. A series reads only the pieces whose times overlap the range
  // (the catalog's min/max per piece), so the cost follows the range, not the history.
  // A table is not a series: it is returned whole.
  std::string RelationSql(const NodeInfo& node, const TimeRange& range) const;
  // A digest (sha256 hex) of what a read of `node` in this view returns, for a series
  // over `range` only: equal digests, equal rows in range (same columns, types and
  // order). A series': the range, its merged schema and the cover pieces overlapping it
  // (blob, versions); a table's, data file's or config's: its latest blob; a file:log's:
  // its size and BLAKE3 (pieces merged or not). From the
  // catalog only: no blob is read. A compaction that merges pieces in the range changes
  // it although the rows stay (a cache keyed by it recomputes once).
  std::string ContentIdentity(const NodeInfo& node, const TimeRange& range) const;
  // The pond's cache of computed results (result_cache.h): readers keep reductions
  // there between commands.
  ResultCache& cache();
  // Host path of a version's blob.
  std::string BlobPath(const VersionInfo& v, Kind kind) const;
  // The stored tree as seen by the glob matcher (dynamic nodes appear as files;
  // the factories layer wraps this to expand them). Valid as long as the Pond.
  const TreeView& tree() const;
  // Transactions, newest first.
  std::vector<TxnInfo> Log(size_t limit) const;
  // The oldest transaction a view may show (pond maintain --keep…); 1 when all are kept.
  int64_t horizon() const;
  // The oldest transaction committed at or after `time_us`, nullopt when none was.
  std::optional<int64_t> FirstTxnSince(int64_t time_us) const;

  // --- retention (OpenWrite only, outside a transaction) -------------------------
  struct Deletion {
    int64_t blobs = 0, bytes = 0;  // deleted now
    int64_t deferred = 0;          // left because a reader is running: the next run deletes
  };
  // Once a horizon is set, deletes every blob file that no view at or after it reads
  // (without one, nothing: every blob stays, even one no view reads). Takes the blob
  // lock exclusively without waiting: while any reader runs, nothing is deleted
  // (`deferred`). Holds the writer lock throughout, so no writer can reuse a blob
  // (same bytes, same name) while it goes.
  Deletion DeleteUnneededBlobs();
  // Removes the cache files (result_cache.h) no read has used for `unused_for_us` µs,
  // with the blob lock taken exclusively without waiting: while a reader runs, nothing
  // (nullopt; the next run does it).
  std::optional<CacheSweep> SweepCache(int64_t unused_for_us);

  // --- backup (docs/backup.md) ------------------------------------------------
  // The backup targets visible in this view, by name.
  std::vector<BackupTarget> Backups() const;
  // Writes the catalog as this view's snapshot holds it (every transaction up to
  // last_seq()) into a new SQLite file at `host_path` (SQLite's backup API), however
  // many writers commit meanwhile. Not for a view opened `--at` an older transaction.
  void CopyCatalog(const std::string& host_path) const;
  // The blob files (`blobs/ab/<hash>[.parquet]`, sorted) that the catalog needs: each
  // one some view at or after the retention horizon reads; every one a version or
  // segment names while no horizon is set (all of them are then kept). While this
  // Pond lives they stay on disk: it holds the blob lock shared.
  std::vector<std::string> NeededBlobFiles() const;

  // --- writing (OpenWrite only) ---------------------------------------------
  // Starts the one transaction of this command; argv and vars go to its log row.
  // While it is open, this view shows its uncommitted changes. At most one at a time;
  // the Transaction must not outlive the Pond.
  std::unique_ptr<Transaction> Begin(const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& vars);

  struct Impl;

 private:
  explicit Pond(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  friend class Transaction;
  friend sqlite::Db& CatalogOf(Pond& pond);  // for check.cc
};

// One transaction. Its changes are visible to its own reads and to nobody else
// until Commit(). Every method throws pond::Error and leaves the pond unchanged.
class Transaction {
 public:
  ~Transaction();  // rolls back unless committed
  int64_t seq() const;

  // Creates a directory (parents too with `parents`, where an existing dir is fine).
  void Mkdir(const std::string& path, bool parents);
  // Removes the entry at `path` (a symlink itself, not its target); a directory with
  // entries only with `recursive`, and then every entry below it too. History stays:
  // a read --at an earlier transaction still sees them, and their blobs stay until
  // retention's horizon passes this transaction. Returns the entries removed.
  int Remove(const std::string& path, bool recursive);
  // Renames the entry at `src` to `dst`, which must not exist and whose parent must be
  // a directory (not `src` or below it). The node keeps its id, versions and history.
  void Move(const std::string& src, const std::string& dst);
  // Creates a file:data node or adds a version to it.
  VersionInfo WriteData(const std::string& path, const std::string& bytes);
  // The same from a host file, streamed into the blob store (memory bounded whatever
  // its size). Throws `cannot read file (<host_path>)`.
  VersionInfo WriteDataFile(const std::string& path, const std::string& host_path);
  // Appends to the file:log at `path` the bytes [N, host_size) of the host file, N being
  // the node's size (LogStateOf), as a new version; creates the node with bytes
  // [0, host_size) when there is none (an empty file too). One pass over the host file,
  // memory bounded: its first N bytes must hash to the node's BLAKE3, else throws
  // PrefixMismatchError and writes nothing; the next bytes are stored and hashed on.
  // Bytes past host_size (the file still growing) are left for the next append.
  // host_size == N: the prefix is verified and no version added. host_size < N:
  // throws `host file has X bytes, fewer than the N of <path> (<host_path>)`; a host
  // file that ends before host_size, `cannot read file: it ended at byte K, before S
  // (<host_path>)`. Merges the node's blobs by the tiered policy, as a series append
  // does. Returns the node's new state.
  LogState AppendData(const std::string& path, const std::string& host_path, int64_t host_size);
  // Creates a file:table node or adds a version (replaces the content).
  VersionInfo WriteTable(const std::string& path, const TableSource& source);
  // Creates a file:series node or appends a version. The source must have a
  // `timestamp` TIMESTAMP column (see docs/storage.md, "Series rules", for
  // conversions); a column whose type conflicts with earlier versions is an error
  // naming it.
  // Returns the version written (rows, min/max). Sorted by "timestamp" on write.
  VersionInfo AppendSeries(const std::string& path, const TableSource& source);
  // Merges the blobs of a series or a file:log now: by the tiered policy, then every
  // piece after the last sealed one into one (docs/storage.md, docs/append-only.md).
  // Logical versions are untouched: every read, at every --at, returns what it did.
  // Returns the merges done.
  // The leading pieces that the view at `horizon` (the oldest retention keeps) reads
  // too are left as they are: that view and the latest then share them, where a merge
  // of everything would keep the rows twice, once for each. A horizon at this
  // transaction shares nothing.
  int Compact(const std::string& path, int64_t horizon = 1);
  // Creates a dynamic node (or, with overwrite, adds a config version; same factory required).
  void Mknod(const std::string& path, const std::string& factory, const std::string& config,
             bool overwrite);
  void Symlink(const std::string& path, const std::string& target);
  // Sets the retention horizon: views of older transactions fail from the commit on,
  // and DeleteUnneededBlobs may then delete what only they read. Never lowers it.
  void SetHorizon(int64_t horizon);
  // Adds a backup target; `backup already exists (<name>)` when one has that name.
  void AddBackup(const std::string& name, const std::string& url);
  // Removes a backup target (it stays in the history); `no such backup (<name>)`.
  void RemoveBackup(const std::string& name);
  // Makes everything visible; releases nothing (the Pond releases the lock).
  // Passes Disk::BeforeCommit first.
  void Commit();

 private:
  friend class Pond;
  struct Impl;
  explicit Transaction(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pond::store
