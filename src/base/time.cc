#include "base/time.h"

#include <fmt/format.h>

#include <cctype>
#include <algorithm>
#include <chrono>
#include <limits>

namespace pond {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

// A tiny cursor over the text being parsed.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  bool Digits(size_t n, int64_t* out) {
    if (i + n > s.size()) return false;
    int64_t v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      v = v * 10 + (c - '0');
    }
    i += n;
    *out = v;
    return true;
  }
  bool Eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
};

// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.f+]]]`; leaves the cursor after it.
std::optional<int64_t> ParseDateTime(Cursor& c) {
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, frac_us = 0;
  if (!c.Digits(4, &y) || !c.Eat('-') || !c.Digits(2, &mo) || !c.Eat('-') || !c.Digits(2, &d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(mo)))
    return std::nullopt;
  if (c.Eat('T') || c.Eat(' ')) {
    if (!c.Digits(2, &h) || !c.Eat(':') || !c.Digits(2, &mi)) return std::nullopt;
    if (c.Eat(':')) {
      if (!c.Digits(2, &sec)) return std::nullopt;
      if (c.Eat('.')) {
        int64_t scale = 100000;
        size_t start = c.i;
        while (!c.done() && std::isdigit(static_cast<unsigned char>(c.s[c.i]))) {
          frac_us += (c.s[c.i] - '0') * scale;
          scale /= 10;
          ++c.i;
        }
        if (c.i == start) return std::nullopt;
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60 * 1000000 + sec * 1000000 + frac_us;
}

}  // namespace

std::optional<int64_t> ParseTime(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (char ch : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(ch));
  if (all_digits) {
    if (text.size() > 15) return std::nullopt;
    return std::stoll(std::string(text)) * 1000;
  }
  Cursor c{text};
  auto t = ParseDateTime(c);
  if (!t) return std::nullopt;
  if (c.done() || c.Eat('Z')) return c.done() ? t : std::nullopt;
  bool neg = c.s[c.i] == '-';
  if (!c.Eat('+') && !c.Eat('-')) return std::nullopt;
  int64_t oh, om = 0;
  if (!c.Digits(2, &oh)) return std::nullopt;
  if (c.Eat(':') || !c.done()) {
    if (!c.Digits(2, &om)) return std::nullopt;
  }
  if (!c.done() || oh > 23 || om > 59) return std::nullopt;
  int64_t offset = (oh * 60 + om) * 60 * 1000000;
  return neg ? *t + offset : *t - offset;
}

std::optional<int64_t> ParseTimestampText(std::string_view text) {
  Cursor c{text};
  auto t = ParseDateTime(c);
  if (!t || !c.done()) return std::nullopt;
  return t;
}

namespace {

struct Parts {
  Civil date;
  int64_t h, m, s, us;
};

Parts Split(int64_t micros) {
  int64_t us_per_day = int64_t{86400} * 1000000;
  int64_t days = micros / us_per_day;
  int64_t rem = micros % us_per_day;
  if (rem < 0) {
    rem += us_per_day;
    --days;
  }
  int64_t secs = rem / 1000000;
  return {CivilFromDays(days), secs / 3600, secs / 60 % 60, secs % 60, rem % 1000000};
}

std::string Format(int64_t micros, char sep, const char* suffix) {
  Parts p = Split(micros);
  std::string out = fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", p.date.y, p.date.m,
                                p.date.d, sep, p.h, p.m, p.s);
  if (p.us != 0) {
    std::string frac = fmt::format("{:06}", p.us);
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out + suffix;
}

}  // namespace

std::string FormatTimestamp(int64_t micros) { return Format(micros, ' ', ""); }
std::string FormatIso(int64_t micros) { return Format(micros, 'T', "Z"); }

std::string FormatDate(int64_t micros) {
  Parts p = Split(micros);
  return fmt::format("{:04}-{:02}-{:02}", p.date.y, p.date.m, p.date.d);
}

int64_t MicrosToMillis(int64_t micros) {
  int64_t q = micros / 1000;
  return (micros % 1000 < 0) ? q - 1 : q;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<int64_t> ParseHumanDuration(std::string_view text) {
  // Nanoseconds per unit, as humantime counts them (a month is a year / 12).
  static const std::pair<std::string_view, int64_t> kUnits[] = {
      {"nsec", 1},  {"ns", 1},
      {"usec", 1'000},  {"us", 1'000},
      {"msec", 1'000'000},  {"ms", 1'000'000},
      {"seconds", 1'000'000'000},  {"second", 1'000'000'000},  {"sec", 1'000'000'000},
      {"s", 1'000'000'000},
      {"minutes", 60'000'000'000},  {"minute", 60'000'000'000},  {"min", 60'000'000'000},
      {"m", 60'000'000'000},
      {"hours", 3'600'000'000'000},  {"hour", 3'600'000'000'000},  {"hr", 3'600'000'000'000},
      {"h", 3'600'000'000'000},
      {"days", 86'400'000'000'000},  {"day", 86'400'000'000'000},  {"d", 86'400'000'000'000},
      {"weeks", 604'800'000'000'000},  {"week", 604'800'000'000'000},
      {"w", 604'800'000'000'000},
      {"months", 2'630'016'000'000'000},  {"month", 2'630'016'000'000'000},
      {"M", 2'630'016'000'000'000},
      {"years", 31'557'600'000'000'000},  {"year", 31'557'600'000'000'000},
      {"y", 31'557'600'000'000'000},
  };
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  __int128 total_ns = 0;
  bool any = false;
  skip_spaces();
  while (i < text.size()) {
    const size_t digits = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == digits || i - digits > 18) return std::nullopt;
    const int64_t n = std::stoll(std::string(text.substr(digits, i - digits)));
    skip_spaces();  // `14 d`, as humantime reads it
    const size_t unit = i;
    while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z')))
      ++i;
    const std::string_view word = text.substr(unit, i - unit);
    const auto* match = std::find_if(std::begin(kUnits), std::end(kUnits),
                                     [&](const auto& u) { return u.first == word; });
    if (match == std::end(kUnits)) return std::nullopt;
    total_ns += static_cast<__int128>(n) * match->second;
    if (total_ns / 1000 > std::numeric_limits<int64_t>::max()) return std::nullopt;
    any = true;
    skip_spaces();
  }
  if (!any) return std::nullopt;
  return static_cast<int64_t>(total_ns / 1000);
}

}  // namespace pond
