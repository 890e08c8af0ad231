// A Noyo-harbour-shaped pond (the original's noyo.yaml, issue #34) through the `pond`
// binary, set up by an apply file of its own: a bare Git repository (made with `git`)
// holds years of HydroVu history as Parquet archives and a retired sonde's HydroVu
// HTML exports (laketech); two git-ingest nodes show them; the hydrovu collector,
// seeded by the archives, downloads from the fake HydroVu; per-site joins continue
// each instrument's record from laketech through the archive to live collection;
// reductions (1h, 1d) run over the joins and a pivot across sites over the days.
// Every join, reduction and pivot is compared with what the test computes from the
// readings it generated: each timestamp once where archives overlap each other and
// the live collection, counts and values per bucket. The collector resumes one
// second after the archive, then after its own last reading; the repository is never
// written; a new archive committed and pulled shows in every reduction.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include "base/time.h"
#include "engine/duckdb.h"
#include "fake_hydrovu.h"
#include "support/git_repo.h"
#include "support/hydrovu_html.h"
#include "support/pond_fixture.h"

namespace pond {
namespace {

namespace fs = std::filesystem;
using testing::FakeHydroVu;
using testing::FakeParameter;
using testing::RunResult;

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr int64_t kJun1of2023 = 1685577600;
constexpr int64_t kFeb10of2024 = 1707523200;  // NoyoCenter's sonde out for 3 days' service
constexpr int64_t kJun1of2024 = 1717200000;
constexpr int64_t kMar3 = 1740960000;      // 2025-03-03: FBBottom's AT500 deployed beside
constexpr int64_t kHandover = 1741122000;  // 2025-03-04T21:00:00Z: ...and laketech's retired
constexpr int64_t kJun29 = 1751155200;
constexpr int64_t kJun30 = 1751241600;
constexpr int64_t kJul1 = 1751328000;  // the archives end the hour before
constexpr int64_t kJul3 = 1751500800;
// Points (a value at a time) per device per run: 3 a time, 4 times a page, so the
// 8th page (32 times) reaches it.
constexpr int kMaxPointsPerRun = 90;

// A HydroVu device and the site its record belongs to.
struct Device {
  int64_t id;
  std::string name;  // the device's series: <name>.series, <name>_archive_<date>.series
  std::string site;  // its join: /combined/<site>
  int64_t seed;
};
const Device kCenter{1001, "NoyoCenterAT500_1", "NoyoCenter", 0};
const Device kBottom{1002, "FBBottomAT500_2", "FBBottom", 11};

// One reading's values (NULL as nullopt) in the live names.
struct Values {
  std::optional<double> temperature, oxygen, salinity;
};

// An AT500's reading at `t`: a function of the hour alone, so archives and the server
// agree wherever they overlap; multiples of 1/16, so sums are exact in any order.
Values Sonde(const Device& d, int64_t t) {
  const int64_t h = t / kHour + d.seed;
  return {9 + static_cast<double>(h * 7 % 40) * 0.25, 6 + static_cast<double>(h * 3 % 17) * 0.125,
          28 + static_cast<double>(h * 5 % 23) * 0.0625};
}

// A Parquet archive in the repository: hourly readings in [from, to) but [gap, gap_end).
struct Archive {
  const Device* device;
  std::string date;  // of the archiving: <name>_archive_<date>.series
  int64_t from, to;
  int64_t gap = 0, gap_end = 0;

