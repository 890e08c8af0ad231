// The reach of sql-derived queries: which queries get one, and the promise itself,
// checked on an irregular series (gaps of minutes to days, repeated times, NULLs):
// over any range, the query over its inputs widened by the reach gives the rows the
// whole query gives there.
#include "factories/query_reach.h"

#include <gtest/gtest.h>

#include <random>

#include "factories/sql.h"

namespace pond::factories {
namespace {

constexpr int64_t kMinute = 60'000'000, kHour = 60 * kMinute, kDay = 24 * kHour;

class QueryReachTest : public ::testing::Test {
 protected:
  QueryReachTest() { con.Execute("CREATE TABLE src (\"timestamp\" TIMESTAMP, probe VARCHAR, v DOUBLE)"); }
  std::optional<QueryReach> Reach(const std::string& query) {
    return ReachOf(con, query, {{"well", "(SELECT * FROM src)"}, {"ph", "(SELECT * FROM src)"}});
  }
  engine::Database db;
  engine::Connection con{db};
};

TEST_F(QueryReachTest, RangeFramesAndBucketsHaveAReach) {
  auto r = Reach(
      "SELECT \"timestamp\", avg(v) OVER (ORDER BY \"timestamp\" RANGE BETWEEN INTERVAL 30 "
      "MINUTES PRECEDING AND CURRENT ROW) AS a FROM ph");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->before_us, 30 * kMinute);
  EXPECT_EQ(r->after_us, 0);
  EXPECT_EQ(r->bucket_us, 0);

  r = Reach(
      "SELECT *, max(v) OVER (ORDER BY timestamp RANGE BETWEEN INTERVAL '2 hours' PRECEDING AND "
      "INTERVAL 1 DAY FOLLOWING) AS m, first_value(v) OVER (PARTITION BY probe ORDER BY "
      "timestamp ASC RANGE BETWEEN CURRENT ROW AND INTERVAL 3 HOURS FOLLOWING) AS f FROM well "
      "WHERE v > 0 ORDER BY timestamp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->before_us, 2 * kHour);
  EXPECT_EQ(r->after_us, kDay);

  r = Reach(
      "SELECT time_bucket(INTERVAL '1 hour', \"timestamp\") AS \"timestamp\", "
      "approx_percentile_cont(v, 0.9) AS p90, median(v) AS m FROM well GROUP BY 1 HAVING "
      "count(*) > 2");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bucket_us, kHour);
  EXPECT_EQ(r->before_us, 0);

  r = Reach(
      "SELECT time_bucket(INTERVAL '1 month', timestamp) AS timestamp, probe, sum(v) AS s "
      "FROM well GROUP BY time_bucket(INTERVAL '1 month', timestamp), probe");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bucket_us, 31 * kDay);  // months counted long

  // Row-wise: no reach at all.
  r = Reach("SELECT timestamp, v * 2 + abs(v) AS w FROM well WHERE probe LIKE 'a%'");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->before_us + r->after_us + r->bucket_us, 0);
}

