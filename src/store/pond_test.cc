// The Pond and Transaction API: init, paths, versions, series merging, time travel,
// rollback, symlinks, dynamic nodes and the glob view.
#include "store/pond.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/time.h"
#include "store/pond_lock.h"

namespace pond::store {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class PondTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("pond-store-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    dir_ = (root_ / "pond").string();
    Pond::Init(dir_, {"pond", "init"}, {}, &RealDisk());
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Host(const std::string& name, const std::string& text) {
    std::string p = (root_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  TableSource Csv(const std::string& name, const std::string& text) {
    std::string p = Host(name, text);
    return {"SELECT * FROM read_csv('" + p + "', header = true)", p, ""};
  }
  // Runs `fn` in one committed transaction; returns its seq.
  template <class Fn>
  int64_t Write(Fn fn) {
    auto pond = Pond::OpenWrite(dir_, &RealDisk());
    auto txn = pond->Begin({"pond", "test"}, {{"k", "v"}});
    fn(*txn);
    txn->Commit();
    return txn->seq();
  }
  std::vector<std::string> Rows(Pond& pond, const std::string& path, const std::string& cols) {
    auto r = pond.sql().Query("SELECT " + cols + " FROM " + pond.RelationSql(pond.Get(path)));
    std::vector<std::string> out;
    for (const auto& row : r.rows()) {
      std::string line;
      for (const auto& v : row) line += (line.empty() ? "" : ",") + v.ToString();
      out.push_back(line);
    }
    return out;
  }
  size_t BlobFiles() {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs"))
      n += e.is_regular_file() && e.path().parent_path().filename() != "tmp";
    return n;
  }

  fs::path root_;
  std::string dir_;
};

TEST_F(PondTest, InitCreatesTransactionOneWithRootDirectory) {
  auto pond = Pond::OpenRead(dir_);
  EXPECT_EQ(pond->last_seq(), 1);
  EXPECT_EQ(pond->Get("/").kind, Kind::kDir);
  auto log = pond->Log(10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].argv, (std::vector<std::string>{"pond", "init"}));
  EXPECT_TRUE(fs::exists(dir_ + "/blobs/tmp"));
  EXPECT_TRUE(fs::is_empty(dir_ + "/blobs/tmp"));  // the catalog was built there, then moved
  try {
    Pond::Init(dir_, {}, {}, &RealDisk());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "pond already exists (" + dir_ + ")");
  }
}

TEST_F(PondTest, OpenOfANonPondAndUnknownSeqFail) {
  EXPECT_THROW(Pond::OpenRead((root_ / "nothing").string()), Error);
  try {
    Pond::OpenRead(dir_, 99);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "no transaction 99 (last is 1)");
  }
  EXPECT_THROW(Pond::OpenRead(dir_, 0), Error);
}

TEST_F(PondTest, MkdirRules) {
  Write([](Transaction& t) { t.Mkdir("/a/b/c", true); });
  Write([](Transaction& t) { t.Mkdir("/a/b", true); });  // existing is fine with parents
  {
    auto pond = Pond::OpenRead(dir_);
    EXPECT_EQ(pond->Get("/a/b/c").kind, Kind::kDir);
    EXPECT_EQ(pond->List(pond->Get("/a")), std::vector<std::string>{"b"});
  }
  auto fails = [&](const std::string& path, bool parents, const std::string& what) {
    auto w = Pond::OpenWrite(dir_, &RealDisk());
    auto t = w->Begin({}, {});
    try {
      t->Mkdir(path, parents);
      ADD_FAILURE() << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.message() + " (" + e.where() + ")", what);
    }
  };
  fails("/a", false, "already exists (/a)");
  fails("/x/y", false, "no such directory (/x)");
  fails("/a/../b", false, "invalid path component '..' (/a/../b)");
  fails("/a//b", false, "empty path component (/a//b)");
  const std::string nul("/a\0b", 4);
  fails(nul, false, "path component contains a NUL byte (" + nul + ")");
  EXPECT_EQ(Pond::OpenRead(dir_)->last_seq(), 3);  // failed transactions left no trace
}

TEST_F(PondTest, DataVersionsAndTimeTravel) {
  int64_t s1 = Write([](Transaction& t) { t.WriteData("/notes.txt", "one"); });
  int64_t s2 = Write([](Transaction& t) { t.WriteData("/notes.txt", "two"); });
  auto now = Pond::OpenRead(dir_);
  NodeInfo n = now->Get("/notes.txt");
  ASSERT_EQ(n.versions.size(), 2u);
  EXPECT_EQ(n.versions[1].txn_seq, s2);
  EXPECT_EQ(now->ReadData(n), "two");
  auto then = Pond::OpenRead(dir_, s1);
  EXPECT_EQ(then->view_seq(), s1);
  EXPECT_EQ(then->ReadData(then->Get("/notes.txt")), "one");
  EXPECT_FALSE(Pond::OpenRead(dir_, 1)->Lookup("/notes.txt"));
  EXPECT_EQ(n.versions[0].blob.size(), 64u);
  EXPECT_TRUE(fs::exists(now->BlobPath(n.versions[0], Kind::kData)));
}

