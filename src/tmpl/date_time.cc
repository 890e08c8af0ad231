#include "tmpl/date_time.h"

#include <cstdio>

#include "tmpl/errors.h"
#include "tmpl/unicode.h"

namespace pond::tmpl {

namespace {

constexpr int64_t kMinYear = -262144;  // chrono's NaiveDate range
constexpr int64_t kMaxYear = 262143;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// chrono's format/parse.rs scanner over one input string.
class ChronoScanner {
 public:
  explicit ChronoScanner(std::string_view s) : s_(s) {}
  bool Done() const { return s_.empty(); }
  std::string_view rest() const { return s_; }
  void Space() { s_ = unicode::TrimStart(s_); }
  bool Literal(std::string_view lit) {
    if (!s_.starts_with(lit)) return false;
    s_.remove_prefix(lit.size());
    return true;
  }
  // scan::number after trim_left: min..max ASCII digits.
  bool Number(size_t min, size_t max, int64_t* out) {
    Space();
    size_t i = 0;
    int64_t n = 0;
    while (i < s_.size() && i < max && s_[i] >= '0' && s_[i] <= '9') {
      if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, s_[i] - '0', &n))
        return false;
      ++i;
    }
    if (i < min) return false;
    s_.remove_prefix(i);
    *out = n;
    return true;
  }
  bool Year(int64_t* out) {
    Space();
    if (Literal("-")) {
      if (!Number(1, SIZE_MAX, out)) return false;
      *out = -*out;
      return true;
    }
    if (Literal("+")) return Number(1, SIZE_MAX, out);
    return Number(1, 4, out);
  }
  // Fixed::Nanosecond: optional `.digits` (at most 9 count, the rest skipped).
  bool Nanos(int64_t* out) {
    *out = 0;
    if (!s_.starts_with('.')) return true;
    s_.remove_prefix(1);
    size_t i = 0;
    int64_t v = 0;
    while (i < s_.size() && i < 9 && s_[i] >= '0' && s_[i] <= '9') v = v * 10 + (s_[i++] - '0');
    if (i == 0) return false;
    static const int64_t kScale[] = {0,     100000000, 10000000, 1000000, 100000,
                                     10000, 1000,      100,      10,      1};
    *out = v * kScale[i];
    while (i < s_.size() && s_[i] >= '0' && s_[i] <= '9') ++i;
    s_.remove_prefix(i);
    return true;
  }
  // Fixed::TimezoneOffsetZ: Z, UTC, or [+-]HH[: ]MM.
  bool OffsetZ(int* out) {
    Space();
    if (!s_.empty() && (s_[0] == 'z' || s_[0] == 'Z')) {
      s_.remove_prefix(1);
      *out = 0;
      return true;
    }
    if (!s_.empty() && (s_[0] == 'u' || s_[0] == 'U')) {
      if (s_.size() >= 3 && (s_[1] | 32) == 't' && (s_[2] | 32) == 'c') {
        s_.remove_prefix(3);
        *out = 0;
        return true;
      }
      return false;
    }
    if (s_.empty() || (s_[0] != '+' && s_[0] != '-')) return false;
    bool negative = s_[0] == '-';
    s_.remove_prefix(1);
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s_.size() < 2 || !digit(s_[0]) || !digit(s_[1])) return false;
    int hours = (s_[0] - '0') * 10 + (s_[1] - '0');
    s_.remove_prefix(2);
    while (!s_.empty()) {
      size_t k = 0;
      char32_t c = unicode::Next(s_, k);
      if (c != ':' && !unicode::IsWhitespace(c)) break;
      s_.remove_prefix(k);
    }
    if (s_.size() < 2 || s_[0] < '0' || s_[0] > '5' || !digit(s_[1])) return false;
    int minutes = (s_[0] - '0') * 10 + (s_[1] - '0');
    s_.remove_prefix(2);
    *out = (hours * 3600 + minutes * 60) * (negative ? -1 : 1);
    return true;
  }

 private:
  std::string_view s_;
};

bool ValidDate(int64_t y, int64_t m, int64_t d) {
  return y >= kMinYear && y <= kMaxYear && m >= 1 && m <= 12 && d >= 1 &&
         d <= DaysInMonth(y, static_cast<int>(m));
}

