// hydrovu (docs/hydrovu.md): an executable node holding only config; `pond run
// PATH collect` does the work (src/hydrovu). Its config is validated by
// hydrovu's parser, so mknod and run accept exactly the same configs.
#include "factories/hydrovu.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "base/error.h"
#include "base/time.h"
#include "factories/builtin.h"
#include "factories/inputs.h"
#include "hydrovu/collector.h"
#include "hydrovu/config.h"

namespace pond::factories {

namespace {

// The latest time (µs) of the `series://<dir>/*.series` matches, nullopt when none
// has one. The generic input read: a git-ingested archive is Parquet data files,
// cast to series as a join would read them; a stored series answers from the catalog.
std::optional<int64_t> LatestTime(View& view, const std::string& dir, const std::string& where) {
  const InputUrl url = ParseInputUrl("series://" + dir + "/*.series", where);
  std::optional<int64_t> latest;
  for (const GlobMatch& m : view.MatchedFiles(url.glob)) {
    const std::optional<TimeExtent> extent = view.Extent(InputNode(view, url, m.path));
    if (!extent) throw Error("not a series with a 'timestamp' column", m.path);
    if (!extent->empty) latest = std::max(latest.value_or(extent->max), extent->max);
  }
  return latest;
}

void ValidateHydroVuConfig(const Config& config) {
  hydrovu::ParseHydroVuConfig(config.root, config.source);
}

class HydroVuNode : public Generated {
 public:
  Shape shape() const override { return Shape::kExecutable; }
};

class HydroVu : public Factory {
 public:
  std::string name() const override { return "hydrovu"; }
  std::string description() const override { return "collect HydroVu readings (run: collect)"; }
  Shape shape() const override { return Shape::kExecutable; }
  void Validate(const Config& config) const override { ValidateHydroVuConfig(config); }
  std::shared_ptr<const Generated> Create(const std::string&, const Config& config) const override {
    ValidateHydroVuConfig(config);
    return std::make_shared<HydroVuNode>();
  }
};

}  // namespace

int64_t HydroVuResumeStart(View& view, const hydrovu::HydroVuConfig& config,
                           const hydrovu::HydroVuDevice& device) {
  const std::string where = "device " + std::to_string(device.id) + ", " + device.name;
  if (auto latest = LatestTime(view, config.DeviceDir(device), where))
    return hydrovu::ResumeStart(latest, config);
  if (config.archive_path.empty()) return config.start_time;
  const std::string archive = config.ArchiveDir(device);
  if (auto latest = LatestTime(view, archive, where)) {
    spdlog::info("HydroVu device {}: no data yet, resuming after the seed archive's {}", where,
                 FormatIso(*latest));
    return hydrovu::ResumeStart(latest, config);
  }
  // archive_path promises where a device's history is: without it a crawl from the
  // epoch would ask HydroVu for years in one go (docs/hydrovu.md, "collect").
  throw Error("no writeable data and no resume point in seed archive " + archive +
                  "; refusing to crawl HydroVu from epoch",
              where);
}

const Factory& HydroVuFactory() {
  static const HydroVu f;
  return f;
}

}  // namespace pond::factories
