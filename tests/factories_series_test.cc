// timeseries-join, column-rename, timeseries-pivot and sql-derived-* through the
// `pond` binary on two generated sites (15-minute readings, gaps, NULLs, column
// names with dots, slashes and spaces): each result equals, row for row, a
// hand-written DuckDB query over the same CSVs.
#include "factories_fixture.h"

namespace pond::testing {
namespace {

class FactoriesSeriesTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    CopySeries("bdock.csv",
               SiteCsv({"2024-02-27 00:00:00", 480, "2024-02-29 03:00:00", "2024-02-29 08:00:00", 0,
                        true}),
               "/hydrovu/devices/123/BDock.series");
    CopySeries("silver.csv",
               SiteCsv({"2024-02-28 12:00:00", 200, "2024-03-01 00:00:00", "2024-03-01 02:00:00", 5,
                        false}),
               "/hydrovu/devices/456/Silver.series");
  }
  const std::string kAll = "SELECT * FROM series ORDER BY \"timestamp\"";
};

TEST_F(FactoriesSeriesTest, JoinScopesFullOuterJoinOnTime) {
  Mknod("timeseries-join", "/joined", R"(
inputs:
  - pattern: /hydrovu/devices/123/BDock.series
    scope: AT500_Surface
  - pattern: /hydrovu/devices/456/Silver.series
    scope: AT500_Bottom
)");
  const std::string got = CatCsv("/joined", kAll);
  EXPECT_EQ(got, Reference(R"(
SELECT COALESCE(a."timestamp", b."timestamp") AS "timestamp",
       a."Temperature.C" AS "AT500_Surface.Temperature.C", a."DO.mg/L" AS "AT500_Surface.DO.mg/L",
       a."Spec Cond.uS/cm" AS "AT500_Surface.Spec Cond.uS/cm",
       b."Temperature.C" AS "AT500_Bottom.Temperature.C", b."DO.mg/L" AS "AT500_Bottom.DO.mg/L"
FROM )" + Csv("bdock.csv") +
                           " AS a FULL OUTER JOIN " + Csv("silver.csv") +
                           R"( AS b ON a."timestamp" = b."timestamp" ORDER BY 1)"));
  // Every reading of both sites, once: the sites overlap, and each has a gap.
  EXPECT_GT(Lines(got), 460u);
  EXPECT_EQ(got.substr(0, got.find('\n')),
            "timestamp,AT500_Surface.Temperature.C,AT500_Surface.DO.mg/L,AT500_Surface.Spec "
            "Cond.uS/cm,AT500_Bottom.Temperature.C,AT500_Bottom.DO.mg/L");
}

TEST_F(FactoriesSeriesTest, JoinSameScopeStacksRangesLikeAReplacedInstrument) {
  Mknod("timeseries-join", "/continued", R"(
inputs:
  - pattern: /hydrovu/devices/123/BDock.series
    scope: S
    range: {end: 2024-02-29T06:00:00Z}
  - pattern: /hydrovu/devices/456/Silver.series
    scope: S
    range: {begin: "2024-02-29 06:00:00", end: 1709251200000}
)");
  EXPECT_EQ(
      CatCsv("/continued", kAll), Reference(R"(
SELECT "timestamp", "Temperature.C" AS "S.Temperature.C", "DO.mg/L" AS "S.DO.mg/L",
       "Spec Cond.uS/cm" AS "S.Spec Cond.uS/cm"
FROM (SELECT * FROM )" + Csv("bdock.csv") + R"( WHERE "timestamp" < TIMESTAMP '2024-02-29 06:00:00'
      UNION ALL BY NAME
      SELECT * FROM )" + Csv("silver.csv") +
                                            R"( WHERE "timestamp" >= TIMESTAMP '2024-02-29 06:00:00'
                                               AND "timestamp" < TIMESTAMP '2024-03-01 00:00:00')
ORDER BY 1)"));
}

