// The `date` filter: chrono 0.4's strftime items and input parsing, as Tera 1.17 uses
// them. Supported: every chrono specifier (%Y %C %y %m %b %B %h %d %e %a %A %w %u %U
// %W %G %g %V %j %D %x %F %v %H %k %I %l %P %p %M %S %f %.f %.3f %.6f %.9f %3f %6f %9f
// %R %T %X %r %Z %z %:z %::z %:::z %c %+ %s %t %n %%, with the - _ 0 padding
// modifiers). Time zones: UTC, fixed offsets, and IANA names read from the system's
// zoneinfo (tz.cc) where Tera compiles chrono-tz's copy in.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "tmpl/builtins.h"
#include "tmpl/date_time.h"
#include "tmpl/errors.h"
#include "tmpl/unicode.h"
#include "tmpl/value.h"

namespace pond::tmpl {

namespace {

enum class Spec {
  kLiteral,
  kYear,
  kYearDiv100,
  kYearMod100,
  kIsoYear,
  kIsoYearMod100,
  kMonth,
  kDay,
  kWeekFromSun,
  kWeekFromMon,
  kIsoWeek,
  kNumDaysFromSun,
  kWeekdayFromMon,
  kOrdinal,
  kHour,
  kHour12,
  kMinute,
  kSecond,
  kNanosecond,
  kTimestamp,
  kShortMonth,
  kLongMonth,
  kShortWeekday,
  kLongWeekday,
  kLowerAmPm,
  kUpperAmPm,
  kNanoAuto,
  kNano3,
  kNano6,
  kNano9,
  kNano3NoDot,
  kNano6NoDot,
  kNano9NoDot,
  kTzName,
  kTzOffset,
  kTzOffsetColon,
  kTzOffsetDoubleColon,
  kTzOffsetTripleColon,
  kRfc3339,
};
enum class Pad { kNone, kZero, kSpace };

struct Item {
  Spec spec;
  Pad pad = Pad::kNone;
  std::string literal;
};

bool IsNumeric(Spec s) { return s >= Spec::kYear && s <= Spec::kTimestamp; }

Item Num(Spec s, Pad p) { return Item{s, p, {}}; }
Item Fix(Spec s) { return Item{s, Pad::kNone, {}}; }
Item Lit(const char* text) { return Item{Spec::kLiteral, Pad::kNone, text}; }

// StrftimeItems: returns false when the format holds an Item::Error.
bool ParseFormat(std::string_view f, std::vector<Item>* items) {
  size_t i = 0;
  while (i < f.size()) {
    if (f[i] != '%') {
      size_t start = i;
      size_t k = i;
      bool ws = unicode::IsWhitespace(unicode::Next(f, k));
      while (i < f.size() && f[i] != '%') {
        size_t next = i;
        if (unicode::IsWhitespace(unicode::Next(f, next)) != ws) break;
        i = next;
      }
      items->push_back(Item{Spec::kLiteral, Pad::kNone, std::string(f.substr(start, i - start))});
      continue;
    }
    ++i;
    auto next = [&](char32_t* c) {
      if (i >= f.size()) return false;
      *c = unicode::Next(f, i);
      return true;
    };
    char32_t spec;
    if (!next(&spec)) return false;
    std::optional<Pad> pad;
    if (spec == '-') pad = Pad::kNone;
    if (spec == '0') pad = Pad::kZero;
    if (spec == '_') pad = Pad::kSpace;
    bool alternate = spec == '#';
    if ((pad || alternate) && !next(&spec)) return false;
    if (alternate && spec != 'z') return false;
    std::vector<Item> expansion;
    switch (spec) {
      case 'A':
        expansion = {Fix(Spec::kLongWeekday)};
        break;
      case 'B':
        expansion = {Fix(Spec::kLongMonth)};
        break;
      case 'C':
        expansion = {Num(Spec::kYearDiv100, Pad::kZero)};
        break;
      case 'D':
        expansion = {Num(Spec::kMonth, Pad::kZero), Lit("/"), Num(Spec::kDay, Pad::kZero), Lit("/"),
                     Num(Spec::kYearMod100, Pad::kZero)};
        break;
      case 'F':
        expansion = {Num(Spec::kYear, Pad::kZero), Lit("-"), Num(Spec::kMonth, Pad::kZero),
                     Lit("-"), Num(Spec::kDay, Pad::kZero)};
        break;
      case 'G':
        expansion = {Num(Spec::kIsoYear, Pad::kZero)};
        break;
      case 'H':
        expansion = {Num(Spec::kHour, Pad::kZero)};
        break;
      case 'I':
        expansion = {Num(Spec::kHour12, Pad::kZero)};
        break;
      case 'M':
        expansion = {Num(Spec::kMinute, Pad::kZero)};
        break;
      case 'P':
        expansion = {Fix(Spec::kLowerAmPm)};
        break;
      case 'R':
        expansion = {Num(Spec::kHour, Pad::kZero), Lit(":"), Num(Spec::kMinute, Pad::kZero)};
        break;
      case 'S':
        expansion = {Num(Spec::kSecond, Pad::kZero)};
        break;
      case 'T':
      case 'X':
        expansion = {Num(Spec::kHour, Pad::kZero), Lit(":"), Num(Spec::kMinute, Pad::kZero),
                     Lit(":"), Num(Spec::kSecond, Pad::kZero)};
        break;
      case 'U':
        expansion = {Num(Spec::kWeekFromSun, Pad::kZero)};
        break;
      case 'V':
        expansion = {Num(Spec::kIsoWeek, Pad::kZero)};
        break;
      case 'W':
        expansion = {Num(Spec::kWeekFromMon, Pad::kZero)};
        break;
      case 'Y':
        expansion = {Num(Spec::kYear, Pad::kZero)};
        break;
      case 'Z':
        expansion = {Fix(Spec::kTzName)};
        break;
      case 'a':
        expansion = {Fix(Spec::kShortWeekday)};
        break;
      case 'b':
      case 'h':
        expansion = {Fix(Spec::kShortMonth)};
        break;
      case 'c':
        expansion = {
            Fix(Spec::kShortWeekday),       Lit(" "), Fix(Spec::kShortMonth),         Lit(" "),
            Num(Spec::kDay, Pad::kSpace),   Lit(" "), Num(Spec::kHour, Pad::kZero),   Lit(":"),
            Num(Spec::kMinute, Pad::kZero), Lit(":"), Num(Spec::kSecond, Pad::kZero), Lit(" "),
            Num(Spec::kYear, Pad::kZero)};
        break;
      case 'd':
        expansion = {Num(Spec::kDay, Pad::kZero)};
        break;
      case 'e':
        expansion = {Num(Spec::kDay, Pad::kSpace)};
        break;
      case 'f':
        expansion = {Num(Spec::kNanosecond, Pad::kZero)};
        break;
      case 'g':
        expansion = {Num(Spec::kIsoYearMod100, Pad::kZero)};
        break;
      case 'j':
        expansion = {Num(Spec::kOrdinal, Pad::kZero)};
        break;
      case 'k':
        expansion = {Num(Spec::kHour, Pad::kSpace)};
        break;
      case 'l':
        expansion = {Num(Spec::kHour12, Pad::kSpace)};
        break;
      case 'm':
        expansion = {Num(Spec::kMonth, Pad::kZero)};
        break;
      case 'n':
        expansion = {Lit("\n")};
        break;
      case 'p':
        expansion = {Fix(Spec::kUpperAmPm)};
        break;
      case 'r':
        expansion = {
            Num(Spec::kHour12, Pad::kZero), Lit(":"), Num(Spec::kMinute, Pad::kZero), Lit(":"),
            Num(Spec::kSecond, Pad::kZero), Lit(" "), Fix(Spec::kUpperAmPm)};
        break;
      case 's':
        expansion = {Num(Spec::kTimestamp, Pad::kNone)};
        break;
      case 't':
        expansion = {Lit("\t")};
        break;
      case 'u':
        expansion = {Num(Spec::kWeekdayFromMon, Pad::kNone)};
        break;
      case 'v':
        expansion = {Num(Spec::kDay, Pad::kSpace), Lit("-"), Fix(Spec::kShortMonth), Lit("-"),
                     Num(Spec::kYear, Pad::kZero)};
        break;
      case 'w':
        expansion = {Num(Spec::kNumDaysFromSun, Pad::kNone)};
        break;
      case 'x':
        expansion = {Num(Spec::kMonth, Pad::kZero), Lit("/"), Num(Spec::kDay, Pad::kZero), Lit("/"),
                     Num(Spec::kYearMod100, Pad::kZero)};
        break;
      case 'y':
        expansion = {Num(Spec::kYearMod100, Pad::kZero)};
        break;
      case 'z':
        // %#z is parse-only; chrono panics when formatting it.
        if (alternate) return false;
        expansion = {Fix(Spec::kTzOffset)};
        break;
      case '+':
        expansion = {Fix(Spec::kRfc3339)};
        break;
      case ':':
        if (f.substr(i).starts_with("::z")) {
          i += 3;
          expansion = {Fix(Spec::kTzOffsetTripleColon)};
        } else if (f.substr(i).starts_with(":z")) {
          i += 2;
          expansion = {Fix(Spec::kTzOffsetDoubleColon)};
        } else if (f.substr(i).starts_with("z")) {
          i += 1;
          expansion = {Fix(Spec::kTzOffsetColon)};
        } else {
          return false;
        }
        break;
      case '.': {
        char32_t c;
        if (!next(&c)) return false;
        if (c == 'f') {
          expansion = {Fix(Spec::kNanoAuto)};
        } else if (c == '3' || c == '6' || c == '9') {
          char32_t f2;
          if (!next(&f2) || f2 != 'f') return false;
          expansion = {Fix(c == '3' ? Spec::kNano3 : c == '6' ? Spec::kNano6 : Spec::kNano9)};
        } else {
          return false;
        }
        break;
      }
      case '3':
      case '6':
      case '9': {
        char32_t f2;
        if (!next(&f2) || f2 != 'f') return false;
        expansion = {Fix(spec == '3'   ? Spec::kNano3NoDot
                         : spec == '6' ? Spec::kNano6NoDot
                                       : Spec::kNano9NoDot)};
        break;
      }
      case '%':
        expansion = {Lit("%")};
        break;
      default:
        return false;
    }
    if (pad) {
      if (expansion.size() != 1 || !IsNumeric(expansion[0].spec)) return false;
      expansion[0].pad = *pad;
    }
    items->insert(items->end(), expansion.begin(), expansion.end());
  }
  return true;
}

const char* kShortMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* kLongMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                             "July",    "August",   "September", "October", "November", "December"};
const char* kShortDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                           "Thursday", "Friday", "Saturday"};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

