// IANA time zones for the `date` filter, read from the system's TZif files
// (RFC 8536), including the POSIX TZ rule in the footer for instants after the last
// transition (only the `Mm.w.d` rule form, which every current zone uses).
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "tmpl/date_time.h"

namespace pond::tmpl {

struct TzData {
  struct Type {
    int offset;
    std::string abbrev;
  };
  std::vector<int64_t> transitions;
  std::vector<uint8_t> transition_types;
  std::vector<Type> types;
  // The footer rule: standard and daylight offsets/names and the DST window.
  bool has_rule = false;
  Type std_type, dst_type;
  bool has_dst = false;
  int start_m = 0, start_w = 0, start_d = 0, start_time = 7200;
  int end_m = 0, end_w = 0, end_d = 0, end_time = 7200;
};

namespace {

const char* kZoneDir = "/usr/share/zoneinfo/";

int64_t ReadBE(const std::string& s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  if (bytes == 4) return static_cast<int32_t>(v);
  return static_cast<int64_t>(v);
}

// POSIX TZ string pieces: <name> or letters; [+-]h[h][:mm[:ss]].
bool ParseName(std::string_view& s, std::string* out) {
  if (!s.empty() && s[0] == '<') {
    size_t end = s.find('>');
    if (end == std::string_view::npos) return false;
    *out = std::string(s.substr(1, end - 1));
    s.remove_prefix(end + 1);
    return true;
  }
  size_t n = 0;
  while (n < s.size() && std::isalpha(static_cast<unsigned char>(s[n]))) ++n;
  if (n < 3) return false;
  *out = std::string(s.substr(0, n));
  s.remove_prefix(n);
  return true;
}

bool ParseHms(std::string_view& s, int* out) {
  int sign = 1;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  int parts[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (s.empty() || s[0] != ':') break;
      s.remove_prefix(1);
    }
    size_t n = 0;
    int v = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n])))
      v = v * 10 + (s[n++] - '0');
    if (n == 0) return false;
    parts[k] = v;
    s.remove_prefix(n);
  }
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool ParseRuleDate(std::string_view& s, int* m, int* w, int* d, int* time) {
  if (s.empty() || s[0] != 'M') return false;
  s.remove_prefix(1);
  int* fields[3] = {m, w, d};
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
    }
    size_t n = 0;
    int v = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n])))
      v = v * 10 + (s[n++] - '0');
    if (n == 0) return false;
    *fields[k] = v;
    s.remove_prefix(n);
  }
  if (!s.empty() && s[0] == '/') {
    s.remove_prefix(1);
    return ParseHms(s, time);
  }
  return true;
}

void ParseFooter(std::string_view s, TzData* z) {
  if (!ParseName(s, &z->std_type.abbrev)) return;
  int std_off;
  if (!ParseHms(s, &std_off)) return;
  z->std_type.offset = -std_off;
  z->has_rule = true;
  if (s.empty()) return;
  if (!ParseName(s, &z->dst_type.abbrev)) return;
  z->dst_type.offset = z->std_type.offset + 3600;
  if (!s.empty() && s[0] != ',') {
    int dst_off;
    if (!ParseHms(s, &dst_off)) return;
    z->dst_type.offset = -dst_off;
  }
  if (s.empty() || s[0] != ',') return;
  s.remove_prefix(1);
  if (!ParseRuleDate(s, &z->start_m, &z->start_w, &z->start_d, &z->start_time)) return;
  if (s.empty() || s[0] != ',') return;
  s.remove_prefix(1);
  if (!ParseRuleDate(s, &z->end_m, &z->end_w, &z->end_d, &z->end_time)) return;
  z->has_dst = true;
}

