#include "store/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <unordered_map>

#include "base/blake3.h"
#include "base/error.h"
#include "store/append_only.h"
#include "store/blob_store.h"
#include "store/catalog.h"
#include "store/catalog_file.h"
#include "store/page_sums.h"
#include "store/pond.h"
#include "store/pond_impl.h"
#include "store/pond_lock.h"
#include "store/retention.h"

namespace pond::store {

namespace fs = std::filesystem;

namespace {

using Type = CheckProblem::Type;

CheckProblem Problem(Type type, std::string text, std::string file = "") {
  CheckProblem p;
  p.type = type;
  p.text = std::move(text);
  p.repairable = !file.empty();
  p.file = std::move(file);
  return p;
}

int64_t TreeSize(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_directory(p, ec)) return static_cast<int64_t>(fs::file_size(p, ec));
  int64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(p, ec))
    if (e.is_regular_file(ec)) total += static_cast<int64_t>(e.file_size(ec));
  return total;
}

// Paths of nodes for messages, from the newest entry naming each node.
class NodePaths {
 public:
  explicit NodePaths(sqlite::Db& db) {
    auto st = db.Prepare(
        "SELECT node_id, parent_id, name FROM entries "
        "ORDER BY deleted_seq IS NULL, created_seq");
    while (st.Step()) parent_[st.Int(0)] = {st.Int(1), st.Text(2)};
  }
  std::string Of(int64_t id) const {
    std::vector<std::string> names;
    for (int depth = 0; id != 0; ++depth) {
      auto it = parent_.find(id);
      if (it == parent_.end() || depth > 1000) return "node " + std::to_string(id);
      names.push_back(it->second.second);
      id = it->second.first;
    }
    std::string path;
    for (auto it = names.rbegin(); it != names.rend(); ++it) path += "/" + *it;
    return path.empty() ? "/" : path;
  }

 private:
  std::unordered_map<int64_t, std::pair<int64_t, std::string>> parent_;
};

void CheckEntries(sqlite::Db& db, const NodePaths& paths, std::vector<CheckProblem>& out) {
  auto st = db.Prepare(
      "SELECT e.parent_id, e.name, e.node_id, n.node_id IS NULL AS no_node "
      "FROM entries e "
      "LEFT JOIN nodes n ON n.node_id = e.node_id "
      "LEFT JOIN nodes p ON p.node_id = e.parent_id "
      "WHERE e.deleted_seq IS NULL AND (n.node_id IS NULL OR p.kind IS NOT 'dir') "
      "ORDER BY e.parent_id, e.name");
  while (st.Step()) {
    std::string parent = paths.Of(st.Int(0));
    std::string path = (parent == "/" ? "" : parent) + "/" + st.Text(1);
    std::string why = st.Int(3) != 0 ? "node " + std::to_string(st.Int(2)) : "parent is not a directory";
    out.push_back(Problem(Type::kDangling, "dangling entry " + path + " (" + why + ")"));
  }
}

