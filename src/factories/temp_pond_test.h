// A fixture for factory tests that read through a View: a new pond per test in a
// temporary folder (removed after), and one transaction at a time written to it.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/time.h"
#include "store/pond.h"

namespace pond::factories {

inline constexpr int64_t kMinute = int64_t{60} * 1'000'000;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kDay = 24 * kHour;

class TempPondTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() /
        ("pond-" + std::string(::testing::UnitTest::GetInstance()->current_test_suite()->name()) +
         "-" + std::to_string(::getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    dir_ = (root_ / "pond").string();
    store::Pond::Init(dir_, {"pond", "init"}, {});
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // One transaction: `fn(store::Transaction&)`, then commit.
  template <class Fn>
  void Write(Fn fn) {
    auto pond = store::Pond::OpenWrite(dir_);
    auto txn = pond->Begin({"pond", "test"}, {});
    fn(*txn);
    txn->Commit();
  }

  std::filesystem::path root_;
  std::string dir_;
};

}  // namespace pond::factories
