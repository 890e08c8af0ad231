// Opening a pond and reading it: the view's connection, path resolution over the
// tree snapshot, versions and the SQL relations tables and series are read through.
#include "store/pond.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/time.h"
#include "path/path.h"
#include "store/catalog_file.h"
#include "store/pond_impl.h"
#include "store/retention.h"

namespace pond::store {

namespace fs = std::filesystem;
using engine::QuoteIdent;
using engine::QuoteLiteral;

namespace {

// The glob matcher's view of the stored tree; dynamic nodes are plain files here.
class StoreTree : public TreeView {
 public:
  explicit StoreTree(const Pond::Impl& p) : p_(p) {}
  std::optional<NodeInfo> Stat(const std::string& path) const override {
    std::optional<int64_t> id;
    try {
      id = p_.Resolve(path, true);
    } catch (const sqlite::CatalogDamage&) {
      throw;
    } catch (const Error&) {
      return std::nullopt;  // a symlink loop: the matcher skips the name
    }
    if (!id) return std::nullopt;
    return NodeInfo{static_cast<uint64_t>(*id), p_.NodeOf(*id)->kind == Kind::kDir};
  }
  std::vector<std::string> List(const std::string& path) const override {
    std::vector<std::string> names;
    auto id = p_.Resolve(path, true);
    if (!id) return names;
    for (const auto& [name, child] : p_.ChildrenOf(*id)) names.emplace_back(name);
    return names;
  }

