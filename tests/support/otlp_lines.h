// OTLP/JSON metric lines as an OpenTelemetry collector's file exporter writes them
// (one ExportMetricsServiceRequest a line): fixtures for oteljson tests, scenario
// tests and benchmarks. Header-only.
//
//   OtlpGauges spec;                        // 10 gauges, 60 lines a minute apart
//   spec.lines = 525600;                    // a year of minutes
//   WriteOtlpFile(dir / "metrics.json", spec);
//   WriteOtlpFiles(dir, spec, 12);          // metrics-00.json … metrics-11.json
//
// Line i holds every gauge g in 0…gauges-1, named name(g), at time
// start_micros + i·step_micros with value(i, g).
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pond::testing {

// "gauge_00", "gauge_01", …: byte order is numeric order below 100.
inline std::string OtlpGaugeName(int gauge) {
  std::string digits = std::to_string(gauge);
  return "gauge_" + std::string(digits.size() < 2 ? 1 : 0, '0') + digits;
}

struct OtlpGauges {
  int gauges = 10;
  std::function<std::string(int gauge)> name = OtlpGaugeName;
  int64_t lines = 60;
  int64_t start_micros = 1704067200'000000;  // 2024-01-01T00:00:00Z
  int64_t step_micros = 60'000'000;
  // Finite values. The default is exact in binary and short in decimal, so that
  // tests can compare what they read back with ==.
  std::function<double(int64_t line, int gauge)> value = [](int64_t line, int gauge) {
    return gauge + static_cast<double>(line % 1000) / 8;
  };
};

// Line `line` of `spec`, without its newline.
inline std::string OtlpLine(const OtlpGauges& spec, int64_t line) {
  const std::string nanos = std::to_string((spec.start_micros + line * spec.step_micros) * 1000);
  std::string out =
      R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"host.name","value":)"
      R"({"stringValue":"fixture"}}]},"scopeMetrics":[{"scope":{"name":"fixture"},"metrics":[)";
  for (int g = 0; g < spec.gauges; ++g) {
    char value[32];
    auto end = std::to_chars(value, value + sizeof value, spec.value(line, g)).ptr;
    out += (g ? ",{\"name\":\"" : "{\"name\":\"") + spec.name(g) +
           R"(","gauge":{"dataPoints":[{"timeUnixNano":")" + nanos + R"(","asDouble":)" +
           std::string(value, end) + "}]}}";
  }
  return out + "]}]}]}";
}

// Writes lines first … first+count-1 (all lines when count < 0) to `path`, or adds
// them at its end with `append` (a collector writing on).
inline void WriteOtlpFile(const std::filesystem::path& path, const OtlpGauges& spec,
                          int64_t first = 0, int64_t count = -1, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  const int64_t stop = count < 0 ? spec.lines : std::min(spec.lines, first + count);
  for (int64_t i = first; i < stop; ++i) out << OtlpLine(spec, i) << '\n';
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Writes the lines rotated into `files` files of consecutive lines (the last may be
// shorter), dir/metrics-00.json onwards, and returns their paths in time order.
inline std::vector<std::filesystem::path> WriteOtlpFiles(const std::filesystem::path& dir,
                                                         const OtlpGauges& spec, int files) {
  std::vector<std::filesystem::path> paths;
  const int64_t per_file = (spec.lines + files - 1) / files;
  for (int f = 0; f < files; ++f) {
    char name[32];
    std::snprintf(name, sizeof name, "metrics-%02d.json", f);
    paths.push_back(dir / name);
    WriteOtlpFile(paths.back(), spec, f * per_file, per_file);
  }
  return paths;
}

}  // namespace pond::testing
