// HydroVu seed archives (`archive_path`, docs/hydrovu.md, "collect", step 3) through
// the binary against the fake HydroVu: a device with no data of its own resumes one
// second after the youngest archived reading, read as the generic `series://` input
// (Parquet data files, as git-ingest serves them, or stored series); its own data
// wins once it exists; a device with no archive fails alone; archives are never
// written; archive and live read together are not doubled.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <sstream>

#include "fake_hydrovu.h"
#include "support/scenario.h"

namespace pond {
namespace {

using testing::FakeHydroVu;
using testing::FakeParameter;
using testing::RunResult;
using testing::TempDir;

constexpr int64_t kJul1 = 1719792000;  // 2024-07-01T00:00:00Z
constexpr int64_t kQuarter = 900;

// A reading's value depends on its time only, in quarters exact in binary, so the
// archive and the server agree wherever they overlap.
double Value(int64_t t, double base) {
  return base + static_cast<double>(t - kJul1) / kQuarter / 4;
}

// `n` readings every 15 minutes from `start`.
FakeParameter Param(const std::string& pid, const std::string& uid, int64_t start, int n,
                    double base) {
  FakeParameter p{pid, uid, {}};
  for (int i = 0; i < n; ++i)
    p.readings.push_back({start + kQuarter * i, Value(start + kQuarter * i, base)});
  return p;
}

// Unix seconds as a CSV time DuckDB reads as TIMESTAMP (UTC).
std::string Utc(int64_t t) {
  std::time_t s = t;
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// The fake's devices: BDock (123, Temperature and DO) and Silver (456, Temperature),
// 10 readings each from 2024-06-30T23:00:00Z, every 15 minutes.
constexpr int64_t kServerStart = kJul1 - 4 * kQuarter;
constexpr const char* kArchive = "/hydrovu-archive/devices";

class HydroVuArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.SetFriendlyNames({{"1", "Temperature"}, {"19", "DO"}}, {{"1", "C"}, {"117", "mg/L"}});
    fake_.AddLocation(
        {123,
         "B Dock",
         {Param("1", "1", kServerStart, 10, 18.0), Param("19", "117", kServerStart, 10, 8.0)}});
    fake_.AddLocation({456, "Silver", {Param("1", "1", kServerStart, 10, 17.0)}});
    pond_ = tmp_ / "pond";
    Ok({"init"});
    Ok({"mkdir", "-p", "/etc"});
    Ok({"mkdir", "-p", "/stage"});
  }

  // The hydrovu node; `extra` adds config lines (archive_path, start_time).
  void Mknod(const std::string& extra) {
    testing::WriteFile(tmp_ / "hydrovu.yaml",
                       "client_id: fake-client-id\n"
                       "client_secret: '{{ env(name=\"HYDROVU_SECRET\") }}'\n"
                       "base_url: " +
                           fake_.base_url() + "\nretry_base_ms: 10\ntimeout_s: 1\n" + extra +
                           "devices:\n"
                           "  - {name: BDock, id: 123}\n"
                           "  - {name: Silver, id: 456}\n");
    if (P({"describe", "/etc/hydrovu"}).exit_code == 0) Ok({"rm", "/etc/hydrovu"});
    Ok({"mknod", "hydrovu", "/etc/hydrovu", "--config", tmp_ / "hydrovu.yaml"});
  }

  // A stored series at `path` of `n` readings every 15 minutes from `start`, with the
  // columns the collector writes (DO only when `with_do`).
  void StoreSeries(const std::string& path, int64_t start, int n, bool with_do) {
    std::string csv = with_do ? "timestamp,DO.mg/L,Temperature.C\n" : "timestamp,Temperature.C\n";
    const double base = with_do ? 18.0 : 17.0;
    for (int i = 0; i < n; ++i) {
      const int64_t t = start + kQuarter * i;
      csv += Utc(t) + (with_do ? "," + std::to_string(Value(t, 8.0)) : "") + "," +
             std::to_string(Value(t, base)) + "\n";
    }
    const std::string file = tmp_ / ("csv" + std::to_string(csv_files_++) + ".csv");
    testing::WriteFile(file, csv);
    Ok({"mkdir", "-p", path.substr(0, path.rfind('/'))});
    Ok({"copy", file, path, "--format", "series"});
  }

  // A Parquet data file at `path`, as git-ingest serves an archive: the series made
  // as StoreSeries does, copied out and back in as plain bytes.
  void StoreParquetData(const std::string& path, int64_t start, int n, bool with_do) {
    const std::string staged = "/stage/s" + std::to_string(csv_files_) + ".series";
    StoreSeries(staged, start, n, with_do);
    const std::string out = tmp_ / ("out" + std::to_string(csv_files_));
    Ok({"copy", staged, "host://" + out, "--strip-prefix", "/stage"});
    Ok({"mkdir", "-p", path.substr(0, path.rfind('/'))});
    Ok({"copy", out + staged.substr(6), path, "--format", "data"});
  }

