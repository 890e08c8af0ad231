// The SQL builder: quoting, relation shapes, and the shared join run on an
// in-memory DuckDB with awkward column names.
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/time.h"
#include "factories/inputs.h"
#include "factories/sql.h"

namespace pond::factories {
namespace {

std::string Rows(engine::Connection& con, const std::string& relation) {
  engine::Result r = con.Query("SELECT * FROM " + relation);
  std::string out;
  for (size_t c = 0; c < r.column_count(); ++c) out += (c ? "," : "") + r.column_names()[c];
  out += "\n";
  for (size_t i = 0; i < r.row_count(); ++i) {
    for (size_t c = 0; c < r.column_count(); ++c) {
      const engine::Value& v = r.at(i, c);
      out += c ? "," : "";
      if (v.is_timestamp())
        out += FormatTimestamp(v.as_timestamp().micros);
      else if (!v.is_null())
        out += v.ToString();
    }
    out += "\n";
  }
  return out;
}

class SqlTest : public ::testing::Test {
 protected:
  engine::Database db;
  engine::Connection con{db};
};

TEST(Sql, QuotesEverything) {
  EXPECT_EQ(sql::Ident("AT500_Surface.DO.mg/L"), "\"AT500_Surface.DO.mg/L\"");
  EXPECT_EQ(sql::Ident("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(sql::Literal("it's"), "'it''s'");
  EXPECT_EQ(sql::TimestampLiteral(1719792000000000), "TIMESTAMP '2024-07-01 00:00:00'");
}

TEST(Sql, SelectRendersClausesInOrder) {
  sql::Select s;
  s.OrderBy("1").GroupBy("1").Where("x > 1").Where("y IS NOT NULL").From("(SELECT 1)", "in");
  s.Column("count(*)", "n").With("v", "(SELECT 2)");
  EXPECT_EQ(s.Relation(),
            "(WITH \"v\" AS (SELECT * FROM (SELECT 2)) SELECT count(*) AS \"n\" FROM (SELECT 1) AS "
            "\"in\" WHERE (x > 1) AND (y IS NOT NULL) GROUP BY 1 ORDER BY 1)");
  EXPECT_EQ(sql::Select().From("t").Relation(), "(SELECT * FROM t)");
  EXPECT_EQ(sql::UnionAllByName({"(SELECT 1)"}), "(SELECT 1)");
}

TEST(Sql, IsNumeric) {
  for (const char* t : {"DOUBLE", "BIGINT", "DECIMAL(18,3)", "FLOAT", "UTINYINT", "HUGEINT"})
    EXPECT_TRUE(sql::IsNumeric(t)) << t;
  for (const char* t : {"VARCHAR", "TIMESTAMP", "BOOLEAN", "INTERVAL", "DOUBLE[]"})
    EXPECT_FALSE(sql::IsNumeric(t)) << t;
}

TEST_F(SqlTest, DescribeAndTimeExpr) {
  const std::string rel =
      "(SELECT TIMESTAMPTZ '2024-07-01 02:00:00+02' AS \"t z\", 1.5 AS \"a.b/c\", 'x' AS s)";
  auto cols = sql::Describe(con, rel);
  ASSERT_EQ(cols.size(), 3u);
  EXPECT_EQ(cols[1].name, "a.b/c");
  EXPECT_EQ(sql::TimeExpr(cols, "t z", "/x"), "CAST(\"t z\" AS TIMESTAMP)");
  EXPECT_EQ(
      Rows(
          con,
          sql::Select().Column(sql::TimeExpr(cols, "t z", "/x"), "timestamp").From(rel).Relation()),
      "timestamp\n2024-07-01 00:00:00\n");
  try {
    sql::TimeExpr(cols, "s", "/x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "time column 's' is VARCHAR, not a timestamp (/x)");
  }
  try {
    sql::TimeExpr(cols, "timestamp", "/x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "no time column 'timestamp' (/x)");
  }
}

// A range condition keeps exactly [begin, end): the microsecond before the end is in,
// the end is out, and bounds DuckDB cannot spell as plain text (year 0, year 10000)
// still parse.
TEST_F(SqlTest, InRangeIsHalfOpenAtEveryBound) {
  EXPECT_EQ(sql::InRange("t", {}), "");
  EXPECT_EQ(sql::WhereInRange("t", {}), "");
  EXPECT_EQ(sql::InRange("t", {std::nullopt, 1719792000000000}),
            "t < TIMESTAMP '2024-07-01 00:00:00'");
  const std::string values =
      "(SELECT make_timestamp(us) AS t FROM (VALUES (-62135596800000001), (-1), (0), "
      "(1719791999999999), (1719792000000000), (253402300800000000)) AS v(us))";
  auto count = [&](const TimeRange& r) {
    return con.Query("SELECT count(*) AS n FROM " + values + sql::WhereInRange("t", r))
        .at(0, "n")
        .as_int();
  };
  EXPECT_EQ(count({-1, 1719792000000000}), 3);
  EXPECT_EQ(count({0, 1719791999999999}), 1);
  EXPECT_EQ(count({-62135596800000001, std::nullopt}), 6);
  EXPECT_EQ(count({std::nullopt, -62135596800000001}), 0);
  EXPECT_EQ(count({1719792000000000, 253402300800000001}), 2);
}

TEST_F(SqlTest, UnionAllByNameFillsMissingColumns) {
  std::string u = sql::UnionAllByName({"(SELECT 1 AS a, 2 AS \"b\"\"q\")", "(SELECT 3 AS a)"});
  EXPECT_EQ(Rows(con, "(SELECT * FROM " + u + " ORDER BY a)"), "a,b\"q\n1,2\n3,\n");
}

// A scope's inputs merged without repeats, also when only one of them is present.
TEST_F(SqlTest, UnionByNameDropsRepeatsWithinOneRelationToo) {
  EXPECT_EQ(Rows(con, "(SELECT * FROM " +
                          sql::UnionByName({"(SELECT * FROM (VALUES (1), (1), (2)) t(a))"}) +
                          " ORDER BY a)"),
            "a\n1\n2\n");
  EXPECT_EQ(
      Rows(con, "(SELECT * FROM " +
                    sql::UnionByName({"(SELECT 1 AS a)", "(SELECT 1 AS a UNION ALL SELECT 3)"}) +
                    " ORDER BY a)"),
      "a\n1\n3\n");
}

TEST_F(SqlTest, FullOuterJoinOnTimeKeepsEveryTime) {
  auto part = [](const std::string& values, const std::string& col) {
    return TimedRelation{"(SELECT CAST(t AS TIMESTAMP) AS \"timestamp\", v AS " + sql::Ident(col) +
                             " FROM (VALUES " + values + ") AS x(t, v))",
                         {col}};
  };
  std::vector<TimedRelation> parts{
      part("('2024-01-01 00:00', 1), ('2024-01-01 01:00', 2)", "A.x/y"),
      part("('2024-01-01 01:00', 20), ('2024-01-01 02:00', 30)", "B.x"),
      part("('2024-01-01 02:00', 300), ('2024-01-01 03:00', 400)", "C.x")};
  EXPECT_EQ(Rows(con, FullOuterJoinOnTime(parts, "/j")),
            "timestamp,A.x/y,B.x,C.x\n"
            "2024-01-01 00:00:00,1,,\n"
            "2024-01-01 01:00:00,2,20,\n"
            "2024-01-01 02:00:00,,30,300\n"
            "2024-01-01 03:00:00,,,400\n");
  parts[2].columns = {"A.x/y"};
  try {
    FullOuterJoinOnTime(parts, "/j");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "duplicate output column 'A.x/y' (/j)");
  }
}

// Verified reads check only the chunks of the columns a query reads: the set must
// never miss one, so anything it cannot be sure of means "all" (nullopt).
TEST_F(SqlTest, ColumnsReadNamesTheReferencedColumnsOrAll) {
  const std::vector<std::string> cols = {"timestamp", "V0", "v1", "v.2"};
  using Set = std::set<std::string>;
  auto read = [&](const std::string& q) { return sql::ColumnsRead(con, q, cols); };
  EXPECT_EQ(read("SELECT avg(v0) FROM series"), Set({"v0"}));
  EXPECT_EQ(read("SELECT avg(\"V1\"), max(\"v.2\") FROM series WHERE timestamp > now()"),
            Set({"timestamp", "v1", "v.2"}));
  EXPECT_EQ(read("SELECT s.v1 FROM series s"), Set({"v1"}));
  EXPECT_EQ(read("SELECT count(*) FROM series"), Set());
  EXPECT_EQ(read("WITH t AS (SELECT v0 FROM series) SELECT sum(v0) FROM t"), Set({"v0"}));
  EXPECT_EQ(read("SELECT * FROM series"), std::nullopt);
  EXPECT_EQ(read("SELECT * EXCLUDE (v1) FROM series"), std::nullopt);
  EXPECT_EQ(read("SELECT COLUMNS('v.*') FROM series"), std::nullopt);
  EXPECT_EQ(read("SELECT #2 FROM series"), std::nullopt);
  // An alias, a whole-row reference, a lambda parameter: names that are no column.
  EXPECT_EQ(read("SELECT avg(v0) AS m FROM series ORDER BY m"), std::nullopt);
  EXPECT_EQ(read("SELECT s FROM series s"), std::nullopt);
  EXPECT_EQ(read("SELECT list_transform([v0], x -> x + 1) FROM series"), std::nullopt);
  EXPECT_EQ(read("SELEC v0"), std::nullopt);
  EXPECT_EQ(read("PRAGMA version"), std::nullopt);
}

}  // namespace
}  // namespace pond::factories
