#include "path/path.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace pond {
namespace {

using Names = std::vector<std::string>;

TEST(SplitPath, AcceptsValidPaths) {
  struct Row {
    std::string path;
    Names names;
    std::string canonical;
  };
  const std::string longest(255, 'x');
  const Row rows[] = {
      {"/", {}, "/"},
      {"/hydrovu/devices/123/BDock.series",
       {"hydrovu", "devices", "123", "BDock.series"},
       "/hydrovu/devices/123/BDock.series"},
      {"/raw/", {"raw"}, "/raw"},
      {"/raw", {"raw"}, "/raw"},
      {"/a/res=1d.series", {"a", "res=1d.series"}, "/a/res=1d.series"},
      {"/year=2024/site=BDock", {"year=2024", "site=BDock"}, "/year=2024/site=BDock"},
      {"/My File.csv", {"My File.csv"}, "/My File.csv"},
      {"/a-b:c/.hidden/...", {"a-b:c", ".hidden", "..."}, "/a-b:c/.hidden/..."},
      {"/?[{*", {"?[{*"}, "/?[{*"},
      {"/" + longest, {longest}, "/" + longest},
      {"/données/温度/🌊", {"données", "温度", "🌊"}, "/données/温度/🌊"},
      {"/Raw/raw", {"Raw", "raw"}, "/Raw/raw"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(SplitPath(row.path), row.names) << row.path;
    EXPECT_EQ(NormalizePath(row.path), row.canonical) << row.path;
  }
}

TEST(SplitPath, RejectsInvalidPathsWithTheSpecMessages) {
  struct Row {
    std::string path;
    std::string message;
  };
  const Row rows[] = {
      {"/raw/../etc", "invalid path component '..'"},
      {"/..", "invalid path component '..'"},
      {"/raw/..", "invalid path component '..'"},
      {"/./raw", "invalid path component '.'"},
      {"/raw/.", "invalid path component '.'"},
      {"/raw/./", "invalid path component '.'"},
      {"raw", "pond paths must start with '/'"},
      {"raw/a", "pond paths must start with '/'"},
      {"", "empty path: pond paths must start with '/'"},
      {"./raw", "pond paths must start with '/'"},
      {"/raw//a", "empty path component"},
      {"//", "empty path component"},
      {"//raw", "empty path component"},
      {"/raw//", "empty path component"},
      {"/" + std::string(256, 'x'), "path component longer than 255 bytes"},
      {std::string("/a\0b", 4), "path component contains a NUL byte"},
      {"/\xff", "path component is not valid UTF-8"},
      {"/a\xc3", "path component is not valid UTF-8"},             // truncated sequence
      {"/\xc0\xaf", "path component is not valid UTF-8"},          // overlong '/'
      {"/\xed\xa0\x80", "path component is not valid UTF-8"},      // surrogate
      {"/\xf4\x90\x80\x80", "path component is not valid UTF-8"},  // above U+10FFFF
  };
  for (const Row& row : rows) {
    try {
      SplitPath(row.path);
      ADD_FAILURE() << "accepted " << row.path;
    } catch (const Error& e) {
      EXPECT_EQ(e.message(), row.message) << row.path;
      EXPECT_EQ(e.where(), row.path.empty() ? "''" : row.path);
    }
  }
}

TEST(SplitPath, PrintsLikeTheSpecExamples) {
  try {
    NormalizePath("/raw/../etc");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "invalid path component '..' (/raw/../etc)");
  }
  try {
    NormalizePath("raw");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "pond paths must start with '/' (raw)");
  }
}

TEST(IsValidName, FollowsTheNameRules) {
  for (const std::string& name :
       {std::string("res=1d.series"), std::string("year=2024"), std::string("site=BDock"),
        std::string("My File.csv"), std::string("a-b:c"), std::string(".x"), std::string("..."),
        std::string(255, 'n'), std::string("温度")}) {
    EXPECT_TRUE(IsValidName(name)) << name;
  }
  for (const std::string& name :
       {std::string(""), std::string("."), std::string(".."), std::string("a/b"),
        std::string("a\0b", 3), std::string(256, 'n'), std::string("\xfe")}) {
    EXPECT_FALSE(IsValidName(name)) << name;
  }
}

TEST(CheckName, ThrowsTheProblemWithTheGivenPlace) {
  EXPECT_NO_THROW(CheckName("ok", "/x/ok"));
  try {
    CheckName("a/b", "/x/a/b");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "path component contains '/' (/x/a/b)");
  }
}

