// git-ingest through the binary (docs/git-ingest.md): a pond directory showing a
// subtree of a Git ref, from bare repositories the test makes with `git` and names by
// file:// urls. Read after pull, the first read cloning, changes after a second pull
// only, nested folders and symlinks, status, prefixes, an env ref, csv:// and
// excelhtml:// and series:// reads of files in the tree, failures leaving the last
// state readable and the pond unchanged, a killed pull, writes refused, a
// reduction's cache kept across a pull that changed another file, and the listing
// kept in the clone: lists without libgit2, a stale or damaged one never served.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "factories_fixture.h"
#include "support/git_repo.h"
#include "support/hydrovu_html.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class GitIngestTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    RunResult r = pond::testing::Run("git", {"init", "-q", "--bare", "-b", "main", bare_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Sends the work tree's branches and tags to the bare origin (forced: a rewound
  // branch moves there too).
  void Push() {
    work_.Git(
        {"push", "-q", "--force", bare_, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"});
  }
  std::string Url() const { return "file://" + bare_; }
  // A git-ingest node at `path` on the origin, with `more` config lines.
  void Node(const std::string& path, const std::string& ref = "main",
            const std::string& more = "") {
    Mknod("git-ingest", path, "url: " + Url() + "\nref: \"" + ref + "\"\n" + more);
  }
  std::string Cat(const std::string& path, const std::map<std::string, std::string>& env = {}) {
    return Ok({"cat", path}, env);
  }
  std::string List(const std::string& pattern, const std::map<std::string, std::string>& env = {}) {
    return Ok({"list", pattern}, env);
  }
  std::string Pull(const std::string& node = "/g",
                   const std::map<std::string, std::string>& env = {}) {
    return Ok({"run", node, "pull"}, env);
  }
  // What a refused command must leave: the pond's log and blobs.
  std::string PondState() { return Ok({"log"}) + Blobs(); }
  // Files of a cache folder.
  size_t CacheFiles(const std::string& kind) const {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(pond_dir_ + "/cache/" + kind, ec))
      n += e.path().extension() == ".parquet";
    return n;
  }

  // The clones in <pond>/git/.
  std::vector<std::string> CloneDirs() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(pond_dir_ + "/git", ec))
      if (e.is_directory() && e.path().extension() == ".git") out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string bare_ = tmp_ / "origin.git";
  GitRepo work_{tmp_.path() / "work"};
};

// 600: read after pull.
TEST_F(GitIngestTest, ReadAfterPull) {
  work_.Write("readme.txt", "hello\n");
  work_.Write("data/x.csv", "a,b\n1,2\n");
  const std::string commit = work_.Commit();
  Push();
  Node("/g");
  const std::string log = Ok({"log"});
  EXPECT_EQ(Pull(), "at commit " + commit.substr(0, 12) + "\n");
  EXPECT_EQ(Ok({"log"}), log);  // the pull wrote nothing to the pond
  // Beside the catalog, named by the node's catalog id: a move keeps it.
  const std::vector<std::string> clones = CloneDirs();
  ASSERT_EQ(clones.size(), 1u);
  Ok({"mv", "/g", "/moved"});
  EXPECT_EQ(Cat("/moved/readme.txt"), "hello\n");
  EXPECT_EQ(CloneDirs(), clones);
  Ok({"mv", "/moved", "/g"});
  EXPECT_EQ(List("/g/**"), "/g\n/g/data\n/g/data/x.csv\n/g/readme.txt\n");
  EXPECT_EQ(Cat("/g/readme.txt"), "hello\n");
  EXPECT_EQ(Cat("/g/data/x.csv"), "a,b\n1,2\n");
  EXPECT_THAT(Ok({"list", "-l", "/g/data/*"}), StartsWith("file:data "));
}

TEST_F(GitIngestTest, TheFirstReadClones) {
  work_.Write("f.txt", "first\n");
  work_.Commit();
  Push();
  Node("/g");
  EXPECT_EQ(Cat("/g/f.txt"), "first\n");
  EXPECT_THAT(Ok({"run", "/g", "status"}), StartsWith("at commit "));
}

