// A GoogleTest fixture for scenario tests on one temporary pond: P() runs the `pond`
// binary on it (POND set), Ok() expects exit 0 and returns stdout.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/scenario.h"

namespace pond::testing {

class PondFixture : public ::testing::Test {
 protected:
  // The test's environment plus POND and `more`.
  std::map<std::string, std::string> Env(std::map<std::string, std::string> more = {}) const {
    more["POND"] = dir_;
    return more;
  }
  RunResult P(const std::vector<std::string>& args,
              std::map<std::string, std::string> env = {}) const {
    return Pond(args, Env(std::move(env)));
  }
  std::string Ok(const std::vector<std::string>& args) const {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
};

}  // namespace pond::testing
