#include "store/check.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "base/error.h"
#include "store/blob_store.h"
#include "store/pond.h"
#include "store/pond_impl.h"

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
  explicit NodePaths(engine::Connection& con) {
    auto r = con.Query(
        "SELECT node_id, parent_id, name FROM cat.entries "
        "ORDER BY deleted_seq IS NULL, created_seq");
    for (const auto& row : r.rows())
      parent_[row[0].as_int()] = {row[1].as_int(), row[2].as_string()};
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

void CheckEntries(engine::Connection& con, const NodePaths& paths, std::vector<CheckProblem>& out) {
  auto r = con.Query(
      "SELECT e.parent_id, e.name, e.node_id, n.node_id IS NULL AS no_node, "
      "coalesce(p.kind, '') AS parent_kind FROM cat.entries e "
      "LEFT JOIN cat.nodes n ON n.node_id = e.node_id "
      "LEFT JOIN cat.nodes p ON p.node_id = e.parent_id "
      "WHERE e.deleted_seq IS NULL AND (n.node_id IS NULL OR p.kind IS DISTINCT FROM 'dir') "
      "ORDER BY e.parent_id, e.name");
  for (const auto& row : r.rows()) {
    std::string parent = paths.Of(row[0].as_int());
    std::string path = (parent == "/" ? "" : parent) + "/" + row[1].as_string();
    std::string why =
        row[3].as_bool() ? "node " + std::to_string(row[2].as_int()) : "parent is not a directory";
    out.push_back(Problem(Type::kDangling, "dangling entry " + path + " (" + why + ")"));
  }
}

}  // namespace

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
  auto pond = repair ? Pond::OpenWrite(dir, &disk) : Pond::OpenRead(dir);
  engine::Connection& con = pond->sql();
  const std::string root = pond->dir();
  CheckReport report;
  report.nodes = con.Query("SELECT count(*) FROM cat.nodes").at(0, 0).as_int();
  NodePaths paths(con);
  CheckEntries(con, paths, report.problems);

  // Every version's blob, by file: one hash per file however many versions share it.
  auto versions = con.Query(
      "SELECT v.node_id, v.version, v.blob, n.kind FROM cat.versions v "
      "LEFT JOIN cat.nodes n ON n.node_id = v.node_id ORDER BY v.node_id, v.version");
  report.versions = static_cast<int64_t>(versions.row_count());
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      refs;  // rel → (hash, who)
  for (const auto& row : versions.rows()) {
    const int64_t node = row[0].as_int();
    const std::string who = "node " + paths.Of(node) + " v" + std::to_string(row[1].as_int());
    if (row[3].is_null()) {
      report.problems.push_back(
          Problem(Type::kDangling, "dangling version (node " + std::to_string(node) + " v" +
                                       std::to_string(row[1].as_int()) + ")"));
      continue;
    }
    const std::string hash = row[2].as_string();
    const std::string ext = BlobExtension(ParseKind(row[3].as_string()));
    refs["blobs/" + hash.substr(0, 2) + "/" + hash + ext].push_back({hash, who});
  }
  report.blobs = static_cast<int64_t>(refs.size());
  for (const auto& [rel, users] : refs) {
    const std::string path = root + "/" + rel;
    std::error_code ec;
    const bool present = fs::is_regular_file(path, ec);
    const bool intact = present && Sha256OfFile(path) == users.front().first;
    for (const auto& [hash, who] : users) {
      if (!present)
        report.problems.push_back(
            Problem(Type::kMissingBlob, "missing blob " + hash + " (" + who + ")"));
      else if (!intact)
        report.problems.push_back(
            Problem(Type::kCorruptBlob, "corrupt blob " + hash + " (" + who + ")"));
    }
  }

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
      const std::string rel = fs::relative(f, root, ec).string();
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
