// The catalog's schema (docs/catalog.md) and the queries that read it for one view,
// on SQLite (catalog.sqlite). No row is ever deleted, and the only updates write a seq
// (entries' and backups' deleted_seq, set by rm, mv and backup remove) or happen inside
// the transaction that made the row (its transactions row's commit time); meta's
// horizon is the one value replaced. So `<= seq` filters give every view the state as
// of its transaction.
#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"
#include "store/catalog.h"

namespace pond::store {

Kind ParseKind(std::string_view name) {
  for (Kind k : {Kind::kDir, Kind::kData, Kind::kTable, Kind::kSeries, Kind::kSymlink,
                 Kind::kDynamic, Kind::kLog}) {
    if (KindName(k) == name) return k;
  }
  throw Error("unknown node kind in catalog: " + std::string(name));
}

std::string KindName(Kind k) {
  switch (k) {
    case Kind::kDir:
      return "dir";
    case Kind::kData:
      return "file:data";
    case Kind::kTable:
      return "file:table";
    case Kind::kSeries:
      return "file:series";
    case Kind::kSymlink:
      return "symlink";
    case Kind::kDynamic:
      return "dynamic";
    case Kind::kLog:
      return "file:log";
  }
  return "unknown";
}

std::string ListedKind(Kind k, const std::string& factory) {
  return k == Kind::kDynamic ? KindName(k) + ":" + factory : KindName(k);
}

std::string BlobExtension(Kind kind) {
  return kind == Kind::kTable || kind == Kind::kSeries ? ".parquet" : "";
}

namespace catalog {

std::string Birthplace(sqlite::Db& db) {
  auto st = db.Prepare("SELECT value FROM meta WHERE key = 'birthplace'");
  return st.Step() ? st.Text(0) : "";
}

namespace {

// Ranges of large Parquet blobs and their checksums (chunk_sums.h). Made by the first
// transaction that writes one: older ponds need no migration.
constexpr const char* kCreateBlobChunks =
    "CREATE TABLE IF NOT EXISTS blob_chunks (blob TEXT NOT NULL, start INTEGER NOT NULL, "
    "length INTEGER NOT NULL, column_name TEXT NOT NULL, xxh3 TEXT NOT NULL, "
    "PRIMARY KEY (blob, start)) WITHOUT ROWID";

// A file:log's cumulative size and BLAKE3 per version (docs/append-only.md). Made by
// init and, in older ponds, by the first append.
constexpr const char* kCreateLogVersions =
    "CREATE TABLE IF NOT EXISTS log_versions (node_id INTEGER NOT NULL, "
    "version INTEGER NOT NULL, total_size INTEGER NOT NULL, blake3 TEXT NOT NULL, "
    "PRIMARY KEY (node_id, version)) WITHOUT ROWID";

// A file:log's sums (log_sums.h): the digests of its whole segments, kept from the
// append that completes each (the bytes never change), and its latest version's tail
// and hasher state (one row a log: only the next append wants them).
constexpr const char* kCreateLogSegments =
    "CREATE TABLE IF NOT EXISTS log_segments (node_id INTEGER NOT NULL, "
    "segment INTEGER NOT NULL, blake3 TEXT NOT NULL, "
    "PRIMARY KEY (node_id, segment)) WITHOUT ROWID";
constexpr const char* kCreateLogTails =
    "CREATE TABLE IF NOT EXISTS log_tails (node_id INTEGER PRIMARY KEY, "
    "version INTEGER NOT NULL, tail TEXT NOT NULL, state BLOB NOT NULL)";

// Cached: a file:log's every LogStateOf asks it (thousands of times in an export).
bool HasTable(sqlite::Db& db, const char* name) {
  sqlite::Stmt& st =
      db.Cached("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
  st.Bind(1, std::string(name));
  const bool found = st.Step() && st.Int(0) > 0;
  st.Reset();
  return found;
}

}  // namespace

void InsertLogVersion(sqlite::Db& db, int64_t node_id, int version, const LogState& state) {
  db.Exec(kCreateLogVersions);
  db.Prepare("INSERT INTO log_versions VALUES (?1, ?2, ?3, ?4)")
      .Bind(1, node_id)
      .Bind(2, version)
      .Bind(3, state.size)
      .Bind(4, state.blake3)
      .Run();
}

std::optional<LogState> LoadLogVersion(sqlite::Db& db, int64_t node_id, int version) {
  if (!HasTable(db, "log_versions")) return std::nullopt;
  sqlite::Stmt& st =
      db.Cached("SELECT total_size, blake3 FROM log_versions WHERE node_id = ?1 AND version = ?2");
  st.Bind(1, node_id).Bind(2, version);
  std::optional<LogState> out;
  if (st.Step()) out = LogState{st.Int(0), st.Text(1)};
  st.Reset();
  return out;
}

std::map<int64_t, std::map<int, LogState>> LoadLogVersions(sqlite::Db& db) {
  std::map<int64_t, std::map<int, LogState>> out;
  if (!HasTable(db, "log_versions")) return out;
  auto st = db.Prepare("SELECT node_id, version, total_size, blake3 FROM log_versions");
  while (st.Step()) out[st.Int(0)][static_cast<int>(st.Int(1))] = {st.Int(2), st.Text(3)};
  return out;
}

void SaveLogSums(sqlite::Db& db, int64_t node_id, int version, const LogSums& sums) {
  db.Exec(kCreateLogSegments);
  db.Exec(kCreateLogTails);
  auto st = db.Prepare("INSERT OR REPLACE INTO log_segments VALUES (?1, ?2, ?3)");
  for (size_t i = 0; i < sums.segments.size(); ++i) {
    st.Bind(1, node_id).Bind(2, static_cast<int64_t>(sums.first + i)).Bind(3, sums.segments[i]);
    st.Run();
    st.Reset();
  }
  db.Prepare("INSERT OR REPLACE INTO log_tails VALUES (?1, ?2, ?3, ?4)")
      .Bind(1, node_id)
      .Bind(2, version)
      .Bind(3, sums.tail)
      .BindBlob(4, sums.state)
      .Run();
}

std::optional<LogSums> LoadLogSums(sqlite::Db& db, int64_t node_id, int version, int64_t size) {
  if (!HasTable(db, "log_tails")) return std::nullopt;
  LogSums sums;
  {
    sqlite::Stmt& st = db.Cached("SELECT version, tail, state FROM log_tails WHERE node_id = ?1");
    st.Bind(1, node_id);
    const bool found = st.Step() && st.Int(0) == version;
    if (found) {
      sums.tail = st.Text(1);
      sums.state = st.Blob(2);
    }
    st.Reset();
    if (!found) return std::nullopt;
  }
  const int64_t whole = size / kLogSegmentBytes;
  sqlite::Stmt& st = db.Cached(
      "SELECT segment, blake3 FROM log_segments WHERE node_id = ?1 AND segment < ?2 "
      "ORDER BY segment");
  st.Bind(1, node_id).Bind(2, whole);
  while (st.Step()) {
    if (st.Int(0) != std::ssize(sums.segments)) break;  // a gap
    sums.segments.push_back(st.Text(1));
  }
  st.Reset();
  if (std::ssize(sums.segments) != whole) return std::nullopt;
  return sums;
}

void InsertChunkSums(sqlite::Db& db, const std::string& blob, const std::vector<ChunkSum>& sums) {
  if (sums.empty()) return;
  db.Exec(kCreateBlobChunks);
  // Equal bytes give equal ranges: a blob stored again keeps its rows.
  auto st = db.Prepare(
      "INSERT OR IGNORE INTO blob_chunks (blob, start, length, column_name, xxh3) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const auto& c : sums) {
    st.Bind(1, blob).Bind(2, c.start).Bind(3, c.length).Bind(4, c.column).Bind(5, c.xxh3).Run();
    st.Reset();
  }
}

bool HasChunkSums(sqlite::Db& db) { return HasTable(db, "blob_chunks"); }

std::vector<ChunkSum> LoadChunkSums(sqlite::Db& db, const std::string& blob) {
  sqlite::Stmt& st = db.Cached(
      "SELECT start, length, column_name, xxh3 FROM blob_chunks WHERE blob = ?1 ORDER BY start");
  st.Bind(1, blob);
  std::vector<ChunkSum> out;
  while (st.Step()) out.push_back({st.Int(0), st.Int(1), st.Text(2), st.Text(3)});
  st.Reset();
  return out;
}

void CreateSchema(sqlite::Db& db) {
  // One statement per Exec, so the debug log shows one statement a line. Versions are
  // clustered by (node_id, version): one node's versions are one range of one B-tree.
  static const char* kTables[] = {
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
      "CREATE TABLE transactions (seq INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, "
      "argv TEXT NOT NULL, vars TEXT NOT NULL)",
      "CREATE TABLE nodes (node_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, factory TEXT, "
      "target TEXT, created_seq INTEGER NOT NULL)",
      // Clustered by directory: listing one costs one range of one B-tree, so a path
      // walk reads the directories on its way and nothing else.
      "CREATE TABLE entries (parent_id INTEGER NOT NULL, name TEXT NOT NULL, "
      "node_id INTEGER NOT NULL, created_seq INTEGER NOT NULL, deleted_seq INTEGER, "
      "PRIMARY KEY (parent_id, name, created_seq)) WITHOUT ROWID",
      "CREATE TABLE versions (node_id INTEGER NOT NULL, version INTEGER NOT NULL, "
      "txn_seq INTEGER NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL, rows INTEGER, "
      "min_ts INTEGER, max_ts INTEGER, ts_nulls INTEGER NOT NULL DEFAULT 0, schema TEXT, "
      "PRIMARY KEY (node_id, version)) WITHOUT ROWID",
      // A series' merged blobs (layout.h): the rows of versions first..last in read order.
      "CREATE TABLE segments (node_id INTEGER NOT NULL, first_version INTEGER NOT NULL, "
      "last_version INTEGER NOT NULL, created_seq INTEGER NOT NULL, blob TEXT NOT NULL, "
      "size INTEGER NOT NULL, rows INTEGER NOT NULL, ts_nulls INTEGER NOT NULL, min_ts INTEGER, "
      "max_ts INTEGER, PRIMARY KEY (node_id, first_version, last_version)) WITHOUT ROWID",
      kCreateBlobChunks,
      kCreateLogVersions,
  };
  for (const char* sql : kTables) db.Exec(sql);
}

std::string FormatVersion(sqlite::Db& db) {
  try {
    auto st = db.Prepare("SELECT value FROM meta WHERE key = 'format_version'");
    return st.Step() ? st.Text(0) : "?";
  } catch (const sqlite::CatalogDamage&) {
    throw;
  } catch (const Error&) {
    return "?";  // no meta table: not a catalog of ours
  }
}

namespace {

LoadedTree::Node NodeFromRow(const sqlite::Stmt& st, int first) {
  LoadedTree::Node n;
  n.id = st.Int(first);
  n.kind = ParseKind(st.TextView(first + 1));
  n.factory = st.TextView(first + 2);
  n.target = st.TextView(first + 3);
  n.created_seq = st.Int(first + 4);
  return n;
}

constexpr const char* kNodeColumns = "n.node_id, n.kind, n.factory, n.target, n.created_seq";

}  // namespace

std::optional<LoadedTree::Node> LoadNode(sqlite::Db& db, int64_t seq, int64_t id) {
  static const std::string sql = std::string("SELECT ") + kNodeColumns +
                                 " FROM nodes n WHERE n.node_id = ?1 AND n.created_seq <= ?2";
  sqlite::Stmt& st = db.Cached(sql);
  st.Bind(1, id).Bind(2, seq);
  std::optional<LoadedTree::Node> node;
  if (st.Step()) node = NodeFromRow(st, 0);
  st.Reset();
  return node;
}

void LoadChildren(sqlite::Db& db, int64_t seq, int64_t dir_id, LoadedTree& t) {
  static const std::string sql = std::string("SELECT e.name, e.node_id, ") + kNodeColumns +
                                 " FROM entries e LEFT JOIN nodes n "
                                 "ON n.node_id = e.node_id AND n.created_seq <= ?2 "
                                 "WHERE e.parent_id = ?1 AND e.created_seq <= ?2 "
                                 "AND (e.deleted_seq IS NULL OR e.deleted_seq > ?2)";
  sqlite::Stmt& st = db.Cached(sql);
  st.Bind(1, dir_id).Bind(2, seq);
  auto& names = t.children[dir_id];
  while (st.Step()) {
    names.emplace_hint(names.end(), st.TextView(0), st.Int(1));
    // An entry whose node is missing is kept as a name: a walk finds no node there.
    if (!st.IsNull(2)) t.nodes.try_emplace(st.Int(2), NodeFromRow(st, 2));
  }
}

int64_t TxnTime(sqlite::Db& db, int64_t seq) {
  sqlite::Stmt& st = db.Cached("SELECT time_us FROM transactions WHERE seq = ?1");
  st.Bind(1, seq);
  const int64_t time_us = st.Step() ? st.Int(0) : 0;
  st.Reset();
  return time_us;
}

int64_t MaxNodeId(sqlite::Db& db) { return db.QueryInt("SELECT coalesce(max(node_id), 0) FROM nodes"); }

namespace {

// The version columns after node_id, as every version query below selects them.
constexpr const char* kVersionColumns =
    "v.version, v.txn_seq, coalesce(t.time_us, 0), v.blob, v.size, v.rows, v.min_ts, "
    "v.max_ts, v.ts_nulls FROM versions v LEFT JOIN transactions t ON t.seq = v.txn_seq ";

VersionInfo VersionFromRow(const sqlite::Stmt& st, int first) {
  VersionInfo v;
  v.version = static_cast<int>(st.Int(first));
  v.txn_seq = st.Int(first + 1);
  v.time_us = st.Int(first + 2);
  v.blob = st.Text(first + 3);
  v.size = st.Int(first + 4);
  v.rows = st.OptInt(first + 5);
  v.min_ts = st.OptInt(first + 6);
  v.max_ts = st.OptInt(first + 7);
  v.ts_nulls = st.Int(first + 8);
  return v;
}

}  // namespace

std::unordered_map<int64_t, std::vector<VersionInfo>> LoadVersions(
    sqlite::Db& db, int64_t seq, std::optional<int64_t> node_id) {
  const std::string select =
      std::string("SELECT v.node_id, ") + kVersionColumns + "WHERE v.txn_seq <= ?1";
  auto st = db.Prepare(node_id ? select + " AND v.node_id = ?2 ORDER BY v.version"
                               : select + " ORDER BY v.node_id, v.version");
  st.Bind(1, seq);
  if (node_id) st.Bind(2, *node_id);
  std::unordered_map<int64_t, std::vector<VersionInfo>> out;
  while (st.Step()) out[st.Int(0)].push_back(VersionFromRow(st, 1));
  return out;
}

std::optional<VersionInfo> LatestVersion(sqlite::Db& db, int64_t seq, int64_t node_id) {
  // Walks the (node_id, version) key backwards from the newest: the first row for
  // the latest view, the versions written after `seq` more for an older one.
  static const std::string sql = std::string("SELECT ") + kVersionColumns +
                                 "WHERE v.node_id = ?1 AND v.txn_seq <= ?2 "
                                 "ORDER BY v.version DESC LIMIT 1";
  sqlite::Stmt& st = db.Cached(sql);
  st.Bind(1, node_id).Bind(2, seq);
  std::optional<VersionInfo> v;
  if (st.Step()) v = VersionFromRow(st, 0);
  st.Reset();
  return v;
}

std::vector<Piece> LoadCover(sqlite::Db& db, int64_t node_id, int64_t seq, int versions) {
  // Layout's Cover() over the visible versions and segments, as one indexed lookup or
  // two per piece: the longest segment starting at each point, else that version.
  sqlite::Stmt& segment = db.Cached(
      "SELECT last_version, blob, rows, ts_nulls, min_ts, max_ts, size FROM segments "
      "WHERE node_id = ?1 AND first_version = ?2 AND created_seq <= ?3 AND last_version <= ?4 "
      "ORDER BY last_version DESC LIMIT 1");
  sqlite::Stmt& version = db.Cached(
      "SELECT blob, rows, ts_nulls, min_ts, max_ts, size FROM versions "
      "WHERE node_id = ?1 AND version = ?2");
  std::vector<Piece> out;
  for (int v = 1; v <= versions;) {
    segment.Bind(1, node_id).Bind(2, v).Bind(3, seq).Bind(4, versions);
    if (segment.Step()) {
      const int last = static_cast<int>(segment.Int(0));
      out.push_back({v, last, segment.Text(1), segment.Int(2), segment.Int(3), segment.OptInt(4),
                     segment.OptInt(5), segment.Int(6)});
      segment.Reset();
      v = last + 1;
      continue;
    }
    segment.Reset();
    version.Bind(1, node_id).Bind(2, v);
    if (!version.Step()) {
      version.Reset();
      throw Error(fmt::format("catalog: version {} of node {} is missing", v, node_id));
    }
    out.push_back({v, v, version.Text(0), version.OptInt(1).value_or(0), version.Int(2),
                   version.OptInt(3), version.OptInt(4), version.Int(5)});
    version.Reset();
    ++v;
  }
  return out;
}

std::string Schema(sqlite::Db& db, int64_t node_id, int version) {
  auto st = db.Prepare("SELECT schema FROM versions WHERE node_id = ?1 AND version = ?2");
  st.Bind(1, node_id).Bind(2, version);
  return st.Step() ? st.Text(0) : "";
}

std::vector<Segment> LoadSegments(sqlite::Db& db, int64_t node_id, int64_t seq) {
  auto st = db.Prepare(
      "SELECT first_version, last_version, created_seq, blob, size, rows, ts_nulls, min_ts, "
      "max_ts FROM segments WHERE node_id = ?1 AND created_seq <= ?2 ORDER BY first_version");
  st.Bind(1, node_id).Bind(2, seq);
  std::vector<Segment> out;
  while (st.Step()) {
    Segment s;
    s.first_version = static_cast<int>(st.Int(0));
    s.last_version = static_cast<int>(st.Int(1));
    s.created_seq = st.Int(2);
    s.blob = st.Text(3);
    s.size = st.Int(4);
    s.rows = st.Int(5);
    s.ts_nulls = st.Int(6);
    s.min_ts = st.OptInt(7);
    s.max_ts = st.OptInt(8);
    out.push_back(std::move(s));
  }
  return out;
}

void InsertSegment(sqlite::Db& db, int64_t node_id, const Segment& s) {
  db.Prepare("INSERT INTO segments VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .Bind(1, node_id)
      .Bind(2, s.first_version)
      .Bind(3, s.last_version)
      .Bind(4, s.created_seq)
      .Bind(5, s.blob)
      .Bind(6, s.size)
      .Bind(7, s.rows)
      .Bind(8, s.ts_nulls)
      .Bind(9, s.min_ts)
      .Bind(10, s.max_ts)
      .Run();
}

int64_t LastSeq(sqlite::Db& db) {
  return db.QueryInt("SELECT coalesce(max(seq), 0) FROM transactions");
}

}  // namespace catalog

namespace {

// Created by the first `backup add`, inside its transaction: ponds made before backups
// existed need no migration, and a pond that never had a backup has no such table.
constexpr const char* kCreateBackups =
    "CREATE TABLE IF NOT EXISTS backups (name TEXT NOT NULL, url TEXT NOT NULL, "
    "created_seq INTEGER NOT NULL, deleted_seq INTEGER, PRIMARY KEY (name, created_seq)) "
    "WITHOUT ROWID";

}  // namespace

namespace catalog {

void CreateBackupsTable(sqlite::Db& db) { db.Exec(kCreateBackups); }

std::vector<BackupTarget> LoadBackups(sqlite::Db& db, int64_t seq) {
  std::vector<BackupTarget> out;
  if (!HasTable(db, "backups")) return out;
  auto st = db.Prepare(
      "SELECT name, url, created_seq FROM backups WHERE created_seq <= ?1 "
      "AND (deleted_seq IS NULL OR deleted_seq > ?1) ORDER BY name");
  st.Bind(1, seq);
  while (st.Step()) out.push_back({st.Text(0), st.Text(1), st.Int(2)});
  return out;
}

}  // namespace catalog

}  // namespace pond::store
