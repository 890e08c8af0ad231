// temporal-reduce through the `pond` binary: epoch-aligned buckets of exactly the
// stated width over a series that starts off-boundary, crosses February into
// March through the leap day 2024-02-29 and has a gap and NULLs; every output equals
// an independent query (bucket = floor(µs / width) * width) over the same CSV.
#include "factories_fixture.h"

namespace pond::testing {
namespace {

constexpr int64_t kHour = int64_t{3600} * 1000000;

class FactoriesReduceTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    // 23:15 on Feb 26 to 23:45 on Mar 2; no readings 03:00-08:00 on the leap day.
    CopySeries("site.csv",
               SiteCsv({"2024-02-26 23:15:00", 483, "2024-02-29 03:00:00", "2024-02-29 08:00:00", 3,
                        true}),
               "/raw/Site.series");
    Mknod("temporal-reduce", "/reduced", kConfig);
  }

  // The same aggregates written by hand, bucketing by integer division of µs.
  std::string Expected(int64_t width, const std::string& from = "") {
    const std::string w = std::to_string(width);
    return Reference("SELECT make_timestamp((epoch_us(\"timestamp\") // " + w + ") * " + w +
                     R"() AS "timestamp",
       CAST(avg("Temperature.C") AS DOUBLE) AS "Temperature.C.avg",
       CAST(avg("DO.mg/L") AS DOUBLE) AS "DO.mg/L.avg",
       count("Temperature.C") AS "Temperature.C.count",
       count("DO.mg/L") AS "DO.mg/L.count",
       CAST(min("Temperature.C") AS DOUBLE) AS "Temperature.C.min",
       CAST(min("DO.mg/L") AS DOUBLE) AS "DO.mg/L.min",
       CAST(min("Spec Cond.uS/cm") AS DOUBLE) AS "Spec Cond.uS/cm.min",
       CAST(max("Temperature.C") AS DOUBLE) AS "Temperature.C.max",
       CAST(sum("Spec Cond.uS/cm") AS DOUBLE) AS "Spec Cond.uS/cm.sum"
FROM )" + (from.empty() ? Csv("site.csv") : from) +
                     R"( WHERE "timestamp" IS NOT NULL GROUP BY 1 ORDER BY 1)");
  }

  static constexpr const char* kConfig = R"(in_pattern: /raw/*.series
out_pattern: $0Downsampled
resolutions: [1h, 2h, 12h, 1d]
aggregations:
  - type: avg
    columns: ["*.C", "DO.*"]
  - type: count
    columns: ["Temperature.C", "DO.mg/L"]
  - type: min
  - type: max
    columns: ["Temperature.C", "*.nothing"]
  - type: sum
    columns: ["Spec Cond.uS/cm"]
)";
  const std::string kAll = "SELECT * FROM series ORDER BY \"timestamp\"";
};

TEST_F(FactoriesReduceTest, ListsOneDirPerMatchAndOneSeriesPerResolution) {
  EXPECT_EQ(Ok({"list", "/reduced/**"}),
            "/reduced\n/reduced/SiteDownsampled\n/reduced/SiteDownsampled/res=12h.series\n"
            "/reduced/SiteDownsampled/res=1d.series\n/reduced/SiteDownsampled/res=1h.series\n"
            "/reduced/SiteDownsampled/res=2h.series\n");
}

TEST_F(FactoriesReduceTest, EveryResolutionEqualsTheHandWrittenQuery) {
  const std::pair<const char*, int64_t> cases[] = {
      {"1h", kHour}, {"2h", 2 * kHour}, {"12h", 12 * kHour}, {"1d", 24 * kHour}};
  for (const auto& [res, width] : cases)
    EXPECT_EQ(CatCsv(std::string("/reduced/SiteDownsampled/res=") + res + ".series", kAll),
              Expected(width))
        << res;
}

