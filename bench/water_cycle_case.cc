// Case 19 (issue #33): the hourly cycle of the water-shaped pond (tests/support/
// water_pond.h: logfile-ingest, five temporal-reduces at 1m…1d over oteljson:///, four
// window-function analyses, an export by year and month) with a year of 1-minute
// telemetry (525,600 lines of 7 gauges), its log rotated monthly as the collector
// does: eleven casparwater-<date>.json and the active casparwater.json, December so
// far.
//
// The first full run: a new pond (`pond apply`, untimed), then `pond run /etc/ingest`
// of the year and `pond export` of every reduction and analysis into an empty folder,
// with an empty cache. The hourly cycle: one more hour (60 lines) appended to the
// active log, the same two commands, the export refreshing the folder the full run
// wrote. The first such hour is a one-off (the active log, ingested in one piece, is
// parsed piece by piece from its first append on; the export's spare folder is made):
// it is reported, and the next hour is the cycle measured. Targets: the hourly cycle
// ≤ 0.1 × the full run; every command's peak RSS < 500 MiB. The same at half a year of history
// (July to December) shows what grows with it. Answers: the pond's BLAKE3 of every log is b3sum's,
// and the refreshed folder holds the files of an export from scratch (POND_CACHE=off), byte for
// byte.
#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.h"
#include "bench.h"
#include "support/water_pond.h"

