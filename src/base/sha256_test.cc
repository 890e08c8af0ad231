// base/sha256.h against FIPS 180-4's examples and Debian's `sha256sum` on random bytes
// of every length around the padding's block boundaries.
#include "base/sha256.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>

namespace pond {
namespace {

std::string Sha256sum(const std::string& bytes) {
  char path[] = "/tmp/pond-sha256-test-XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path, std::ios::binary) << bytes;
  std::string out;
  FILE* p = ::popen(("sha256sum " + std::string(path)).c_str(), "r");
  char buf[128];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  ::unlink(path);
  return out.substr(0, 64);
}

TEST(SmallSha256Test, FipsExamples) {
  EXPECT_EQ(SmallSha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(SmallSha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(SmallSha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(SmallSha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(SmallSha256Test, AsSha256sumAroundBlockBoundaries) {
  std::mt19937 rng(7);
  for (size_t n : {1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65536}) {
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    EXPECT_EQ(SmallSha256Hex(bytes), Sha256sum(bytes)) << n;
  }
}

}  // namespace
}  // namespace pond
