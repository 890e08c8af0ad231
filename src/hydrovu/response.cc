#include "hydrovu/response.h"

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace pond::hydrovu {

namespace {

using nlohmann::json;

[[noreturn]] void Malformed(const std::string& what, const std::string& where) {
  throw Error("malformed HydroVu response: " + what, where);
}

json Parse(std::string_view body, const std::string& where) {
  // No exceptions: nlohmann's messages quote the input, which may hold a token.
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) Malformed("invalid JSON", where);
  return doc;
}

const json& Member(const json& object, const char* key, const std::string& where) {
  if (!object.is_object())
    Malformed("expected an object holding '" + std::string(key) + "'", where);
  auto it = object.find(key);
  if (it == object.end()) Malformed("missing '" + std::string(key) + "'", where);
  return *it;
}

const json& Array(const json& object, const char* key, const std::string& where) {
  const json& value = Member(object, key, where);
  if (!value.is_array()) Malformed("'" + std::string(key) + "' is not an array", where);
  return value;
}

int64_t Integer(const json& object, const char* key, const std::string& where) {
  const json& value = Member(object, key, where);
  if (!value.is_number_integer()) Malformed("'" + std::string(key) + "' is not an integer", where);
  return value.get<int64_t>();
}

// Ids come as strings ("19") in data pages; accept integers too.
std::string Id(const json& object, const char* key, const std::string& where) {
  const json& value = Member(object, key, where);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  Malformed("'" + std::string(key) + "' is not an id", where);
}

std::map<std::string, std::string> NameMap(const json& object, const char* key,
                                           const std::string& where) {
  const json& value = Member(object, key, where);
  if (!value.is_object()) Malformed("'" + std::string(key) + "' is not an object", where);
  std::map<std::string, std::string> names;
  for (const auto& [id, name] : value.items()) {
    if (!name.is_string())
      Malformed("name of '" + std::string(key) + "' " + id + " is not a string", where);
    names.emplace(id, name.get<std::string>());
  }
  return names;
}

}  // namespace

int64_t HydroVuDataPage::points() const {
  int64_t n = 0;
  for (const auto& p : parameters) n += static_cast<int64_t>(p.readings.size());
  return n;
}

HydroVuToken ParseToken(std::string_view body, const std::string& where) {
  json doc = Parse(body, where);
  const json& token = Member(doc, "access_token", where);
  if (!token.is_string() || token.get<std::string>().empty()) {
    Malformed("'access_token' is not a non-empty string", where);
  }
  HydroVuToken result{token.get<std::string>(), 0};
  if (auto it = doc.find("expires_in"); it != doc.end() && it->is_number_integer()) {
    result.expires_in = it->get<int64_t>();
  }
  return result;
}

FriendlyNames ParseFriendlyNames(std::string_view body, const std::string& where) {
  json doc = Parse(body, where);
  return FriendlyNames{NameMap(doc, "parameters", where), NameMap(doc, "units", where)};
}

std::vector<HydroVuLocation> ParseLocations(std::string_view body, const std::string& where) {
  json doc = Parse(body, where);
  if (!doc.is_array()) Malformed("the location list is not an array", where);
  std::vector<HydroVuLocation> locations;
  for (const json& item : doc) {
    HydroVuLocation location{Integer(item, "id", where), ""};
    if (auto it = item.find("name"); it != item.end() && it->is_string()) {
      location.name = it->get<std::string>();
    }
    locations.push_back(std::move(location));
  }
  return locations;
}

HydroVuDataPage ParseDataPage(std::string_view body, const std::string& where) {
  json doc = Parse(body, where);
  HydroVuDataPage page;
  for (const json& p : Array(doc, "parameters", where)) {
    HydroVuParameter parameter{Id(p, "parameterId", where), Id(p, "unitId", where), {}};
    const json& readings = Array(p, "readings", where);
    parameter.readings.reserve(readings.size());
    for (const json& r : readings) {
      int64_t timestamp = Integer(r, "timestamp", where);
      if (timestamp < 0 || timestamp >= kHydroVuMaxTimestamp) {
        throw Error(
            "HydroVu timestamp " + std::to_string(timestamp) +
                (timestamp < 0 ? " is before 1970"
                               : " is past the year 3000 (milliseconds instead of seconds?)"),
            where);
      }
      const json& value = Member(r, "value", where);
      if (!value.is_null() && !value.is_number()) Malformed("'value' is not a number", where);
      parameter.readings.push_back(
          {timestamp, value.is_null() ? std::nullopt : std::optional<double>(value.get<double>())});
    }
    page.parameters.push_back(std::move(parameter));
  }
  return page;
}

}  // namespace pond::hydrovu