// 601: changed, added and deleted files show after the next pull, not before.
TEST_F(GitIngestTest, ASecondPullShowsChangesAddsAndDeletes) {
  work_.Write("keep.txt", "same\n");
  work_.Write("change.txt", "old\n");
  work_.Write("gone/x.txt", "x\n");
  work_.Commit();
  Push();
  Node("/g");
  Pull();
  work_.Write("change.txt", "new\n");
  work_.Write("added/y.txt", "y\n");
  work_.Remove("gone");
  const std::string second = work_.Commit();
  Push();
  // A moved ref is invisible until the next pull.
  EXPECT_EQ(Cat("/g/change.txt"), "old\n");
  EXPECT_EQ(List("/g/**"), "/g\n/g/change.txt\n/g/gone\n/g/gone/x.txt\n/g/keep.txt\n");
  EXPECT_EQ(Pull(), "at commit " + second.substr(0, 12) + "\n");
  EXPECT_EQ(Cat("/g/change.txt"), "new\n");
  EXPECT_EQ(Cat("/g/keep.txt"), "same\n");
  EXPECT_EQ(List("/g/**"), "/g\n/g/added\n/g/added/y.txt\n/g/change.txt\n/g/keep.txt\n");
}

// 602: nested folders and symlinks; cat follows a symlink.
TEST_F(GitIngestTest, NestedFoldersAndSymlinks) {
  work_.Write("a/b/c/deep.txt", "deep\n");
  work_.Symlink("a/latest.txt", "b/c/deep.txt");
  work_.Symlink("to-c", "a/b/c");
  work_.Symlink("up.txt", "a/../a/b/c/deep.txt");
  work_.Symlink("dangling", "nowhere.txt");
  const std::string base = work_.Commit();
  work_.CommitGitlink("vendored", base);  // a submodule: left out
  Push();
  Node("/g");
  Pull();
  EXPECT_EQ(Cat("/g/a/b/c/deep.txt"), "deep\n");
  EXPECT_EQ(Cat("/g/a/latest.txt"), "deep\n");
  EXPECT_EQ(Cat("/g/to-c/deep.txt"), "deep\n");
  EXPECT_EQ(Cat("/g/up.txt"), "deep\n");
  EXPECT_EQ(List("/g/to-c/*"), "/g/to-c/deep.txt\n");
  Fails({"cat", "/g/dangling"}, "no such node (/g/dangling)");
  Fails({"cat", "/g/vendored"}, "no such node (/g/vendored)");
  Fails({"cat", "/g/a"}, "is a directory (/g/a)");
}

