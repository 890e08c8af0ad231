// oteljson: JSON Lines of OTLP/JSON ExportMetricsServiceRequest, one request a line,
// as an OpenTelemetry collector's file exporter writes them. Only gauge points
// count: a point is (timeUnixNano, metric name, asDouble or asInt); the table is a
// row per timestamp (µs) and a column per gauge (gauge_table.h).
//
// A line is refused (counted in Parsed::skipped, none of its points kept) when it
// is not of that shape: no `resourceMetrics` array, a gauge without a name, a point
// without a timeUnixNano, a value that is not a number. A point with neither
// asDouble nor asInt is passed over. As protobuf's JSON mapping allows, 64-bit
// integers may be strings or numbers, doubles may be strings ("NaN", "Infinity"),
// and a null field is an absent one.
#include <charconv>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/gauge_table.h"
#include "formats/json_lines.h"
#include "formats/parsers.h"

namespace pond::formats {

namespace {

// A gauge point of the line being read, kept until the whole line proved well formed.
struct Point {
  std::string_view metric;
  int64_t micros;
  double value;
};

// A member that is present and not null.
std::optional<Json> Field(const Json& object, std::string_view key) {
  auto v = object.Member(key);
  if (v && v->type() == Json::Type::kNull) return std::nullopt;
  return v;
}

// Calls fn for each element of the array `key` of `object`; true when it is absent.
template <class Fn>
bool ForEachIn(const Json& object, std::string_view key, Fn&& fn) {
  auto array = Field(object, key);
  return !array || array->ForEachElement(fn);
}

template <class T>
std::optional<T> FromText(std::string_view text) {
  T out;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return out;
}

// timeUnixNano (fixed64) and asInt (sfixed64): a string of digits or a JSON integer.
template <class T>
std::optional<T> Integer(const Json& v) {
  if (auto text = v.String()) return FromText<T>(*text);
  if constexpr (std::is_signed_v<T>)
    return v.Int();
  else
    return v.Uint();
}

std::optional<double> Double(const Json& v) {
  if (auto text = v.String()) return FromText<double>(*text);
  return v.Number();
}

bool ReadPoint(const Json& point, std::string_view metric, std::vector<Point>& out) {
  if (point.type() != Json::Type::kObject) return false;
  auto time = Field(point, "timeUnixNano");
  auto nanos = time ? Integer<uint64_t>(*time) : std::nullopt;
  if (!nanos) return false;
  std::optional<double> value;
  if (auto d = Field(point, "asDouble")) {
    if (!(value = Double(*d))) return false;
  } else if (auto i = Field(point, "asInt")) {
    auto n = Integer<int64_t>(*i);
    if (!n) return false;
    value = static_cast<double>(*n);
  } else {
    return true;
  }
  out.push_back(Point{metric, static_cast<int64_t>(*nanos / 1000), *value});
  return true;
}

bool ReadMetric(const Json& metric, std::vector<Point>& out) {
  if (metric.type() != Json::Type::kObject) return false;
  auto gauge = Field(metric, "gauge");
  if (!gauge) return true;  // a sum, histogram or summary
  auto name = Field(metric, "name");
  auto text = name ? name->String() : std::nullopt;
  if (!text || text->empty() || gauge->type() != Json::Type::kObject) return false;
  return ForEachIn(*gauge, "dataPoints", [&](const Json& p) { return ReadPoint(p, *text, out); });
}

// The gauge points of one request, in the order written; false when the line is
// not a request.
bool ReadRequest(const Json& request, std::vector<Point>& out) {
  if (!Field(request, "resourceMetrics")) return false;
  return ForEachIn(request, "resourceMetrics", [&](const Json& resource) {
    return resource.type() == Json::Type::kObject &&
           ForEachIn(resource, "scopeMetrics", [&](const Json& scope) {
             return scope.type() == Json::Type::kObject &&
                    ForEachIn(scope, "metrics", [&](const Json& m) { return ReadMetric(m, out); });
           });
  });
}

}  // namespace

Parsed WriteOtelJson(engine::Connection& con, const std::string& input, const std::string& output,
                     const std::string& name) {
  JsonLinesReader lines(input, name);
  GaugeTable table;
  std::vector<Point> points;
  while (lines.Next()) {
    points.clear();
    if (!ReadRequest(lines.root(), points)) {
      lines.Refuse();
      continue;
    }
    for (const Point& p : points) table.Set(p.micros, p.metric, p.value);
  }
  const int64_t rows = std::move(table).WriteParquet(con, output, name);
  return Parsed{rows, lines.skipped()};
}

}  // namespace pond::formats
