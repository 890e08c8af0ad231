// The network half of `pond run PATH collect` (docs/hydrovu.md, "collect"): for
// each configured device, download the readings after its resume point and pivot
// them to one row per timestamp. Storing the rows is the caller's job, through
// the hooks of Collector::Run (or by calling Prepare/FetchDevice directly).
//
//   CurlTransport transport(TimeoutsFor(config));
//   Collector collector(config, transport);
//   auto outcomes = collector.Run({.resume_start = …, .store = …, .on_failure = …});
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hydrovu/client.h"
#include "hydrovu/config.h"
#include "net/http_client.h"

namespace pond::hydrovu {

// One device's new readings, pivoted: row i is timestamps_us[i] with
// values[c][i] for column c. Ready to append as a series version with columns
// `timestamp TIMESTAMP`, then one DOUBLE per entry of `columns`, in that order.
struct DeviceReadings {
  std::vector<int64_t> timestamps_us;  // ascending, unique; µs since the epoch (UTC)
  std::vector<std::string> columns;    // `<parameter>.<unit>`, sorted byte-wise
  std::vector<std::vector<std::optional<double>>> values;  // [column][row]; nullopt = NULL
  int pages = 0;                                           // data pages fetched
  int64_t points = 0;  // readings downloaded (counted against max_points_per_run)

  size_t rows() const { return timestamps_us.size(); }
  bool empty() const { return timestamps_us.empty(); }
};

// Called after each data page: the device, pages so far, points so far.
using ProgressCallback =
    std::function<void(const HydroVuDevice& device, int pages, int64_t points)>;

// Pivots data pages (docs/hydrovu.md, "collect", step 5). Columns are named from
// `names`; an unknown parameter id becomes `param_<id>`, an unknown unit id
// `unit_<id>`. A second reading for the same (timestamp, column) is dropped and
// counted in one warning per device. Readings before `start_time` (Unix seconds;
// a server ignoring startTime) are dropped with a warning. `pages` and `points`
// are left for the caller.
DeviceReadings PivotDataPages(const std::vector<HydroVuDataPage>& pages, const FriendlyNames& names,
                              const HydroVuDevice& device, int64_t start_time);

// Where a device resumes, in Unix seconds: one second after the latest stored
// timestamp (µs, floored to the second), or `config.start_time` when there is none.
int64_t ResumeStart(std::optional<int64_t> max_timestamp_us, const HydroVuConfig& config);

// The transport timeouts for `config`: total `timeout_s`, connect at most 10 s.
net::HttpTimeouts TimeoutsFor(const HydroVuConfig& config);

// What happened to one device in Collector::Run.
struct DeviceOutcome {
  HydroVuDevice device;
  int64_t start_time = 0;  // Unix seconds asked from
  int pages = 0;
  int64_t points = 0;
  size_t rows = 0;
  std::optional<std::string> error;  // set when the device failed (Error::what())
};

struct CollectHooks {
  // Required. The device's resume point in Unix seconds (docs/hydrovu.md,
  // "collect", step 3); throwing Error fails this device only.
  std::function<int64_t(const HydroVuDevice&)> resume_start;
  // Required. Called once per device that was fetched without error, in config
  // order, even with no rows (then: store nothing, no transaction). Store the rows
  // as one transaction; throwing Error fails this device only.
  std::function<void(const HydroVuDevice&, const DeviceReadings&)> store;
  // Optional. Called when a device fails (fetch or store); other devices go on.
  std::function<void(const HydroVuDevice&, const Error&)> on_failure;
  // Optional. Called after each data page.
  ProgressCallback progress;
};

class Collector {
 public:
  // `config` and `transport` must outlive the collector.
  Collector(const HydroVuConfig& config, net::HttpTransport& transport,
            net::Sleeper sleep = net::RealSleep);

  // Gets the token, the friendly names and the location list (once; later calls
  // do nothing). Throws HydroVuAuthError or Error: the whole run fails.
  void Prepare();

  // Fetches `device` from `start_time` (Unix seconds), stopping after the page
  // that brings the points to `points_budget`; a budget <= 0 fetches nothing.
  // Calls Prepare() first if needed. Throws Error for a device failure (unknown
  // location id, HTTP 4xx, retries exhausted, malformed page), HydroVuAuthError
  // when the run must stop.
  DeviceReadings FetchDevice(const HydroVuDevice& device, int64_t start_time, int64_t points_budget,
                             const ProgressCallback& progress = {});

  // The whole collect: Prepare(), then every device in config order, each with a
  // budget of config.max_points_per_run of its own. A device's Error (resume point,
  // fetch or store) is
  // reported to on_failure and recorded in its outcome; HydroVuAuthError, or an
  // Error from Prepare(), propagates and ends the run. The command exits 1 if any
  // outcome has an error.
  std::vector<DeviceOutcome> Run(const CollectHooks& hooks);

 private:
  const HydroVuConfig& config_;
  HydroVuClient client_;
  bool prepared_ = false;
  FriendlyNames names_;
  std::vector<HydroVuLocation> locations_;
};

}  // namespace pond::hydrovu
