// A sitegen node's config (docs/sitegen.md, "Config"), as factories/sitegen.cc reads
// and checks it: plain values, every default filled in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pond::sitegen {

struct SiteInfo {
  std::string title;
  std::string base_url = "/";  // prefixes every absolute link
  std::optional<std::string> site_url, github_url;
  std::optional<std::string> default_range;  // the first chart window: 1M, 3M, 24h, 10Y…
};

// A data stage: each match of `pattern` exported for the browser.
struct ExportStage {
  std::string name;
  std::string pattern;  // a pond glob or an input URL (`csv:///…`)
  int64_t target_points = 1500;
  std::string timestamp_column = "timestamp";
};

struct ContentSet {
  std::string name;
  std::string pattern;  // markdown pages in the pond
};

enum class RouteType { kStatic, kTemplate, kContent };

struct Route {
  std::string name;
  RouteType type = RouteType::kStatic;
  std::string slug;
  std::optional<std::string> page;         // pond path of its markdown page
  std::optional<std::string> export_name;  // `export`: the stage whose files it gets
  std::optional<std::string> annotations;  // a stage whose files every page also gets
  std::optional<std::string> content;      // a content set (type content)
  std::vector<Route> routes;               // below this one's URL
};

// `sidebar[]`: a string (a content page named by title), or a link, or a group.
struct SidebarEntry {
  std::string label;
  std::optional<std::string> href;
  bool by_title = false;  // the string form: `label` names a content page
  std::vector<SidebarEntry> children;
};

struct Subsite {
  std::string name, path, config;
  std::optional<std::string> base_url;
};

struct Feed {
  std::string section = "Blog";
  std::optional<std::string> content, description;
};

struct ExploreDataset {
  std::string export_name, table, label;
};

struct Explore {
  std::optional<std::string> url;
  std::vector<ExploreDataset> datasets;
};

struct StatusGrid {
  std::string journal_pattern;
  std::vector<std::string> unit_globs;
  int64_t tail_lines = 10;
  std::string hot_window = "1d";
  std::optional<std::string> perf_pattern;
};

struct SiteConfig {
  SiteInfo site;
  std::vector<ExportStage> exports;
  std::vector<ContentSet> content;
  std::vector<Route> routes;
  std::map<std::string, std::string> partials;  // only `sidebar` is used
  std::vector<std::string> static_patterns;
  std::vector<SidebarEntry> sidebar;
  std::map<std::string, std::string> labels;  // capture → display text
  std::map<std::string, std::string> theme;   // theme.css `--key: value;`
  std::vector<Subsite> subsites;
  std::optional<std::string> footer, header;
  Feed feed;
  std::map<std::string, std::string> metric_registry;  // <param>.<unit> → kind
  std::map<std::string, std::string> metric_captions;
  Explore explore;
  std::optional<StatusGrid> status_grid;
};

}  // namespace pond::sitegen
