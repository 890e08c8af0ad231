// Glob patterns over pond trees (docs/paths.md, "Glob patterns"). Only `*`
// (any run inside one name) and `**` (a whole component: zero or more levels) are
// special. The matcher reaches the tree only through TreeView, so one code path
// serves stored directories, dynamic directories and time-travelled views.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pond {

// What the matcher needs from a tree. Paths passed in are valid absolute pond paths
// that may run through symlinks; implementations follow them.
class TreeView {
 public:
  virtual ~TreeView() = default;

  // The node a path leads to, symlinks followed. `id` identifies the node itself
  // (two paths to one directory give one id).
  struct NodeInfo {
    uint64_t id;
    bool is_dir;
  };

  // The node at `path`, or nullopt if there is none (including a dangling symlink or
  // a link chain over kMaxSymlinkHops). The matcher skips names that Stat to nullopt.
  virtual std::optional<NodeInfo> Stat(const std::string& path) const = 0;

  // The names in the directory at `path`, in any order. Called only on paths that
  // Stat as directories. Must be cheap for dynamic directories (names only).
  virtual std::vector<std::string> List(const std::string& path) const = 0;

  // One name in a directory and, when the tree knows it at no extra cost, what Stat
  // would answer for it (`known`); otherwise the matcher asks Stat, and only for the
  // names the pattern can take.
  struct Child {
    std::string name;
    bool known = false;
    NodeInfo info{};
  };

  // The directory's children in any order, as List, with whatever Stat answers come
  // for free. A glob over a large stored tree then costs no path walk per node. The
  // default knows nothing more than List.
  virtual std::vector<Child> Children(const std::string& path) const;
};

// One path matching a pattern.
struct GlobMatch {
  std::string path;  // canonical pond path, as reached (through symlinks, not resolved)
  // In pattern order: for each `*` the characters it matched, for each `**` one
  // name per level it consumed; taken from the leftmost-shortest alignment.
  std::vector<std::string> captures;
  bool is_dir;  // after following symlinks; file commands skip directory matches
};

struct GlobResult {
  std::vector<GlobMatch> matches;     // each path once, in byte-wise path order
  std::vector<std::string> warnings;  // `symlink cycle at <path>`, each once, sorted
};

// Matches `pattern` against `tree` from its root. Symlinks are followed; a directory
// whose node is already on the path above it is not descended into (its own path can
// still match) and yields a warning. Only directories the pattern can still match into
// are listed; a literal component costs a Stat, not a List. A pattern without
// wildcards matches its one path if it exists. Matching nothing is not an error.
// Throws pond::Error (where = pattern) for an invalid pattern: any path error, or
// `'**' must be a whole path component`.
GlobResult Glob(std::string_view pattern, const TreeView& tree);

// Throws exactly as Glob would for an invalid `pattern`; for checking configs early.
void CheckGlobPattern(std::string_view pattern);

// Matches one name against one pattern component (not `**`, no '/'): the whole name
// must match; each `*` takes as little as possible, leftmost first. Returns the
// captures (one per `*`, in order) or nullopt when the name does not match.
// `*_*` on `a_b_c` gives {"a", "b_c"}. Throws pond::Error if the component holds `**`.
std::optional<std::vector<std::string>> MatchComponent(std::string_view pattern_component,
                                                       std::string_view name);

// Matches a factory column pattern (`*.DO.mg/L`) against a whole column name: `*` is
// any run of any characters ('.', '/', spaces included); everything else is literal
// and case-sensitive. Returns the captures as MatchComponent does, or nullopt.
std::optional<std::vector<std::string>> MatchColumnPattern(std::string_view pattern,
                                                           std::string_view column_name);

}  // namespace pond
