#include "site/render.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/strings.h"
#include "export/export_set.h"
#include "markdown/markdown.h"
#include "sitegen/escape.h"
#include "sitegen/links.h"
#include "sitegen/shortcodes.h"
#include "tmpl/template.h"

namespace pond::site {

namespace {

std::string Html(std::string_view s) { return sitegen::Escape(s); }

std::string Arg(const sitegen::Shortcode& sc, const std::string& key,
                const std::string& fallback = "") {
  auto it = sc.args.find(key);
  return it == sc.args.end() ? fallback : it->second;
}

// The visible pages of a content set (all sets when empty), by (weight, title).
std::vector<const PageInfo*> ContentPages(const SiteView& site, const std::string& content) {
  std::vector<const PageInfo*> out;
  for (const auto& p : site.pages)
    if (!p.content.empty() && !p.page.front.hidden && (content.empty() || p.content == content))
      out.push_back(&p);
  std::stable_sort(out.begin(), out.end(), [](const PageInfo* a, const PageInfo* b) {
    return a->page.front.weight != b->page.front.weight
               ? a->page.front.weight < b->page.front.weight
               : a->title < b->title;
  });
  return out;
}

// A sidebar string names a content page by title: exactly, then ignoring case, then
// as a part of it.
const PageInfo* ByTitle(const SiteView& site, const std::string& title) {
  const auto pages = ContentPages(site, "");
  for (const auto* p : pages)
    if (p->title == title) return p;
  for (const auto* p : pages)
    if (AsciiLower(p->title) == AsciiLower(title)) return p;
  for (const auto* p : pages)
    if (AsciiLower(p->title).find(AsciiLower(title)) != std::string::npos) return p;
  return nullptr;
}

std::string Link(const std::string& label, const std::string& url, const PageInfo& current) {
  const bool here = url == current.url;
  return "<a href=\"" + Html(url) + "\"" +
         (here ? " class=\"current\" aria-current=\"page\"" : "") + ">" + Html(label) + "</a>";
}

std::string SidebarList(const SiteView& site, const std::vector<sitegen::SidebarEntry>& entries,
                        const PageInfo& current) {
  std::string out = "<ul>";
  for (const auto& e : entries) {
    out += "<li>";
    if (e.by_title) {
      const PageInfo* p = ByTitle(site, e.label);
      if (!p) throw Error("sidebar names no content page titled '" + e.label + "'", "sidebar");
      out += Link(p->title, p->url, current);
    } else if (e.href) {
      out += Link(e.label, *e.href, current);
    } else {
      out += "<span>" + Html(e.label) + "</span>";
    }
    if (!e.children.empty()) out += SidebarList(site, e.children, current);
    out += "</li>";
  }
  return out + "</ul>";
}

std::string ContentNav(const SiteView& site, const PageInfo& current, const std::string& content) {
  if (!site.config.sidebar.empty() && content.empty())
    return "<nav class=\"content-nav\">" + SidebarList(site, site.config.sidebar, current) +
           "</nav>";
  std::string out = "<nav class=\"content-nav\"><ul>";
  for (const auto* p : ContentPages(site, content))
    out += "<li>" + Link(p->title, p->url, current) + "</li>";
  return out + "</ul></nav>";
}

}  // namespace

// JSON inside a <script> element: `<`, `>` and `&` as JSON escapes, so that no text in
// it (`</script>`, `<!--`) is markup to the HTML parser.
std::string ScriptJson(const nlohmann::json& j) {
  std::string out;
  for (const char c : j.dump())
    out += c == '<' ? "\\u003c" : c == '>' ? "\\u003e" : c == '&' ? "\\u0026" : std::string(1, c);
  return out;
}

namespace {

nlohmann::json FileJson(const SiteView& site, const DataFile& f) {
  nlohmann::json temporal = nlohmann::json::object();
  for (const auto& [k, v] : f.temporal) temporal[k] = v;
  return {{"path", f.pond_path},
          {"file", site.config.site.base_url + sitegen::UrlPath(f.rel)},
          {"captures", f.captures},
          {"resolution_us", exporter::OptJson(f.resolution_us)},
          {"temporal", temporal},
          {"start_time", exporter::OptJson(f.start_time)},
          {"end_time", exporter::OptJson(f.end_time)},
          {"rows", exporter::OptJson(f.rows)}};
}

// A chart's container (docs/sitegen.md, "Charts"): the page's files and what drawing
// them needs, for chart.js.
std::string VizContainer(const SiteView& site, const PageInfo& current, const std::string& renderer,
                         const std::string& range) {
  const sitegen::SiteConfig& c = site.config;
  if (current.files.empty())
    throw Error("this page has no exported files to draw (its route names no export)", "chart");
  nlohmann::json files = nlohmann::json::array(), annotations = nlohmann::json::array();
  for (const DataFile* f : current.files) files.push_back(FileJson(site, *f));
  for (const DataFile* f : current.annotations) annotations.push_back(FileJson(site, *f));
  const std::optional<std::string> window = range.empty() ? c.site.default_range : range;
  const nlohmann::json j = {{"title", current.title},
                            {"range", exporter::OptJson(window)},
                            {"timestamp_column", "timestamp"},
                            {"target_points", current.target_points},
                            {"files", files},
                            {"annotations", annotations},
                            {"registry", c.metric_registry},
                            {"captions", c.metric_captions}};
  return "<div class=\"pond-viz\" data-renderer=\"" + renderer +
         "\"><script type=\"application/json\">" + ScriptJson(j) + "</script></div>";
}

// The explorer's container: `explore.datasets`, else the page's files as one table.
std::string ExploreContainer(const SiteView& site, const PageInfo& current,
                             const std::string& table, const std::string& label) {
  const sitegen::SiteConfig& c = site.config;
  nlohmann::json datasets = nlohmann::json::array();
  auto urls = [&](const std::vector<const DataFile*>& files) {
    nlohmann::json out = nlohmann::json::array();
    for (const DataFile* f : files) out.push_back(c.site.base_url + sitegen::UrlPath(f->rel));
    return out;
  };
  if (!c.explore.datasets.empty()) {
    for (const auto& d : c.explore.datasets) {
      std::vector<const DataFile*> files;
      if (site.data)
        if (auto it = site.data->files.find(d.export_name); it != site.data->files.end())
          for (const auto& f : it->second) files.push_back(&f);
      datasets.push_back({{"table", d.table}, {"label", d.label}, {"files", urls(files)}});
    }
  } else {
    if (current.files.empty())
      throw Error("the explorer has no datasets: set explore.datasets or give the page an export",
                  "explore");
    const std::string name = table.empty() ? "data" : table;
    datasets.push_back(
        {{"table", name}, {"label", label.empty() ? name : label}, {"files", urls(current.files)}});
  }
  const std::string first = datasets.empty() ? "" : datasets[0]["table"].get<std::string>();
  const nlohmann::json j = {{"datasets", datasets}, {"table", table.empty() ? first : table}};
  return "<div class=\"pond-explore\"><script type=\"application/json\">" + ScriptJson(j) +
         "</script></div>";
}

std::string Shortcode(const SiteView& site, const PageInfo& current, const sitegen::Shortcode& sc) {
  const sitegen::SiteConfig& c = site.config;
  if (sc.name == "breadcrumb") {
    std::string out = "<nav class=\"breadcrumb\">";
    for (size_t i = 0; i < current.crumbs.size(); ++i)
      out += (i ? " → " : "") + Link(current.crumbs[i].first, current.crumbs[i].second, current);
    return out + "</nav>";
  }
  if (sc.name == "content_nav") return ContentNav(site, current, Arg(sc, "content"));
  if (sc.name == "nav_list") {
    std::string out = "<ul class=\"nav-list\">";
    for (const auto* p : ContentPages(site, Arg(sc, "collection")))
      out += "<li>" + Link(p->title, p->url, current) + "</li>";
    return out + "</ul>";
  }
  if (sc.name == "site_title") return Html(c.site.title);
  if (sc.name == "base_url") return Html(c.site.base_url);
  if (sc.name == "figure") {
    const std::string place = Arg(sc, "float", "full");
    if (place != "left" && place != "right" && place != "full")
      throw Error("figure float must be left, right or full, not '" + place + "'", "figure");
    std::string out = "<figure class=\"figure-" + place + "\"><img src=\"" + Html(Arg(sc, "src")) +
                      "\" alt=\"" + Html(Arg(sc, "alt", Arg(sc, "caption"))) + "\">";
    if (!Arg(sc, "caption").empty())
      out += "<figcaption>" + Html(Arg(sc, "caption")) + "</figcaption>";
    return out + "</figure>";
  }
  if (sc.name == "blog_grid") {
    const std::string section = AsciiLower(Arg(sc, "section"));
    std::vector<const PageInfo*> pages;
    for (const auto* p : ContentPages(site, Arg(sc, "content")))
      if (p->page.front.date &&
          (section.empty() || AsciiLower(p->page.front.section.value_or(p->content)) == section))
        pages.push_back(p);
    std::stable_sort(pages.begin(), pages.end(), [](const PageInfo* a, const PageInfo* b) {
      return *a->page.front.date > *b->page.front.date;
    });
    std::string out = "<div class=\"blog-grid\">";
    for (const auto* p : pages) {
      out += "<article class=\"card\">";
      if (p->page.front.image) out += "<img src=\"" + Html(*p->page.front.image) + "\" alt=\"\">";
      out += "<h3><a href=\"" + Html(p->url) + "\">" + Html(p->title) +
             "</a></h3><time datetime=\"" + *p->page.front.date + "\">" + *p->page.front.date +
             "</time>";
      if (p->page.front.summary) out += "<p>" + Html(*p->page.front.summary) + "</p>";
      out += "</article>";
    }
    return out + "</div>";
  }
  if (sc.name == "chart" || sc.name == "viz" || sc.name == "overlay_chart" ||
      sc.name == "log_viewer") {
    std::string renderer = sc.name == "overlay_chart" ? "overlay"
                           : sc.name == "log_viewer"  ? "logs"
                                                      : Arg(sc, "renderer", "chart");
    if (renderer == "overlay_chart") renderer = "overlay";
    if (renderer == "log_viewer") renderer = "logs";
    if (renderer != "chart" && renderer != "overlay" && renderer != "logs")
      throw Error("viz renderer must be chart, overlay or logs, not '" + renderer + "'", sc.name);
    return VizContainer(site, current, renderer, Arg(sc, "range"));
  }
  if (sc.name == "explore")
    return ExploreContainer(site, current, Arg(sc, "table"), Arg(sc, "label"));
  throw Error("shortcode '" + sc.name + "' is not built yet", "");
}

// A template page's captures as pages show them: through `labels`.
std::vector<std::string> Labeled(const SiteView& site, const PageInfo& p) {
  std::vector<std::string> out;
  for (const auto& c : p.captures) {
    auto it = site.config.labels.find(c);
    out.push_back(it == site.config.labels.end() ? c : it->second);
  }
  return out;
}

// The body of a page (or the sidebar partial) as HTML: captures, shortcodes, then
// markdown.
std::string Body(const SiteView& site, const PageInfo& current, const sitegen::Page& page,
                 const std::string& source) {
  std::string text;
  const std::string body = current.captures.empty()
                               ? page.body
                               : sitegen::SubstituteCaptures(page.body, Labeled(site, current));
  for (const auto& seg :
       sitegen::ParseShortcodes(body, source, page.body_line, KnownShortcodes())) {
    if (!seg.shortcode) {
      text += seg.text;
      continue;
    }
    try {
      text += Shortcode(site, current, *seg.shortcode);
    } catch (const Error& e) {
      throw Error(e.message(), source + ":" + std::to_string(seg.shortcode->line) + ":" +
                                   std::to_string(seg.shortcode->column));
    }
  }
  return markdown::ToHtml(text, [](std::string_view s) { return tmpl::Slugify(s); });
}

}  // namespace

const std::set<std::string>& KnownShortcodes() {
  static const std::set<std::string> k = {
      "breadcrumb",      "chart",     "viz",    "overlay_chart", "log_viewer", "explore",
      "content_nav",     "blog_grid", "figure", "nav_list",      "site_title", "base_url",
      "pond_status_grid"};
  return k;
}

std::string RenderPage(const SiteView& site, size_t index) {
  const PageInfo& p = site.pages.at(index);
  const sitegen::SiteConfig& c = site.config;
  const std::string main = Body(site, p, p.page, p.source);
  const std::string sidebar =
      site.sidebar ? Body(site, p, *site.sidebar, site.sidebar_source) : ContentNav(site, p, "");
  static const char* const kLayouts[] = {"default", "data", "page", "blog", "explore", "logs"};
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      Html(p.title == c.site.title ? p.title : p.title + " · " + c.site.title) +
      "</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n"
      "<link rel=\"stylesheet\" href=\"/theme.css\">\n";
  if (c.site.site_url)
    html += "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"" + Html(c.site.title) +
            "\" href=\"/feed.xml\">\n";
  // Charts and the explorer are modules of the web bundle (web_assets.h); the import
  // map names the one bare import DuckDB-WASM makes. `src` gets base_url below.
  const bool draws = main.find("<div class=\"pond-viz\"") != std::string::npos;
  const bool explores = main.find("<div class=\"pond-explore\"") != std::string::npos;
  if (draws || explores)
    html += "<script type=\"importmap\">" + ScriptJson(nlohmann::json::parse(site.importmap)) +
            "</script>\n";
  if (draws) html += "<script type=\"module\" src=\"/chart.js\"></script>\n";
  if (explores) html += "<script type=\"module\" src=\"/explore.js\"></script>\n";
  html += "</head>\n<body class=\"layout-" +
          std::string(kLayouts[static_cast<int>(p.page.front.layout)]) +
          "\">\n<header class=\"site-header\"><a class=\"site-title\" href=\"/\">" +
          Html(c.site.title) + "</a>";
  if (c.header) html += "<img class=\"banner\" src=\"/" + Html(*c.header) + "\" alt=\"\">";
  html += "</header>\n<div class=\"site\">\n<aside class=\"sidebar\">\n" + sidebar +
          "</aside>\n<main>\n" + main + "</main>\n</div>\n";
  if (c.footer) html += "<footer class=\"site-footer\">" + Html(site.footer) + "</footer>\n";
  html += "</body>\n</html>\n";
  return sitegen::WithBaseUrl(html, c.site.base_url);
}

std::string ThemeCss(const std::map<std::string, std::string>& theme) {
  std::string out = ":root {\n";
  for (const auto& [key, value] : theme) out += "  --" + key + ": " + value + ";\n";
  return out + "}\n";
}

}  // namespace pond::site