  // Everything under the archive as the pond shows it: kinds, versions, sizes, write
  // times, and each file's content.
  std::string ArchiveSnapshot() {
    std::string text = Ok({"list", "-l", "/hydrovu-archive/**"}).out;
    for (const auto& path : {std::string(kArchive) + "/123/BDock_archive_20240629.series",
                             std::string(kArchive) + "/123/BDock_archive_20240630.series",
                             std::string(kArchive) + "/456/Silver_archive_20240630.series"})
      text += Ok({"cat", "series://" + path, "--format", "csv"}).out;
    return text;
  }

  // The archives of the fixture: BDock's two Parquet data files (the later ends
  // 2024-06-30T23:45:00Z), a note beside them, and Silver's stored series (ends 23:30).
  void MakeArchives() {
    const std::string bdock = std::string(kArchive) + "/123/";
    StoreParquetData(bdock + "BDock_archive_20240629.series", kJul1 - 2 * 86400 + 12 * 3600, 4,
                     true);
    StoreParquetData(bdock + "BDock_archive_20240630.series", kJul1 - 2 * 3600, 8, true);
    testing::WriteFile(tmp_ / "notes.txt", "not a series\n");
    Ok({"copy", tmp_ / "notes.txt", bdock + "notes.txt", "--format", "data"});
    StoreSeries(std::string(kArchive) + "/456/Silver_archive_20240630.series", kJul1 - 2 * 3600, 7,
                false);
  }

  RunResult P(std::vector<std::string> args) {
    args.insert(args.begin(), {"--pond", pond_});
    return testing::Pond(args, {{"HYDROVU_SECRET", "fake-client-secret"}});
  }
  RunResult Ok(std::vector<std::string> args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }
  std::string StartTimeAsked(int64_t device, size_t request = 0) {
    auto data = fake_.requests_to("/" + std::to_string(device) + "/data");
    return request < data.size() ? data[request].Query("startTime").value_or("") : "no request";
  }

