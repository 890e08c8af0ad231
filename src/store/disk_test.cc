// The Disk seam: the real file system's operations, and FaultDisk's counting.
#include "store/disk.h"

#include <gtest/gtest.h>
#include <unistd.h>

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

TEST(DiskFromEnvironment, IsTheRealDiskWhenUnset) {
  if (std::getenv("POND_FAULT_AT") == nullptr) {
    EXPECT_EQ(&DiskFromEnvironment(), &RealDisk());
  }
}

}  // namespace
}  // namespace pond::store
