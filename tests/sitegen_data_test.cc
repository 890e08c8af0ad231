// sitegen's export stages, template routes and charts through the binary
// (docs/sitegen.md, "Exports", "Charts and the explorer"): each stage's series become
// Hive-partitioned Parquet in OUTDIR/data, partitioned for their resolution; a template
// route makes a page per first capture whose chart lists exactly its files with their
// metadata (checked against the Parquet itself); a rebuild after one more hour rewrites
// only the partitions and pages that changed; --quick reuses the last export; a build
// killed at any write point leaves the previous site whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>

#include "engine/duckdb.h"
#include "support/export_pond.h"
#include "support/scenario.h"
#include "support/site_page.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class SitegenData : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok({"init"});
    Ok({"mkdir", "/raw"});
    // a: January to early April 2024 every 15 minutes; b: ten days of February.
    Append("a", "2024-01-01 00:00:00", 4 * 24 * 100, 1.0);
    Append("b", "2024-02-01 00:00:00", 4 * 24 * 10, 2.0);
    MakeReducedPages([this](const std::vector<std::string>& a) { return Ok(a); }, tmp_,
                     "[{type: avg}, {type: min}, {type: max}]");
    Ok({"mkdir", "/site"});
    Ok({"mkdir", "/etc"});
    Page("/site/index.md", "# Sites\n\n[a](/sites/a.html)\n");
    Page("/site/site.md",
         "---\ntitle: \"{{ $0 }} readings\"\nlayout: data\n---\n# {{ $0 }}\n\n{{ breadcrumb /}}\n\n"
         "{{ chart range=\"1M\" /}}\n");
    Page("/site/explore.md", "# Explore\n\n{{ explore /}}\n");
    Config(
        "site: {title: Test sites, base_url: /w/}\n"
        "exports:\n"
        "  - {name: sites, pattern: \"/reduced/*/res=*.series\"}\n"
        "routes:\n"
        "  - name: home\n    type: static\n    slug: \"\"\n    page: /site/index.md\n"
        "    routes:\n"
        "      - {name: sites, type: template, slug: \"sites/$0\", page: /site/site.md, export: "
        "sites}\n"
        "      - {name: explore, type: static, slug: explore, page: /site/explore.md}\n"
        "labels: {a: Site A}\n"
        "metric_captions: {v.x: the v}\n"
        "footer: \"built ${DATE}\"\n"
        "explore:\n  datasets: [{export: sites, table: sites, label: Every site}]\n");
    // A web bundle of the shape pond ships (site/web_assets.h).
    WriteFile(web_ / "importmap.json",
              "{\"imports\": {\"apache-arrow\": \"/vendor/apache-arrow.mjs\"}}");
    WriteFile(web_ / "chart.js", "// chart\n");
    WriteFile(web_ / "explore.js", "// explore\n");
    WriteFile(web_ / "vendor/duckdb/duckdb-eh.wasm", std::string("\0asm", 4));
  }

  RunResult P(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--pond", dir_});
    env.emplace("POND_WEB_DIR", web_.string());
    env["POND_CACHE"] = "off";  // the build's own write points (the faults test)
    return Pond(args, env);
  }
  std::string Ok(const std::vector<std::string>& args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  void Append(const std::string& name, const std::string& from, int rows, double base) {
    AppendReadings([this](const std::vector<std::string>& a) { return Ok(a); }, tmp_, name, from,
                   rows, [base](int i) { return base + (i % 8) * 0.25; });
  }
  void Page(const std::string& path, const std::string& text) {
    WriteFile(tmp_.path() / "page.md", text);
    Ok({"copy", tmp_ / "page.md", path});
  }
  void Config(const std::string& yaml) {
    WriteFile(tmp_.path() / "site.yaml", yaml);
    Ok({"mknod", "sitegen", "/etc/site", "--config", tmp_ / "site.yaml"});
  }
  RunResult Build(std::vector<std::string> extra = {},
                  std::map<std::string, std::string> env = {}) {
    std::vector<std::string> args = {"run", "/etc/site", "build", out_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return P(args, env);
  }
  // Every file of the site: its bytes and inode.
  std::map<std::string, std::pair<std::string, ino_t>> Site() const {
    return FilesWithInodes(out_);
  }
  // The JSON of the page's first container of `kind` ("pond-viz", "pond-explore").
  nlohmann::json Container(const std::string& rel, const std::string& kind) const {
    const std::string text = ContainerText(ReadFile(out_ / rel), kind);
    EXPECT_NE(text, "") << rel;
    return nlohmann::json::parse(text);
  }

  TempDir tmp_;
  std::string dir_ = tmp_ / "pond";
  fs::path out_ = tmp_.path() / "www";
  fs::path web_ = tmp_.path() / "web";
};

TEST_F(SitegenData, EachStageIsPartitionedForItsResolutionAndChartsListTheirFiles) {
  RunResult r = Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 1h × 1,500 points is 62 days: quarters; 1d: years.
  std::vector<std::string> data;
  for (const auto& [rel, file] : Site())
    if (rel.starts_with("data/")) data.push_back(rel);
  EXPECT_EQ(data, (std::vector<std::string>{
                      "data/a/res=1d/year=2024/data_0.parquet",
                      "data/a/res=1h/year=2024/quarter=1/data_0.parquet",
                      "data/a/res=1h/year=2024/quarter=2/data_0.parquet",
                      "data/b/res=1d/year=2024/data_0.parquet",
                      "data/b/res=1h/year=2024/quarter=1/data_0.parquet",
                  }));
  // One page per first capture, titled through `labels`; the slug keeps the capture.
  const std::string a = ReadFile(out_ / "sites/a.html");
  EXPECT_THAT(a, HasSubstr("<title>Site A readings · Test sites</title>"));
  EXPECT_THAT(a, HasSubstr("<h1 id=\"site-a\">Site A</h1>"));
  EXPECT_THAT(a, HasSubstr("<a href=\"/w/sites/a.html\" class=\"current\" "
                           "aria-current=\"page\">Site A readings</a>"));
  EXPECT_THAT(ReadFile(out_ / "sites/b.html"), HasSubstr("<h1 id=\"b\">b</h1>"));
  // The modules that draw, with the import map, under base_url.
  EXPECT_THAT(a, HasSubstr("<script type=\"importmap\">{\"imports\":{\"apache-arrow\":"
                           "\"/w/vendor/apache-arrow.mjs\"}}</script>"));
  EXPECT_THAT(a, HasSubstr("<script type=\"module\" src=\"/w/chart.js\"></script>"));
  EXPECT_EQ(ReadFile(out_ / "vendor/duckdb/duckdb-eh.wasm"), std::string("\0asm", 4));
  EXPECT_EQ(ReadFile(out_ / "chart.js"), "// chart\n");

  // The chart lists a's files, each as the Parquet holds it.
  const nlohmann::json chart = Container("sites/a.html", "pond-viz");
  EXPECT_EQ(chart["range"], "1M");
  EXPECT_EQ(chart["title"], "Site A readings");
  EXPECT_EQ(chart["captions"]["v.x"], "the v");
  ASSERT_EQ(chart["files"].size(), 3u);
  engine::Database db;
  engine::Connection con(db);
  for (const auto& f : chart["files"]) {
    const std::string url = f["file"];
    ASSERT_TRUE(url.starts_with("/w/data/a/")) << url;
    const fs::path file = out_ / url.substr(3);
    ASSERT_TRUE(fs::exists(file)) << url;
    engine::Result q = con.Query(
        "SELECT count(*) AS n, epoch_ms(min(\"timestamp\")) AS lo, epoch_ms(max(\"timestamp\")) AS "
        "hi "
        "FROM read_parquet(" +
        engine::QuoteLiteral(file.string()) + ")");
    EXPECT_EQ(f["rows"], q.at(0, "n").as_int()) << url;
    EXPECT_EQ(f["start_time"], q.at(0, "lo").as_int()) << url;
    EXPECT_EQ(f["end_time"], q.at(0, "hi").as_int()) << url;
    EXPECT_EQ(f["path"], "/reduced/a/res=" + f["captures"][1].get<std::string>() + ".series");
    EXPECT_EQ(f["resolution_us"], f["captures"][1] == "1h" ? 3600000000LL : 86400000000LL);
    EXPECT_EQ(f["temporal"]["year"], "2024");
  }
  // The explorer: every file of its dataset's stage.
  const nlohmann::json explore = Container("explore/index.html", "pond-explore");
  EXPECT_EQ(explore["table"], "sites");
  EXPECT_EQ(explore["datasets"][0]["files"].size(), data.size());
  EXPECT_THAT(ReadFile(out_ / "explore/index.html"),
              HasSubstr("<script type=\"module\" src=\"/w/explore.js\"></script>"));
  // The footer's ${DATE}: the build's UTC day.
  const std::regex footer("<footer class=\"site-footer\">built (\\d{4}-\\d{2}-\\d{2})</footer>");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(a, m, footer)) << a;
  const time_t now = time(nullptr);
  char today[16];
  strftime(today, sizeof today, "%Y-%m-%d", gmtime(&now));
  EXPECT_LE(m[1].str(), std::string(today));
  EXPECT_GE(m[1].str(), "2026-01-01");
  // A page without charts loads no module.
  EXPECT_THAT(ReadFile(out_ / "index.html"), ::testing::Not(HasSubstr("<script")));
}

