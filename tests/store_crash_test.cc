// Crash safety through the real binary: a crash (SIGKILL) at every write point of a
// series append and of mkdir, and real `kill -9` at random moments of a large copy.
// Afterwards `check` reports at most orphans and temporaries, and every version
// committed before reads back byte for byte.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/scenario.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;

class StoreCrash : public ::testing::Test {
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
  std::string Csv(const std::string& path) { return Ok({"cat", path, "--format", "csv"}); }
  // `check` passes, or reports only orphans and temporaries, which --repair removes.
  void CheckOnlyOrphans() {
    RunResult r = P({"check"});
    if (r.exit_code != 0) {
      EXPECT_EQ(r.exit_code, 1);
      std::istringstream lines(r.out);
      std::string line;
      std::getline(lines, line);  // the counts
      while (std::getline(lines, line))
        EXPECT_TRUE(line.starts_with("orphan blob ") || line.starts_with("temporary file "))
            << line;
      r = P({"check", "--repair"});
    }
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, ::testing::EndsWith("\nok\n"));
  }

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
};

// Write points include SQLite's own writes and syncs of the catalog and its WAL. A
// crash after the commit frame reached the WAL commits the transaction (the next
// process recovers it), so each crash leaves the series as before or with the version.
TEST_F(StoreCrash, SeriesAppendCrashAtEveryWritePoint) {
  Ok({"copy", Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n2024-07-01 01:00:00,2\n"),
      "/raw/s.series", "--format", "series"});
  Ok({"copy", Host("b.csv", "timestamp,v\n2024-07-01 00:30:00,3\n"), "/raw/s.series", "--format",
      "series"});
  std::string before = Csv("/raw/s.series");
  const std::string c = Host("c.csv", "timestamp,v\n2024-07-02 00:00:00,4\n");
  int k = 1, committed_by_crash = 0;
  for (;; ++k) {
    SCOPED_TRACE("write point " + std::to_string(k));
    ASSERT_LT(k, 60) << "the copy never completed";
    RunResult r = P({"copy", c, "/raw/s.series", "--format", "series"},
                    {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "crash"}});
    if (r.exit_code == 0) break;  // k is past the last write point
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    const std::string now = Csv("/raw/s.series");
    if (now != before) {
      EXPECT_EQ(now, before + "2024-07-02 00:00:00,4\n");  // all of the version, never part
      ++committed_by_crash;
      before = now;
    }
    CheckOnlyOrphans();
  }
  EXPECT_GE(k, 8) << "temp dir, fsync, blob dir, rename, dir fsync, commit and the WAL's "
                     "write and sync are write points";
  EXPECT_EQ(Csv("/raw/s.series"), before + "2024-07-02 00:00:00,4\n");
  CheckOnlyOrphans();
  // Points before the WAL's sync lose the version; the close's checkpoint comes after it.
  EXPECT_LT(committed_by_crash, k - 1);
}

// An I/O error at any write point, the catalog's own included, fails the command
// and leaves the pond as it was: same log, same rows, no blob it created.
TEST_F(StoreCrash, SeriesAppendErrorAtEveryWritePointChangesNothing) {
  Ok({"copy", Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n"), "/raw/s.series", "--format",
      "series"});
  const std::string before = Csv("/raw/s.series") + Ok({"log"});
  const std::string c = Host("c.csv", "timestamp,v\n2024-07-02 00:00:00,4\n");
  int k = 1, catalog_points = 0;
  for (;; ++k) {
    SCOPED_TRACE("write point " + std::to_string(k));
    ASSERT_LT(k, 60) << "the copy never completed";
    RunResult r = P({"copy", c, "/raw/s.series", "--format", "series"},
                    {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "error"}});
    if (r.exit_code == 0) break;
    ASSERT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.err, ::testing::StartsWith("pond: error: injected fault at write point " +
                                             std::to_string(k) + " ("));
    catalog_points += r.err.find("(catalog ") != std::string::npos;
    EXPECT_EQ(Csv("/raw/s.series") + Ok({"log"}), before);
    RunResult check = P({"check"});
    EXPECT_EQ(check.exit_code, 0) << check.out;
  }
  EXPECT_GE(catalog_points, 2) << "the WAL's write and sync";
}

