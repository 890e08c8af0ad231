// Test-only: an in-memory TreeView with files, directories and symlinks, which
// records the paths the matcher asks about.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "path/glob.h"
#include "path/path.h"

namespace pond {

class FakeTreeView : public TreeView {
 public:
  FakeTreeView() : nodes_(1, Node{Kind::kDir, {}, {}}) {}

  // Adds a file at `path`, creating missing directories above it.
  FakeTreeView& File(const std::string& path) { return Add(path, Kind::kFile, ""); }
  // Adds a directory at `path` (and the ones above it).
  FakeTreeView& Dir(const std::string& path) { return Add(path, Kind::kDir, ""); }
  // Adds a symlink at `path` holding `target` as written.
  FakeTreeView& Link(const std::string& path, const std::string& target) {
    return Add(path, Kind::kLink, target);
  }

  std::optional<NodeInfo> Stat(const std::string& path) const override {
    stat_calls.push_back(path);
    int hops = 0;
    const std::optional<std::size_t> index = Resolve(path, hops);
    if (!index) return std::nullopt;
    return NodeInfo{*index, nodes_[*index].kind == Kind::kDir};
  }

  std::vector<std::string> List(const std::string& path) const override {
    list_calls.push_back(path);
    int hops = 0;
    std::vector<std::string> names;
    if (const std::optional<std::size_t> index = Resolve(path, hops)) {
      // Reverse order, so the matcher must sort.
      for (const auto& [name, child] : nodes_[*index].children) names.insert(names.begin(), name);
    }
    return names;
  }

  // Every path passed to Stat / List, in call order.
  mutable std::vector<std::string> stat_calls;
  mutable std::vector<std::string> list_calls;

 private:
  enum class Kind { kFile, kDir, kLink };
  struct Node {
    Kind kind;
    std::map<std::string, std::size_t> children;
    std::string target;
  };

  FakeTreeView& Add(const std::string& path, Kind kind, const std::string& target) {
    const std::vector<std::string> names = SplitPath(path);
    std::size_t dir = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const bool last = i + 1 == names.size();
      auto it = nodes_[dir].children.find(names[i]);
      if (it == nodes_[dir].children.end()) {
        nodes_.push_back(Node{last ? kind : Kind::kDir, {}, last ? target : ""});
        it = nodes_[dir].children.emplace(names[i], nodes_.size() - 1).first;
      }
      dir = it->second;
    }
    return *this;
  }

  // The node `path` leads to, links followed; nullopt if none or over the hop limit.
  std::optional<std::size_t> Resolve(const std::string& path, int& hops) const {
    const std::vector<std::string> names = SplitPath(path);
    std::size_t node = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (nodes_[node].kind != Kind::kDir) return std::nullopt;
      const auto it = nodes_[node].children.find(names[i]);
      if (it == nodes_[node].children.end()) return std::nullopt;
      node = it->second;
      if (nodes_[node].kind == Kind::kLink) {
        if (++hops > kMaxSymlinkHops) return std::nullopt;
        const std::vector<std::string> link(names.begin(), names.begin() + i + 1);
        const std::optional<std::size_t> target =
            Resolve(ResolveSymlinkTarget(JoinNames(link), nodes_[node].target), hops);
        if (!target) return std::nullopt;
        node = *target;
      }
    }
    return node;
  }

  std::vector<Node> nodes_;
};

}  // namespace pond
