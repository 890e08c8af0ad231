#include "site/build.h"

#include <time.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "base/error.h"
#include "base/strings.h"
#include "export/staging.h"
#include "path/path.h"
#include "site/render.h"
#include "sitegen/feed.h"
#include "sitegen/page.h"

namespace pond::site {

namespace {

namespace fs = std::filesystem;

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (name.empty()) return dir;
  return dir + "/" + name;
}

std::string ReadHostFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The site being built: its pages (with the files they become) and other files.
class Builder {
 public:
  Builder(factories::View& view, const sitegen::SiteConfig& config)
      : view_(view), config_(config), site_{config, {}, std::nullopt, ""} {}

  std::map<std::string, std::string> Files() {
    LoadContent();
    for (const auto& route : config_.routes) AddRoute(route, "", {});
    if (auto it = config_.partials.find("sidebar"); it != config_.partials.end()) {
      site_.sidebar_source = it->second;
      site_.sidebar = sitegen::ParsePage(view_.ReadData(view_.Get(it->second)), it->second);
    }
    std::map<std::string, std::string> files;
    for (size_t i = 0; i < site_.pages.size(); ++i) {
      if (!files.emplace(page_files_[i], RenderPage(site_, i)).second)
        throw Error("two pages would be written to " + page_files_[i], site_.pages[i].source);
    }
    files["style.css"] = StyleCss();
    files["theme.css"] = ThemeCss(config_.theme);
    if (config_.site.site_url) files["feed.xml"] = Feed();
    for (const auto& pattern : config_.static_patterns)
      for (const GlobMatch& m : view_.MatchedFiles(pattern)) {
        const std::string rel = m.path.substr(1);
        if (files.contains(rel)) throw Error("static file " + rel + " is also a page", m.path);
        files[rel] = view_.ReadData(view_.Get(m.path));
      }
    return files;
  }

  size_t pages() const { return site_.pages.size(); }

 private:
  struct Content {
    std::string set, path, slug;
    sitegen::Page page;
  };

  void LoadContent() {
    for (const auto& set : config_.content)
      for (const GlobMatch& m : view_.MatchedFiles(set.pattern)) {
        Content c{set.name, m.path, "", sitegen::ParsePage(view_.ReadData(view_.Get(m.path)), m.path)};
        std::string name = std::string(BaseName(m.path));
        if (name.size() > 3 && name.ends_with(".md")) name.resize(name.size() - 3);
        c.slug = c.page.front.slug.value_or(name);
        content_[set.name].push_back(std::move(c));
      }
  }

  void AddPage(PageInfo info, std::string file) {
    site_.pages.push_back(std::move(info));
    page_files_.push_back(std::move(file));
  }

  void AddRoute(const sitegen::Route& route, const std::string& parent,
                std::vector<std::pair<std::string, std::string>> crumbs) {
    const std::string dir = Join(parent, route.slug);
    switch (route.type) {
      case sitegen::RouteType::kStatic: {
        PageInfo p;
        p.source = *route.page;
        p.page = sitegen::ParsePage(view_.ReadData(view_.Get(*route.page)), *route.page);
        p.title = p.page.front.title.empty() ? route.name : p.page.front.title;
        p.url = dir.empty() ? "/" : "/" + dir + "/";
        crumbs.emplace_back(crumbs.empty() ? "Home" : p.title, p.url);
        p.crumbs = crumbs;
        AddPage(std::move(p), Join(dir, "index.html"));
        break;
      }
      case sitegen::RouteType::kContent:
        for (const Content& c : content_[*route.content]) {
          PageInfo p;
          p.source = c.path;
          p.page = c.page;
          p.content = c.set;
          p.title = c.page.front.title.empty() ? c.slug : c.page.front.title;
          p.url = "/" + Join(dir, c.slug) + ".html";
          p.crumbs = crumbs;
          p.crumbs.emplace_back(p.title, p.url);
          AddPage(std::move(p), Join(dir, c.slug) + ".html");
        }
        break;
      case sitegen::RouteType::kTemplate:
        throw Error("template routes need the export stages, which this build does not write yet",
                    "route " + route.name);
    }
    for (const auto& child : route.routes) AddRoute(child, dir, crumbs);
  }

  // A page is in the feed's section when its frontmatter says so, or, without a
  // `section`, when its content set has the section's name.
  std::string Feed() const {
    const sitegen::SiteConfig& c = config_;
    std::vector<sitegen::FeedItem> items;
    for (const auto& p : site_.pages) {
      if (p.content.empty() || p.page.front.hidden || !p.page.front.date) continue;
      if (c.feed.content && p.content != *c.feed.content) continue;
      if (AsciiLower(p.page.front.section.value_or(p.content)) != AsciiLower(c.feed.section)) continue;
      items.push_back({p.title, p.url.substr(1), *p.page.front.date, p.page.front.summary});
    }
    return sitegen::RssFeed({c.site.title, *c.site.site_url, c.site.base_url,
                             c.feed.description.value_or("")},
                            std::move(items));
  }

  factories::View& view_;
  const sitegen::SiteConfig& config_;
  SiteView site_;
  std::vector<std::string> page_files_;  // beside site_.pages
  std::map<std::string, std::vector<Content>> content_;
};

}  // namespace

BuildResult Build(factories::View& view, const sitegen::SiteConfig& config,
                  const std::string& out_dir, store::Disk& disk) {
  Builder builder(view, config);
  const std::map<std::string, std::string> files = builder.Files();

  const fs::path out = fs::absolute(out_dir);
  exporter::RemoveStaleStaging(disk, out.parent_path(), "." + out.filename().string() + ".pond-staging-");
  exporter::Staging staging(disk, out);
  // What OUT holds now: every file there was the last build's.
  std::set<std::string> before;
  if (fs::is_directory(staging.out()))
    for (const auto& e : fs::recursive_directory_iterator(staging.out()))
      if (e.is_regular_file()) before.insert(fs::relative(e.path(), staging.out()).string());

  BuildResult result;
  result.pages = builder.pages();
  result.files = files.size();
  std::vector<std::string> kept;
  for (const auto& [rel, bytes] : files) {
    const fs::path there = staging.out() / rel;
    if (before.contains(rel) && fs::file_size(there) == bytes.size() && ReadHostFile(there) == bytes) {
      kept.push_back(rel);
      continue;
    }
    const fs::path at = staging.dir() / rel;
    disk.MakeDirsUnsynced(at.parent_path().string());
    disk.WriteFile(at.string(), bytes);
    ++result.written;
  }
  result.kept = kept.size();
  if (result.written == 0 && kept.size() == before.size()) return result;  // nothing changed
  const std::optional<std::string> warning = fs::exists(staging.out())
                                                  ? staging.PublishFiles(kept, before)
                                                  : staging.PublishEntries();  // a first build
  if (warning) result.warnings.push_back(*warning);
  return result;
}

}  // namespace pond::site
