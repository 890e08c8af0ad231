// The water-shaped pond (tests/support/water_pond.h) through the `pond` binary, run
// "hourly" three times as the deployment's run.sh does: the collector writes one
// more hour of OTLP lines (and once rotates its log at midnight), `pond run
// /etc/ingest` mirrors the logs, then the new hour's buckets of every reduction and
// resolution, the analyses and the export's files are checked against DuckDB's own
// reading of the host logs (read_json, unnest, a GROUP BY per bucket), with the
// analyses' queries run over those reference reductions.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "base/time.h"
#include "engine/duckdb.h"
#include "support/pond_fixture.h"
#include "support/water_pond.h"

namespace pond {
namespace {

namespace fs = std::filesystem;
namespace water = testing::water;
using testing::RunResult;

constexpr int64_t kStart = 1735689600'000000;  // 2025-01-01T00:00:00Z
constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kDay = 1440;      // lines
constexpr int64_t kHistory = 2730;  // lines before the first hourly run: to 2025-01-02 21:29
constexpr int64_t kHour = 60;

std::string Ident(const std::string& name) { return engine::QuoteIdent(name); }

// DuckDB reading the host logs matching `glob` into the wide table oteljson makes: a
// row per time, a DOUBLE per gauge.
std::string ReferenceWideSql(const std::string& glob) {
  std::string gauges;
  for (const std::string& g : water::Gauges())
    gauges += ", max(point.asDouble) FILTER (WHERE name = " + engine::QuoteLiteral(g) + ") AS " +
              Ident(g);
  return "CREATE OR REPLACE TABLE wide AS "
         "WITH r AS (SELECT unnest(resourceMetrics) AS rm FROM read_json(" +
         engine::QuoteLiteral(glob) +
         ", format = 'newline_delimited')), "
         "s AS (SELECT unnest(rm.scopeMetrics) AS sm FROM r), "
         "m AS (SELECT unnest(sm.metrics) AS metric FROM s), "
         "points AS (SELECT metric.name AS name, unnest(metric.gauge.dataPoints) AS point FROM m) "
         "SELECT make_timestamp((point.timeUnixNano::UBIGINT // 1000)::BIGINT) AS \"timestamp\"" +
         gauges + " FROM points GROUP BY 1";
}

// The reduction of `wide` at one resolution, as temporal-reduce names its columns.
std::string ReferenceReductionSql(const water::Reduction& r, const water::Resolution& res) {
  std::string columns;
  for (const water::Aggregation& a : r.aggregations)
    for (const std::string& c : a.columns)
      columns += c == "*" ? ", count(*) AS \"timestamp.count\""
                          : ", " + a.type + "(" + Ident(c) + ") AS " + Ident(c + "." + a.type);
  return "SELECT time_bucket(INTERVAL '" + res.interval +
         "', \"timestamp\", TIMESTAMP '1970-01-01') AS \"timestamp\"" + columns +
         " FROM wide GROUP BY 1";
}

const water::Resolution& ResolutionNamed(const std::string& name) {
  for (const auto& r : water::Resolutions())
    if (r.name == name) return r;
  throw std::runtime_error("no resolution " + name);
}

const water::Reduction& ReductionNamed(const std::string& name) {
  for (const auto& r : water::Reductions())
    if (r.name == name) return r;
  throw std::runtime_error("no reduction " + name);
}

// Size, mtime and inode: an export keeps a file by leaving all three as they were.
std::string Stat(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return "missing";
  return std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(st.st_ino);
}

class WaterPondTest : public testing::PondFixture {
 protected:
  void SetUp() override {
    fs::create_directories(logs_);
    Write(water::ArchivedLog("2025-01-02"), 0, kDay);
    Write(water::kActiveLog, kDay, kHistory - kDay);
    const std::string apply = Host("water.yaml", water::ApplyYaml(logs_.string()));
    Ok({"init"});
    Ok({"apply", "-f", apply});
  }

