// sitegen through the binary (docs/sitegen.md): a site of static and content routes
// under a base_url, with a sidebar partial, a blog feed and static files, built from
// pages in the pond; a rebuild after one page changed rewrites only what changed
// (other files keep their inode); a bad page fails the build naming page, line and
// column, and leaves the site as it was.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "factories_fixture.h"

namespace pond::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class SitegenTest : public FactoryScenario {
 protected:
  void SetUp() override {
    Init();
    Ok({"mkdir", "-p", "/content/pages"});
    Ok({"mkdir", "-p", "/content/blog"});
    Ok({"mkdir", "-p", "/img"});
    Ok({"mkdir", "-p", "/etc"});
    Page("/content/index.md",
         "---\ntitle: Caspar Water\n---\n# Caspar Water\n\nSee the [about page](/about.html) "
         "and {{ site_title /}}.\n\n{{ blog_grid content=\"blog\" /}}\n");
    Page("/content/pages/about.md",
         "---\ntitle: About the system\nweight: 10\n---\n# About\n\n{{ breadcrumb /}}\n\n"
         "| well | depth |\n|---|---|\n| 1 | 43 m |\n");
    Page("/content/pages/quality.md", "---\ntitle: Water quality\nweight: 20\n---\n# Quality\n");
    Page("/content/blog/spring.md",
         "---\ntitle: Spring report\ndate: 2025-04-01\nsummary: What the wells did\n---\n"
         "## Spring\n\n~~Dry~~ wet.\n");
    Page("/content/blog/winter.md", "---\ntitle: Winter\ndate: 2024-12-21\n---\nCold.\n");
    Page("/content/sidebar.md", "{{ content_nav /}}\n");
    Ok({"copy", Host("logo.png", std::string("\x89PNG\r\n", 6)), "/img/logo.png"});
    Mknod("sitegen", "/etc/site",
          "site: {title: Caspar Water, base_url: /water/, site_url: \"https://casparwater.us\"}\n"
          "content:\n"
          "  - {name: pages, pattern: /content/pages/*.md}\n"
          "  - {name: blog, pattern: /content/blog/*.md}\n"
          "routes:\n"
          "  - name: home\n    type: static\n    slug: \"\"\n    page: /content/index.md\n"
          "    routes:\n"
          "      - {name: pages, type: content, slug: \"\", content: pages}\n"
          "      - {name: blog, type: content, slug: blog, content: blog}\n"
          "partials: {sidebar: /content/sidebar.md}\n"
          "static: [{pattern: \"/img/*\"}]\n"
          "sidebar: [\"about\", {label: Blog, children: [{label: Spring, href: "
          "/blog/spring.html}]}]\n"
          "theme: {accent: \"#0a6\"}\n"
          "footer: Caspar Water System\n");
    out_ = (tmp_.path() / "www").string();
  }

  void Page(const std::string& path, const std::string& text) {
    Ok({"copy", Host("page.md", text), path});
  }
  RunResult Build() { return P({"run", "/etc/site", "build", out_}); }
  std::string Read(const std::string& rel) const { return ReadFile(fs::path(out_) / rel); }
  // Every file of the site: its bytes and inode.
  std::map<std::string, std::pair<std::string, ino_t>> Site() const {
    return FilesWithInodes(out_);
  }

  std::string out_;
};