TEST(JoinPath, AppendsOneValidName) {
  EXPECT_EQ(JoinPath("/", "a"), "/a");
  EXPECT_EQ(JoinPath("/a/", "b c"), "/a/b c");
  EXPECT_EQ(JoinNames({}), "/");
  EXPECT_EQ(JoinNames({"a", "b"}), "/a/b");
  EXPECT_THROW(JoinPath("/a", ".."), Error);
  EXPECT_THROW(JoinPath("/a", "b/c"), Error);
  EXPECT_THROW(JoinPath("/a", ""), Error);
  EXPECT_THROW(JoinPath("a", "b"), Error);
  EXPECT_THROW(JoinNames({"a", "."}), Error);
}

TEST(ParentAndBaseName, WalkUpOneLevel) {
  struct Row {
    std::string path, parent, base;
  };
  const Row rows[] = {
      {"/", "/", ""},
      {"/raw", "/", "raw"},
      {"/raw/", "/", "raw"},
      {"/hydrovu/devices/123/BDock.series", "/hydrovu/devices/123", "BDock.series"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(ParentPath(row.path), row.parent) << row.path;
    EXPECT_EQ(BaseName(row.path), row.base) << row.path;
  }
  EXPECT_THROW(ParentPath("/a/../b"), Error);
  EXPECT_THROW(BaseName("b"), Error);
}

TEST(Extension, IsTheTextAfterTheLastDot) {
  struct Row {
    std::string path_or_name, extension;
  };
  const Row rows[] = {
      {"res=1d.series", "series"},
      {"/reduced/DO/res=1d.series", "series"},
      {"a.tar.gz", "gz"},
      {"BDock.series", "series"},
      {"noext", ""},
      {"/a.b/noext", ""},  // a directory's dot does not count
      {"a.", ""},
      {".hidden", ""},  // removing it would leave an empty name
      {"..x", ""},      // ... or "."
      {"....x", "x"},
      {"/", ""},
  };
  for (const Row& row : rows)
    EXPECT_EQ(Extension(row.path_or_name), row.extension) << row.path_or_name;
}

TEST(PathWithoutExtension, RemovesDotAndExtensionFromTheLastName) {
  struct Row {
    std::string path, stem;
  };
  const Row rows[] = {
      {"/reduced/DO/res=1d.series", "/reduced/DO/res=1d"},
      {"/a/b.tar.gz", "/a/b.tar"},
      {"/a/b.tar.gz/", "/a/b.tar"},
      {"/a.b/c", "/a.b/c"},
      {"/x/a.", "/x/a"},
      {"/x/.hidden", "/x/.hidden"},
      {"/x/..x", "/x/..x"},
      {"/", "/"},
  };
  for (const Row& row : rows) EXPECT_EQ(PathWithoutExtension(row.path), row.stem) << row.path;
  EXPECT_THROW(PathWithoutExtension("x.series"), Error);
}

TEST(ResolveSymlinkTarget, ResolvesRelativeTargetsAgainstTheLinkParent) {
  struct Row {
    std::string link, target, resolved;
  };
  const Row rows[] = {
      {"/a/link", "/b/c", "/b/c"},  {"/a/link", "/b/c/", "/b/c"},
      {"/a/link", "/", "/"},        {"/a/link", "c", "/a/c"},
      {"/a/link", "c/d", "/a/c/d"}, {"/a/b/link", "../x", "/a/x"},
      {"/a/link", "./c/", "/a/c"},  {"/a/link", "..", "/"},
      {"/link", "../../x", "/x"},  // `..` at the root stays there
      {"/a/link", "/b/../c", "/c"}, {"/link", "res=1d.series", "/res=1d.series"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(ResolveSymlinkTarget(row.link, row.target), row.resolved)
        << row.link << " -> " << row.target;
  }
}

TEST(ResolveSymlinkTarget, RejectsEmptyTargetsAndBadNames) {
  struct Row {
    std::string target, message;
  };
  const Row rows[] = {
      {"", "empty symlink target"},
      {"a//b", "empty path component"},
      {"/a//b", "empty path component"},
      {"a/\xff", "path component is not valid UTF-8"},
  };
  for (const Row& row : rows) {
    try {
      ResolveSymlinkTarget("/d/link", row.target);
      ADD_FAILURE() << "accepted " << row.target;
    } catch (const Error& e) {
      EXPECT_EQ(e.message(), row.message);
      EXPECT_EQ(e.where(), "/d/link -> " + row.target);
    }
  }
  EXPECT_THROW(ResolveSymlinkTarget("link", "x"), Error);
}

}  // namespace
}  // namespace pond