// 603: status before and after a pull.
TEST_F(GitIngestTest, StatusBeforeAndAfter) {
  work_.Write("site/f.txt", "f\n");
  const std::string commit = work_.Commit();
  Push();
  Node("/g", "main", "prefix: site\n");
  const std::string where = "url: " + Url() + "\nref: main\nprefix: site\n";
  EXPECT_EQ(Ok({"run", "/g", "status"}), "not yet fetched\n" + where);
  Ok({"run", "/g"});  // no action: pull
  EXPECT_EQ(Ok({"run", "/g", "status"}), "at commit " + commit.substr(0, 12) + "\n" + where);
  EXPECT_EQ(Ok({"run", "/g", "push"}),
            "git-ingest: push has nothing to do (the pond never writes to git)\n");
  RunResult bad = P({"run", "/g", "collect"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "pond: error: factory 'git-ingest' runs pull (the default), status or push (/g)\n");
}

// 604: a prefix hides the rest of the tree; nested prefixes work.
TEST_F(GitIngestTest, APrefixHidesTheRest) {
  work_.Write("config/noyo/site/a.yaml", "a: 1\n");
  work_.Write("config/noyo/other.yaml", "o: 1\n");
  work_.Write("top.txt", "t\n");
  work_.Commit();
  Push();
  Node("/site", "main", "prefix: config/noyo/site\n");
  Node("/noyo", "main", "prefix: config/noyo\n");
  Pull("/site");
  EXPECT_EQ(List("/site/**"), "/site\n/site/a.yaml\n");
  EXPECT_EQ(Cat("/site/a.yaml"), "a: 1\n");
  EXPECT_EQ(List("/noyo/**"), "/noyo\n/noyo/other.yaml\n/noyo/site\n/noyo/site/a.yaml\n");
}

// 605: `${env:GIT_TEST_REF:-main}` is honoured by pull and by reads.
TEST_F(GitIngestTest, AnEnvRefIsHonouredByPullAndReads) {
  work_.Write("which.txt", "main\n");
  const std::string main = work_.Commit();
  work_.Git({"checkout", "-q", "-b", "other"});
  work_.Write("which.txt", "other\n");
  const std::string other = work_.Commit();
  work_.Git({"checkout", "-q", "main"});
  Push();
  Node("/g", "${env:GIT_TEST_REF:-main}");
  const std::map<std::string, std::string> env{{"GIT_TEST_REF", "other"}};
  EXPECT_EQ(Pull("/g", env), "at commit " + other.substr(0, 12) + "\n");
  EXPECT_EQ(Cat("/g/which.txt", env), "other\n");
  EXPECT_EQ(Cat("/g/which.txt"), "main\n");
  // Each ref keeps its own listing: the reads take no turns rewriting one.
  for (int i = 0; i < 2; ++i) {
    RunResult r =
        P({"list", "-l", "/g/which.txt"}, {{"GIT_TEST_REF", "other"}, {"POND_LOG", "debug"}});
    EXPECT_THAT(r.err, Not(HasSubstr("loaded libgit2")));
    r = P({"list", "-l", "/g/which.txt"}, {{"POND_LOG", "debug"}});
    EXPECT_THAT(r.err, Not(HasSubstr("loaded libgit2")));
  }
  EXPECT_EQ(Pull(), "at commit " + main.substr(0, 12) + "\n");
  EXPECT_THAT(Ok({"run", "/g", "status"}, env), HasSubstr("ref: other\n"));
  // A tag and a full commit id name commits too.
  work_.Git({"tag", "v1", main});
  Push();
  Pull();
  EXPECT_EQ(Cat("/g/which.txt", {{"GIT_TEST_REF", "v1"}}), "main\n");
  EXPECT_EQ(Cat("/g/which.txt", {{"GIT_TEST_REF", other}}), "other\n");
}

// 606: a CSV in the tree through csv:// and --sql.
TEST_F(GitIngestTest, CsvInTheTreeThroughSql) {
  work_.Write("data/x.csv", "name,gallons\na,10\nb,32\n");
  work_.Commit();
  Push();
  Node("/g");
  Pull();
  EXPECT_EQ(Ok({"cat", "--sql", "SELECT sum(gallons) AS total FROM source", "csv:///g/data/x.csv",
                "--format", "csv"}),
            "total\n42\n");
}

TEST_F(GitIngestTest, HydroVuHtmlThroughExcelHtml) {
  const std::string html = tmp_ / "export.htm";
  WriteHydroVuExport(HydroVuExportSpec{50, 4, 7}, html);
  work_.Write("hydrovu/export.htm", ReadFile(html));
  work_.Commit();
  Push();
  Node("/g");
  Pull();
  const std::string from_git = Ok({"cat", "excelhtml:///g/hydrovu/export.htm", "--format", "csv"});
  EXPECT_EQ(from_git, Ok({"cat", "host+excelhtml://" + html, "--format", "csv"}));
  EXPECT_EQ(Lines(from_git), 51u);
}

// A Parquet file in the tree, read through series://, reduces as the same rows stored
// as a series do.
TEST_F(GitIngestTest, ParquetInTheTreeReducesAsAStoredSeries) {
  const std::string csv = SiteCsv({"2024-03-01 00:00:00", 10 * 96, "", "", 3, false});
  CopySeries("site.csv", csv, "/raw/Site.series");
  const std::string parquet = tmp_ / "site.parquet";
  {
    engine::Database db;
    engine::Connection con(db);
    con.Execute("COPY (SELECT * FROM " + Csv("site.csv") + " ORDER BY \"timestamp\") TO " +
                engine::QuoteLiteral(parquet) + " (FORMAT parquet)");
  }
  work_.Write("archive/Site.parquet", ReadFile(parquet));
  work_.Commit();
  Push();
  Node("/g");
  Pull();
  const std::string config = R"(out_pattern: $0
resolutions: [1h, 1d]
aggregations: [{type: avg}, {type: max}, {type: count, columns: ["*"]}]
)";
  Mknod("temporal-reduce", "/from-git", "in_pattern: \"series:///g/archive/*.parquet\"\n" + config);
  Mknod("temporal-reduce", "/stored", "in_pattern: /raw/*.series\n" + config);
  for (const std::string res : {"1h", "1d"}) {
    const std::string rows =
        Ok({"cat", "/from-git/Site/res=" + res + ".series", "--format", "csv"});
    EXPECT_EQ(rows, Ok({"cat", "/stored/Site/res=" + res + ".series", "--format", "csv"}));
    EXPECT_GT(Lines(rows), 10u);
  }
  const std::string join = R"(inputs:
  - {pattern: "series:///g/archive/Site.parquet", scope: Git}
  - {pattern: /raw/Site.series, scope: Stored}
)";
  Mknod("timeseries-join", "/joined", join);
  EXPECT_EQ(CatCsv("/joined",
                   "SELECT count(*) AS n FROM series WHERE \"Git.Temperature.C\" IS "
                   "NOT DISTINCT FROM \"Stored.Temperature.C\""),
            "n\n960\n");
}

