// UTC time helpers. Inside the pond, times are microseconds since the Unix epoch
// (DuckDB TIMESTAMP, meaning UTC); export metadata uses milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pond {

// Parses a command-line time (docs/cli.md): ISO 8601 date or date-time in UTC
// unless an offset is given (`2024-07-01`, `2024-07-01T12:00:00Z`, `2024-07-01 12:00:00`,
// `2024-07-01T14:00:00+02:00`, fractional seconds allowed) or Unix milliseconds
// (all digits). Returns µs since the epoch; nullopt if the text is not a time.
std::optional<int64_t> ParseTime(std::string_view text);

// Parses a duration as the original DuckPond's configs write them (Rust's humantime):
// one or more `<n><unit>`, spaces allowed around units (`14d`, `36h`, `1h 30m`).
// Units: ns/nsec, us/usec, ms/msec, s/sec/second(s), m/min/minute(s), h/hr/hour(s),
// d/day(s), w/week(s), M/month(s) (30.44 days), y/year(s) (365.25 days). Returns µs
// (sub-µs parts truncated); nullopt for anything else, or a total past ~290,000 years.
std::optional<int64_t> ParseHumanDuration(std::string_view text);

// Parses DuckDB's TIMESTAMP text (`2024-07-01 00:00:00`, optional `.ffffff`) to µs.
std::optional<int64_t> ParseTimestampText(std::string_view text);

// `2024-07-01 00:00:00` (fraction only when non-zero, as DuckDB prints).
std::string FormatTimestamp(int64_t micros);
// `2024-07-01T00:00:00Z` (fraction only when non-zero).
std::string FormatIso(int64_t micros);
// `2024-07-01`.
std::string FormatDate(int64_t micros);

// Floor division of µs to ms (correct for times before 1970 too).
int64_t MicrosToMillis(int64_t micros);

// Current time, µs since the epoch.
int64_t NowMicros();

// A half-open time range [begin, end) in µs UTC; an unset bound is unbounded.
struct TimeRange {
  std::optional<int64_t> begin, end;
  bool operator==(const TimeRange&) const = default;
  // Whether some time in [min, max] (inclusive) falls in the range.
  bool Overlaps(int64_t min, int64_t max) const {
    return (!begin || max >= *begin) && (!end || min < *end);
  }
};

}  // namespace pond