TEST_F(SitegenTest, BuildsTheRoutesUnderTheBaseUrl) {
  RunResult r = Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "sitegen: 5 pages, 9 files (9 written, 0 kept) in " + out_ + "\n");
  std::vector<std::string> files;
  for (const auto& [rel, file] : Site()) files.push_back(rel);
  EXPECT_EQ(files, (std::vector<std::string>{"about.html", "blog/spring.html", "blog/winter.html",
                                             "feed.xml", "img/logo.png", "index.html",
                                             "quality.html", "style.css", "theme.css"}));
  const std::string about = Read("about.html");
  EXPECT_THAT(about, HasSubstr("<title>About the system · Caspar Water</title>"));
  EXPECT_THAT(about, HasSubstr("<link rel=\"stylesheet\" href=\"/water/style.css\">"));
  EXPECT_THAT(about, HasSubstr("<h1 id=\"about\">About</h1>"));
  EXPECT_THAT(about, HasSubstr("<td>43 m</td>"));  // a GFM table
  // The breadcrumb and the sidebar (a content page by title, any case; a group).
  EXPECT_THAT(about, HasSubstr("<nav class=\"breadcrumb\"><a href=\"/water/\">Home</a> → <a "
                               "href=\"/water/about.html\" class=\"current\" "
                               "aria-current=\"page\">About the system</a></nav>"));
  EXPECT_THAT(about, HasSubstr("<li><span>Blog</span><ul><li><a href=\"/water/blog/spring.html\">"
                               "Spring</a></li></ul></li>"));
  const std::string home = Read("index.html");
  EXPECT_THAT(home, HasSubstr("<a href=\"/water/about.html\">about page</a>"));
  EXPECT_THAT(home, HasSubstr("and Caspar Water."));
  // The blog grid, newest first.
  EXPECT_LT(home.find("Spring report"), home.find("Winter"));
  EXPECT_THAT(
      home, HasSubstr("<time datetime=\"2025-04-01\">2025-04-01</time><p>What the wells did</p>"));
  EXPECT_THAT(Read("blog/spring.html"), HasSubstr("<del>Dry</del> wet."));
  EXPECT_THAT(Read("feed.xml"),
              HasSubstr("<link>https://casparwater.us/water/blog/spring.html</link>"));
  EXPECT_EQ(Read("theme.css"), ":root {\n  --accent: #0a6;\n}\n");
  EXPECT_EQ(Read("img/logo.png"), std::string("\x89PNG\r\n", 6));
}

TEST_F(SitegenTest, ARebuildRewritesOnlyWhatChanged) {
  ASSERT_EQ(Build().exit_code, 0);
  const auto before = Site();
  RunResult r = Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(0 written, 9 kept)"));
  EXPECT_EQ(Site(), before);
  // One post's body: its page alone (its title, date and summary, which others show, stay).
  Page("/content/blog/winter.md", "---\ntitle: Winter\ndate: 2024-12-21\n---\nVery cold.\n");
  r = Build();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(1 written, 8 kept)"));
  const auto after = Site();
  for (const auto& [rel, file] : after)
    if (rel == "blog/winter.html") {
      EXPECT_NE(file.second, before.at(rel).second);
      EXPECT_THAT(file.first, HasSubstr("Very cold."));
    } else {
      EXPECT_EQ(file, before.at(rel)) << rel;
    }
  // A page gone is a file gone.
  Ok({"rm", "/content/pages/quality.md"});
  ASSERT_EQ(Build().exit_code, 0);
  EXPECT_FALSE(fs::exists(fs::path(out_) / "quality.html"));
}

TEST_F(SitegenTest, ABadPageFailsTheBuildAndLeavesTheSite) {
  ASSERT_EQ(Build().exit_code, 0);
  const auto before = Site();
  Page("/content/pages/about.md", "---\ntitle: About\n---\n# About\n\nText {{ sparkline /}}\n");
  RunResult r = Build();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: unknown shortcode 'sparkline' (/content/pages/about.md:6:6)\n");
  EXPECT_EQ(Site(), before);
  Page("/content/pages/about.md", "---\ntitle: About\ndate: 2025-02-30x\n---\n");
  r = Build();
  EXPECT_EQ(r.err,
            "pond: error: frontmatter 'date' must be YYYY-MM-DD, not '2025-02-30x' "
            "(/content/pages/about.md:3)\n");
  Page("/content/pages/about.md", "{{ figure src=\"/img/logo.png\" float=\"middle\" /}}\n");
  r = Build();
  EXPECT_EQ(r.err,
            "pond: error: figure float must be left, right or full, not 'middle' "
            "(/content/pages/about.md:1:1)\n");
  EXPECT_EQ(Site(), before);
  // Nothing left beside the site either.
  for (const auto& e : fs::directory_iterator(tmp_.path()))
    EXPECT_EQ(e.path().filename().string().find(".www.pond-staging"), std::string::npos);
}

TEST_F(SitegenTest, UsageAndConfigErrors) {
  RunResult r = P({"run", "/etc/site", "publish"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("factory 'sitegen' runs one action: build OUTDIR"));
  r = P({"mknod", "sitegen", "/etc/bad", "--config",
         Host("bad.yaml", "site: {title: T}\nroutes:\n  - {name: a, type: static}\n")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("a static route needs 'page' (its markdown page)"));
}

}  // namespace
}  // namespace pond::testing
