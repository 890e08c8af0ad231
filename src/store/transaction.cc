// Writing: the one transaction of a mutating command (docs/storage.md,
// "A transaction"; the rows it writes: docs/catalog.md). Blobs reach their final
// names before the catalog rows that refer to them, and the catalog COMMIT is the
// single moment the change becomes visible.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

#include "base/error.h"
#include "base/time.h"
#include "engine/copy_stats.h"
#include "path/path.h"
#include "store/append_only.h"
#include "store/catalog_file.h"
#include "store/pond_impl.h"
#include "store/retention.h"
#include "store/table_source.h"

namespace pond::store {

using engine::QuoteLiteral;

namespace {

std::string JsonText(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool SameColumns(const std::vector<Column>& a, const std::vector<Column>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
  return true;
}

}  // namespace

struct Transaction::Impl {
  explicit Impl(Pond::Impl& pond) : p(pond) {}
  Pond::Impl& p;
  int64_t seq = 0;
  int64_t begin_time_us = 0;  // time_us of its transactions row until Commit
  bool done = false;
  std::vector<std::string> created_blobs;  // ours to delete if we roll back

  // Where a write lands: the parent directory and name, and the node already there.
  struct Target {
    std::string path;
    int64_t parent_id = 0;
    std::string name;
    bool taken = false;                // an entry with this name exists
    std::optional<NodeInfo> existing;  // that entry's node (symlinks followed)
  };

  engine::Connection& con() { return p.Sql(); }
  sqlite::Db& cat() { return *p.catalog; }

  // A dynamic node's content is computed (a git-ingest tree, a reduction): nothing is
  // written below it. Throws when `dir` is or lies below one; returns otherwise.
  void RefuseBelowDynamic(const std::string& dir) {
    for (std::string d = dir;; d = ParentPath(d)) {
      if (auto id = p.Resolve(d, true)) {
        if (p.NodeOf(*id)->kind == Kind::kDynamic)
          throw Error("cannot write inside a dynamic node: its content is computed", d);
        return;
      }
      if (d == "/") return;
    }
  }

  Target PrepareTarget(const std::string& path_in) {
    Target t;
    t.path = NormalizePath(path_in);
    if (t.path == "/") throw Error("already exists", "/");
    const std::string parent = ParentPath(t.path);
    t.name = BaseName(t.path);
    auto parent_id = p.Resolve(parent, true);
    if (!parent_id) {
      RefuseBelowDynamic(parent);
      throw Error("no such directory", parent);
    }
    const Kind parent_kind = p.NodeOf(*parent_id)->kind;
    if (parent_kind == Kind::kDynamic) RefuseBelowDynamic(parent);
    if (parent_kind != Kind::kDir) throw Error("not a directory", parent);
    t.parent_id = *parent_id;
    t.taken = p.ChildrenOf(t.parent_id).contains(t.name);
    if (t.taken) {
      if (auto id = p.Resolve(t.path, true)) t.existing = p.Info(*id);
    }
    return t;
  }

  // The existing node of a file write, which must be of `kind`, or nullopt.
  std::optional<NodeInfo> ExistingFile(const Target& t, Kind kind) {
    if (t.taken && !t.existing) throw Error("dangling symlink", t.path);
    if (t.existing && t.existing->kind != kind)
      throw Error("existing node is " + KindName(t.existing->kind) + ", not " + KindName(kind),
                  t.path);
    return t.existing;
  }

  int64_t CreateNode(const Target& t, Kind kind, const std::string& factory = "",
                     const std::string& link_target = "") {
    const int64_t id = p.NextNodeId();
    cat()
        .Prepare("INSERT INTO nodes VALUES (?1, ?2, ?3, ?4, ?5)")
        .Bind(1, id)
        .Bind(2, KindName(kind))
        .Bind(3, factory.empty() ? std::optional<std::string>() : factory)
        .Bind(4, link_target.empty() ? std::optional<std::string>() : link_target)
        .Bind(5, seq)
        .Run();
    cat()
        .Prepare("INSERT INTO entries VALUES (?1, ?2, ?3, ?4, NULL)")
        .Bind(1, t.parent_id)
        .Bind(2, t.name)
        .Bind(3, id)
        .Bind(4, seq)
        .Run();
    p.NoteNode({id, kind, factory, link_target, seq}, t.parent_id, t.name);
    return id;
  }

