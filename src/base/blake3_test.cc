// base/blake3.h against Debian's `b3sum` on real files: empty, small, around BLAKE3's
// 1 KiB chunk and 64 KiB read boundaries, and several MiB; prefixes against `head -c`.
#include "base/blake3.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "base/error.h"

namespace pond {
namespace {

namespace fs = std::filesystem;

std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[256];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

// The 64 hex characters `b3sum` prints for what `command_input` writes to stdout.
std::string B3sum(const std::string& command_input) {
  return Shell(command_input + " | b3sum --no-names").substr(0, 64);
}

class Blake3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Shell("command -v b3sum").empty()) GTEST_SKIP() << "b3sum is not installed (make deps)";
    dir_ = fs::temp_directory_path() / ("pond-blake3-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string File(const std::string& name, size_t size) {
    std::mt19937 rng(static_cast<unsigned>(size));
    std::string bytes(size, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  fs::path dir_;
};

TEST_F(Blake3Test, WholeFilesEqualB3sum) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1023}, size_t{1024}, size_t{1025}, size_t{65536},
                      size_t{65537}, size_t{5} << 20, (size_t{7} << 20) + 13}) {
    SCOPED_TRACE(size);
    const std::string path = File("f" + std::to_string(size), size);
    const std::string expected = Shell("b3sum --no-names " + path).substr(0, 64);
    ASSERT_EQ(expected.size(), 64u);
    EXPECT_EQ(Blake3OfFile(path), expected);
  }
  EXPECT_EQ(Blake3Hex(""), "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
}

TEST_F(Blake3Test, PrefixesEqualB3sumOfHead) {
  const std::string path = File("big", (size_t{3} << 20) + 777);
  for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{1024}, int64_t{65536} + 5, int64_t{3} << 20,
                    (int64_t{3} << 20) + 777}) {
    SCOPED_TRACE(n);
    EXPECT_EQ(Blake3OfFile(path, n), B3sum("head -c " + std::to_string(n) + " " + path));
  }
  try {
    Blake3OfFile(path, (int64_t{3} << 20) + 778);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "file has fewer than 3146506 bytes");
  }
  EXPECT_THROW(Blake3OfFile((dir_ / "missing").string()), Error);
  EXPECT_THROW(Blake3OfFile(dir_.string()), Error);  // a directory
}

// A digest does not consume the state: the hash of a prefix, then of the whole, from
// one pass (what an append does).
TEST_F(Blake3Test, DigestsAlongTheWay) {
  const std::string path = File("parts", 300000);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Blake3 h;
  h.Update(std::string_view(bytes).substr(0, 100000));
  EXPECT_EQ(h.HexDigest(), Blake3OfFile(path, 100000));
  EXPECT_EQ(h.HexDigest(), Blake3OfFile(path, 100000));
  h.Update(std::string_view(bytes).substr(100000));
  EXPECT_EQ(h.HexDigest(), Shell("b3sum --no-names " + path).substr(0, 64));
}

// A state saved at any length and loaded into a new hasher goes on to the hash b3sum
// prints for the whole file: across BLAKE3's 1 KiB chunks and its merges of subtrees.
TEST_F(Blake3Test, SavedStateGoesOnToB3sum) {
  const std::string path = File("saved", (size_t{3} << 20) + 777);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string expected = Shell("b3sum --no-names " + path).substr(0, 64);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{1024}, size_t{1025}, size_t{8} << 10,
                     (size_t{1} << 20) + 3, bytes.size()}) {
    SCOPED_TRACE(cut);
    Blake3 first;
    first.Update(std::string_view(bytes).substr(0, cut));
    const std::string saved = first.SaveState();
    Blake3 second;
    second.Update("bytes the load replaces");
    ASSERT_TRUE(second.LoadState(saved));
    EXPECT_EQ(second.HexDigest(), first.HexDigest());
    second.Update(std::string_view(bytes).substr(cut));
    EXPECT_EQ(second.HexDigest(), expected);
  }
}

TEST_F(Blake3Test, LoadStateRefusesOtherBytes) {
  Blake3 h;
  h.Update("abc");
  const std::string saved = h.SaveState();
  Blake3 other;
  EXPECT_FALSE(other.LoadState(""));
  EXPECT_FALSE(other.LoadState("blake3-c-0.0.0/" + saved.substr(saved.find('/') + 1)));
  EXPECT_FALSE(other.LoadState(saved.substr(0, saved.size() - 1)));
  EXPECT_FALSE(other.LoadState(saved + "x"));
  EXPECT_EQ(other.HexDigest(), Blake3Hex(""));  // a refused load leaves the hasher as it was
  other.Update("abc");
  other.Reset();
  EXPECT_EQ(other.HexDigest(), Blake3Hex(""));
}

}  // namespace
}  // namespace pond
