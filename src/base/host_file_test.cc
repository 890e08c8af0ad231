// HostFileReader: ranges read in turn give the file's bytes in order, across the first
// MiB read inline and the rest read ahead in a thread; what the consumer throws ends a
// read cleanly.
#include "base/host_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace pond {
namespace {

class HostFileReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("pond-host-file-" + std::to_string(::getpid()) + ".bin"))
                .string();
    std::mt19937 rng(7);
    bytes_.resize((size_t{5} << 20) + 7);
    for (char& c : bytes_) c = static_cast<char>(rng());
    std::ofstream(path_, std::ios::binary).write(bytes_.data(), std::ssize(bytes_));
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_, bytes_;
};

TEST_F(HostFileReaderTest, RangesReadInTurnAreTheFile) {
  HostFileReader file(path_);
  std::string got;
  const auto append = [&](std::string_view b) { got.append(b); };
  EXPECT_EQ(file.Read(int64_t{3} << 20, append), int64_t{3} << 20);
  EXPECT_EQ(file.Read(1, append), 1);
  EXPECT_EQ(file.Read((int64_t{1} << 20) + 3, append), (int64_t{1} << 20) + 3);
  EXPECT_EQ(file.Read(INT64_MAX, append), std::ssize(bytes_) - (int64_t{4} << 20) - 4);
  EXPECT_EQ(file.Read(10, append), 0);
  EXPECT_EQ(got, bytes_);
}

TEST_F(HostFileReaderTest, WhatTheConsumerThrowsEndsTheRead) {
  for (int64_t at : {int64_t{1} << 10, int64_t{2} << 20, int64_t{5} << 20}) {
    SCOPED_TRACE(at);
    HostFileReader file(path_);
    int64_t seen = 0;
    EXPECT_THROW(file.Read(INT64_MAX,
                           [&](std::string_view b) {
                             seen += std::ssize(b);
                             if (seen >= at) throw std::runtime_error("full");
                           }),
                 std::runtime_error);
    EXPECT_GE(seen, at);
  }
}

}  // namespace
}  // namespace pond
