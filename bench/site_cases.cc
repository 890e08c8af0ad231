// Cases 24 and 25 (issue #35): sitegen.
//  24: markdown pages per second. A site of 2,000 content pages (headings, GFM tables,
//      task lists, strikethrough, code, about 4 KB each) rebuilt over its last build:
//      every page read from the pond, its shortcodes parsed, rendered by cmark-gfm,
//      laid out with the sidebar, and compared with the file there. The reference is
//      Debian's `cmark-gfm` rendering the same files (one process, to /dev/null). The
//      note gives the build into an empty folder too, which also creates 2,000 files.
//  25: the public site of a 10-site, 8-year pond (case 15's): the full build (export
//      stages and pages into an empty folder) against the rebuild after one more hour.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>

#include "bench.h"

namespace pond::bench {

namespace {

constexpr int kPages = 2000;

// A content page in the shape of the real sites' prose pages.
std::string MarkdownPage(int i, std::mt19937& rng) {
  static const char* const kWords[] = {
      "water",    "tank", "level", "well", "depth", "sensor", "reading",  "harbour", "oxygen",
      "salinity", "pump", "valve", "pipe", "meter", "flow",   "pressure", "filter",  "storage"};
  auto words = [&](int n) {
    std::string out;
    for (int k = 0; k < n; ++k)
      out += std::string(k ? " " : "") + kWords[rng() % std::size(kWords)];
    return out + ".";
  };
  std::string s = fmt::format(
      "---\ntitle: Page {}\nweight: {}\n---\n# Page {}\n\n{} See [the tank](/tank.html) "
      "and **{}**.\n\n## Readings\n\n| sensor | value | unit |\n|---|---|---|\n",
      i, i % 50, i, words(60), kWords[i % std::size(kWords)]);
  for (int r = 0; r < 8; ++r)
    s += fmt::format("| {} | {:.2f} | m |\n", kWords[rng() % std::size(kWords)],
                     (rng() % 1000) / 100.0);
  s += "\n## Notes\n\n";
  for (int r = 0; r < 6; ++r) s += fmt::format("- [{}] {}\n", rng() % 2 ? 'x' : ' ', words(8));
  s += "\n" + words(80) + "\n\n> " + words(20) +
       "\n\n```sh\npond run /etc/site build /www\n```\n\n~~old~~ new text with `code`.\n";
  return s;
}

std::string Which(const std::string& program) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"})
    if (fs::exists(std::string(dir) + program)) return std::string(dir) + program;
  return "";
}

// The web bundle the pond binary ships (site/web_assets.h), or "".
std::string WebBundle(const Bench& b) {
  const fs::path dir = fs::path(b.pond).parent_path() / "share/pond/web";
  return fs::exists(dir / "importmap.json") ? dir.string() : "";
}

// The site's folder and what sitegen keeps beside it (its data folder and spares).
void RemoveSite(const fs::path& out) {
  const std::string name = out.filename().string();
  for (const auto& e : fs::directory_iterator(out.parent_path()))
    if (e.path() == out || e.path().filename().string().starts_with("." + name + ".") ||
        e.path().filename().string().starts_with(".." + name + "."))
      fs::remove_all(e.path());
}

}  // namespace

std::vector<Row> MarkdownPagesCase(const Bench& b) {
  Progress("24 markdown pages");
  Row row{"24", fmt::format("sitegen rebuild of {} markdown pages vs cmark-gfm on the same files",
                            kPages)};
  row.limit = 2.0;  // pages per second ≥ 0.5× cmark-gfm's
  const std::string cmark = Which("cmark-gfm");
  if (cmark.empty()) {
    row.skipped = "no cmark-gfm (Debian package cmark-gfm)";
    return {row};
  }
  const fs::path pages = b.work / "md-pages";
  fs::create_directories(pages);
  std::mt19937 rng(35);
  std::vector<std::string> cmark_args = {cmark, "-e",       "table", "-e",      "strikethrough",
                                         "-e",  "tasklist", "-e",    "autolink"};
  const fs::path dir = b.work / "md-pond";
  CommitFixture(dir, "pages", true, [&](store::Transaction& txn) {
    txn.Mkdir("/content/pages", true);
    for (int i = 0; i < kPages; ++i) {
      const std::string text = MarkdownPage(i, rng);
      const fs::path file = pages / fmt::format("p{:04d}.md", i);
      std::ofstream(file, std::ios::binary) << text;
      cmark_args.push_back(file.string());
      txn.WriteData(fmt::format("/content/pages/p{:04d}.md", i), text);
    }
    txn.Mkdir("/etc", false);
    txn.Mknod("/etc/site", "sitegen",
              "site: {title: Bench}\ncontent: [{name: pages, pattern: \"/content/pages/*.md\"}]\n"
              "routes:\n  - {name: pages, type: content, slug: \"\", content: pages}\n"
              "sidebar: [{label: Home, href: /}, {label: Page 1, href: /p0001.html}]\n",
              false);
  });
  const fs::path out = b.work / "md-www";
  const std::vector<std::string> build = {"run", "/etc/site", "build", out.string()};
  std::vector<double> empty;
  for (int r = 0; r < b.repeat; ++r) {
    RemoveSite(out);
    empty.push_back(b.Pond(dir, build).seconds);
  }
  const auto t = Alternate(
      b.repeat, {[&] { return b.Pond(dir, build); }, [&] { return RunChild(cmark_args); }});
  row = SideBySide(row.id, row.name, t[0], t[1], row.limit);
  row.note = fmt::format("{:.0f} vs {:.0f} pages/s; into an empty folder {}", kPages / t[0].seconds,
                         kPages / t[1].seconds, FormatSeconds(Median(empty)));
  if (!b.keep) {
    RemoveSite(out);
    fs::remove_all(dir);
    fs::remove_all(pages);
  }
  return {row};
}

