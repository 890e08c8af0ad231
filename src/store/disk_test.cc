// The Disk seam: the real file system's operations, and FaultDisk's counting.
#include "store/disk.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "base/error.h"

namespace pond::store {
namespace {

namespace fs = std::filesystem;

TEST(RealDisk, WritesRenamesAndRemoves) {
  fs::path dir = fs::temp_directory_path() / ("pond-disk-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Disk& d = RealDisk();
  d.MakeDirs((dir / "a/b").string());
  d.MakeDirs((dir / "a/b").string());  // existing is fine
  d.WriteFile((dir / "a/b/f").string(), "bytes");
  d.Fsync((dir / "a/b/f").string());
  d.Fsync((dir / "a/b").string());
  d.Rename((dir / "a/b/f").string(), (dir / "a/g").string());
  std::ifstream in(dir / "a/g");
  std::string s;
  in >> s;
  EXPECT_EQ(s, "bytes");
  d.Remove((dir / "a/g").string());
  d.Remove((dir / "a/g").string());  // missing is fine
  EXPECT_FALSE(fs::exists(dir / "a/g"));
  try {
    d.Rename((dir / "nope").string(), (dir / "x").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), (dir / "x").string());
  }
  fs::remove_all(dir);
}

TEST(FaultDisk, FailsExactlyTheKthWritePoint) {
  fs::path dir = fs::temp_directory_path() / ("pond-fault-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  FaultDisk d(RealDisk(), 3, FaultMode::kError);
  d.MakeDirs(dir.string());
  d.WriteFile((dir / "f").string(), "x");
  try {
    d.Fsync((dir / "f").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "injected fault at write point 3 (fsync " + (dir / "f").string() + ")");
  }
  d.BeforeCommit();  // point 4 passes
  EXPECT_EQ(d.points(), 4);
  fs::remove_all(dir);
}

// The operations export's publishing and the result cache need: a second name for a
// file, two trees swapped in one step, an mtime set to now, a file-system-wide sync.
TEST(RealDisk, LinksExchangesAndTouches) {
  fs::path dir = fs::temp_directory_path() / ("pond-disk-test2-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Disk& d = RealDisk();
  d.MakeDirsUnsynced((dir / "a/x").string());
  d.MakeDirsUnsynced((dir / "b").string());
  d.WriteFile((dir / "a/x/f").string(), "old");
  d.WriteFile((dir / "b/f").string(), "new");
  d.Link((dir / "a/x/f").string(), (dir / "b/g").string());
  EXPECT_EQ(fs::hard_link_count(dir / "b/g"), 2u);
  EXPECT_THROW(d.Link((dir / "b/f").string(), (dir / "b/g").string()), Error);  // exists
  d.Exchange((dir / "a").string(), (dir / "b").string());
  EXPECT_TRUE(fs::exists(dir / "a/g"));
  EXPECT_TRUE(fs::exists(dir / "b/x/f"));
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(48);
  fs::last_write_time(dir / "a/f", old);
  d.Touch((dir / "a/f").string());
  EXPECT_GT(fs::last_write_time(dir / "a/f"), old + std::chrono::hours(47));
  d.Touch((dir / "a/none").string());  // missing is fine
  d.SyncFileSystem(dir.string());
  bool ran = false;
  d.ExternalWrite((dir / "a/e").string(), [&] { ran = true; });
  EXPECT_TRUE(ran);
  EXPECT_THROW(d.Exchange((dir / "a").string(), (dir / "none").string()), Error);
  fs::remove_all(dir);
}

// An external write is two points, one on each side of the write the seam cannot see.
TEST(FaultDisk, AnExternalWriteIsAPointBeforeAndOneAfter) {
  for (int k : {1, 2}) {
    FaultDisk d(RealDisk(), k, FaultMode::kError);
    bool ran = false;
    EXPECT_THROW(d.ExternalWrite("/nowhere", [&] { ran = true; }), Error);
    EXPECT_EQ(ran, k == 2);
    EXPECT_EQ(d.points(), k);
  }
}

TEST(DiskFromEnvironment, IsTheRealDiskWhenUnset) {
  if (std::getenv("POND_FAULT_AT") == nullptr) {
    EXPECT_EQ(&DiskFromEnvironment(), &RealDisk());
  }
}

}  // namespace
}  // namespace pond::store
