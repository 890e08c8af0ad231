// Export stage 1 through the `pond` binary: Hive-partitioned Parquet plus exact
// metadata, the two-site scenario and summary of docs/export.md, atomicity and
// determinism.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>
#include <nlohmann/json.hpp>

#include "engine/duckdb.h"
#include "support/scenario.h"

namespace pond {
namespace {

namespace fs = std::filesystem;
using testing::Pond;
using testing::ReadFile;
using testing::RunResult;
using testing::TempDir;

// Daily readings with a dotted, slashed column name; optionally a row at the epoch.
void WriteDailyCsv(const std::string& path, const std::string& from, const std::string& to,
                   bool epoch_row, bool null_row = false) {
  engine::Database db;
  engine::Connection con(db);
  std::string sql = "SELECT ts AS \"timestamp\", 8 + sin(epoch(ts) / 86400) AS \"AT500_Surface.DO.mg/L.avg\", "
                    "15 + cos(epoch(ts) / 86400) AS \"AT500_Surface.Temperature.C.avg\" "
                    "FROM range(TIMESTAMP '" + from + "', TIMESTAMP '" + to + "', INTERVAL 1 DAY) t(ts)";
  if (epoch_row) sql += " UNION ALL SELECT TIMESTAMP '1970-01-01', 1.0, 2.0";
  if (null_row) sql += " UNION ALL SELECT NULL, 3.0, 4.0";
  con.Execute("COPY (" + sql + ") TO " + engine::QuoteLiteral(path) + " (HEADER, DELIMITER ',')");
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pond_ = tmp_ / "pond";
    out_ = tmp_ / "site/data";
    Ok({"init"});
  }

  RunResult P(std::vector<std::string> args) {
    args.insert(args.begin(), {"--pond", pond_});
    return Pond(args);
  }
  RunResult Ok(std::vector<std::string> args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }

  // The two sites of docs/export.md's summary: BDock 2024-07..2026-01 plus an
  // epoch-zero row (20 files), Silver 2024-07..2026-01 (19 files).
  void MakeSeedSites() {
    WriteDailyCsv(tmp_ / "bdock.csv", "2024-07-01", "2026-02-01", true);
    WriteDailyCsv(tmp_ / "silver.csv", "2024-07-01", "2026-02-01", false);
    Ok({"mkdir", "-p", "/test-locations/BDockDownsampled"});
    Ok({"mkdir", "-p", "/test-locations/SilverDownsampled"});
    Ok({"copy", tmp_ / "bdock.csv", "/test-locations/BDockDownsampled/res=1d.series", "--format", "series"});
    Ok({"copy", tmp_ / "silver.csv", "/test-locations/SilverDownsampled/res=1d.series", "--format", "series"});
  }

  // sha256 of every file under OUT, by relative path.
  std::map<std::string, std::string> Hashes() {
    std::map<std::string, std::string> h;
    for (const auto& e : fs::recursive_directory_iterator(out_))
      if (e.is_regular_file() && e.path().filename() != ".pond-export.json")
        h[fs::relative(e.path(), out_).string()] = testing::Sha256File(e.path());
    return h;
  }

  TempDir tmp_;
  std::string pond_, out_;
};

TEST_F(ExportTest, SeedScenarioWritesExactFilesAndMetadata) {
  MakeSeedSites();
  RunResult r = Ok({"-v", "site=Noyo", "export", "--pattern", "/test-locations/**/res=1d.series",
                    "--dir", out_, "--temporal", "year,month"});
  std::string golden = ReadFile(fs::path(POND_SOURCE_DIR) / "tests/golden/export_summary_seed.txt");
  golden.replace(golden.find("@OUT@"), 5, out_);
  EXPECT_EQ(r.out, golden);
  EXPECT_NE(r.err.find("pond: warning: 1 row with timestamp before 1990-01-01 exported "
                       "(/test-locations/BDockDownsampled/res=1d.series)"),
            std::string::npos)
      << r.err;

  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(out_))
    files += e.is_regular_file() && e.path().filename() != ".pond-export.json";
  EXPECT_EQ(files, 39u);
  EXPECT_TRUE(fs::exists(fs::path(out_) / "BDockDownsampled/year=1970/month=1/data_0.parquet"));
  EXPECT_TRUE(fs::exists(fs::path(out_) / "SilverDownsampled/year=2026/month=1/data_0.parquet"));

