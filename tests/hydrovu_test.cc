// `pond run /etc/hydrovu collect` through the binary against the fake HydroVu on
// 127.0.0.1: first and resumed collects, the points budget of each device, every
// injected fault, and that secrets never show (seed archives: hydrovu_archive_test.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <sstream>

#include "fake_hydrovu.h"
#include "support/scenario.h"

namespace pond {
namespace {

using testing::FakeHydroVu;
using testing::FakeLocation;
using testing::FakeParameter;
using testing::FakeReading;
using testing::RunResult;
using testing::TempDir;

constexpr int64_t kJul1 = 1719792000;  // 2024-07-01T00:00:00Z

// `n` readings every 15 minutes from `start`, values base + i/100.
FakeParameter Param(const std::string& pid, const std::string& uid, int64_t start, int n, double base) {
  FakeParameter p{pid, uid, {}};
  for (int i = 0; i < n; ++i) p.readings.push_back({start + 900 * i, base + i / 100.0});
  return p;
}

class HydroVuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.SetFriendlyNames({{"1", "Temperature"}, {"19", "DO"}}, {{"1", "C"}, {"117", "mg/L"}});
    FakeLocation bdock{123, "B Dock", {Param("1", "1", kJul1, 10, 18.0), Param("19", "117", kJul1, 9, 8.0)}};
    FakeLocation silver{456, "Silver", {Param("1", "1", kJul1, 6, 17.0)}};
    fake_.AddLocation(bdock);
    fake_.AddLocation(silver);
    pond_ = tmp_ / "pond";
    Ok({"init"});
    Ok({"mkdir", "-p", "/etc"});
  }

  void Mknod(const std::string& extra = "") {
    std::string yaml = "client_id: fake-client-id\n"
                       "client_secret: '{{ env(name=\"HYDROVU_SECRET\") }}'\n"
                       "base_url: " + fake_.base_url() + "\n"
                       "retry_base_ms: 10\n"
                       "timeout_s: 1\n" + extra +
                       "devices:\n"
                       "  - {name: BDock, id: 123, comment: surface sonde}\n"
                       "  - {name: Silver, id: 456}\n";
    testing::WriteFile(tmp_ / "hydrovu.yaml", yaml);
    Ok({"mknod", "hydrovu", "/etc/hydrovu", "--config", tmp_ / "hydrovu.yaml"});
  }

  RunResult P(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--pond", pond_});
    env.emplace("HYDROVU_SECRET", "fake-client-secret");
    return testing::Pond(args, env);
  }
  RunResult Ok(std::vector<std::string> args) {
    RunResult r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }
  std::string Csv(const std::string& path) {
    return Ok({"cat", path, "--format", "csv"}).out;
  }

  FakeHydroVu fake_;
  TempDir tmp_;
  std::string pond_;
};

TEST_F(HydroVuTest, FirstCollectThenOnlyNewReadings) {
  Mknod();
  RunResult r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.out,
            "BDock (123): 10 rows, 2024-07-01T00:00:00Z .. 2024-07-01T02:15:00Z, transaction 4\n"
            "Silver (456): 6 rows, 2024-07-01T00:00:00Z .. 2024-07-01T01:15:00Z, transaction 5\n");
  std::string csv = Csv("/hydrovu/devices/123/BDock.series");
  EXPECT_EQ(csv.substr(0, csv.find('\n', csv.find('\n') + 1) + 1),
            "timestamp,DO.mg/L,Temperature.C\n2024-07-01 00:00:00,8.0,18.0\n");
  EXPECT_NE(csv.find("2024-07-01 02:15:00,,18.09\n"), std::string::npos) << csv;  // DO has 9 readings

  // The server gains readings; a second collect asks from the last stored + 1 s.
  fake_.AddLocation({123, "B Dock", {Param("1", "1", kJul1 + 900 * 10, 2, 19.0)}});
  size_t before = fake_.requests_to("/data").size();
  r = Ok({"run", "/etc/hydrovu", "collect"});
  auto data = fake_.requests_to("/data");
  ASSERT_GT(data.size(), before);
  EXPECT_EQ(data[before].Query("startTime"), std::to_string(kJul1 + 900 * 9 + 1));
  EXPECT_NE(r.out.find("Silver (456): 0 new rows"), std::string::npos) << r.out;
  std::string after = Csv("/hydrovu/devices/123/BDock.series");
  EXPECT_EQ(std::count(after.begin(), after.end(), '\n'), 1 + 12);  // header + 12 unique times
  auto log = nlohmann::json::parse(Ok({"--json", "log"}).out);
  EXPECT_EQ(log[0]["vars"]["device"], "123");
}

