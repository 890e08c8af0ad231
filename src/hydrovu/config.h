// The config of a `hydrovu` node (docs/hydrovu.md, "Config"), after template
// rendering and YAML parsing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Node;
}

namespace pond::hydrovu {

struct HydroVuDevice {
  std::string name;  // a valid pond name: the series is `<name>.series`
  int64_t id = 0;    // the HydroVu location id
  std::string comment;
  bool active = true;  // `active: false`: config and data kept, skipped by collect
};

struct HydroVuConfig {
  std::string client_id;
  std::string client_secret;                                    // never log or print it
  std::string base_url = "https://www.hydrovu.com/public-api";  // no trailing '/'
  int64_t max_points_per_run = 100000;                          // per device per run
  std::string hydrovu_path = "/hydrovu";                        // no trailing '/'
  // Read-only seed archives at `<archive_path>/devices/<id>/*.series`; empty: none.
  // Never written; never equal to hydrovu_path.
  std::string archive_path;
  int timeout_s = 30;
  int retry_attempts = 5;  // retries after the first attempt
  int retry_base_ms = 1000;
  int max_response_mb = 64;  // a response's size once decompressed (memory bound)
  int64_t start_time = 0;    // Unix seconds: where a device with no series yet starts
  std::vector<HydroVuDevice> devices;

  // `<hydrovu_path>/devices/<id>/<name>.series`.
  std::string SeriesPath(const HydroVuDevice& device) const;
  // `<hydrovu_path>/devices/<id>`: where the device's series are, `<name>.series`
  // and any other `*.series` (all count for its resume point).
  std::string DeviceDir(const HydroVuDevice& device) const;
  // `<archive_path>/devices/<id>`; "" when there is no archive_path.
  std::string ArchiveDir(const HydroVuDevice& device) const;
};

// Builds the config from the parsed YAML of a node. `config_name` names the
// config in errors, which read `<problem> (<config_name>:<line>)`, e.g.
// `unknown field 'resolution' (hydrovu.yaml:4)`. Throws pond::Error on an
// unknown, duplicate, missing or mistyped field, an out-of-range value, an
// invalid device name, a duplicate device id, or an archive_path equal to
// hydrovu_path.
HydroVuConfig ParseHydroVuConfig(const YAML::Node& root, const std::string& config_name);

// Same, from YAML text; a YAML syntax error is reported the same way.
HydroVuConfig ParseHydroVuConfig(std::string_view yaml_text, const std::string& config_name);

}  // namespace pond::hydrovu