  // Every file's metadata equals what DuckDB reads back from the file itself.
  RunResult j = Ok({"--json", "export", "--pattern", "/test-locations/**/res=1d.series", "--dir",
                    out_, "--temporal", "year,month"});
  auto ctx = nlohmann::json::parse(j.out);
  EXPECT_EQ(ctx["total_files"], 39);
  auto set = ctx["stages"][0]["export"];
  ASSERT_EQ(set.size(), 2u);
  engine::Database db;
  engine::Connection con(db);
  for (const auto& site : {"BDockDownsampled", "SilverDownsampled"}) {
    const auto& leaf = set[site];
    EXPECT_EQ(leaf["schema"]["fields"][1]["instrument"], "AT500_Surface");
    EXPECT_EQ(leaf["schema"]["fields"][1]["unit"], "mg/L");
    int64_t prev_start = INT64_MIN;
    for (const auto& f : leaf["files"]) {
      std::string file = (fs::path(out_) / site / f["file"].get<std::string>()).string();
      SCOPED_TRACE(file);
      auto back = con.Query("SELECT count(*) AS n, epoch_ms(min(\"timestamp\")) AS lo, "
                            "epoch_ms(max(\"timestamp\")) AS hi FROM read_parquet(" +
                            engine::QuoteLiteral(file) + ")");
      EXPECT_EQ(back.at(0, "n").as_int(), f["rows"].get<int64_t>());
      EXPECT_EQ(back.at(0, "lo").as_int(), f["start_time"].get<int64_t>());
      EXPECT_EQ(back.at(0, "hi").as_int(), f["end_time"].get<int64_t>());
      EXPECT_EQ(static_cast<int64_t>(fs::file_size(file)), f["bytes"].get<int64_t>());
      EXPECT_GE(f["start_time"].get<int64_t>(), prev_start);
      prev_start = f["start_time"].get<int64_t>();
    }
  }
  // The exported tree reads back as the source: same rows, same values.
  auto exported = con.Query(
      "SELECT count(*) AS n, sum(\"AT500_Surface.DO.mg/L.avg\") AS s FROM read_parquet(" +
      engine::QuoteLiteral(out_ + "/BDockDownsampled/**/*.parquet") + ", hive_partitioning=true)");
  auto source = con.Query("SELECT count(*) AS n, sum(\"AT500_Surface.DO.mg/L.avg\") AS s FROM read_csv(" +
                          engine::QuoteLiteral(tmp_ / "bdock.csv") + ")");
  EXPECT_EQ(exported.at(0, "n").as_int(), source.at(0, "n").as_int());
  EXPECT_NEAR(exported.at(0, "s").as_double(), source.at(0, "s").as_double(), 1e-9);
  // Partition columns are in the path, not in the files.
  auto cols = con.Query("DESCRIBE SELECT * FROM read_parquet(" +
                        engine::QuoteLiteral(out_ + "/SilverDownsampled/year=2024/month=7/data_0.parquet") + ", hive_partitioning=false)");
  EXPECT_EQ(cols.row_count(), 3u);
}

TEST_F(ExportTest, ReExportOfUnchangedDataIsByteIdentical) {
  MakeSeedSites();
  std::vector<std::string> args = {"--quiet", "export", "--pattern", "/test-locations/*/res=1d.series",
                                   "--dir", out_, "--temporal", "year,month"};
  Ok(args);
  auto first = Hashes();
  Ok(args);
  EXPECT_EQ(Hashes(), first);
  EXPECT_EQ(first.size(), 39u);
}