TEST_F(FactoriesSeriesTest, JoinLeavesOutAnInputThatMatchesNothingWithAWarning) {
  // A retired instrument, and one not collected yet: the join is built from BDock.
  Mknod("timeseries-join", "/joined", R"(
inputs:
  - pattern: /hydrovu/devices/123/BDock.series
    scope: AT500_Surface
  - pattern: /hydrovu/devices/999/*.series
    scope: Retired
  - pattern: /hydrovu/devices/777/Next.series
    scope: AT500_Surface
)");
  RunResult r = P({"cat", "/joined", "--format", "csv", "--sql", kAll});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err,
            "pond: warning: /joined: input matched nothing, joined without it "
            "(/hydrovu/devices/999/*.series)\n"
            "pond: warning: /joined: input matched nothing, joined without it "
            "(/hydrovu/devices/777/Next.series)\n");
  EXPECT_EQ(r.out, Reference(R"(
SELECT "timestamp", "Temperature.C" AS "AT500_Surface.Temperature.C",
       "DO.mg/L" AS "AT500_Surface.DO.mg/L", "Spec Cond.uS/cm" AS "AT500_Surface.Spec Cond.uS/cm"
FROM )" + Csv("bdock.csv") + " ORDER BY 1"));
  // Once the instrument arrives, it joins without a change to the config.
  CopySeries("next.csv", SiteCsv({"2024-03-10 00:00:00", 4, "", "", 1, false}),
             "/hydrovu/devices/777/Next.series");
  r = P({"cat", "/joined", "--format", "csv", "--sql",
         "SELECT count(*) AS n FROM series WHERE \"timestamp\" >= '2024-03-10'"});
  EXPECT_EQ(r.out, "n\n4\n");
  EXPECT_EQ(Lines(r.err), 1u) << r.err;

  // Only a join where nothing matches at all fails, naming every pattern.
  Mknod("timeseries-join", "/nothing",
        "inputs: [{pattern: /none/a.series}, {pattern: '/none/*.series', scope: b}]\n");
  const std::string log = Ok({"log"}), blobs = Blobs();
  Fails({"cat", "/nothing"},
        "no input matched anything: /none/a.series, /none/*.series (/nothing)");
  EXPECT_EQ(Ok({"log"}), log);
  EXPECT_EQ(Blobs(), blobs);
}

// Rules with the original's `type` (docs/original.md) and without it alike.
TEST_F(FactoriesSeriesTest, ColumnRenameTransformAndUnscopedInputs) {
  Ok({"mkdir", "-p", "/etc/transforms"});
  Mknod("column-rename", "/etc/transforms/at500", R"(
rules:
  - {type: direct, from: "DO.mg/L", to: "Oxygen.mg/L"}
  - {type: pattern, pattern: '^Temperature\.(.*)$', replacement: 'Temp.$1'}
  - {from: "Spec Cond.uS/cm", to: Cond, cast: DOUBLE}
  - {from: "Oxygen.mg/L", to: never}
)");
  Mknod("timeseries-join", "/renamed", R"(
inputs:
  - pattern: /hydrovu/devices/123/BDock.series
    transforms: [/etc/transforms/at500]
  - pattern: /hydrovu/devices/456/Silver.series
    scope: Silver
)");
  EXPECT_EQ(CatCsv("/renamed", kAll), Reference(R"(
SELECT COALESCE(a."timestamp", b."timestamp") AS "timestamp",
       a."Temp.C", a."Oxygen.mg/L", a."Cond",
       b."Temperature.C" AS "Silver.Temperature.C", b."DO.mg/L" AS "Silver.DO.mg/L"
FROM (SELECT "timestamp", "Temperature.C" AS "Temp.C", "DO.mg/L" AS "Oxygen.mg/L",
             CAST("Spec Cond.uS/cm" AS DOUBLE) AS "Cond" FROM )" +
                                                Csv("bdock.csv") + R"() AS a
FULL OUTER JOIN )" + Csv("silver.csv") + R"( AS b ON a."timestamp" = b."timestamp" ORDER BY 1)"));

  // A transform is not readable by itself, and cannot rename the time column.
  Fails({"cat", "/etc/transforms/at500"}, "not a file, table or series (/etc/transforms/at500)");
  Mknod("column-rename", "/etc/transforms/bad", "rules: [{from: timestamp, to: t}]\n");
  Mknod("timeseries-join", "/bad",
        "inputs: [{pattern: /hydrovu/devices/123/BDock.series, transforms: "
        "[/etc/transforms/bad]}]\n");
  Fails({"cat", "/bad"}, "the time column 'timestamp' cannot be renamed (/etc/transforms/bad)");
  // Two unscoped inputs with the same columns clash.
  Mknod("timeseries-join", "/clash",
        "inputs: [{pattern: /hydrovu/devices/123/BDock.series}, "
        "{pattern: /hydrovu/devices/456/Silver.series}]\n");
  Fails({"cat", "/clash"}, "duplicate output column 'Temperature.C' (/clash)");
}

TEST_F(FactoriesSeriesTest, PivotOneColumnPerMatchAndColumn) {
  Mknod("timeseries-pivot", "/pivot", R"(
pattern: /hydrovu/devices/*/*.series
columns: ["Temperature.C", "Spec Cond.uS/cm"]
)");
  const std::string got = CatCsv("/pivot", kAll);
  EXPECT_EQ(got, Reference(R"(
SELECT COALESCE(a."timestamp", b."timestamp") AS "timestamp",
       a."Temperature.C" AS "123.BDock.Temperature.C", a."Spec Cond.uS/cm" AS "123.BDock.Spec Cond.uS/cm",
       b."Temperature.C" AS "456.Silver.Temperature.C", CAST(NULL AS DOUBLE) AS "456.Silver.Spec Cond.uS/cm"
FROM )" + Csv("bdock.csv") +
                           " AS a FULL OUTER JOIN " + Csv("silver.csv") +
                           R"( AS b ON a."timestamp" = b."timestamp" ORDER BY 1)"));
}

