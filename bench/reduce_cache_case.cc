// Case 14 (issue #16): the hourly refresh of a temporal-reduce. A site of four
// instruments (15-minute readings, 6 columns each) over 2 and 8 years, joined and
// reduced to 1h, 6h and 1d (avg, min, max: 72 columns) and read once (the cache is
// warm); then one hour (4 rows) appended to every instrument: reading the three
// resolutions again with the cache against the same reads from scratch
// (POND_CACHE=off), in the same run.
#include <fmt/format.h>

#include "bench.h"

namespace pond::bench {

namespace {

constexpr int64_t kRowsPerYear = 35'040;
constexpr int kInstruments = 4;

// Rows first..first+count-1 of instrument k: 15-minute readings from 2020-01-01.
std::string ReadingsSql(int k, int64_t first, int64_t count) {
  std::string columns;
  for (int c = 0; c < 6; ++c)
    columns += fmt::format(", round({0} + sin(({1} + i) / {2}.0), 3) AS \"p{0}\"", c, first,
                           90 + 7 * c + k);
  return fmt::format(
      "SELECT TIMESTAMP '2020-01-01' + to_minutes(({0} + i) * 15) AS \"timestamp\"{2} "
      "FROM range({1}) r(i)",
      first, count, columns);
}

constexpr const char* kJoin = R"(inputs:
  - {pattern: /raw/i0.series, scope: I0}
  - {pattern: /raw/i1.series, scope: I1}
  - {pattern: /raw/i2.series, scope: I2}
  - {pattern: /raw/i3.series, scope: I3}
)";

constexpr const char* kReduce = R"(in_pattern: /site.series
out_pattern: site
resolutions: [1h, 6h, 1d]
aggregations:
  - {type: avg}
  - {type: min}
  - {type: max}
)";

// `years` of readings in one version, and the reduction.
fs::path BuildPond(const Bench& b, int years) {
  const fs::path dir = b.work / fmt::format("reduce-{}y", years);
  CommitFixture(dir, "history", true, [&](store::Transaction& txn) {
    txn.Mkdir("/raw", false);
    for (int k = 0; k < kInstruments; ++k)
      txn.AppendSeries(fmt::format("/raw/i{}.series", k),
                       {ReadingsSql(k, 0, years * kRowsPerYear), "history", ""});
    txn.Mknod("/site.series", "timeseries-join", kJoin, false);
    txn.Mknod("/reduced", "temporal-reduce", kReduce, false);
  });
  return dir;
}

void AppendHour(const fs::path& dir, int years) {
  CommitFixture(dir, "hour", false, [&](store::Transaction& txn) {
    for (int k = 0; k < kInstruments; ++k)
      txn.AppendSeries(fmt::format("/raw/i{}.series", k),
                       {ReadingsSql(k, years * kRowsPerYear, 4), "one hour", ""});
  });
}

// Every resolution read whole (count and sums, so every bucket is computed).
ChildRun ReadAll(const Bench& b, const fs::path& dir, bool cached) {
  ChildRun total;
  for (const char* res : {"1h", "6h", "1d"}) {
    ChildRun r =
        b.Pond(dir,
               {"cat", fmt::format("/reduced/site/res={}.series", res), "--format", "csv", "--sql",
                "SELECT count(*), sum(\"I0.p0.avg\"), max(\"I3.p5.max\") FROM series"},
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
  std::map<int, Timing> cached;
  for (int years : {2, 8}) {
    Progress(fmt::format("14 the refresh of a 1h/6h/1d reduction over {} years", years));
    const fs::path dir = BuildPond(b, years);
    ReadAll(b, dir, true);  // warms the cache: the hour before
    AppendHour(dir, years);
    auto t = Alternate(
        b.repeat, {[&] { return ReadAll(b, dir, true); }, [&] { return ReadAll(b, dir, false); }});
    cached[years] = t[0];
    rows.push_back(SideBySide(fmt::format("14 {}y", years),
                              fmt::format("read 1h+6h+1d of a 4-instrument join, {} years, after "
                                          "+1 hour, cached (vs POND_CACHE=off)",
                                          years),
                              t[0], t[1], years == 2 ? 1.0 : 0.5));
    fs::remove_all(dir);
  }
  // The issue's target: the refresh follows the new data, not the history.
  rows.push_back(SideBySide("14 8y/2y", "that cached read at 8 years (vs at 2 years)", cached[8],
                            cached[2], 1.5));
  return rows;
}

}  // namespace pond::bench
