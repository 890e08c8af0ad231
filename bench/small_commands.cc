// Case 6: commands a person types, timed as the whole process: `pond list '/**'`
// on a pond of 10,000 nodes against `find` over a host tree of the same entries,
// `pond log`, `pond describe` and `pond cat` of a small series in it.
#include <fmt/format.h>

#include <fstream>

#include "bench.h"
#include "store/disk.h"
#include "store/pond.h"

namespace pond::bench {

namespace {

constexpr int kDirs = 100, kFilesPerDir = 99;  // 100 + 9,900 nodes below the root
constexpr int kRuns = 9;                       // the median is reported

// /site000 … /site099, each with reading00.csv … reading98.csv, and /small.series
// (1,000 rows), written through the store in one transaction.
void BuildWidePond(const fs::path& dir) {
  store::NoSyncDisk disk;
  store::Pond::Init(dir.string(), {"pond_bench"}, {}, &disk);
  auto pond = store::Pond::OpenWrite(dir.string(), &disk);
  auto txn = pond->Begin({"pond_bench", "fixture"}, {});
  for (int d = 0; d < kDirs; ++d) {
    const std::string site = fmt::format("/site{:03d}", d);
    txn->Mkdir(site, false);
    for (int f = 0; f < kFilesPerDir; ++f)
      txn->WriteData(fmt::format("{}/reading{:02d}.csv", site, f),
                     fmt::format("timestamp,value\n2024-01-01 00:00:00,{}.{}\n", d, f));
  }
  txn->AppendSeries("/small.series",
                    {"SELECT TIMESTAMP '2024-01-01' + to_minutes(i * 15) AS \"timestamp\", "
                     "round(10 + random(), 3) AS \"Temperature.C\", round(8 + random(), 3) AS "
                     "\"DO.mg/L\" FROM range(1000) AS r(i)",
                     "small series", ""});
  txn->Commit();
}

// The same tree on the host: 100 folders of 99 files, and the series as a file.
void BuildWideHostTree(const fs::path& dir) {
  for (int d = 0; d < kDirs; ++d) {
    const fs::path site = dir / fmt::format("site{:03d}", d);
    fs::create_directories(site);
    for (int f = 0; f < kFilesPerDir; ++f)
      std::ofstream(site / fmt::format("reading{:02d}.csv", f)) << "timestamp,value\n";
  }
  std::ofstream(dir / "small.series") << "";
}

Row Absolute(const std::string& id, const std::string& name, double limit,
             const std::function<ChildRun()>& run) {
  std::vector<double> seconds;
  long rss = 0;
  for (int i = 0; i < kRuns; ++i) {
    ChildRun r = run();
    seconds.push_back(r.seconds);
    rss = std::max(rss, r.max_rss_kib);
  }
  Row row{id, name};
  row.ours = Median(seconds);
  row.bound = Bound::kSeconds;
  row.limit = limit;
  row.ours_rss_kib = rss;
  row.note = fmt::format("median of {}", kRuns);
  return row;
}

}  // namespace

std::vector<Row> SmallCommandsCase(const Bench& b) {
  Progress("6 pond list / pond cat");
  const fs::path dir = b.work / "wide-pond";
  BuildWidePond(dir);
  const fs::path host = b.work / "wide-host";
  BuildWideHostTree(host);
  Side list_side = [&] { return b.Pond(dir, {"list", "/**"}); };
  Side find_side = [&] { return RunChild({"/usr/bin/find", host.string()}); };
  Bench nine = b;
  nine.repeat = kRuns;
  auto t = Alternate(nine.repeat, {list_side, find_side});
  Row list = SideBySide("6 list", "pond list '/**', 10,000 nodes (vs find over the same tree)",
                        t[0], t[1], 3.0);
  list.note = fmt::format("median of {}", kRuns);
  Row log = Absolute("6 log", "pond log of that pond (process wall time)", 0.030,
                     [&] { return b.Pond(dir, {"log"}); });
  Row describe = Absolute("6 describe", "pond describe of the stored series", 0.030, [&] {
    return b.Pond(dir, {"describe", "/small.series"});
  });
  Row cat = Absolute("6 cat", "pond cat of a 1,000-row series in that pond", 0.050, [&] {
    return b.Pond(dir, {"cat", "/small.series"});
  });
  std::vector<Row> rows = {list, log, describe, cat};
  // What checking every catalog page read costs (docs/storage.md, "A damaged catalog"):
  // the same commands with POND_CATALOG_VERIFY=off, alternated in the same run.
  const std::vector<std::pair<std::string, std::vector<std::string>>> checked = {
      {"list", {"list", "/**"}},
      {"log", {"log"}},
      {"describe", {"describe", "/small.series"}},
      {"cat", {"cat", "/small.series"}}};
  for (const auto& [id, args] : checked) {
    auto pair =
        Alternate(nine.repeat, {[&] { return b.Pond(dir, args); },
                                [&] {
                                  return b.Pond(dir, args, {{"POND_CATALOG_VERIFY", "off"}});
                                }});
    Row row = SideBySide("6 " + id + " sums",
                         "pond " + id + ", catalog pages checked (vs POND_CATALOG_VERIFY=off)",
                         pair[0], pair[1], 1.05);
    row.note = fmt::format("median of {}", kRuns);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace pond::bench
