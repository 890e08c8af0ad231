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

TEST(Cli, UnknownCommand) {
  RunResult r = Pond({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("pond: error: unknown command 'frobnicate' (see 'pond --help')\n"));
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

TEST(Cli, WriteCommandsRejectAt) {
  TempDir tmp;
  RunResult r = Pond({"--pond", tmp / "pond", "--at", "1", "init"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pond: error: --at is only for read-only commands (--at)\n");
}

}  // namespace
}  // namespace pond::testing
