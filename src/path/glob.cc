#include "path/glob.h"

#include <algorithm>
#include <map>
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
      : parts_(std::move(parts)), tree_(tree) {}

  GlobResult Run() {
    if (std::optional<TreeView::NodeInfo> root = Stat("/")) Visit("/", *root, 0);
    GlobResult result;
    for (auto& [path, match] : matches_) result.matches.push_back(std::move(match));
    result.warnings.assign(warnings_.begin(), warnings_.end());
    return result;
  }

 private:
  void Visit(const std::string& path, const TreeView::NodeInfo& node, std::size_t index) {
    if (!seen_.insert(path + '\0' + std::to_string(index)).second) return;
    if (index == parts_.size()) {
      matches_.try_emplace(path, GlobMatch{path, captures_, node.is_dir});
      return;
    }
    const PatternPart& part = parts_[index];
    if (part.kind == PatternPart::kStarStar) Visit(path, node, index + 1);
    if (!CanDescend(path, node)) return;
    above_.push_back(node.id);
    switch (part.kind) {
      case PatternPart::kLiteral:
        VisitChild(path, part.text, index + 1, {});
        break;
      case PatternPart::kStar:
        for (const std::string& name : List(path)) {
          if (auto captures = MatchComponent(part.text, name)) {
            VisitChild(path, name, index + 1, std::move(*captures));
          }
        }
        break;
      case PatternPart::kStarStar:
        for (const std::string& name : List(path)) VisitChild(path, name, index, {name});
        break;
    }
    above_.pop_back();
  }

  // Visits `dir`/`name` at pattern position `index` with `captures` appended.
  void VisitChild(const std::string& dir, const std::string& name, std::size_t index,
                  std::vector<std::string> captures) {
    const std::string path = ChildPath(dir, name);
    const std::optional<TreeView::NodeInfo> child = Stat(path);
    if (!child) return;
    captures_.insert(captures_.end(), captures.begin(), captures.end());
    Visit(path, *child, index);
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

  const std::vector<std::string>& List(const std::string& path) {
    auto it = listings_.find(path);
    if (it == listings_.end()) {
      std::vector<std::string> names = tree_.List(path);
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
      it = listings_.emplace(path, std::move(names)).first;
    }
    return it->second;
  }

  const std::vector<PatternPart> parts_;
  const TreeView& tree_;
  std::vector<uint64_t> above_;        // ids of the directories above the current node
  std::vector<std::string> captures_;  // of the alignment being explored
  // Hashed: the tree's paths share long prefixes an ordered container would compare.
  std::unordered_set<std::string> seen_;  // path NUL pattern position
  std::map<std::string, GlobMatch> matches_;  // byte-wise path order; first alignment wins
  std::set<std::string> warnings_;
  std::unordered_map<std::string, std::optional<TreeView::NodeInfo>> stats_;
  std::unordered_map<std::string, std::vector<std::string>> listings_;
};

}  // namespace

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
