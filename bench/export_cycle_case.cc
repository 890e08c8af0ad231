// Case 15 (issue #16): the real hourly cycle. A demo-shaped pond (10 sites, two
// instruments each with 15-minute readings, joined per site, reduced to 1h/6h/1d,
// a page per site and a home page) at 2 and 8 years of history: the full export
// into an empty folder, the append of one hour to every instrument, and the
// refresh export into the folder the full export wrote. The refresh should cost what
// changed (a month per resolution per site, and the pages), not the history.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench.h"

namespace pond::bench {

namespace {

constexpr int kSites = 10;
constexpr int64_t kRowsPerYear = 35'040;

// Rows first..first+count-1 of instrument `k`: 15-minute readings from 2018-01-01.
std::string ReadingsSql(int k, int64_t first, int64_t count) {
  return fmt::format(
      "SELECT TIMESTAMP '2018-01-01' + to_minutes(({0} + i) * 15) AS \"timestamp\", "
      "round(10 + {2} + sin(({0} + i) / 96.0), 3) AS \"Temperature.C\", "
      "round(8 + cos(({0} + i) / 96.0 + {2}), 3) AS \"DO.mg/L\", "
      "round(30 + sin(({0} + i) / 7.0 + {2}), 3) AS \"Salinity.psu\" FROM range({1}) r(i)",
      first, count, k);
}

std::string Instrument(int site, int n) { return fmt::format("/hydrovu/s{}/i{}.series", site, n); }

std::string CombinedYaml() {
  std::string y = "entries:\n";
  for (int s = 0; s < kSites; ++s)
    y += fmt::format(
        "  - name: Site{0}\n    factory: timeseries-join\n    config:\n      inputs:\n"
        "        - {{pattern: {1}, scope: Surface}}\n        - {{pattern: {2}, scope: Bottom}}\n",
        s, Instrument(s, 0), Instrument(s, 1));
  return y;
}

constexpr const char* kReduce = R"(in_pattern: /combined/*
out_pattern: $0
resolutions: [1h, 6h, 1d]
aggregations:
  - {type: avg}
  - {type: min}
  - {type: max}
)";

}  // namespace

fs::path BuildCyclePond(const Bench& b, int years, const std::string& name) {
  const fs::path dir = b.work / fmt::format("{}-{}y", name, years);
  CommitFixture(dir, "history", true, [&](store::Transaction& txn) {
    for (int s = 0; s < kSites; ++s) {
      txn.Mkdir(fmt::format("/hydrovu/s{}", s), true);
      for (int n = 0; n < 2; ++n)
        txn.AppendSeries(Instrument(s, n),
                         {ReadingsSql(2 * s + n, 0, years * kRowsPerYear), "history", ""});
    }
    txn.Mknod("/combined", "dynamic-dir", CombinedYaml(), false);
    txn.Mknod("/reduced", "temporal-reduce", kReduce, false);
    txn.Mkdir("/templates", false);
    txn.WriteData("/templates/site.md.tera",
                  "# {{ args[0] }}\n{% for res, leaf in export[args[0]] %}\n## {{ res }}\n"
                  "{% for f in leaf.files %}- {{ f.file }} {{ f.start_time }} {{ f.end_time }}\n"
                  "{% endfor %}{% endfor %}");
    txn.WriteData("/templates/index.md.tera",
                  "# Sites\n{% for name, leaf in export.sites %}- {{ name }}\n{% endfor %}");
    txn.Mknod("/templates/sites", "template",
              "in_pattern: /reduced/*\nout_pattern: $0\ntemplate_file: /templates/site.md.tera\n",
              false);
    txn.Mknod("/templates/home", "template",
              "in_pattern: /templates/index.md.tera\nout_pattern: index\n"
              "template_file: /templates/index.md.tera\n",
              false);
  });
  return dir;
}