namespace pond::bench {

namespace {

namespace water = testing::water;

constexpr int64_t kStart = 1704067200'000000;  // 2024-01-01T00:00:00Z, line 0
constexpr int64_t kEnd = 525'600;              // lines to 2024-12-30 23:59
constexpr int64_t kHour = 60;

// The line (minute) at which month `m` (0 = January 2024) starts.
int64_t MonthStart(int m) {
  struct tm tm {};
  tm.tm_year = 2024 - 1900 + m / 12;
  tm.tm_mon = m % 12;
  tm.tm_mday = 1;
  return (static_cast<int64_t>(timegm(&tm)) * 1'000'000 - kStart) / 60'000'000;
}

// The logs in `dir` from month `first` to kEnd as the collector leaves them: each
// month rotated on the first of the next, December still being written.
void WriteLogs(const fs::path& dir, const testing::OtlpGauges& spec, int first) {
  fs::create_directories(dir);
  for (int m = first; m < 11; ++m)
    testing::WriteOtlpFile(dir / water::ArchivedLog(fmt::format("2024-{:02}-01", m + 2)), spec,
                           MonthStart(m), MonthStart(m + 1) - MonthStart(m));
  testing::WriteOtlpFile(dir / water::kActiveLog, spec, MonthStart(11), kEnd - MonthStart(11));
}

ChildRun Both(const ChildRun& a, const ChildRun& b) {
  return {a.seconds + b.seconds, std::max(a.max_rss_kib, b.max_rss_kib), a.err + b.err};
}

nlohmann::json ReadJson(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// name → hash as `b3sum` prints them (lines `<hash>  <path>`), names without folders.
std::map<std::string, std::string> B3sums(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::ifstream in(file);
  for (std::string hash, path; in >> hash >> path;) out[fs::path(path).filename()] = hash;
  return out;
}

struct Cycle {
  Timing full, first_hour, hour;
  double full_ingest = 0, full_export = 0, hour_ingest = 0, hour_export = 0, uncached = 0;
  int64_t log_bytes = 0, files = 0, written = 0, kept = 0;
};

// The full run and the hourly cycle, alternating, on logs from month `first` on.
Cycle Measure(const Bench& b, int first) {
  const fs::path work = b.work / fmt::format("water-{}", first);
  const fs::path logs = work / "logs", pond_dir = work / "pond", site = work / "site",
                 out = site / "data", apply = work / "water.yaml", json = work / "export.json";
  const testing::OtlpGauges spec = water::Telemetry(kStart, kEnd + 2 * kHour);
  WriteLogs(logs, spec, first);
  ::sync();  // written back before timing
  const fs::path active = logs / water::kActiveLog;
  const auto active_size = fs::file_size(active);
  Cycle c;
  for (const auto& e : fs::directory_iterator(logs))
    c.log_bytes += static_cast<int64_t>(e.file_size());
  {
    std::ofstream yaml(apply);
    yaml << water::ApplyYaml(logs.string());
  }
  std::vector<std::string> export_args = water::ExportArgs(out.string(), "year,month");
  export_args.insert(export_args.begin(), "--json");

  std::vector<double> full_ingest, full_export, hour_ingest, hour_export;
  Side full = [&] {
    fs::remove_all(pond_dir);
    fs::remove_all(site);
    fs::resize_file(active, active_size);
    b.Pond(pond_dir, {"init"});
    b.Pond(pond_dir, {"apply", "-f", apply.string()});
    const ChildRun ingest = b.Pond(pond_dir, {"run", "/etc/ingest"});
    const ChildRun exported = b.Pond(pond_dir, export_args, {}, json.string());
    full_ingest.push_back(ingest.seconds);
    full_export.push_back(exported.seconds);
    return Both(ingest, exported);
  };
  // Hour `h` after the year (Alternate keeps the order: after `full`, hour 0 then 1).
  const auto hour = [&](int h) {
    testing::WriteOtlpFile(active, spec, kEnd + h * kHour, kHour, /*append=*/true);
    const ChildRun ingest = b.Pond(pond_dir, {"run", "/etc/ingest"});
    const ChildRun exported = b.Pond(pond_dir, export_args, {}, json.string());
    if (h == 0) return Both(ingest, exported);
    hour_ingest.push_back(ingest.seconds);
    hour_export.push_back(exported.seconds);
    const nlohmann::json result = ReadJson(json);
    c.files = result.at("total_files").get<int64_t>();
    c.written = result.at("files_written").get<int64_t>();
    c.kept = result.at("files_kept").get<int64_t>();
    return Both(ingest, exported);
  };
  const auto t = Alternate(b.repeat, {full, [&] { return hour(0); }, [&] { return hour(1); }});
  c.full = t[0];
  c.first_hour = t[1];
  c.hour = t[2];
  c.full_ingest = Median(full_ingest);
  c.full_export = Median(full_export);
  c.hour_ingest = Median(hour_ingest);
  c.hour_export = Median(hour_export);

  // The answers: every log mirrored byte for byte (its BLAKE3 is b3sum's), and the
  // refreshed folder as an export of the same pond from scratch writes it.
  const fs::path pond_sums = work / "pond-b3sum.txt", host_sums = work / "b3sum.txt";
  b.Pond(pond_dir, {"run", "/etc/ingest", "b3sum"}, {}, pond_sums.string());
  std::vector<std::string> b3sum = {"/usr/bin/b3sum"};
  for (const auto& e : fs::directory_iterator(logs)) b3sum.push_back(e.path().string());
  RunChild(b3sum, {}, host_sums.string());
  if (B3sums(pond_sums) != B3sums(host_sums))
    throw Error("the pond's BLAKE3s of the logs are not b3sum's", "case 19");
  const fs::path scratch = site / "scratch";
  std::vector<std::string> scratch_args = water::ExportArgs(scratch.string(), "year,month");
  scratch_args.insert(scratch_args.begin(), "--quiet");
  c.uncached = b.Pond(pond_dir, scratch_args, {{"POND_CACHE", "off"}}).seconds;
  if (ExportedFileHashes(out) != ExportedFileHashes(scratch))
    throw Error("the refreshed export differs from an export from scratch", "case 19");
  if (!b.keep) fs::remove_all(work);
  return c;
}

}  // namespace

std::vector<Row> WaterCycleCase(const Bench& b) {
  if (!fs::exists("/usr/bin/b3sum")) {
    Row row{"19 hourly", "water pond, a year of minutes: the hourly cycle"};
    row.skipped = "no /usr/bin/b3sum (Debian package b3sum)";
    return {row};
  }
  Progress("19 the hourly cycle of a water-shaped pond with a year of 1-minute telemetry");
  const Cycle year = Measure(b, 0);
  Progress("19 the same with half a year");
  const Cycle half = Measure(b, 6);

  std::vector<Row> rows;
  rows.push_back(SideBySide("19 hourly",
                            "water pond, a year of minutes: +1 hour, run and export refreshed "
                            "(vs the first full run)",
                            year.hour, year.full, 0.1));
  rows.back().note = fmt::format(
      "run {} + export {}, against {} + {}; {} of {} files written, {} kept; the first hour "
      "after the full run {}; {:.0f} MB of logs; export from scratch with POND_CACHE=off {}",
      FormatSeconds(year.hour_ingest), FormatSeconds(year.hour_export),
      FormatSeconds(year.full_ingest), FormatSeconds(year.full_export), year.written, year.files,
      year.kept, FormatSeconds(year.first_hour.seconds), year.log_bytes / 1e6,
      FormatSeconds(year.uncached));
  Row growth{"19 1y/6mo", "the hourly cycle at a year vs at half a year of history"};
  growth.ours = year.hour.seconds;
  growth.reference = half.hour.seconds;
  growth.limit = 1.5;
  growth.note = fmt::format("full runs {} vs {}", FormatSeconds(year.full.seconds),
                            FormatSeconds(half.full.seconds));
  rows.push_back(growth);
  Row rss{"19 RSS", "peak RSS of every command of the full run and the hourly cycle (a year)"};
  rss.bound = Bound::kMemoryKib;
  rss.ours = static_cast<double>(
      std::max({year.full.max_rss_kib, year.first_hour.max_rss_kib, year.hour.max_rss_kib}));
  rss.limit = 500 * 1024;
  rss.note =
      fmt::format("full run {}, hourly {}", FormatKib(static_cast<double>(year.full.max_rss_kib)),
                  FormatKib(static_cast<double>(year.hour.max_rss_kib)));
  rows.push_back(rss);
  return rows;
}

}  // namespace pond::bench
