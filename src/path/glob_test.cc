#include "path/glob.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/error.h"
#include "path/fake_tree_view.h"

namespace pond {
namespace {

using Captures = std::vector<std::string>;

// The example tree of docs/paths.md; dynamic directories look like any directory here.
FakeTreeView SpecTree() {
  FakeTreeView tree;
  tree.File("/hydrovu/devices/123/BDock.series")
      .File("/hydrovu/devices/456/Silver.series")
      .File("/reduced/single_param/DO/res=1h.series")
      .File("/reduced/single_param/DO/res=1d.series")
      .File("/reduced/single_param/Temperature/res=1h.series")
      .File("/test-locations/BDockDownsampled/res=1h.series")
      .File("/test-locations/BDockDownsampled/res=1d.series")
      .File("/test-locations/SilverDownsampled/res=1d.series")
      .Dir("/templates/sites/site=BDockDownsampled");
  return tree;
}

std::vector<std::string> Paths(const GlobResult& result) {
  std::vector<std::string> paths;
  for (const GlobMatch& match : result.matches) paths.push_back(match.path);
  return paths;
}

const GlobMatch* Find(const GlobResult& result, const std::string& path) {
  for (const GlobMatch& match : result.matches) {
    if (match.path == path) return &match;
  }
  return nullptr;
}

TEST(MatchComponent, ComponentTableOfTheSpec) {
  struct Row {
    std::string pattern, name;
    std::optional<Captures> captures;
  };
  const Row rows[] = {
      {"BDock.series", "BDock.series", Captures{}},
      {"BDock.series", "BDock.seriesx", std::nullopt},
      {"BDock.series", "bdock.series", std::nullopt},  // case-sensitive
      {"*", "anything at=all.x", Captures{"anything at=all.x"}},
      {"*.series", "res=1d.series", Captures{"res=1d"}},
      {"*.series", "res=1d.csv", std::nullopt},
      {"*.series", ".series", Captures{""}},  // `*` may match nothing
      {"site=*", "site=BDock", Captures{"BDock"}},
      {"site=*", "site=", Captures{""}},
      {"site=*", "year=2024", std::nullopt},
      {"*_*", "a_b", Captures{"a", "b"}},
      {"*_*", "a_b_c", Captures{"a", "b_c"}},  // docs/paths.md's leftmost-shortest example
      {"*_*", "abc", std::nullopt},
      {"*_*", "_", Captures{"", ""}},
      {"*a*", "bab", Captures{"b", "b"}},
      {"*a*a*", "aaaa", Captures{"", "", "aa"}},
      {"*.*.series", "a.b.c.series", Captures{"a", "b.c"}},
      {"x*y", "xy", Captures{""}},
      {"ab*ba", "aba", std::nullopt},  // prefix and suffix may not overlap
      {"a*b*c", "abcbc", Captures{"", "cb"}},
      {"a?b", "a?b", Captures{}},  // `?`, `[`, `{` are literal
      {"a?b", "axb", std::nullopt},
      {"[ab]", "a", std::nullopt},
      {"[ab]*", "[ab]x", Captures{"x"}},
      {"{x,y}", "x", std::nullopt},
      {"{x,y}", "{x,y}", Captures{}},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(MatchComponent(row.pattern, row.name), row.captures)
        << row.pattern << " on " << row.name;
  }
}

TEST(MatchComponent, RejectsDoubleStar) {
  EXPECT_THROW(MatchComponent("a**", "a"), Error);
  EXPECT_THROW(MatchComponent("**", "a"), Error);
}

TEST(MatchColumnPattern, StarCrossesDotsSlashesAndSpaces) {
  struct Row {
    std::string pattern, column;
    std::optional<Captures> captures;
  };
  const Row rows[] = {
      {"*.DO.mg/L", "AT500_Surface.DO.mg/L", Captures{"AT500_Surface"}},
      {"*.DO.mg/L", "a/b c.DO.mg/L", Captures{"a/b c"}},
      {"*.DO.mg/L", "AT500_Surface.DO.mg/L2", std::nullopt},  // whole name
      {"*.DO.mg/L", "x.do.mg/L", std::nullopt},               // case-sensitive
      {"*", "Any thing/at.all", Captures{"Any thing/at.all"}},
      {"*DO*", "Surface.DO.mg/L", Captures{"Surface.", ".mg/L"}},
      {"DO", "x.DO", std::nullopt},
      {"timestamp", "timestamp", Captures{}},
      {"a**", "abc", Captures{"", "bc"}},  // no `**` rule for columns: two stars
  };
  for (const Row& row : rows) {
    EXPECT_EQ(MatchColumnPattern(row.pattern, row.column), row.captures)
        << row.pattern << " on " << row.column;
  }
}

TEST(Glob, ExampleRowsOfTheSpec) {
  struct Row {
    std::string pattern, path;
    Captures captures;
  };
  const Row rows[] = {
      {"/test-locations/**/res=1d.series",
       "/test-locations/BDockDownsampled/res=1d.series",
       {"BDockDownsampled"}},
      {"/test-locations/*/res=1d.series",
       "/test-locations/BDockDownsampled/res=1d.series",
       {"BDockDownsampled"}},
      {"/reduced/single_param/**/*.series",
       "/reduced/single_param/DO/res=1h.series",
       {"DO", "res=1h"}},
      {"/reduced/single_param/*/*.series",
       "/reduced/single_param/Temperature/res=1h.series",
       {"Temperature", "res=1h"}},
      {"/hydrovu/devices/*/*.series", "/hydrovu/devices/123/BDock.series", {"123", "BDock"}},
      {"/hydrovu/**", "/hydrovu/devices/123/BDock.series", {"devices", "123", "BDock.series"}},
      {"/hydrovu/**", "/hydrovu", {}},
      {"/templates/sites/site=*", "/templates/sites/site=BDockDownsampled", {"BDockDownsampled"}},
      {"/**/res=1d.series",
       "/reduced/single_param/DO/res=1d.series",
       {"reduced", "single_param", "DO"}},
  };
  const FakeTreeView tree = SpecTree();
  for (const Row& row : rows) {
    const GlobResult result = Glob(row.pattern, tree);
    const GlobMatch* match = Find(result, row.path);
    ASSERT_NE(match, nullptr) << row.pattern << " missed " << row.path;
    EXPECT_EQ(match->captures, row.captures) << row.pattern;
    EXPECT_TRUE(result.warnings.empty());
  }
}

TEST(Glob, ListsInSortedOrderLikeTheSpec) {
  const FakeTreeView tree = SpecTree();
  EXPECT_EQ(Paths(Glob("/reduced/single_param/**/*.series", tree)),
            (std::vector<std::string>{"/reduced/single_param/DO/res=1d.series",
                                      "/reduced/single_param/DO/res=1h.series",
                                      "/reduced/single_param/Temperature/res=1h.series"}));
  // The --json example: captures per row.
  const GlobResult result = Glob("/reduced/single_param/*/*.series", tree);
  ASSERT_EQ(result.matches.size(), 3u);
  EXPECT_EQ(result.matches[0].captures, (Captures{"DO", "res=1d"}));
  EXPECT_EQ(result.matches[1].captures, (Captures{"DO", "res=1h"}));
  EXPECT_EQ(result.matches[2].captures, (Captures{"Temperature", "res=1h"}));
  for (const GlobMatch& match : result.matches) EXPECT_FALSE(match.is_dir);
}

TEST(Glob, EveryMatchOfTheSpecPatterns) {
  const FakeTreeView tree = SpecTree();
  EXPECT_EQ(Paths(Glob("/test-locations/**/res=1d.series", tree)),
            (std::vector<std::string>{"/test-locations/BDockDownsampled/res=1d.series",
                                      "/test-locations/SilverDownsampled/res=1d.series"}));
  EXPECT_EQ(Paths(Glob("/**/res=1d.series", tree)),
            (std::vector<std::string>{"/reduced/single_param/DO/res=1d.series",
                                      "/test-locations/BDockDownsampled/res=1d.series",
                                      "/test-locations/SilverDownsampled/res=1d.series"}));
  EXPECT_EQ(Paths(Glob("/hydrovu/devices/*/*.series", tree)),
            (std::vector<std::string>{"/hydrovu/devices/123/BDock.series",
                                      "/hydrovu/devices/456/Silver.series"}));
}

TEST(Glob, TrailingDoubleStarMatchesDirectoriesIncludingTheStart) {
  const GlobResult result = Glob("/hydrovu/**", SpecTree());
  struct Row {
    std::string path;
    Captures captures;
    bool is_dir;
  };
  const Row expected[] = {
      {"/hydrovu", {}, true},
      {"/hydrovu/devices", {"devices"}, true},
      {"/hydrovu/devices/123", {"devices", "123"}, true},
      {"/hydrovu/devices/123/BDock.series", {"devices", "123", "BDock.series"}, false},
      {"/hydrovu/devices/456", {"devices", "456"}, true},
      {"/hydrovu/devices/456/Silver.series", {"devices", "456", "Silver.series"}, false},
  };
  ASSERT_EQ(result.matches.size(), std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(result.matches[i].path, expected[i].path);
    EXPECT_EQ(result.matches[i].captures, expected[i].captures) << expected[i].path;
    EXPECT_EQ(result.matches[i].is_dir, expected[i].is_dir) << expected[i].path;
  }
}

TEST(Glob, RootPatterns) {
  const FakeTreeView tree = SpecTree();
  const GlobResult all = Glob("/**", tree);
  ASSERT_FALSE(all.matches.empty());
  EXPECT_EQ(all.matches.front().path, "/");
  EXPECT_TRUE(all.matches.front().captures.empty());
  EXPECT_EQ(all.matches.size(), 23u);  // "/" plus the 22 nodes of the example tree
  EXPECT_EQ(Paths(Glob("/", tree)), std::vector<std::string>{"/"});
  EXPECT_EQ(Paths(Glob("/*", tree)),
            (std::vector<std::string>{"/hydrovu", "/reduced", "/templates", "/test-locations"}));
}

TEST(Glob, StarUnderscoreStarInATree) {
  FakeTreeView tree;
  tree.File("/a_b_c").File("/abc");
  const GlobResult result = Glob("/*_*", tree);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_EQ(result.matches[0].path, "/a_b_c");
  EXPECT_EQ(result.matches[0].captures, (Captures{"a", "b_c"}));
}

TEST(Glob, EarlierDoubleStarTakesAsLittleAsPossible) {
  FakeTreeView tree;
  tree.File("/a.s/b.s");
  // Alignments: `**`=[] `*.s`=a.s `**`=[b.s] -> ["a","b.s"]; `**`=[a.s] `*.s`=b.s -> ["a.s","b"].
  const GlobResult result = Glob("/**/*.s/**", tree);
  const GlobMatch* match = Find(result, "/a.s/b.s");
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->captures, (Captures{"a", "b.s"}));
  EXPECT_EQ(Paths(result), (std::vector<std::string>{"/a.s", "/a.s/b.s"}));
  EXPECT_EQ(Find(result, "/a.s")->captures, Captures{"a"});
}

TEST(Glob, ResultsAreInByteOrder) {
  FakeTreeView tree;
  tree.File("/a/b").File("/a-x").File("/B").File("/é").File("/z").File("/a.c");
  EXPECT_EQ(Paths(Glob("/**", tree)),
            (std::vector<std::string>{"/", "/B", "/a", "/a-x", "/a.c", "/a/b", "/z", "/é"}));
}

TEST(Glob, PatternWithoutWildcardsStatsOnly) {
  const FakeTreeView tree = SpecTree();
  const GlobResult result = Glob("/hydrovu/devices/123/BDock.series", tree);
  ASSERT_EQ(result.matches.size(), 1u);
  EXPECT_EQ(result.matches[0].path, "/hydrovu/devices/123/BDock.series");
  EXPECT_TRUE(result.matches[0].captures.empty());
  EXPECT_FALSE(result.matches[0].is_dir);
  EXPECT_TRUE(tree.list_calls.empty());
  // A trailing '/' is ignored and a directory matches too.
  EXPECT_EQ(Paths(Glob("/hydrovu/devices/", tree)), std::vector<std::string>{"/hydrovu/devices"});
}

TEST(Glob, NonexistentPathsMatchNothing) {
  const FakeTreeView tree = SpecTree();
  for (const char* pattern :
       {"/nope", "/hydrovu/devices/789/BDock.series", "/hydrovu/devices/123/BDock.series/x",
        "/test-locations/**/res=1w.series", "/nope/**", "/hydrovu/*/nope*"}) {
    const GlobResult result = Glob(pattern, tree);
    EXPECT_TRUE(result.matches.empty()) << pattern;
    EXPECT_TRUE(result.warnings.empty()) << pattern;
  }
  class EmptyTree : public TreeView {
    std::optional<NodeInfo> Stat(const std::string&) const override { return std::nullopt; }
    std::vector<std::string> List(const std::string&) const override { return {}; }
  };
  EXPECT_TRUE(Glob("/**", EmptyTree()).matches.empty());
}

// A tree that answers Stat for its children while listing them (as the pond's stored
// directories do): the matcher takes those answers and asks Stat only for the rest.
class KnowingTree : public TreeView {
 public:
  explicit KnowingTree(const FakeTreeView& inner) : inner_(inner) {}
  std::optional<NodeInfo> Stat(const std::string& path) const override {
    stat_calls.push_back(path);
    return inner_.Stat(path);
  }
  std::vector<std::string> List(const std::string& path) const override {
    return inner_.List(path);
  }
  std::vector<Child> Children(const std::string& path) const override {
    std::vector<Child> children;
    for (std::string& name : inner_.List(path)) {
      const std::string child = path == "/" ? "/" + name : path + "/" + name;
      std::optional<NodeInfo> info = inner_.Stat(child);
      // Names starting with 'l' stand for symlinks: left to Stat.
      const bool known = info && name[0] != 'l';
      children.push_back(Child{std::move(name), known, known ? *info : NodeInfo{}});
    }
    return children;
  }
  mutable std::vector<std::string> stat_calls;