TEST_F(ExportTest, TemporalKeysAndRanges) {
  MakeSeedSites();
  Ok({"--quiet", "export", "--pattern", "/test-locations/SilverDownsampled/res=1d.series", "--dir", out_,
      "--temporal", "year"});
  EXPECT_TRUE(fs::exists(fs::path(out_) / "test-locations/SilverDownsampled/res=1d/year=2025/data_0.parquet"));
  fs::remove_all(out_);
  RunResult r = Ok({"--json", "export", "--pattern", "/test-locations/*/res=1d.series", "--dir", out_,
                    "--temporal", "year,month,day", "--start", "2024-07-30", "--end", "2024-08-02T00:00:00Z"});
  auto set = nlohmann::json::parse(r.out)["stages"][0]["export"];
  ASSERT_EQ(set["SilverDownsampled"]["files"].size(), 3u);
  EXPECT_EQ(set["SilverDownsampled"]["files"][0]["file"], "year=2024/month=7/day=30/data_0.parquet");
  EXPECT_EQ(set["SilverDownsampled"]["files"][2]["file"], "year=2024/month=8/day=1/data_0.parquet");
  EXPECT_EQ(set["BDockDownsampled"]["files"].size(), 3u);  // --start cut the 1970 row
  EXPECT_EQ(nlohmann::json::parse(r.out)["warnings"].size(), 0u);
  // Without --temporal: one file per target.
  fs::remove_all(out_);
  r = Ok({"--json", "export", "--pattern", "/test-locations/*/res=1d.series", "--dir", out_});
  set = nlohmann::json::parse(r.out)["stages"][0]["export"];
  ASSERT_EQ(set["BDockDownsampled"]["files"].size(), 1u);
  EXPECT_EQ(set["BDockDownsampled"]["files"][0]["file"], "data_0.parquet");
  EXPECT_EQ(set["BDockDownsampled"]["files"][0]["start_time"], 0);
}

