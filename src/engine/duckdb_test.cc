#include "engine/duckdb.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/error.h"
#include "base/time.h"
#include "engine/copy_stats.h"

namespace pond::engine {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("engine-test-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(Quote, IdentifiersAndLiteralsRoundTripOddNames) {
  EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  Database db;
  Connection con(db);
  const std::vector<std::string> names = {"AT500_Surface.DO.mg/L", "it's \"x\"", "with space",
                                          "res=1d", "ü"};
  std::string create = "CREATE TABLE t (";
  for (size_t i = 0; i < names.size(); ++i) create += (i ? ", " : "") + QuoteIdent(names[i]) + " INTEGER";
  con.Execute(create + ")");
  con.Execute("INSERT INTO t VALUES (1, 2, 3, 4, 5)");
  for (size_t i = 0; i < names.size(); ++i) {
    Result r = con.Query("SELECT " + QuoteIdent(names[i]) + " FROM t");
    EXPECT_EQ(r.column_names()[0], names[i]);
    EXPECT_EQ(r.at(0, 0).as_int(), static_cast<int64_t>(i + 1));
  }
  Result lit = con.Query("SELECT " + QuoteLiteral("it's \"x\"") + " AS s");
  EXPECT_EQ(lit.at(0, "s").as_string(), "it's \"x\"");
}

TEST(Connection, SqlErrorCarriesDuckDbMessage) {
  Database db;
  Connection con(db);
  try {
    con.Query("SELECT * FROM no_such_table");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Catalog Error"), std::string::npos) << e.what();
  }
  EXPECT_THROW(con.Prepare("SELEC 1"), Error);
}

TEST(Connection, SessionTimeZoneIsUtc) {
  Database db;
  Connection con(db);
  Result r = con.Query("SELECT current_setting('TimeZone') AS tz");
  EXPECT_EQ(r.at(0, "tz").as_string(), "UTC");
}

// The original's configs use DataFusion's name; it groups as any aggregate, and the
// answer is approx_quantile's. (A macro takes no FILTER or OVER: docs/original.md.)
TEST(Connection, ApproxPercentileContIsApproxQuantile) {
  Database db;
  Connection con(db);
  con.Execute("CREATE TABLE t AS SELECT i % 2 AS g, i::DOUBLE AS v FROM range(1001) r(i)");
  Result r = con.Query(
      "SELECT g, approx_percentile_cont(v, 0.5) AS a, approx_quantile(v, 0.5) AS q, "
      "approx_percentile_cont(CASE WHEN v < 100 THEN v END, 0.9) AS f FROM t GROUP BY g "
      "ORDER BY g");
  ASSERT_EQ(r.row_count(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.at(i, "a").as_double(), r.at(i, "q").as_double());
    EXPECT_NEAR(r.at(i, "a").as_double(), 500, 10);
    EXPECT_NEAR(r.at(i, "f").as_double(), 89, 2);
  }
  Connection second(db);
  EXPECT_NEAR(second.Query("SELECT approx_percentile_cont(v, 0.25) AS p FROM t").at(0, "p").as_double(),
              250, 10);
}

// The setting is the database's: a second connection sees it, and it comes back
// when the scope ends, nested scopes included.
TEST(ScopedThreads, SetsForTheScopeAndRestores) {
  Database db;
  Connection con(db), other(db);
  auto threads = [&](Connection& c) {
    return c.Query("SELECT current_setting('threads') AS t").at(0, "t").as_int();
  };
  con.Execute("SET threads = 3");
  {
    ScopedThreads one(con, 1);
    EXPECT_EQ(one.previous(), 3);
    EXPECT_EQ(threads(other), 1);
    {
      ScopedThreads again(con, 1);
      EXPECT_EQ(again.previous(), 1);
    }
    EXPECT_EQ(threads(con), 1);
  }
  EXPECT_EQ(threads(con), 3);
  EXPECT_EQ(threads(other), 3);
}

TEST(Result, DecodesEveryTypeWeRead) {
  Database db;
  Connection con(db);
  Result r = con.Query(
      "SELECT 42::BIGINT AS i, 1.5::DOUBLE AS d, 'txt' AS s, true AS b, NULL::INTEGER AS n, "
      "TIMESTAMP '2024-07-01 00:00:00' AS ts, [1, 2, NULL] AS l, MAP {'a': 1, 'b': 2} AS m, "
      "{'x': 'y'} AS st, 3::TINYINT AS ti, 1.25::DECIMAL(5,2) AS dec, "
      "sum(x) AS huge, DATE '2024-07-01' AS dt, 'a much longer string than twelve' AS ls "
      "FROM (VALUES (7::BIGINT)) v(x)");
  EXPECT_EQ(r.at(0, "i").as_int(), 42);
  EXPECT_EQ(r.at(0, "d").as_double(), 1.5);
  EXPECT_EQ(r.at(0, "s").as_string(), "txt");
  EXPECT_TRUE(r.at(0, "b").as_bool());
  EXPECT_TRUE(r.at(0, "n").is_null());
  EXPECT_EQ(r.at(0, "ts").as_timestamp().micros, int64_t{1719792000} * 1000000);
  ASSERT_EQ(r.at(0, "l").as_list().size(), 3u);
  EXPECT_EQ(r.at(0, "l").as_list()[1].as_int(), 2);
  EXPECT_TRUE(r.at(0, "l").as_list()[2].is_null());
  EXPECT_EQ(r.at(0, "m").Get("b").as_int(), 2);
  EXPECT_TRUE(r.at(0, "m").Get("zz").is_null());
  EXPECT_EQ(r.at(0, "st").Get("x").as_string(), "y");
  EXPECT_EQ(r.at(0, "ti").as_int(), 3);
  EXPECT_DOUBLE_EQ(r.at(0, "dec").as_double(), 1.25);
  EXPECT_EQ(r.at(0, "huge").as_int(), 7);
  EXPECT_EQ(r.at(0, "dt").as_timestamp().micros, int64_t{1719792000} * 1000000);
  EXPECT_EQ(r.at(0, "ls").as_string(), "a much longer string than twelve");
  EXPECT_EQ(r.column_types()[r.ColumnIndex("ts")], "TIMESTAMP");
  EXPECT_EQ(r.column_types()[r.ColumnIndex("m")], "MAP(VARCHAR, INTEGER)");
  EXPECT_THROW(r.at(0, "s").as_int(), Error);
  EXPECT_THROW(r.ColumnIndex("nope"), Error);
}

TEST(Result, ReadsManyChunks) {
  Database db;
  Connection con(db);
  Result r = con.Query("SELECT range AS i FROM range(10000)");
  ASSERT_EQ(r.row_count(), 10000u);
  EXPECT_EQ(r.at(9999, 0).as_int(), 9999);
}

TEST(PreparedStatement, BindsEveryParameterType) {
  Database db;
  Connection con(db);
  auto st = con.Prepare("SELECT $1::BIGINT AS i, $2::DOUBLE AS d, $3::VARCHAR AS s, $4 AS b, "
                        "$5::TIMESTAMP AS ts, $6::INTEGER AS n");
  st.Bind(1, int64_t{-5}).Bind(2, 2.5).Bind(3, "it's").Bind(4, true).Bind(5, Timestamp{1000000});
  st.Bind(6, std::optional<int64_t>());
  Result r = st.Execute();
  EXPECT_EQ(r.at(0, "i").as_int(), -5);
  EXPECT_EQ(r.at(0, "d").as_double(), 2.5);
  EXPECT_EQ(r.at(0, "s").as_string(), "it's");
  EXPECT_TRUE(r.at(0, "b").as_bool());
  EXPECT_EQ(r.at(0, "ts").as_timestamp().micros, 1000000);
  EXPECT_TRUE(r.at(0, "n").is_null());
}

// The heart of export metadata: RETURN_STATS of a partitioned COPY decodes into
// files whose statistics equal what a re-read of each file finds.
TEST(CopyStats, PartitionedCopyDecodesAndMatchesReRead) {
  TempDir tmp;
  Database db;
  Connection con(db);
  // 15-minute readings from 2024-06-20 for 40 days: spans June, July, August.
  con.Execute(
      "CREATE TABLE s AS SELECT ts AS \"timestamp\", random() AS \"DO.mg/L\" "
      "FROM range(TIMESTAMP '2024-06-20', TIMESTAMP '2024-07-30', INTERVAL 15 MINUTE) t(ts)");
  std::string out = (tmp.path() / "site").string();
  Result stats = con.Query(
      "COPY (SELECT *, year(\"timestamp\") AS year, month(\"timestamp\") AS month FROM s "
      "ORDER BY \"timestamp\") TO " + QuoteLiteral(out) +
      " (FORMAT parquet, PARTITION_BY (year, month), FILENAME_PATTERN 'data_{i}', "
      "RETURN_STATS true)");
  std::vector<WrittenFile> files = DecodeCopyStats(stats);
  ASSERT_EQ(files.size(), 2u);
  int64_t total = 0;
  for (const auto& f : files) {
    SCOPED_TRACE(f.path);
    ASSERT_TRUE(fs::exists(f.path));
    EXPECT_EQ(static_cast<int64_t>(fs::file_size(f.path)), f.bytes);
    EXPECT_EQ(f.partition_keys.at("year"), "2024");
    Result back = con.Query("SELECT count(*) AS n, min(\"timestamp\") AS lo, max(\"timestamp\") AS hi "
                            "FROM read_parquet(" + QuoteLiteral(f.path) + ")");
    EXPECT_EQ(back.at(0, "n").as_int(), f.rows);
    ASSERT_TRUE(f.min_ts && f.max_ts);
    EXPECT_EQ(back.at(0, "lo").as_timestamp().micros, *f.min_ts);
    EXPECT_EQ(back.at(0, "hi").as_timestamp().micros, *f.max_ts);
    total += f.rows;
  }
  EXPECT_EQ(total, 40 * 96);
  auto june = files[0].partition_keys.at("month") == "6" ? files[0] : files[1];
  EXPECT_EQ(june.partition_keys.at("month"), "6");
  EXPECT_EQ(*june.min_ts, *ParseTime("2024-06-20"));
  EXPECT_EQ(*june.max_ts, *ParseTime("2024-06-30T23:45:00Z"));
  EXPECT_NE(june.path.find("year=2024/month=6/data_0.parquet"), std::string::npos) << june.path;
}

TEST(Appender, AppendsRowsWithNulls) {
  Database db;
  Connection con(db);
  con.Execute("CREATE TEMP TABLE r (\"timestamp\" TIMESTAMP, \"DO.mg/L\" DOUBLE, note VARCHAR, n BIGINT)");
  {
    Appender app(con, "r");
    app.Time(Timestamp{1000000}).Double(8.5).Text("it's").Int(3).EndRow();
    app.Time(Timestamp{2000000}).Null().Null().Null().EndRow();
    app.Close();
  }
  Result r = con.Query("SELECT * FROM r ORDER BY \"timestamp\"");
  ASSERT_EQ(r.row_count(), 2u);
  EXPECT_EQ(r.at(0, "DO.mg/L").as_double(), 8.5);
  EXPECT_EQ(r.at(0, "note").as_string(), "it's");
  EXPECT_TRUE(r.at(1, "DO.mg/L").is_null());
  EXPECT_EQ(r.at(1, "timestamp").as_timestamp().micros, 2000000);
  EXPECT_THROW(Appender(con, "no_such_table"), Error);
}

TEST(CopyStats, NullTimestampsAndTheirPartition) {
  TempDir tmp;
  Database db;
  Connection con(db);
  Result stats = con.Query(
      "COPY (SELECT * , year(\"timestamp\") AS year FROM (VALUES (TIMESTAMP '2024-07-01', 1), "
      "(NULL, 2), (NULL, 3)) v(\"timestamp\", x)) TO " + QuoteLiteral((tmp.path() / "o").string()) +
      " (FORMAT parquet, PARTITION_BY (year), RETURN_STATS true)");
  auto files = DecodeCopyStats(stats);
  ASSERT_EQ(files.size(), 2u);
  for (const auto& f : files) {
    if (f.partition_keys.at("year") == "NULL") {
      EXPECT_EQ(f.ts_null_count, 2);
      EXPECT_FALSE(f.min_ts.has_value());
      EXPECT_EQ(f.rows, 2);
    } else {
      EXPECT_EQ(f.ts_null_count, 0);
      EXPECT_EQ(f.partition_keys.at("year"), "2024");
    }
  }
}

}  // namespace
}  // namespace pond::engine
