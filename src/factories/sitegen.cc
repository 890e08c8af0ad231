#include "factories/sitegen.h"

#include <set>

#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"

namespace pond::factories {

namespace {

using sitegen::Route;
using sitegen::RouteType;
using sitegen::SidebarEntry;

class SitegenNode : public Generated {
 public:
  Shape shape() const override { return Shape::kExecutable; }
};

class Sitegen : public Factory {
 public:
  std::string name() const override { return "sitegen"; }
  std::string description() const override { return "a static site from pages and exports (run: build)"; }
  Shape shape() const override { return Shape::kExecutable; }
  void Validate(const Config& config) const override { SitegenConfig(config); }
  std::shared_ptr<const Generated> Create(const std::string&, const Config& config) const override {
    SitegenConfig(config);
    return std::make_shared<SitegenNode>();
  }
};

// The list `key` of maps (absent: empty), each read by `read` with its own Fields.
template <class T, class Read>
std::vector<T> MapList(const Fields& f, std::string_view key, Read read) {
  std::vector<T> out;
  if (!f.Has(key)) return out;
  for (const YAML::Node& item : f.List(key)) {
    if (!item.IsMap())
      throw Error("each entry of '" + std::string(key) + "' must be a map", f.Where(item));
    out.push_back(read(item));
  }
  return out;
}

// A map of scalars to scalars (absent: empty).
std::map<std::string, std::string> StringMap(const Fields& f, std::string_view key) {
  std::map<std::string, std::string> out;
  const YAML::Node n = f.Optional(key);
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsMap()) throw Error("field '" + std::string(key) + "' must be a map", f.Where(n));
  for (const auto& kv : n)
    out[ScalarText(kv.first, key, f.config())] =
        ScalarText(kv.second, std::string(key) + "." + kv.first.Scalar(), f.config());
  return out;
}

int64_t PositiveInt(const Fields& f, std::string_view key, int64_t fallback) {
  const YAML::Node n = f.Optional(key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  int64_t v = 0;
  try {
    v = n.as<int64_t>();
  } catch (const YAML::Exception&) {
    throw Error("field '" + std::string(key) + "' must be a whole number", f.Where(n));
  }
  if (v <= 0) throw Error("field '" + std::string(key) + "' must be positive", f.Where(n));
  return v;
}

Route ReadRoute(const YAML::Node& node, const Config& c, std::set<std::string>& names) {
  Fields f(node, c, "route", {"name", "type", "slug", "page", "export", "annotations", "content", "routes"});
  Route r;
  r.name = f.String("name");
  const std::string type = f.String("type");
  if (type == "static") r.type = RouteType::kStatic;
  else if (type == "template") r.type = RouteType::kTemplate;
  else if (type == "content") r.type = RouteType::kContent;
  else
    throw Error("route type must be static, template or content, not '" + type + "'",
                f.Where(f.Required("type")));
  r.slug = f.OptionalString("slug").value_or(r.type == RouteType::kContent ? "" : r.name);
  r.page = f.OptionalString("page");
  r.export_name = f.OptionalString("export");
  r.annotations = f.OptionalString("annotations");
  r.content = f.OptionalString("content");
  if (r.type == RouteType::kTemplate && !r.export_name)
    throw Error("a template route needs 'export' (its pages are the export's first captures)", f.Where());
  if (r.type == RouteType::kTemplate && r.slug.find("$0") == std::string::npos)
    throw Error("a template route's slug must hold $0 (one page per first capture)", f.Where());
  if (r.type == RouteType::kContent && !r.content)
    throw Error("a content route needs 'content' (the content set it pages)", f.Where());
  if (r.type != RouteType::kContent && !r.page)
    throw Error("a " + type + " route needs 'page' (its markdown page)", f.Where());
  if (!names.insert(r.name).second)
    throw Error("two routes are named '" + r.name + "'", f.Where(f.Required("name")));
  if (f.Has("routes"))
    for (const YAML::Node& child : f.List("routes")) r.routes.push_back(ReadRoute(child, c, names));
  return r;
}

SidebarEntry ReadSidebar(const YAML::Node& node, const Config& c) {
  SidebarEntry e;
  if (node.IsScalar()) {
    e.label = node.Scalar();
    e.by_title = true;
    return e;
  }
  if (!node.IsMap())
    throw Error("a sidebar entry is a page title or {label, href, children}", WhereOf(c, node));
  Fields f(node, c, "sidebar entry", {"label", "href", "children"});
  e.label = f.String("label");
  e.href = f.OptionalString("href");
  if (f.Has("children"))
    for (const YAML::Node& child : f.List("children")) e.children.push_back(ReadSidebar(child, c));
  if (!e.href && e.children.empty())
    throw Error("sidebar entry '" + e.label + "' needs 'href' or 'children'", f.Where());
  return e;
}

}  // namespace

sitegen::SiteConfig SitegenConfig(const Config& c) {
  Fields f(c.root, c, "config",
           {"site", "exports", "content", "routes", "partials", "static", "sidebar", "labels",
            "theme", "subsites", "footer", "header", "feed", "metric_registry",
            "metric_captions", "explore", "status_grid"});
  sitegen::SiteConfig out;
  {
    Fields s(f.Required("site"), c, "site",
             {"title", "base_url", "site_url", "github_url", "default_range"});
    out.site.title = s.String("title");
    out.site.base_url = s.OptionalString("base_url").value_or("/");
    if (out.site.base_url.empty() || out.site.base_url[0] != '/')
      throw Error("field 'base_url' must start with '/'", s.Where(s.Required("base_url")));
    if (out.site.base_url.back() != '/') out.site.base_url += '/';
    out.site.site_url = s.OptionalString("site_url");
    out.site.github_url = s.OptionalString("github_url");
    out.site.default_range = s.OptionalString("default_range");
  }
  std::set<std::string> stages;
  out.exports = MapList<sitegen::ExportStage>(f, "exports", [&](const YAML::Node& n) {
    Fields e(n, c, "export", {"name", "pattern", "target_points", "timestamp_column"});
    sitegen::ExportStage stage;
    stage.name = e.String("name");
    if (!stages.insert(stage.name).second)
      throw Error("two exports are named '" + stage.name + "'", e.Where(e.Required("name")));
    stage.pattern = InputField(e, "pattern").text;
    stage.target_points = PositiveInt(e, "target_points", 1500);
    stage.timestamp_column = e.OptionalString("timestamp_column").value_or("timestamp");
    return stage;
  });
  std::set<std::string> contents;
  out.content = MapList<sitegen::ContentSet>(f, "content", [&](const YAML::Node& n) {
    Fields e(n, c, "content", {"name", "pattern"});
    sitegen::ContentSet set{e.String("name"), GlobField(e, "pattern")};
    if (!contents.insert(set.name).second)
      throw Error("two content sets are named '" + set.name + "'", e.Where(e.Required("name")));
    return set;
  });
  std::set<std::string> route_names;
  if (f.Has("routes"))
    for (const YAML::Node& n : f.List("routes")) out.routes.push_back(ReadRoute(n, c, route_names));
  // Every name a route gives must be defined.
  std::vector<const Route*> todo;
  for (const auto& r : out.routes) todo.push_back(&r);
  while (!todo.empty()) {
    const Route* r = todo.back();
    todo.pop_back();
    for (const auto* stage : {&r->export_name, &r->annotations})
      if (*stage && !stages.contains(**stage))
        throw Error("route '" + r->name + "' names export '" + **stage + "', which 'exports' lacks",
                    f.Where(f.Required("routes")));
    if (r->content && !contents.contains(*r->content))
      throw Error("route '" + r->name + "' names content '" + *r->content + "', which 'content' lacks",
                  f.Where(f.Required("routes")));
    for (const auto& child : r->routes) todo.push_back(&child);
  }
  out.partials = StringMap(f, "partials");
  out.static_patterns = [&] {
    std::vector<std::string> patterns;
    for (const auto& s : MapList<std::string>(f, "static", [&](const YAML::Node& n) {
           Fields e(n, c, "static", {"pattern"});
           return GlobField(e, "pattern");
         }))
      patterns.push_back(s);
    return patterns;
  }();
  if (f.Has("sidebar"))
    for (const YAML::Node& n : f.List("sidebar")) out.sidebar.push_back(ReadSidebar(n, c));
  out.labels = StringMap(f, "labels");
  out.theme = StringMap(f, "theme");
  out.subsites = MapList<sitegen::Subsite>(f, "subsites", [&](const YAML::Node& n) {
    Fields e(n, c, "subsite", {"name", "path", "config", "base_url"});
    return sitegen::Subsite{e.String("name"), PathField(e, "path"), e.String("config"),
                            e.OptionalString("base_url")};
  });
  out.footer = f.OptionalString("footer");
  out.header = f.OptionalString("header");
  if (f.Has("feed")) {
    Fields e(f.Required("feed"), c, "feed", {"section", "content", "description"});
    out.feed.section = e.OptionalString("section").value_or("Blog");
    out.feed.content = e.OptionalString("content");
    out.feed.description = e.OptionalString("description");
  }
  out.metric_registry = StringMap(f, "metric_registry");
  static const std::set<std::string> kKinds = {"counter", "updowncounter", "gauge", "rate"};
  for (const auto& [metric, kind] : out.metric_registry)
    if (!kKinds.contains(kind))
      throw Error("metric_registry '" + metric + "' must be counter, updowncounter, gauge or rate, not '" +
                      kind + "'",
                  f.Where(f.Required("metric_registry")));
  out.metric_captions = StringMap(f, "metric_captions");
  if (f.Has("explore")) {
    Fields e(f.Required("explore"), c, "explore", {"url", "datasets"});
    out.explore.url = e.OptionalString("url");
    out.explore.datasets = MapList<sitegen::ExploreDataset>(e, "datasets", [&](const YAML::Node& n) {
      Fields d(n, c, "dataset", {"export", "table", "label"});
      sitegen::ExploreDataset ds{d.String("export"), d.String("table"),
                                 d.OptionalString("label").value_or(d.String("table"))};
      if (!stages.contains(ds.export_name))
        throw Error("explore dataset names export '" + ds.export_name + "', which 'exports' lacks",
                    d.Where(d.Required("export")));
      return ds;
    });
  }
  if (f.Has("status_grid")) {
    Fields e(f.Required("status_grid"), c, "status_grid",
             {"journal_pattern", "unit_globs", "tail_lines", "hot_window", "perf_pattern"});
    sitegen::StatusGrid g;
    g.journal_pattern = InputField(e, "journal_pattern").text;
    g.unit_globs = e.OptionalStringList("unit_globs");
    g.tail_lines = PositiveInt(e, "tail_lines", 10);
    g.hot_window = e.OptionalString("hot_window").value_or("1d");
    if (e.Has("perf_pattern")) g.perf_pattern = InputField(e, "perf_pattern").text;
    out.status_grid = g;
  }
  return out;
}

const Factory& SitegenFactory() {
  static const Sitegen f;
  return f;
}

}  // namespace pond::factories