 private:
  const Pond::Impl& p_;
};

std::string CatalogPath(const std::string& dir) { return dir + "/catalog.sqlite"; }
// The catalog of format 1, which this version does not read.
std::string OldCatalogPath(const std::string& dir) { return dir + "/catalog.duckdb"; }

std::string TrimDir(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

// SQLite's writes as the Disk's write points, when the Disk wants to see them.
sqlite::WriteHook CatalogHook(Disk& disk) {
  if (!disk.SeesCatalogWrites()) return {};
  return [&disk](const std::string& op, const std::string& path) { disk.CatalogWrite(op, path); };
}

// `not a pond`, or for a pond of format 1 what to do about it; a file that cannot
// be a catalog is refused before SQLite opens (and could write) it.
CatalogFile RequireCatalog(const std::string& dir) {
  if (fs::exists(CatalogPath(dir))) return CheckCatalogFile(CatalogPath(dir));
  if (fs::exists(OldCatalogPath(dir)))
    throw Error(
        "pond format 1 (catalog.duckdb) is not read by this version: create a new pond with "
        "'pond init' and copy the data in again",
        dir);
  throw Error("not a pond", dir);
}

// The format the file's header promised must be the one meta names.
void RequireFormat(sqlite::Db& db, const std::string& dir, CatalogFile file) {
  const std::string v = catalog::FormatVersion(db);
  if (v == "?") {
    db.KeepWalOnClose();
    throw sqlite::CatalogDamage(
        "catalog.sqlite is not a pond catalog (it has no format version), or is damaged",
        CatalogPath(dir));
  }
  const bool sealed = file == CatalogFile::kSealed;
  if (v == (sealed ? catalog::kFormatVersion : catalog::kUnsealedFormatVersion)) return;
  if (!sealed && v == catalog::kFormatVersion) {
    db.KeepWalOnClose();
    throw sqlite::CatalogDamage("catalog.sqlite is damaged: its header lost the pond's id",
                                CatalogPath(dir));
  }
  throw Error(fmt::format("unsupported pond format version {} (this pond reads {})", v,
                          catalog::kFormatVersion),
              dir);
}

// A catalog that ends before the last transaction recorded as committed lost commits:
// its write-ahead log was damaged (SQLite's recovery stops at a bad frame) or deleted.
void RequireCommits(sqlite::Db& db, const std::string& dir, int64_t last_seq) {
  const std::optional<int64_t> recorded = ReadCommitRecord(dir);
  if (!recorded || *recorded <= last_seq) return;
  db.KeepWalOnClose();
  throw sqlite::CatalogDamage(
      fmt::format("catalog.sqlite is damaged: it ends at transaction {}, but transaction {} "
                  "was committed (catalog.seq); its write-ahead log lost them; run 'pond check'",
                  last_seq, *recorded),
      CatalogPath(dir));
}

// A catalog of format 2 becomes format 3: every page rewritten with room for its sum
// (the VACUUM), then the header's id and meta's version, in that order, so a crash
// between them leaves a catalog that opens as format 2 with sums.
void SealCatalog(sqlite::Db& db) {
  spdlog::info("sealing the catalog's pages (pond format {} to {})",
               catalog::kUnsealedFormatVersion, catalog::kFormatVersion);
  db.ReservePageSums();
  db.Exec("VACUUM");
  db.Exec("BEGIN IMMEDIATE");
  db.Exec(fmt::format("PRAGMA application_id = {}", kPondApplicationId));
  db.Exec(fmt::format("PRAGMA user_version = {}", catalog::kFormatVersion));
  db.Prepare("UPDATE meta SET value = ?1 WHERE key = 'format_version'")
      .Bind(1, catalog::kFormatVersion)
      .Run();
  db.Exec("COMMIT");
}

}  // namespace

Pond::Impl::Impl(std::string dir_in, Disk& disk_in, bool writer)
    : dir(std::move(dir_in)),
      disk(disk_in),
      lock(writer ? PondLock::Writer(dir) : PondLock::Blobs(dir, PondLock::Mode::kShared)),
      catalog(std::make_unique<sqlite::Db>(
          CatalogPath(dir), writer ? sqlite::Db::Mode::kWrite : sqlite::Db::Mode::kRead,
          CatalogHook(writer ? disk_in : RealDisk()))),
      blobs(dir, disk_in),
      // Readers write the cache too; fault tests reach it through the environment.
      cache(dir, DiskFromEnvironment()),
      writable(writer),
      tree_view(std::make_unique<StoreTree>(*this)) {}

engine::Connection& Pond::Impl::Sql() {
  if (!con_) {
    db_ = std::make_unique<engine::Database>();
    con_ = std::make_unique<engine::Connection>(*db_);
  }
  return *con_;
}

std::unique_ptr<engine::Connection> Pond::Impl::NewConnection() {
  Sql();
  return std::make_unique<engine::Connection>(*db_);
}

const LoadedTree::Node* Pond::Impl::NodeOf(int64_t id) const {
  if (auto it = tree_->nodes.find(id); it != tree_->nodes.end()) return &it->second;
  // Nodes come with their directory's entries; the root and ids reached otherwise
  // (a node's own id) are read alone.
  std::optional<LoadedTree::Node> node = catalog::LoadNode(*catalog, view_seq, id);
  if (!node) return nullptr;
  return &tree_->nodes.emplace(id, std::move(*node)).first->second;
}

const LoadedTree::Names& Pond::Impl::ChildrenOf(int64_t dir_id) const {
  if (auto it = tree_->children.find(dir_id); it != tree_->children.end()) return it->second;
  catalog::LoadChildren(*catalog, view_seq, dir_id, *tree_);
  return tree_->children.at(dir_id);
}

int64_t Pond::Impl::NextNodeId() {
  if (!tree_->max_id) tree_->max_id = catalog::MaxNodeId(*catalog);
  return *tree_->max_id + 1;
}

VersionList::Loader Pond::Impl::Loader(int64_t node_id) const {
  return [alive = std::weak_ptr<const Impl*>(alive_), node_id, seq = view_seq] {
    auto impl = alive.lock();
    if (!impl) throw Error("the pond this node was read from is closed");
    auto all = catalog::LoadVersions(*(*impl)->catalog, seq, node_id);
    return std::move(all[node_id]);
  };
}

const VersionList& Pond::Impl::VersionsOf(int64_t node_id) const {
  if (auto it = versions_.find(node_id); it != versions_.end()) return it->second;
  auto latest = catalog::LatestVersion(*catalog, view_seq, node_id);
  VersionList list;
  if (latest) list = VersionList(std::move(*latest), Loader(node_id));
  return versions_.emplace(node_id, std::move(list)).first->second;
}

std::optional<int64_t> Pond::Impl::Resolve(const std::string& path, bool follow_last) const {
  std::vector<std::string> names = SplitPath(path);
  int hops = 0;
  int64_t cur = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const auto& dir = ChildrenOf(cur);
    auto child = dir.find(names[i]);
    if (child == dir.end()) return std::nullopt;
    const LoadedTree::Node* node = NodeOf(child->second);
    if (node == nullptr) return std::nullopt;  // a dangling entry
    const bool last = i + 1 == names.size();
    if (node->kind == Kind::kSymlink && (!last || follow_last)) {
      if (++hops > kMaxSymlinkHops) throw Error("symlink loop", path);
      std::vector<std::string> link(names.begin(), names.begin() + static_cast<long>(i) + 1);
      std::vector<std::string> next =
          SplitPath(ResolveSymlinkTarget(JoinNames(link), node->target));
      next.insert(next.end(), names.begin() + static_cast<long>(i) + 1, names.end());
      names = std::move(next);
      cur = 0;
      i = static_cast<size_t>(-1);  // restart the walk at the root
      continue;
    }
    if (!last && node->kind != Kind::kDir) return std::nullopt;
    cur = node->id;
  }
  return cur;
}

void Pond::Impl::NoteNode(LoadedTree::Node node, int64_t parent_id, const std::string& name) {
  if (tree_->max_id) tree_->max_id = std::max(*tree_->max_id, node.id);
  // A directory not read yet gets this entry from the catalog when it is.
  if (auto dir = tree_->children.find(parent_id); dir != tree_->children.end()) {
    auto [it, fresh] = dir->second.try_emplace(
        std::pmr::string(name, dir->second.get_allocator()), node.id);
    if (!fresh) it->second = node.id;
  }
  tree_->nodes.insert_or_assign(node.id, std::move(node));
}

void Pond::Impl::NoteVersion(int64_t node_id, VersionInfo version) {
  // A node not read yet gets its versions, this one included, from the catalog.
  if (auto it = versions_.find(node_id); it != versions_.end())
    it->second = it->second.Plus(std::move(version), Loader(node_id));
}

// --- VersionList -------------------------------------------------------------

struct VersionList::State {
  Loader load;
  std::once_flag once;
  std::vector<VersionInfo> all;
};

VersionList::VersionList(std::vector<VersionInfo> v) : count_(v.size()) {
  if (v.empty()) return;
  latest_ = std::make_shared<const VersionInfo>(v.back());
  state_ = std::make_shared<State>();
  std::call_once(state_->once, [&] { state_->all = std::move(v); });
}

VersionList::VersionList(VersionInfo latest, Loader load)
    : count_(static_cast<size_t>(latest.version)),
      latest_(std::make_shared<const VersionInfo>(std::move(latest))),
      state_(std::make_shared<State>()) {
  state_->load = std::move(load);
}

const std::vector<VersionInfo>& VersionList::all() const {
  static const std::vector<VersionInfo> kNone;
  if (!state_) return kNone;
  std::call_once(state_->once, [this] {
    state_->all = state_->load();
    // Versions are numbered 1..n without gaps; a list that is not is a broken catalog.
    if (state_->all.size() != count_ || state_->all.back().version != latest_->version)
      throw Error(fmt::format("catalog: {} versions listed, the latest is v{}",
                              state_->all.size(), latest_->version));
  });
  return state_->all;
}

VersionList VersionList::Plus(VersionInfo v, Loader load) const {
  VersionList out(std::move(v), std::move(load));
  out.count_ = count_ + 1;
  return out;
}

NodeInfo Pond::Impl::Info(int64_t node_id) const {
  const LoadedTree::Node* node = NodeOf(node_id);
  if (node == nullptr) throw Error("node " + std::to_string(node_id) + " is not in the catalog");
  const LoadedTree::Node& n = *node;
  NodeInfo info;
  info.id = n.id;
  info.kind = n.kind;
  info.factory = n.factory;
  info.target = n.target;
  info.created_seq = n.created_seq;
  auto time = txn_times_.find(n.created_seq);
  if (time == txn_times_.end())
    time = txn_times_.emplace(n.created_seq, catalog::TxnTime(*catalog, n.created_seq)).first;
  info.created_time_us = time->second;
  if (n.kind != Kind::kDir && n.kind != Kind::kSymlink) info.versions = VersionsOf(node_id);
  return info;
}

// --- opening ---------------------------------------------------------------

Pond::Pond(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pond::~Pond() = default;

void Pond::Init(const std::string& dir_in, const std::vector<std::string>& argv,
                const std::map<std::string, std::string>& vars, Disk* disk_in,
                const std::string& birthplace) {
  const std::string dir = TrimDir(dir_in);
  Disk& disk = disk_in != nullptr ? *disk_in : DiskFromEnvironment();
  if (fs::exists(CatalogPath(dir)) || fs::exists(OldCatalogPath(dir)))
    throw Error("pond already exists", dir);
  BlobStore blobs(dir, disk);
  disk.MakeDirs(blobs.tmp_dir());
  for (const char* lock_file : {"/pond.lock", "/blobs.lock"})
    if (!fs::exists(dir + lock_file)) disk.WriteFile(dir + lock_file, "");
  PondLock lock = PondLock::Writer(dir);
  if (fs::exists(CatalogPath(dir))) throw Error("pond already exists", dir);

  // The catalog is built under blobs/tmp and renamed into place, so a pond either
  // has a complete catalog with transaction 1 or none at all. Closing the connection
  // checkpoints the WAL into the file and removes it.
  const std::string tmp = blobs.NewTempPath() + ".sqlite";
  {
    sqlite::Db db(tmp, sqlite::Db::Mode::kCreate, CatalogHook(disk));
    db.Exec("BEGIN IMMEDIATE");
    db.Exec(fmt::format("PRAGMA application_id = {}", kPondApplicationId));
    db.Exec(fmt::format("PRAGMA user_version = {}", catalog::kFormatVersion));
    catalog::CreateSchema(db);
    const int64_t now = NowMicros();
    db.Prepare("INSERT INTO meta VALUES ('format_version', ?1), ('created_us', ?2)")
        .Bind(1, catalog::kFormatVersion)
        .Bind(2, std::to_string(now))
        .Run();
    if (!birthplace.empty())
      db.Prepare("INSERT INTO meta VALUES ('birthplace', ?1)").Bind(1, birthplace).Run();
    db.Prepare("INSERT INTO transactions VALUES (1, ?1, ?2, ?3)")
        .Bind(1, now)
        .Bind(2,
              nlohmann::json(argv).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .Bind(3,
              nlohmann::json(vars).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .Run();
    db.Exec("INSERT INTO nodes VALUES (0, 'dir', NULL, NULL, 1)");
    disk.BeforeCommit();
    db.Exec("COMMIT");
  }
  if (fs::exists(tmp + "-wal")) throw Error("catalog left a write-ahead log after closing", tmp);
  disk.Fsync(tmp);
  disk.Rename(tmp, CatalogPath(dir));
  disk.Fsync(dir);
  WriteCommitRecord(dir, 1);
}

std::unique_ptr<Pond> Pond::OpenRead(const std::string& dir_in, std::optional<int64_t> at) {
  const std::string dir = TrimDir(dir_in);
  const CatalogFile file = RequireCatalog(dir);
  auto impl = std::make_unique<Impl>(dir, RealDisk(), /*writer=*/false);
  // One read transaction for the view's whole life: every later query (the tree, versions,
  // schemas, read lazily) sees the same snapshot however many writers commit meanwhile.
  impl->catalog->Exec("BEGIN");
  RequireFormat(*impl->catalog, dir, file);
  impl->last_seq = catalog::LastSeq(*impl->catalog);
  RequireCommits(*impl->catalog, dir, impl->last_seq);
  impl->view_seq = impl->last_seq;
  if (at) {
    if (*at < 1 || *at > impl->last_seq)
      throw Error(fmt::format("no transaction {}", *at), fmt::format("last is {}", impl->last_seq));
    const int64_t horizon = Horizon(*impl->catalog);
    if (*at < horizon)
      throw Error(fmt::format("transaction {} is older than the retention horizon {}", *at,
                              horizon),
                  "pond maintain --keep-txns/--keep");
    impl->view_seq = *at;
  }
  return std::unique_ptr<Pond>(new Pond(std::move(impl)));
}

std::unique_ptr<Pond> Pond::OpenWrite(const std::string& dir_in, Disk* disk) {
  const std::string dir = TrimDir(dir_in);
  const CatalogFile file = RequireCatalog(dir);
  auto impl = std::make_unique<Impl>(dir, disk != nullptr ? *disk : DiskFromEnvironment(),
                                     /*writer=*/true);
  RequireFormat(*impl->catalog, dir, file);
  impl->last_seq = catalog::LastSeq(*impl->catalog);
  RequireCommits(*impl->catalog, dir, impl->last_seq);
  if (file == CatalogFile::kUnsealed) SealCatalog(*impl->catalog);
  impl->view_seq = impl->last_seq;
  return std::unique_ptr<Pond>(new Pond(std::move(impl)));
}

const std::string& Pond::dir() const { return impl_->dir; }
int64_t Pond::last_seq() const { return impl_->last_seq; }
int64_t Pond::view_seq() const { return impl_->view_seq; }
engine::Connection& Pond::sql() { return impl_->Sql(); }
std::unique_ptr<engine::Connection> Pond::Connect() { return impl_->NewConnection(); }
const TreeView& Pond::tree() const { return *impl_->tree_view; }
sqlite::Db& CatalogOf(Pond& pond) { return *pond.impl_->catalog; }

// --- reading ---------------------------------------------------------------

std::optional<NodeInfo> Pond::Lookup(const std::string& path, bool follow_last) const {
  auto id = impl_->Resolve(NormalizePath(path), follow_last);
  if (!id) return std::nullopt;
  return impl_->Info(*id);
}

std::optional<NodeInfo> Pond::Child(const NodeInfo& dir, const std::string& name) const {
  const auto& entries = impl_->ChildrenOf(dir.id);
  auto child = entries.find(name);
  if (child == entries.end() || impl_->NodeOf(child->second) == nullptr) return std::nullopt;
  return impl_->Info(child->second);
}

NodeInfo Pond::Get(const std::string& path) const {
  auto node = Lookup(path);
  if (!node) throw Error("no such node", path);
  return *node;
}

std::vector<std::string> Pond::List(const NodeInfo& dir) const {
  std::vector<std::string> names;
  for (const auto& [name, child] : impl_->ChildrenOf(dir.id)) names.emplace_back(name);
  return names;
}

std::vector<Pond::Entry> Pond::Entries(const NodeInfo& dir) const {
  std::vector<Entry> out;
  const auto& entries = impl_->ChildrenOf(dir.id);
  out.reserve(entries.size());
  for (const auto& [name, child] : entries)
    if (const LoadedTree::Node* node = impl_->NodeOf(child))
      out.push_back(Entry{std::string(name), child, node->kind});
  return out;
}

std::string Pond::BlobPath(const VersionInfo& v, Kind kind) const {
  return impl_->blobs.PathFor(v.blob, BlobExtension(kind));
}

namespace {

std::string NodeName(const NodeInfo& node) { return "node " + std::to_string(node.id); }

const VersionInfo& LatestData(const NodeInfo& node) {
  if (node.kind != Kind::kData && node.kind != Kind::kDynamic && node.kind != Kind::kLog)
    throw Error("not a data file: " + KindName(node.kind), NodeName(node));
  if (node.versions.empty()) throw Error("node has no versions", NodeName(node));
  return node.versions.back();
}

}  // namespace

std::string Pond::ReadData(const NodeInfo& node) const {
  if (node.kind == Kind::kLog) {
    std::string bytes;
    StreamData(node, [&](std::string_view b) { bytes.append(b); });
    return bytes;
  }
  return impl_->blobs.ReadVerified(LatestData(node).blob);
}

void Pond::StreamData(const NodeInfo& node,
                      const std::function<void(std::string_view)>& sink) const {
  if (node.kind == Kind::kLog) {
    for (const Piece& piece : impl_->Pieces(node)) impl_->blobs.StreamVerified(piece.blob, sink);
    return;
  }
  impl_->blobs.StreamVerified(LatestData(node).blob, sink);
}

std::string Pond::birthplace() const { return catalog::Birthplace(*impl_->catalog); }

std::string Pond::DataPath(const NodeInfo& node) const {
  if (node.kind == Kind::kLog) {
    const std::vector<Piece> pieces = impl_->Pieces(node);
    if (pieces.size() > 1)
      throw Error(fmt::format("file:log held in {} blobs: read it with DataPieces or StreamData",
                              pieces.size()),
                  NodeName(node));
    return impl_->blobs.VerifiedPath(pieces[0].blob, "");
  }
  return impl_->blobs.VerifiedPath(LatestData(node).blob, "");
}

std::vector<DataPiece> Pond::DataPieces(const NodeInfo& node, bool verify) const {
  const auto path = [&](const std::string& blob) {
    return verify ? impl_->blobs.VerifiedPath(blob, "") : impl_->blobs.PathFor(blob, "");
  };
  const VersionInfo& latest = LatestData(node);
  if (node.kind != Kind::kLog)
    return {{path(latest.blob), 0, latest.size, latest.version, latest.version}};
  std::vector<DataPiece> out;
  int64_t offset = 0;
  for (const Piece& piece : impl_->Pieces(node)) {
    out.push_back({path(piece.blob), offset, piece.size, piece.first_version, piece.last_version});
    offset += piece.size;
  }
  return out;
}

void Pond::VerifyDataPiece(const std::string& path) const {
  impl_->blobs.VerifiedPath(std::string(BaseName(path)), "");
}

LogState Pond::LogStateOf(const NodeInfo& node) const { return impl_->LogStateOf(node); }

LogState Pond::Impl::LogStateOf(const NodeInfo& node) const {
  if (node.kind != Kind::kLog)
    throw Error("not a file:log: " + KindName(node.kind), NodeName(node));
  const VersionInfo& latest = LatestData(node);
  std::optional<LogState> state = catalog::LoadLogVersion(*catalog, node.id, latest.version);
  if (!state)
    throw Error(fmt::format("catalog: file:log version {} has no size and BLAKE3", latest.version),
                NodeName(node));
  return *state;
}

std::string Pond::RelationSql(const NodeInfo& node) const { return impl_->Relation(node); }

std::string Pond::RelationSql(const NodeInfo& node, const ReadColumns& columns) const {
  return impl_->Relation(node, columns);
}

std::vector<Column> Pond::Columns(const NodeInfo& node) const { return impl_->Columns(node); }

std::string Pond::Impl::VerifiedParquet(const std::string& hash,
                                        const ReadColumns& columns) const {
  if (!has_chunk_sums) has_chunk_sums = catalog::HasChunkSums(*catalog);
  if (!*has_chunk_sums) return blobs.VerifiedPath(hash, ".parquet");
  return blobs.VerifiedPath(hash, ".parquet", catalog::LoadChunkSums(*catalog, hash), columns);
}

std::string Pond::Impl::Relation(const NodeInfo& node, const ReadColumns& columns) const {
  if (node.kind != Kind::kTable && node.kind != Kind::kSeries)
    throw Error("not a table or series: " + KindName(node.kind), "node " + std::to_string(node.id));
  if (node.versions.empty()) throw Error("node has no versions", "node " + std::to_string(node.id));
  if (node.kind == Kind::kTable)
    return "(SELECT * FROM read_parquet(" +
           QuoteLiteral(VerifiedParquet(node.versions.back().blob, columns)) + "))";
  // Every blob is sorted by "timestamp" (ties in version, then source order) when
  // written, and DuckDB scans files in order: pieces whose times follow one another
  // need no sort, which would cost a full pass and memory on every read.
  const std::vector<Piece> pieces = Pieces(node);
  ReadColumns read = columns;
  if (read && !InReadOrder(pieces)) read->insert("timestamp");  // the relation sorts by it
  return PiecesRelation(pieces, Columns(node), [&](const std::string& hash) {
    return VerifiedParquet(hash, read);
  });
}

std::vector<Piece> Pond::Impl::Pieces(const NodeInfo& node) const {
  if (node.versions.empty()) return {};
  if (writable)
    return catalog::LoadCover(*catalog, node.id, view_seq, node.versions.back().version);
  auto it = covers_.find(node.id);
  if (it == covers_.end())
    it = covers_
             .emplace(node.id,
                      catalog::LoadCover(*catalog, node.id, view_seq, node.versions.back().version))
             .first;
  return it->second;
}

std::string Pond::RelationSql(const NodeInfo& node, const TimeRange& range) const {
  if (node.kind != Kind::kSeries || node.versions.empty()) return impl_->Relation(node);
  const std::vector<Piece> all = impl_->Pieces(node);
  const std::vector<Piece> pieces = PiecesIn(all, range);
  std::vector<std::string> paths;
  for (const auto& p : pieces) paths.push_back(impl_->VerifiedParquet(p.blob, std::nullopt));
  // Pieces written before a column was added do not hold it: ask their footers.
  std::optional<std::set<std::string>> present;
  if (!paths.empty() && pieces.size() < all.size()) {
    present.emplace();
    engine::Result r = impl_->Sql().Query(ScanColumnsSql(paths));
    for (size_t i = 0; i < r.row_count(); ++i) present->insert(r.at(i, "column_name").as_string());
  }
  return PiecesRangeSql(paths, InReadOrder(pieces), impl_->Columns(node), range,
                        present ? &*present : nullptr);
}

std::string Pond::ContentIdentity(const NodeInfo& node, const TimeRange& range) const {
  if (node.versions.empty()) return Sha256Hex("empty\n" + std::to_string(node.id));
  // A file:log's last blob holds only its last bytes; its BLAKE3 covers them all.
  if (node.kind == Kind::kLog) {
    const LogState state = impl_->LogStateOf(node);
    return Sha256Hex(fmt::format("{}\n{} {}", KindName(node.kind), state.size, state.blake3));
  }
  if (node.kind != Kind::kSeries)
    return Sha256Hex(KindName(node.kind) + "\n" + node.versions.back().blob);
  std::string text = "series " + std::to_string(range.begin.value_or(INT64_MIN)) + " " +
                     std::to_string(range.end.value_or(INT64_MAX)) + "\n" +
                     SchemaJson(impl_->Columns(node)) + "\n";
  for (const Piece& p : PiecesIn(impl_->Pieces(node), range))
    text += p.blob + " " + std::to_string(p.first_version) + "-" + std::to_string(p.last_version) +
            "\n";
  return Sha256Hex(text);
}

ResultCache& Pond::cache() { return impl_->cache; }

Pond::Extent Pond::ExtentOf(const NodeInfo& node) const {
  if (node.kind != Kind::kTable && node.kind != Kind::kSeries)
    throw Error("not a table or series: " + KindName(node.kind), "node " + std::to_string(node.id));
  Extent e;
  if (node.versions.empty()) return e;
  if (node.kind == Kind::kTable)
    return {node.versions.back().rows, node.versions.back().min_ts, node.versions.back().max_ts,
            node.versions.back().ts_nulls};
  for (const Piece& p : impl_->Pieces(node)) {
    e.rows = e.rows.value_or(0) + p.rows;
    e.ts_nulls += p.ts_nulls;
    if (p.min_ts) e.min_ts = std::min(e.min_ts.value_or(*p.min_ts), *p.min_ts);
    if (p.max_ts) e.max_ts = std::max(e.max_ts.value_or(*p.max_ts), *p.max_ts);
  }
  return e;
}

std::vector<Column> Pond::Impl::Columns(const NodeInfo& node) const {
  if (node.kind != Kind::kTable && node.kind != Kind::kSeries)
    throw Error("not a table or series: " + KindName(node.kind), "node " + std::to_string(node.id));
  if (node.versions.empty()) throw Error("node has no versions", "node " + std::to_string(node.id));
  // The latest version's row holds the merged schema of all versions up to it.
  if (writable)
    return ParseSchema(catalog::Schema(*catalog, node.id, node.versions.back().version));
  auto it = schemas_.find(node.id);
  if (it == schemas_.end())
    it = schemas_
             .emplace(node.id,
                      ParseSchema(catalog::Schema(*catalog, node.id, node.versions.back().version)))
             .first;
  return it->second;
}

std::string SchemaJson(const std::vector<Column>& columns) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : columns) j.push_back({c.name, c.type});
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<Column> ParseSchema(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array()) throw Error("catalog: malformed schema", json.substr(0, 80));
  std::vector<Column> out;
  for (const auto& c : j) {
    if (!c.is_array() || c.size() != 2 || !c[0].is_string() || !c[1].is_string())
      throw Error("catalog: malformed schema", json.substr(0, 80));
    out.push_back({c[0].get<std::string>(), c[1].get<std::string>()});
  }
  return out;
}

int64_t Pond::horizon() const { return Horizon(*impl_->catalog); }

std::optional<int64_t> Pond::FirstTxnSince(int64_t time_us) const {
  auto st = impl_->catalog->Prepare(
      "SELECT min(seq) FROM transactions WHERE seq <= ?1 AND time_us >= ?2");
  st.Bind(1, impl_->view_seq).Bind(2, time_us);
  return st.Step() && !st.IsNull(0) ? std::optional<int64_t>(st.Int(0)) : std::nullopt;
}

Pond::Deletion Pond::DeleteUnneededBlobs() {
  if (!impl_->writable || impl_->in_transaction)
    throw Error("blobs are deleted by a writer outside a transaction", impl_->dir);
  Deletion d;
  const int64_t horizon = Horizon(*impl_->catalog);
  if (horizon <= 1) return d;  // without a horizon every blob stays, read or not
  const std::set<std::string> needed = NeededBlobs(*impl_->catalog, horizon, impl_->last_seq);
  std::vector<std::string> doomed;
  for (const auto& rel : ReferencedBlobs(*impl_->catalog)) {
    std::error_code ec;
    if (!needed.contains(rel) && fs::exists(impl_->dir + "/" + rel, ec)) doomed.push_back(rel);
  }
  if (doomed.empty()) return d;
  std::optional<PondLock> deleter;
  try {
    deleter.emplace(PondLock::Blobs(impl_->dir, PondLock::Mode::kExclusive,
                                    std::chrono::milliseconds(0)));
  } catch (const Error& e) {
    spdlog::debug("{}: deleting no blob now", e.what());
    d.deferred = static_cast<int64_t>(doomed.size());
    return d;
  }
  for (const auto& rel : doomed) {
    const std::string path = impl_->dir + "/" + rel;
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    impl_->disk.Remove(path);
    ++d.blobs;
    d.bytes += ec ? 0 : static_cast<int64_t>(size);
  }
  return d;
}

std::optional<CacheSweep> Pond::SweepCache(int64_t unused_for_us) {
  if (!impl_->writable) throw Error("the cache is swept by a writer", impl_->dir);
  try {
    PondLock deleter =
        PondLock::Blobs(impl_->dir, PondLock::Mode::kExclusive, std::chrono::milliseconds(0));
    return store::SweepCache(impl_->dir, unused_for_us, impl_->disk);
  } catch (const Error& e) {
    spdlog::debug("{}: sweeping no cache file now", e.what());
    return std::nullopt;
  }
}

std::vector<TxnInfo> Pond::Log(size_t limit) const {
  auto st = impl_->catalog->Prepare(
      "SELECT seq, time_us, argv, vars FROM transactions WHERE seq <= ?1 "
      "ORDER BY seq DESC LIMIT ?2");
  st.Bind(1, impl_->view_seq).Bind(2, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  std::vector<TxnInfo> out;
  while (st.Step()) {
    TxnInfo t;
    t.seq = st.Int(0);
    t.time_us = st.Int(1);
    auto argv = nlohmann::json::parse(st.Text(2), nullptr, false);
    if (argv.is_array())
      for (const auto& a : argv) t.argv.push_back(a.is_string() ? a.get<std::string>() : a.dump());
    auto vars = nlohmann::json::parse(st.Text(3), nullptr, false);
    if (vars.is_object())
      for (const auto& [k, v] : vars.items())
        t.vars[k] = v.is_string() ? v.get<std::string>() : v.dump();
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<BackupTarget> Pond::Backups() const {
  return catalog::LoadBackups(*impl_->catalog, impl_->view_seq);
}

}  // namespace pond::store
