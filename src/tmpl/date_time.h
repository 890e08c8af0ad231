// Calendar arithmetic and time zones for the `date` filter (date.cc), following
// chrono 0.4.23: proleptic Gregorian dates, ISO weeks, and its parsers for RFC 3339,
// naive date-times and YYYY-MM-DD.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pond::tmpl {

struct CivilTime {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;  // may exceed 1e9 for a leap second, as in chrono
};

// A date-time as chrono formats it: local fields, and the offset when there is one.
struct ZonedTime {
  CivilTime local;
  int64_t utc_seconds = 0;  // %s
  bool has_offset = false;  // NaiveDateTime has none: %z and %Z fail
  int offset = 0;           // seconds east of UTC
  std::string zone_name;    // %Z
};

struct TzData;
// A named zone (chrono-tz): its offset and abbreviation at any instant.
struct TimeZone {
  std::shared_ptr<const TzData> data;
  void At(int64_t utc_seconds, int* offset, std::string* abbrev) const;
};
// IANA zone names, read from the system's zoneinfo; nullopt for unknown names.
std::optional<TimeZone> FindTimeZone(const std::string& name);

int64_t DaysFromCivil(int64_t y, int m, int d);
CivilTime CivilFromSeconds(int64_t seconds);  // seconds since the epoch
int Weekday(const CivilTime& c);              // 0 = Sunday
int Ordinal(const CivilTime& c);              // 1..366
struct IsoWeekDate {
  int64_t year;
  int week;
};
IsoWeekDate IsoWeek(const CivilTime& c);
std::string NaiveDebug(const CivilTime& c);  // NaiveDateTime's Debug: 2024-07-01T12:00:00.5

// NaiveDateTime::from_timestamp(seconds, 0); throws BuiltinError out of chrono's range.
ZonedTime Naive(int64_t seconds);
ZonedTime InZone(int64_t utc_seconds, int64_t nanos, const TimeZone& zone);
// s.parse::<DateTime<FixedOffset>>(), s.parse::<NaiveDateTime>() (as UTC) and
// NaiveDate::parse_from_str(s, "%Y-%m-%d") (midnight UTC).
std::optional<ZonedTime> ParseDateTimeWithOffset(std::string_view s);
std::optional<ZonedTime> ParseNaiveDateTime(std::string_view s);
std::optional<ZonedTime> ParseNaiveDate(std::string_view s);

}  // namespace pond::tmpl
