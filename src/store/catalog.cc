// The catalog's schema (spec storage.md, "Catalog schema") and the queries that read
// it for one view, on SQLite (catalog.sqlite). Rows are only ever inserted (and the
// transactions row's time set at commit), so `<= seq` filters give every view the
// state as of its transaction.
#include <algorithm>

#include "base/error.h"
#include "store/pond_impl.h"

namespace pond::store {

Kind ParseKind(const std::string& name) {
  for (Kind k :
       {Kind::kDir, Kind::kData, Kind::kTable, Kind::kSeries, Kind::kSymlink, Kind::kDynamic}) {
    if (KindName(k) == name) return k;
  }
  throw Error("unknown node kind in catalog: " + name);
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
      "CREATE TABLE entries (parent_id INTEGER NOT NULL, name TEXT NOT NULL, "
      "node_id INTEGER NOT NULL, created_seq INTEGER NOT NULL, deleted_seq INTEGER)",
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

TreeSnapshot LoadTree(sqlite::Db& db, int64_t seq) {
  TreeSnapshot t;
  // Transaction times by SQLite's rowid lookup: no table of all transactions in
  // memory, which would grow with the pond's age.
  auto nodes = db.Prepare(
      "SELECT n.node_id, n.kind, n.factory, n.target, n.created_seq, "
      "coalesce(t.time_us, 0) FROM nodes n LEFT JOIN transactions t ON t.seq = n.created_seq "
      "WHERE n.created_seq <= ?1");
  nodes.Bind(1, seq);
  while (nodes.Step()) {
    TreeSnapshot::Node n;
    n.id = nodes.Int(0);
    n.kind = ParseKind(nodes.Text(1));
    n.factory = nodes.Text(2);
    n.target = nodes.Text(3);
    n.created_seq = nodes.Int(4);
    n.created_time_us = nodes.Int(5);
    t.max_id = std::max(t.max_id, n.id);
    t.nodes[n.id] = std::move(n);
  }
  auto entries = db.Prepare(
      "SELECT parent_id, name, node_id FROM entries "
      "WHERE created_seq <= ?1 AND (deleted_seq IS NULL OR deleted_seq > ?1)");
  entries.Bind(1, seq);
  while (entries.Step()) t.children[entries.Int(0)][entries.Text(1)] = entries.Int(2);
  return t;
}

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
