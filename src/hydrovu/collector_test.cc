// The collector end to end over libcurl against the fake HydroVu server, plus the
// pivot and the no-secrets-in-logs rule.
#include "hydrovu/collector.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include "fake_hydrovu.h"

namespace pond::hydrovu {
namespace {

using pond::testing::FakeHydroVu;
using pond::testing::FakeLocation;
using pond::testing::FakeParameter;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int64_t kT0 = 1719792000;  // 2024-07-01T00:00:00Z
constexpr int64_t kUs = 1'000'000;

// Captures every spdlog line (all levels) while alive; restores the old logger.
class LogCapture {
 public:
  LogCapture() : old_(spdlog::default_logger()) {
    sink_ = std::make_shared<Sink>();
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(old_); }
  std::string text() const {
    std::lock_guard lock(sink_->lines_mutex);
    return sink_->lines;
  }

 private:
  struct Sink : spdlog::sinks::base_sink<std::mutex> {
    std::mutex lines_mutex;
    std::string lines;
    void sink_it_(const spdlog::details::log_msg& msg) override {
      spdlog::memory_buf_t formatted;
      formatter_->format(msg, formatted);
      std::lock_guard lock(lines_mutex);
      lines.append(formatted.data(), formatted.size());
    }
    void flush_() override {}
  };
  std::shared_ptr<spdlog::logger> old_;
  std::shared_ptr<Sink> sink_;
};

// What Collector::Run handed to the hooks.
struct RunResult {
  std::vector<DeviceOutcome> outcomes;
  std::map<int64_t, DeviceReadings> stored;                 // by device id
  std::map<int64_t, std::string> failures;                  // by device id
  std::vector<std::tuple<int64_t, int, int64_t>> progress;  // device, pages, points
};

class CollectorTest : public ::testing::Test {
 protected:
  CollectorTest() : fake_(Options()) {
    fake_.SetFriendlyNames({{"1", "Temperature"}, {"19", "DO"}}, {{"1", "C"}, {"117", "mg/L"}});
    // BDock: 10 timestamps every 15 min, DO missing at the second → 3 pages of ≤ 4 times.
    FakeParameter temperature{"1", "1", {}}, oxygen{"19", "117", {}};
    for (int i = 0; i < 10; ++i) {
      temperature.readings.push_back({kT0 + i * 900, 18.0 + i});
      if (i != 1) oxygen.readings.push_back({kT0 + i * 900, 8.0 + i / 10.0});
    }
    fake_.AddLocation({123, "B Dock", {temperature, oxygen}});
    // Silver: 5 hourly temperatures → 2 pages.
    FakeParameter silver{"1", "1", {}};
    for (int i = 0; i < 5; ++i) silver.readings.push_back({kT0 + i * 3600, 17.0 + i});
    fake_.AddLocation({456, "Silver", {silver}});
    fake_.AddLocation({789, "Elsewhere", {}});  // 3 locations → 2 list pages

    config_.client_id = fake_.options().client_id;
    config_.client_secret = fake_.options().client_secret;
    config_.base_url = fake_.base_url();
    config_.timeout_s = 5;
    config_.retry_attempts = 3;
    config_.retry_base_ms = 10;
    config_.devices = {{"BDock", 123, "AT500"}, {"Silver", 456, ""}};
  }

  static FakeHydroVu::Options Options() {
    FakeHydroVu::Options o;
    o.client_secret = "TOP-SECRET-fake-client-secret";
    o.data_page_timestamps = 4;
    o.locations_page_size = 2;
    return o;
  }

  net::Sleeper RecordingSleeper() {
    return [this](milliseconds d) {
      sleeps_.push_back(d);
      net::RealSleep(d);
    };
  }

