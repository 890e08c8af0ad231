// The store's four promises, one test each, through the binary (docs/storage.md, end of
// "Integrity: pond check").
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/scenario.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class StoreSpec : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
  }
  RunResult P(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
    env["POND"] = dir_;
    return Pond(args, env);
  }
  std::string Ok(const std::vector<std::string>& args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string Host(const std::string& name, const std::string& text) {
    WriteFile(tmp_.path() / name, text);
    return tmp_ / name;
  }
  std::vector<std::string> BlobFiles() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_ + "/blobs"))
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir_).string());
    return out;
  }

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
};

// SIGKILL after the blob's rename, before COMMIT: the pond reads exactly as before,
// `check` reports the orphan, `check --repair` removes it.
TEST_F(StoreSpec, KillAfterBlobRenameBeforeCommitLeavesOnlyAnOrphan) {
  Ok({"copy", Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n"), "/raw/a.series", "--format",
      "series"});
  const std::string b = Host("b.csv", "timestamp,v\n2024-07-02 00:00:00,2\n");
  const std::vector<std::string> copy{"copy", b, "/raw/a.series", "--format", "series"};
  // Find the write point just before COMMIT (error mode names it; nothing is kept).
  int k = 1;
  for (; k < 40; ++k) {
    RunResult r = P(copy, {{"POND_FAULT_AT", std::to_string(k)}});
    ASSERT_EQ(r.exit_code, 1) << "no commit write point found";
    if (r.err.find("(before commit)") != std::string::npos) break;
  }
  const std::string listing = Ok({"list", "-l", "/**"});
  const std::string csv = Ok({"cat", "/raw/a.series", "--format", "csv"});
  const std::string log = Ok({"log", "--json"});
  EXPECT_EQ(Ok({"check"}), "checked 1 version, 1 blob, 3 nodes\nok\n");

  RunResult crash = P(copy, {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "crash"}});
  ASSERT_EQ(crash.exit_code, 128 + SIGKILL);
  EXPECT_EQ(Ok({"list", "-l", "/**"}), listing);
  EXPECT_EQ(Ok({"cat", "/raw/a.series", "--format", "csv"}), csv);
  EXPECT_EQ(Ok({"log", "--json"}), log);

  RunResult check = P({"check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check.out,
              ::testing::MatchesRegex("checked 1 version, 1 blob, 3 nodes\n"
                                      "orphan blob blobs/[0-9a-f]{2}/[0-9a-f]{64}\\.parquet "
                                      "\\([0-9]+ bytes\\)\n"));
  EXPECT_EQ(check.err,
            "pond: error: check found 1 problem; 1 repairable with 'pond check --repair' (" + dir_ +
                ")\n");
  std::string orphan_line = check.out.substr(check.out.find("orphan"));
  EXPECT_EQ(Ok({"check", "--repair"}),
            "checked 1 version, 1 blob, 3 nodes\nremoved " + orphan_line + "ok\n");
  EXPECT_EQ(Ok({"check"}), "checked 1 version, 1 blob, 3 nodes\nok\n");
  EXPECT_EQ(BlobFiles().size(), 1u);
}

// Two series writes, then `cat --at <first seq>` shows only the first version.
TEST_F(StoreSpec, CatAtFirstSeqShowsOnlyTheFirstVersion) {
  EXPECT_EQ(Ok({"copy", Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n"), "/raw/a.series",
                "--format", "series"}),
            "copied 1 file (1 row) in transaction 3\n");
  Ok({"copy", Host("b.csv", "timestamp,v\n2024-06-30 00:00:00,2\n"), "/raw/a.series", "--format",
      "series"});
  EXPECT_EQ(Ok({"cat", "/raw/a.series", "--format", "csv"}),
            "timestamp,v\n2024-06-30 00:00:00,2\n2024-07-01 00:00:00,1\n");
  EXPECT_EQ(Ok({"--at", "3", "cat", "/raw/a.series", "--format", "csv"}),
            "timestamp,v\n2024-07-01 00:00:00,1\n");
  RunResult before = P({"cat", "--at", "2", "/raw/a.series"});  // --at after the command too
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_EQ(before.err, "pond: error: no such node (/raw/a.series)\n");
}

// Writing the same CSV twice as file:table yields one blob, two versions.
TEST_F(StoreSpec, SameCsvTwiceAsTableIsOneBlobTwoVersions) {
  const std::string t = Host("sites.csv", "site,depth\nBDock,3\nSilver,5\n");
  Ok({"copy", t, "/raw/sites.table", "--format", "table"});
  Ok({"copy", t, "/raw/sites.table", "--format", "table"});
  auto d = nlohmann::json::parse(Ok({"--json", "describe", "/raw/sites.table"}));
  ASSERT_EQ(d[0]["versions"].size(), 2u);
  EXPECT_EQ(d[0]["versions"][0]["blob"], d[0]["versions"][1]["blob"]);
  EXPECT_EQ(d[0]["versions"][1]["transaction"], 4);
  EXPECT_EQ(BlobFiles().size(), 1u);
  EXPECT_EQ(Ok({"check"}), "checked 2 versions, 1 blob, 3 nodes\nok\n");
}

// A second writer waits (retrying for 5 s), then fails with the pid message, exit 1.
TEST_F(StoreSpec, SecondWriterWaitsThenFailsNamingThePid) {
  const std::string lock = dir_ + "/pond.lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  const std::string pid = std::to_string(::getpid());
  ASSERT_EQ(::ftruncate(fd, 0), 0);
  ASSERT_EQ(::pwrite(fd, (pid + "\n").data(), pid.size() + 1, 0),
            static_cast<ssize_t>(pid.size() + 1));
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = P({"mkdir", "/blocked"});
  auto waited = std::chrono::steady_clock::now() - t0;
  ::close(fd);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "pond: error: pond is locked by pid " + pid + " (" + lock + ")\n");
  EXPECT_GE(waited, std::chrono::milliseconds(4900));
  EXPECT_LT(waited, std::chrono::seconds(15));
  EXPECT_EQ(Ok({"list"}), "/raw\n");  // released: the pond works, unchanged
  Ok({"mkdir", "/blocked"});
}

}  // namespace
}  // namespace pond::testing