// Every file:log (docs/append-only.md, "pond check"): each version's cumulative size
// is the one before plus its own bytes, each merged piece holds the bytes of its
// versions, and the latest view's bytes, read once, hash at each version's end to that
// version's BLAKE3. Nodes whose blobs are missing or corrupt are left to those lines.
void CheckLogs(sqlite::Db& db, const NodePaths& paths, int64_t last_seq, const std::string& root,
               const std::set<std::string>& intact, std::vector<CheckProblem>& out) {
  const auto states = catalog::LoadLogVersions(db);
  auto nodes = db.Prepare("SELECT node_id FROM nodes WHERE kind = 'file:log' ORDER BY node_id");
  while (nodes.Step()) {
    const int64_t node = nodes.Int(0);
    const auto versions = catalog::LoadVersions(db, last_seq, node)[node];
    if (versions.empty()) continue;
    const auto found = states.find(node);
    const std::map<int, LogState> none;
    const std::map<int, LogState>& rows = found == states.end() ? none : found->second;
    const auto mismatch = [&](const std::string& what, const std::string& version) {
      out.push_back(Problem(Type::kLogMismatch, "file:log " + what + " (node " + paths.Of(node) +
                                                    " v" + version + ")"));
    };
    // total[v]: the cumulative size of version v, total[0] = 0.
    std::vector<int64_t> total{0};
    std::vector<int64_t> sizes;
    std::vector<std::string> hashes;
    bool sound = true;
    for (const VersionInfo& v : versions) {
      const auto state = rows.find(v.version);
      if (state == rows.end()) {
        mismatch("without size and BLAKE3", std::to_string(v.version));
        sound = false;
        break;
      }
      if (state->second.size != total.back() + v.size) {
        mismatch(fmt::format("size mismatch: {} bytes recorded, {} held", state->second.size,
                             total.back() + v.size),
                 std::to_string(v.version));
        sound = false;
        break;
      }
      total.push_back(state->second.size);
      sizes.push_back(state->second.size);
      hashes.push_back(state->second.blake3);
    }
    if (!sound) continue;
    for (const Segment& s : catalog::LoadSegments(db, node, last_seq))
      if (s.first_version < 1 || static_cast<size_t>(s.last_version) >= total.size() ||
          s.size != total[static_cast<size_t>(s.last_version)] -
                        total[static_cast<size_t>(s.first_version - 1)]) {
        mismatch(fmt::format("size mismatch: merged piece of {} bytes", s.size),
                 fmt::format("{}-v{}", s.first_version, s.last_version));
        sound = false;
      }
    if (!sound) continue;
    std::vector<std::string> files;
    for (const Piece& piece : catalog::LoadCover(db, node, last_seq, versions.back().version)) {
      const std::string rel = BlobRelativePath(piece.blob, "");
      if (!intact.contains(rel)) sound = false;
      files.push_back(root + "/" + rel);
    }
    if (!sound) continue;
    const int latest = versions.back().version;
    const std::optional<LogSums> kept = catalog::LoadLogSums(db, node, latest, sizes.back());
    LogSums held;
    const std::vector<std::string> got = PrefixHashes(files, sizes, kept ? &held : nullptr);
    bool hashes_match = true;
    for (size_t i = 0; i < hashes.size(); ++i)
      if (i >= got.size() || got[i] != hashes[i]) {
        mismatch("BLAKE3 mismatch", std::to_string(versions[i].version));
        hashes_match = false;
        break;
      }
    // The sums an append checks by (log_sums.h): wrong ones cost that append a second
    // pass, and are worth a line. A state of another BLAKE3 build is not wrong.
    Blake3 state;
    if (kept && hashes_match &&
        (kept->segments != held.segments || kept->tail != held.tail ||
         (state.LoadState(kept->state) && state.HexDigest() != hashes.back())))
      mismatch("segment sums mismatch", std::to_string(latest));
  }
}

// The catalog's own soundness, read from its files before any of its rows is trusted:
// the header, every page's sum and the WAL's frames (page_sums.h), then SQLite's
// integrity check (it reads every page in use) and the commit record.
void CheckCatalog(const std::string& dir, std::vector<CheckProblem>& out) {
  const std::string path = dir + "/catalog.sqlite";
  std::error_code ec;
  if (!fs::exists(path, ec)) return;  // OpenRead says what is missing
  const size_t before = out.size();
  const auto damage = [&](std::string text) {
    out.push_back(Problem(Type::kCatalogDamage, std::move(text)));
  };
  try {
    CheckCatalogFile(path);
  } catch (const sqlite::CatalogDamage& e) {
    damage(e.message());
    return;
  }
  for (sqlite::PageDamage& d : sqlite::ScanCatalogPages(path)) {
    damage(std::move(d.text));
    out.back().repairable = d.in_wal;  // a checkpoint writes the WAL's copy over it
  }
  try {
    sqlite::Db db(path, sqlite::Db::Mode::kRead);
    if (out.size() > before) db.KeepWalOnClose();  // check itself repairs nothing
    db.Exec("BEGIN");
    auto st = db.Prepare("PRAGMA integrity_check(20)");
    while (st.Step())
      if (st.TextView(0) != "ok")
        damage("catalog.sqlite fails SQLite's integrity check: " + st.Text(0));
    const int64_t last = catalog::LastSeq(db);
    if (const std::optional<int64_t> recorded = ReadCommitRecord(dir);
        recorded && *recorded > last) {
      db.KeepWalOnClose();
      damage(
          fmt::format("catalog.sqlite ends at transaction {}, but transaction {} was committed "
                      "(catalog.seq): its write-ahead log lost them",
                      last, *recorded));
    }
  } catch (const sqlite::CatalogDamage& e) {
    if (out.size() == before) damage(e.message());  // else the pages already say it
  } catch (const Error&) {
    // Not a pond's catalog at all: opening the pond says so.
  }
}

