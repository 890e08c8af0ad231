// The SQLite catalog through the `pond` binary (docs/storage.md): readers take no
// writer lock and keep their snapshot while writers commit, writers queue behind one
// another, blob deletion never runs under a reader, commands that only read the
// catalog never load DuckDB or libcurl, and a pond of the old format is named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/pond_fixture.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class CatalogTest : public PondFixture {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
  }
  // `rows` 15-minute readings from 2024-01-01 plus `offset` minutes.
  std::string Csv(const std::string& name, int rows, int offset = 0) {
    std::string text = "timestamp,v\n";
    for (int i = 0; i < rows; ++i) {
      const int64_t s = 1704067200 + int64_t{i} * 900 + offset * 60;
      char line[64];
      std::time_t t = s;
      std::tm tm{};
      gmtime_r(&t, &tm);
      std::strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
      text += std::string(line) + "," + std::to_string(i % 1000) + ".5\n";
    }
    WriteFile(tmp_.path() / name, text);
    return tmp_ / name;
  }
  // Waits until a background reader has printed something: its snapshot is open.
  static void WaitForOutput(Background& b) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (b.HasOutput()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "the reader printed nothing";
  }
};

TEST_F(CatalogTest, CatalogOnlyCommandsNeverLoadDuckDbOrCurl) {
  Ok({"copy", Csv("a.csv", 10), "/raw/a.series", "--format", "series"});
  WriteFile(tmp_.path() / "r.yaml",
            "in_pattern: \"/raw/*.series\"\nout_pattern: \"$0\"\nresolutions: [1h]\n"
            "aggregations: [{type: avg, columns: [v]}]\n");
  const std::vector<std::vector<std::string>> catalog_only = {
      {"list", "/**"},   {"list", "-l", "/**"},
      {"log"},           {"describe", "/raw/a.series"},
      {"mkdir", "/etc"}, {"mknod", "temporal-reduce", "/reduced", "--config", tmp_ / "r.yaml"},
      {"check"},
  };
  for (const auto& args : catalog_only) {
    SCOPED_TRACE(args.front());
    RunResult r = P(args, {{"POND_LOG", "debug"}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("loaded DuckDB")));
    EXPECT_THAT(r.err, Not(HasSubstr("loaded libcurl")));
    // Only what writes or verifies a blob hashes it.
    if (args.front() == "list" || args.front() == "log" || args.front() == "describe") {
      EXPECT_THAT(r.err, Not(HasSubstr("loaded libcrypto")));
    }
  }
  // The line the test looks for is there when data is read.
  RunResult cat = P({"cat", "/raw/a.series"}, {{"POND_LOG", "debug"}});
  EXPECT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_THAT(cat.err, HasSubstr("loaded DuckDB from "));
  // A blob past 64 KiB is hashed by libcrypto (smaller ones by base/sha256.h).
  std::string big(100 << 10, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + i / 251);
  WriteFile(tmp_.path() / "big.bin", big);
  RunResult copy = P({"copy", tmp_ / "big.bin", "/raw/big.bin"}, {{"POND_LOG", "debug"}});
  EXPECT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_THAT(copy.err, HasSubstr("loaded libcrypto from "));
}

TEST_F(CatalogTest, DescribeReadsTheMergedSchemaFromTheCatalog) {
  Ok({"copy", Csv("a.csv", 3), "/raw/a.series", "--format", "series"});
  WriteFile(tmp_.path() / "b.csv", "timestamp,v,extra\n2025-01-01 00:00:00,1,x\n");
  Ok({"copy", tmp_ / "b.csv", "/raw/a.series", "--format", "series"});
  WriteFile(tmp_.path() / "c.csv", "timestamp,v\n2025-01-02 00:00:00,7\n");  // v: BIGINT
  Ok({"copy", tmp_ / "c.csv", "/raw/a.series", "--format", "series"});
  // What DuckDB's DESCRIBE of the merged relation says, from the catalog alone.
  const std::string described = Ok({"describe", "/raw/a.series"});
  EXPECT_THAT(described, HasSubstr("    timestamp    TIMESTAMP\n    v            DOUBLE\n"
                                   "    extra        VARCHAR\n"));
  const std::string sql =
      Ok({"cat", "/raw/a.series", "--format", "csv", "--sql",
          "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM series)"});
  EXPECT_EQ(sql, "column_name,column_type\ntimestamp,TIMESTAMP\nv,DOUBLE\nextra,VARCHAR\n");
}