TEST_F(QueryReachTest, QueriesThatMayReadAnyRowHaveNone) {
  for (const char* q : {
           // Row-counted windows and unbounded frames.
           "SELECT timestamp, v - LAG(v) OVER (ORDER BY timestamp) AS d FROM well",
           "SELECT timestamp, LEAD(v) OVER w AS n FROM well WINDOW w AS (ORDER BY timestamp)",
           "SELECT timestamp, avg(v) OVER (ORDER BY timestamp ROWS BETWEEN 3 PRECEDING AND "
           "CURRENT ROW) AS a FROM well",
           "SELECT timestamp, sum(v) OVER (ORDER BY timestamp) AS running FROM well",
           "SELECT timestamp, row_number() OVER (ORDER BY timestamp) AS n FROM well",
           "SELECT timestamp, avg(v) OVER (ORDER BY timestamp DESC RANGE BETWEEN INTERVAL 1 "
           "HOUR PRECEDING AND CURRENT ROW) AS a FROM well",
           "SELECT timestamp, avg(v) OVER (ORDER BY v RANGE BETWEEN 1 PRECEDING AND CURRENT "
           "ROW) AS a FROM well",
           // Totals, subqueries, joins, set operations, limits.
           "SELECT timestamp, v - (SELECT avg(v) FROM well) AS d FROM well",
           "SELECT timestamp, v FROM well WHERE v > (SELECT min(v) FROM ph)",
           "SELECT max(timestamp) AS timestamp, avg(v) AS a FROM well",
           "SELECT timestamp, count(*) OVER () AS n FROM well",
           "SELECT timestamp, count(*) AS n FROM well",
           "SELECT timestamp, v FROM well WHERE nonexistent > 0",
           "SELECT timestamp, avg(v) AS a FROM well GROUP BY ALL",
           "SELECT well.timestamp, ph.v FROM well JOIN ph USING (timestamp)",
           "SELECT timestamp, v FROM well UNION ALL SELECT timestamp, v FROM ph",
           "SELECT timestamp, v FROM well ORDER BY timestamp LIMIT 10",
           "SELECT DISTINCT timestamp, v FROM well",
           "WITH w AS (SELECT * FROM well) SELECT timestamp, v FROM w",
           "SELECT timestamp, v FROM other",
           "SELECT timestamp, v FROM read_parquet('x.parquet')",
           // Grouping that mixes times, or groups of several kinds.
           "SELECT time_bucket(INTERVAL '1 hour', timestamp) AS timestamp, avg(v) AS a FROM well "
           "GROUP BY probe",
           "SELECT time_bucket(INTERVAL '1 hour', timestamp) AS timestamp, avg(v) AS a FROM well "
           "GROUP BY ROLLUP (1)",
           // An output time that is not the input's.
           "SELECT timestamp + INTERVAL 1 HOUR AS timestamp, v FROM well",
           "SELECT date_trunc('day', timestamp) AS timestamp, avg(v) AS a FROM well GROUP BY 1",
           "SELECT v FROM well",
           "SELECT *, timestamp FROM well",
           "SELECT * EXCLUDE (v) FROM well",
           "SELECT timestamp, QUALIFY_ME FROM well QUALIFY row_number() OVER () = 1",
           "SELECT timestamp, v FROM well USING SAMPLE 10%",
           "not sql at all",
           "SELECT 1; SELECT 2",
       })
    EXPECT_FALSE(Reach(q)) << q;
}