// The budget is per device per run: BDock spending its own leaves Silver's whole.
TEST_F(HydroVuTest, MaxPointsPerRunStopsEachDeviceAfterThePageThatReachesIt) {
  fake_.AddLocation({456, "Silver", {Param("1", "1", kJul1 + 900 * 6, 6, 17.5)}});  // 12 in all
  Mknod("max_points_per_run: 5\n");
  RunResult r = Ok({"run", "/etc/hydrovu", "collect"});
  // BDock's first page (4 timestamps × 2 parameters = 8 points) reaches the budget;
  // Silver's first (4 points) does not, its second (8) does.
  EXPECT_EQ(r.out,
            "BDock (123): 4 rows, 2024-07-01T00:00:00Z .. 2024-07-01T00:45:00Z, transaction 4\n"
            "Silver (456): 8 rows, 2024-07-01T00:00:00Z .. 2024-07-01T01:45:00Z, transaction 5\n");
  EXPECT_EQ(fake_.requests_to("/123/data").size(), 1u);
  EXPECT_EQ(fake_.requests_to("/456/data").size(), 2u);
  r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.out,
            "BDock (123): 4 rows, 2024-07-01T01:00:00Z .. 2024-07-01T01:45:00Z, transaction 6\n"
            "Silver (456): 4 rows, 2024-07-01T02:00:00Z .. 2024-07-01T02:45:00Z, transaction 7\n");
}

TEST_F(HydroVuTest, TransientFaultsAreRetried) {
  Mknod();
  fake_.FailApiCalls(500, 2);
  fake_.ExpireTokens();
  RunResult r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_NE(r.out.find("BDock (123): 10 rows"), std::string::npos);
  fake_.AddLocation({456, "Silver", {Param("1", "1", kJul1 + 900 * 6, 1, 20.0)}});
  fake_.FailApiCalls(429, 1, 1);
  r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_NE(r.out.find("Silver (456): 1 rows"), std::string::npos) << r.out;
}