double AppendCycleHour(const fs::path& dir, int years, int hour) {
  const auto started = std::chrono::steady_clock::now();
  CommitFixture(dir, "hour", false, [&](store::Transaction& txn) {
    for (int s = 0; s < kSites; ++s)
      for (int n = 0; n < 2; ++n)
        txn.AppendSeries(Instrument(s, n),
                         {ReadingsSql(2 * s + n, years * kRowsPerYear + 4 * hour, 4), "hour", ""});
  });
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

namespace {

std::vector<std::string> ExportArgs(const fs::path& out) {
  return {"--json",     "export",
          "--pattern",  "/reduced/*/res=*.series",
          "--pattern",  "/templates/*/Site*",
          "--pattern",  "/templates/home/*",
          "--dir",      out.string(),
          "--temporal", "year,month"};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Cycle {
  Timing cold, uncached;  // the first export of a never-read pond; POND_CACHE=off
  double full = 0, append = 0, refresh = 0;
  long full_rss = 0, refresh_rss = 0;
  int64_t files = 0, written = 0, changed = 0;
};

Cycle Measure(const Bench& b, int years) {
  const fs::path dir = BuildCyclePond(b, years, "cycle");
  // A pond that has lived: 64 hourly appends after the history, so the series' pieces
  // are past the merges that rewrite their first version (at 4, 16 and 64 versions;
  // then at 256, 1024…: docs/storage.md). A refresh that meets such a merge rewrites
  // that history once, as its reduction's cache recomputes it.
  constexpr int kLived = 64;
  for (int h = 0; h < kLived; ++h) AppendCycleHour(dir, years, h);
  Cycle c;
  // The first export of a pond whose reductions were never read (an empty cache: a
  // new pond, a restored one) against computing from scratch, as before the cache.
  const fs::path first = b.work / fmt::format("cycle-first-{}y", years);
  const auto cold =
      Alternate(b.repeat, {[&] {
                             fs::remove_all(first);
                             fs::remove_all(dir / "cache");
                             return b.Pond(dir, ExportArgs(first));
                           },
                           [&] {
                             fs::remove_all(first);
                             return b.Pond(dir, ExportArgs(first), {{"POND_CACHE", "off"}});
                           }});
  c.cold = cold[0];
  c.uncached = cold[1];
  fs::remove_all(first);
  std::vector<double> full, append, refresh;
  for (int r = 0; r < b.repeat; ++r) {
    const fs::path out = b.work / fmt::format("cycle-out-{}y-{}", years, r);
    const fs::path json = b.work / "cycle.json";
    ChildRun f = b.Pond(dir, ExportArgs(out));
    full.push_back(f.seconds);
    c.full_rss = std::max(c.full_rss, f.max_rss_kib);
    const auto before = ExportedFileHashes(out);
    append.push_back(AppendCycleHour(dir, years, kLived + r));
    ChildRun x = b.Pond(dir, ExportArgs(out), {}, json.string());
    refresh.push_back(x.seconds);
    c.refresh_rss = std::max(c.refresh_rss, x.max_rss_kib);
    std::ifstream in(json);
    std::stringstream text;
    text << in.rdbuf();
    const auto result = nlohmann::json::parse(text.str());
    c.files = result.at("total_files").get<int64_t>();
    c.written = result.at("files_written").get<int64_t>();
    c.changed = 0;
    for (const auto& [rel, hash] : ExportedFileHashes(out))
      if (!before.contains(rel) || before.at(rel) != hash) ++c.changed;
    fs::remove_all(out);
  }
  c.full = Median(full);
  c.append = Median(append);
  c.refresh = Median(refresh);
  if (!b.keep) fs::remove_all(dir);
  return c;
}

}  // namespace

std::vector<Row> ExportCycleCase(const Bench& b) {
  std::vector<Row> rows;
  std::map<int, Cycle> cycles;
  for (int years : {2, 8}) {
    Progress(fmt::format("15 the hourly cycle at {} years", years));
    const Cycle c = cycles[years] = Measure(b, years);
    Row row{fmt::format("15 {}y", years),
            fmt::format("refresh export after +1 hour vs full export, {} years", years)};
    row.ours = c.refresh;
    row.reference = c.full;
    // The issue's target is at 8 years; at 2 years the refresh need only beat the full.
    row.limit = years == 8 ? 0.2 : 1.0;
    row.ours_rss_kib = c.refresh_rss;
    row.note = fmt::format(
        "{} of {} files written, {} changed; +1 hour on 20 instruments {}; "
        "peak RSS full {}",
        c.written, c.files, c.changed, FormatSeconds(c.append),
        FormatKib(static_cast<double>(c.full_rss)));
    rows.push_back(row);
    Row first = SideBySide(fmt::format("15 cold {}y", years),
                           fmt::format("first export of a never-read pond vs POND_CACHE=off, {} "
                                       "years",
                                       years),
                           c.cold, c.uncached, 1.0);
    first.note = fmt::format("fastest {} vs {}", FormatSeconds(c.cold.fastest),
                             FormatSeconds(c.uncached.fastest));
    rows.push_back(first);
  }
  Row growth{"15 8y/2y", "refresh at 8 years vs refresh at 2 years"};
  growth.ours = cycles[8].refresh;
  growth.reference = cycles[2].refresh;
  growth.limit = 1.5;
  rows.push_back(growth);
  Row written{"15 files", "files the refresh wrote vs files whose content changed (8 years)"};
  written.ours = static_cast<double>(cycles[8].written);
  written.reference = static_cast<double>(std::max<int64_t>(1, cycles[8].changed));
  written.bound = Bound::kCountRatio;
  written.limit = 1.0;
  written.note = "the manifest besides";
  rows.push_back(written);
  Row rss{"15 RSS", "peak RSS of the refresh vs the full export (8 years)"};
  rss.bound = Bound::kSizeRatio;
  rss.ours = static_cast<double>(cycles[8].refresh_rss);
  rss.reference = static_cast<double>(cycles[8].full_rss);
  rss.limit = 1.0;
  rows.push_back(rss);
  return rows;
}

}  // namespace pond::bench
