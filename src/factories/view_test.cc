// The View over a real pond: dynamic directories reached directly and through
// symlinks, stable node ids, globbing into computed nodes, the cycle guard, and
// vars given at mknod as defaults, a git tree's children known from its listing.
#include "factories/view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "base/error.h"
#include "factories/factory.h"
#include "support/git_repo.h"

namespace pond::factories {
namespace {

namespace fs = std::filesystem;

class ViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("pond-view-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    dir_ = (root_ / "pond").string();
    store::Pond::Init(dir_, {"pond", "init"}, {});
    Write({}, [](store::Transaction& t) {
      t.Mkdir("/raw", false);
      t.AppendSeries(
          "/raw/a.series",
          {"SELECT TIMESTAMP '2024-07-01 00:00:00' + INTERVAL (i * 15) MINUTE AS \"timestamp\", "
           "i * 0.5 AS \"x.y/z\" FROM range(8) t(i)",
           "gen", ""});
      t.Mknod("/reduced", "temporal-reduce",
              "in_pattern: /raw/*.series\nout_pattern: '{{ prefix }}$0'\nresolutions: [1h]\n"
              "aggregations: [{type: count}]\n",
              false);
      t.Symlink("/link", "/reduced");
      t.Symlink("/loop1", "/loop2");
      t.Symlink("/loop2", "/loop1");
    });
  }
  void TearDown() override { fs::remove_all(root_); }

  template <class Fn>
  void Write(const std::map<std::string, std::string>& vars, Fn fn) {
    auto pond = store::Pond::OpenWrite(dir_);
    auto txn = pond->Begin({"pond", "test"}, vars);
    fn(*txn);
    txn->Commit();
  }

  fs::path root_;
  std::string dir_;
};

TEST_F(ViewTest, DynamicNodesThroughSymlinks) {
  // The mknod transaction had no vars: {{ prefix }} must come from the command line.
  auto pond = store::Pond::OpenRead(dir_);
  View view(*pond, {{"prefix", "p-"}});
  Node reduced = view.Get("/reduced");
  EXPECT_EQ(reduced.shape, Shape::kDir);
  EXPECT_EQ(reduced.listed_kind, "dynamic:temporal-reduce");
  EXPECT_EQ(view.ListDir(reduced), std::vector<std::string>{"p-a"});

  Node direct = view.Get("/reduced/p-a/res=1h.series");
  Node linked = view.Get("/link/p-a/res=1h.series");
  EXPECT_EQ(linked.path, "/link/p-a/res=1h.series");
  EXPECT_EQ(linked.id, direct.id);
  EXPECT_EQ(linked.listed_kind, "file:series");
  EXPECT_NE(view.Get("/reduced/p-a").id, direct.id);
  auto r =
      pond->sql().Query("SELECT count(*), sum(\"x.y/z.count\") FROM " + view.RelationSql(linked));
  EXPECT_EQ(r.at(0, 0).as_int(), 2);
  EXPECT_EQ(r.at(0, 1).ToString(), "8");

  std::vector<std::string> paths;
  for (const auto& m : view.GlobFiles("/*/*/*.series")) paths.push_back(m.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"/link/p-a/res=1h.series", "/reduced/p-a/res=1h.series"}));
  EXPECT_FALSE(view.Lookup("/reduced/nope"));
  EXPECT_FALSE(view.Lookup("/raw/a.series/below"));
  EXPECT_FALSE(view.Stat("/loop1"));
  EXPECT_THROW(view.Get("/loop1"), Error);
  EXPECT_THROW(view.RelationSql(reduced), Error);
}

TEST_F(ViewTest, MknodVarsAreDefaultsAndTheCommandLineWins) {
  Write({{"prefix", "m-"}}, [](store::Transaction& t) {
    t.Mknod("/reduced", "temporal-reduce",
            "in_pattern: /raw/*.series\nout_pattern: '{{ prefix }}$0'\nresolutions: [1h]\n"
            "aggregations: [{type: count}]\n",
            true);
  });
  auto pond = store::Pond::OpenRead(dir_);
  View defaults(*pond, {});
  EXPECT_EQ(defaults.ListDir(defaults.Get("/reduced")), std::vector<std::string>{"m-a"});
  EXPECT_EQ(defaults.ConfigOf(defaults.Get("/reduced")).vars.at("prefix"), "m-");
  View overridden(*pond, {{"prefix", "c-"}});
  EXPECT_EQ(overridden.ListDir(overridden.Get("/link")), std::vector<std::string>{"c-a"});
  EXPECT_EQ(LoadConfig(overridden, overridden.Get("/reduced")).root["out_pattern"].Scalar(),
            "c-$0");
}

// A git tree's children come with what Stat answers (ids, folders) from the tree's
// own listing, so a glob resolves no file path by path; a symlink is left to Stat,
// which follows it.
TEST_F(ViewTest, GitTreeChildrenAreKnownAsStatKnowsThem) {
  testing::GitRepo repo(root_ / "origin");
  repo.Write("a.csv", "x\n1\n");
  repo.Write("dir/sub/b.txt", "bee");
  repo.Symlink("link.csv", "a.csv");
  repo.Symlink("linkdir", "dir");
  repo.Commit();
  Write({}, [&](store::Transaction& t) {
    t.Mknod("/g", "git-ingest", "url: " + repo.url() + "\nref: main\n", false);
  });
  auto pond = store::Pond::OpenRead(dir_);
  View view(*pond, {});
  std::set<std::string> known, unknown;
  for (const std::string dir : {"/g", "/g/dir", "/g/dir/sub"}) {
    for (const TreeView::Child& c : view.Children(dir)) {
      const std::string path = dir + "/" + c.name;
      const std::optional<TreeView::NodeInfo> stat = view.Stat(path);
      ASSERT_TRUE(stat) << path;
      (c.known ? known : unknown).insert(path);
      if (!c.known) continue;
      EXPECT_EQ(c.info.id, stat->id) << path;
      EXPECT_EQ(c.info.is_dir, stat->is_dir) << path;
    }
  }
  EXPECT_EQ(known, (std::set<std::string>{"/g/a.csv", "/g/dir", "/g/dir/sub", "/g/dir/sub/b.txt"}));
  EXPECT_EQ(unknown, (std::set<std::string>{"/g/link.csv", "/g/linkdir"}));
  std::vector<std::string> matched;
  for (const GlobMatch& m : view.Glob("/g/**")) matched.push_back(m.path);
  EXPECT_EQ(matched, (std::vector<std::string>{"/g", "/g/a.csv", "/g/dir", "/g/dir/sub",
                                               "/g/dir/sub/b.txt", "/g/link.csv", "/g/linkdir",
                                               "/g/linkdir/sub", "/g/linkdir/sub/b.txt"}));
}

TEST_F(ViewTest, GuardNamesTheChain) {
  auto pond = store::Pond::OpenRead(dir_);
  View view(*pond, {});
  View::Guard a(view, "/a");
  {
    View::Guard b(view, "/b");
    try {
      View::Guard again(view, "/a");
      FAIL();
    } catch (const Error& e) {
      EXPECT_STREQ(e.what(), "cycle: /a -> /b -> /a (/a)");
    }
  }
  View::Guard b_again(view, "/b");  // /b left the stack with its guard
}

}  // namespace
}  // namespace pond::factories