TEST_F(FactoriesSeriesTest, PivotAppliesTransformsToEachMatchFirst) {
  Ok({"mkdir", "-p", "/etc"});
  Mknod("column-rename", "/etc/temp", "rules: [{from: Temperature.C, to: Temp}]\n");
  Mknod("timeseries-pivot", "/pivot", R"(
pattern: /hydrovu/devices/*/*.series
transforms: [/etc/temp]
columns: [Temp]
)");
  EXPECT_EQ(
      CatCsv("/pivot", kAll), Reference(R"(
SELECT COALESCE(a."timestamp", b."timestamp") AS "timestamp",
       a."Temperature.C" AS "123.BDock.Temp", b."Temperature.C" AS "456.Silver.Temp"
FROM )" + Csv("bdock.csv") + " AS a FULL OUTER JOIN " +
                                        Csv("silver.csv") +
                                        R"( AS b ON a."timestamp" = b."timestamp" ORDER BY 1)"));
}

TEST_F(FactoriesSeriesTest, SqlDerivedSeriesAndTable) {
  Mknod("sql-derived-series", "/fahrenheit", R"(
patterns:
  all_sites: /hydrovu/devices/*/*.series
  bdock: /hydrovu/devices/123/BDock.series
query: |
  SELECT "timestamp", "Temperature.C" * 9 / 5 + 32 AS "Temperature.F"
  FROM all_sites WHERE "DO.mg/L" IS NOT NULL
  UNION ALL
  SELECT "timestamp", -1 FROM bdock WHERE "timestamp" < TIMESTAMP '2024-02-27 01:00:00';
)");
  EXPECT_EQ(
      CatCsv("/fahrenheit", "SELECT * FROM series ORDER BY 1, 2"),
      Reference(R"(
WITH all_sites AS (SELECT * FROM )" +
                Csv("bdock.csv") + " UNION ALL BY NAME SELECT * FROM " + Csv("silver.csv") + R"()
SELECT "timestamp", "Temperature.C" * 9 / 5 + 32 AS "Temperature.F" FROM all_sites
WHERE "DO.mg/L" IS NOT NULL
UNION ALL
SELECT "timestamp", -1 FROM )" +
                Csv("bdock.csv") + R"( WHERE "timestamp" < TIMESTAMP '2024-02-27 01:00:00'
ORDER BY 1, 2)"));

  Mknod("sql-derived-table", "/counts", R"(
patterns: {all_sites: /hydrovu/devices/*/*.series}
query: SELECT count(*) AS "rows", count("DO.mg/L") AS "DO.mg/L.count" FROM all_sites
)");
  EXPECT_EQ(
      CatCsv("/counts", "SELECT * FROM series"),
      Reference("SELECT count(*) AS \"rows\", count(\"DO.mg/L\") AS \"DO.mg/L.count\" FROM (SELECT "
                "* FROM " +
                Csv("bdock.csv") + " UNION ALL BY NAME SELECT * FROM " + Csv("silver.csv") + ")"));

  // Its inputs exist, so mknod binds the query and refuses it; without them, the read does.
  const std::string no_time =
      Host("no-time.yaml", "patterns: {a: /hydrovu/devices/*/*.series}\nquery: SELECT 1 AS x\n");
  Fails({"mknod", "sql-derived-series", "/no-time", "--config", no_time},
        "query result has no 'timestamp' column (/no-time)");
  Mknod("sql-derived-series", "/no-time-yet", "patterns: {a: /later/*.series}\nquery: SELECT 1 AS x\n");
  CopySeries("later.csv", "timestamp,v\n2024-07-01 00:00:00,1\n", "/later/a.series");
  Fails({"cat", "/no-time-yet"}, "query result has no 'timestamp' column (/no-time-yet)");
}

}  // namespace
}  // namespace pond::testing
