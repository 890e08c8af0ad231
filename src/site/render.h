// One sitegen page as HTML (docs/sitegen.md, "Pages"): captures, shortcodes,
// markdown, then the layout around it with the sidebar, and `base_url` on every
// absolute link.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sitegen/config.h"
#include "sitegen/page.h"

namespace pond::site {

// A page of the site as the shortcodes and the layout see it.
struct PageInfo {
  std::string title;
  std::string url;     // below base_url, from the site's root: "/", "/blog/spring.html"
  std::string source;  // its markdown page's pond path (errors name it)
  sitegen::Page page;
  std::string content;  // the content set it comes from, if any
  std::vector<std::pair<std::string, std::string>> crumbs;  // (label, url) from the home page
};

struct SiteView {
  const sitegen::SiteConfig& config;
  std::vector<PageInfo> pages;                // every page built, in route order
  std::optional<sitegen::Page> sidebar;       // partials.sidebar, parsed
  std::string sidebar_source;
};

// The whole HTML file of `pages[index]`. Throws pond::Error naming the page (or the
// sidebar partial) with line and column.
std::string RenderPage(const SiteView& site, size_t index);

// The shortcodes this build renders (chart, viz, explore and the status grid need
// export stages, still to come: a page using them fails the build naming it).
const std::set<std::string>& KnownShortcodes();

// style.css (style.cc) and theme.css (`theme` as CSS custom properties).
std::string StyleCss();
std::string ThemeCss(const std::map<std::string, std::string>& theme);

}  // namespace pond::site