 private:
  const FakeTreeView& inner_;
};

TEST(Glob, TakesStatAnswersThatComeWithTheListing) {
  FakeTreeView inner;
  inner.File("/a/x").File("/a/y").Dir("/b").Link("/link", "/a").File("/b/z");
  const KnowingTree knowing(inner);
  for (const char* pattern : {"/**", "/*/*", "/**/x", "/l*/*"}) {
    knowing.stat_calls.clear();
    const GlobResult fast = Glob(pattern, knowing);
    EXPECT_EQ(Paths(fast), Paths(Glob(pattern, inner))) << pattern;
    for (const GlobMatch& m : fast.matches)
      EXPECT_EQ(m.captures, Find(Glob(pattern, inner), m.path)->captures) << pattern;
    // The root, the symlink where a pattern reaches it, and literal components
    // (which cost a Stat, not a List): nothing else.
    for (const std::string& asked : knowing.stat_calls)
      EXPECT_TRUE(asked == "/" || asked == "/link" || asked.ends_with("/x"))
          << pattern << ": " << asked;
  }
}

TEST(Glob, ListsOnlyDirectoriesThePatternCanMatchInto) {
  struct Row {
    std::string pattern;
    std::vector<std::string> listed;  // sorted
  };
  const Row rows[] = {
      {"/hydrovu/devices/123/BDock.series", {}},
      {"/test-locations/*/res=1d.series", {"/test-locations"}},
      {"/hydrovu/devices/*", {"/hydrovu/devices"}},
      {"/reduced/single_param/**/*.series",
       {"/reduced/single_param", "/reduced/single_param/DO", "/reduced/single_param/Temperature"}},
      {"/nope/*", {}},
  };
  for (const Row& row : rows) {
    const FakeTreeView tree = SpecTree();
    Glob(row.pattern, tree);
    std::vector<std::string> listed = tree.list_calls;
    std::sort(listed.begin(), listed.end());
    EXPECT_EQ(listed, row.listed) << row.pattern;  // also: each directory listed once
  }
}

TEST(Glob, InvalidPatternsThrow) {
  struct Row {
    std::string pattern, message;
  };
  const Row rows[] = {
      {"/a**b", "'**' must be a whole path component"},
      {"/x/**b", "'**' must be a whole path component"},
      {"/x/a**", "'**' must be a whole path component"},
      {"/***", "'**' must be a whole path component"},
      {"x/**", "pond paths must start with '/'"},
      {"/x/../**", "invalid path component '..'"},
      {"/x//*", "empty path component"},
  };
  const FakeTreeView tree = SpecTree();
  for (const Row& row : rows) {
    for (int check_only = 0; check_only < 2; ++check_only) {
      try {
        if (check_only) {
          CheckGlobPattern(row.pattern);
        } else {
          Glob(row.pattern, tree);
        }
        ADD_FAILURE() << "accepted " << row.pattern;
      } catch (const Error& e) {
        EXPECT_EQ(e.message(), row.message) << row.pattern;
        EXPECT_EQ(e.where(), row.pattern);
      }
    }
  }
  EXPECT_NO_THROW(CheckGlobPattern("/a/**/*_*/x.series"));
}

TEST(Glob, FollowsSymlinksAndReportsEachPath) {
  FakeTreeView tree;
  tree.File("/data/a.series")
      .Link("/alias", "/data")      // absolute target
      .Link("/sub/rel", "../data")  // relative to /sub
      .Link("/file-link.series", "data/a.series")
      .Link("/dangling", "/nope")
      .Link("/ping", "/pong")
      .Link("/pong", "/ping");  // a link chain over the hop limit: skipped
  EXPECT_EQ(Paths(Glob("/**/*.series", tree)),
            (std::vector<std::string>{"/alias/a.series", "/data/a.series", "/file-link.series",
                                      "/sub/rel/a.series"}));
  const GlobResult result = Glob("/**", tree);
  EXPECT_TRUE(result.warnings.empty());
  EXPECT_EQ(Find(result, "/alias")->is_dir, true);
  EXPECT_EQ(Find(result, "/file-link.series")->is_dir, false);
  EXPECT_EQ(Find(result, "/dangling"), nullptr);
  EXPECT_EQ(Find(result, "/ping"), nullptr);
}

TEST(Glob, SymlinkCycleIsNotDescendedAndWarns) {
  FakeTreeView tree;
  tree.File("/a/b/file").Link("/a/loop", "/a").Link("/a/b/up", "..");
  const GlobResult result = Glob("/a/**", tree);
  EXPECT_EQ(Paths(result),
            (std::vector<std::string>{"/a", "/a/b", "/a/b/file", "/a/b/up", "/a/loop"}));
  EXPECT_TRUE(Find(result, "/a/loop")->is_dir);
  EXPECT_EQ(Find(result, "/a/loop")->captures, Captures{"loop"});
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{"symlink cycle at /a/b/up", "symlink cycle at /a/loop"}));

  // Any wildcard and literal descent obeys the same rule.
  const GlobResult stars = Glob("/a/*/*", tree);
  EXPECT_EQ(Paths(stars), (std::vector<std::string>{"/a/b/file", "/a/b/up"}));
  EXPECT_EQ(stars.warnings, std::vector<std::string>{"symlink cycle at /a/loop"});
  const GlobResult literal = Glob("/a/loop/b", tree);
  EXPECT_TRUE(literal.matches.empty());
  EXPECT_EQ(literal.warnings, std::vector<std::string>{"symlink cycle at /a/loop"});
  EXPECT_EQ(Paths(Glob("/a/loop", tree)), std::vector<std::string>{"/a/loop"});
}

TEST(Glob, LinkToTheRootIsACycleToo) {
  FakeTreeView tree;
  tree.File("/x/f").Link("/x/root", "/");
  const GlobResult result = Glob("/**/f", tree);
  EXPECT_EQ(Paths(result), std::vector<std::string>{"/x/f"});
  EXPECT_EQ(result.warnings, std::vector<std::string>{"symlink cycle at /x/root"});
}

TEST(Glob, TwoPathsToOneNodeAreTwoMatches) {
  FakeTreeView tree;
  tree.File("/x/d/f").Link("/y", "/x/d").Link("/x/e", "d");
  const GlobResult result = Glob("/**/f", tree);
  EXPECT_EQ(Paths(result), (std::vector<std::string>{"/x/d/f", "/x/e/f", "/y/f"}));
  EXPECT_TRUE(result.warnings.empty());
  EXPECT_EQ(Find(result, "/y/f")->captures, Captures{"y"});
  EXPECT_EQ(Find(result, "/x/e/f")->captures, (Captures{"x", "e"}));
}

}  // namespace
}  // namespace pond