// Failures: one line naming the node and the cause, exit 1, the pond unchanged and
// the last pulled state still read.
TEST_F(GitIngestTest, FailedPullsLeaveTheLastStateReadable) {
  work_.Write("site/f.txt", "v1\n");
  const std::string first = work_.Commit();
  Push();
  Node("/g", "${env:GIT_TEST_REF:-main}", "prefix: site\n");
  Pull();
  const std::string state = PondState();
  const std::string at = "at commit " + first.substr(0, 12) + "\n";

  // The prefix is gone upstream: the fetch is refused, reads stay at the last pull.
  work_.Remove("site");
  work_.Write("elsewhere.txt", "e\n");
  work_.Commit();
  Push();
  RunResult r = P({"run", "/g", "pull"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "pond: error: dynamic node /g: Prefix segment 'site' not found in tree (main)\n");
  EXPECT_EQ(Cat("/g/f.txt"), "v1\n");
  EXPECT_THAT(Ok({"run", "/g", "status"}), StartsWith(at));

  // A ref the origin does not have.
  r = P({"run", "/g", "pull"}, {{"GIT_TEST_REF", "nope"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: dynamic node /g: ref 'nope' not found (" + Url() + ")\n");
  EXPECT_EQ(Cat("/g/f.txt"), "v1\n");

  // The origin unreachable.
  fs::rename(bare_, bare_ + ".moved");
  r = P({"run", "/g", "pull"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("pond: error: dynamic node /g: cannot fetch: "));
  EXPECT_THAT(r.err, ::testing::EndsWith(" (" + Url() + ")\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_EQ(Cat("/g/f.txt"), "v1\n");
  EXPECT_THAT(Ok({"run", "/g", "status"}), StartsWith(at));
  EXPECT_EQ(PondState(), state);
}

TEST_F(GitIngestTest, AFirstReadOfAnUnreachableOriginFailsInOneLine) {
  fs::remove_all(bare_);
  Node("/g");
  RunResult r = P({"cat", "/g/x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("pond: error: dynamic node /g: cannot fetch: "));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_EQ(CloneDirs(), std::vector<std::string>{});
  EXPECT_EQ(Ok({"run", "/g", "status"}), "not yet fetched\nurl: " + Url() + "\nref: main\n");
}

TEST_F(GitIngestTest, WritesAreRefused) {
  work_.Write("sub/f.txt", "f\n");
  work_.Commit();
  Push();
  Node("/g");
  Pull();
  const std::string state = PondState();
  const std::string file = Host("new.txt", "new\n");
  const std::string refused = "cannot write inside a dynamic node: its content is computed (/g)";
  Fails({"copy", file, "/g/new.txt"}, refused);
  Fails({"copy", file, "/g/sub/new.txt"}, refused);
  Fails({"mkdir", "/g/sub/dir"}, refused);
  Fails({"mkdir", "-p", "/g/x/y"}, refused);
  EXPECT_EQ(PondState(), state);
  EXPECT_EQ(List("/g/**"), "/g\n/g/sub\n/g/sub/f.txt\n");
}

TEST_F(GitIngestTest, BadConfigsAreRefusedAtMknod) {
  const auto refused = [&](const std::string& yaml, const std::string& error) {
    RunResult r = P({"mknod", "git-ingest", "/bad", "--config", Host("bad.yaml", yaml)});
    EXPECT_EQ(r.exit_code, 1) << yaml;
    EXPECT_EQ(r.err, "pond: error: " + error + "\n") << yaml;
  };
  const std::string where = " (" + (tmp_ / "bad.yaml") + ":";
  refused("url: file:///x\n", "missing field 'ref'" + where + "1)");
  refused("url: file:///x\nref: main\nbranch: x\n", "unknown field 'branch'" + where + "3)");
  refused("url: ssh://host/x\nref: main\n",
          "field 'url' must be a file:/// or https:// url" + where + "1)");
  for (const std::string prefix : {"/a", "a/", "\"\""})
    refused(
        "url: file:///x\nref: main\nprefix: " + prefix + "\n",
        "field 'prefix' must be a relative path without a leading or trailing '/'" + where + "3)");
  refused("url: file:///x\nref: main\nprefix: a/../b\n",
          "field 'prefix' must not hold '..'" + where + "3)");
}

// A pull killed at any moment leaves the clone readable, as the last pull left it or
// as the new one would, and the next pull completes.
TEST_F(GitIngestTest, AKilledPullLeavesTheCloneUsable) {
  work_.Write("f.txt", "v1\n");
  work_.Commit();
  Push();
  Node("/g");
  Pull();
  std::string big;  // incompressible, so the fetch takes a while to index
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < (24 << 20) / 8; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    big.append(reinterpret_cast<const char*>(&x), 8);
  }
  work_.Write("big.bin", big);
  work_.Write("f.txt", "v2\n");
  const std::string second = work_.Commit();
  Push();
  for (int delay_ms : {0, 50, 150, 400, 900}) {
    {
      Background pull({"--pond", pond_dir_, "run", "/g", "pull"});
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      pull.Kill();
    }
    const std::string status = Ok({"run", "/g", "status"});
    const std::string f = Cat("/g/f.txt");
    if (status.starts_with("at commit " + second.substr(0, 12)))
      EXPECT_EQ(f, "v2\n") << delay_ms;
    else
      EXPECT_EQ(f, "v1\n") << delay_ms;
  }
  // What a pull killed while writing a ref leaves: the next pull goes on.
  WriteFile(pond_dir_ + "/git/" + CloneDirs().at(0) + "/refs/fetched/heads/main.lock", "");
  EXPECT_EQ(Pull(), "at commit " + second.substr(0, 12) + "\n");
  EXPECT_EQ(Cat("/g/f.txt"), "v2\n");
  EXPECT_EQ(Cat("/g/big.bin").size(), big.size());
}

// The listing a pull keeps in the clone (docs/git-ingest.md, "The listing"): lists,
// path lookups and status read it without loading libgit2 (or libcrypto); a blob's
// bytes load it.
TEST_F(GitIngestTest, AListingKeptAtPullServesListsWithoutLibgit2) {
  work_.Write("site/a/x.csv", "a,b\n1,2\n");
  work_.Symlink("site/latest.csv", "a/x.csv");
  const std::string commit = work_.Commit();
  Push();
  Node("/g", "main", "prefix: site\n");
  Pull();
  const std::map<std::string, std::string> debug{{"POND_LOG", "debug"}};
  for (const std::vector<std::string>& args : {std::vector<std::string>{"list", "/g/**"},
                                               {"list", "-l", "/g/latest.csv"},
                                               {"run", "/g", "status"}}) {
    RunResult r = P(args, debug);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("loaded libgit2"))) << Joined(args);
    // The node's config is a small blob, verified without libcrypto (base/sha256.h).
    EXPECT_THAT(r.err, Not(HasSubstr("loaded libcrypto"))) << Joined(args);
  }
  EXPECT_EQ(List("/g/**"), "/g\n/g/a\n/g/a/x.csv\n/g/latest.csv\n");
  EXPECT_THAT(Ok({"run", "/g", "status"}), StartsWith("at commit " + commit.substr(0, 12)));
  RunResult cat = P({"cat", "/g/latest.csv"}, debug);
  EXPECT_EQ(cat.out, "a,b\n1,2\n");
  EXPECT_THAT(cat.err, HasSubstr("loaded libgit2"));
}

// A pull killed after it published the new commit's refs and before it kept that
// commit's listing (here: git itself moves the clone's refs): reads show the new
// commit, never the old listing; a damaged listing is rebuilt the same way.
TEST_F(GitIngestTest, AStaleOrDamagedListingIsNeverServed) {
  work_.Write("old.txt", "old\n");
  work_.Commit();
  Push();
  Node("/g");
  Pull();
  const std::string clone = pond_dir_ + "/git/" + CloneDirs().at(0);
  work_.Remove("old.txt");
  work_.Write("new.txt", "new\n");
  const std::string second = work_.Commit();
  Push();
  work_.Git({"--git-dir", clone, "fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*"});
  EXPECT_EQ(List("/g/**"), "/g\n/g/new.txt\n");
  EXPECT_EQ(Cat("/g/new.txt"), "new\n");
  EXPECT_THAT(Ok({"run", "/g", "status"}), StartsWith("at commit " + second.substr(0, 12)));
  // That read kept the new commit's listing: the next one loads no libgit2.
  RunResult r = P({"list", "/g/**"}, {{"POND_LOG", "debug"}});
  EXPECT_EQ(r.out, "/g\n/g/new.txt\n");
  EXPECT_THAT(r.err, Not(HasSubstr("loaded libgit2")));

  std::vector<fs::path> listings;
  for (const auto& e : fs::directory_iterator(clone))
    if (e.path().filename().string().starts_with("pond-listing-")) listings.push_back(e.path());
  ASSERT_EQ(listings.size(), 1u);
  const std::string kept = ReadFile(listings[0]);
  std::string damaged = kept;
  damaged[damaged.size() / 2] ^= 0x20;
  WriteFile(listings[0], damaged);
  EXPECT_EQ(List("/g/**"), "/g\n/g/new.txt\n");
  EXPECT_EQ(ReadFile(listings[0]), kept);
  fs::remove(listings[0]);
  EXPECT_EQ(List("/g/**"), "/g\n/g/new.txt\n");
  EXPECT_EQ(ReadFile(listings[0]), kept);
}

// A blob's identity is its object id: a pull that changed another file leaves a
// reduction over this one cached (no new parse, no new pack); a change to it does not.
TEST_F(GitIngestTest, AReductionOverAnUnchangedFileStaysCachedAcrossAPull) {
  work_.Write("data/a.csv", SiteCsv({"2024-03-01 00:00:00", 60 * 96, "", "", 1, false}));
  work_.Write("data/b.csv", SiteCsv({"2024-03-01 00:00:00", 60 * 96, "", "", 2, false}));
  work_.Commit();
  Push();
  Node("/g");
  Pull();
  Mknod("temporal-reduce", "/reduced", R"(in_pattern: "csv+series:///g/data/*.csv"
out_pattern: $0
resolutions: [1d]
aggregations: [{type: avg}, {type: count, columns: ["*"]}]
)");
  const auto cat = [&](const std::string& name, bool cached = true) {
    return Ok({"cat", "/reduced/" + name + "/res=1d.series", "--format", "csv"},
              cached ? std::map<std::string, std::string>{}
                     : std::map<std::string, std::string>{{"POND_CACHE", "off"}});
  };
  const std::string a = cat("a");
  EXPECT_EQ(a, cat("a", false));
  const size_t packs = CacheFiles("reduce-pack"), parses = CacheFiles("input-parse");
  EXPECT_EQ(packs, 1u);

  work_.Write("data/b.csv", SiteCsv({"2024-03-01 00:00:00", 61 * 96, "", "", 5, false}));
  work_.Commit();
  Push();
  Pull();
  EXPECT_EQ(cat("a"), a);
  EXPECT_EQ(CacheFiles("reduce-pack"), packs);
  EXPECT_EQ(CacheFiles("input-parse"), parses);

  work_.Write("data/a.csv", SiteCsv({"2024-03-01 00:00:00", 60 * 96, "", "", 9, false}));
  work_.Commit();
  Push();
  Pull();
  const std::string changed = cat("a");
  EXPECT_NE(changed, a);
  EXPECT_EQ(changed, cat("a", false));
  EXPECT_EQ(CacheFiles("reduce-pack"), packs + 1);
}

}  // namespace
}  // namespace pond::testing