// Times over half a year with gaps from a minute to two days, some repeated, some on
// bucket edges, some NULL values and a NULL time; the promise checked on ranges that
// start near rows.
TEST_F(QueryReachTest, RowsInARangeComeFromTheWidenedInputs) {
  std::mt19937_64 rng(7);
  engine::Appender append(con, "src");
  int64_t t = 1'704'067'200'000'000;  // 2024-01-01
  const int64_t start = t;
  for (int i = 0; i < 3000; ++i) {
    const uint64_t gap = rng() % 100;
    t += gap < 90 ? kMinute * static_cast<int64_t>(1 + rng() % 20)
         : gap < 97 ? kHour * static_cast<int64_t>(1 + rng() % 10)
                    : kDay * static_cast<int64_t>(1 + rng() % 2);
    if (rng() % 10 == 0) t += (kHour - t % kHour) % kHour;  // lands on bucket edges too
    const std::string probe = rng() % 2 ? "a" : "b";
    const bool null_value = rng() % 20 == 0;
    // Whole numbers: their sums are exact in any order (a window's sum of other
    // values differs in its last bits with where the computation starts).
    const double v = static_cast<double>(rng() % 1000);
    // Rows of one time are exact repeats: which of them a frame's last_value takes is
    // the sort's choice, and with repeats every choice gives the same value.
    for (uint64_t copies = rng() % 30 == 0 ? 2 : 1; copies > 0; --copies) {
      append.Time(engine::Timestamp{t}).Text(probe);
      if (null_value) append.Null();
      else append.Double(v);
      append.EndRow();
    }
  }
  append.Null().Text("a").Double(2);
  append.EndRow();
  append.Close();
  const int64_t end = t;
  // Ranges start near rows (a random instant falls mostly in the long gaps, where
  // nothing reaches across the edge).
  std::vector<int64_t> times;
  const engine::Result all =
      con.Query("SELECT epoch_us(timestamp) AS t FROM src WHERE timestamp IS NOT NULL");
  for (size_t i = 0; i < all.row_count(); ++i) times.push_back(all.at(i, 0).as_int());

  const std::vector<std::string> queries = {
      "SELECT timestamp, probe, avg(v) OVER (ORDER BY timestamp RANGE BETWEEN INTERVAL 30 "
      "MINUTES PRECEDING AND CURRENT ROW) AS a FROM well",
      "SELECT timestamp, probe, v, count(v) OVER (PARTITION BY probe ORDER BY timestamp RANGE "
      "BETWEEN INTERVAL 3 HOURS PRECEDING AND INTERVAL 1 HOUR FOLLOWING) AS n, "
      "last_value(v IGNORE NULLS) OVER (ORDER BY timestamp RANGE BETWEEN INTERVAL 2 HOURS "
      "FOLLOWING AND INTERVAL 5 HOURS FOLLOWING) AS later FROM well WHERE probe = 'a' OR v > 50",
      "SELECT time_bucket(INTERVAL '6 hours', timestamp) AS timestamp, probe, count(*) AS n, "
      "approx_percentile_cont(v, 0.5) AS p FROM well GROUP BY 1, probe HAVING count(*) > 1",
      "SELECT time_bucket(INTERVAL '1 day', timestamp, INTERVAL '3 hours') AS timestamp, sum(v) "
      "AS s FROM well GROUP BY time_bucket(INTERVAL '1 day', timestamp, INTERVAL '3 hours')",
      "SELECT time_bucket(INTERVAL '1 hour', timestamp) AS timestamp, v, sum(v) OVER (ORDER BY "
      "timestamp RANGE BETWEEN INTERVAL 90 MINUTES PRECEDING AND CURRENT ROW) AS s FROM well",
  };
  auto rows = [&](const std::string& input, const std::string& query, const TimeRange& range) {
    const std::string sql = "WITH well AS (SELECT * FROM " + input + "), ph AS (SELECT * FROM src) "
                            "SELECT * FROM (" + query + ")" +
                            sql::WhereInRange("\"timestamp\"", range) + " ORDER BY ALL";
    engine::Result r = con.Query(sql);
    std::vector<std::string> out;
    for (size_t i = 0; i < r.row_count(); ++i) {
      std::string line;
      for (size_t c = 0; c < r.column_count(); ++c) line += r.at(i, c).ToString() + "|";
      out.push_back(line);
    }
    return out;
  };
  for (const auto& q : queries) {
    int narrow_differs = 0;
    const std::optional<QueryReach> reach = Reach(q);
    ASSERT_TRUE(reach) << q;
    // Every output time lies in the extent the reach gives.
    const TimeExtent out = reach->OutputExtent(TimeExtent{false, start, end, true});
    const engine::Result bounds = con.Query(
        "WITH well AS (SELECT * FROM src) SELECT epoch_us(min(timestamp)) AS lo, "
        "epoch_us(max(timestamp)) AS hi FROM (" + q + ")");
    EXPECT_GE(bounds.at(0, "lo").as_int(), out.min) << q;
    EXPECT_LE(bounds.at(0, "hi").as_int(), out.max) << q;
    for (int k = 0; k < 20; ++k) {
      const int64_t a = times[rng() % times.size()] + static_cast<int64_t>(rng() % 3) * kMinute;
      const TimeRange range{a, a + static_cast<int64_t>(rng() % static_cast<uint64_t>(3 * kDay))};
      const TimeRange in = reach->InputRange(range);
      const std::string widened = "(SELECT * FROM src" + sql::WhereInRange("\"timestamp\"", in) + ")";
      const auto whole = rows("src", q, range);
      const auto got = rows(widened, q, range);
      EXPECT_EQ(got.size(), whole.size());
      for (size_t i = 0; i < got.size() && i < whole.size(); ++i)
        if (got[i] != whole[i]) { ADD_FAILURE() << q << "\n" << got[i] << "\n" << whole[i]; break; }
      const std::string narrow = "(SELECT * FROM src" + sql::WhereInRange("\"timestamp\"", range) + ")";
      if (rows(narrow, q, range) != whole) ++narrow_differs;
    }
    // The widening matters: the inputs over the range alone give other rows.
    EXPECT_GT(narrow_differs, 0) << q;
  }
}

}  // namespace
}  // namespace pond::factories