  std::string RepoPath() const {
    return "hydrovu/devices/" + std::to_string(device->id) + "/" + device->name + "_archive_" +
           date + ".series";
  }
  std::vector<int64_t> Times() const {
    std::vector<int64_t> out;
    for (int64_t t = from; t < to; t += kHour)
      if (t < gap || t >= gap_end) out.push_back(t);
    return out;
  }
};

// NoyoCenter's two years (the files share 2024-06-01), FBBottom's AT500 from beside
// the retiring sonde; and the archive committed later, cut from the old system after
// live collection began (it repeats live readings and adds 2025-07-03's first hours).
const Archive kCenter2024{&kCenter,           "20240602",   kJun1of2023,
                          kJun1of2024 + kDay, kFeb10of2024, kFeb10of2024 + 3 * kDay};
const Archive kCenter2025{&kCenter, "20250701", kJun1of2024, kJul1};
const Archive kBottom2025{&kBottom, "20250701", kMar3, kJul1};
const Archive kCenterLate{&kCenter, "20250703", kJun29, kJul3 + 6 * kHour};

// The laketech exports of the retired sonde: every 15 minutes from 2025-03-01 08:00;
// the later export repeats the earlier one's rows, as HydroVu exports from a date do.
// Columns 0, 3 and 4 are Temperature, Salinity and RDO Concentration.
constexpr int64_t kLaketechStart = 1740816000;
const testing::HydroVuExportSpec kLaketechEarly{200, 5, 97};
const testing::HydroVuExportSpec kLaketechLate{480, 5, 97};

std::optional<double> Reading(const testing::HydroVuExportSpec& spec, int64_t row, int column) {
  const std::string text = testing::HydroVuReading(spec, row, column);
  if (text.empty()) return std::nullopt;
  return std::stod(text);
}

// What the test expects the pond to hold: the archives pulled, the readings collected.
struct Model {
  std::vector<Archive> archives = {kCenter2024, kCenter2025, kBottom2025};
  int64_t collected_end = kJul1;  // live readings in [kJul1, collected_end)

