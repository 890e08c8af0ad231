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
                               "resolutions: [1h, 1y]\naggregations: [{type: avg}]\n");
  Fails({"mknod", "temporal-reduce", "/bad", "--config", bad},
        "invalid resolution '1y' (expected <n>s, <n>m, <n>h, <n>d or <n>w) (" + bad + ":3)");
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

TEST_F(FactoriesReduceTest, SecondsAndWeeksAreEpochAlignedLikeTheOthers) {
  Mknod("temporal-reduce", "/fine",
        std::string(kConfig).replace(std::string(kConfig).find("[1h, 2h, 12h, 1d]"),
                                     std::string("[1h, 2h, 12h, 1d]").size(), "[30s, 1w, 2w]"));
  const std::pair<const char*, int64_t> cases[] = {
      {"30s", 30 * 1000000}, {"1w", 7 * 24 * kHour}, {"2w", 14 * 24 * kHour}};
  for (const auto& [res, width] : cases)
    EXPECT_EQ(CatCsv(std::string("/fine/SiteDownsampled/res=") + res + ".series", kAll),
              Expected(width))
        << res;
  // The epoch was a Thursday: so is the start of every week.
  EXPECT_EQ(CatCsv("/fine/SiteDownsampled/res=1w.series",
                   "SELECT \"timestamp\", dayname(\"timestamp\") AS d FROM series ORDER BY 1"),
            "timestamp,d\n2024-02-22 00:00:00,Thursday\n2024-02-29 00:00:00,Thursday\n");
}

TEST_F(FactoriesReduceTest, CountOfStarCountsRowsAsTimestampCount) {
  Mknod("temporal-reduce", "/rows", R"(in_pattern: /raw/*.series
out_pattern: $0
resolutions: [1d]
aggregations:
  - type: count
    columns: ["*"]
  - type: count
    columns: ["*", "DO.*"]
  - type: avg
    columns: ["DO.*"]
)");
  // Rows, not values: every 7th DO reading is NULL and still counts as a row.
  EXPECT_EQ(CatCsv("/rows/Site/res=1d.series", kAll), Reference(R"(
SELECT time_bucket(INTERVAL '1 day', "timestamp", TIMESTAMP '1970-01-01') AS "timestamp",
       count(*) AS "timestamp.count", count("DO.mg/L") AS "DO.mg/L.count",
       CAST(avg("DO.mg/L") AS DOUBLE) AS "DO.mg/L.avg"
FROM )" + Csv("site.csv") + R"( GROUP BY 1 ORDER BY 1)"));
  EXPECT_EQ(CatCsv("/rows/Site/res=1d.series",
                   "SELECT max(typeof(\"timestamp.count\")) AS t, sum(\"timestamp.count\") AS n "
                   "FROM series"),
            "t,n\nBIGINT,463\n");  // 483 steps less the 20 of the gap
}

TEST_F(FactoriesReduceTest, TransformsRenameEachInputBeforeReducing) {
  Ok({"mkdir", "-p", "/etc"});
  Mknod(
      "column-rename", "/etc/short",
      "rules: [{pattern: '^Temperature\\.(.*)$', replacement: 'T.$1'}, {from: DO.mg/L, to: DO}]\n");
  Mknod("temporal-reduce", "/renamed", R"(in_pattern: /raw/*.series
out_pattern: $0
transforms: [/etc/short]
resolutions: [1d]
aggregations:
  - type: max
    columns: ["T.*", "DO"]
)");
  EXPECT_EQ(CatCsv("/renamed/Site/res=1d.series", kAll), Reference(R"(
SELECT time_bucket(INTERVAL '1 day', "timestamp", TIMESTAMP '1970-01-01') AS "timestamp",
       CAST(max("Temperature.C") AS DOUBLE) AS "T.C.max", CAST(max("DO.mg/L") AS DOUBLE) AS "DO.max"
FROM )" + Csv("site.csv") + R"( GROUP BY 1 ORDER BY 1)"));
  // A transforms entry that is no transform fails the read, naming it.
  Mknod("temporal-reduce", "/wrong",
        "in_pattern: /raw/*.series\nout_pattern: $0\ntransforms: [/raw/Site.series]\n"
        "resolutions: [1d]\naggregations: [{type: max}]\n");
  Fails({"cat", "/wrong/Site/res=1d.series"}, "not a transform (/raw/Site.series)");
}

TEST_F(FactoriesReduceTest, SeveralInputsOfOneOutputAreReducedTogether) {
  // Rotating files: the newer one has a column the older lacks (NULL before).
  CopySeries("day1.csv", "timestamp,Temperature.C\n2024-03-05 00:00:00,1\n2024-03-05 00:30:00,3\n",
             "/rot/Site-day1.series");
  CopySeries("day2.csv",
             "timestamp,Temperature.C,DO.mg/L\n2024-03-05 00:45:00,5,7\n2024-03-05 01:00:00,7,9\n",
             "/rot/Site-day2.series");
  Mknod("temporal-reduce", "/rotated",
        "in_pattern: /rot/Site-*.series\nout_pattern: Site\nresolutions: [1h]\n"
        "aggregations: [{type: avg}, {type: count, columns: ['*', DO.*]}]\n");
  EXPECT_EQ(Ok({"list", "/rotated/"}), "/rotated/Site\n");
  EXPECT_EQ(CatCsv("/rotated/Site/res=1h.series", kAll),
            "timestamp,Temperature.C.avg,DO.mg/L.avg,timestamp.count,DO.mg/L.count\n"
            "2024-03-05 00:00:00,3.0,7.0,3,1\n2024-03-05 01:00:00,7.0,9.0,1,1\n");

  // An input that types a column differently cannot be merged: the existing node
  // fails its reads naming the clash, and mknod refuses a new one, changing nothing.
  CopySeries("day3.csv", "timestamp,Temperature.C\n2024-03-06 00:00:00,warm\n",
             "/rot/Site-day3.series");
  const std::string clash =
      "out_pattern gives 'Site' for /rot/Site-day1.series and /rot/Site-day3.series, whose "
      "column 'Temperature.C' is BIGINT in one and VARCHAR in the other";
  Fails({"cat", "/rotated/Site/res=1h.series"}, clash + " (/rotated)");
  const std::string log = Ok({"log"}), blobs = Blobs();
  const std::string config = Host("again.yaml",
                                  "in_pattern: /rot/Site-*.series\nout_pattern: Site\n"
                                  "resolutions: [1h]\naggregations: [{type: avg}]\n");
  Fails({"mknod", "temporal-reduce", "/again", "--config", config}, clash + " (/again)");
  // A template cannot merge its matches: two for one name are refused at mknod too.
  const std::string page = Host("page.yaml",
                                "in_pattern: /rot/*\nout_pattern: page.md\n"
                                "template_file: /templates/page.md.tera\n");
  Fails({"mknod", "template", "/pages", "--config", page},
        "out_pattern gives 'page.md' for both /rot/Site-day1.series and /rot/Site-day2.series "
        "(/pages)");
  EXPECT_EQ(Ok({"log"}), log);
  EXPECT_EQ(Blobs(), blobs);
  EXPECT_EQ(Ok({"list", "/"}), "/raw\n/reduced\n/rot\n/rotated\n");
}

}  // namespace
}  // namespace pond::testing
