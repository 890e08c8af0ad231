// pond check: each kind of problem is found and worded as docs/storage.md shows, and
// --repair deletes exactly the repairable ones.
#include "store/check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/pond.h"
#include "store/sqlite.h"

namespace pond::store {
namespace {

namespace fs = std::filesystem;

class CheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pond-check-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    dir_ = (root_ / "pond").string();
    Pond::Init(dir_, {"pond", "init"}, {}, &RealDisk());
    auto w = Pond::OpenWrite(dir_, &RealDisk());
    auto t = w->Begin({}, {});
    t->Mkdir("/raw", false);
    t->WriteData("/raw/a.txt", "alpha");
    t->WriteData("/raw/a.txt", "beta");
    t->Commit();
    auto n = w->Get("/raw/a.txt");
    v1_ = w->BlobPath(n.versions[0], Kind::kData);
    hash1_ = n.versions[0].blob;
  }
  void TearDown() override { fs::remove_all(root_); }
  std::vector<std::string> Texts(const CheckReport& r) {
    std::vector<std::string> out;
    for (const auto& p : r.problems) out.push_back(p.text);
    return out;
  }

  fs::path root_;
  std::string dir_, v1_, hash1_;
};

TEST_F(CheckTest, CleanPond) {
  CheckReport r = CheckPond(dir_, false, &RealDisk());
  EXPECT_EQ(r.versions, 2);
  EXPECT_EQ(r.blobs, 2);
  EXPECT_EQ(r.nodes, 3);
  EXPECT_TRUE(r.problems.empty());
}

TEST_F(CheckTest, FindsEachProblemAndRepairsOnlyOrphansAndTemporaries) {
  std::ofstream(v1_, std::ios::trunc) << "tampered";
  std::ofstream(dir_ + "/blobs/tmp/x81kq") << "half";
  fs::create_directories(dir_ + "/blobs/ff");
  std::ofstream(dir_ + "/blobs/ff/ffff.parquet") << "0123456789";
  CheckReport r = CheckPond(dir_, false, &RealDisk());
  EXPECT_EQ(Texts(r), (std::vector<std::string>{"corrupt blob " + hash1_ + " (node /raw/a.txt v1)",
                                                "orphan blob blobs/ff/ffff.parquet (10 bytes)",
                                                "temporary file blobs/tmp/x81kq (4 bytes)"}));
  EXPECT_EQ(r.repairable(), 2u);
  EXPECT_EQ(r.unrepaired(), 3u);

  r = CheckPond(dir_, true, &RealDisk());
  EXPECT_EQ(r.unrepaired(), 1u);
  EXPECT_FALSE(fs::exists(dir_ + "/blobs/ff/ffff.parquet"));
  EXPECT_FALSE(fs::exists(dir_ + "/blobs/tmp/x81kq"));
  EXPECT_TRUE(fs::exists(dir_ + "/blobs/tmp"));

  fs::remove(v1_);
  EXPECT_EQ(Texts(CheckPond(dir_, true, &RealDisk())),
            std::vector<std::string>{"missing blob " + hash1_ + " (node /raw/a.txt v1)"});
}

TEST_F(CheckTest, DanglingEntry) {
  {
    sqlite::Db db(dir_ + "/catalog.sqlite", sqlite::Db::Mode::kWrite);
    db.Exec("INSERT INTO entries VALUES (0, 'ghost', 99, 1, NULL)");
  }
  EXPECT_EQ(Texts(CheckPond(dir_, false, &RealDisk())),
            std::vector<std::string>{"dangling entry /ghost (node 99)"});
}

}  // namespace
}  // namespace pond::store
