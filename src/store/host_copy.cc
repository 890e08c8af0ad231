#include "store/host_copy.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "base/error.h"
#include "path/path.h"

namespace pond::store {

namespace fs = std::filesystem;

std::string HostPathOf(std::string_view source) {
  static const std::regex host("^host(\\+[A-Za-z0-9+.-]*)?://");
  const std::string text(source);
  std::smatch m;
  if (!std::regex_search(text, m, host)) return text;
  return text.substr(m.length(0));
}

void CheckHostFile(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error("no such file", path);
  if (!fs::is_regular_file(path, ec)) throw Error("not a regular file", path);
}

namespace {

// Below `dir`, relative to `root`, into `tree`: folders before what they hold.
void ListBelow(const fs::path& root, const fs::path& dir, HostTree& tree) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    entries.push_back(*it);
  if (ec) throw Error("cannot read directory", dir.string());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const auto& e : entries) {
    const std::string name = e.path().filename().string();
    try {
      CheckName(name, e.path().string());
    } catch (const Error& bad) {
      throw Error("invalid host name for a pond path: " + bad.message(), e.path().string());
    }
    const std::string rel = fs::relative(e.path(), root).string();
    if (e.is_directory(ec) && !e.is_symlink(ec)) {
      tree.dirs.push_back(rel);
      ListBelow(root, e.path(), tree);
    } else if (e.is_regular_file(ec)) {
      tree.files.push_back(rel);
    } else {
      throw Error("not a regular file or directory", e.path().string());
    }
  }
}

}  // namespace

HostTree ListHostTree(const std::string& path) {
  std::error_code ec;
  HostTree tree;
  if (!fs::exists(path, ec)) throw Error("no such file", path);
  if (fs::is_regular_file(path, ec)) return tree;
  if (!fs::is_directory(path, ec)) throw Error("not a regular file or directory", path);
  tree.is_dir = true;
  ListBelow(path, path, tree);
  return tree;
}

int64_t CopyHostTree(Transaction& txn, const std::string& host_path, const HostTree& tree,
                     const std::string& pond_path) {
  if (!tree.is_dir) return txn.WriteDataFile(pond_path, host_path).size;
  const std::string root = pond_path == "/" ? "" : pond_path;
  const auto below = [&](const std::string& rel) { return NormalizePath(root + "/" + rel); };
  txn.Mkdir(pond_path, /*parents=*/true);
  for (const auto& d : tree.dirs) txn.Mkdir(below(d), /*parents=*/true);
  int64_t bytes = 0;
  for (const auto& f : tree.files)
    bytes += txn.WriteDataFile(below(f), (fs::path(host_path) / f).string()).size;
  return bytes;
}

}  // namespace pond::store