TEST_F(PondTest, SeriesVersionsMergeByNameInTimeVersionRowOrder) {
  auto a = Csv("a.csv", "Time,v,a\n2024-07-01 02:00:00,2,x\n2024-07-01 00:00:00,1,y\n");
  auto b = Csv("b.csv", "ts,v,b\n2024-07-01 01:00:00,10,p\n2024-07-01 02:00:00,20,q\n");
  VersionInfo v1;
  Write([&](Transaction& t) { v1 = t.AppendSeries("/s.series", a); });
  EXPECT_EQ(v1.rows, 2);
  EXPECT_EQ(v1.min_ts, ParseTime("2024-07-01T00:00:00Z"));
  EXPECT_EQ(v1.max_ts, ParseTime("2024-07-01T02:00:00Z"));
  Write([&](Transaction& t) { t.AppendSeries("/s.series", b); });
  auto pond = Pond::OpenRead(dir_);
  EXPECT_EQ(
      Rows(*pond, "/s.series", "strftime(\"timestamp\", '%H'), v, a, b"),
      (std::vector<std::string>{"00,1,y,NULL", "01,10,NULL,p", "02,2,x,NULL", "02,20,NULL,q"}));
  auto cols = pond->Columns(pond->Get("/s.series"));
  ASSERT_EQ(cols.size(), 4u);
  EXPECT_EQ(cols[0].name, "timestamp");
  EXPECT_EQ(cols[0].type, "TIMESTAMP");
}

// A merge of the tail pieces, none of which holds a column only the first version
// had, used to cast that column from files without it (a binder error: no append
// went through once the 8th came).
TEST_F(PondTest, MergesOfPiecesWithoutAnEarlierColumnKeepWorking) {
  Write([&](Transaction& t) {
    t.AppendSeries("/s.series", Csv("a.csv", "timestamp,v,x\n2024-01-01 00:00:00,1,7\n"));
  });
  for (int i = 2; i <= 9; ++i)
    Write([&](Transaction& t) {
      t.AppendSeries("/s.series", Csv("b.csv", "timestamp,v\n2024-01-0" + std::to_string(i) +
                                                   " 00:00:00," + std::to_string(i) + "\n"));
    });
  auto pond = Pond::OpenRead(dir_);
  EXPECT_EQ(Rows(*pond, "/s.series", "v, x"),
            (std::vector<std::string>{"1,7", "2,NULL", "3,NULL", "4,NULL", "5,NULL", "6,NULL",
                                      "7,NULL", "8,NULL", "9,NULL"}));
}

TEST_F(PondTest, SeriesAppendWithConflictingColumnFailsNamingIt) {
  Write([&](Transaction& t) {
    t.AppendSeries("/s.series", Csv("a.csv", "timestamp,v\n2024-01-01 00:00:00,1.5\n"));
  });
  auto w = Pond::OpenWrite(dir_, &RealDisk());
  auto t = w->Begin({}, {});
  try {
    t->AppendSeries("/s.series", Csv("b.csv", "timestamp,v\n2024-01-02 00:00:00,abc\n"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()),
                HasSubstr("column 'v' is VARCHAR here but DOUBLE in /s.series"));
  }
}

TEST_F(PondTest, TableWriteReplacesAndIdenticalBytesShareOneBlob) {
  auto src = Csv("t.csv", "site,depth\nBDock,3\nSilver,5\n");
  Write([&](Transaction& t) { t.WriteTable("/sites.table", src); });
  Write([&](Transaction& t) { t.WriteTable("/sites.table", src); });
  {
    auto pond = Pond::OpenRead(dir_);
    NodeInfo n = pond->Get("/sites.table");
    ASSERT_EQ(n.versions.size(), 2u);
    EXPECT_EQ(n.versions[0].blob, n.versions[1].blob);
    EXPECT_EQ(n.versions[1].rows, 2);
    EXPECT_EQ(BlobFiles(), 1u);
  }
  Write([&](Transaction& t) { t.WriteTable("/sites.table", Csv("u.csv", "site\nNoyo\n")); });
  EXPECT_EQ(Rows(*Pond::OpenRead(dir_), "/sites.table", "*"), std::vector<std::string>{"Noyo"});
}