void WriteNumber(std::string& out, Spec spec, int64_t v, Pad pad) {
  int width =
      spec == Spec::kYear || spec == Spec::kIsoYear ? 4
      : spec == Spec::kOrdinal                      ? 3
      : spec == Spec::kNanosecond                   ? 9
      : spec == Spec::kNumDaysFromSun || spec == Spec::kWeekdayFromMon || spec == Spec::kTimestamp
          ? 1
          : 2;
  // Years outside 0..9999 carry a sign (ISO 8601), which counts towards the width.
  bool sign = (spec == Spec::kYear || spec == Spec::kIsoYear) && (v < 0 || v >= 10000);
  uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  char prefix = v < 0 ? '-' : sign ? '+' : 0;
  if (sign) ++width;
  int len = n + (prefix ? 1 : 0);
  int fill = pad == Pad::kNone ? 0 : std::max(0, width - len);
  if (pad == Pad::kSpace) out.append(fill, ' ');
  if (prefix) out += prefix;
  if (pad == Pad::kZero) out.append(fill, '0');
  while (n > 0) out += digits[--n];
}

void WriteOffset(std::string& out, int offset, int colons) {
  char buf[32];
  int off = offset < 0 ? -offset : offset;
  char sign = offset < 0 ? '-' : '+';
  switch (colons) {
    case 0:
      std::snprintf(buf, sizeof buf, "%c%02d%02d", sign, off / 3600, off / 60 % 60);
      break;
    case 1:
      std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, off / 3600, off / 60 % 60);
      break;
    case 2:
      std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", sign, off / 3600, off / 60 % 60, off % 60);
      break;
    default:
      std::snprintf(buf, sizeof buf, "%c%02d", sign, off / 3600);
  }
  out += buf;
}