  // A whole collect; `start` gives each device's resume point.
  RunResult RunCollect(std::function<int64_t(const HydroVuDevice&)> start = nullptr) {
    net::CurlTransport transport(TimeoutsFor(config_));
    Collector collector(config_, transport, RecordingSleeper());
    RunResult result;
    CollectHooks hooks;
    hooks.resume_start =
        start ? start : [this](const HydroVuDevice&) { return ResumeStart(std::nullopt, config_); };
    hooks.store = [&](const HydroVuDevice& d, const DeviceReadings& r) { result.stored[d.id] = r; };
    hooks.on_failure = [&](const HydroVuDevice& d, const Error& e) {
      result.failures[d.id] = e.what();
    };
    hooks.progress = [&](const HydroVuDevice& d, int pages, int64_t points) {
      result.progress.emplace_back(d.id, pages, points);
    };
    result.outcomes = collector.Run(hooks);
    return result;
  }

  // FetchDevice on a prepared collector after `fault` is switched on.
  std::string FetchErrorAfter(const std::function<void()>& fault, int64_t device_id = 123) {
    net::CurlTransport transport(TimeoutsFor(config_));
    Collector collector(config_, transport, RecordingSleeper());
    collector.Prepare();
    fault();
    try {
      collector.FetchDevice({"Dev", device_id, ""}, 0, config_.max_points_per_run);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  FakeHydroVu fake_;  // first: outlives every transport
  HydroVuConfig config_;
  std::vector<milliseconds> sleeps_;
};

TEST_F(CollectorTest, FirstCollectOfTwoDevicesWithPaging) {
  RunResult r = RunCollect();
  ASSERT_TRUE(r.failures.empty()) << r.failures.begin()->second;
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_FALSE(r.outcomes[0].error);
  EXPECT_EQ(r.outcomes[0].pages, 3);
  EXPECT_EQ(r.outcomes[0].points, 19);
  EXPECT_EQ(r.outcomes[0].rows, 10u);
  EXPECT_EQ(r.outcomes[1].pages, 2);
  EXPECT_EQ(r.outcomes[1].rows, 5u);

  const DeviceReadings& bdock = r.stored.at(123);
  EXPECT_EQ(bdock.columns, (std::vector<std::string>{"DO.mg/L", "Temperature.C"}));
  ASSERT_EQ(bdock.rows(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(bdock.timestamps_us[i], (kT0 + i * 900) * kUs);
    EXPECT_EQ(bdock.values[1][i], 18.0 + i);
  }
  EXPECT_EQ(bdock.values[0][0], 8.0);
  EXPECT_EQ(bdock.values[0][1], std::nullopt);  // DO missing → NULL
  EXPECT_EQ(bdock.values[0][9], 8.9);
  const DeviceReadings& silver = r.stored.at(456);
  EXPECT_EQ(silver.columns, std::vector<std::string>{"Temperature.C"});
  EXPECT_EQ(silver.timestamps_us.back(), (kT0 + 4 * 3600) * kUs);

  // The protocol as sent: one token, Bearer on API calls, both list pages, data pages.
  EXPECT_EQ(fake_.requests_to("/oauth/token").size(), 1u);
  auto lists = fake_.requests_to("/locations/list");
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0].Header("x-isi-start-page"), std::nullopt);
  EXPECT_EQ(lists[1].Header("x-isi-start-page"), "locations-1");
  auto data = fake_.requests_to("/123/data");
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[0].Query("startTime"), "0");
  EXPECT_EQ(data[0].Header("x-isi-start-page"), std::nullopt);
  EXPECT_EQ(data[1].Header("x-isi-start-page"), "data-123-1");
  EXPECT_EQ(data[2].Header("x-isi-start-page"), "data-123-2");
  EXPECT_EQ(data[2].Query("startTime"), "0");
  EXPECT_EQ(data[0].Header("authorization"), "Bearer " + fake_.issued_tokens().at(0));
  EXPECT_EQ(fake_.requests_to("/456/data").size(), 2u);