TEST_F(SitegenData, ARebuildAfterOneMoreHourRewritesOnlyWhatChanged) {
  ASSERT_EQ(Build().exit_code, 0);
  const auto before = Site();
  RunResult r = Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" written, "));
  EXPECT_EQ(Site(), before);
  // One more hour of b: its hourly quarter, its year of days and its page.
  Append("b", "2024-02-11 00:00:00", 4, 5.0);
  r = Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(3 written, "));
  const auto after = Site();
  const std::set<std::string> changed = {"data/b/res=1h/year=2024/quarter=1/data_0.parquet",
                                         "data/b/res=1d/year=2024/data_0.parquet", "sites/b.html"};
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [rel, file] : after) {
    if (changed.contains(rel))
      EXPECT_NE(file, before.at(rel)) << rel;
    else
      EXPECT_EQ(file, before.at(rel)) << rel;  // same bytes, same inode
  }
  // --quick exports nothing: the pages and data stay the last export's.
  Append("b", "2024-02-11 01:00:00", 4, 6.0);
  r = Build({"--quick"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Site(), after);
  EXPECT_THAT(r.out, HasSubstr("(0 written, "));
  r = Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(3 written, "));
}

TEST_F(SitegenData, PagesThatCannotDrawFailTheBuildAndLeaveTheSite) {
  ASSERT_EQ(Build().exit_code, 0);
  const auto before = Site();
  // A chart on a page whose route names no export.
  Page("/site/index.md", "# Sites\n\n{{ chart /}}\n");
  RunResult r = Build();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "pond: error: this page has no exported files to draw (its route names no export) "
            "(/site/index.md:3:1)\n");
  EXPECT_EQ(Site(), before);
  Page("/site/index.md", "# Sites\n");
  // No web bundle where pond looks (it needs one: pages draw).
  r = Build({}, {{"POND_WEB_DIR", (tmp_.path() / "none").string()}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr("the site's charts need pond's web bundle, which is missing (looked in " +
                        (tmp_.path() / "none").string()));
  EXPECT_EQ(Site(), before);
}

// Text from labels, titles and paths cannot end a container's <script> early.
TEST_F(SitegenData, ContainersEscapeTheirText) {
  WriteFile(tmp_.path() / "site2.yaml",
            "site: {title: T}\n"
            "exports: [{name: sites, pattern: \"/reduced/*/res=*.series\"}]\n"
            "routes: [{name: sites, type: template, slug: \"s/$0\", page: /site/site.md, export: "
            "sites}]\n"
            "labels: {a: \"A </script><!--<script> & co\"}\n");
  Ok({"mknod", "sitegen", "/etc/site2", "--config", tmp_ / "site2.yaml"});
  Append("c d#", "2024-02-01 00:00:00", 8, 3.0);  // a name that URLs must encode
  const fs::path out = tmp_.path() / "www2";
  RunResult r = P({"run", "/etc/site2", "build", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(out / "s/c d#.html"));
  const std::string cd = ReadFile(out / "s/c d#.html");
  EXPECT_THAT(cd, HasSubstr("href=\"/s/c%20d%23.html\""));
  EXPECT_THAT(cd, HasSubstr("\"file\":\"/data/c%20d%23/res=1d/year=2024/data_0.parquet\""));
  EXPECT_TRUE(fs::exists(out / "data/c d#/res=1d/year=2024/data_0.parquet"));
  const std::string html = ReadFile(out / "s/a.html");
  const std::string text = ContainerText(html, "pond-viz");
  ASSERT_NE(text, "") << html;
  EXPECT_EQ(text.find('<'), std::string::npos) << text;
  EXPECT_EQ(nlohmann::json::parse(text)["title"], "A </script><!--<script> & co readings");
}

// A stage is for tables and series; --quick never serves another node's files.
TEST_F(SitegenData, StageMistakesAreErrorsAndQuickNeverServesAnotherNode) {
  auto config = [&](const std::string& pattern) {
    WriteFile(tmp_.path() / "site2.yaml",
              "site: {title: T}\nexports: [{name: s, pattern: \"" + pattern +
                  "\"}]\nroutes: [{name: s, type: template, slug: \"s/$0\", page: /site/site.md, "
                  "export: s}]\n");
    RunResult r = P({"mknod", "sitegen", "/etc/site2", "--config", tmp_ / "site2.yaml"});
    if (r.exit_code != 0)
      Ok({"mknod", "sitegen", "/etc/site2", "--config", tmp_ / "site2.yaml", "--overwrite"});
  };
  const fs::path out = tmp_.path() / "www2";
  const std::vector<std::string> build = {"run", "/etc/site2", "build", out.string()};
  config("/site/*.md");
  RunResult r = P(build);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("an export stage takes series and tables; this is a data file (use "
                               "static[]) (/site/explore.md)"));
  EXPECT_FALSE(fs::exists(out));
  // /raw/a.series and /reduced/a/res=1h.series… both go to data/a…: built from /raw,
  // a --quick build over /reduced must not take /raw's files for its own.
  config("/raw/*.series");
  r = P(build);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "data/a/year=2024/data_0.parquet"));
  EXPECT_TRUE(fs::exists(out / "s/a.html"));
  Ok({"mkdir", "/copy"});
  WriteFile(tmp_.path() / "in.csv", "timestamp,v\n2030-01-01 00:00:00,9\n");
  Ok({"copy", tmp_ / "in.csv", "/copy/a.series", "--format", "series"});
  config("/copy/*.series");
  r = P({"run", "/etc/site2", "build", out.string(), "--quick"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--quick: /copy/a.series was never exported"));
  EXPECT_FALSE(fs::exists(out / "s/a.html"));
  // Built in full, it is /copy's: one row of 2030.
  r = P(build);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "data/a/year=2030/data_0.parquet"));
  EXPECT_FALSE(fs::exists(out / "data/a/year=2024/data_0.parquet"));
}

