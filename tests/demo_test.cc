// The demo deployment (tools/demo.sh, what `make demo` runs): data/demo/demo.yaml
// applied to a fresh pond on the bundled sample, then `pond run /etc/site build`.
// What the site must hold is computed from the pond's own series, never written down.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/duckdb.h"
#include "support/scenario.h"
#include "support/site_page.h"

namespace pond {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunResult;
using testing::TempDir;

class DemoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    out_ = tmp_->path() / "out";
    pond_ = (tmp_->path() / "pond").string();
    demo_ = Demo();
  }
  static void TearDownTestSuite() { delete tmp_; }
  static RunResult Demo() {
    return testing::Run("bash",
                        {std::string(POND_SOURCE_DIR) + "/tools/demo.sh", testing::PondBinary()},
                        {{"DEMO_OUT", out_.string()}, {"DEMO_POND", pond_}});
  }
  RunResult P(std::vector<std::string> args) {
    args.insert(args.begin(), {"--pond", pond_});
    return testing::Pond(args);
  }
  static fs::path Www() { return out_ / "www"; }
  // The JSON of the page's chart container.
  static nlohmann::json Chart(const std::string& rel) {
    const std::string text = testing::ContainerText(ReadFile(Www() / rel), "pond-viz");
    EXPECT_NE(text, "") << rel;
    return nlohmann::json::parse(text);
  }

  static TempDir* tmp_;
  static fs::path out_;
  static std::string pond_;
  static RunResult demo_;
};
TempDir* DemoTest::tmp_;
fs::path DemoTest::out_;
std::string DemoTest::pond_;
RunResult DemoTest::demo_;

TEST_F(DemoTest, BuildsTheSiteAndSaysWhereToOpenIt) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  EXPECT_THAT(demo_.out, HasSubstr("sitegen: 10 pages, "));
  EXPECT_THAT(demo_.err,
              HasSubstr("demo: the pond is " + pond_ + "; its site is " + Www().string() + "."));
  EXPECT_THAT(demo_.err, HasSubstr("open http://localhost:8000/"));
  for (const char* page : {"index.html", "sites/BDock.html", "sites/Silver.html", "params/DO.html",
                           "params/Salinity.html", "params/Temperature.html", "explore/index.html",
                           "about.html", "blog/2025-03-sonde-swap.html", "feed.xml", "chart.js",
                           "explore.js", "vendor/duckdb/duckdb-eh.wasm"})
    EXPECT_TRUE(fs::exists(Www() / page)) << page;
  // Labels name the sites; slugs keep the capture.
  EXPECT_THAT(ReadFile(Www() / "sites/BDock.html"), HasSubstr("<h1 id=\"b-dock\">B Dock</h1>"));
  EXPECT_THAT(ReadFile(Www() / "feed.xml"),
              HasSubstr("<link>https://example.org/noyo/blog/2025-03-sonde-swap.html</link>"));
}

// Each site page charts exactly its reduced series: every resolution, every row, no
// reading from before the clocks were set, and BDock without a gap at the swap.
TEST_F(DemoTest, EachSitePageChartsItsWholeReducedSeries) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  engine::Database db;
  engine::Connection con(db);
  for (const std::string site : {"BDock", "Silver"}) {
    const nlohmann::json chart = Chart("sites/" + site + ".html");
    EXPECT_EQ(chart["range"], "3M");
    std::map<std::string, int64_t> rows;  // by resolution, from the chart's files
    for (const auto& f : chart["files"]) {
      const std::string url = f["file"];
      ASSERT_TRUE(fs::exists(Www() / url.substr(1))) << url;
      rows[f["captures"][1]] += f["rows"].get<int64_t>();
    }
    for (const std::string res : {"1h", "6h", "1d"}) {
      const std::string csv = (tmp_->path() / (site + res + ".csv")).string();
      RunResult r = P({"cat", "/reduced/" + site + "/res=" + res + ".series", "--format", "csv"});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      testing::WriteFile(csv, r.out);
      engine::Result q =
          con.Query("SELECT count(*) AS n, min(\"timestamp\")::VARCHAR AS lo FROM read_csv(" +
                    engine::QuoteLiteral(csv) + ")");
      EXPECT_EQ(rows[res], q.at(0, "n").as_int()) << site << " " << res;
      EXPECT_GE(q.at(0, "lo").as_string(), "2000") << site << " " << res;
    }
  }
  const std::string glob = (Www() / "data/BDock/res=1h/**/*.parquet").string();
  engine::Result swap =
      con.Query("SELECT count(*) AS n FROM read_parquet(" + engine::QuoteLiteral(glob) +
                ") WHERE \"timestamp\" IN ('2025-03-12 09:00:00'::TIMESTAMP, '2025-03-12 "
                "10:00:00'::TIMESTAMP)");
  EXPECT_EQ(swap.at(0, "n").as_int(), 2);
}

TEST_F(DemoTest, ParameterPagesOverlayEverySite) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  EXPECT_THAT(ReadFile(Www() / "params/DO.html"),
              HasSubstr("<div class=\"pond-viz\" data-renderer=\"overlay\">"));
  const nlohmann::json chart = Chart("params/DO.html");
  ASSERT_FALSE(chart["files"].empty());
  engine::Database db;
  engine::Connection con(db);
  engine::Result q =
      con.Query("DESCRIBE SELECT * FROM read_parquet(" +
                engine::QuoteLiteral(
                    (Www() / chart["files"][0]["file"].get<std::string>().substr(1)).string()) +
                ", hive_partitioning = false)");
  std::vector<std::string> columns;
  for (size_t i = 0; i < q.row_count(); ++i) columns.push_back(q.at(i, "column_name").as_string());
  EXPECT_EQ(columns, (std::vector<std::string>{"timestamp", "BDock.AT500_Surface.DO.mg/L.avg",
                                               "Silver.AT500_Surface.DO.mg/L.avg"}));
}

// The demo run again on its own output: every file kept (same inode), none written.
TEST_F(DemoTest, ARebuildOfUnchangedDataWritesNothing) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  RunResult r = P({"run", "/etc/site", "build", Www().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" (0 written, "));
}

}  // namespace
}  // namespace pond
