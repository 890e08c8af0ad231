#include "path/glob.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "base/error.h"
#include "path/path.h"

namespace pond {
namespace {

constexpr std::string_view kStarStar = "**";

// Matches `text` against `pattern` where each '*' is any run of characters: literal
// segments in between are found at their earliest place, which gives every '*' the
// shortest capture, leftmost first, and finds a match whenever one exists.
std::optional<std::vector<std::string>> MatchStars(std::string_view pattern,
                                                   std::string_view text) {
  std::vector<std::string_view> literals;
  for (std::size_t start = 0;;) {
    const std::size_t star = pattern.find('*', start);
    literals.push_back(pattern.substr(start, star - start));
    if (star == std::string_view::npos) break;
    start = star + 1;
  }
  if (literals.size() == 1) {
    if (pattern != text) return std::nullopt;
    return std::vector<std::string>{};
  }
  const std::string_view head = literals.front();
  const std::string_view tail = literals.back();
  if (text.size() < head.size() + tail.size() || !text.starts_with(head) || !text.ends_with(tail)) {
    return std::nullopt;
  }
  const std::string_view middle = text.substr(0, text.size() - tail.size());
  std::vector<std::string> captures;
  std::size_t pos = head.size();
  for (std::size_t i = 1; i + 1 < literals.size(); ++i) {
    const std::size_t found = middle.find(literals[i], pos);
    if (found == std::string_view::npos) return std::nullopt;
    captures.emplace_back(middle.substr(pos, found - pos));
    pos = found + literals[i].size();
  }
  captures.emplace_back(middle.substr(pos));
  return captures;
}

// One pattern component, classified once.
struct PatternPart {
  enum Kind { kLiteral, kStar, kStarStar } kind;
  std::string text;
};

std::vector<PatternPart> ParsePattern(std::string_view pattern) {
  std::vector<PatternPart> parts;
  for (std::string& name : SplitPath(pattern)) {
    if (name == kStarStar) {
      parts.push_back({PatternPart::kStarStar, std::move(name)});
    } else if (name.find(kStarStar) != std::string::npos) {
      throw Error("'**' must be a whole path component", std::string(pattern));
    } else if (name.find('*') != std::string::npos) {
      parts.push_back({PatternPart::kStar, std::move(name)});
    } else {
      parts.push_back({PatternPart::kLiteral, std::move(name)});
    }
  }
  return parts;
}

std::string ChildPath(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// A depth-first walk over (path, pattern position) states. At a `**` it first stops
// consuming, then consumes one more level, so alignments are explored in
// leftmost-shortest order and the first alignment reaching a path is the one to
// report. A state's future depends only on its path (which fixes the directories
// above it) and position, so a state seen before is not explored again.
class Walker {
 public:
  Walker(std::vector<PatternPart> parts, const TreeView& tree)
      : parts_(std::move(parts)),
        tree_(tree),
        // Every part but `**` consumes exactly one level, so with at most one `**`
        // a path's length fixes the alignment: no state is reached twice.
        track_seen_(std::count_if(parts_.begin(), parts_.end(), [](const PatternPart& p) {
                      return p.kind == PatternPart::kStarStar;
                    }) > 1) {}

  GlobResult Run() {
    if (std::optional<TreeView::NodeInfo> root = Stat("/")) Visit("/", *root, 0);
    // Matches arrive in walk order, often sorted already; the first alignment found
    // for a path wins.
    auto by_path = [](const GlobMatch& a, const GlobMatch& b) { return a.path < b.path; };
    if (!std::is_sorted(matches_.begin(), matches_.end(), by_path))
      std::stable_sort(matches_.begin(), matches_.end(), by_path);
    matches_.erase(std::unique(matches_.begin(), matches_.end(),
                               [](const GlobMatch& a, const GlobMatch& b) {
                                 return a.path == b.path;
                               }),
                   matches_.end());
    GlobResult result;
    result.matches = std::move(matches_);
    result.warnings.assign(warnings_.begin(), warnings_.end());
    return result;
  }

 private:
  void Visit(const std::string& path, const TreeView::NodeInfo& node, std::size_t index) {
    if (index == parts_.size()) {
      matches_.push_back(GlobMatch{path, captures_, node.is_dir});
      return;
    }
    if (track_seen_) {
      std::string state;
      state.reserve(path.size() + 4);
      state.append(path).push_back('\0');
      state.append(std::to_string(index));
      if (!seen_.insert(std::move(state)).second) return;
    }
    const PatternPart& part = parts_[index];
    if (part.kind == PatternPart::kStarStar) Visit(path, node, index + 1);
    if (!CanDescend(path, node)) return;
    above_.push_back(node.id);
    switch (part.kind) {
      case PatternPart::kLiteral:
        VisitChild(path, TreeView::Child{part.text}, index + 1, {});
        break;
      case PatternPart::kStar:
        for (const TreeView::Child& child : Children(path)) {
          if (auto captures = MatchComponent(part.text, child.name)) {
            VisitChild(path, child, index + 1, std::move(*captures));
          }
        }
        break;
      case PatternPart::kStarStar:
        for (const TreeView::Child& child : Children(path))
          VisitChild(path, child, index, {child.name});
        break;
    }
    above_.pop_back();
  }

  // Visits `dir`/`child` at pattern position `index` with `captures` appended.
  void VisitChild(const std::string& dir, const TreeView::Child& child, std::size_t index,
                  std::vector<std::string> captures) {
    const std::string path = ChildPath(dir, child.name);
    const std::optional<TreeView::NodeInfo> info =
        child.known ? std::optional<TreeView::NodeInfo>(child.info) : Stat(path);
    if (!info) return;
    captures_.insert(captures_.end(), captures.begin(), captures.end());
    Visit(path, *info, index);
    captures_.resize(captures_.size() - captures.size());
  }

  // True if `node` is a directory not already on the path above it; a repeat is a
  // symlink cycle, reported once.
  bool CanDescend(const std::string& path, const TreeView::NodeInfo& node) {
    if (!node.is_dir) return false;
    if (std::find(above_.begin(), above_.end(), node.id) != above_.end()) {
      warnings_.insert("symlink cycle at " + path);
      return false;
    }
    return true;
  }

  // The tree's answers are cached: different pattern positions revisit a path.
  std::optional<TreeView::NodeInfo> Stat(const std::string& path) {
    auto it = stats_.find(path);
    if (it == stats_.end()) it = stats_.emplace(path, tree_.Stat(path)).first;
    return it->second;
  }

  const std::vector<TreeView::Child>& Children(const std::string& path) {
    auto it = listings_.find(path);
    if (it == listings_.end()) {
      std::vector<TreeView::Child> children = tree_.Children(path);
      auto by_name = [](const TreeView::Child& a, const TreeView::Child& b) {
        return a.name < b.name;
      };
      if (!std::is_sorted(children.begin(), children.end(), by_name))
        std::stable_sort(children.begin(), children.end(), by_name);
      children.erase(std::unique(children.begin(), children.end(),
                                 [](const TreeView::Child& a, const TreeView::Child& b) {
                                   return a.name == b.name;
                                 }),
                     children.end());
      it = listings_.emplace(path, std::move(children)).first;
    }
    return it->second;
  }

  const std::vector<PatternPart> parts_;
  const TreeView& tree_;
  const bool track_seen_;
  std::vector<uint64_t> above_;        // ids of the directories above the current node
  std::vector<std::string> captures_;  // of the alignment being explored
  // Hashed: the tree's paths share long prefixes an ordered container would compare.
  std::unordered_set<std::string> seen_;  // path NUL pattern position, inner states only
  std::vector<GlobMatch> matches_;        // in walk order, a path possibly more than once
  std::set<std::string> warnings_;
  std::unordered_map<std::string, std::optional<TreeView::NodeInfo>> stats_;
  std::unordered_map<std::string, std::vector<TreeView::Child>> listings_;
};

}  // namespace

std::vector<TreeView::Child> TreeView::Children(const std::string& path) const {
  std::vector<Child> children;
  for (std::string& name : List(path)) children.push_back(Child{std::move(name)});
  return children;
}

GlobResult Glob(std::string_view pattern, const TreeView& tree) {
  return Walker(ParsePattern(pattern), tree).Run();
}

void CheckGlobPattern(std::string_view pattern) { ParsePattern(pattern); }

std::optional<std::vector<std::string>> MatchComponent(std::string_view pattern_component,
                                                       std::string_view name) {
  if (pattern_component.find(kStarStar) != std::string_view::npos) {
    throw Error("'**' must be a whole path component", std::string(pattern_component));
  }
  return MatchStars(pattern_component, name);
}

std::optional<std::vector<std::string>> MatchColumnPattern(std::string_view pattern,
                                                           std::string_view column_name) {
  return MatchStars(pattern, column_name);
}

}  // namespace pond