TEST_F(CatalogTest, OldFormatPondIsNamed) {
  const std::string old = tmp_ / "old";
  fs::create_directories(old);
  WriteFile(old + "/catalog.duckdb", "not read");
  RunResult r = Pond({"list"}, {{"POND", old}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "pond: error: pond format 1 (catalog.duckdb) is not read by this version: create a "
            "new pond with 'pond init' and copy the data in again (" +
                old + ")\n");
  RunResult init = Pond({"init"}, {{"POND", old}});
  EXPECT_EQ(init.exit_code, 1);
  EXPECT_EQ(init.err, "pond: error: pond already exists (" + old + ")\n");
}

// A reader blocked mid-command (its stdout unread) keeps its snapshot and its blobs
// while a writer appends and commits at once.
TEST_F(CatalogTest, ReaderKeepsItsSnapshotWhileAWriterCommits) {
  Ok({"copy", Csv("a.csv", 20000), "/raw/a.series", "--format", "series"});
  const std::string before = Ok({"cat", "/raw/a.series", "--format", "csv"});
  ASSERT_GT(before.size(), 256u * 1024) << "more than a pipe holds";

  Background reader({"cat", "/raw/a.series", "--format", "csv"}, Env());
  WaitForOutput(reader);
  ASSERT_TRUE(reader.Running());
  RunResult append = P({"copy", Csv("b.csv", 4, 7), "/raw/a.series", "--format", "series"});
  EXPECT_EQ(append.exit_code, 0) << append.err;
  EXPECT_TRUE(reader.Running()) << "the writer committed while the reader still ran";
  RunResult seen = reader.Finish();
  EXPECT_EQ(seen.exit_code, 0) << seen.err;
  EXPECT_EQ(seen.out, before);
  EXPECT_EQ(
      Ok({"cat", "/raw/a.series", "--format", "csv", "--sql", "SELECT count(*) AS n FROM series"}),
      "n\n20004\n");
}

int64_t ExportedRows(const nlohmann::json& j) {
  int64_t rows = 0;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items())
      rows += k == "rows" && v.is_number_integer() ? v.get<int64_t>() : ExportedRows(v);
  } else if (j.is_array()) {
    for (const auto& v : j) rows += ExportedRows(v);
  }
  return rows;
}

// An export exports its snapshot while a series is appended; the append commits.
TEST_F(CatalogTest, ExportWhileASeriesIsAppended) {
  Ok({"copy", Csv("a.csv", 300000), "/raw/a.series", "--format", "series"});
  const std::string out = tmp_ / "out";
  Background exporter(
      {"--json", "export", "--pattern", "/raw/*.series", "--dir", out, "--temporal", "year,month"},
      Env());
  // Started: its staging folder exists (or it is already done on a fast machine).
  for (int i = 0; i < 2000 && exporter.Running(); ++i) {
    bool staging = false;
    for (const auto& e : fs::directory_iterator(tmp_.path()))
      staging |= e.path().filename().string().starts_with(".out.pond-staging-");
    if (staging) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  RunResult append = P({"copy", Csv("b.csv", 4, 7), "/raw/a.series", "--format", "series"});
  EXPECT_EQ(append.exit_code, 0) << append.err;
  RunResult exported = exporter.Finish();
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(ExportedRows(nlohmann::json::parse(exported.out)), 300000);
  EXPECT_THAT(Ok({"log"}), HasSubstr("copy"));
}

// One writer at a time: a second one waits for the first, then commits; past its
// timeout it fails naming the holder, and the pond has only the first's change.
TEST_F(CatalogTest, SecondWriterWaitsThenCommits) {
  // The first writer stalls 1.5 s at its first write point, holding the writer lock.
  Background first({"mkdir", "/first"},
                   Env({{"POND_FAULT_AT", "1"}, {"POND_FAULT_MODE", "stall:1500"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RunResult second = P({"mkdir", "/second"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(first.Finish().exit_code, 0);
  EXPECT_EQ(Ok({"list", "/*"}), "/first\n/raw\n/second\n");
}

TEST_F(CatalogTest, SecondWriterFailsWithTheLockMessageAfterItsTimeout) {
  const std::string log_before = Ok({"log"});
  Background first({"mkdir", "/first"},
                   Env({{"POND_FAULT_AT", "1"}, {"POND_FAULT_MODE", "stall:10000"}}));
  // The first holds the lock once it has written its pid there (a slow start, as under
  // ASan on a busy machine, must not let the second in first).
  const std::string holder = std::to_string(first.pid()) + "\n";
  for (int i = 0; i < 1000 && ReadFile(dir_ + "/pond.lock") != holder; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(ReadFile(dir_ + "/pond.lock"), holder);
  RunResult second = P({"mkdir", "/second"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_EQ(second.err, "pond: error: pond is locked by pid " + std::to_string(first.pid()) + " (" +
                            dir_ + "/pond.lock)\n");
  EXPECT_EQ(first.Finish().exit_code, 0);
  // Only the first's change: one transaction on top of what was there.
  const std::string log_after = Ok({"log"});
  EXPECT_TRUE(log_after.ends_with(log_before)) << log_after;
  EXPECT_EQ(std::count(log_after.begin(), log_after.end(), '\n'),
            std::count(log_before.begin(), log_before.end(), '\n') + 1);
  EXPECT_EQ(Ok({"list", "/*"}), "/first\n/raw\n");
}

// `check --repair` (a writer that deletes only unreferenced files) never disturbs a
// reader: the reader reads during the repair, the repair removes the orphan.
TEST_F(CatalogTest, ReaderDuringCheckRepair) {
  Ok({"copy", Csv("a.csv", 100), "/raw/a.series", "--format", "series"});
  const std::string before = Ok({"cat", "/raw/a.series", "--format", "csv"});
  WriteFile(dir_ + "/blobs/ff/ffff.parquet", "orphan");
  // The repair stalls at its first write point: the orphan's removal.
  Background repair({"check", "--repair"},
                    Env({{"POND_FAULT_AT", "1"}, {"POND_FAULT_MODE", "stall:1500"}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Ok({"cat", "/raw/a.series", "--format", "csv"}), before);
  EXPECT_TRUE(repair.Running()) << "the reader ran while the repair held the writer lock";
  RunResult r = repair.Finish();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(fs::exists(dir_ + "/blobs/ff/ffff.parquet"));
  EXPECT_EQ(Ok({"cat", "/raw/a.series", "--format", "csv"}), before);
  EXPECT_EQ(P({"check"}).exit_code, 0);
}

}  // namespace
}  // namespace pond::testing