std::shared_ptr<TzData> Load(const std::string& name) {
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
        c != '+') {
      return nullptr;
    }
  }
  // Only zone names, as chrono-tz knows them; not the zoneinfo's other files.
  if (name.empty() || name[0] == '/' || name.find("..") != std::string::npos ||
      name.starts_with("posix/") || name.starts_with("right/") || name == "localtime" ||
      name == "posixrules") {
    return nullptr;
  }
  std::ifstream in(kZoneDir + name, std::ios::binary);
  if (!in) return nullptr;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string s = buf.str();
  if (s.size() < 44 || s.compare(0, 4, "TZif") != 0 || s[4] < '2') return nullptr;
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int k = 0; k < 6; ++k) c[k] = ReadBE(s, at + 20 + 4 * k, 4);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
  if (s.size() < v1 + 44) return nullptr;
  counts(v1, c);
  size_t at = v1 + 44;
  size_t need = c[3] * 9 + c[4] * 6 + c[5] + c[2] * 12 + c[1] + c[0];
  if (s.size() < at + need || c[4] == 0) return nullptr;
  auto z = std::make_shared<TzData>();
  for (int64_t i = 0; i < c[3]; ++i) z->transitions.push_back(ReadBE(s, at + 8 * i, 8));
  at += 8 * c[3];
  for (int64_t i = 0; i < c[3]; ++i) z->transition_types.push_back(static_cast<uint8_t>(s[at + i]));
  at += c[3];
  size_t types_at = at, chars_at = at + 6 * c[4];
  for (int64_t i = 0; i < c[4]; ++i) {
    size_t t = types_at + 6 * i;
    size_t abbr = static_cast<unsigned char>(s[t + 5]);
    std::string a =
        abbr < static_cast<size_t>(c[5]) ? std::string(s.c_str() + chars_at + abbr) : "";
    z->types.push_back({static_cast<int>(ReadBE(s, t, 4)), a});
  }
  for (uint8_t t : z->transition_types) {
    if (t >= z->types.size()) return nullptr;
  }
  size_t footer = at + need;
  if (footer < s.size() && s[footer] == '\n') {
    size_t end = s.find('\n', footer + 1);
    if (end != std::string::npos)
      ParseFooter(std::string_view(s).substr(footer + 1, end - footer - 1), z.get());
  }
  return z;
}

// The UTC instant of a rule date (Mm.w.d/time) in `year`, given the local offset then.
int64_t RuleInstant(int64_t year, int m, int w, int d, int time, int offset) {
  int64_t first = DaysFromCivil(year, m, 1);
  int first_wd = static_cast<int>(((first + 4) % 7 + 7) % 7);
  int64_t day = first + (d - first_wd + 7) % 7 + 7 * (w - 1);
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month_len =
      kDays[m - 1] + (m == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));
  while (day >= first + month_len) day -= 7;
  return day * 86400 + time - offset;
}

}  // namespace

void TimeZone::At(int64_t t, int* offset, std::string* abbrev) const {
  const TzData& z = *data;
  const TzData::Type* type = &z.types[0];
  if (!z.transitions.empty() && t >= z.transitions[0]) {
    size_t i =
        std::upper_bound(z.transitions.begin(), z.transitions.end(), t) - z.transitions.begin();
    type = &z.types[z.transition_types[i - 1]];
  }
  if (z.has_rule && (z.transitions.empty() || t >= z.transitions.back())) {
    type = &z.std_type;
    if (z.has_dst) {
      int64_t year = CivilFromSeconds(t + z.std_type.offset).year;
      int64_t start =
          RuleInstant(year, z.start_m, z.start_w, z.start_d, z.start_time, z.std_type.offset);
      int64_t end = RuleInstant(year, z.end_m, z.end_w, z.end_d, z.end_time, z.dst_type.offset);
      bool dst = start < end ? (t >= start && t < end) : (t >= start || t < end);
      if (dst) type = &z.dst_type;
    }
  }
  *offset = type->offset;
  *abbrev = type->abbrev;
}

std::optional<TimeZone> FindTimeZone(const std::string& name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<TzData>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, Load(name)).first;
  if (it->second) return TimeZone{it->second};
  if (name == "UTC") {
    // Without a zoneinfo database UTC still works.
    auto z = std::make_shared<TzData>();
    z->types.push_back({0, "UTC"});
    return TimeZone{z};
  }
  return std::nullopt;
}

}  // namespace pond::tmpl
