// The demo pipeline (tools/demo.sh, what `make demo` runs) on the bundled sample:
// raw series → join → temporal-reduce → two-stage export with page templates.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "support/scenario.h"

namespace pond {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunResult;
using testing::TempDir;

class DemoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir();
    out_ = (tmp_->path() / "out").string();
    pond_ = (tmp_->path() / "pond").string();
    demo_ = testing::Run("bash", {std::string(POND_SOURCE_DIR) + "/tools/demo.sh", testing::PondBinary()},
                         {{"DEMO_OUT", out_}, {"DEMO_POND", pond_}});
  }
  static void TearDownTestSuite() { delete tmp_; }
  RunResult P(std::vector<std::string> args) {
    args.insert(args.begin(), {"--pond", pond_});
    return testing::Pond(args);
  }

  static TempDir* tmp_;
  static std::string out_, pond_;
  static RunResult demo_;
};
TempDir* DemoTest::tmp_;
std::string DemoTest::out_, DemoTest::pond_;
RunResult DemoTest::demo_;

TEST_F(DemoTest, PrintsTheSummaryOfBothStages) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  const std::string& s = demo_.out;
  EXPECT_NE(s.find("🎯 Pattern: /test-locations/*/res=*.series\n    🗂️  6 capture groups:\n"), std::string::npos) << s;
  EXPECT_NE(s.find("📁 'BDockDownsampled/1d' wildcard capture:\n        📄 21 exported file(s):\n"
                   "          📄 year=1970/month=1/data_0.parquet (🕐 1970-01-01 → 1970-01-01)\n"
                   "          📄 year=2024/month=7/data_0.parquet (🕐 2024-07-01 → 2024-07-31)\n"),
            std::string::npos) << s;
  EXPECT_NE(s.find("📁 'SilverDownsampled/1h' wildcard capture:\n        📄 20 exported file(s):\n"), std::string::npos) << s;
  EXPECT_NE(s.find("🎯 Pattern: /templates/*/page=*\n    🗂️  5 capture groups:\n"), std::string::npos) << s;
  EXPECT_NE(s.find("📄 BDockDownsampled.md (🕐 N/A → N/A)"), std::string::npos) << s;
  EXPECT_NE(s.find("🔧 Template Variables: {\"title\":\"Noyo Harbor\"}"), std::string::npos) << s;
  EXPECT_NE(demo_.err.find("pond: warning: 1 row with timestamp before 1990-01-01 exported"), std::string::npos)
      << demo_.err;
}

TEST_F(DemoTest, EveryFileAttachmentExists) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  std::regex attachment("FileAttachment\\(\"([^\"]+)\"\\)");
  size_t checked = 0;
  for (const auto& page : {"sites/BDockDownsampled.md", "sites/SilverDownsampled.md", "params/DO.md",
                           "params/Temperature.md", "params/Salinity.md"}) {
    std::string text = ReadFile(fs::path(out_) / page);
    for (std::sregex_iterator it(text.begin(), text.end(), attachment), end; it != end; ++it) {
      std::string rel = (*it)[1].str();
      ASSERT_EQ(rel[0], '/');
      EXPECT_TRUE(fs::exists(fs::path(out_) / rel.substr(1))) << page << ": " << rel;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
}

TEST_F(DemoTest, SitePageMatchesGoldenAndCarriesVars) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  std::string page = ReadFile(fs::path(out_) / "sites/SilverDownsampled.md");
  EXPECT_EQ(page, ReadFile(fs::path(POND_SOURCE_DIR) / "tests/golden/demo_site_silver.md"));
  EXPECT_NE(page.find("# Silver · Noyo Harbor"), std::string::npos);
}

// demo-out/site: data/site's Framework project with the export as its source root,
// and a home page (export stage 3) linking every page stage 2 wrote.
TEST_F(DemoTest, AssemblesTheFrameworkProject) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  EXPECT_NE(demo_.out.find("🎯 Pattern: /templates/home/*\n    🗂️  1 capture groups:\n"), std::string::npos);
  const fs::path site = fs::path(out_) / "site";
  const fs::path data = fs::path(POND_SOURCE_DIR) / "data/site";
  for (const auto* f : {"package.json", "package-lock.json", "observablehq.config.js", "src/style.css",
                        "src/components/pond.js"}) {
    EXPECT_EQ(ReadFile(site / f), ReadFile(data / f)) << f;
  }
  EXPECT_NE(ReadFile(site / "package.json").find("\"@observablehq/framework\": \"1.13.4\""), std::string::npos);

  const std::string home = ReadFile(site / "src/index.md");
  EXPECT_NE(home.find("# Noyo Harbor"), std::string::npos) << home;
  std::regex attachment("FileAttachment\\(\"/([^\"]+)\"\\)");
  size_t checked = 0;
  for (const auto* page : {"sites/BDockDownsampled", "sites/SilverDownsampled", "params/DO", "params/Temperature",
                           "params/Salinity"}) {
    EXPECT_NE(home.find(std::string("](./") + page + ")"), std::string::npos) << page << "\n" << home;
    const std::string text = ReadFile(site / "src" / (std::string(page) + ".md"));
    EXPECT_EQ(text, ReadFile(fs::path(out_) / (std::string(page) + ".md"))) << page;
    for (std::sregex_iterator it(text.begin(), text.end(), attachment), end; it != end; ++it, ++checked) {
      EXPECT_TRUE(fs::exists(site / "src" / (*it)[1].str())) << page << ": " << (*it)[1].str();
    }
  }
  EXPECT_GT(checked, 100u);
}

TEST_F(DemoTest, TemplateErrorNamesNodeLineColumnAndLeavesOutUntouched) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  auto before = testing::Sha256File(fs::path(out_) / "sites/BDockDownsampled.md");
  testing::WriteFile(tmp_->path() / "bad.md.tera", "line one\n{{ exprt.x }}\n");
  ASSERT_EQ(P({"copy", (tmp_->path() / "bad.md.tera").string(), "/templates/site.md.tera"}).exit_code, 0);
  RunResult r = P({"export", "--pattern", "/test-locations/*/res=*.series", "--pattern", "/templates/*/page=*",
                   "--dir", out_, "--temporal", "year,month"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/templates/site.md.tera:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exprt"), std::string::npos) << r.err;
  EXPECT_EQ(testing::Sha256File(fs::path(out_) / "sites/BDockDownsampled.md"), before);
}

TEST_F(DemoTest, TemplateStageFirstWarnsOfEmptyExport) {
  ASSERT_EQ(demo_.exit_code, 0) << demo_.err;
  TempDir other;
  RunResult r = P({"--quiet", "export", "--pattern", "/templates/params/page=*", "--dir", other.path().string()});
  EXPECT_NE(r.err.find("pond: warning: template stage runs before any data stage"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pond