  BlobStore::Stored Keep(BlobStore::Stored s) {
    if (s.created) created_blobs.push_back(s.path);
    return s;
  }

  // `schema`: a table's or series' columns (a series': merged over its versions).
  VersionInfo AddVersion(int64_t node_id, const BlobStore::Stored& blob,
                         std::optional<int64_t> rows = {}, std::optional<int64_t> min_ts = {},
                         std::optional<int64_t> max_ts = {},
                         std::optional<std::string> schema = {}, int64_t ts_nulls = 0) {
    VersionInfo v;
    const VersionList& known = p.VersionsOf(node_id);
    v.version = known.empty() ? 1 : known.back().version + 1;
    v.txn_seq = seq;
    v.time_us = NowMicros();
    v.blob = blob.hash;
    v.size = blob.size;
    v.rows = rows;
    v.min_ts = min_ts;
    v.max_ts = max_ts;
    v.ts_nulls = ts_nulls;
    cat()
        .Prepare("INSERT INTO versions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .Bind(1, node_id)
        .Bind(2, v.version)
        .Bind(3, seq)
        .Bind(4, v.blob)
        .Bind(5, v.size)
        .Bind(6, rows)
        .Bind(7, min_ts)
        .Bind(8, max_ts)
        .Bind(9, ts_nulls)
        .Bind(10, schema)
        .Run();
    VersionInfo seen = v;  // as the catalog reads it back before Commit
    seen.time_us = begin_time_us;
    p.NoteVersion(node_id, std::move(seen));
    return v;
  }

  struct Written {
    BlobStore::Stored blob;
    engine::WrittenFile stats;
    std::vector<Column> columns;  // as a read of the blob gives them (when asked for)
  };

  // Writes `select_sql` as one Parquet blob; `rows`, `min_ts`, `max_ts` come from the
  // COPY's own statistics, so the data is never scanned a second time; with
  // `describe`, the columns from the file's footer, as every later read will see them
  // (a merge already knows them: the node's merged schema).
  Written WriteParquet(const std::string& select_sql, const std::string& label,
                       bool has_timestamp, bool describe = true) {
    const std::string tmp = p.blobs.NewTempPath();
    engine::Result stats;
    try {
      stats = con().Query("COPY (" + select_sql + ") TO " + QuoteLiteral(tmp) +
                          " (FORMAT parquet, RETURN_STATS true)");
    } catch (const Error& e) {
      p.blobs.DropTemp(tmp);
      throw SourceError(e, label);
    }
    auto files = engine::DecodeCopyStats(stats, has_timestamp ? "timestamp" : "");
    if (files.size() != 1) {
      p.blobs.DropTemp(tmp);
      throw Error("COPY wrote " + std::to_string(files.size()) + " files", tmp);
    }
    std::vector<Column> columns;
    try {
      if (describe)
        columns = DescribeSource(con(), "SELECT * FROM read_parquet(" + QuoteLiteral(tmp) + ")",
                                 label);
    } catch (...) {
      p.blobs.DropTemp(tmp);
      throw;
    }
    BlobStore::Stored blob = Keep(p.blobs.PutTempFile(tmp, ".parquet"));
    // Range checksums, so that a read verifies only the chunks it reads (docs/storage.md).
    if (blob.size >= kChunkSumsMinBytes)
      catalog::InsertChunkSums(cat(), blob.hash, ComputeChunkSums(con(), blob.path));
    return {std::move(blob), files[0], std::move(columns)};
  }

  // The columns a read of a series gives once `added` is appended to versions whose
  // merged columns are `before`: DuckDB's own UNION ALL BY NAME over zero rows, so
  // the catalog says exactly what a read returns (order of first appearance, numeric
  // types widened) without opening any earlier version.
  std::vector<Column> MergedColumns(const std::vector<Column>& before,
                                    const std::vector<Column>& added, const std::string& label) {
    auto zero_rows = [](const std::vector<Column>& cols) {
      std::string sql = "SELECT ";
      for (size_t i = 0; i < cols.size(); ++i)
        sql += (i ? ", " : "") + std::string("NULL::") + cols[i].type + " AS " +
               engine::QuoteIdent(cols[i].name);
      return "(" + sql + " WHERE false)";
    };
    return DescribeSource(con(), zero_rows(before) + " UNION ALL BY NAME " + zero_rows(added),
                          label);
  }

  // Writes pieces [first, last) of the series `node_id` as one segment, in read order.
  Piece Merge(int64_t node_id, const std::string& path, const std::vector<Piece>& pieces,
              size_t first, size_t last, const std::vector<Column>& columns) {
    const std::vector<Piece> part(pieces.begin() + static_cast<long>(first),
                                  pieces.begin() + static_cast<long>(last));
    std::vector<std::string> paths;
    // Verified: a merge must never seal damaged rows into a blob with a valid hash.
    for (const auto& piece : part) paths.push_back(p.VerifiedParquet(piece.blob, std::nullopt));
    // Pieces that are not the whole cover may lack a column only others hold (written
    // before it was added, or after it was dropped): keep the ones these pieces hold.
    std::vector<Column> held = columns;
    if (last - first < pieces.size()) {
      std::set<std::string> present;
      engine::Result r = con().Query(ScanColumnsSql(paths));
      for (size_t i = 0; i < r.row_count(); ++i) present.insert(r.at(i, "column_name").as_string());
      std::erase_if(held, [&](const Column& c) { return !present.contains(c.name); });
    }
    auto w = WriteParquet("SELECT * FROM " + PiecesRelationSql(paths, InReadOrder(part), held),
                          path, true, /*describe=*/false);
    Segment s{part.front().first_version, part.back().last_version, seq, w.blob.hash,
              w.blob.size, w.stats.rows, w.stats.ts_null_count, w.stats.min_ts, w.stats.max_ts};
    catalog::InsertSegment(cat(), node_id, s);
    spdlog::debug("merged versions {}..{} of {} ({} blobs, {} rows)", s.first_version,
                  s.last_version, path, part.size(), s.rows);
    return PieceOf(s);
  }

  // Writes pieces [first, last) of the file:log `node_id` as one segment: their bytes
  // in order (docs/append-only.md, "Compaction").
  Piece MergeBytes(int64_t node_id, const std::string& path, const std::vector<Piece>& pieces,
                   size_t first, size_t last) {
    std::vector<std::string> paths;
    // Verified, as a series merge: damaged bytes never get a valid name.
    for (size_t i = first; i < last; ++i) paths.push_back(p.blobs.VerifiedPath(pieces[i].blob, ""));
    BlobStore::Stored blob = Keep(StoreConcatenation(p.blobs, p.disk, paths));
    Segment s;  // bytes: no rows, no times
    s.first_version = pieces[first].first_version;
    s.last_version = pieces[last - 1].last_version;
    s.created_seq = seq;
    s.blob = blob.hash;
    s.size = blob.size;
    catalog::InsertSegment(cat(), node_id, s);
    spdlog::debug("merged versions {}..{} of {} ({} blobs, {} bytes)", s.first_version,
                  s.last_version, path, last - first, s.size);
    return PieceOf(s);
  }

  // Merges the latest cover of a series or file:log by the tiered policy (layout.h);
  // with `all`, then also every piece after the last sealed one into one. Returns the
  // merges done.
  // `all`: also merge the tail after the last sealed piece and after the leading
  // pieces the view at `horizon` shares.
  int Compact(const NodeInfo& node, const std::string& path, bool all, int64_t horizon = 1) {
    std::vector<Piece> pieces = p.Pieces(node);
    const bool bytes = node.kind == Kind::kLog;
    const std::vector<Column> columns = bytes ? std::vector<Column>{} : p.Columns(node);
    int merges = 0;
    auto replace = [&](size_t first, size_t last) {
      Piece merged = bytes ? MergeBytes(node.id, path, pieces, first, last)
                           : Merge(node.id, path, pieces, first, last, columns);
      pieces.erase(pieces.begin() + static_cast<long>(first),
                   pieces.begin() + static_cast<long>(last));
      pieces.insert(pieces.begin() + static_cast<long>(first), std::move(merged));
      ++merges;
    };
    while (auto m = NextMerge(pieces, node.kind)) replace(m->first, m->second);
    if (all) {
      size_t first = pieces.size();
      while (first > 0 && !Sealed(pieces[first - 1], node.kind)) --first;
      // A horizon at this transaction keeps only its own view: nothing to share.
      if (horizon < seq) first = std::max(first, SharedWithView(node.id, pieces, horizon));
      if (pieces.size() - first > 1) replace(first, pieces.size());
    }
    return merges;
  }

  // Ends the visible entry `name` of directory `parent` at this transaction: views from
  // here on no longer see it, earlier ones still do.
  void EndEntry(int64_t parent, const std::string& name) {
    cat()
        .Prepare("UPDATE entries SET deleted_seq = ?1 WHERE parent_id = ?2 AND name = ?3 "
                 "AND deleted_seq IS NULL")
        .Bind(1, seq)
        .Bind(2, parent)
        .Bind(3, name)
        .Run();
  }

  // How many leading pieces of `pieces` the view at `seq_then` reads too.
  size_t SharedWithView(int64_t node_id, const std::vector<Piece>& pieces, int64_t seq_then) {
    auto latest = catalog::LatestVersion(cat(), seq_then, node_id);
    if (!latest) return 0;
    std::set<std::string> then;
    for (const Piece& piece : catalog::LoadCover(cat(), node_id, seq_then, latest->version))
      then.insert(piece.blob);
    size_t shared = 0;
    while (shared < pieces.size() && then.count(pieces[shared].blob)) ++shared;
    return shared;
  }

  // After a failed COMMIT: whether the WAL may still hold this transaction's commit
  // frame beyond what SQLite's index shows (a failed sync, say), which recovery by the
  // next process to open the catalog would bring back. A checkpoint that truncates the
  // WAL settles it; when it cannot finish (a reader holds an older snapshot) the
  // outcome stays in doubt and the blobs must stay.
  bool CommitInDoubt() noexcept {
    try {
      auto st = cat().Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
      return !st.Step() || st.Int(0) != 0;  // busy: frames remain
    } catch (const std::exception& e) {
      spdlog::debug("checkpoint after a failed commit: {}", e.what());
      return true;
    }
  }

  // Whether this transaction is visible after all (a COMMIT error reported after the
  // commit took effect).
  bool Visible() noexcept {
    try {
      auto st = cat().Prepare("SELECT count(*) FROM transactions WHERE seq = ?1");
      st.Bind(1, seq);
      return st.Step() && st.Int(0) == 1;
    } catch (const std::exception&) {
      return false;
    }
  }

  // `after_commit`: the COMMIT itself failed, so the outcome may be in doubt.
  void Rollback(bool after_commit = false) noexcept {
    try {
      cat().Exec("ROLLBACK");
    } catch (const std::exception& e) {
      spdlog::debug("rollback: {}", e.what());
    }
    if (after_commit && CommitInDoubt()) {
      spdlog::warn("transaction {} may still appear when the catalog is next opened; its blobs "
                   "are kept",
                   seq);
      created_blobs.clear();
    }
    for (const auto& path : created_blobs) {
      try {
        p.disk.Remove(path);
      } catch (const std::exception& e) {
        spdlog::debug("cannot remove orphan {}: {}", path, e.what());
      }
      // Its shard folder too when no other blob is in it: a refused write leaves
      // blobs/ as it was. (remove takes only an empty directory.)
      std::error_code ec;
      std::filesystem::remove(std::filesystem::path(path).parent_path(), ec);
    }
    p.view_seq = p.last_seq;
    p.in_transaction = false;
    p.InvalidateTree();
  }
};

std::unique_ptr<Transaction> Pond::Begin(const std::vector<std::string>& argv,
                                         const std::map<std::string, std::string>& vars) {
  if (!impl_->writable) throw Error("pond is open for reading only", impl_->dir);
  if (impl_->in_transaction) throw Error("a transaction is already open", impl_->dir);
  // IMMEDIATE: the catalog's write lock now, not at the first INSERT. Only a process
  // that bypassed pond.lock could hold it; readers never do (WAL).
  impl_->catalog->Exec("BEGIN IMMEDIATE");
  auto impl = std::unique_ptr<Transaction::Impl>(new Transaction::Impl(*impl_));
  try {
    impl->seq = catalog::LastSeq(*impl_->catalog) + 1;
    impl->begin_time_us = NowMicros();
    // The row goes in first so the transaction's own reads can join to it; Commit
    // sets the real commit time.
    impl_->catalog->Prepare("INSERT INTO transactions VALUES (?1, ?2, ?3, ?4)")
        .Bind(1, impl->seq)
        .Bind(2, impl->begin_time_us)
        .Bind(3, JsonText(argv))
        .Bind(4, JsonText(vars))
        .Run();
  } catch (...) {
    impl->Rollback();
    throw;
  }
  impl_->in_transaction = true;
  impl_->view_seq = impl->seq;
  impl_->InvalidateTree();
  return std::unique_ptr<Transaction>(new Transaction(std::move(impl)));
}

Transaction::Transaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Transaction::~Transaction() {
  if (!impl_->done) impl_->Rollback();
}

int64_t Transaction::seq() const { return impl_->seq; }

void Transaction::Mkdir(const std::string& path, bool parents) {
  const std::vector<std::string> names = SplitPath(path);
  if (names.empty()) {
    if (parents) return;
    throw Error("already exists", "/");
  }
  for (size_t i = 0; i < names.size(); ++i) {
    const bool last = i + 1 == names.size();
    const std::string prefix = JoinNames(
        std::vector<std::string>(names.begin(), names.begin() + static_cast<long>(i) + 1));
    Impl::Target t = impl_->PrepareTarget(prefix);
    if (t.taken) {
      const bool is_dir = t.existing && t.existing->kind == Kind::kDir;
      if (last && (!parents || !is_dir)) throw Error("already exists", prefix);
      if (!is_dir) {
        if (t.existing && t.existing->kind == Kind::kDynamic) impl_->RefuseBelowDynamic(prefix);
        throw Error("not a directory", prefix);
      }
      continue;
    }
    if (!last && !parents) throw Error("no such directory", prefix);
    impl_->CreateNode(t, Kind::kDir);
  }
}

int Transaction::Remove(const std::string& path, bool recursive) {
  if (NormalizePath(path) == "/") throw Error("cannot remove the root directory", "/");
  Impl::Target t = impl_->PrepareTarget(path);
  auto& p = impl_->p;
  const auto& siblings = p.ChildrenOf(t.parent_id);
  auto entry = siblings.find(t.name);
  if (entry == siblings.end()) throw Error("no such node", t.path);
  // Every entry to end, depth first: (parent id, name). Symlinks are not followed.
  std::vector<std::pair<int64_t, std::string>> doomed;
  std::vector<std::pair<int64_t, std::string>> todo{{t.parent_id, t.name}};
  while (!todo.empty()) {
    auto [parent, name] = todo.back();
    todo.pop_back();
    const int64_t id = p.ChildrenOf(parent).find(name)->second;  // listed just before
    const LoadedTree::Node* node = p.NodeOf(id);
    if (node != nullptr && node->kind == Kind::kDir) {
      const auto& children = p.ChildrenOf(id);
      if (!children.empty() && !recursive)
        throw Error("directory not empty (pond rm -r removes it with its contents)", t.path);
      for (const auto& [child, child_id] : children) todo.emplace_back(id, std::string(child));
    }
    doomed.emplace_back(parent, std::move(name));
  }
  for (const auto& [parent, name] : doomed) impl_->EndEntry(parent, name);
  p.InvalidateTree();
  return static_cast<int>(doomed.size());
}

void Transaction::Move(const std::string& src, const std::string& dst) {
  const std::string from = NormalizePath(src), to = NormalizePath(dst);
  if (from == "/") throw Error("cannot move the root directory", "/");
  Impl::Target s = impl_->PrepareTarget(from);
  auto& p = impl_->p;
  const auto& siblings = p.ChildrenOf(s.parent_id);
  auto entry = siblings.find(s.name);
  if (entry == siblings.end()) throw Error("no such node", from);
  const int64_t id = entry->second;
  Impl::Target d = impl_->PrepareTarget(to);
  if (d.taken) throw Error("already exists", to);
  // The destination's directory must not be the node itself or below it.
  const std::vector<std::string> names = SplitPath(ParentPath(to));
  for (size_t i = 0; i <= names.size(); ++i) {
    const std::string prefix = JoinNames(
        std::vector<std::string>(names.begin(), names.begin() + static_cast<long>(i)));
    if (p.Resolve(prefix, true) == id)
      throw Error("cannot move a directory into itself: " + to, from);
  }
  impl_->EndEntry(s.parent_id, s.name);
  impl_->cat()
      .Prepare("INSERT INTO entries VALUES (?1, ?2, ?3, ?4, NULL)")
      .Bind(1, d.parent_id)
      .Bind(2, d.name)
      .Bind(3, id)
      .Bind(4, impl_->seq)
      .Run();
  p.InvalidateTree();
}

VersionInfo Transaction::WriteData(const std::string& path, const std::string& bytes) {
  Impl::Target t = impl_->PrepareTarget(path);
  auto existing = impl_->ExistingFile(t, Kind::kData);
  auto blob = impl_->Keep(impl_->p.blobs.PutBytes(bytes));
  const int64_t id = existing ? existing->id : impl_->CreateNode(t, Kind::kData);
  return impl_->AddVersion(id, blob);
}

VersionInfo Transaction::WriteDataFile(const std::string& path, const std::string& host_path) {
  Impl::Target t = impl_->PrepareTarget(path);
  auto existing = impl_->ExistingFile(t, Kind::kData);
  auto blob = impl_->Keep(impl_->p.blobs.PutHostFile(host_path));
  const int64_t id = existing ? existing->id : impl_->CreateNode(t, Kind::kData);
  return impl_->AddVersion(id, blob);
}

LogState Transaction::AppendData(const std::string& path, const std::string& host_path,
                                 int64_t host_size) {
  Impl::Target t = impl_->PrepareTarget(path);
  auto existing = impl_->ExistingFile(t, Kind::kLog);
  auto& p = impl_->p;
  const LogState before = existing ? p.LogStateOf(*existing) : EmptyLogState();
  const std::optional<LogSums> sums =
      existing ? catalog::LoadLogSums(impl_->cat(), existing->id,
                                      existing->versions.back().version, before.size)
               : std::nullopt;
  if (host_size < before.size)
    throw Error(fmt::format("host file has {} bytes, fewer than the {} of {}", host_size,
                            before.size, t.path),
                host_path);
  if (existing && host_size == before.size) {
    VerifyPrefix(host_path, before, sums ? &*sums : nullptr, t.path);
    return before;
  }
  StoredAppend a =
      StoreAppend(p.blobs, p.disk, host_path, before, sums ? &*sums : nullptr, host_size, t.path);
  impl_->Keep(a.blob);
  const int64_t id = existing ? existing->id : impl_->CreateNode(t, Kind::kLog);
  VersionInfo v = impl_->AddVersion(id, a.blob);
  catalog::InsertLogVersion(impl_->cat(), id, v.version, a.after);
  catalog::SaveLogSums(impl_->cat(), id, v.version, a.sums);
  if (existing) impl_->Compact(p.Info(id), t.path, /*all=*/false);
  return a.after;
}

VersionInfo Transaction::WriteTable(const std::string& path, const TableSource& source) {
  Impl::Target t = impl_->PrepareTarget(path);
  auto existing = impl_->ExistingFile(t, Kind::kTable);
  bool has_timestamp = false;
  for (const auto& c : SourceColumns(impl_->con(), source))
    has_timestamp |= c.name == "timestamp" && c.type == "TIMESTAMP";
  auto w = impl_->WriteParquet("SELECT * FROM (" + source.sql + ") AS __pond_source",
                               source.label, has_timestamp);
  const int64_t id = existing ? existing->id : impl_->CreateNode(t, Kind::kTable);
  return impl_->AddVersion(id, w.blob, w.stats.rows, w.stats.min_ts, w.stats.max_ts,
                           SchemaJson(w.columns));
}

VersionInfo Transaction::AppendSeries(const std::string& path, const TableSource& source) {
  Impl::Target t = impl_->PrepareTarget(path);
  auto existing = impl_->ExistingFile(t, Kind::kSeries);
  std::vector<Column> columns;
  const std::string select = SeriesSelect(impl_->con(), source, &columns);
  std::vector<Column> before;
  if (existing) {
    before = impl_->p.Columns(*existing);
    CheckAppendSchema(before, columns, t.path, source.label);
  }
  auto w = impl_->WriteParquet(select + " ORDER BY \"timestamp\"", source.label, true);
  // The common append adds no column and changes no type: no statement needed.
  const std::vector<Column> merged = !existing                ? w.columns
                                     : SameColumns(before, w.columns)
                                         ? before
                                         : impl_->MergedColumns(before, w.columns, source.label);
  const int64_t id = existing ? existing->id : impl_->CreateNode(t, Kind::kSeries);
  VersionInfo v = impl_->AddVersion(id, w.blob, w.stats.rows, w.stats.min_ts, w.stats.max_ts,
                                    SchemaJson(merged), w.stats.ts_null_count);
  if (existing) impl_->Compact(impl_->p.Info(id), t.path, /*all=*/false);
  return v;
}

int Transaction::Compact(const std::string& path, int64_t horizon) {
  Impl::Target t = impl_->PrepareTarget(path);
  if (!t.existing) throw Error("no such node", t.path);
  if (t.existing->kind != Kind::kSeries && t.existing->kind != Kind::kLog)
    throw Error("not a series or file:log: " + KindName(t.existing->kind), t.path);
  return impl_->Compact(*t.existing, t.path, /*all=*/true, horizon);
}

void Transaction::SetHorizon(int64_t horizon) {
  if (horizon <= Horizon(impl_->cat())) return;
  impl_->cat()
      .Prepare("INSERT OR REPLACE INTO meta VALUES ('horizon', ?1)")
      .Bind(1, std::to_string(std::min(horizon, impl_->seq)))
      .Run();
}

void Transaction::AddBackup(const std::string& name, const std::string& url) {
  sqlite::Db& db = impl_->cat();
  catalog::CreateBackupsTable(db);
  for (const auto& b : catalog::LoadBackups(db, seq()))
    if (b.name == name) throw Error("backup already exists", name);
  db.Prepare("INSERT INTO backups VALUES (?1, ?2, ?3, NULL)")
      .Bind(1, name)
      .Bind(2, url)
      .Bind(3, seq())
      .Run();
}

void Transaction::RemoveBackup(const std::string& name) {
  sqlite::Db& db = impl_->cat();
  bool found = false;
  for (const auto& b : catalog::LoadBackups(db, seq())) found = found || b.name == name;
  if (!found) throw Error("no such backup", name);
  db.Prepare("UPDATE backups SET deleted_seq = ?2 WHERE name = ?1 AND deleted_seq IS NULL")
      .Bind(1, name)
      .Bind(2, seq())
      .Run();
}

void Transaction::Mknod(const std::string& path, const std::string& factory,
                        const std::string& config, bool overwrite) {
  Impl::Target t = impl_->PrepareTarget(path);
  if (t.taken) {
    if (!overwrite) throw Error("already exists", t.path);
    if (!t.existing || t.existing->kind != Kind::kDynamic)
      throw Error("existing node is " +
                      (t.existing ? KindName(t.existing->kind) : "a dangling symlink") +
                      ", not dynamic",
                  t.path);
    if (t.existing->factory != factory)
      throw Error("existing node is dynamic:" + t.existing->factory + ", not dynamic:" + factory,
                  t.path);
  }
  auto blob = impl_->Keep(impl_->p.blobs.PutBytes(config));
  const int64_t id = t.existing ? t.existing->id : impl_->CreateNode(t, Kind::kDynamic, factory);
  impl_->AddVersion(id, blob);
}

void Transaction::Symlink(const std::string& path, const std::string& target) {
  Impl::Target t = impl_->PrepareTarget(path);
  if (t.taken) throw Error("already exists", t.path);
  ResolveSymlinkTarget(t.path, target);  // validates the target's names
  impl_->CreateNode(t, Kind::kSymlink, "", target);
}

void Transaction::Commit() {
  if (impl_->done) throw Error("transaction already finished");
  auto& con = impl_->cat();
  try {
    con.Prepare("UPDATE transactions SET time_us = ?1 WHERE seq = ?2")
        .Bind(1, NowMicros())
        .Bind(2, impl_->seq)
        .Run();
    impl_->p.disk.BeforeCommit();
  } catch (...) {
    impl_->done = true;
    impl_->Rollback();
    throw;
  }
  try {
    con.Exec("COMMIT");
  } catch (const std::exception& e) {
    impl_->done = true;
    if (!impl_->Visible()) {
      impl_->Rollback(/*after_commit=*/true);
      throw;
    }
    spdlog::warn("transaction {} committed, but the catalog reported: {}", impl_->seq, e.what());
  }
  impl_->done = true;
  WriteCommitRecord(impl_->p.dir, impl_->seq);
  impl_->p.last_seq = impl_->seq;
  impl_->p.view_seq = impl_->seq;
  impl_->p.in_transaction = false;
  impl_->p.InvalidateTree();  // what was noted carries the begin time, not the commit time
  spdlog::debug("committed transaction {}", impl_->seq);
}

}  // namespace pond::store
