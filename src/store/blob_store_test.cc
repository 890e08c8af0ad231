// Content addressing, deduplication, the write order through the Disk seam, and
// cleanup of temporaries when a write point fails.
#include "store/blob_store.h"

#include "base/sha256.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/sha256.h"

namespace pond::store {
namespace {

namespace fs = std::filesystem;

// Records every write point, passing it on to the real disk.
class RecordingDisk : public Disk {
 public:
  void MakeDirs(const std::string& d) override { Log("mkdir", d), RealDisk().MakeDirs(d); }
  void MakeDirsUnsynced(const std::string& d) override {
    Log("mkdir", d), RealDisk().MakeDirsUnsynced(d);
  }
  void WriteFile(const std::string& p, const std::string& b) override {
    Log("write", p), RealDisk().WriteFile(p, b);
  }
  void ExternalWrite(const std::string& p, const std::function<void()>& w) override {
    Log("external write", p), RealDisk().ExternalWrite(p, w);
  }
  void Fsync(const std::string& p) override { Log("fsync", p), RealDisk().Fsync(p); }
  void SyncFileSystem(const std::string& p) override { Log("syncfs", p); }
  void Rename(const std::string& f, const std::string& t) override {
    Log("rename", t), RealDisk().Rename(f, t);
  }
  void Exchange(const std::string& a, const std::string& b) override {
    Log("exchange", b), RealDisk().Exchange(a, b);
  }
  void Link(const std::string& f, const std::string& t) override {
    Log("link", t), RealDisk().Link(f, t);
  }
  void Remove(const std::string& p) override { Log("remove", p), RealDisk().Remove(p); }
  void Touch(const std::string& p) override { Log("touch", p), RealDisk().Touch(p); }
  std::vector<std::string> ops;

 private:
  void Log(const std::string& op, const std::string& path) {
    ops.push_back(op + " " + fs::path(path).filename().string());
  }
};

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("pond-blob-test-" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Small inputs are hashed without libcrypto (base/sha256.h), larger ones with it: both
// give one answer on either side of the limit, for bytes and for files.
TEST_F(BlobStoreTest, SmallAndLargeInputsHashAlike) {
  fs::create_directories(dir_);
  for (size_t n : {kSmallSha256Bytes - 1, kSmallSha256Bytes, kSmallSha256Bytes + 1,
                   3 * kSmallSha256Bytes + 5}) {
    std::string bytes(n, '\0');
    for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>(i * 131 + i / 7);
    const std::string file = dir_ + "/f";
    std::ofstream(file, std::ios::binary) << bytes;
    EXPECT_EQ(Sha256Hex(bytes), SmallSha256Hex(bytes)) << n;
    EXPECT_EQ(Sha256OfFile(file), SmallSha256Hex(bytes)) << n;
  }
}

TEST_F(BlobStoreTest, PutBytesIsContentAddressedDurableAndDeduplicated) {
  RecordingDisk disk;
  BlobStore blobs(dir_, disk);
  auto a = blobs.PutBytes("abc");
  const std::string hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(a.hash, hash);
  EXPECT_EQ(a.path, dir_ + "/blobs/ba/" + hash);
  EXPECT_EQ(a.size, 3);
  EXPECT_TRUE(a.created);
  EXPECT_EQ(Sha256OfFile(a.path), hash);
  // temp file, fsync, rename into blobs/ab/, fsync that directory
  ASSERT_EQ(disk.ops.size(), 6u);
  EXPECT_EQ(disk.ops[0], "mkdir tmp");
  EXPECT_TRUE(disk.ops[1].starts_with("write "));
  EXPECT_TRUE(disk.ops[2].starts_with("fsync "));
  EXPECT_EQ(disk.ops[3], "mkdir ba");
  EXPECT_EQ(disk.ops[4], "rename " + hash);
  EXPECT_EQ(disk.ops[5], "fsync ba");

  auto b = blobs.PutBytes("abc");
  EXPECT_FALSE(b.created);
  EXPECT_EQ(b.path, a.path);
  EXPECT_TRUE(fs::is_empty(blobs.tmp_dir()));
}

TEST_F(BlobStoreTest, ParquetTempFileGetsItsExtension) {
  BlobStore blobs(dir_, RealDisk());
  std::string tmp = blobs.NewTempPath();
  EXPECT_EQ(fs::path(tmp).parent_path().string(), blobs.tmp_dir());
  std::ofstream(tmp) << "PAR1";
  auto s = blobs.PutTempFile(tmp, ".parquet");
  EXPECT_EQ(s.path, blobs.PathFor(Sha256Hex("PAR1"), ".parquet"));
  EXPECT_FALSE(fs::exists(tmp));
}

TEST_F(BlobStoreTest, FailedWritePointLeavesNoTemporaryAndNoBlob) {
  for (int k = 1; k <= 6; ++k) {
    SCOPED_TRACE(k);
    fs::remove_all(dir_);
    FaultDisk disk(RealDisk(), k, FaultMode::kError);
    BlobStore blobs(dir_, disk);
    EXPECT_THROW(blobs.PutBytes("abc"), Error);
    EXPECT_FALSE(fs::exists(blobs.PathFor(Sha256Hex("abc"), "")));
    if (fs::exists(blobs.tmp_dir())) {
      EXPECT_TRUE(fs::is_empty(blobs.tmp_dir()));
    }
  }
  FaultDisk disk(RealDisk(), 7, FaultMode::kError);
  BlobStore blobs(dir_, disk);
  EXPECT_NO_THROW(blobs.PutBytes("abc"));
  EXPECT_EQ(disk.points(), 6);
}

TEST_F(BlobStoreTest, DamagedCopyIsReplacedNotReused) {
  BlobStore blobs(dir_, RealDisk());
  auto a = blobs.PutBytes("hello");
  std::ofstream(a.path, std::ios::trunc) << "hel";  // truncated by some accident
  auto b = blobs.PutBytes("hello");
  EXPECT_FALSE(b.created);  // not ours to delete on rollback
  EXPECT_EQ(Sha256OfFile(b.path), a.hash);
}

}  // namespace
}  // namespace pond::store
