// One sitegen page as HTML (docs/sitegen.md, "Pages"): captures, shortcodes,
// markdown, then the layout around it with the sidebar, and `base_url` on every
// absolute link.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "site/data_stages.h"
#include "sitegen/config.h"
#include "sitegen/page.h"

namespace pond::site {

// A page of the site as the shortcodes and the layout see it.
struct PageInfo {
  std::string title;
  std::string url;     // below base_url, from the site's root: "/", "/blog/spring.html"
  std::string source;  // its markdown page's pond path (errors name it)
  sitegen::Page page;
  std::string content;                                      // the content set it comes from, if any
  std::vector<std::pair<std::string, std::string>> crumbs;  // (label, url) from the home page
  std::vector<std::string> captures;  // a template page's first capture, raw (slugs use it)
  std::vector<const DataFile*> files, annotations;  // its route's export stage files
  int64_t target_points = 1500;                     // of its files' stage
};

struct SiteView {
  const sitegen::SiteConfig& config;
  std::vector<PageInfo> pages;           // every page built, in route order
  std::optional<sitegen::Page> sidebar;  // partials.sidebar, parsed
  std::string sidebar_source;
  const DataStages* data = nullptr;  // the export stages' files
  std::string importmap;             // web_assets.h's, for pages that draw
  std::string footer;                // `footer`, its variables expanded
};

// The whole HTML file of `pages[index]`. Throws pond::Error naming the page (or the
// sidebar partial) with line and column.
std::string RenderPage(const SiteView& site, size_t index);

// The shortcodes pages may use (the status grid is still to come: a page using it
// fails the build naming it).
const std::set<std::string>& KnownShortcodes();

// `j` as the text of a <script> element (an import map, a chart's data).
std::string ScriptJson(const nlohmann::json& j);

// style.css (style.cc) and theme.css (`theme` as CSS custom properties).
std::string StyleCss();
std::string ThemeCss(const std::map<std::string, std::string>& theme);

}  // namespace pond::site
