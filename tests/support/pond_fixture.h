// A GoogleTest fixture for scenario tests on one temporary pond: P() runs the `pond`
// binary on it (POND set), Ok() expects exit 0 and returns stdout, Host() writes a
// host file beside it.
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
  std::string Ok(const std::vector<std::string>& args,
                 std::map<std::string, std::string> env = {}) const {
    RunResult r = P(args, std::move(env));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // Writes host file `name` in the test's folder; returns its path.
  std::string Host(const std::string& name, const std::string& text) const {
    WriteFile(tmp_.path() / name, text);
    return tmp_ / name;
  }

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
};

}  // namespace pond::testing