  FakeHydroVu fake_;
  TempDir tmp_;
  std::string pond_;
  int csv_files_ = 0;
};

TEST_F(HydroVuArchiveTest, AnEmptyDeviceResumesAfterTheYoungestArchivedReading) {
  MakeArchives();
  Mknod("archive_path: /hydrovu-archive\n");
  const std::string before = ArchiveSnapshot();
  RunResult r = Ok({"run", "/etc/hydrovu", "collect"});
  // The youngest reading over all of a device's archives, plus one second.
  EXPECT_EQ(StartTimeAsked(123), std::to_string(kJul1 - kQuarter + 1));
  EXPECT_EQ(StartTimeAsked(456), std::to_string(kJul1 - 2 * kQuarter + 1));
  EXPECT_NE(r.out.find("BDock (123): 6 rows, 2024-07-01T00:00:00Z .. 2024-07-01T01:15:00Z"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Silver (456): 7 rows, 2024-06-30T23:45:00Z .. 2024-07-01T01:15:00Z"),
            std::string::npos)
      << r.out;
  // Archives are read, never written: same versions, sizes, times and rows.
  EXPECT_EQ(ArchiveSnapshot(), before);

  // A reduction over archive and live together counts each reading once: live
  // collection began after the archive's last reading. Our `<name>.series` matches
  // the original's globs (`BDock*.series`) as its `<Name>_active.series` did.
  testing::WriteFile(tmp_ / "reduce.yaml",
                     "in_pattern: 'series:///hydrovu*/devices/123/BDock*.series'\n"
                     "out_pattern: BDock\n"
                     "resolutions: [1h]\n"
                     "aggregations: [{type: count, columns: ['*']}]\n");
  Ok({"mknod", "temporal-reduce", "/reduced", "--config", tmp_ / "reduce.yaml"});
  EXPECT_EQ(Ok({"cat", "/reduced/BDock/res=1h.series", "--format", "csv"}).out,
            "timestamp,timestamp.count\n"
            "2024-06-29 12:00:00,4\n"
            "2024-06-30 22:00:00,4\n"
            "2024-06-30 23:00:00,4\n"
            "2024-07-01 00:00:00,4\n"
            "2024-07-01 01:00:00,2\n");
  EXPECT_EQ(ArchiveSnapshot(), before);
}

// Once a device has data of its own, the archive is not read: the latest time over
// every `*.series` in its folder (the original's `_archive_` renames included) wins,
// even when older than the archive's.
TEST_F(HydroVuArchiveTest, TheDevicesOwnDataWinsOnceItExists) {
  MakeArchives();
  const std::string dir = "/hydrovu/devices/123/";
  StoreSeries(dir + "BDock_archive_20240601.series", kJul1 - 30 * 86400, 4, true);  // to 00:45
  StoreSeries(dir + "BDock.series", kJul1 - 30 * 86400, 2, true);                   // to 00:15
  Mknod("archive_path: /hydrovu-archive\n");
  RunResult r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(StartTimeAsked(123), std::to_string(kJul1 - 30 * 86400 + 3 * kQuarter + 1));
  EXPECT_NE(r.out.find("BDock (123): 10 rows, 2024-06-30T23:00:00Z .. 2024-07-01T01:15:00Z"),
            std::string::npos)
      << r.out;
  // The next run resumes after what it stored, not after the archive.
  fake_.AddLocation({123, "B Dock", {Param("1", "1", kServerStart + 10 * kQuarter, 1, 18.0)}});
  const size_t asked = fake_.requests_to("/123/data").size();
  r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(StartTimeAsked(123, asked), std::to_string(kServerStart + 9 * kQuarter + 1));
  EXPECT_NE(r.out.find("BDock (123): 1 rows, 2024-07-01T01:30:00Z"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Silver (456): 0 new rows"), std::string::npos) << r.out;
}

// archive_path promises a resume point for every device: one without an archive (or
// whose archive folder holds no series) fails alone, asking HydroVu nothing.
TEST_F(HydroVuArchiveTest, ADeviceWithoutAnArchiveFailsAloneWithOneLine) {
  StoreSeries(std::string(kArchive) + "/456/Silver_archive_20240630.series", kJul1 - 2 * 3600, 7,
              false);
  testing::WriteFile(tmp_ / "notes.txt", "not a series\n");
  Ok({"mkdir", "-p", std::string(kArchive) + "/123"});
  Ok({"copy", tmp_ / "notes.txt", std::string(kArchive) + "/123/notes.txt", "--format", "data"});
  Mknod("archive_path: /hydrovu-archive\n");
  RunResult r = P({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      "pond: error: no writeable data and no resume point in seed archive "
      "/hydrovu-archive/devices/123; refusing to crawl HydroVu from epoch (device 123, BDock)\n"
      "pond: 1 of 2 devices failed (/etc/hydrovu)\n");
  EXPECT_EQ(r.out,
            "Silver (456): 7 rows, 2024-06-30T23:45:00Z .. 2024-07-01T01:15:00Z, transaction 9\n");
  EXPECT_EQ(fake_.requests_to("/123/data").size(), 0u);
  EXPECT_EQ(P({"cat", "/hydrovu/devices/123/BDock.series"}).exit_code, 1);

  // An archive that is not Parquet fails that device too, naming the file.
  testing::WriteFile(tmp_ / "bad.series", "timestamp,x\n");
  Ok({"copy", tmp_ / "bad.series", std::string(kArchive) + "/123/BDock_bad.series", "--format",
      "data"});
  r = P({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("pond: error: not a Parquet file")) << r.err;
  EXPECT_NE(r.err.find("(/hydrovu-archive/devices/123/BDock_bad.series) (device 123)\n"),
            std::string::npos)
      << r.err;

  // Without archive_path a device with no data starts at start_time, as before.
  Mknod("start_time: " + std::to_string(kJul1) + "\n");
  r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(StartTimeAsked(123), std::to_string(kJul1));
  EXPECT_NE(r.out.find("BDock (123): 6 rows"), std::string::npos) << r.out;
}

// Live data collected before the archive was cut overlaps the archive's last day
// (same readings in both); a join of archive and live in one scope keeps each once.
TEST_F(HydroVuArchiveTest, ArchiveAndOverlappingLiveJoinedInOneScopeAreNotDoubled) {
  MakeArchives();
  Mknod("start_time: " + std::to_string(kServerStart) + "\n");
  Ok({"run", "/etc/hydrovu", "collect"});  // BDock 23:00 .. 01:15, as the archive to 23:45
  testing::WriteFile(
      tmp_ / "join.yaml",
      "inputs:\n"
      "  - {pattern: 'series:///hydrovu-archive/devices/123/BDock*.series', scope: BDock}\n"
      "  - {pattern: 'series:///hydrovu/devices/123/BDock*.series', scope: BDock}\n");
  Ok({"mknod", "timeseries-join", "/joined", "--config", tmp_ / "join.yaml"});
  const std::string csv = Ok({"cat", "/joined", "--format", "csv"}).out;
  std::istringstream lines(csv);
  std::string header, line;
  std::getline(lines, header);
  EXPECT_EQ(header, "timestamp,BDock.DO.mg/L,BDock.Temperature.C");
  std::vector<std::string> times;
  while (std::getline(lines, line)) times.push_back(line.substr(0, line.find(',')));
  // 4 on 06-29, 22:00 .. 23:45 (8), then 00:00 .. 01:15 (6): the 4 shared once each.
  ASSERT_EQ(times.size(), 18u) << csv;
  EXPECT_EQ(std::adjacent_find(times.begin(), times.end()), times.end()) << csv;
  EXPECT_NE(csv.find("\n2024-06-30 23:45:00,7.75,17.75\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace pond