  // A site's joined rows by time (Unix seconds): its scope's inputs, each in its range.
  std::map<int64_t, Values> Rows(const Device& d) const {
    const int64_t begin = &d == &kBottom ? kHandover : 0;
    std::map<int64_t, Values> rows;
    for (const Archive& a : archives)
      if (a.device == &d)
        for (int64_t t : a.Times())
          if (t >= begin) rows[t] = Sonde(d, t);
    for (int64_t t = kJul1; t < collected_end; t += kHour) rows[t] = Sonde(d, t);
    if (&d == &kBottom)
      for (int64_t r = 0; r < kLaketechLate.rows; ++r)
        if (const int64_t t = kLaketechStart + r * 900; t < kHandover)
          rows[t] = {Reading(kLaketechLate, r, 0), Reading(kLaketechLate, r, 4),
                     Reading(kLaketechLate, r, 3)};
    return rows;
  }
};

// An average as SQL's avg: NULLs left out, none at all NULL.
struct Mean {
  double sum = 0;
  int64_t n = 0;
  void Add(std::optional<double> v) {
    if (v) sum += *v, ++n;
  }
  std::optional<double> Value() const {
    return n ? std::optional<double>(sum / static_cast<double>(n)) : std::nullopt;
  }
};

// One temporal-reduce bucket of the config below.
struct Bucket {
  int64_t rows = 0;
  Mean temperature, oxygen, salinity;
  std::optional<double> max_temperature;
};

std::map<int64_t, Bucket> Reduce(const std::map<int64_t, Values>& rows, int64_t width) {
  std::map<int64_t, Bucket> out;
  for (const auto& [t, v] : rows) {
    Bucket& b = out[t - t % width];
    ++b.rows;
    b.temperature.Add(v.temperature);
    b.oxygen.Add(v.oxygen);
    b.salinity.Add(v.salinity);
    if (v.temperature)
      b.max_temperature = std::max(b.max_temperature.value_or(-1e9), *v.temperature);
  }
  return out;
}

std::string Time(int64_t t) { return FormatTimestamp(t * 1'000'000); }

// A CSV as `pond cat --format csv` prints it (no quoted field in what we select),
// without its header.
std::vector<std::vector<std::string>> CsvRows(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    size_t from = 0;
    for (size_t comma; (comma = line.find(',', from)) != std::string::npos; from = comma + 1)
      cells.push_back(line.substr(from, comma - from));
    cells.push_back(line.substr(from));
    rows.push_back(std::move(cells));
  }
  return rows;
}

// "" when the printed cell holds `v` (to rounding: laketech values are decimal), else
// both.
std::string Differs(const std::string& cell, std::optional<double> v) {
  if (!v) return cell.empty() ? "" : cell + " != NULL";
  if (!cell.empty() && std::fabs(std::stod(cell) - *v) <= 1e-9 * std::max(1.0, std::fabs(*v)))
    return "";
  return "'" + cell + "' != " + std::to_string(*v);
}

// The first difference between a reduction's rows, selected by kReductionSql, and the
// expected buckets; "" when equal.
std::string ReductionDiff(const std::string& csv, const std::map<int64_t, Bucket>& expected) {
  const auto rows = CsvRows(csv);
  if (rows.size() != expected.size())
    return std::to_string(rows.size()) + " rows, expected " + std::to_string(expected.size());
  auto it = expected.begin();
  for (const auto& row : rows) {
    const auto& [t, b] = *it++;
    if (row.size() != 6) return "row of " + std::to_string(row.size()) + " cells at " + row[0];
    std::string d = row[0] != Time(t) ? row[0] + " != " + Time(t) : "";
    if (d.empty() && row[1] != std::to_string(b.rows))
      d = "count " + row[1] + " != " + std::to_string(b.rows);
    for (const auto& [cell, v] :
         {std::pair{row[2], b.temperature.Value()}, std::pair{row[3], b.oxygen.Value()},
          std::pair{row[4], b.salinity.Value()}, std::pair{row[5], b.max_temperature}})
      if (d.empty()) d = Differs(cell, v);
    if (!d.empty()) return "bucket " + Time(t) + ": " + d;
  }
  return "";
}

constexpr const char* kReductionSql =
    "SELECT \"timestamp\", \"timestamp.count\", \"AT500_Bottom.Temperature.C.avg\", "
    "\"AT500_Bottom.DO.mg/L.avg\", \"AT500_Bottom.Salinity.psu.avg\", "
    "\"AT500_Bottom.Temperature.C.max\" FROM source ORDER BY 1";

// Every file below `dir` and its sha256: what a write to a repository would change.
std::string TreeDigest(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      files[fs::relative(e.path(), dir).string()] = testing::Sha256File(e.path());
  std::string out;
  for (const auto& [name, sha] : files) out += name + " " + sha + "\n";
  return out;
}

// Replaces every `from` in `text` by `to`.
std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

// The apply file, in the shape of the original's noyo.yaml; `url` is the repository.
std::string ApplyYaml(const std::string& url) {
  const std::string yaml = R"(# A Noyo-harbour-shaped pond (tests/noyo_pond_test.cc).
version: v1
kind: mkdir
metadata: {path: /hydrovu}
---
version: v1
kind: mknod
metadata:
  path: /hydrovu-archive
spec:
  factory: git-ingest
  config:
    url: @URL@
    ref: "${env:NOYO_REF:-main}"
    prefix: hydrovu
---
version: v1
kind: mknod
metadata:
  path: /laketech/data
spec:
  factory: git-ingest
  config:
    url: @URL@
    ref: "${env:NOYO_REF:-main}"
    prefix: laketech
---
version: v1
kind: mknod
metadata:
  path: /system/etc/10-hrename
spec:
  factory: column-rename
  config:
    rules:
      - {type: direct, from: "Date Time", to: timestamp, cast: timestamp}
      - {type: pattern, pattern: '^Temperature \(°C\) \(\d+\)$', replacement: Temperature.C}
      - {type: pattern, pattern: '^RDO Concentration \(mg/L\) \(\d+\)$', replacement: DO.mg/L}
      - {type: pattern, pattern: '^Salinity \(PSU\) \(\d+\)$', replacement: Salinity.psu}
      - {type: pattern, pattern: '^(.+) \((.+)\) \(\d+\)$', replacement: $1.$2}
---
version: v1
kind: mknod
metadata:
  path: /system/etc/20-hydrovu
spec:
  factory: hydrovu
  config:
    client_id: ${env:HYDRO_KEY_ID}
    client_secret: ${env:HYDRO_KEY_VALUE}
    base_url: "${env:HYDRO_BASE_URL:-https://www.hydrovu.com/public-api}"
    hydrovu_path: /hydrovu
    archive_path: /hydrovu-archive
    max_points_per_run: @MAX_POINTS@
    retry_base_ms: 10
    devices:
      - {name: NoyoCenterAT500_1, id: 1001, comment: "AT500 mid-harbour"}
      - {name: FBBottomAT500_2, id: 1002, comment: "AT500 at the fish bucket, bottom"}
---
version: v1
kind: mknod
metadata:
  path: /combined
spec:
  factory: dynamic-dir
  config:
    entries:
      - name: NoyoCenter
        factory: timeseries-join
        config:
          time_column: timestamp
          inputs:
            - pattern: "series:///hydrovu-archive/devices/1001/NoyoCenterAT500_1*.series"
              scope: AT500_Bottom
            - pattern: /hydrovu/devices/1001/NoyoCenterAT500_1*.series
              scope: AT500_Bottom
      - name: FBBottom
        factory: timeseries-join
        config:
          time_column: timestamp
          inputs:
            - pattern: "excelhtml:///laketech/data/HydroVu_FB-Bottom*.htm"
              scope: AT500_Bottom
              range: {end: "2025-03-04T21:00:00Z"}
              transforms: [/system/etc/10-hrename]
            - pattern: "series:///hydrovu-archive/devices/1002/FBBottomAT500_2*.series"
              scope: AT500_Bottom
              range: {begin: "2025-03-04T21:00:00Z"}
            - pattern: /hydrovu/devices/1002/FBBottomAT500_2*.series
              scope: AT500_Bottom
              range: {begin: "2025-03-04T21:00:00Z"}
---
version: v1
kind: mknod
metadata:
  path: /reduced
spec:
  factory: temporal-reduce
  config:
    in_pattern: /combined/*
    out_pattern: $0
    time_column: timestamp
    resolutions: [1h, 1d]
    aggregations:
      - type: avg
        columns: ["*.Temperature.C", "*.DO.mg/L", "*.Salinity.psu"]
      - type: max
        columns: ["*.Temperature.C"]
      - type: count
        columns: ["*"]
---
version: v1
kind: mknod
metadata:
  path: /pivot/daily
spec:
  factory: timeseries-pivot
  config:
    pattern: /reduced/*/res=1d.series
    columns: ["AT500_Bottom.Temperature.C.avg", "AT500_Bottom.DO.mg/L.avg"]
)";
  return ReplaceAll(ReplaceAll(yaml, "@URL@", url), "@MAX_POINTS@",
                    std::to_string(kMaxPointsPerRun));
}