std::vector<Row> SiteCycleCase(const Bench& b) {
  Progress("25 the site of 10 sites and 8 years");
  Row row{"25", "sitegen rebuild after +1 hour vs full build, 10 sites, 8 years"};
  row.limit = 0.1;
  const std::string web = WebBundle(b);
  if (web.empty()) {
    row.skipped = "pond's web bundle is not built (share/pond/web beside the binary)";
    return {row};
  }
  constexpr int kYears = 8;
  const fs::path dir = BuildCyclePond(b, kYears, "site");
  constexpr int kLived = 64;  // a pond that has lived (case 15)
  for (int h = 0; h < kLived; ++h) AppendCycleHour(dir, kYears, h);
  CommitFixture(dir, "site", false, [&](store::Transaction& txn) {
    txn.Mkdir("/site/pages", true);
    txn.WriteData("/site/index.md", "# Ten sites\n\nEvery site, every hour.\n\n{{ chart /}}\n");
    txn.WriteData("/site/site.md",
                  "---\ntitle: \"{{ $0 }}\"\nlayout: data\n---\n# {{ $0 }}\n\n"
                  "{{ breadcrumb /}}\n\n{{ chart /}}\n");
    for (int i = 0; i < 5; ++i)
      txn.WriteData(fmt::format("/site/pages/p{}.md", i),
                    fmt::format("---\ntitle: About {}\n---\n# About {}\n\nText.\n", i, i));
    txn.WriteData("/site/explore.md", "# Explore\n\n{{ explore /}}\n");
    txn.Mkdir("/etc", false);
    txn.Mknod(
        "/etc/site", "sitegen",
        "site: {title: Ten sites, site_url: \"https://example.org\"}\n"
        "exports:\n  - {name: sites, pattern: \"/reduced/*/res=*.series\"}\n"
        "content: [{name: pages, pattern: \"/site/pages/*.md\"}]\n"
        "routes:\n  - name: home\n    type: static\n    slug: \"\"\n    page: /site/index.md\n"
        "    export: sites\n    routes:\n"
        "      - {name: sites, type: template, slug: \"sites/$0\", page: /site/site.md, export: "
        "sites}\n"
        "      - {name: explore, type: static, slug: explore, page: /site/explore.md}\n"
        "      - {name: pages, type: content, slug: \"\", content: pages}\n"
        "explore: {datasets: [{export: sites, table: sites}]}\n",
        false);
  });
  const fs::path out = b.work / "site-www";
  const std::vector<std::string> build = {"--json", "run", "/etc/site", "build", out.string()};
  std::vector<double> full, rebuild;
  long full_rss = 0, rebuild_rss = 0;
  std::string written;
  for (int r = 0; r < b.repeat; ++r) {
    RemoveSite(out);
    ChildRun f = b.Pond(dir, build, {{"POND_WEB_DIR", web}});
    full.push_back(f.seconds);
    full_rss = std::max(full_rss, f.max_rss_kib);
    AppendCycleHour(dir, kYears, kLived + r);
    const fs::path json = b.work / "site.json";
    ChildRun x = b.Pond(dir, build, {{"POND_WEB_DIR", web}}, json.string());
    rebuild.push_back(x.seconds);
    rebuild_rss = std::max(rebuild_rss, x.max_rss_kib);
    std::ifstream in(json);
    std::getline(in, written);
  }
  row.ours = Median(rebuild);
  row.reference = Median(full);
  row.ours_rss_kib = rebuild_rss;
  row.note = fmt::format("{}; peak RSS full {}", written, FormatKib(static_cast<double>(full_rss)));
  if (!b.keep) {
    RemoveSite(out);
    fs::remove_all(dir);
  }
  return {row};
}

}  // namespace pond::bench
