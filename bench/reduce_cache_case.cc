// Case 14 (issue #16): the hourly refresh of a temporal-reduce. A 15-minute series of
// 2 and of 8 years, reduced to 1h, 6h and 1d and read once (the cache is warm), then
// one hour (4 rows) appended: reading the three resolutions again with the cache
// against the same reads from scratch (POND_CACHE=off), in the same run.
#include <fmt/format.h>

#include "bench.h"
#include "store/disk.h"
#include "store/pond.h"

namespace pond::bench {

namespace {

constexpr int64_t kRowsPerYear = 35'040;

// Rows first..first+count-1: 15-minute readings from 2020-01-01, three columns.
std::string ReadingsSql(int64_t first, int64_t count) {
  return fmt::format(
      "SELECT TIMESTAMP '2020-01-01' + to_minutes(({0} + i) * 15) AS \"timestamp\", "
      "round(10 + sin(({0} + i) / 96.0), 3) AS \"Temperature.C\", "
      "round(8 + cos(({0} + i) / 96.0), 3) AS \"DO.mg/L\", "
      "round(400 + sin(({0} + i) / 7.0), 3) AS \"SpCond.uS/cm\" FROM range({1}) r(i)",
      first, count);
}

constexpr const char* kReduce = R"(in_pattern: /raw/*.series
out_pattern: $0
resolutions: [1h, 6h, 1d]
aggregations:
  - {type: avg}
  - {type: min}
  - {type: max}
)";

// `years` of readings in one version, the reduction, and its cache made by one read.
fs::path BuildPond(const Bench& b, int years) {
  const fs::path dir = b.work / fmt::format("reduce-{}y", years);
  store::NoSyncDisk disk;  // a fixture: no power cut to survive
  store::Pond::Init(dir.string(), {"pond_bench"}, {}, &disk);
  auto pond = store::Pond::OpenWrite(dir.string(), &disk);
  auto txn = pond->Begin({"pond_bench", "history"}, {});
  txn->Mkdir("/raw", false);
  txn->AppendSeries("/raw/s.series", {ReadingsSql(0, years * kRowsPerYear), "history", ""});
  txn->Mknod("/reduced", "temporal-reduce", kReduce, false);
  txn->Commit();
  return dir;
}

void AppendHour(const fs::path& dir, int years) {
  store::NoSyncDisk disk;
  auto pond = store::Pond::OpenWrite(dir.string(), &disk);
  auto txn = pond->Begin({"pond_bench", "hour"}, {});
  txn->AppendSeries("/raw/s.series", {ReadingsSql(years * kRowsPerYear, 4), "one hour", ""});
  txn->Commit();
}

// Every resolution read whole (count and sums, so every bucket is computed).
ChildRun ReadAll(const Bench& b, const fs::path& dir, bool cached) {
  ChildRun total;
  for (const char* res : {"1h", "6h", "1d"}) {
    ChildRun r = b.Pond(
        dir,
        {"cat", fmt::format("/reduced/s/res={}.series", res), "--format", "csv", "--sql",
         "SELECT count(*), sum(\"Temperature.C.avg\"), max(\"DO.mg/L.max\") FROM series"},
        cached ? std::map<std::string, std::string>{}
               : std::map<std::string, std::string>{{"POND_CACHE", "off"}});
    total.seconds += r.seconds;
    total.max_rss_kib = std::max(total.max_rss_kib, r.max_rss_kib);
  }
  return total;
}

}  // namespace

std::vector<Row> ReduceRefreshCase(const Bench& b) {
  std::vector<Row> rows;
  std::map<int, double> cached_seconds;
  for (int years : {2, 8}) {
    Progress(fmt::format("14 the refresh of a 1h/6h/1d reduction over {} years", years));
    const fs::path dir = BuildPond(b, years);
    ReadAll(b, dir, true);  // warms the cache: the hour before
    AppendHour(dir, years);
    auto t = Alternate(b.repeat, {[&] { return ReadAll(b, dir, true); },
                                  [&] { return ReadAll(b, dir, false); }});
    cached_seconds[years] = t[0].seconds;
    Row row = SideBySide(fmt::format("14 {}y", years),
                         fmt::format("read 1h+6h+1d of {} years after +1 hour, cached (vs "
                                     "POND_CACHE=off)",
                                     years),
                         t[0], t[1], years == 2 ? 0.5 : 0.25);
    if (years == 8)
      row.note = fmt::format("8y/2y cached: {:.2f}", t[0].seconds / cached_seconds[2]);
    rows.push_back(row);
    fs::remove_all(dir);
  }
  return rows;
}

}  // namespace pond::bench
