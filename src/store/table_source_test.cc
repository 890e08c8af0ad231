// Series time-column recognition and conversion, host CSV/Parquet sources, and
// DuckDB errors condensed to one line that names the file and line.
#include "store/table_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/time.h"

namespace pond::store {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class TableSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pond-source-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string File(const std::string& name, const std::string& text) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  TableSource Sql(const std::string& sql, const std::string& unit = "") {
    return {sql, "src", unit};
  }
  // The first row's "timestamp" as µs, after SeriesSelect.
  int64_t FirstTime(const TableSource& s) {
    auto r = con_.Query("SELECT \"timestamp\" FROM (" + SeriesSelect(con_, s) + ")");
    return r.at(0, 0).as_timestamp().micros;
  }
  std::string ErrorOf(const TableSource& s) {
    try {
      SeriesSelect(con_, s);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }

  fs::path dir_;
  engine::Database db_;
  engine::Connection con_{db_};
};

TEST_F(TableSourceTest, RecognisesTimeColumnNamesAndKeepsColumnOrder) {
  for (const char* name : {"timestamp", "Timestamp", "time", "TS", "datetime", "Date Time"}) {
    SCOPED_TRACE(name);
    std::vector<Column> cols;
    std::string sql =
        SeriesSelect(con_,
                     Sql(std::string("SELECT 1 AS a, TIMESTAMP '2024-07-01 00:00:00' AS \"") +
                         name + "\", 2 AS b"),
                     &cols);
    ASSERT_EQ(cols.size(), 3u);
    EXPECT_EQ(cols[1].name, "timestamp");
    auto r = con_.Query(sql);
    EXPECT_EQ(r.column_names(), (std::vector<std::string>{"a", "timestamp", "b"}));
  }
}

TEST_F(TableSourceTest, ConvertsTimeTypesToUtcTimestamp) {
  const int64_t want = *ParseTime("2024-07-01T00:00:00Z");
  EXPECT_EQ(FirstTime(Sql("SELECT TIMESTAMPTZ '2024-07-01 02:00:00+02' AS ts")), want);
  EXPECT_EQ(FirstTime(Sql("SELECT CAST(TIMESTAMP '2024-07-01' AS TIMESTAMP_MS) AS time")), want);
  EXPECT_EQ(FirstTime(Sql("SELECT CAST(TIMESTAMP '2024-07-01' AS TIMESTAMP_NS) AS time")), want);
  EXPECT_EQ(FirstTime(Sql("SELECT CAST(TIMESTAMP '2024-07-01' AS TIMESTAMP_S) AS time")), want);
  EXPECT_EQ(FirstTime(Sql("SELECT 1719792000 AS ts", "s")), want);
  EXPECT_EQ(FirstTime(Sql("SELECT 1719792000000 AS ts", "ms")), want);
  EXPECT_EQ(FirstTime(Sql("SELECT 1719792000.5 AS ts", "s")), want + 500000);
  auto r = con_.Query("DESCRIBE " +
                      SeriesSelect(con_, Sql("SELECT TIMESTAMPTZ '2024-07-01 00:00:00+00' AS ts")));
  EXPECT_EQ(r.at(0, "column_type").as_string(), "TIMESTAMP");
}

TEST_F(TableSourceTest, RejectsWhatIsNotATime) {
  EXPECT_EQ(ErrorOf(Sql("SELECT 1 AS v")),
            "no time column (timestamp, time, ts, datetime or Date Time) (src)");
  EXPECT_EQ(ErrorOf(Sql("SELECT 'x' AS time")),
            "time column 'time' has type VARCHAR, not a timestamp (src)");
  EXPECT_EQ(ErrorOf(Sql("SELECT DATE '2024-01-01' AS time")),
            "time column 'time' has type DATE, not a timestamp (src)");
  EXPECT_THAT(ErrorOf(Sql("SELECT 1719792000 AS ts")), HasSubstr("--timestamp-unit s|ms"));
  EXPECT_THAT(ErrorOf(Sql("SELECT 1 AS ts", "us")), HasSubstr("timestamp unit must be s or ms"));
}

TEST_F(TableSourceTest, HostCsvAndParquet) {
  std::string csv = File("a.csv", "timestamp,v\n2024-07-01 00:00:00,1.5\n");
  TableSource s = HostFileSource(con_, csv);
  EXPECT_EQ(s.label, csv);
  EXPECT_EQ(con_.Query(s.sql).row_count(), 1u);
  std::string pq = (dir_ / "a.parquet").string();
  con_.Execute("COPY (" + s.sql + ") TO '" + pq + "' (FORMAT parquet)");
  EXPECT_EQ(con_.Query(HostFileSource(con_, pq).sql).at(0, "v").as_double(), 1.5);
  try {
    HostFileSource(con_, (dir_ / "nope.csv").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "no such file (" + (dir_ / "nope.csv").string() + ")");
  }
  EXPECT_THROW(HostFileSource(con_, File("a.txt", "x")), Error);
}

TEST_F(TableSourceTest, MalformedCsvRowIsNamedByFileAndLine) {
  // Too many fields: DuckDB's sniffer gives up; the strict re-read names the line.
  std::string rows = "timestamp,v\n";
  for (int i = 0; i < 60; ++i)
    rows += "2024-07-01 00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00," +
            std::to_string(i) + (i == 40 ? ",9" : "") + "\n";
  std::string wide = File("wide.csv", rows);
  try {
    HostFileSource(con_, wide);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "malformed CSV row: Expected Number of Columns: 2 Found: 3 (" + wide + ":42)");
  }
  // A value that does not fit the sniffed type surfaces when the rows are read.
  rows = "timestamp,v\n";
  for (int i = 0; i < 30000; ++i)
    rows += "2024-07-01 00:00:00," + (i == 25000 ? std::string("abc") : std::to_string(i)) + "\n";
  std::string typed = File("typed.csv", rows);
  TableSource s = HostFileSource(con_, typed);
  try {
    con_.Query("SELECT max(v) FROM (" + s.sql + ")");
    FAIL();
  } catch (const Error& e) {
    Error one = SourceError(e, typed);
    EXPECT_EQ(one.where(), typed + ":25002");
    EXPECT_THAT(one.message(), HasSubstr("malformed CSV row: Error when converting column \"v\""));
    EXPECT_EQ(std::string(one.what()).find('\n'), std::string::npos);
  }
}

TEST_F(TableSourceTest, SourceErrorKeepsTheFirstLine) {
  Error e = SourceError(Error("Binder Error: no such column\n\nLINE 1: ..."), "x.csv");
  EXPECT_EQ(std::string(e.what()), "Binder Error: no such column (x.csv)");
}

TEST_F(TableSourceTest, AppendSchemaRules) {
  std::vector<Column> old{{"timestamp", "TIMESTAMP"}, {"v", "DOUBLE"}, {"s", "VARCHAR"}};
  EXPECT_NO_THROW(
      CheckAppendSchema(old, {{"timestamp", "TIMESTAMP"}, {"v", "BIGINT"}}, "/a", "b.csv"));
  EXPECT_NO_THROW(
      CheckAppendSchema(old, {{"timestamp", "TIMESTAMP"}, {"new", "VARCHAR"}}, "/a", "b.csv"));
  try {
    CheckAppendSchema(old, {{"S", "DOUBLE"}}, "/a", "b.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "column 'S' is DOUBLE here but VARCHAR in /a (b.csv)");
  }
}

}  // namespace
}  // namespace pond::store
