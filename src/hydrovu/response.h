// The JSON bodies of the HydroVu public API (docs/hydrovu.md, "HTTP protocol"),
// parsed into plain structs. Every parser throws pond::Error
// `malformed HydroVu response: <what>` with the caller's `where` (e.g.
// `device 123, page 2`) for invalid JSON, a missing field or a mistyped one. The
// messages never quote the body: a token response holds a secret.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pond::hydrovu {

// 3000-01-01T00:00:00Z in Unix seconds: a later "seconds" value is milliseconds.
inline constexpr int64_t kHydroVuMaxTimestamp = 32503680000;

struct HydroVuToken {
  std::string access_token;  // a secret: never log it
  int64_t expires_in = 0;    // seconds; 0 when the server did not say
};

// Id → name, ids as the API spells them ("1", "117").
struct FriendlyNames {
  std::map<std::string, std::string> parameters;
  std::map<std::string, std::string> units;
};

struct HydroVuLocation {
  int64_t id = 0;
  std::string name;
};

struct HydroVuReading {
  int64_t timestamp = 0;        // Unix seconds
  std::optional<double> value;  // JSON null → nullopt
};

struct HydroVuParameter {
  std::string parameter_id;
  std::string unit_id;
  std::vector<HydroVuReading> readings;
};

// One page of `locations/{id}/data`.
struct HydroVuDataPage {
  std::vector<HydroVuParameter> parameters;

  // Readings on the page: what the points budget counts.
  int64_t points() const;
};

HydroVuToken ParseToken(std::string_view body, const std::string& where);
FriendlyNames ParseFriendlyNames(std::string_view body, const std::string& where);
std::vector<HydroVuLocation> ParseLocations(std::string_view body, const std::string& where);
// Also rejects a timestamp outside [0, year 3000) with
// `HydroVu timestamp 1719792000000 is past the year 3000 (milliseconds instead of seconds?)`.
HydroVuDataPage ParseDataPage(std::string_view body, const std::string& where);

}  // namespace pond::hydrovu
