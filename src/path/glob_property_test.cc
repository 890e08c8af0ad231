// Glob against brute force on random trees and patterns (seeded, bounded): the
// matcher must report exactly the paths some alignment matches, with the captures of
// the leftmost-shortest alignment, and captures substituted back into the pattern must
// give the path.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>

#include "path/fake_tree_view.h"
#include "path/glob.h"
#include "path/path.h"

namespace pond {
namespace {

using Captures = std::vector<std::string>;

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  std::size_t Below(std::size_t n) { return engine_() % n; }
  bool Percent(std::size_t percent) { return Below(100) < percent; }
  std::string Text(std::string_view alphabet, std::size_t max_length) {
    std::string text;
    for (std::size_t n = 1 + Below(max_length); n > 0; --n)
      text += alphabet[Below(alphabet.size())];
    return text;
  }

 private:
  std::mt19937_64 engine_;  // fully specified by the standard: same sequence everywhere
};

std::string Child(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::string RandomName(Random& random) {
  while (true) {
    std::string name = random.Text("ab_.", 3);
    if (IsValidName(name)) return name;
  }
}

// Up to 12 files and directories; with links, up to 3 symlinks to anything (an
// ancestor, making a cycle; another link; nothing), absolute or relative.
FakeTreeView RandomTree(Random& random, bool with_links) {
  FakeTreeView tree;
  std::vector<std::string> dirs = {"/"};
  std::vector<std::string> nodes = {"/"};
  auto fresh_path = [&] {
    const std::string path = Child(dirs[random.Below(dirs.size())], RandomName(random));
    return std::find(nodes.begin(), nodes.end(), path) == nodes.end() ? path : "";
  };
  for (std::size_t n = 1 + random.Below(12); n > 0; --n) {
    const std::string path = fresh_path();
    if (path.empty()) continue;
    if (random.Percent(45)) {
      tree.Dir(path);
      dirs.push_back(path);
    } else {
      tree.File(path);
    }
    nodes.push_back(path);
  }
  for (std::size_t n = with_links ? random.Below(4) : 0; n > 0; --n) {
    const std::string path = fresh_path();
    if (path.empty()) continue;
    std::string target;
    const std::size_t kind = random.Below(100);
    if (kind < 70) {
      target = nodes[random.Below(nodes.size())];
    } else if (kind < 85) {
      target = random.Percent(50) ? ".." : "../" + RandomName(random);
    } else {
      target = "/missing";
    }
    tree.Link(path, target);
    nodes.push_back(path);
  }
  return tree;
}

// 1 to 4 components: `**`, or a name over {a, b, _, ., *} without `**`.
std::string RandomPattern(Random& random) {
  std::string pattern;
  for (std::size_t n = 1 + random.Below(4); n > 0; --n) {
    std::string component = "**";
    if (!random.Percent(25)) {
      do {
        component = random.Text("ab_.**", 3);
      } while (!IsValidName(component) || component.find("**") != std::string::npos);
    }
    pattern += "/" + component;
  }
  return pattern;
}

struct Candidate {
  std::string path;
  bool is_dir;
};

// Every path the walk may report: from the root, a directory is entered unless its
// node is already above it.
void EnumeratePaths(const TreeView& tree, const std::string& path, TreeView::NodeInfo node,
                    std::vector<uint64_t>& above, std::vector<Candidate>& out) {
  out.push_back({path, node.is_dir});
  if (!node.is_dir || std::find(above.begin(), above.end(), node.id) != above.end()) return;
  above.push_back(node.id);
  for (const std::string& name : tree.List(path)) {
    const std::string child = Child(path, name);
    if (std::optional<TreeView::NodeInfo> info = tree.Stat(child)) {
      EnumeratePaths(tree, child, *info, above, out);
    }
  }
  above.pop_back();
}

struct Alignment {
  std::vector<std::size_t> sizes;  // per wildcard: characters for `*`, levels for `**`
  Captures captures;
};

// Calls `found` for every way the stars of `pattern` can split `text`.
void SplitStars(std::string_view pattern, std::string_view text, Alignment& current,
                const std::function<void()>& found) {
  if (pattern.empty()) {
    if (text.empty()) found();
    return;
  }
  if (pattern.front() != '*') {
    if (!text.empty() && text.front() == pattern.front()) {
      SplitStars(pattern.substr(1), text.substr(1), current, found);
    }
    return;
  }
  for (std::size_t length = 0; length <= text.size(); ++length) {
    current.sizes.push_back(length);
    current.captures.emplace_back(text.substr(0, length));
    SplitStars(pattern.substr(1), text.substr(length), current, found);
    current.sizes.pop_back();
    current.captures.pop_back();
  }
}

// Every alignment of pattern components [pi..) with path names [ni..).
void Align(const std::vector<std::string>& pattern, std::size_t pi,
           const std::vector<std::string>& names, std::size_t ni, Alignment& current,
           std::vector<Alignment>& out) {
  if (pi == pattern.size()) {
    if (ni == names.size()) out.push_back(current);
    return;
  }
  if (pattern[pi] == "**") {
    for (std::size_t k = 0; ni + k <= names.size(); ++k) {
      current.sizes.push_back(k);
      current.captures.insert(current.captures.end(), names.begin() + ni, names.begin() + ni + k);
      Align(pattern, pi + 1, names, ni + k, current, out);
      current.captures.resize(current.captures.size() - k);
      current.sizes.pop_back();
    }
    return;
  }
  if (ni == names.size()) return;
  SplitStars(pattern[pi], names[ni], current,
             [&] { Align(pattern, pi + 1, names, ni + 1, current, out); });
}

// True if some split of `captures` among the `**`s, substituted into the pattern,
// spells `path`.
bool SubstitutesTo(const std::vector<std::string>& pattern, std::size_t pi,
                   const Captures& captures, std::size_t ci, std::string spelled,
                   const std::string& path) {
  if (pi == pattern.size()) {
    return ci == captures.size() && (spelled.empty() ? "/" : spelled) == path;
  }
  if (pattern[pi] == "**") {
    for (std::size_t k = 0; ci + k <= captures.size(); ++k) {
      std::string more = spelled;
      for (std::size_t i = ci; i < ci + k; ++i) more += "/" + captures[i];
      if (SubstitutesTo(pattern, pi + 1, captures, ci + k, more, path)) return true;
    }
    return false;
  }
  std::string name;
  for (char c : pattern[pi]) {
    if (c != '*') {
      name += c;
    } else if (ci < captures.size()) {
      name += captures[ci++];
    } else {
      return false;
    }
  }
  return SubstitutesTo(pattern, pi + 1, captures, ci, spelled + "/" + name, path);
}

TEST(GlobProperty, AgreesWithBruteForceOnRandomTrees) {
  constexpr int kTrees = 600;
  constexpr int kPatternsPerTree = 25;
  std::size_t total_matches = 0, cyclic_trees = 0, multi_alignment_matches = 0;
  for (int seed = 1; seed <= kTrees; ++seed) {
    Random random(seed);
    const FakeTreeView tree = RandomTree(random, seed % 2 == 0);
    std::vector<Candidate> candidates;
    std::vector<uint64_t> above;
    EnumeratePaths(tree, "/", *tree.Stat("/"), above, candidates);
    bool cyclic = false;
    for (int p = 0; p < kPatternsPerTree; ++p) {
      const std::string pattern = RandomPattern(random);
      SCOPED_TRACE("seed " + std::to_string(seed) + " pattern " + pattern);
      const std::vector<std::string> components = SplitPath(pattern);
      const GlobResult result = Glob(pattern, tree);
      cyclic = cyclic || !result.warnings.empty();

      std::vector<GlobMatch> expected;
      for (const Candidate& candidate : candidates) {
        std::vector<Alignment> alignments;
        Alignment current;
        Align(components, 0, SplitPath(candidate.path), 0, current, alignments);
        if (alignments.empty()) continue;
        const auto best = std::min_element(
            alignments.begin(), alignments.end(),
            [](const Alignment& a, const Alignment& b) { return a.sizes < b.sizes; });
        expected.push_back({candidate.path, best->captures, candidate.is_dir});
        if (alignments.size() > 1) ++multi_alignment_matches;
      }
      std::sort(expected.begin(), expected.end(),
                [](const GlobMatch& a, const GlobMatch& b) { return a.path < b.path; });

      ASSERT_EQ(result.matches.size(), expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const GlobMatch& got = result.matches[i];
        EXPECT_EQ(got.path, expected[i].path);
        EXPECT_EQ(got.captures, expected[i].captures) << got.path;
        EXPECT_EQ(got.is_dir, expected[i].is_dir) << got.path;
        EXPECT_TRUE(SubstitutesTo(components, 0, got.captures, 0, "", got.path)) << got.path;
      }
      total_matches += result.matches.size();
    }
    if (cyclic) ++cyclic_trees;
  }
  // Guard against a vacuous run: the generator must exercise matches, cycles and ties.
  EXPECT_GT(total_matches, 5000u);
  EXPECT_GT(cyclic_trees, 20u);
  EXPECT_GT(multi_alignment_matches, 500u);
}

}  // namespace
}  // namespace pond
