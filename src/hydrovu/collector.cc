#include "hydrovu/collector.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace pond::hydrovu {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

std::string ColumnName(const HydroVuParameter& parameter, const FriendlyNames& names) {
  auto p = names.parameters.find(parameter.parameter_id);
  auto u = names.units.find(parameter.unit_id);
  return (p != names.parameters.end() ? p->second : "param_" + parameter.parameter_id) + "." +
         (u != names.units.end() ? u->second : "unit_" + parameter.unit_id);
}

std::string DeviceLabel(const HydroVuDevice& device) {
  return device.name + " (" + std::to_string(device.id) + ")";
}

}  // namespace

DeviceReadings PivotDataPages(const std::vector<HydroVuDataPage>& pages, const FriendlyNames& names,
                              const HydroVuDevice& device, int64_t start_time) {
  // First pass: the row and column sets.
  std::vector<int64_t> timestamps;
  std::map<std::string, size_t> column_index;  // sorted by name
  int64_t early = 0;
  for (const auto& page : pages) {
    for (const auto& parameter : page.parameters) {
      column_index.emplace(ColumnName(parameter, names), 0);
      for (const auto& reading : parameter.readings) {
        if (reading.timestamp < start_time) {
          ++early;
        } else {
          timestamps.push_back(reading.timestamp);
        }
      }
    }
  }
  std::sort(timestamps.begin(), timestamps.end());
  timestamps.erase(std::unique(timestamps.begin(), timestamps.end()), timestamps.end());

  DeviceReadings out;
  for (auto& [name, index] : column_index) {
    index = out.columns.size();
    out.columns.push_back(name);
  }
  out.values.assign(out.columns.size(), std::vector<std::optional<double>>(timestamps.size()));
  std::vector<std::vector<bool>> filled(out.columns.size(),
                                        std::vector<bool>(timestamps.size(), false));

  // Second pass: place each reading; the first one for a cell wins.
  int64_t duplicates = 0;
  std::string first_duplicate;
  for (const auto& page : pages) {
    for (const auto& parameter : page.parameters) {
      const std::string column = ColumnName(parameter, names);
      size_t c = column_index.at(column);
      for (const auto& reading : parameter.readings) {
        if (reading.timestamp < start_time) continue;
        size_t row = std::lower_bound(timestamps.begin(), timestamps.end(), reading.timestamp) -
                     timestamps.begin();
        if (filled[c][row]) {
          if (duplicates++ == 0) {
            first_duplicate = column + " at " + std::to_string(reading.timestamp);
          }
          continue;
        }
        filled[c][row] = true;
        out.values[c][row] = reading.value;
      }
    }
  }
  if (duplicates > 0) {
    spdlog::warn("HydroVu device {}: {} duplicate reading(s) ignored, first {}; kept the first",
                 DeviceLabel(device), duplicates, first_duplicate);
  }
  if (early > 0) {
    spdlog::warn("HydroVu device {}: {} reading(s) before the start time {} ignored",
                 DeviceLabel(device), early, start_time);
  }
  out.timestamps_us.reserve(timestamps.size());
  for (int64_t t : timestamps) out.timestamps_us.push_back(t * kMicrosPerSecond);
  return out;
}

int64_t ResumeStart(std::optional<int64_t> max_timestamp_us, const HydroVuConfig& config) {
  if (!max_timestamp_us) return config.start_time;
  int64_t seconds = *max_timestamp_us / kMicrosPerSecond;
  if (*max_timestamp_us % kMicrosPerSecond < 0) --seconds;  // floor for times before 1970
  return seconds + 1;
}

net::HttpTimeouts TimeoutsFor(const HydroVuConfig& config) {
  std::chrono::milliseconds total = std::chrono::seconds(config.timeout_s);
  return net::HttpTimeouts{std::min<std::chrono::milliseconds>(total, std::chrono::seconds(10)),
                           total};
}

Collector::Collector(const HydroVuConfig& config, net::HttpTransport& transport, net::Sleeper sleep)
    : config_(config), client_(config, transport, std::move(sleep)) {}

void Collector::Prepare() {
  if (prepared_) return;
  client_.Authenticate();
  names_ = client_.GetFriendlyNames();
  locations_ = client_.ListLocations();
  spdlog::debug("HydroVu: {} locations visible", locations_.size());
  prepared_ = true;
}

DeviceReadings Collector::FetchDevice(const HydroVuDevice& device, int64_t start_time,
                                      int64_t points_budget, const ProgressCallback& progress) {
  if (points_budget <= 0) {
    spdlog::info("HydroVu device {}: points budget spent, nothing fetched", DeviceLabel(device));
    return {};
  }
  Prepare();
  const std::string where = "device " + std::to_string(device.id);
  if (std::none_of(locations_.begin(), locations_.end(),
                   [&](const HydroVuLocation& l) { return l.id == device.id; })) {
    throw Error("HydroVu location " + std::to_string(device.id) + " not found", where);
  }
  std::vector<HydroVuDataPage> pages;
  int64_t points = 0;
  client_.FetchData(device.id, start_time, [&](HydroVuDataPage&& page, int page_number) {
    points += page.points();
    pages.push_back(std::move(page));
    spdlog::debug("HydroVu device {}: page {}, {} points so far", DeviceLabel(device), page_number,
                  points);
    if (progress) progress(device, page_number, points);
    return points < points_budget;
  });
  DeviceReadings readings = PivotDataPages(pages, names_, device, start_time);
  readings.pages = static_cast<int>(pages.size());
  readings.points = points;
  return readings;
}

std::vector<DeviceOutcome> Collector::Run(const CollectHooks& hooks) {
  Prepare();
  std::vector<DeviceOutcome> outcomes;
  for (const auto& device : config_.devices) {
    if (!device.active) continue;  // kept in the config, its series kept, not fetched
    DeviceOutcome outcome{device, 0, 0, 0, 0, std::nullopt};
    try {
      outcome.start_time = hooks.resume_start(device);
      // Each device its own budget: one device's backlog never starves the others.
      DeviceReadings readings =
          FetchDevice(device, outcome.start_time, config_.max_points_per_run, hooks.progress);
      outcome.pages = readings.pages;
      outcome.points = readings.points;
      outcome.rows = readings.rows();
      hooks.store(device, readings);
    } catch (const HydroVuAuthError&) {
      throw;
    } catch (const Error& e) {
      spdlog::debug("HydroVu device {} failed: {}", DeviceLabel(device), e.what());
      outcome.error = e.what();
      if (hooks.on_failure) hooks.on_failure(device, e);
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

}  // namespace pond::hydrovu