TEST_F(FactoriesReduceTest, BucketBoundariesAndCounts) {
  const std::string q = "SELECT \"timestamp\", \"Temperature.C.count\" AS n FROM series ORDER BY 1";
  // Days start at midnight UTC, whatever time the data starts; the leap day lost 20
  // readings to the gap.
  EXPECT_EQ(CatCsv("/reduced/SiteDownsampled/res=1d.series", q),
            "timestamp,n\n2024-02-26 00:00:00,3\n2024-02-27 00:00:00,96\n2024-02-28 00:00:00,96\n"
            "2024-02-29 00:00:00,76\n2024-03-01 00:00:00,96\n2024-03-02 00:00:00,96\n");
  const std::string twelve = CatCsv("/reduced/SiteDownsampled/res=12h.series", q);
  EXPECT_EQ(twelve.substr(0, twelve.find("2024-02-27 12")),
            "timestamp,n\n2024-02-26 12:00:00,3\n2024-02-27 00:00:00,48\n");
  EXPECT_NE(twelve.find("2024-02-29 00:00:00,28\n2024-02-29 12:00:00,48\n2024-03-01 00:00:00,48\n"),
            std::string::npos);
  EXPECT_EQ(Lines(twelve), 1u + 11u);
  // 2h buckets sit on even hours; the two inside the gap are not emitted.
  const std::string two = CatCsv("/reduced/SiteDownsampled/res=2h.series", q);
  EXPECT_EQ(two.substr(0, two.find("2024-02-27 00")), "timestamp,n\n2024-02-26 22:00:00,3\n");
  EXPECT_NE(two.find("2024-02-29 02:00:00,4\n2024-02-29 08:00:00,8\n"), std::string::npos);
  EXPECT_EQ(Lines(two), 1u + 61u - 2u);
  EXPECT_EQ(Lines(CatCsv("/reduced/SiteDownsampled/res=1h.series", q)), 1u + 121u - 5u);
}

TEST_F(FactoriesReduceTest, TypesAreTimestampBigintAndDouble) {
  EXPECT_EQ(
      CatCsv("/reduced/SiteDownsampled/res=1d.series",
             "SELECT DISTINCT typeof(\"timestamp\") AS t, typeof(\"DO.mg/L.count\") AS c, "
             "typeof(\"Spec Cond.uS/cm.sum\") AS s, typeof(\"DO.mg/L.avg\") AS a FROM series"),
      "t,c,s,a\nTIMESTAMP,BIGINT,DOUBLE,DOUBLE\n");
}

TEST_F(FactoriesReduceTest, NullTimestampsAreExcluded) {
  CopySeries(
      "nulls.csv",
      "timestamp,Temperature.C,DO.mg/L,Spec Cond.uS/cm\n2024-03-05 00:00:00,1,1,1\n,99,99,99\n",
      "/raw/Site.series");
  EXPECT_EQ(
      CatCsv("/raw/Site.series", "SELECT count(*) AS n FROM series WHERE \"timestamp\" IS NULL"),
      "n\n1\n");
  EXPECT_EQ(CatCsv("/reduced/SiteDownsampled/res=1d.series", kAll),
            Expected(24 * kHour, "(SELECT * FROM " + Csv("site.csv") +
                                     " UNION ALL BY NAME SELECT * FROM " + Csv("nulls.csv") + ")"));
}

TEST_F(FactoriesReduceTest, BadResolutionAndOutPatternErrors) {
  const std::string bad = Host("bad.yaml",
                               "in_pattern: /raw/*.series\nout_pattern: $0\n"
                               "resolutions: [1h, 1w]\naggregations: [{type: avg}]\n");
  Fails({"mknod", "temporal-reduce", "/bad", "--config", bad},
        "invalid resolution '1w' (expected <n>m, <n>h or <n>d) (" + bad + ":3)");
  EXPECT_EQ(Ok({"list", "/*"}), "/raw\n/reduced\n");  // nothing was created
  // A capture the in_pattern cannot have is refused at mknod...
  const std::string beyond = Host("beyond.yaml",
                                  "in_pattern: /raw/*.series\nout_pattern: $1\n"
                                  "resolutions: [1h]\naggregations: [{type: avg}]\n");
  Fails({"mknod", "temporal-reduce", "/beyond", "--config", beyond},
        "out_pattern '$1' uses $1 but in_pattern /raw/*.series has 1 capture (" + beyond + ":2)");
  // ...and where `**` makes it depend on the match, the node fails on its own read,
  // named, while a listing warns and goes on with the rest of the pond.
  Mknod("temporal-reduce", "/deep",
        "in_pattern: /raw/**/*.series\nout_pattern: $1\nresolutions: [1h]\naggregations: "
        "[{type: avg}]\n");
  const std::string cause =
      "dynamic node /deep: out_pattern '$1' uses $1 but the match has 1 capture (/raw/Site.series)";
  Fails({"cat", "/deep/x.series"}, cause);
  RunResult all = P({"list", "/**"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.err, "pond: warning: " + cause + "\n");
  EXPECT_NE(all.out.find("/raw/Site.series\n"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("/deep\n"), std::string::npos) << all.out;
}

}  // namespace
}  // namespace pond::testing