TEST_F(HydroVuTest, AFailedDeviceCommitsNothingAndOthersStillRun) {
  Mknod();
  fake_.GarbleDataPage(123, 2);
  std::string log_before = Ok({"log"}).out;
  RunResult r = P({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("pond: error: malformed HydroVu response"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(device 123, page 2)\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\npond: 1 of 2 devices failed (/etc/hydrovu)\n"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Silver (456): 6 rows"), std::string::npos) << r.out;
  EXPECT_EQ(P({"cat", "/hydrovu/devices/123/BDock.series"}).exit_code, 1);
  auto log = nlohmann::json::parse(Ok({"--json", "log"}).out);
  EXPECT_EQ(log[0]["vars"]["device"], "456");
}

TEST_F(HydroVuTest, EachFailedDeviceHasOneErrorLineAndTheRunOneSummary) {
  Mknod();
  fake_.GarbleDataPage(123, 1);
  fake_.GarbleDataPage(456, 1);
  RunResult r = P({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  std::vector<std::string> lines;
  std::istringstream in(r.err);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u) << r.err;
  EXPECT_TRUE(lines[0].starts_with("pond: error: malformed HydroVu response")) << r.err;
  EXPECT_TRUE(lines[0].ends_with("(device 123, page 1)")) << r.err;
  EXPECT_TRUE(lines[1].ends_with("(device 456, page 1)")) << r.err;
  EXPECT_EQ(lines[2], "pond: 2 of 2 devices failed (/etc/hydrovu)");
}

// A small gzip body that inflates to 512 MiB fails that device at max_response_mb
// (64 by default) without the memory: the peak RSS stays far below the inflated size.
TEST_F(HydroVuTest, DecompressionBombFailsThatDeviceWithinItsMemoryCap) {
  Mknod();
  fake_.GzipBombData(123, int64_t{512} << 20);
  RunResult r = P({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, ::testing::StartsWith(
                         "pond: error: HydroVu request failed: HTTP response larger than "
                         "max_response_mb (64 MiB) once decompressed (device 123, page 1)\n"));
  EXPECT_THAT(r.err, ::testing::EndsWith("\npond: 1 of 2 devices failed (/etc/hydrovu)\n"));
  EXPECT_NE(r.out.find("Silver (456): 6 rows"), std::string::npos) << r.out;
  // Against a read of the collected series (DuckDB loaded, as in the collect): the
  // bomb adds at most the cap and its copies, not the 512 MiB (ASan's quarantine of
  // freed buffers included).
  RunResult baseline = Ok({"cat", "/hydrovu/devices/456/Silver.series"});
  EXPECT_LT(r.max_rss_kib, baseline.max_rss_kib + 256 * 1024) << "peak RSS in KiB";
}

// `active: false` keeps a device's config (and any data it has) but collect skips it.
TEST_F(HydroVuTest, AnInactiveDeviceIsSkipped) {
  auto config = [&](const std::string& active) {
    testing::WriteFile(tmp_ / "hydrovu.yaml",
                       "client_id: fake-client-id\n"
                       "client_secret: '{{ env(name=\"HYDROVU_SECRET\") }}'\n"
                       "base_url: " + fake_.base_url() + "\nretry_base_ms: 10\ntimeout_s: 1\n"
                       "devices:\n"
                       "  - {name: BDock, id: 123, active: " + active + "}\n"
                       "  - {name: Silver, id: 456}\n");
    return tmp_ / "hydrovu.yaml";
  };
  RunResult bad = P({"mknod", "hydrovu", "/etc/hydrovu", "--config", config("maybe")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "pond: error: field 'active' must be true or false (" + tmp_ / "hydrovu.yaml" +
                         ":7)\n");
  Ok({"mknod", "hydrovu", "/etc/hydrovu", "--config", config("false")});
  RunResult r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.out,
            "BDock (123): inactive, skipped\n"
            "Silver (456): 6 rows, 2024-07-01T00:00:00Z .. 2024-07-01T01:15:00Z, transaction 4\n");
  EXPECT_EQ(P({"cat", "/hydrovu/devices/123/BDock.series"}).exit_code, 1);
}

TEST_F(HydroVuTest, HangTimesOutAndAuthFailureStopsTheRun) {
  Mknod("retry_attempts: 0\n");
  fake_.HangApiCalls(1, std::chrono::milliseconds(3000));
  RunResult r = P({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.exit_code, 1);
  fake_.RejectTokenRequests(401);
  r = P({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: HydroVu authentication failed (HTTP 401) (/etc/hydrovu)\n");
}

// Faults aimed at BDock's data calls: each fails that device alone with one line
// naming it, the run exits 1, Silver still commits, and nothing of BDock is written.
TEST_F(HydroVuTest, EachDataFaultFailsThatDeviceOnly) {
  Mknod("retry_attempts: 1\n");
  fake_.AimFaultsAt("/locations/123/data");
  struct Case {
    std::function<void()> inject;
    std::string error;  // the device's line on stderr
  };
  const std::vector<Case> cases = {
      {[&] { fake_.FailApiCalls(403, 1); },
       "pond: error: HydroVu request failed (HTTP 403) (device 123, page 1)"},
      {[&] { fake_.FailApiCalls(500, 2); },
       "pond: error: HydroVu request failed after 2 attempts: HTTP 500 (device 123, page 1)"},
      {[&] { fake_.HangApiCalls(2, std::chrono::milliseconds(3000)); },
       "pond: error: HydroVu request failed after 2 attempts: HTTP request failed: "},
      {[&] { fake_.UseMilliseconds(true); },
       "pond: error: HydroVu timestamp 1719792000000 is past the year 3000 (milliseconds "
       "instead of seconds?) (device 123, page 1)"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].error);
    cases[i].inject();
    RunResult r = P({"run", "/etc/hydrovu", "collect"});
    fake_.UseMilliseconds(false);
    EXPECT_EQ(r.exit_code, 1);
    // One error line for the one failed device (after any retry warnings), then the
    // summary as the last line.
    std::vector<std::string> errors;
    std::string last;
    std::istringstream lines(r.err);
    for (std::string l; std::getline(lines, l); last = l)
      if (l.starts_with("pond: error: ")) errors.push_back(l);
    ASSERT_EQ(errors.size(), 1u) << r.err;
    EXPECT_TRUE(errors[0].starts_with(cases[i].error)) << r.err;
    EXPECT_TRUE(errors[0].ends_with("(device 123, page 1)")) << r.err;
    EXPECT_EQ(last, "pond: 1 of 2 devices failed (/etc/hydrovu)");
    EXPECT_EQ(r.out, i == 0 ? "Silver (456): 6 rows, 2024-07-01T00:00:00Z .. 2024-07-01T01:15:00Z, "
                              "transaction 4\n"
                            : "Silver (456): 0 new rows\n");
    EXPECT_EQ(P({"cat", "/hydrovu/devices/123/BDock.series"}).exit_code, 1);
    EXPECT_EQ(nlohmann::json::parse(Ok({"--json", "log"}).out).size(), 4u);  // init, mkdir, mknod, Silver
  }
  // With the faults gone the next run collects BDock from the start.
  RunResult r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_TRUE(r.out.starts_with("BDock (123): 10 rows, 2024-07-01T00:00:00Z")) << r.out;
}

// `start_time` (Unix seconds) is where a device without a series starts.
TEST_F(HydroVuTest, NewDeviceStartsAtStartTime) {
  Mknod("start_time: " + std::to_string(kJul1 + 3600) + "\n");
  RunResult r = Ok({"run", "/etc/hydrovu", "collect"});
  EXPECT_EQ(fake_.requests_to("/123/data").at(0).Query("startTime"), std::to_string(kJul1 + 3600));
  EXPECT_EQ(r.out,
            "BDock (123): 6 rows, 2024-07-01T01:00:00Z .. 2024-07-01T02:15:00Z, transaction 4\n"
            "Silver (456): 2 rows, 2024-07-01T01:00:00Z .. 2024-07-01T01:15:00Z, transaction 5\n");
}

// On a terminal, stderr shows each device's pages and points as they arrive;
// --quiet, or stderr not a terminal, shows none.
TEST_F(HydroVuTest, ProgressOnATerminalOnly) {
  Mknod();
  RunResult r = testing::PondOnTerminal({"--pond", pond_, "run", "/etc/hydrovu", "collect"},
                                        {{"HYDROVU_SECRET", "fake-client-secret"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 10 timestamps at 4 per page: 3 pages, 19 readings (DO has 9).
  EXPECT_NE(r.err.find("\rBDock (123): 1 pages, 8 points"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\rBDock (123): 3 pages, 19 points"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\rSilver (456): 2 pages, 6 points"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.substr(0, 12), "BDock (123):");
  fake_.AddLocation({123, "B Dock", {Param("1", "1", kJul1 + 900 * 10, 1, 19.0)}});
  r = testing::PondOnTerminal({"--pond", pond_, "--quiet", "run", "/etc/hydrovu", "collect"},
                              {{"HYDROVU_SECRET", "fake-client-secret"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
  fake_.AddLocation({123, "B Dock", {Param("1", "1", kJul1 + 900 * 11, 1, 19.0)}});
  EXPECT_EQ(P({"run", "/etc/hydrovu", "collect"}).err, "");  // stderr a pipe
}

TEST_F(HydroVuTest, SecretsNeverAppear) {
  Mknod();
  fake_.ExpireTokens();
  RunResult r = P({"run", "/etc/hydrovu", "collect"}, {{"POND_LOG", "debug"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string all = r.out + r.err + Ok({"log"}).out + Ok({"--json", "log"}).out;
  EXPECT_EQ(all.find("fake-client-secret"), std::string::npos);
  for (const auto& token : fake_.issued_tokens()) EXPECT_EQ(all.find(token), std::string::npos) << token;
  EXPECT_NE(r.err.find("sql:"), std::string::npos);  // debug logging was on
}

TEST_F(HydroVuTest, NonExecutableNodeIsRefused) {
  testing::WriteFile(tmp_ / "r.yaml", "in_pattern: /x/*\nout_pattern: $0\nresolutions: [1h]\naggregations: [{type: avg}]\n");
  Ok({"mknod", "temporal-reduce", "/reduced", "--config", tmp_ / "r.yaml"});
  RunResult r = P({"run", "/reduced", "collect"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pond: error: factory 'temporal-reduce' is not executable (/reduced)\n");
}

}  // namespace
}  // namespace pond
