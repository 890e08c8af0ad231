// Case 10: a series that lived through 10,000 appends (issue "series with thousands
// of versions"): reading it, appending to it, and its blob bytes after retention,
// each against the same rows stored as one version, in the same run. Case 11: a
// 15-minute collector's year, 35,040 appends, read against one version.
#include <fmt/format.h>

#include <chrono>
#include <fstream>

#include "bench.h"
#include "store/disk.h"
#include "store/pond.h"

namespace pond::bench {

namespace {

constexpr int kVersions = 10'000, kRowsPerVersion = 100, kAppends = 16;
// A collector every 15 minutes for a year, 4 readings a run.
constexpr int kYearVersions = 35'040, kYearRowsPerVersion = 4;

// Rows first..first+count-1 of the series: 15-minute readings from 2020-01-01.
std::string RowsSql(int64_t first, int64_t count) {
  return fmt::format(
      "SELECT TIMESTAMP '2020-01-01' + to_minutes(({0} + i) * 15) AS \"timestamp\", "
      "round(10 + sin(({0} + i) / 96.0), 3) AS \"Temperature.C\", "
      "round(8 + cos(({0} + i) / 96.0), 3) AS \"DO.mg/L\" FROM range({1}) r(i)",
      first, count);
}

// A pond at `dir` whose /s.series took `versions` appends of `rows` rows each, one
// transaction per version as a collector writes them. A Pond (so one DuckDB) serves
// 1,000 of them: opening DuckDB 10,000 times would take minutes, and one Pond for all
// of them grew to ~900 MB over 20,000 (DuckDB's external file cache, now off). Returns the
// seconds; progress per 5,000.
double BuildAppended(const fs::path& dir, int versions, int rows) {
  const auto start = std::chrono::steady_clock::now();
  auto lap = start;
  store::NoSyncDisk disk;  // a fixture: no power cut to survive
  store::Pond::Init(dir.string(), {"pond_bench"}, {}, &disk);
  std::unique_ptr<store::Pond> pond;
  for (int k = 0; k < versions; ++k) {
    if (k % 1000 == 0) {
      pond.reset();  // its writer lock first
      pond = store::Pond::OpenWrite(dir.string(), &disk);
    }
    auto txn = pond->Begin({"pond_bench", "append"}, {});
    txn->AppendSeries("/s.series",
                      {RowsSql(int64_t{k} * rows, rows), fmt::format("version {}", k), ""});
    txn->Commit();
    if ((k + 1) % 5000 == 0) {
      const auto now = std::chrono::steady_clock::now();
      Progress(fmt::format("  {} appends, the last 5,000 at {:.1f} ms each", k + 1,
                           std::chrono::duration<double, std::milli>(now - lap).count() / 5000));
      lap = now;
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The same rows as one version.
void BuildOnce(const fs::path& dir, int64_t rows) {
  store::NoSyncDisk disk;
  store::Pond::Init(dir.string(), {"pond_bench"}, {}, &disk);
  auto pond = store::Pond::OpenWrite(dir.string(), &disk);
  auto txn = pond->Begin({"pond_bench", "once"}, {});
  txn->AppendSeries("/s.series", {RowsSql(0, rows), "all rows", ""});
  txn->Commit();
}

// What both sides of a read comparison run: every row, aggregated.
const std::vector<std::string> kRead = {
    "cat", "/s.series", "--format", "csv", "--sql",
    "SELECT count(*) AS n, sum(\"Temperature.C\") AS t, sum(\"DO.mg/L\") AS o, "
    "max(\"timestamp\") AS last FROM series"};

int64_t BlobBytes(const fs::path& pond) {
  int64_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(pond / "blobs"))
    if (e.is_regular_file()) bytes += static_cast<int64_t>(e.file_size());
  return bytes;
}

// Appends `kAppends` small CSVs after the generated rows, one `pond copy` each.
ChildRun Appends(const Bench& b, const fs::path& pond, const std::vector<fs::path>& csvs,
                 const std::map<std::string, std::string>& env = {}) {
  ChildRun total;
  for (const auto& csv : csvs) {
    ChildRun r = b.Pond(pond, {"copy", csv.string(), "/s.series", "--format", "series"}, env);
    total.seconds += r.seconds;
    total.max_rss_kib = std::max(total.max_rss_kib, r.max_rss_kib);
  }
  return total;
}

}  // namespace

std::vector<Row> ManyVersionsCase(const Bench& b) {
  Progress(fmt::format("10 a series of {} appended versions (building it in process)", kVersions));
  const fs::path many = b.work / "many-versions", once = b.work / "one-version";
  store::NoSyncDisk disk;
  BuildAppended(many, kVersions, kRowsPerVersion);
  BuildOnce(once, int64_t{kVersions} * kRowsPerVersion);
  const int64_t once_bytes = BlobBytes(once);
  const std::vector<std::string>& read = kRead;
  auto tr = Alternate(b.repeat, {[&] { return b.Pond(many, read); },
                                 [&] { return b.Pond(once, read); }});
  Row read_row = SideBySide("10 read", "read all rows of 10,000 appended versions (vs one version)",
                            tr[0], tr[1], 1.5);

  // 16 appends of 4 rows after the generated ones: to the 10,000-version series, and
  // to a new series in a fresh pond (its first append creates it).
  std::vector<fs::path> csvs;
  for (int a = 0; a < kAppends; ++a) {
    csvs.push_back(b.work / fmt::format("append{}.csv", a));
    std::ofstream out(csvs.back());
    out << "timestamp,Temperature.C,DO.mg/L\n";
    for (int i = 0; i < 4; ++i)
      out << fmt::format("2040-01-{:02d} {:02d}:00:00,10.{},8.{}\n", a + 1, i, i, i);
  }
  int round = 0;
  auto ta = Alternate(b.repeat, {[&] { return Appends(b, many, csvs); },
                                 [&] {
                                   const fs::path fresh = b.work / fmt::format("fresh{}", round++);
                                   store::Pond::Init(fresh.string(), {"pond_bench"}, {}, &disk);
                                   return Appends(b, fresh, csvs);
                                 }});
  Row append_row = SideBySide(
      "10 append", "16 appends to that series (vs to a new series), merges included", ta[0],
      ta[1], 1.5);

  // What checking every catalog page read costs (docs/storage.md, "A damaged
  // catalog"): the same appends with POND_CATALOG_VERIFY=off, alternated. Pages are
  // sealed on write either way.
  auto tv = Alternate(b.repeat, {[&] { return Appends(b, many, csvs); },
                                 [&] {
                                   return Appends(b, many, csvs, {{"POND_CATALOG_VERIFY", "off"}});
                                 }});
  Row checked_row =
      SideBySide("10 append sums",
                 "16 appends to that series, catalog pages checked (vs POND_CATALOG_VERIFY=off)",
                 tv[0], tv[1], 1.05);

  b.Pond(many, {"maintain", "--keep-txns", "100"});
  Row bytes_row{"10 bytes", "blob bytes after maintain --keep-txns 100 (vs the rows stored once)"};
  bytes_row.bound = Bound::kSizeRatio;
  bytes_row.ours = static_cast<double>(BlobBytes(many)) / 1024;
  bytes_row.reference = static_cast<double>(once_bytes) / 1024;
  bytes_row.limit = 2.0;
  fs::remove_all(many);
  fs::remove_all(once);
  for (int r = 0; r < round; ++r) fs::remove_all(b.work / fmt::format("fresh{}", r));
  return {read_row, append_row, checked_row, bytes_row};
}

std::vector<Row> CollectorYearCase(const Bench& b) {
  Progress(fmt::format("11 a 15-minute collector's year: {} appends (building it in process)",
                       kYearVersions));
  const fs::path year = b.work / "collector-year", once = b.work / "year-once";
  const double build = BuildAppended(year, kYearVersions, kYearRowsPerVersion);
  BuildOnce(once, int64_t{kYearVersions} * kYearRowsPerVersion);
  auto t = Alternate(b.repeat, {[&] { return b.Pond(year, kRead); },
                                [&] { return b.Pond(once, kRead); }});
  Row read = SideBySide("11 read",
                        "read a 15-minute collector's year: 35,040 appends (vs one version)",
                        t[0], t[1], 1.5);
  read.note = fmt::format("built in {:.0f} s, {:.1f} ms an append", build,
                          build * 1000 / kYearVersions);
  fs::remove_all(year);
  fs::remove_all(once);
  return {read};
}

}  // namespace pond::bench