// Damaged pages whose newer copies the WAL holds (and nothing else damaged): a
// checkpoint under the writer lock writes the copies over them. Returns whether the
// catalog then checks clean.
bool RewritePagesFromWal(const std::string& dir, std::vector<CheckProblem>& problems) {
  for (const CheckProblem& p : problems)
    if (p.type == Type::kCatalogDamage && !p.repairable) return false;
  {
    PondLock lock = PondLock::Writer(dir);
    sqlite::Db db(dir + "/catalog.sqlite", sqlite::Db::Mode::kWrite);
    auto st = db.Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!st.Step() || st.Int(0) != 0) return false;  // a reader holds an older snapshot
  }
  std::vector<CheckProblem> after;
  CheckCatalog(dir, after);
  if (!after.empty()) return false;
  for (CheckProblem& p : problems)
    if (p.type == Type::kCatalogDamage) {
      p.text = std::regex_replace(p.text, std::regex(" fails its checksum.*"),
                                  " rewritten from the write-ahead log's copy");
      p.repaired = true;
    }
  return true;
}

}  // namespace

bool CheckReport::catalog_damaged() const {
  return std::any_of(problems.begin(), problems.end(),
                     [](const auto& p) { return p.type == Type::kCatalogDamage && !p.repaired; });
}

size_t CheckReport::repairable() const {
  return static_cast<size_t>(
      std::count_if(problems.begin(), problems.end(), [](const auto& p) { return p.repairable; }));
}

size_t CheckReport::unrepaired() const {
  return static_cast<size_t>(
      std::count_if(problems.begin(), problems.end(), [](const auto& p) { return !p.repaired; }));
}

