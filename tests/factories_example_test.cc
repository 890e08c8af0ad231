// The worked example of docs/factories.md, built through the `pond` binary: raw
// HydroVu-like series → dynamic-dir /combined (scoped joins) → temporal-reduce
// /test-locations → template /templates/sites. Downsampled values equal direct SQL
// over the raw CSVs; a new version of a raw series shows downstream at once.
#include "factories_fixture.h"

namespace pond::testing {
namespace {

constexpr const char* kCombined = R"(entries:
  - name: BDock
    factory: timeseries-join
    config: {inputs: [{pattern: /hydrovu/devices/123/BDock.series, scope: AT500_Surface}]}
  - name: Silver
    factory: timeseries-join
    config: {inputs: [{pattern: /hydrovu/devices/456/Silver.series, scope: AT500_Surface}]}
)";

constexpr const char* kReduce = R"(in_pattern: /combined/*
out_pattern: $0Downsampled
time_column: timestamp
resolutions: [1h, 2h, 4h, 12h, 1d]
aggregations:
  - type: avg
    columns: ["*.DO.mg/L", "*.Temperature.C"]
  - type: max
    columns: ["*.Temperature.C"]
)";

class FactoriesExampleTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    Ok({"mkdir", "-p", "/templates"});
    CopySeries("bdock.csv",
               SiteCsv({"2024-07-01 00:00:00", 4 * 96, "2024-07-02 05:00:00", "2024-07-02 09:00:00",
                        0, false}),
               "/hydrovu/devices/123/BDock.series");
    CopySeries("silver.csv", SiteCsv({"2024-07-01 06:00:00", 3 * 96, "", "", 4, false}),
               "/hydrovu/devices/456/Silver.series");
    Mknod("dynamic-dir", "/combined", kCombined);
    Mknod("temporal-reduce", "/test-locations", kReduce);
  }

  // Direct SQL over one raw CSV, bucketing by hand. Aggregated columns keep the
  // table's column order (docs/paths.md, "Column patterns"), not the order of the patterns.
  std::string Expected(const std::string& csv, int64_t hours) {
    const std::string w = std::to_string(hours * 3600 * 1000000);
    return Reference("SELECT make_timestamp((epoch_us(\"timestamp\") // " + w + ") * " + w +
                     R"() AS "timestamp",
       avg("Temperature.C") AS "AT500_Surface.Temperature.C.avg",
       avg("DO.mg/L") AS "AT500_Surface.DO.mg/L.avg",
       max("Temperature.C") AS "AT500_Surface.Temperature.C.max"
FROM )" + Csv(csv) + " GROUP BY 1 ORDER BY 1");
  }
};

TEST_F(FactoriesExampleTest, CombinedAndDownsampledTreeAsInTheSpec) {
  EXPECT_EQ(CatCsv("/combined/BDock", "SELECT * FROM series LIMIT 1"),
            "timestamp,AT500_Surface.Temperature.C,AT500_Surface.DO.mg/L\n2024-07-01 "
            "00:00:00,10.0,8.0\n");
  std::string expected = "/test-locations\n";
  for (const char* site : {"BDock", "Silver"}) {
    expected += std::string("/test-locations/") + site + "Downsampled\n";
    for (const char* res : {"12h", "1d", "1h", "2h", "4h"})
      expected += std::string("/test-locations/") + site + "Downsampled/res=" + res + ".series\n";
  }
  EXPECT_EQ(Ok({"list", "/test-locations/**"}), expected);
  EXPECT_EQ(Ok({"list", "/test-locations/*/res=1d.series"}),
            "/test-locations/BDockDownsampled/res=1d.series\n/test-locations/SilverDownsampled/"
            "res=1d.series\n");
}

TEST_F(FactoriesExampleTest, DownsampledValuesEqualDirectSql) {
  const std::string all = "SELECT * FROM series ORDER BY \"timestamp\"";
  for (const auto& [site, csv] :
       {std::pair{"BDock", "bdock.csv"}, std::pair{"Silver", "silver.csv"}})
    for (const auto& [res, hours] : {std::pair{"1h", 1}, std::pair{"2h", 2}, std::pair{"4h", 4},
                                     std::pair{"12h", 12}, std::pair{"1d", 24}})
      EXPECT_EQ(
          CatCsv(std::string("/test-locations/") + site + "Downsampled/res=" + res + ".series",
                 all),
          Expected(csv, hours))
          << site << " " << res;
}

TEST_F(FactoriesExampleTest, NewRawVersionShowsDownstreamWithoutAnyCommand) {
  const std::string q = "SELECT count(*) AS n, max(\"timestamp\") AS last FROM series";
  const std::string path = "/test-locations/BDockDownsampled/res=1d.series";
  EXPECT_EQ(CatCsv(path, q), "n,last\n4,2024-07-04 00:00:00\n");
  CopySeries("more.csv", SiteCsv({"2024-07-05 00:00:00", 96, "", "", 1, false}),
             "/hydrovu/devices/123/BDock.series");
  EXPECT_EQ(CatCsv(path, q), "n,last\n5,2024-07-05 00:00:00\n");
}

TEST_F(FactoriesExampleTest, TemplateRendersOneFilePerMatch) {
  Ok({"copy",
      Host("site.md.tera",
           "{% include \"header.md\" %}# {{ vars.title }}: {{ args[0] }}\n"
           "{{ export | length }} exported\n"),
      "/templates/site.md.tera"});
  Ok({"copy", Host("header.md", "<!-- {{ args | length }} -->\n"), "/templates/header.md"});
  Mknod("template", "/templates/sites",
        "in_pattern: /test-locations/*\nout_pattern: site=$0\ntemplate_file: "
        "/templates/site.md.tera\n",
        {"-v", "title=Noyo"});
  EXPECT_EQ(Ok({"list", "/templates/sites/*"}),
            "/templates/sites/site=BDockDownsampled\n/templates/sites/site=SilverDownsampled\n");
  EXPECT_EQ(Ok({"cat", "/templates/sites/site=SilverDownsampled"}),
            "<!-- 1 -->\n# Noyo: SilverDownsampled\n0 exported\n");
  // Command-line vars override the ones given at mknod.
  EXPECT_EQ(Ok({"cat", "/templates/sites/site=BDockDownsampled", "-v", "title=Other"}),
            "<!-- 1 -->\n# Other: BDockDownsampled\n0 exported\n");
  // Autoescape follows the template's pond name.
  Ok({"copy", Host("page.html", "<p>{{ args[0] }} & {{ vars.title }}</p>"),
      "/templates/page.html"});
  Mknod(
      "template", "/templates/pages",
      "in_pattern: /test-locations/*\nout_pattern: $0.html\ntemplate_file: /templates/page.html\n",
      {"-v", "title=<b>"});
  EXPECT_EQ(Ok({"cat", "/templates/pages/BDockDownsampled.html"}),
            "<p>BDockDownsampled & &lt;b&gt;</p>");
}

}  // namespace
}  // namespace pond::testing
