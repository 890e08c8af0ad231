// sitegen configs: a site in the shape of the deployments' (routes of every type,
// nested sidebar, feed, explorer, registry), its defaults, and errors that name the
// field and line.
#include "factories/sitegen.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace pond::factories {
namespace {

const char* const kSite = R"(site:
  title: Caspar Water
  base_url: /water
  site_url: https://casparwater.us
  default_range: 3M
exports:
  - name: reduced
    pattern: /reduced/*/res=*.series
  - name: usage
    pattern: csv:///history-src/monthly_usage.csv
    target_points: 800
content:
  - {name: pages, pattern: /content/*.md}
  - {name: blog, pattern: /content/blog/*.md}
routes:
  - name: home
    type: static
    slug: ""
    page: /content/index.md
    routes:
      - {name: data, type: template, slug: "data/$0", page: /content/data.md, export: reduced,
         annotations: usage}
      - {name: blog, type: content, slug: blog, content: blog}
partials: {sidebar: /content/sidebar.md}
static: [{pattern: /img/*}]
sidebar:
  - Water quality
  - {label: Data, href: /data/}
  - label: Noyo
    children: [{label: Sites, href: /noyo/sites.html}]
labels: {DO: Dissolved Oxygen}
theme: {accent: "#0a6"}
footer: "Built ${DATE}"
feed: {description: News from the water system}
metric_registry: {flow_total.gal: counter, well_depth.m: gauge}
metric_captions: {well_depth.m: Depth below the well head}
explore: {datasets: [{export: reduced, table: well}]}
)";

Config Yaml(const std::string& text) { return ExpandConfig(text, "site.yaml", {}); }

std::string ErrorOf(const std::string& text) {
  try {
    SitegenConfig(Yaml(text));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(SitegenConfig, ASiteInTheDeploymentsShape) {
  const sitegen::SiteConfig s = SitegenConfig(Yaml(kSite));
  EXPECT_EQ(s.site.title, "Caspar Water");
  EXPECT_EQ(s.site.base_url, "/water/");
  EXPECT_EQ(s.site.site_url, "https://casparwater.us");
  ASSERT_EQ(s.exports.size(), 2u);
  EXPECT_EQ(s.exports[0].target_points, 1500);
  EXPECT_EQ(s.exports[0].timestamp_column, "timestamp");
  EXPECT_EQ(s.exports[1].pattern, "csv:///history-src/monthly_usage.csv");
  EXPECT_EQ(s.exports[1].target_points, 800);
  ASSERT_EQ(s.routes.size(), 1u);
  EXPECT_EQ(s.routes[0].slug, "");
  ASSERT_EQ(s.routes[0].routes.size(), 2u);
  EXPECT_EQ(s.routes[0].routes[0].type, sitegen::RouteType::kTemplate);
  EXPECT_EQ(s.routes[0].routes[0].annotations, "usage");
  EXPECT_EQ(s.routes[0].routes[1].content, "blog");
  EXPECT_EQ(s.partials.at("sidebar"), "/content/sidebar.md");
  EXPECT_EQ(s.static_patterns, std::vector<std::string>{"/img/*"});
  ASSERT_EQ(s.sidebar.size(), 3u);
  EXPECT_TRUE(s.sidebar[0].by_title);
  EXPECT_EQ(s.sidebar[1].href, "/data/");
  EXPECT_EQ(s.sidebar[2].children.at(0).label, "Sites");
  EXPECT_EQ(s.labels.at("DO"), "Dissolved Oxygen");
  EXPECT_EQ(s.theme.at("accent"), "#0a6");
  EXPECT_EQ(s.footer, "Built ${DATE}");
  EXPECT_EQ(s.feed.section, "Blog");
  EXPECT_EQ(s.feed.description, "News from the water system");
  EXPECT_EQ(s.metric_registry.at("flow_total.gal"), "counter");
  ASSERT_EQ(s.explore.datasets.size(), 1u);
  EXPECT_EQ(s.explore.datasets[0].label, "well");
  EXPECT_FALSE(s.status_grid);
}

TEST(SitegenConfig, OnlyATitleIsRequired) {
  const sitegen::SiteConfig s = SitegenConfig(Yaml("site: {title: Noyo Harbor}\n"));
  EXPECT_EQ(s.site.base_url, "/");
  EXPECT_TRUE(s.routes.empty());
  EXPECT_EQ(ErrorOf("site: {}\n"), "missing field 'title' (site.yaml:1)");
  EXPECT_EQ(ErrorOf("exports: []\n"), "missing field 'site' (site.yaml:1)");
}

TEST(SitegenConfig, ErrorsNameTheFieldAndLine) {
  const std::string site = "site: {title: T}\n";
  EXPECT_EQ(ErrorOf(site + "sitemap: true\n"), "unknown field 'sitemap' (site.yaml:2)");
  EXPECT_EQ(ErrorOf("site: {title: T, base_url: water}\n"),
            "field 'base_url' must start with '/' (site.yaml:1)");
  EXPECT_EQ(ErrorOf(site + "exports:\n  - {name: a, pattern: /x/*.series, target_points: 0}\n"),
            "field 'target_points' must be positive (site.yaml:3)");
  EXPECT_EQ(ErrorOf(site + "routes:\n  - {name: a, type: dynamic, page: /p.md}\n"),
            "route type must be static, template or content, not 'dynamic' (site.yaml:3)");
  EXPECT_EQ(ErrorOf(site + "routes:\n  - {name: a, type: template, page: /p.md, export: x}\n"),
            "a template route's slug must hold $0 (one page per first capture) (site.yaml:3)");
  EXPECT_EQ(ErrorOf(site + "routes:\n  - {name: a, type: template, slug: $0, page: /p.md, "
                           "export: x}\n"),
            "route 'a' names export 'x', which 'exports' lacks (site.yaml:3)");
  EXPECT_EQ(ErrorOf(site + "routes:\n  - {name: a, type: static, slug: a}\n"),
            "a static route needs 'page' (its markdown page) (site.yaml:3)");
  EXPECT_EQ(ErrorOf(site + "routes:\n  - {name: a, type: static, page: /a.md}\n"
                           "  - {name: a, type: static, page: /b.md}\n"),
            "two routes are named 'a' (site.yaml:4)");
  EXPECT_EQ(ErrorOf(site + "sidebar:\n  - {label: Data}\n"),
            "sidebar entry 'Data' needs 'href' or 'children' (site.yaml:3)");
  EXPECT_EQ(ErrorOf(site + "metric_registry: {a.b: histogram}\n"),
            "metric_registry 'a.b' must be counter, updowncounter, gauge or rate, not "
            "'histogram' (site.yaml:2)");
  EXPECT_EQ(ErrorOf(site + "static: [{pattern: 'img/*'}]\n"),
            "field 'pattern': pond paths must start with '/': img/* (site.yaml:2)");
}

}  // namespace
}  // namespace pond::factories
