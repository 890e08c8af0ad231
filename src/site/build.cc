#include "site/build.h"

#include <sys/stat.h>
#include <time.h>

#include <filesystem>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "base/error.h"
#include "base/host_file.h"
#include "base/strings.h"
#include "export/staging.h"
#include "path/path.h"
#include "site/data_stages.h"
#include "site/render.h"
#include "site/web_assets.h"
#include "sitegen/escape.h"
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

// Whether two paths are on one file system (a hard link can join them).
bool SameDevice(const fs::path& a, const fs::path& b) {
  struct stat sa {
  }, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev;
}

// Whether `a` is `b` itself (a hard link of it), or has its bytes: the web bundle may
// sit on another file system than OUTDIR.
bool SameFile(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (fs::equivalent(a, b, ec)) return true;
  if (fs::file_size(a, ec) != fs::file_size(b, ec) || ec) return false;
  return ReadHostFile(a, "file") == ReadHostFile(b, "file");
}

// The site being built: its pages (with the files they become) and other files.
class Builder {
 public:
  Builder(factories::View& view, const sitegen::SiteConfig& config, const DataStages& data,
          const std::optional<WebAssets>& web, std::string footer)
      : view_(view), config_(config), data_(data), site_{config, {},   std::nullopt,     "",
                                                         &data,  "{}", std::move(footer)} {
    if (web) site_.importmap = web->importmap;
  }

  std::map<std::string, std::string> Files() {
    LoadContent();
    for (const auto& route : config_.routes) AddRoute(route, "", {});
    if (auto it = config_.partials.find("sidebar"); it != config_.partials.end()) {
      site_.sidebar_source = it->second;
      site_.sidebar = sitegen::ParsePage(view_.ReadData(view_.Get(it->second)), it->second);
    }
    std::map<std::string, std::string> files;
    for (size_t i = 0; i < site_.pages.size(); ++i) {
      std::string html = RenderPage(site_, i);
      draws_ = draws_ || html.find("<script type=\"importmap\">") != std::string::npos;
      if (!files.emplace(page_files_[i], std::move(html)).second)
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
  // Whether a page drew a chart or an explorer (Files() first).
  bool draws() const { return draws_; }

 private:
  struct Content {
    std::string set, path, slug;
    sitegen::Page page;
  };

  void LoadContent() {
    for (const auto& set : config_.content)
      for (const GlobMatch& m : view_.MatchedFiles(set.pattern)) {
        Content c{set.name, m.path, "",
                  sitegen::ParsePage(view_.ReadData(view_.Get(m.path)), m.path)};
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
        p.url = dir.empty() ? "/" : sitegen::UrlPath("/" + dir + "/");
        crumbs.emplace_back(crumbs.empty() ? "Home" : p.title, p.url);
        p.crumbs = crumbs;
        GiveData(route, p, true);
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
          p.url = sitegen::UrlPath("/" + Join(dir, c.slug) + ".html");
          p.crumbs = crumbs;
          p.crumbs.emplace_back(p.title, p.url);
          AddPage(std::move(p), Join(dir, c.slug) + ".html");
        }
        break;
      case sitegen::RouteType::kTemplate: {
        // One page per distinct first capture of the stage, given that key's files.
        const std::vector<DataFile>& files = StageFiles(*route.export_name);
        std::vector<std::string> keys;
        std::map<std::string, std::vector<const DataFile*>> by_key;
        for (const DataFile& f : files) {
          if (f.captures.empty())
            throw Error(
                "template route needs a pattern with a capture; " + f.pond_path + " has none",
                "route " + route.name);
          if (!by_key.contains(f.captures[0])) keys.push_back(f.captures[0]);
          by_key[f.captures[0]].push_back(&f);
        }
        const sitegen::Page page =
            sitegen::ParsePage(view_.ReadData(view_.Get(*route.page)), *route.page);
        for (const std::string& key : keys) {
          PageInfo p;
          p.source = *route.page;
          p.page = page;
          p.captures = {key};
          const auto label = config_.labels.find(key);
          const std::string shown = label == config_.labels.end() ? key : label->second;
          p.title = page.front.title.empty()
                        ? shown
                        : sitegen::SubstituteCaptures(page.front.title, {shown});
          const std::string slug = ReplaceAll(route.slug, "$0", key);
          p.url = sitegen::UrlPath("/" + Join(parent, slug) + ".html");
          p.crumbs = crumbs;
          p.crumbs.emplace_back(p.title, p.url);
          p.files = by_key[key];
          GiveData(route, p, false);
          AddPage(std::move(p), Join(parent, slug) + ".html");
        }
        // Its children go beside its pages, under the parent's path.
        for (const auto& child : route.routes) AddRoute(child, parent, crumbs);
        return;
      }
    }
    for (const auto& child : route.routes) AddRoute(child, dir, crumbs);
  }

  const std::vector<DataFile>& StageFiles(const std::string& name) const {
    static const std::vector<DataFile> kNone;
    auto it = data_.files.find(name);
    return it == data_.files.end() ? kNone : it->second;
  }

  // The route's export (all of it, for a static route) and annotations.
  void GiveData(const sitegen::Route& route, PageInfo& p, bool whole_export) {
    if (route.export_name) {
      if (whole_export)
        for (const DataFile& f : StageFiles(*route.export_name)) p.files.push_back(&f);
      for (const auto& s : config_.exports)
        if (s.name == *route.export_name) p.target_points = s.target_points;
    }
    if (route.annotations)
      for (const DataFile& f : StageFiles(*route.annotations)) p.annotations.push_back(&f);
  }

  // A page is in the feed's section when its frontmatter says so, or, without a
  // `section`, when its content set has the section's name.
  std::string Feed() const {
    const sitegen::SiteConfig& c = config_;
    std::vector<sitegen::FeedItem> items;
    for (const auto& p : site_.pages) {
      if (p.content.empty() || p.page.front.hidden || !p.page.front.date) continue;
      if (c.feed.content && p.content != *c.feed.content) continue;
      if (AsciiLower(p.page.front.section.value_or(p.content)) != AsciiLower(c.feed.section))
        continue;
      items.push_back({p.title, p.url.substr(1), *p.page.front.date, p.page.front.summary});
    }
    return sitegen::RssFeed(
        {c.site.title, *c.site.site_url, c.site.base_url, c.feed.description.value_or("")},
        std::move(items));
  }

  factories::View& view_;
  const sitegen::SiteConfig& config_;
  const DataStages& data_;
  SiteView site_;
  std::vector<std::string> page_files_;  // beside site_.pages
  bool draws_ = false;
  std::map<std::string, std::vector<Content>> content_;
};

// `footer` with ${DATE} (the build's UTC day) and ${BUILD} (its UTC minute) expanded.
std::string ExpandFooter(const std::string& footer) {
  const time_t now = time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  char date[16], build[32];
  strftime(date, sizeof date, "%Y-%m-%d", &tm);
  strftime(build, sizeof build, "%Y-%m-%d %H:%M UTC", &tm);
  return ReplaceAll(ReplaceAll(footer, "${DATE}", date), "${BUILD}", build);
}

}  // namespace

