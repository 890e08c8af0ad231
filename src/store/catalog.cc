// The catalog's schema (spec storage.md, "Catalog schema") and the queries that read
// it for one view, on SQLite (catalog.sqlite). Rows are only ever inserted (and the
// transactions row's time set at commit), so `<= seq` filters give every view the
// state as of its transaction.
#include <algorithm>

#include "base/error.h"
#include "store/pond_impl.h"

namespace pond::store {

Kind ParseKind(std::string_view name) {
  for (Kind k :
       {Kind::kDir, Kind::kData, Kind::kTable, Kind::kSeries, Kind::kSymlink, Kind::kDynamic}) {
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
  }
  return "unknown";
}

std::string BlobExtension(Kind kind) {
  return kind == Kind::kTable || kind == Kind::kSeries ? ".parquet" : "";
}

namespace catalog {

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
  };
  for (const char* sql : kTables) db.Exec(sql);
}

std::string FormatVersion(sqlite::Db& db) {
  try {
    auto st = db.Prepare("SELECT value FROM meta WHERE key = 'format_version'");
    return st.Step() ? st.Text(0) : "?";
  } catch (const Error&) {
    return "?";  // no meta table: not a catalog of ours
  }
}

namespace {

TreeSnapshot::Node NodeFromRow(const sqlite::Stmt& st, int first) {
  TreeSnapshot::Node n;
  n.id = st.Int(first);
  n.kind = ParseKind(st.TextView(first + 1));
  n.factory = st.TextView(first + 2);
  n.target = st.TextView(first + 3);
  n.created_seq = st.Int(first + 4);
  return n;
}

constexpr const char* kNodeColumns = "n.node_id, n.kind, n.factory, n.target, n.created_seq";

}  // namespace

std::optional<TreeSnapshot::Node> LoadNode(sqlite::Db& db, int64_t seq, int64_t id) {
  static const std::string sql = std::string("SELECT ") + kNodeColumns +
                                 " FROM nodes n WHERE n.node_id = ?1 AND n.created_seq <= ?2";
  sqlite::Stmt& st = db.Cached(sql);
  st.Bind(1, id).Bind(2, seq);
  std::optional<TreeSnapshot::Node> node;
  if (st.Step()) node = NodeFromRow(st, 0);
  st.Reset();
  return node;
}

void LoadChildren(sqlite::Db& db, int64_t seq, int64_t dir_id, TreeSnapshot& t) {
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

std::unordered_map<int64_t, std::vector<VersionInfo>> LoadVersions(
    sqlite::Db& db, int64_t seq, std::optional<int64_t> node_id) {
  const std::string select =
      "SELECT v.node_id, v.version, v.txn_seq, coalesce(t.time_us, 0), v.blob, v.size, v.rows, "
      "v.min_ts, v.max_ts, v.ts_nulls FROM versions v "
      "LEFT JOIN transactions t ON t.seq = v.txn_seq WHERE v.txn_seq <= ?1";
  auto st = db.Prepare(node_id ? select + " AND v.node_id = ?2 ORDER BY v.version"
                               : select + " ORDER BY v.node_id, v.version");
  st.Bind(1, seq);
  if (node_id) st.Bind(2, *node_id);
  std::unordered_map<int64_t, std::vector<VersionInfo>> out;
  while (st.Step()) {
    VersionInfo v;
    v.version = static_cast<int>(st.Int(1));
    v.txn_seq = st.Int(2);
    v.time_us = st.Int(3);
    v.blob = st.Text(4);
    v.size = st.Int(5);
    v.rows = st.OptInt(6);
    v.min_ts = st.OptInt(7);
    v.max_ts = st.OptInt(8);
    v.ts_nulls = st.Int(9);
    out[st.Int(0)].push_back(std::move(v));
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
}  // namespace pond::store