TEST_F(PondTest, KindMismatchIsAnError) {
  Write([](Transaction& t) { t.WriteData("/f", "x"); });
  auto w = Pond::OpenWrite(dir_, &RealDisk());
  auto t = w->Begin({}, {});
  try {
    t->WriteTable("/f", Csv("t.csv", "a\n1\n"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "existing node is file:data, not file:table (/f)");
  }
}

TEST_F(PondTest, DroppedTransactionRollsBackAndDeletesItsBlobs) {
  {
    auto w = Pond::OpenWrite(dir_, &RealDisk());
    auto t = w->Begin({}, {});
    t->Mkdir("/d", false);
    t->WriteData("/d/f", "uncommitted");
    EXPECT_TRUE(w->Lookup("/d/f"));  // the transaction sees its own writes
    EXPECT_EQ(BlobFiles(), 1u);
  }
  EXPECT_EQ(BlobFiles(), 0u);
  {
    auto pond = Pond::OpenRead(dir_);
    EXPECT_EQ(pond->last_seq(), 1);
    EXPECT_FALSE(pond->Lookup("/d"));
  }
  // The next transaction gets the next seq: no gaps.
  EXPECT_EQ(Write([](Transaction& t) { t.Mkdir("/e", false); }), 2);
}

TEST_F(PondTest, SymlinksAreFollowedAndLoopsDetected) {
  Write([](Transaction& t) {
    t.Mkdir("/a", false);
    t.WriteData("/a/f", "data");
    t.Symlink("/link", "a");
    t.Symlink("/loop1", "/loop2");
    t.Symlink("/loop2", "/loop1");
  });
  auto pond = Pond::OpenRead(dir_);
  EXPECT_EQ(pond->ReadData(pond->Get("/link/f")), "data");
  EXPECT_EQ(pond->Lookup("/link", false)->kind, Kind::kSymlink);
  EXPECT_EQ(pond->Lookup("/link", false)->target, "a");
  EXPECT_THROW(pond->Lookup("/loop1"), Error);
  auto r = Glob("/*/f", pond->tree());
  ASSERT_EQ(r.matches.size(), 2u);
  EXPECT_EQ(r.matches[0].path, "/a/f");
  EXPECT_EQ(r.matches[1].path, "/link/f");
}

TEST_F(PondTest, MknodVersionsConfigsAndChecksFactory) {
  Write([](Transaction& t) { t.Mknod("/reduce", "temporal-reduce", "in: /x\n", false); });
  Write([](Transaction& t) { t.Mknod("/reduce", "temporal-reduce", "in: /y\n", true); });
  {
    auto pond = Pond::OpenRead(dir_);
    NodeInfo n = pond->Get("/reduce");
    EXPECT_EQ(n.kind, Kind::kDynamic);
    EXPECT_EQ(n.factory, "temporal-reduce");
    EXPECT_EQ(n.versions.size(), 2u);
    EXPECT_EQ(pond->ReadData(n), "in: /y\n");
  }
  auto w = Pond::OpenWrite(dir_, &RealDisk());
  auto t = w->Begin({}, {});
  EXPECT_THROW(t->Mknod("/reduce", "template", "", true), Error);
  EXPECT_THROW(t->Mknod("/reduce", "temporal-reduce", "", false), Error);
}

TEST_F(PondTest, TreeViewServesTheGlobMatcher) {
  Write([](Transaction& t) {
    t.Mkdir("/hydrovu/devices/123", true);
    t.WriteData("/hydrovu/devices/123/BDock.series.txt", "x");
  });
  auto pond = Pond::OpenRead(dir_);
  auto r = Glob("/hydrovu/**", pond->tree());
  std::vector<std::string> paths;
  for (const auto& m : r.matches) paths.push_back(m.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/hydrovu", "/hydrovu/devices", "/hydrovu/devices/123",
                                             "/hydrovu/devices/123/BDock.series.txt"}));
  EXPECT_FALSE(r.matches.back().is_dir);
}

TEST_F(PondTest, WriterExcludesWritersAndNamesItsPid) {
  auto w = Pond::OpenWrite(dir_, &RealDisk());
  try {
    PondLock::Writer(dir_, std::chrono::milliseconds(250));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "pond is locked by pid " + std::to_string(::getpid()) + " (" + dir_ + "/pond.lock)");
  }
  // Readers take no writer lock: they open beside the writer and share the blob lock.
  auto r1 = Pond::OpenRead(dir_);
  auto r2 = Pond::OpenRead(dir_);
  EXPECT_EQ(r1->last_seq(), 1);
}

TEST_F(PondTest, BlobDeletionWaitsForReaders) {
  {
    auto r = Pond::OpenRead(dir_);
    try {
      PondLock::Blobs(dir_, PondLock::Mode::kExclusive, std::chrono::milliseconds(150));
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "pond is being read by another process (" + dir_ + "/blobs.lock)");
    }
  }
  auto deleter = PondLock::Blobs(dir_, PondLock::Mode::kExclusive, std::chrono::milliseconds(150));
  try {
    Pond::OpenRead(dir_);  // a reader waits for the deleter, then names it
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("pond blobs are being deleted by pid"));
  }
}

TEST_F(PondTest, ReaderKeepsItsSnapshotWhileAWriterCommits) {
  Write([](Transaction& t) { t.WriteData("/a.txt", "one"); });
  auto reader = Pond::OpenRead(dir_);
  const int64_t seen = reader->last_seq();
  Write([](Transaction& t) {
    t.WriteData("/a.txt", "two");
    t.WriteData("/b.txt", "new");
  });
  // The reader asks for the tree and versions only now, after the commit.
  EXPECT_EQ(reader->ReadData(reader->Get("/a.txt")), "one");
  EXPECT_FALSE(reader->Lookup("/b.txt"));
  EXPECT_EQ(reader->Log(100).front().seq, seen);
  auto fresh = Pond::OpenRead(dir_);
  EXPECT_EQ(fresh->ReadData(fresh->Get("/a.txt")), "two");
}

}  // namespace
}  // namespace pond::store