  // Progress after every page.
  EXPECT_EQ(r.progress, (std::vector<std::tuple<int64_t, int, int64_t>>{
                            {123, 1, 7}, {123, 2, 15}, {123, 3, 19}, {456, 1, 4}, {456, 2, 5}}));
}

TEST_F(CollectorTest, ResumeStart) {
  // BDock's series ends at its 5th reading; Silver has none and config.start_time applies.
  config_.start_time = kT0 + 2 * 3600;
  RunResult r = RunCollect([&](const HydroVuDevice& d) {
    return ResumeStart(d.id == 123 ? std::optional<int64_t>((kT0 + 4 * 900) * kUs) : std::nullopt,
                       config_);
  });
  ASSERT_TRUE(r.failures.empty());
  EXPECT_EQ(fake_.requests_to("/123/data").at(0).Query("startTime"), std::to_string(kT0 + 3601));
  EXPECT_EQ(fake_.requests_to("/456/data").at(0).Query("startTime"), std::to_string(kT0 + 7200));
  const DeviceReadings& bdock = r.stored.at(123);
  ASSERT_EQ(bdock.rows(), 5u);
  EXPECT_EQ(bdock.timestamps_us.front(), (kT0 + 5 * 900) * kUs);
  EXPECT_EQ(r.stored.at(456).rows(), 3u);
}

TEST_F(CollectorTest, ResumeStartArithmetic) {
  HydroVuConfig c;
  c.start_time = 42;
  EXPECT_EQ(ResumeStart(std::nullopt, c), 42);
  EXPECT_EQ(ResumeStart(kT0 * kUs, c), kT0 + 1);
  EXPECT_EQ(ResumeStart(kT0 * kUs + 500'000, c), kT0 + 1);
  EXPECT_EQ(ResumeStart(-1, c), 0);  // floor, also before 1970
}

TEST_F(CollectorTest, PointsBudgetStopsAfterThePageThatReachesIt) {
  config_.max_points_per_run = 9;  // BDock page 1 has 7 points, page 2 brings 15
  RunResult r = RunCollect();
  ASSERT_TRUE(r.failures.empty());
  EXPECT_EQ(r.outcomes[0].pages, 2);
  EXPECT_EQ(r.outcomes[0].points, 15);
  EXPECT_EQ(r.stored.at(123).rows(), 8u);
  EXPECT_EQ(fake_.requests_to("/123/data").size(), 2u);
  // Silver has a budget of its own: its 5 points (2 pages) all come.
  EXPECT_EQ(fake_.requests_to("/456/data").size(), 2u);
  EXPECT_EQ(r.stored.at(456).rows(), 5u);
  EXPECT_EQ(r.outcomes[1].points, 5);
}

TEST_F(CollectorTest, EachDeviceHasItsOwnPointsBudget) {
  config_.max_points_per_run = 3;  // below each device's first page (7 and 4 points)
  RunResult r = RunCollect();
  ASSERT_TRUE(r.failures.empty());
  EXPECT_EQ(r.outcomes[0].pages, 1);
  EXPECT_EQ(r.outcomes[0].points, 7);
  EXPECT_EQ(r.outcomes[1].pages, 1);
  EXPECT_EQ(r.outcomes[1].points, 4);
  EXPECT_EQ(r.stored.at(456).rows(), 4u);
}

TEST_F(CollectorTest, BudgetExactlyReachedOnAPageBoundary) {
  config_.max_points_per_run = 7;
  RunResult r = RunCollect();
  EXPECT_EQ(r.outcomes[0].pages, 1);
  EXPECT_EQ(r.stored.at(123).rows(), 4u);
}

TEST_F(CollectorTest, Unauthorized401OnceRefreshesTheToken) {
  EXPECT_EQ(FetchErrorAfter([&] { fake_.ExpireTokens(); }), "");
  auto tokens = fake_.issued_tokens();
  ASSERT_EQ(tokens.size(), 2u);
  auto data = fake_.requests_to("/123/data");
  ASSERT_EQ(data.size(), 4u);  // the refused one, then 3 pages
  EXPECT_EQ(data[0].status, 401);
  EXPECT_EQ(data[0].Header("Authorization"), "Bearer " + tokens[0]);
  EXPECT_EQ(data[1].Header("Authorization"), "Bearer " + tokens[1]);
  EXPECT_EQ(data[1].Header("x-isi-start-page"), std::nullopt);  // the same request again
  EXPECT_EQ(data[1].status, 200);
}

TEST_F(CollectorTest, Unauthorized401TwiceFailsTheDeviceOnly) {
  fake_.FailApiCalls(401, 1);  // on friendlynames: refreshed and fine
  RunResult r;
  {
    net::CurlTransport transport(TimeoutsFor(config_));
    Collector collector(config_, transport, RecordingSleeper());
    collector.Prepare();
    fake_.FailApiCalls(401, 2);
    CollectHooks hooks;
    hooks.resume_start = [](const HydroVuDevice&) { return int64_t{0}; };
    hooks.store = [&](const HydroVuDevice& d, const DeviceReadings& rd) { r.stored[d.id] = rd; };
    r.outcomes = collector.Run(hooks);
  }
  EXPECT_EQ(r.outcomes[0].error,
            "HydroVu rejected a fresh access token (HTTP 401) (device 123, page 1)");
  EXPECT_FALSE(r.stored.contains(123));
  EXPECT_FALSE(r.outcomes[1].error);
  EXPECT_EQ(r.stored.at(456).rows(), 5u);
  EXPECT_EQ(fake_.issued_tokens().size(), 3u);
}

TEST_F(CollectorTest, ServerError500TwiceThenSuccess) {
  EXPECT_EQ(FetchErrorAfter([&] { fake_.FailApiCalls(500, 2); }), "");
  EXPECT_EQ(sleeps_, (std::vector<milliseconds>{milliseconds(10), milliseconds(20)}));
  EXPECT_EQ(fake_.requests_to("/123/data").size(), 5u);
}

TEST_F(CollectorTest, ServerErrorUntilRetriesRunOut) {
  config_.retry_attempts = 2;
  EXPECT_EQ(FetchErrorAfter([&] { fake_.FailApiCalls(503, 3); }),
            "HydroVu request failed after 3 attempts: HTTP 503 (device 123, page 1)");
}

TEST_F(CollectorTest, TooManyRequestsHonoursRetryAfter) {
  auto start = steady_clock::now();
  EXPECT_EQ(FetchErrorAfter([&] { fake_.FailApiCalls(429, 1, /*retry_after_s=*/1); }), "");
  EXPECT_GE(steady_clock::now() - start, milliseconds(1000));
  EXPECT_EQ(sleeps_, std::vector<milliseconds>{milliseconds(1000)});
}

TEST_F(CollectorTest, OtherClientErrorFailsTheDeviceWithoutRetry) {
  EXPECT_EQ(FetchErrorAfter([&] { fake_.FailApiCalls(403, 1); }),
            "HydroVu request failed (HTTP 403) (device 123, page 1)");
  EXPECT_EQ(fake_.requests_to("/123/data").size(), 1u);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(CollectorTest, GarbagePageFailsTheDeviceAndNothingOfItIsStored) {
  fake_.GarbleDataPage(123, 2);
  RunResult r = RunCollect();
  EXPECT_EQ(r.failures.at(123), "malformed HydroVu response: invalid JSON (device 123, page 2)");
  EXPECT_EQ(r.outcomes[0].error, r.failures.at(123));
  EXPECT_FALSE(r.stored.contains(123));
  EXPECT_EQ(r.stored.at(456).rows(), 5u);  // the next device still runs
}

TEST_F(CollectorTest, HangTimesOutWithinBoundedTime) {
  config_.timeout_s = 1;
  config_.retry_attempts = 1;
  auto start = steady_clock::now();
  std::string error = FetchErrorAfter([&] { fake_.HangApiCalls(2, milliseconds(8000)); });
  auto elapsed = steady_clock::now() - start;
  EXPECT_TRUE(error.starts_with("HydroVu request failed after 2 attempts: HTTP request failed: "))
      << error;
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  EXPECT_TRUE(error.ends_with("(device 123, page 1)")) << error;
  EXPECT_LT(elapsed, milliseconds(5000));
}

TEST_F(CollectorTest, TokenRejectedFailsTheRun) {
  for (int status : {401, 400}) {
    fake_.RejectTokenRequests(status);
    try {
      RunCollect();
      FAIL() << "expected HydroVuAuthError";
    } catch (const HydroVuAuthError& e) {
      EXPECT_EQ(std::string(e.what()),
                "HydroVu authentication failed (HTTP " + std::to_string(status) + ")");
    }
  }
  EXPECT_TRUE(fake_.requests_to("/data").empty());
}

TEST_F(CollectorTest, WrongSecretIsAnAuthFailure) {
  config_.client_secret = "wrong";
  EXPECT_THROW(RunCollect(), HydroVuAuthError);
}

TEST_F(CollectorTest, MillisecondTimestampsFailTheDevice) {
  fake_.UseMilliseconds(true);
  RunResult r = RunCollect();
  EXPECT_EQ(r.failures.at(123),
            "HydroVu timestamp 1719792000000 is past the year 3000 (milliseconds instead of "
            "seconds?) (device 123, page 1)");
  EXPECT_TRUE(r.failures.contains(456));
  EXPECT_TRUE(r.stored.empty());
}

TEST_F(CollectorTest, UnknownLocationFailsThatDeviceOnly) {
  config_.devices = {{"Ghost", 999, ""}, {"Silver", 456, ""}};
  RunResult r = RunCollect();
  EXPECT_EQ(r.failures.at(999), "HydroVu location 999 not found (device 999)");
  EXPECT_TRUE(fake_.requests_to("/999/data").empty());
  EXPECT_EQ(r.stored.at(456).rows(), 5u);
}

TEST_F(CollectorTest, StoreFailureFailsThatDeviceOnly) {
  net::CurlTransport transport(TimeoutsFor(config_));
  Collector collector(config_, transport, RecordingSleeper());
  CollectHooks hooks;
  hooks.resume_start = [](const HydroVuDevice&) { return int64_t{0}; };
  int stored = 0;
  hooks.store = [&](const HydroVuDevice& d, const DeviceReadings&) {
    if (d.id == 123) throw Error("pond is locked", "/tmp/pond");
    ++stored;
  };
  auto outcomes = collector.Run(hooks);
  EXPECT_EQ(outcomes[0].error, "pond is locked (/tmp/pond)");
  EXPECT_FALSE(outcomes[1].error);
  EXPECT_EQ(stored, 1);
}

TEST_F(CollectorTest, SecretsNeverLogged) {
  std::string everything;
  {
    LogCapture capture;
    auto remember = [&](const std::function<void()>& f) {
      try {
        f();
      } catch (const Error& e) {
        everything += std::string(e.what()) + "\n";
      }
    };
    // A normal run, a refresh, retries, a garbage page, a second 401, a bad token.
    remember([&] {
      RunResult r = RunCollect();
      for (auto& [id, error] : r.failures) everything += error + "\n";
    });
    remember([&] { everything += FetchErrorAfter([&] { fake_.ExpireTokens(); }); });
    remember([&] { everything += FetchErrorAfter([&] { fake_.FailApiCalls(500, 1); }); });
    remember([&] { everything += FetchErrorAfter([&] { fake_.FailApiCalls(401, 2); }); });
    remember([&] { everything += FetchErrorAfter([&] { fake_.GarbleDataPage(456, 1); }, 456); });
    fake_.RejectTokenRequests(401);
    remember([&] { RunCollect(); });
    everything += capture.text();
  }
  ASSERT_NE(everything.find("HydroVu: GET "), std::string::npos) << "debug lines captured";
  EXPECT_NE(everything.find("Authorization: ***"), std::string::npos);
  std::vector<std::string> secrets = {
      config_.client_secret,
      net::Base64Encode(config_.client_id + ":" + config_.client_secret),
  };
  auto tokens = fake_.issued_tokens();
  ASSERT_GE(tokens.size(), 4u);
  secrets.insert(secrets.end(), tokens.begin(), tokens.end());
  for (const auto& secret : secrets) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << "leaked: " << secret;
  }
  EXPECT_EQ(everything.find("Bearer"), std::string::npos);
  EXPECT_EQ(everything.find("Basic"), std::string::npos);
}

// ---- Pivot (no network) ----

HydroVuParameter Param(std::string id, std::string unit,
                       std::vector<std::pair<int64_t, std::optional<double>>> readings) {
  HydroVuParameter p{std::move(id), std::move(unit), {}};
  for (auto [t, v] : readings) p.readings.push_back({t, v});
  return p;
}

const FriendlyNames kNames{{{"1", "Temperature"}, {"19", "DO"}, {"2", "pH"}},
                           {{"1", "C"}, {"117", "mg/L"}, {"3", "pH"}}};
const HydroVuDevice kDevice{"BDock", 123, ""};

TEST(PivotTest, NullsSortedColumnsAndRows) {
  std::vector<HydroVuDataPage> pages(2);
  pages[0].parameters = {Param("1", "1", {{kT0 + 900, 18.3}, {kT0, 18.25}}),
                         Param("19", "117", {{kT0, 8.41}})};
  pages[1].parameters = {Param("2", "3", {{kT0 + 1800, 7.9}}),
                         Param("1", "1", {{kT0 + 1800, std::nullopt}})};
  DeviceReadings r = PivotDataPages(pages, kNames, kDevice, 0);
  EXPECT_EQ(r.columns, (std::vector<std::string>{"DO.mg/L", "Temperature.C", "pH.pH"}));
  EXPECT_EQ(r.timestamps_us,
            (std::vector<int64_t>{kT0 * kUs, (kT0 + 900) * kUs, (kT0 + 1800) * kUs}));
  using V = std::vector<std::optional<double>>;
  EXPECT_EQ(r.values[0], (V{8.41, std::nullopt, std::nullopt}));
  EXPECT_EQ(r.values[1], (V{18.25, 18.3, std::nullopt}));  // a null reading stays NULL
  EXPECT_EQ(r.values[2], (V{std::nullopt, std::nullopt, 7.9}));
}

TEST(PivotTest, UnknownIds) {
  std::vector<HydroVuDataPage> pages(1);
  pages[0].parameters = {Param("77", "88", {{kT0, 1.0}}), Param("1", "99", {{kT0, 2.0}}),
                         Param("42", "117", {{kT0, 3.0}})};
  DeviceReadings r = PivotDataPages(pages, kNames, kDevice, 0);
  EXPECT_EQ(r.columns,
            (std::vector<std::string>{"Temperature.unit_99", "param_42.mg/L", "param_77.unit_88"}));
}

TEST(PivotTest, DuplicateKeepsTheFirstAndWarnsOnce) {
  std::vector<HydroVuDataPage> pages(2);
  pages[0].parameters = {Param("1", "1", {{kT0, 18.0}, {kT0, 99.0}, {kT0 + 900, std::nullopt}})};
  pages[1].parameters = {Param("1", "1", {{kT0 + 900, 19.0}, {kT0, 98.0}})};
  LogCapture capture;
  DeviceReadings r = PivotDataPages(pages, kNames, kDevice, 0);
  EXPECT_EQ(r.values[0], (std::vector<std::optional<double>>{18.0, std::nullopt}));
  std::string log = capture.text();
  EXPECT_NE(log.find("HydroVu device BDock (123): 3 duplicate reading(s) ignored, first "
                     "Temperature.C at 1719792000; kept the first"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("duplicate", log.find("duplicate") + 1), std::string::npos) << log;
}

TEST(PivotTest, ReadingsBeforeStartAreDropped) {
  std::vector<HydroVuDataPage> pages(1);
  pages[0].parameters = {Param("1", "1", {{kT0 - 900, 1.0}, {kT0, 2.0}})};
  DeviceReadings r = PivotDataPages(pages, kNames, kDevice, kT0);
  EXPECT_EQ(r.timestamps_us, std::vector<int64_t>{kT0 * kUs});
}

TEST(PivotTest, NoPagesNoRows) {
  DeviceReadings r = PivotDataPages({}, kNames, kDevice, 0);
  EXPECT_TRUE(r.empty());
  EXPECT_TRUE(r.columns.empty());
}

}  // namespace
}  // namespace pond::hydrovu
