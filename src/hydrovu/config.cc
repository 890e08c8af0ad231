#include "hydrovu/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "base/error.h"
#include "hydrovu/response.h"

namespace pond::hydrovu {

namespace {

std::string At(const std::string& config_name, const YAML::Node& node) {
  // yaml-cpp lines are 0-based; a node without a position reports -1.
  int line = node.Mark().line;
  return config_name + ":" + std::to_string(line < 0 ? 1 : line + 1);
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    int extra = c < 0x80           ? 0
                : (c >> 5) == 0x6  ? 1
                : (c >> 4) == 0xE  ? 2
                : (c >> 3) == 0x1E ? 3
                                   : -1;
    if (extra < 0 || i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

// A pond name (docs/paths.md): non-empty UTF-8, at most 255 bytes, no
// '/' or NUL, not '.' or '..'.
bool IsValidPondName(std::string_view name) {
  return !name.empty() && name.size() <= 255 && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos &&
         IsValidUtf8(name);
}

// Reads one YAML mapping whose keys must all be in `known` and appear once.
class MapReader {
 public:
  MapReader(const YAML::Node& map, const std::string& config_name, const std::string& what,
            std::initializer_list<std::string_view> known)
      : map_(map), config_name_(config_name) {
    if (!map.IsMap()) throw Error(what + " must be a mapping", At(config_name, map));
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "<non-scalar key>";
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        throw Error("unknown field '" + key + "'", At(config_name, it->first));
      }
      if (!seen.insert(key).second) {
        throw Error("duplicate field '" + key + "'", At(config_name, it->first));
      }
    }
  }

  // Calls `read` with the value of `key` and its position for errors if present;
  // throws if required and absent.
  void Field(const std::string& key, bool required,
             const std::function<void(const YAML::Node&, const std::string&)>& read) const {
    for (auto it = map_.begin(); it != map_.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        // An empty value has no position of its own (yaml-cpp marks the next token).
        return read(it->second, At(config_name_, it->second.IsNull() ? it->first : it->second));
      }
    }
    if (required) throw Error("missing field '" + key + "'", At(config_name_, map_));
  }

 private:
  const YAML::Node& map_;
  const std::string& config_name_;
};

std::string ReadString(const YAML::Node& node, const std::string& field, const std::string& at) {
  if (!node.IsScalar()) throw Error("field '" + field + "' must be a string", at);
  return node.Scalar();
}

// Only plain (unquoted) scalars count as integers: `id: "123"` is a string.
int64_t ReadInteger(const YAML::Node& node, const std::string& field, const std::string& at,
                    int64_t min, int64_t max) {
  const std::string* text = node.IsScalar() && node.Tag() != "!" ? &node.Scalar() : nullptr;
  int64_t value = 0;
  if (text != nullptr) {
    const char* begin = text->data() + (text->starts_with('+') ? 1 : 0);
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || begin == end) text = nullptr;
  }
  if (text == nullptr) {
    throw Error("field '" + field + "' must be an integer", at);
  }
  if (value < min || value > max) {
    throw Error("field '" + field + "' must be between " + std::to_string(min) + " and " +
                    std::to_string(max),
                at);
  }
  return value;
}

std::string ReadBaseUrl(const YAML::Node& node, const std::string& at) {
  std::string url = ReadString(node, "base_url", at);
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw Error("field 'base_url' must start with http:// or https://", at);
  }
  while (url.ends_with('/')) url.pop_back();
  return url;
}

std::string ReadPondDir(const YAML::Node& node, const std::string& field, const std::string& at) {
  std::string path = ReadString(node, field, at);
  if (!path.starts_with('/'))
    throw Error("field '" + field + "' must be an absolute pond path", at);
  if (path.size() > 1 && path.ends_with('/')) path.pop_back();
  if (path == "/") return path;
  size_t begin = 1;
  while (begin <= path.size()) {
    size_t end = std::min(path.find('/', begin), path.size());
    if (!IsValidPondName(std::string_view(path).substr(begin, end - begin))) {
      throw Error("field '" + field + "' is not a valid pond path", at);
    }
    begin = end + 1;
  }
  return path;
}

using Node = YAML::Node;
using Where = std::string;

HydroVuDevice ReadDevice(const Node& node, const std::string& config_name) {
  HydroVuDevice device;
  MapReader reader(node, config_name, "a device", {"name", "id", "comment", "active"});
  reader.Field("name", true, [&](const Node& v, const Where& at) {
    device.name = ReadString(v, "name", at);
    if (!IsValidPondName(device.name)) throw Error("invalid device name '" + device.name + "'", at);
  });
  reader.Field("id", true, [&](const Node& v, const Where& at) {
    device.id = ReadInteger(v, "id", at, 0, INT64_MAX);
  });
  reader.Field("comment", false, [&](const Node& v, const Where& at) {
    device.comment = ReadString(v, "comment", at);
  });
  reader.Field("active", false, [&](const Node& v, const Where& at) {
    const std::string text = v.IsScalar() ? v.Scalar() : "";
    if (text != "true" && text != "false") throw Error("field 'active' must be true or false", at);
    device.active = text == "true";
  });
  return device;
}