TEST_F(StoreCrash, MkdirCrashAtEveryWritePoint) {
  Ok({"copy", Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n"), "/raw/s.series", "--format",
      "series"});
  const std::string before = Csv("/raw/s.series");
  auto names = [&] {
    std::set<std::string> out;
    std::istringstream lines(Ok({"list", "/raw/*"}));
    for (std::string line; std::getline(lines, line);) out.insert(line);
    return out;
  };
  std::set<std::string> listing = names();
  int k = 1;
  for (;; ++k) {
    SCOPED_TRACE("write point " + std::to_string(k));
    ASSERT_LT(k, 40);
    const std::string dir = "/raw/d" + std::to_string(k);
    RunResult r = P({"mkdir", dir},
                    {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "crash"}});
    if (r.exit_code == 0) break;
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    std::set<std::string> now = names();
    now.erase(dir);  // committed by the crash or not: nothing else changed
    EXPECT_EQ(now, listing);
    listing = names();
    EXPECT_EQ(Csv("/raw/s.series"), before);
    CheckOnlyOrphans();
  }
  EXPECT_GE(k, 3);  // the point before COMMIT, the WAL's write and its sync
  EXPECT_TRUE(names().contains("/raw/d" + std::to_string(k)));
}

// rm and mv crash at every write point: the entry is where it was or where it went,
// never in both places or neither, and the data reads the same.
TEST_F(StoreCrash, RmAndMvCrashAtEveryWritePoint) {
  Ok({"copy", Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n"), "/raw/s.series", "--format",
      "series"});
  const std::string before = Csv("/raw/s.series");
  auto listing = [&] { return Ok({"list", "/**"}); };
  const std::string at_raw = "/\n/raw\n/raw/s.series\n";
  const std::string at_new = "/\n/new.series\n/raw\n";
  for (int k = 1;; ++k) {
    SCOPED_TRACE("mv, write point " + std::to_string(k));
    ASSERT_LT(k, 40);
    RunResult r = P({"mv", "/raw/s.series", "/new.series"},
                    {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "crash"}});
    const std::string now = listing();
    EXPECT_TRUE(now == at_raw || now == at_new) << now;
    CheckOnlyOrphans();
    if (now == at_new) {
      EXPECT_EQ(Csv("/new.series"), before);
      break;
    }
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    EXPECT_EQ(Csv("/raw/s.series"), before);
  }
  for (int k = 1;; ++k) {
    SCOPED_TRACE("rm, write point " + std::to_string(k));
    ASSERT_LT(k, 40);
    RunResult r = P({"rm", "-r", "/raw"},
                    {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "crash"}});
    const std::string now = listing();
    EXPECT_TRUE(now == at_new || now == "/\n/new.series\n") << now;
    CheckOnlyOrphans();
    if (now != at_new) break;
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
  }
}

TEST_F(StoreCrash, KillDuringLargeCopyLeavesAllOrNothing) {
  // ~200k rows; each round's values differ, so each version is a new blob.
  auto csv = [&](int round) {
    std::string text = "timestamp,v\n";
    text.reserve(200000 * 32);
    for (int i = 0; i < 200000; ++i)
      text += "2024-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10) + " 00:00:00," +
              std::to_string(i * 11 + round) + "\n";
    return Host("big" + std::to_string(round) + ".csv", text);
  };
  auto versions = [&] {
    auto d = nlohmann::json::parse(Ok({"--json", "describe", "/raw/big.series"}));
    EXPECT_EQ(d[0]["versions"].back()["rows"], 200000);  // a version is whole or absent
    return static_cast<int>(d[0]["versions"].size());
  };
  auto count = [&] {
    return Ok(
        {"cat", "/raw/big.series", "--format", "csv", "--sql", "SELECT count(*) AS n FROM series"});
  };
  std::string first = csv(0);
  auto t0 = std::chrono::steady_clock::now();
  Ok({"copy", first, "/raw/big.series", "--format", "series"});
  const auto full = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(count(), "n\n200000\n");

  std::mt19937 rng(20240701);
  int64_t rows = 200000, killed = 0;
  for (int round = 1; round <= 10; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string file = csv(round);
    const int before = versions();
    auto delay = std::chrono::duration_cast<std::chrono::microseconds>(full) *
                 std::uniform_real_distribution<double>(0.1, 1.1)(rng);
    Background copy({"copy", file, "/raw/big.series", "--format", "series"}, {{"POND", dir_}});
    std::this_thread::sleep_for(delay);
    copy.Kill();
    killed += copy.Finish().exit_code == 128 + SIGKILL;
    CheckOnlyOrphans();
    const int after = versions();
    ASSERT_TRUE(after == before || after == before + 1) << before << " -> " << after;
    if (after == before + 1) rows += 200000;
  }
  EXPECT_GT(killed, 0);
  // Every committed version reads back whole (check above re-hashed each blob).
  EXPECT_EQ(count(), "n\n" + std::to_string(rows) + "\n");
}

}  // namespace
}  // namespace pond::testing
