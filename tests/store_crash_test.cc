// Crash safety through the real binary: a crash (SIGKILL) at every write point of a
// series append and of mkdir, and real `kill -9` at random moments of a large copy.
// Afterwards `check` reports at most orphans and temporaries, and every version
// committed before reads back byte for byte.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <thread>

#include "support/scenario.h"

extern char** environ;

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

TEST_F(StoreCrash, SeriesAppendCrashAtEveryWritePoint) {
  Ok({"copy", Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n2024-07-01 01:00:00,2\n"),
      "/raw/s.series", "--format", "series"});
  Ok({"copy", Host("b.csv", "timestamp,v\n2024-07-01 00:30:00,3\n"), "/raw/s.series", "--format",
      "series"});
  const std::string before = Csv("/raw/s.series");
  const std::string c = Host("c.csv", "timestamp,v\n2024-07-02 00:00:00,4\n");
  int k = 1;
  for (;; ++k) {
    SCOPED_TRACE("write point " + std::to_string(k));
    ASSERT_LT(k, 40) << "the copy never completed";
    RunResult r = P({"copy", c, "/raw/s.series", "--format", "series"},
                    {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "crash"}});
    if (r.exit_code == 0) break;  // k is past the last write point
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    EXPECT_EQ(Csv("/raw/s.series"), before);
    CheckOnlyOrphans();
  }
  EXPECT_GE(k, 6) << "temp dir, fsync, blob dir, rename, dir fsync and commit are write points";
  EXPECT_EQ(Csv("/raw/s.series"), before + "2024-07-02 00:00:00,4\n");
  CheckOnlyOrphans();
}

TEST_F(StoreCrash, MkdirCrashAtEveryWritePoint) {
  Ok({"copy", Host("a.csv", "timestamp,v\n2024-07-01 00:00:00,1\n"), "/raw/s.series", "--format",
      "series"});
  const std::string before = Csv("/raw/s.series");
  int k = 1;
  for (;; ++k) {
    ASSERT_LT(k, 20);
    RunResult r = P({"mkdir", "/raw/d"},
                    {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "crash"}});
    if (r.exit_code == 0) break;
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    EXPECT_EQ(Ok({"list", "/raw/*"}), "/raw/s.series\n");
    EXPECT_EQ(Csv("/raw/s.series"), before);
    CheckOnlyOrphans();
  }
  EXPECT_GE(k, 2);  // at least the point before COMMIT
  EXPECT_EQ(Ok({"list", "/raw/*"}), "/raw/d\n/raw/s.series\n");
}

// Starts `pond args…` in the background, its output discarded.
pid_t Spawn(const std::vector<std::string>& args) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> all{PondBinary()};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, PondBinary().c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start pond");
  return pid;
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
    setenv("POND", dir_.c_str(), 1);
    pid_t pid = Spawn({"copy", file, "/raw/big.series", "--format", "series"});
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    killed += WIFSIGNALED(status);
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
