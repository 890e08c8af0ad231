// The `pond` binary's command line: version, usage errors (exit 2), logging.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/scenario.h"

namespace pond::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Cli, VersionNamesDuckDb) {
  RunResult r = Pond({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("DuckDB v1.4.4"));
}

TEST(Cli, UnknownOptionIsAUsageError) {
  RunResult r = Pond({"list", "--frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("pond: error: "));
  EXPECT_THAT(r.err, HasSubstr("--frobnicate"));
  EXPECT_THAT(r.err, ::testing::EndsWith(" (see 'pond list --help')\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(Cli, VarWithoutValueNamesTheOption) {
  RunResult r = Pond({"-v", "novalue", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("pond: error: --var: variable 'novalue' must be key=value"));
}

// The original's `init --birthplace NAME`: a label the pond keeps, shown by describe /.
TEST(Cli, InitKeepsItsBirthplace) {
  TempDir tmp;
  const std::string pond = tmp / "pond";
  RunResult r = Pond({"--pond", pond, "init", "--birthplace", "watershop 1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Pond({"--pond", pond, "describe", "/"});
  EXPECT_EQ(r.out, "/  dir\n  entries: 0\n  birthplace: watershop 1\n");
  r = Pond({"--pond", tmp / "other", "init", "--birthplace", ""});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pond: error: --birthplace: must not be empty (see 'pond init --help')\n");
  EXPECT_FALSE(std::filesystem::exists(tmp / "other"));
}

TEST(Cli, UnknownCommand) {
  RunResult r = Pond({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("pond: error: unknown command 'frobnicate' (see 'pond --help')\n"));
}

TEST(Cli, MistypedCommandSuggestsTheNearestAndNeverAnotherUsage) {
  RunResult r = Pond({"lst", "/"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pond: error: unknown command 'lst'; did you mean 'list'? (see 'pond --help')\n");
  r = Pond({"remote", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pond: error: unknown command 'remote' (see 'pond --help')\n");
}

TEST(Cli, NoPondGiven) {
  RunResult r = Pond({"list"}, {{"POND", ""}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: no pond given (use --pond or POND)\n");
}

TEST(Cli, DebugLoggingShowsSql) {
  TempDir tmp;
  RunResult r = Pond({"--pond", tmp / "pond", "init"}, {{"POND_LOG", "debug"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr(" DEBUG catalog: CREATE TABLE transactions (seq INTEGER PRIMARY KEY"));
  EXPECT_THAT(r.err, HasSubstr(" DEBUG catalog: COMMIT"));
}

// Each bad option or path: exit status 1 or 2, one stderr line with its `(<where>)`,
// and the pond unchanged (issue 18, point 7).
TEST(Cli, BadOptionsAndPathsAreOneLineNamingTheCulprit) {
  TempDir tmp;
  const std::map<std::string, std::string> env{{"POND", tmp / "pond"}};
  ASSERT_EQ(Pond({"init"}, env).exit_code, 0);
  WriteFile(tmp.path() / "d.yaml", "patterns: {a: /x}\nquery: SELECT 1\n");
  const std::string log = Pond({"log"}, env).out;
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{"--at", "", "list"}, 2, "not a transaction number: '' (--at)"},
      {{"--at", "x1", "list"}, 2, "not a transaction number: 'x1' (--at)"},
      {{"--at", "99999999999999999999", "list"}, 2,
       "no transaction 99999999999999999999: out of range (--at)"},
      {{"--at", "1", "mknod", "sql-derived-series", "/d", "--config", tmp / "d.yaml"}, 2,
       "--at is only for read-only commands (--at)"},
      {{"--at", "1", "mkdir", "/d"}, 2, "--at is only for read-only commands (--at)"},
      {{"log", "--limit", "-1"}, 2,
       "--limit: must be a whole number >= 0, got '-1' (see 'pond log --help')"},
      {{"maintain", "--keep-txns", "0"}, 2,
       "--keep-txns: must be a whole number >= 1, got '0' (see 'pond maintain --help')"},
      {{"cat", ""}, 1, "empty path: pond paths must start with '/' ('')"},
      {{"cat", "/a\nb"}, 1, "no such node (/a\\nb)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args[0] + " " + c.args[1]);
    RunResult r = Pond(c.args, env);
    EXPECT_EQ(r.exit_code, c.code);
    EXPECT_EQ(r.err, "pond: error: " + c.err + "\n");
  }
  EXPECT_EQ(Pond({"log"}, env).out, log);
}

TEST(Cli, WriteCommandsRejectAt) {
  TempDir tmp;
  RunResult r = Pond({"--pond", tmp / "pond", "--at", "1", "init"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pond: error: --at is only for read-only commands (--at)\n");
}

}  // namespace
}  // namespace pond::testing