// Parsed::to_naive_time: second 60 is a leap second (59 + 1e9 ns).
bool MakeTime(int64_t h, int64_t mi, int64_t s, int64_t ns, CivilTime* c) {
  if (h > 23 || mi > 59 || s > 60 || ns > 999'999'999) return false;
  c->hour = static_cast<int>(h);
  c->minute = static_cast<int>(mi);
  c->second = static_cast<int>(s == 60 ? 59 : s);
  c->nanos = ns + (s == 60 ? 1'000'000'000 : 0);
  return true;
}

// `spaces`: chrono's own parsers allow whitespace before the dashes, "%Y-%m-%d" does not.
bool ParseDate(ChronoScanner& sc, CivilTime* c, bool spaces = true) {
  int64_t y, m, d;
  if (!sc.Year(&y)) return false;
  if (spaces) sc.Space();
  if (!sc.Literal("-") || !sc.Number(1, 2, &m)) return false;
  if (spaces) sc.Space();
  if (!sc.Literal("-") || !sc.Number(1, 2, &d)) return false;
  if (!ValidDate(y, m, d)) return false;
  c->year = y;
  c->month = static_cast<int>(m);
  c->day = static_cast<int>(d);
  return true;
}

bool ParseTime(ChronoScanner& sc, CivilTime* c) {
  int64_t h, mi, s, ns;
  if (!sc.Number(1, 2, &h)) return false;
  sc.Space();
  if (!sc.Literal(":") || !sc.Number(1, 2, &mi)) return false;
  sc.Space();
  if (!sc.Literal(":") || !sc.Number(1, 2, &s) || !sc.Nanos(&ns)) return false;
  return MakeTime(h, mi, s, ns, c);
}

int64_t SecondsOf(const CivilTime& c) {
  return DaysFromCivil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
}

ZonedTime Utc(const CivilTime& c) {
  ZonedTime t;
  t.local = c;
  t.utc_seconds = SecondsOf(c);
  t.has_offset = true;
  t.zone_name = "UTC";
  return t;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = FloorDiv(y, 400);
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime CivilFromSeconds(int64_t seconds) {
  int64_t days = FloorDiv(seconds, 86400);
  int64_t secs = seconds - days * 86400;
  int64_t z = days + 719468;
  int64_t era = FloorDiv(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  CivilTime c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  return c;
}

int Weekday(const CivilTime& c) {
  int64_t days = DaysFromCivil(c.year, c.month, c.day);
  return static_cast<int>(((days + 4) % 7 + 7) % 7);
}

int Ordinal(const CivilTime& c) {
  return static_cast<int>(DaysFromCivil(c.year, c.month, c.day) - DaysFromCivil(c.year, 1, 1) + 1);
}

IsoWeekDate IsoWeek(const CivilTime& c) {
  int monday_based = (Weekday(c) + 6) % 7;
  int64_t thursday = DaysFromCivil(c.year, c.month, c.day) - monday_based + 3;
  CivilTime th = CivilFromSeconds(thursday * 86400);
  return {th.year, (Ordinal(th) - 1) / 7 + 1};
}

std::string NaiveDebug(const CivilTime& c) {
  char buf[96];
  int n = c.year >= 0 && c.year <= 9999
              ? std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(c.year))
              : std::snprintf(buf, sizeof buf, "%+06lld", static_cast<long long>(c.year));
  int64_t nano = c.nanos;
  int second = c.second;
  if (nano >= 1'000'000'000) {
    second += 1;
    nano -= 1'000'000'000;
  }
  n += std::snprintf(buf + n, sizeof buf - n, "-%02d-%02dT%02d:%02d:%02d", c.month, c.day, c.hour,
                     c.minute, second);
  if (nano != 0) {
    if (nano % 1'000'000 == 0) {
      std::snprintf(buf + n, sizeof buf - n, ".%03lld", static_cast<long long>(nano / 1'000'000));
    } else if (nano % 1000 == 0) {
      std::snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>(nano / 1000));
    } else {
      std::snprintf(buf + n, sizeof buf - n, ".%09lld", static_cast<long long>(nano));
    }
  }
  return buf;
}

ZonedTime Naive(int64_t seconds) {
  ZonedTime t;
  t.local = CivilFromSeconds(seconds);
  if (t.local.year < kMinYear || t.local.year > kMaxYear) {
    throw BuiltinError("invalid or out-of-range datetime");
  }
  t.utc_seconds = seconds;
  return t;
}

ZonedTime InZone(int64_t utc_seconds, int64_t nanos, const TimeZone& zone) {
  ZonedTime t;
  zone.At(utc_seconds, &t.offset, &t.zone_name);
  t.local = CivilFromSeconds(utc_seconds + t.offset);
  if (t.local.year < kMinYear || t.local.year > kMaxYear) {
    throw BuiltinError("invalid or out-of-range datetime");
  }
  t.local.nanos = nanos;
  t.utc_seconds = utc_seconds;
  t.has_offset = true;
  return t;
}

std::optional<ZonedTime> ParseDateTimeWithOffset(std::string_view s) {
  ChronoScanner sc(s);
  CivilTime c;
  if (!ParseDate(sc, &c) || sc.Done()) return std::nullopt;
  std::string_view rest = sc.rest();
  if (rest[0] != 'T' && rest[0] != ' ') return std::nullopt;
  ChronoScanner time(rest.substr(1));
  int offset;
  if (!ParseTime(time, &c)) return std::nullopt;
  time.Space();
  if (!time.OffsetZ(&offset)) return std::nullopt;
  time.Space();
  if (!time.Done() || offset <= -86400 || offset >= 86400) return std::nullopt;
  ZonedTime t;
  t.local = c;
  t.offset = offset;
  t.has_offset = true;
  t.utc_seconds = SecondsOf(c) - offset;
  char buf[32];
  int off = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
  t.zone_name = buf;
  return t;
}

std::optional<ZonedTime> ParseNaiveDateTime(std::string_view s) {
  ChronoScanner sc(s);
  CivilTime c;
  if (!ParseDate(sc, &c)) return std::nullopt;
  sc.Space();
  if (!sc.Literal("T") || !ParseTime(sc, &c)) return std::nullopt;
  sc.Space();
  if (!sc.Done()) return std::nullopt;
  return Utc(c);
}

std::optional<ZonedTime> ParseNaiveDate(std::string_view s) {
  ChronoScanner sc(s);
  CivilTime c;
  if (!ParseDate(sc, &c, false) || !sc.Done()) return std::nullopt;
  return Utc(c);
}

}  // namespace pond::tmpl