  // Appends lines [first, first + count) to the host log `name`.
  void Write(const std::string& name, int64_t first, int64_t count) {
    testing::WriteOtlpFile(logs_ / name, telemetry_, first, count, /*append=*/true);
  }

  // The CSV `pond cat` prints of `path`'s rows from `since` on.
  std::string PondRows(const std::string& path, int64_t since) {
    return Ok({"cat", path, "--format", "csv", "--start", FormatIso(since)});
  }

  // The CSV the same command prints of the reference `relation`'s rows from `since`
  // on (it is DuckDB's COPY in both).
  std::string ReferenceRows(const std::string& relation, int64_t since) {
    const fs::path csv = tmp_.path() / "reference.csv";
    con_.Execute("COPY (SELECT * FROM (" + relation + ") WHERE \"timestamp\" >= TIMESTAMP '" +
                 FormatTimestamp(since) + "' ORDER BY \"timestamp\") TO " +
                 engine::QuoteLiteral(csv.string()) + " (FORMAT csv, HEADER true)");
    return testing::ReadFile(csv);
  }

  // The rows of one exported Parquet file from `since` on, as that CSV.
  std::string ExportedRows(const fs::path& file, int64_t since) {
    return ReferenceRows("SELECT * FROM read_parquet(" + engine::QuoteLiteral(file.string()) +
                             ", hive_partitioning = false)",
                         since);
  }

  // Every reduction at every resolution, and every analysis, from the first bucket
  // that lines [first, first + kHour) fall in; `export_dir` holds the export of them.
  void CheckNewHour(int64_t first, const fs::path& export_dir) {
    con_.Execute(ReferenceWideSql((logs_ / "casparwater*.json").string()));
    const int64_t from = kStart + first * kMinute, last = from + (kHour - 1) * kMinute;
    // The export's day partition of the hour's last line, and where that day starts.
    const std::string day =
        "year=2025/month=1/day=" + std::to_string(std::stoi(FormatDate(last).substr(8)));
    const int64_t day_start = last - last % (kDay * kMinute);
    for (const water::Reduction& r : water::Reductions()) {
      for (const water::Resolution& res : water::Resolutions()) {
        SCOPED_TRACE(water::ReducedPath(r.name, res.name));
        const int64_t since = from - from % res.micros;
        const std::string expected = ReferenceRows(ReferenceReductionSql(r, res), since);
        // A row per bucket the hour touches, and the header.
        const int64_t buckets = (last - last % res.micros - since) / res.micros + 1;
        EXPECT_EQ(std::count(expected.begin(), expected.end(), '\n'), buckets + 1) << expected;
        EXPECT_EQ(PondRows(water::ReducedPath(r.name, res.name), since), expected);
        // The day's file written by the export holds the same rows (those of the day).
        const fs::path file = export_dir / r.name / ("res=" + res.name) / day / "data_0.parquet";
        EXPECT_EQ(ExportedRows(file, std::max(since, day_start)),
                  ReferenceRows(ReferenceReductionSql(r, res), std::max(since, day_start)));
      }
    }
    for (const water::Analysis& a : water::Analyses()) {
      SCOPED_TRACE("/analysis/" + a.name);
      const water::Resolution& res = ResolutionNamed(a.resolution);
      con_.Execute("CREATE OR REPLACE TEMP VIEW " + Ident(a.relation) + " AS " +
                   ReferenceReductionSql(ReductionNamed(a.input), res));
      // From one step earlier: that row's LEAD sees the new hour.
      const int64_t since = from - from % res.micros - res.micros;
      const std::string expected = ReferenceRows(a.query, since);
      EXPECT_GT(std::count(expected.begin(), expected.end(), '\n'), 1) << expected;
      EXPECT_EQ(PondRows("/analysis/" + a.name, since), expected);
      const fs::path file = export_dir / a.name / day / "data_0.parquet";
      EXPECT_EQ(ExportedRows(file, std::max(since, day_start)),
                ReferenceRows(a.query, std::max(since, day_start)));
    }
  }