TEST_F(ExportTest, BadTemporalIsUsageError) {
  RunResult r = P({"export", "--pattern", "/x", "--dir", out_, "--temporal", "month,year"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--temporal"), std::string::npos);
}

TEST_F(ExportTest, TableTargetAndTwoCaptures) {
  testing::WriteFile(tmp_ / "sites.csv", "site,lat\nBDock,39.4\nSilver,39.3\n");
  Ok({"mkdir", "-p", "/meta"});
  Ok({"copy", tmp_ / "sites.csv", "/meta/sites.table", "--format", "table"});
  WriteDailyCsv(tmp_ / "a.csv", "2024-07-01", "2024-09-01", false);
  Ok({"mkdir", "-p", "/reduced/BDock"});
  Ok({"copy", tmp_ / "a.csv", "/reduced/BDock/res=1d.series", "--format", "series"});
  RunResult r = Ok({"--json", "export", "--pattern", "/meta/*.table", "--pattern", "/reduced/*/*.series",
                    "--dir", out_, "--temporal", "year,month"});
  auto ctx = nlohmann::json::parse(r.out);
  auto table = ctx["stages"][0]["export"]["sites"];
  ASSERT_EQ(table["files"].size(), 1u);  // no timestamp: never partitioned
  EXPECT_EQ(table["files"][0]["file"], "data_0.parquet");
  EXPECT_TRUE(table["files"][0]["start_time"].is_null());
  EXPECT_EQ(table["files"][0]["rows"], 2);
  auto two = ctx["stages"][1]["export"]["BDock"]["res=1d"];
  EXPECT_EQ(two["files"].size(), 2u);
  EXPECT_TRUE(fs::exists(fs::path(out_) / "BDock/res=1d/year=2024/month=8/data_0.parquet"));
}

TEST_F(ExportTest, PatternMatchingNothingWritesNothing) {
  RunResult r = P({"export", "--pattern", "/test-locations/**/res=1w.series", "--dir", out_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: pattern matched nothing (/test-locations/**/res=1w.series)\n");
  EXPECT_FALSE(fs::exists(out_));
  EXPECT_FALSE(fs::exists(tmp_.path() / "site"));
}

// An input URL reads each match through its format (docs/inputs.md): a CSV in the pond
// becomes one Parquet file per match; a URL matching nothing is a warning.
TEST_F(ExportTest, AnInputUrlPatternExportsEachMatchThroughItsFormat) {
  testing::WriteFile(tmp_ / "a.csv", "timestamp,v\n2024-01-01 00:00:00,1.5\n2024-01-02 00:00:00,2.5\n");
  Ok({"mkdir", "/logs"});
  Ok({"copy", tmp_ / "a.csv", "/logs/a.csv"});
  RunResult r = Ok({"--quiet", "export", "--pattern", "csv:///logs/*.csv", "--pattern",
                    "csv:///none/*.csv", "--dir", out_});
  EXPECT_NE(r.err.find("pond: warning: pattern matched nothing (csv:///none/*.csv)"), std::string::npos)
      << r.err;
  engine::Database db;
  engine::Connection con(db);
  engine::Result q = con.Query("SELECT count(*) AS n, sum(v) AS s FROM read_parquet(" +
                               engine::QuoteLiteral(out_ + "/a/data_0.parquet") + ")");
  EXPECT_EQ(q.at(0, "n").as_int(), 2);
  EXPECT_EQ(q.at(0, "s").as_double(), 4.0);
}

TEST_F(ExportTest, FailureMidwayLeavesOutUntouched) {
  MakeSeedSites();
  fs::create_directories(out_);
  testing::WriteFile(fs::path(out_) / "keep.txt", "mine");
  Ok({"--quiet", "export", "--pattern", "/test-locations/*/res=1d.series", "--dir", out_, "--temporal", "year"});
  auto before = Hashes();
  // A third site, sorted last, whose column clashes with the partition key `year`.
  testing::WriteFile(tmp_ / "bad.csv", "timestamp,year\n2024-07-01 00:00:00,1\n");
  Ok({"mkdir", "-p", "/test-locations/ZBad"});
  Ok({"copy", tmp_ / "bad.csv", "/test-locations/ZBad/res=1d.series", "--format", "series"});
  RunResult r = P({"export", "--pattern", "/test-locations/*/res=1d.series", "--dir", out_, "--temporal", "year"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("column 'year'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/test-locations/ZBad/res=1d.series"), std::string::npos) << r.err;
  EXPECT_EQ(Hashes(), before);
  // Beside OUT only its spare, the tree before the first export (keep.txt): no staging.
  for (const auto& e : fs::directory_iterator(tmp_.path() / "site"))
    EXPECT_TRUE(e.path().filename() == "data" || e.path().filename() == ".data.pond-spare")
        << "staging left behind: " << e.path();
}

TEST_F(ExportTest, UnsafeCaptureRejectedBeforeWriting) {
  WriteDailyCsv(tmp_ / "a.csv", "2024-07-01", "2024-07-03", false);
  Ok({"mkdir", "-p", "/x/.hidden"});
  Ok({"copy", tmp_ / "a.csv", "/x/.hidden/a.series", "--format", "series"});
  RunResult r = P({"export", "--pattern", "/x/*/a.series", "--dir", out_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: capture '.hidden' would escape the output directory (/x/*/a.series)\n");
  EXPECT_FALSE(fs::exists(out_));
}

// A node whose name without its extension is `..` or `.` exported without captures
// would name OUT's parent (DuckDB wrote `data_0.parquet` there): refused before
// anything is written, naming the node.
TEST_F(ExportTest, NodeNamesThatWouldLeaveOutAreRefused) {
  WriteDailyCsv(tmp_ / "a.csv", "2024-07-01", "2024-07-03", false);
  const fs::path site = tmp_.path() / "site";
  fs::create_directories(site);
  testing::WriteFile(site / "data_0.parquet", "precious");
  for (const std::string node : {"/...series", "/..series", "/d/.x.series"}) {
    SCOPED_TRACE(node);
    Ok({"mkdir", "-p", "/d"});
    Ok({"copy", tmp_ / "a.csv", node, "--format", "series"});
    RunResult r = P({"export", "--pattern", node, "--dir", out_});
    EXPECT_EQ(r.exit_code, 1);
    const std::string name = node == "/d/.x.series" ? ".x" : node.substr(1, node.size() - 8);
    EXPECT_EQ(r.err, "pond: error: output name '" + name +
                         "' would escape the output directory (" + node + ")\n");
    EXPECT_FALSE(fs::exists(out_));
    EXPECT_EQ(ReadFile(site / "data_0.parquet"), "precious");
    std::vector<fs::path> left;
    for (const auto& e : fs::directory_iterator(site)) left.push_back(e.path().filename());
    EXPECT_EQ(left, std::vector<fs::path>{"data_0.parquet"});
  }
}

TEST_F(ExportTest, EmptyOrRootOutputDirectoryIsRefused) {
  MakeSeedSites();
  for (const std::string dir : {"", "/", "//", "/tmp/.."}) {
    SCOPED_TRACE(dir);
    RunResult r = P({"export", "--pattern", "/test-locations/**/res=1d.series", "--dir", dir});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, dir.empty() ? "pond: error: the output directory is empty (--dir)\n"
                                 : "pond: error: refusing to export into the root directory (--dir " +
                                       dir + ")\n");
  }
}

// An export killed with SIGKILL cannot delete its staging folder; the next export into
// the same OUT deletes those of processes that are gone, and only those.
TEST_F(ExportTest, NextExportRemovesStagingFoldersOfKilledExports) {
  MakeSeedSites();
  const std::vector<std::string> args = {"--pond", pond_, "export", "--pattern",
                                         "/test-locations/**/res=1d.series", "--dir", out_,
                                         "--temporal", "year,month"};
  const fs::path site = tmp_.path() / "site";
  int killed_pid = 0;
  {
    testing::Background killed(args);
    killed_pid = killed.pid();
    const fs::path staging = site / (".data.pond-staging-" + std::to_string(killed_pid));
    for (int i = 0; i < 5000 && !fs::exists(staging); ++i) ::usleep(1000);
    killed.Kill();
    // Killed before it staged anything, the run left nothing: leave what it would have.
    fs::create_directories(staging / "BDockDownsampled");
  }
  const fs::path alive = site / ".data.pond-staging-1";  // pid 1 runs
  fs::create_directories(alive);
  const fs::path other = site / ".other.pond-staging-99999999";  // another OUT's
  fs::create_directories(other);
  Ok({"--quiet", "export", "--pattern", "/test-locations/**/res=1d.series", "--dir", out_,
      "--temporal", "year,month"});
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(site)) left.insert(e.path().filename().string());
  EXPECT_EQ(left, (std::set<std::string>{"data", ".data.pond-staging-1",
                                         ".other.pond-staging-99999999"}));
  EXPECT_EQ(Hashes().size(), 39u);
}

TEST_F(ExportTest, NullTimestampsAreExportedWithAWarning) {
  WriteDailyCsv(tmp_ / "a.csv", "2024-07-01", "2024-07-03", false, true);
  Ok({"mkdir", "-p", "/raw"});
  Ok({"copy", tmp_ / "a.csv", "/raw/a.series", "--format", "series"});
  RunResult r = Ok({"--json", "export", "--pattern", "/raw/a.series", "--dir", out_, "--temporal", "year,month"});
  EXPECT_NE(r.err.find("pond: warning: 1 row with NULL timestamp exported (/raw/a.series)"), std::string::npos) << r.err;
  auto leaf = nlohmann::json::parse(r.out)["stages"][0]["export"]["raw"]["a"];
  ASSERT_EQ(leaf["files"].size(), 2u);
  EXPECT_EQ(leaf["files"][1]["file"], "year=NULL/month=NULL/data_0.parquet");
  EXPECT_TRUE(leaf["files"][1]["start_time"].is_null());
  EXPECT_TRUE(fs::exists(fs::path(out_) / "raw/a/year=NULL/month=NULL/data_0.parquet"));
}

}  // namespace
}  // namespace pond