std::string DevicesDir(const std::string& root, const HydroVuDevice& device) {
  return (root == "/" ? "" : root) + "/devices/" + std::to_string(device.id);
}

}  // namespace

std::string HydroVuConfig::SeriesPath(const HydroVuDevice& device) const {
  return DeviceDir(device) + "/" + device.name + ".series";
}

std::string HydroVuConfig::DeviceDir(const HydroVuDevice& device) const {
  return DevicesDir(hydrovu_path, device);
}

std::string HydroVuConfig::ArchiveDir(const HydroVuDevice& device) const {
  return archive_path.empty() ? "" : DevicesDir(archive_path, device);
}

HydroVuConfig ParseHydroVuConfig(const YAML::Node& root, const std::string& config_name) {
  HydroVuConfig config;
  const std::string& name = config_name;
  MapReader reader(root, name, "the hydrovu config",
                   {"client_id", "client_secret", "base_url", "max_points_per_run", "hydrovu_path",
                    "archive_path", "timeout_s", "retry_attempts", "retry_base_ms",
                    "max_response_mb", "start_time", "devices"});
  reader.Field("client_id", true, [&](const Node& v, const Where& at) {
    config.client_id = ReadString(v, "client_id", at);
  });
  reader.Field("client_secret", true, [&](const Node& v, const Where& at) {
    config.client_secret = ReadString(v, "client_secret", at);
  });
  reader.Field("base_url", false,
               [&](const Node& v, const Where& at) { config.base_url = ReadBaseUrl(v, at); });
  reader.Field("max_points_per_run", false, [&](const Node& v, const Where& at) {
    config.max_points_per_run = ReadInteger(v, "max_points_per_run", at, 1, INT64_MAX);
  });
  reader.Field("hydrovu_path", false, [&](const Node& v, const Where& at) {
    config.hydrovu_path = ReadPondDir(v, "hydrovu_path", at);
  });
  reader.Field("archive_path", false, [&](const Node& v, const Where& at) {
    config.archive_path = ReadPondDir(v, "archive_path", at);
    // The collector writes hydrovu_path's device folders; an archive there would be written.
    if (config.archive_path == config.hydrovu_path)
      throw Error("field 'archive_path' must differ from hydrovu_path (archives are never written)",
                  at);
  });
  reader.Field("timeout_s", false, [&](const Node& v, const Where& at) {
    config.timeout_s = static_cast<int>(ReadInteger(v, "timeout_s", at, 1, 3600));
  });
  reader.Field("retry_attempts", false, [&](const Node& v, const Where& at) {
    config.retry_attempts = static_cast<int>(ReadInteger(v, "retry_attempts", at, 0, 20));
  });
  reader.Field("retry_base_ms", false, [&](const Node& v, const Where& at) {
    config.retry_base_ms = static_cast<int>(ReadInteger(v, "retry_base_ms", at, 0, 600000));
  });
  reader.Field("max_response_mb", false, [&](const Node& v, const Where& at) {
    config.max_response_mb = static_cast<int>(ReadInteger(v, "max_response_mb", at, 1, 4096));
  });
  reader.Field("start_time", false, [&](const Node& v, const Where& at) {
    config.start_time = ReadInteger(v, "start_time", at, 0, kHydroVuMaxTimestamp - 1);
  });
  reader.Field("devices", true, [&](const Node& v, const Where& at) {
    if (!v.IsSequence()) throw Error("field 'devices' must be a list", at);
    std::map<int64_t, std::string> seen;  // id → where first defined
    for (const Node& item : v) {
      HydroVuDevice device = ReadDevice(item, name);
      auto [it, inserted] = seen.emplace(device.id, At(name, item));
      if (!inserted) {
        throw Error(
            "duplicate device id " + std::to_string(device.id) + " (first at " + it->second + ")",
            At(name, item));
      }
      config.devices.push_back(std::move(device));
    }
  });
  return config;
}

HydroVuConfig ParseHydroVuConfig(std::string_view yaml_text, const std::string& config_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    throw Error("invalid YAML: " + e.msg, config_name + ":" + std::to_string(e.mark.line + 1));
  }
  return ParseHydroVuConfig(root, config_name);
}

}  // namespace pond::hydrovu