// A rebuild after one more hour, killed at each write point of the Disk seam, leaves
// OUTDIR the old site or the new one, and the next build makes the new one.
TEST_F(SitegenData, ARebuildKilledAtAnyWritePointLeavesTheSiteWhole) {
  ASSERT_EQ(Build().exit_code, 0);
  Append("a", "2024-04-11 00:00:00", 4, 5.0);
  ASSERT_EQ(Build().exit_code, 0);  // so that both the site and its data have a spare
  // What a build starts from: the site, its data folder and their spares
  // (export/staging.h), kept as hard links.
  const std::vector<fs::path> state = {out_, tmp_.path() / ".www.pond-spare",
                                       tmp_.path() / ".www.pond-data",
                                       tmp_.path() / "..www.pond-data.pond-spare"};
  for (size_t i = 0; i < state.size(); ++i) {
    ASSERT_TRUE(fs::is_directory(state[i])) << state[i];
    LinkTree(state[i], tmp_.path() / ("pristine-" + std::to_string(i)));
  }
  auto reset = [&] {
    for (size_t i = 0; i < state.size(); ++i)
      LinkTree(tmp_.path() / ("pristine-" + std::to_string(i)), state[i]);
    for (const auto& e : fs::directory_iterator(tmp_.path()))
      if (e.path().filename().string().find(".pond-staging-") != std::string::npos)
        fs::remove_all(e.path());
  };
  auto bytes = [](const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = ReadFile(e.path());
    return out;
  };
  const auto old_site = bytes(out_);
  Append("b", "2024-02-11 00:00:00", 4, 5.0);
  RunResult r = Build({}, {{"POND_FAULT_AT", "1000000000"}, {"POND_LOG", "debug"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int points = 0;
  for (size_t at = 0; (at = r.err.find(" write point ", at)) != std::string::npos; ++at) ++points;
  const auto new_site = bytes(out_);
  ASSERT_NE(old_site, new_site);
  ASSERT_GT(points, 10);
  int old_seen = 0, new_seen = 0;
  for (int k = 1; k <= points; ++k) {
    SCOPED_TRACE("killed at write point " + std::to_string(k) + " of " + std::to_string(points));
    reset();
    r = Build({}, {{"POND_FAULT_AT", std::to_string(k)}, {"POND_FAULT_MODE", "crash"}});
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    const auto now = bytes(out_);
    EXPECT_TRUE(now == old_site || now == new_site);
    old_seen += now == old_site;
    new_seen += now == new_site;
    r = Build();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(bytes(out_), new_site);
  }
  EXPECT_GT(old_seen, 0);
  EXPECT_GT(new_seen, 0);
}

}  // namespace
}  // namespace pond::testing