// format_inner of chrono for one item; a missing offset is an error (chrono's fmt::Error,
// on which Tera panics).
void FormatItem(const Item& item, const ZonedTime& t, std::string& out) {
  const CivilTime& c = t.local;
  auto need_offset = [&] {
    if (!t.has_offset) throw BuiltinError("the date has no time zone for this format");
  };
  char buf[32];
  switch (item.spec) {
    case Spec::kLiteral:
      out += item.literal;
      return;
    case Spec::kYear:
      WriteNumber(out, item.spec, c.year, item.pad);
      return;
    case Spec::kYearDiv100:
      WriteNumber(out, item.spec, FloorDiv(c.year, 100), item.pad);
      return;
    case Spec::kYearMod100:
      WriteNumber(out, item.spec, FloorMod(c.year, 100), item.pad);
      return;
    case Spec::kIsoYear:
      WriteNumber(out, item.spec, IsoWeek(c).year, item.pad);
      return;
    case Spec::kIsoYearMod100:
      WriteNumber(out, item.spec, FloorMod(IsoWeek(c).year, 100), item.pad);
      return;
    case Spec::kMonth:
      WriteNumber(out, item.spec, c.month, item.pad);
      return;
    case Spec::kDay:
      WriteNumber(out, item.spec, c.day, item.pad);
      return;
    case Spec::kWeekFromSun:
      WriteNumber(out, item.spec, (Ordinal(c) - Weekday(c) + 7) / 7, item.pad);
      return;
    case Spec::kWeekFromMon:
      WriteNumber(out, item.spec, (Ordinal(c) - (Weekday(c) + 6) % 7 + 7) / 7, item.pad);
      return;
    case Spec::kIsoWeek:
      WriteNumber(out, item.spec, IsoWeek(c).week, item.pad);
      return;
    case Spec::kNumDaysFromSun:
      WriteNumber(out, item.spec, Weekday(c), item.pad);
      return;
    case Spec::kWeekdayFromMon:
      WriteNumber(out, item.spec, Weekday(c) == 0 ? 7 : Weekday(c), item.pad);
      return;
    case Spec::kOrdinal:
      WriteNumber(out, item.spec, Ordinal(c), item.pad);
      return;
    case Spec::kHour:
      WriteNumber(out, item.spec, c.hour, item.pad);
      return;
    case Spec::kHour12:
      WriteNumber(out, item.spec, c.hour % 12 == 0 ? 12 : c.hour % 12, item.pad);
      return;
    case Spec::kMinute:
      WriteNumber(out, item.spec, c.minute, item.pad);
      return;
    case Spec::kSecond:
      WriteNumber(out, item.spec, c.second + c.nanos / 1'000'000'000, item.pad);
      return;
    case Spec::kNanosecond:
      WriteNumber(out, item.spec, c.nanos % 1'000'000'000, item.pad);
      return;
    case Spec::kTimestamp:
      WriteNumber(out, item.spec, t.utc_seconds, item.pad);
      return;
    case Spec::kShortMonth:
      out += kShortMonths[c.month - 1];
      return;
    case Spec::kLongMonth:
      out += kLongMonths[c.month - 1];
      return;
    case Spec::kShortWeekday:
      out += kShortDays[Weekday(c)];
      return;
    case Spec::kLongWeekday:
      out += kLongDays[Weekday(c)];
      return;
    case Spec::kLowerAmPm:
      out += c.hour >= 12 ? "pm" : "am";
      return;
    case Spec::kUpperAmPm:
      out += c.hour >= 12 ? "PM" : "AM";
      return;
    case Spec::kNanoAuto: {
      int64_t nano = c.nanos % 1'000'000'000;
      if (nano == 0) return;
      if (nano % 1'000'000 == 0) {
        std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(nano / 1'000'000));
      } else if (nano % 1000 == 0) {
        std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(nano / 1000));
      } else {
        std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nano));
      }
      out += buf;
      return;
    }
    case Spec::kNano3:
    case Spec::kNano3NoDot:
      std::snprintf(buf, sizeof buf, "%s%03lld", item.spec == Spec::kNano3 ? "." : "",
                    static_cast<long long>(c.nanos % 1'000'000'000 / 1'000'000));
      out += buf;
      return;
    case Spec::kNano6:
    case Spec::kNano6NoDot:
      std::snprintf(buf, sizeof buf, "%s%06lld", item.spec == Spec::kNano6 ? "." : "",
                    static_cast<long long>(c.nanos % 1'000'000'000 / 1000));
      out += buf;
      return;
    case Spec::kNano9:
    case Spec::kNano9NoDot:
      std::snprintf(buf, sizeof buf, "%s%09lld", item.spec == Spec::kNano9 ? "." : "",
                    static_cast<long long>(c.nanos % 1'000'000'000));
      out += buf;
      return;
    case Spec::kTzName:
      need_offset();
      out += t.zone_name;
      return;
    case Spec::kTzOffset:
      need_offset();
      WriteOffset(out, t.offset, 0);
      return;
    case Spec::kTzOffsetColon:
      need_offset();
      WriteOffset(out, t.offset, 1);
      return;
    case Spec::kTzOffsetDoubleColon:
      need_offset();
      WriteOffset(out, t.offset, 2);
      return;
    case Spec::kTzOffsetTripleColon:
      need_offset();
      WriteOffset(out, t.offset, 3);
      return;
    case Spec::kRfc3339:
      need_offset();
      out += NaiveDebug(c);
      WriteOffset(out, t.offset, 1);
      return;
  }
}

// Formats are parsed once: a page renders the same few formats many times.
const std::vector<Item>& CachedFormat(const std::string& format) {
  thread_local std::unordered_map<std::string, std::optional<std::vector<Item>>> cache;
  auto it = cache.find(format);
  if (it == cache.end()) {
    if (cache.size() > 256) cache.clear();
    std::vector<Item> items;
    bool ok = ParseFormat(format, &items);
    it = cache.emplace(format, ok ? std::optional(std::move(items)) : std::nullopt).first;
  }
  if (!it->second) throw BuiltinError("Invalid date format `" + format + "`");
  return *it->second;
}

}  // namespace

Value DateFilter(const Value& value, const Kwargs& args) {
  const Value* format_arg = FindArg(args, "format");
  std::string format = format_arg ? ArgString("date", "format", *format_arg) : "%Y-%m-%d";
  const std::vector<Item>& items = CachedFormat(format);
  std::optional<TimeZone> zone;
  if (const Value* tz = FindArg(args, "timezone")) {
    const std::string& name = ArgString("date", "timezone", *tz);
    zone = FindTimeZone(name);
    if (!zone) throw BuiltinError("Error parsing `" + name + "` as a timezone");
  }
  ZonedTime t;
  if (value.is_number()) {
    auto i = AsI64(value);
    if (!i) throw BuiltinError("Filter `date` was invoked on a float: " + ToJson(value));
    t = zone ? InZone(*i, 0, *zone) : Naive(*i);
  } else if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.find('T') != std::string::npos) {
      if (auto parsed = ParseDateTimeWithOffset(s)) {
        t = zone ? InZone(parsed->utc_seconds, parsed->local.nanos, *zone) : *parsed;
      } else if (auto naive = ParseNaiveDateTime(s)) {
        t = *naive;
      } else {
        throw BuiltinError("Error parsing `\"" + s + "\"` as rfc3339 date or naive datetime");
      }
    } else if (auto date = ParseNaiveDate(s)) {
      t = *date;
    } else {
      throw BuiltinError("Error parsing `\"" + s + "\"` as YYYY-MM-DD date");
    }
  } else {
    throw BuiltinError("Filter `date` received an incorrect type for arg `value`: got `" +
                       ToJson(value) + "` but expected i64|u64|String");
  }
  std::string out;
  for (const Item& item : items) FormatItem(item, t, out);
  return out;
}

}  // namespace pond::tmpl