  // What `pond run /etc/ingest b3sum` prints equals Debian's b3sum of the host logs.
  void CheckB3sum() {
    // In the logs folder, so that b3sum prints bare names as the pond does.
    std::vector<std::string> sh = {"-c", "cd \"$0\" && exec b3sum \"$@\"", logs_.string()};
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(logs_)) names.insert(e.path().filename());
    sh.insert(sh.end(), names.begin(), names.end());
    RunResult b3 = testing::Run("/bin/sh", sh);
    ASSERT_EQ(b3.exit_code, 0) << b3.err;
    EXPECT_EQ(Ok({"run", "/etc/ingest", "b3sum"}), b3.out);
  }

  fs::path logs_ = tmp_.path() / "logs";
  testing::OtlpGauges telemetry_ = water::Telemetry(kStart, kHistory + 3 * kHour);
  engine::Database db_;
  engine::Connection con_{db_};
};

TEST_F(WaterPondTest, HourlyRunsMatchTheHostLogs) {
  RunResult first = P({"run", "/etc/ingest"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE((first.out + first.err).find("Logfile ingestion complete: 2 new"), std::string::npos)
      << first.out << first.err;
  const fs::path out = tmp_.path() / "site/data";
  Ok(water::ExportArgs(out.string(), "year,month,day"));
  // The first day's files, which no later hour touches.
  std::map<fs::path, std::string> day1;
  for (const auto& e : fs::recursive_directory_iterator(out))
    if (e.path().parent_path().filename() == "day=1" &&
        e.path().string().find("/res=") != std::string::npos)
      day1[e.path()] = Stat(e.path());

  for (int hour = 0; hour < 3; ++hour) {
    SCOPED_TRACE("hour " + std::to_string(hour));
    const int64_t first_line = kHistory + hour * kHour;
    std::string expect;
    if (hour < 2) {
      Write(water::kActiveLog, first_line, kHour);
      expect = "Appending to casparwater.json: +";
    } else {
      // Midnight: the collector finishes the day's log, renames it and starts anew.
      const int64_t to_midnight = 2 * kDay - first_line;
      Write(water::kActiveLog, first_line, to_midnight);
      fs::rename(logs_ / water::kActiveLog, logs_ / water::ArchivedLog("2025-01-03"));
      Write(water::kActiveLog, 2 * kDay, kHour - to_midnight);
      expect = "Rotation detected: casparwater.json -> casparwater-2025-01-03.json";
    }
    RunResult run = P({"run", "/etc/ingest"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE((run.out + run.err).find(expect), std::string::npos) << run.out << run.err;
    CheckB3sum();

    Ok(water::ExportArgs(out.string(), "year,month,day"));
    CheckNewHour(first_line, out);
  }
  // The first day's reductions were kept by every refresh.
  for (const auto& [file, stat] : day1) EXPECT_EQ(Stat(file), stat) << file;
}

// An archive a run stored whole is proven as a hash proves it: the next run does not
// read it again while its size, mtime and inode hold (a rewrite that keeps them goes
// unseen), and hashes it, refusing the change, once they do not.
TEST_F(WaterPondTest, ArchivesStoredByARunAreNotReadAgainWhileTheirStatHolds) {
  Ok({"run", "/etc/ingest"});
  const fs::path archive = logs_ / water::ArchivedLog("2025-01-02");
  const auto mtime = fs::last_write_time(archive);
  {
    std::fstream f(archive, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2);
    f.put('X');
  }
  fs::last_write_time(archive, mtime);
  RunResult unread = P({"run", "/etc/ingest"});
  EXPECT_EQ(unread.exit_code, 0) << unread.err;
  EXPECT_NE((unread.out + unread.err).find("no changes"), std::string::npos) << unread.out;

  fs::last_write_time(archive, mtime + std::chrono::seconds(1));
  RunResult rehashed = P({"run", "/etc/ingest"});
  EXPECT_NE(rehashed.exit_code, 0);
  EXPECT_NE(rehashed.err.find("Archived file casparwater-2025-01-02.json CHANGED"),
            std::string::npos)
      << rehashed.err;
}

}  // namespace
}  // namespace pond