// The fake's readings of `d`: hourly from the archives' last day to 2025-07-03.
testing::FakeLocation ServerReadings(const Device& d) {
  FakeParameter temperature{"1", "1", {}}, oxygen{"19", "117", {}}, salinity{"4", "12", {}};
  for (int64_t t = kJun30; t < kJul3; t += kHour) {
    const Values v = Sonde(d, t);
    temperature.readings.push_back({t, v.temperature});
    oxygen.readings.push_back({t, v.oxygen});
    salinity.readings.push_back({t, v.salinity});
  }
  return {d.id, d.site, {temperature, oxygen, salinity}};
}

class NoyoPondTest : public testing::PondFixture {
 protected:
  void SetUp() override {
    RunResult r = testing::Run("git", {"init", "-q", "--bare", "-b", "main", bare_.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const Archive& a : model_.archives) WriteArchive(a);
    for (const auto& [name, spec] :
         {std::pair{"HydroVu_FB-Bottom-Laketech_2025-03-03_Export.htm", kLaketechEarly},
          std::pair{"HydroVu_FB-Bottom-Laketech_2025-03-06_Export.htm", kLaketechLate}}) {
      fs::create_directories(work_.dir() / "laketech");
      testing::WriteHydroVuExport(spec, work_.dir() / "laketech" / name);
    }
    work_.Commit("history before the API");
    Push();

    fake_.SetFriendlyNames({{"1", "Temperature"}, {"4", "Salinity"}, {"19", "DO"}},
                           {{"1", "C"}, {"12", "psu"}, {"117", "mg/L"}});
    fake_.AddLocation(ServerReadings(kCenter));
    fake_.AddLocation(ServerReadings(kBottom));
    Ok({"init"});
  }

  // Writes archive `a` into the work tree as Parquet (what the original's archives are),
  // to be committed.
  void WriteArchive(const Archive& a) {
    std::string csv = "timestamp,Temperature.C,DO.mg/L,Salinity.psu\n";
    char buf[96];
    for (int64_t t : a.Times()) {
      const Values v = Sonde(*a.device, t);
      std::snprintf(buf, sizeof buf, ",%.4f,%.4f,%.4f\n", *v.temperature, *v.oxygen, *v.salinity);
      csv += Time(t) + buf;
    }
    const std::string staged = Host("archive.csv", csv);
    fs::create_directories((work_.dir() / a.RepoPath()).parent_path());
    con_.Execute(
        "COPY (SELECT \"timestamp\"::TIMESTAMP AS \"timestamp\", \"Temperature.C\"::DOUBLE AS "
        "\"Temperature.C\", \"DO.mg/L\"::DOUBLE AS \"DO.mg/L\", \"Salinity.psu\"::DOUBLE AS "
        "\"Salinity.psu\" FROM read_csv(" +
        engine::QuoteLiteral(staged) + ", header = true)) TO " +
        engine::QuoteLiteral((work_.dir() / a.RepoPath()).string()) + " (FORMAT parquet)");
  }

  void Push() {
    work_.Git({"push", "-q", "--force", bare_.string(), "+refs/heads/*:refs/heads/*"});
  }

  // pond with the deployment's environment: HydroVu's key, the fake as its API.
  RunResult Noyo(const std::vector<std::string>& args) const {
    return P(args, {{"HYDRO_KEY_ID", fake_.options().client_id},
                    {"HYDRO_KEY_VALUE", fake_.options().client_secret},
                    {"HYDRO_BASE_URL", fake_.base_url()}});
  }
  std::string NoyoOk(const std::vector<std::string>& args) const {
    RunResult r = Noyo(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << "\n" << r.err;
    return r.out;
  }
  std::string CatSql(const std::string& path, const std::string& sql) const {
    return NoyoOk({"cat", path, "--format", "csv", "--sql", sql});
  }

  // startTime of `device`'s data requests from the `from`-th on (all the pages of a
  // run ask from one time), and how many there were.
  std::pair<std::string, size_t> AskedSince(const Device& d, size_t from) const {
    const auto data = fake_.requests_to("/" + std::to_string(d.id) + "/data");
    if (data.size() <= from) return {"no request", 0};
    return {data[from].Query("startTime").value_or("none"), data.size() - from};
  }
  size_t Asked(const Device& d) const {
    return fake_.requests_to("/" + std::to_string(d.id) + "/data").size();
  }

  // One collect run: each device asked from `start` (Unix s), storing the readings in
  // [first, last], `pages` pages each.
  void Collect(int64_t start, int64_t first, int64_t last, size_t pages) {
    const size_t center = Asked(kCenter), bottom = Asked(kBottom);
    const std::string out = NoyoOk({"run", "/system/etc/20-hydrovu", "collect"});
    for (const Device* d : {&kCenter, &kBottom}) {
      SCOPED_TRACE(d->name);
      EXPECT_EQ(AskedSince(*d, d == &kCenter ? center : bottom),
                std::pair(std::to_string(start), pages));
      const std::string line = d->name + " (" + std::to_string(d->id) +
                               "): " + std::to_string((last - first) / kHour + 1) + " rows, " +
                               FormatIso(first * 1'000'000) + " .. " + FormatIso(last * 1'000'000) +
                               ", transaction ";
      EXPECT_NE(out.find(line), std::string::npos) << out;
    }
  }

  // Each site's join, both reductions and the pivot against the model.
  void CheckAgainstModel() {
    std::map<int64_t, std::pair<Bucket, Bucket>> days;  // NoyoCenter's, FBBottom's
    for (const Device* d : {&kCenter, &kBottom}) {
      SCOPED_TRACE(d->site);
      const auto rows = model_.Rows(*d);
      // Every reading once: archives that overlap each other and live collection
      // are one record.
      EXPECT_EQ(CatSql("/combined/" + d->site,
                       "SELECT count(*) AS n, count(DISTINCT \"timestamp\") AS times, "
                       "min(\"timestamp\") AS first, max(\"timestamp\") AS last FROM source"),
                "n,times,first,last\n" + std::to_string(rows.size()) + "," +
                    std::to_string(rows.size()) + "," + Time(rows.begin()->first) + "," +
                    Time(rows.rbegin()->first) + "\n");
      for (const auto& [res, width] : {std::pair{"1h", kHour}, std::pair{"1d", kDay}}) {
        SCOPED_TRACE(res);
        const auto buckets = Reduce(rows, width);
        EXPECT_EQ(
            ReductionDiff(CatSql("/reduced/" + d->site + "/res=" + res + ".series", kReductionSql),
                          buckets),
            "");
        if (width == kDay)
          for (const auto& [t, b] : buckets) (d == &kCenter ? days[t].first : days[t].second) = b;
      }
    }
    // The pivot: a row per day either site has, each site's daily averages beside.
    const auto rows = CsvRows(CatSql(
        "/pivot/daily",
        "SELECT \"timestamp\", \"NoyoCenter.AT500_Bottom.Temperature.C.avg\", "
        "\"NoyoCenter.AT500_Bottom.DO.mg/L.avg\", \"FBBottom.AT500_Bottom.Temperature.C.avg\", "
        "\"FBBottom.AT500_Bottom.DO.mg/L.avg\" FROM source ORDER BY 1"));
    EXPECT_EQ(PivotDiff(rows, days), "");
  }

  // The first difference between the pivot's rows and each site's days; "" if none.
  static std::string PivotDiff(const std::vector<std::vector<std::string>>& rows,
                               const std::map<int64_t, std::pair<Bucket, Bucket>>& days) {
    if (rows.size() != days.size())
      return std::to_string(rows.size()) + " rows, expected " + std::to_string(days.size());
    auto it = days.begin();
    for (const auto& row : rows) {
      const auto& [t, b] = *it++;
      if (row.size() != 5 || row[0] != Time(t)) return "row " + row[0] + ", expected " + Time(t);
      for (const auto& [cell, v] : {std::pair{row[1], b.first.temperature.Value()},
                                    std::pair{row[2], b.first.oxygen.Value()},
                                    std::pair{row[3], b.second.temperature.Value()},
                                    std::pair{row[4], b.second.oxygen.Value()}})
        if (std::string d = Differs(cell, v); !d.empty()) return "day " + row[0] + ": " + d;
    }
    return "";
  }

  engine::Database db_;
  engine::Connection con_{db_};
  fs::path bare_ = tmp_.path() / "noyo-config.git";
  testing::GitRepo work_{tmp_.path() / "work"};
  FakeHydroVu fake_;
  Model model_;
};

TEST_F(NoyoPondTest, ArchivesLaketechAndLiveAreOneRecordPerSite) {
  const std::string apply = Host("noyo.yaml", ApplyYaml("file://" + bare_.string()));
  std::string out = NoyoOk({"apply", "-f", apply});
  EXPECT_NE(out.find("apply: 8 created, 0 updated, 0 unchanged"), std::string::npos) << out;
  EXPECT_EQ(NoyoOk({"apply", "-f", apply}),
            "  unchanged  /hydrovu\n  unchanged  /combined\n  unchanged  /hydrovu-archive\n"
            "  unchanged  /reduced\n  unchanged  /laketech/data\n  unchanged  /pivot/daily\n"
            "  unchanged  /system/etc/10-hrename\n  unchanged  /system/etc/20-hydrovu\n"
            "apply: all 8 resource(s) unchanged, no transaction committed\n");

  // run.sh's tick: pull the git-ingest nodes, then collect.
  const std::string head = work_.Git({"rev-parse", "HEAD"}).substr(0, 12);
  EXPECT_EQ(NoyoOk({"run", "/hydrovu-archive", "pull"}), "at commit " + head + "\n");
  EXPECT_EQ(NoyoOk({"run", "/laketech/data", "pull"}), "at commit " + head + "\n");
  const std::string repo = TreeDigest(bare_);

  // The raw archives repeat NoyoCenter's 2024-06-01 (24 readings in both files).
  EXPECT_EQ(CatSql("series:///hydrovu-archive/devices/1001/*.series",
                   "SELECT count(*) AS n, count(DISTINCT \"timestamp\") AS times FROM source"),
            "n,times\n" + std::to_string(kCenter2024.Times().size() + kCenter2025.Times().size()) +
                "," + std::to_string(kCenter2024.Times().size() + kCenter2025.Times().size() - 24) +
                "\n");

  {
    // Before any collection: the archives and laketech alone, the live input left out
    // with a warning (an instrument not collected yet).
    SCOPED_TRACE("archives only");
    RunResult r = Noyo({"cat", "/combined/NoyoCenter", "--format", "csv", "--sql",
                        "SELECT count(*) AS n FROM source"});
    EXPECT_EQ(r.err,
              "pond: warning: /combined/NoyoCenter: input matched nothing, joined without it "
              "(/hydrovu/devices/1001/NoyoCenterAT500_1*.series)\n");
    CheckAgainstModel();
  }
  // The retired sonde's columns, renamed to the live names where there is one, the
  // rest by the generic rule: the scope holds the union of both instruments' columns.
  std::string header = CatSql("/combined/FBBottom", "SELECT * FROM source LIMIT 0");
  std::vector<std::string> columns;
  for (size_t from = 0, end; from < header.size(); from = end + 1) {
    end = header.find_first_of(",\n", from);
    columns.push_back(header.substr(from, end - from));
  }
  std::sort(columns.begin(), columns.end());
  EXPECT_EQ(columns, (std::vector<std::string>{"AT500_Bottom.Actual Conductivity.µS/cm",
                                               "AT500_Bottom.DO.mg/L", "AT500_Bottom.Marked",
                                               "AT500_Bottom.Salinity.psu",
                                               "AT500_Bottom.Specific Conductivity.µS/cm",
                                               "AT500_Bottom.Temperature.C", "timestamp"}));

  // The server has readings from the archives' last day on; collection resumes one
  // second after the youngest archived reading (2025-06-30T23:00:00Z), and stops after
  // the page that reaches max_points_per_run.
  {
    SCOPED_TRACE("first collect");
    Collect(kJul1 - kHour + 1, kJul1, kJul1 + 31 * kHour, 8);
    model_.collected_end = kJul1 + 32 * kHour;
    CheckAgainstModel();
  }
  {
    SCOPED_TRACE("second collect");
    Collect(kJul1 + 31 * kHour + 1, kJul1 + 32 * kHour, kJul3 - kHour, 4);
    model_.collected_end = kJul3;
    CheckAgainstModel();
  }
  // Collection and reads wrote nothing to the repository.
  EXPECT_EQ(TreeDigest(bare_), repo);

  // An archive cut from the old system after live collection began: it repeats
  // readings of the older archive and of live collection, and adds 2025-07-03's.
  WriteArchive(kCenterLate);
  const std::string late = work_.Commit("archive 2025-07-03").substr(0, 12);
  Push();
  const std::string pushed = TreeDigest(bare_);
  // Invisible until pulled.
  EXPECT_EQ(
      CatSql("/reduced/NoyoCenter/res=1d.series", "SELECT max(\"timestamp\") AS t FROM source"),
      "t\n2025-07-02 00:00:00\n");
  EXPECT_EQ(NoyoOk({"run", "/hydrovu-archive", "pull"}), "at commit " + late + "\n");
  {
    SCOPED_TRACE("late archive");
    model_.archives.push_back(kCenterLate);
    CheckAgainstModel();
  }
  EXPECT_EQ(TreeDigest(bare_), pushed);
}

}  // namespace
}  // namespace pond