CheckReport CheckPond(const std::string& dir, bool repair, Disk* disk_in) {
  Disk& disk = disk_in != nullptr ? *disk_in : DiskFromEnvironment();
  CheckReport report;
  CheckCatalog(dir, report.problems);
  if (report.catalog_damaged() && !(repair && RewritePagesFromWal(dir, report.problems)))
    return report;
  auto pond = repair ? Pond::OpenWrite(dir, &disk) : Pond::OpenRead(dir);
  sqlite::Db& db = CatalogOf(*pond);
  const std::string root = pond->dir();
  report.nodes = db.QueryInt("SELECT count(*) FROM nodes");
  NodePaths paths(db);
  CheckEntries(db, paths, report.problems);

  // Every version's blob, by file: one hash per file however many versions share it.
  auto versions = db.Prepare(
      "SELECT v.node_id, v.version, v.blob, n.kind FROM versions v "
      "LEFT JOIN nodes n ON n.node_id = v.node_id ORDER BY v.node_id, v.version");
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      refs;  // rel → (hash, who)
  while (versions.Step()) {
    ++report.versions;
    const int64_t node = versions.Int(0);
    const std::string version = std::to_string(versions.Int(1));
    const std::string who = "node " + paths.Of(node) + " v" + version;
    if (versions.IsNull(3)) {
      report.problems.push_back(
          Problem(Type::kDangling,
                  "dangling version (node " + std::to_string(node) + " v" + version + ")"));
      continue;
    }
    const std::string hash = versions.Text(2);
    const std::string ext = BlobExtension(ParseKind(versions.Text(3)));
    refs[BlobRelativePath(hash, ext)].push_back({hash, who});
  }
  // Merged blobs (segments: a series' Parquet, a file:log's raw) are checked like
  // versions' own.
  auto segments = db.Prepare(
      "SELECT s.node_id, s.first_version, s.last_version, s.blob, "
      "coalesce(n.kind, 'file:series') FROM segments s LEFT JOIN nodes n "
      "ON n.node_id = s.node_id ORDER BY s.node_id, s.first_version, s.last_version");
  while (segments.Step()) {
    const std::string hash = segments.Text(3);
    const std::string who = "node " + paths.Of(segments.Int(0)) + " v" +
                            std::to_string(segments.Int(1)) + "-v" +
                            std::to_string(segments.Int(2));
    const std::string ext = BlobExtension(ParseKind(segments.Text(4)));
    refs[BlobRelativePath(hash, ext)].push_back({hash, who});
  }
  report.blobs = static_cast<int64_t>(refs.size());
  // Past a retention horizon, blobs only older views read may be gone by design.
  const int64_t horizon = Horizon(db);
  const std::set<std::string> needed =
      horizon > 1 ? NeededBlobs(db, horizon, pond->last_seq()) : std::set<std::string>{};
  std::set<std::string> intact_files;  // blob files present with their named bytes
  for (const auto& [rel, users] : refs) {
    if (horizon > 1 && !needed.contains(rel)) continue;
    const std::string path = root + "/" + rel;
    std::error_code ec;
    const bool present = fs::is_regular_file(path, ec);
    const bool intact = present && Sha256OfFile(path) == users.front().first;
    if (intact) intact_files.insert(rel);
    for (const auto& [hash, who] : users) {
      if (!present)
        report.problems.push_back(
            Problem(Type::kMissingBlob, "missing blob " + hash + " (" + who + ")"));
      else if (!intact)
        report.problems.push_back(
            Problem(Type::kCorruptBlob, "corrupt blob " + hash + " (" + who + ")"));
    }
  }

  CheckLogs(db, paths, pond->last_seq(), root, intact_files, report.problems);

  // Everything else under blobs/: orphans, and whatever a crash left in blobs/tmp/.
  std::vector<CheckProblem> stray;
  std::error_code ec;
  const fs::path blobs_dir = root + "/blobs";
  for (const auto& top : fs::directory_iterator(blobs_dir, ec)) {
    const std::string name = top.path().filename().string();
    const bool is_tmp = name == "tmp" && top.is_directory(ec);
    std::vector<fs::path> files;
    if (top.is_directory(ec)) {
      for (const auto& f : fs::directory_iterator(top.path(), ec)) files.push_back(f.path());
    } else {
      files.push_back(top.path());
    }
    for (const auto& f : files) {
      // Lexically: fs::relative resolves links, and blobs/ may be one (to another disk).
      const std::string rel = f.lexically_relative(root).string();
      if (!is_tmp && refs.contains(rel)) continue;
      const std::string size = " (" + std::to_string(TreeSize(f)) + " bytes)";
      if (is_tmp)
        stray.push_back(Problem(Type::kTemporaryFile, "temporary file " + rel + size, f));
      else
        stray.push_back(Problem(Type::kOrphanBlob, "orphan blob " + rel + size, f));
    }
  }
  std::sort(stray.begin(), stray.end(),
            [](const auto& a, const auto& b) { return a.text < b.text; });
  for (auto& p : stray) {
    if (repair) {
      disk.Remove(p.file);
      p.repaired = true;
    }
    report.problems.push_back(std::move(p));
  }
  return report;
}

}  // namespace pond::store