BuildResult Build(factories::View& view, const sitegen::SiteConfig& config,
                  const std::string& out_dir, store::Disk& disk, const BuildOptions& options) {
  const fs::path out = fs::absolute(out_dir);
  BuildResult result;
  // The data first: its folder is published by itself (an export's OUT), and the site
  // below links its files, so a build that fails later leaves OUTDIR as it was.
  const DataStages data = WriteDataStages(view, config, out, disk, options.quick, options.progress);
  result.warnings = data.warnings;
  std::string looked;
  const std::optional<WebAssets> web = FindWebAssets(config.site.base_url, &looked);
  Builder builder(view, config, data, web, config.footer ? ExpandFooter(*config.footer) : "");
  const std::map<std::string, std::string> files = builder.Files();
  spdlog::info("sitegen: {} pages rendered", builder.pages());

  // Files linked from elsewhere (the data folder, the web bundle), by path in OUT.
  std::map<std::string, fs::path> linked;
  for (const auto& [stage, stage_files] : data.files)
    for (const DataFile& f : stage_files) {
      if (files.contains(f.rel))
        throw Error("a static file or page is at an exported file's path", f.rel);
      linked[f.rel] = data.dir / f.rel.substr(5);  // less "data/"
    }
  // The web bundle goes only into a site that draws: 35 MB of DuckDB-WASM are no use
  // to pages of text.
  if (web && builder.draws()) {
    for (const auto& rel : web->files)
      if (!files.contains(rel) && rel != "importmap.json") linked[rel] = web->dir / rel;
  } else if (builder.draws()) {
    throw Error("the site's charts need pond's web bundle, which is missing (looked in " + looked +
                    "; `make` builds it, POND_WEB_DIR names another)",
                out_dir);
  }

  exporter::RemoveStaleStaging(disk, out.parent_path(),
                               "." + out.filename().string() + ".pond-staging-");
  exporter::Staging staging(disk, out);
  // What OUT holds now: every file there was the last build's.
  std::set<std::string> before;
  if (fs::is_directory(staging.out()))
    for (const auto& e : fs::recursive_directory_iterator(staging.out()))
      if (e.is_regular_file()) before.insert(fs::relative(e.path(), staging.out()).string());

  result.pages = builder.pages();
  result.files = files.size() + linked.size();
  std::vector<std::string> kept;
  for (const auto& [rel, bytes] : files) {
    const fs::path there = staging.out() / rel;
    if (before.contains(rel) && fs::file_size(there) == bytes.size() &&
        ReadHostFile(there, "file") == bytes) {
      kept.push_back(rel);
      continue;
    }
    const fs::path at = staging.dir() / rel;
    disk.MakeDirsUnsynced(at.parent_path().string());
    disk.WriteFile(at.string(), bytes);
    ++result.written;
  }
  for (const auto& [rel, source] : linked) {
    const fs::path there = staging.out() / rel;
    if (before.contains(rel) && SameFile(there, source)) {
      kept.push_back(rel);
      continue;
    }
    const fs::path at = staging.dir() / rel;
    disk.MakeDirsUnsynced(at.parent_path().string());
    if (SameDevice(source, staging.dir()))
      disk.Link(source.string(), at.string());
    else  // another file system (an installed web bundle)
      disk.WriteFile(at.string(), ReadHostFile(source, "file"));
    ++result.written;
  }
  result.kept = kept.size();
  spdlog::info("sitegen: {} files, {} written, {} kept", result.files, result.written, result.kept);
  if (result.written == 0 && kept.size() == before.size()) return result;  // nothing changed
  const std::optional<std::string> warning = fs::exists(staging.out())
                                                 ? staging.PublishFiles(kept, before)
                                                 : staging.PublishEntries();  // a first build
  if (warning) result.warnings.push_back(*warning);
  return result;
}

}  // namespace pond::site
