// String filters (tera builtins/filters/string.rs). Tera's few regexes (title,
// striptags, spaceless) are spelled out as loops with the same matches.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "tmpl/builtins.h"
#include "tmpl/errors.h"
#include "tmpl/slug_table.h"
#include "tmpl/unicode.h"
#include "tmpl/value.h"

namespace pond::tmpl {

namespace {

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  if (from.empty()) {
    // Rust's str::replace with an empty pattern inserts `to` around every char.
    CheckBuildSize(s.size() + (s.size() + 1) * static_cast<uint64_t>(to.size()));
    out += to;
    for (size_t i = 0; i < s.size();) {
      size_t start = i;
      unicode::Next(s, i);
      out += s.substr(start, i - start);
      out += to;
    }
    return out;
  }
  if (to.size() > from.size()) {
    uint64_t count = 0;
    for (size_t at = 0; (at = s.find(from, at)) != std::string_view::npos; at += from.size())
      ++count;
    CheckBuildSize(s.size() + count * (to.size() - from.size()));
  }
  size_t start = 0;
  for (size_t at; (at = s.find(from, start)) != std::string_view::npos; start = at + from.size()) {
    out += s.substr(start, at - start);
    out += to;
  }
  out += s.substr(start);
  return out;
}

// The `pat` argument, with the escapes Tera undoes for patterns read from files.
std::string Pattern(const char* filter, const Kwargs& args) {
  const Value* pat = FindArg(args, "pat");
  if (!pat) throw BuiltinError(std::string("Filter `") + filter + "` expected an arg called `pat`");
  return ReplaceAll(ReplaceAll(ArgString(filter, "pat", *pat), "\\n", "\n"), "\\t", "\t");
}

Value Upper(const Value& v, const Kwargs&) {
  return unicode::ToUpper(ArgString("upper", "value", v));
}
Value Lower(const Value& v, const Kwargs&) {
  return unicode::ToLower(ArgString("lower", "value", v));
}
Value Trim(const Value& v, const Kwargs&) {
  return std::string(unicode::Trim(ArgString("trim", "value", v)));
}
Value TrimStart(const Value& v, const Kwargs&) {
  return std::string(unicode::TrimStart(ArgString("trim_start", "value", v)));
}
Value TrimEnd(const Value& v, const Kwargs&) {
  return std::string(unicode::TrimEnd(ArgString("trim_end", "value", v)));
}

Value TrimStartMatches(const Value& v, const Kwargs& args) {
  std::string_view s = ArgString("trim_start_matches", "value", v);
  std::string pat = Pattern("trim_start_matches", args);
  if (!pat.empty()) {
    while (s.starts_with(pat)) s.remove_prefix(pat.size());
  }
  return std::string(s);
}

Value TrimEndMatches(const Value& v, const Kwargs& args) {
  std::string_view s = ArgString("trim_end_matches", "value", v);
  std::string pat = Pattern("trim_end_matches", args);
  if (!pat.empty()) {
    while (s.ends_with(pat)) s.remove_suffix(pat.size());
  }
  return std::string(s);
}

Value Truncate(const Value& v, const Kwargs& args) {
  const std::string& s = ArgString("truncate", "value", v);
  const Value* len_arg = FindArg(args, "length");
  uint64_t length = len_arg ? ArgUsize("truncate", "length", *len_arg) : 255;
  const Value* end_arg = FindArg(args, "end");
  std::string end = end_arg ? ArgString("truncate", "end", *end_arg) : "\xE2\x80\xA6";
  std::vector<size_t> starts = unicode::GraphemeStarts(s);
  if (length >= starts.size()) return s;
  return s.substr(0, starts[length]) + end;
}

Value Wordcount(const Value& v, const Kwargs&) {
  std::string_view s = ArgString("wordcount", "value", v);
  uint64_t count = 0;
  bool in_word = false;
  for (size_t i = 0; i < s.size();) {
    bool ws = unicode::IsWhitespace(unicode::Next(s, i));
    if (!ws && !in_word) ++count;
    in_word = !ws;
  }
  return count;
}

Value Replace(const Value& v, const Kwargs& args) {
  const std::string& s = ArgString("replace", "value", v);
  const Value* from = FindArg(args, "from");
  if (!from) throw BuiltinError("Filter `replace` expected an arg called `from`");
  const std::string& f = ArgString("replace", "from", *from);
  const Value* to = FindArg(args, "to");
  if (!to) throw BuiltinError("Filter `replace` expected an arg called `to`");
  return ReplaceAll(s, f, ArgString("replace", "to", *to));
}

Value Capitalize(const Value& v, const Kwargs&) {
  std::string_view s = ArgString("capitalize", "value", v);
  if (s.empty()) return "";
  size_t i = 0;
  char32_t first = unicode::Next(s, i);
  std::string out;
  unicode::AppendUpper(out, first);
  return out + unicode::ToLower(s.substr(i));
}

// \b(?P<first>\w)(?P<rest>\w*)\b: every run of word characters, first one uppercased.
Value Title(const Value& v, const Kwargs&) {
  std::string_view s = ArgString("title", "value", v);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t c = unicode::Next(s, i);
    if (!unicode::IsWordChar(c)) {
      out += s.substr(start, i - start);
      continue;
    }
    unicode::AppendUpper(out, c);
    size_t rest = i;
    while (i < s.size()) {
      size_t k = i;
      if (!unicode::IsWordChar(unicode::Next(s, k))) break;
      i = k;
    }
    out += unicode::ToLower(s.substr(rest, i - rest));
  }
  return out;
}

Value Linebreaksbr(const Value& v, const Kwargs&) {
  return ReplaceAll(ReplaceAll(ArgString("title", "value", v), "\r\n", "<br>"), "\n", "<br>");
}

// (<!--.*?-->|<[^>]*>) removed; `.` does not cross a newline.
Value Striptags(const Value& v, const Kwargs&) {
  std::string_view s = ArgString("striptags", "value", v);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '<') {
      if (s.substr(i).starts_with("<!--")) {
        size_t end = s.find("-->", i + 4);
        if (end != std::string_view::npos &&
            s.substr(i + 4, end - i - 4).find('\n') == std::string_view::npos) {
          i = end + 3;
          continue;
        }
      }
      size_t close = s.find('>', i + 1);
      if (close != std::string_view::npos) {
        i = close + 1;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

// >\s+< becomes ><.
Value Spaceless(const Value& v, const Kwargs&) {
  std::string_view s = ArgString("spaceless", "value", v);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '>') {
      size_t k = i + 1, spaces = 0;
      while (k < s.size()) {
        size_t next = k;
        if (!unicode::IsWhitespace(unicode::Next(s, next))) break;
        k = next;
        ++spaces;
      }
      if (spaces > 0 && k < s.size() && s[k] == '<') {
        out += "><";
        i = k + 1;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

std::string PercentEncode(std::string_view s, bool (*keep)(unsigned char)) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80 && keep(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Tera's PYTHON_ENCODE_SET leaves alphanumerics and - . _ ~ / % unescaped.
bool UrlKeep(unsigned char c) {
  return IsAsciiAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '%';
}

Value Urlencode(const Value& v, const Kwargs&) {
  return PercentEncode(ArgString("urlencode", "value", v), UrlKeep);
}

Value UrlencodeStrict(const Value& v, const Kwargs&) {
  return PercentEncode(ArgString("urlencode_strict", "value", v), IsAsciiAlnum);
}

Value Escape(const Value& v, const Kwargs&) {
  return EscapeHtml(ArgString("escape_html", "value", v));
}

Value EscapeXml(const Value& v, const Kwargs&) {
  std::string out;
  for (char c : ArgString("escape_html", "value", v)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// deunicode's text for a non-ASCII character, reduced to slug characters.
std::string SlugText(char32_t c) {
  if (c >= 0xAC00 && c <= 0xD7A3) {
    // Hangul syllables: the romanized jamo, composed.
    static const char* kLead[] = {"g",  "gg", "n", "d",  "dd", "r", "m", "b", "bb", "s",
                                  "ss", "",   "j", "jj", "c",  "k", "t", "p", "h"};
    static const char* kVowel[] = {"a",   "ae", "ya", "yae", "eo", "e",  "yeo",
                                   "ye",  "o",  "wa", "wae", "oe", "yo", "u",
                                   "weo", "we", "wi", "yu",  "eu", "yi", "i"};
    static const char* kTail[] = {"",   "g",  "gg", "gs", "n",  "nj", "nh", "d", "l",  "lg",
                                  "lm", "lb", "ls", "lt", "lp", "lh", "m",  "b", "bs", "s",
                                  "ss", "ng", "j",  "c",  "k",  "t",  "p",  "h"};
    uint32_t n = c - 0xAC00;
    return std::string(kLead[n / (21 * 28)]) + kVowel[n / 28 % 21] + kTail[n % 28];
  }
  const SlugRun* end = kSlugRuns + kSlugRunsSize;
  const SlugRun* it = std::upper_bound(kSlugRuns, end, c,
                                       [](char32_t cp, const SlugRun& r) { return cp < r.start; });
  if (it == kSlugRuns || c >= (it - 1)->start + (it - 1)->count) return "-";
  --it;
  size_t at = 3 * (it->first + (c - it->start));
  auto digit = [](char d) {
    return static_cast<int>(std::strchr(kSlugAlphabet, d) - kSlugAlphabet);
  };
  return kSlugStrings[(digit(kSlugIndex[at]) * 90 + digit(kSlugIndex[at + 1])) * 90 +
                      digit(kSlugIndex[at + 2])];
}

Value SlugifyFilter(const Value& v, const Kwargs&) {
  return Slugify(ArgString("slugify", "value", v));
}

Value Addslashes(const Value& v, const Kwargs&) {
  std::string s = ReplaceAll(ArgString("addslashes", "value", v), "\\", "\\\\");
  return ReplaceAll(ReplaceAll(s, "\"", "\\\""), "'", "\\'");
}

Value Split(const Value& v, const Kwargs& args) {
  std::string_view s = ArgString("split", "value", v);
  std::string pat = Pattern("split", args);
  Value out = Value::array();
  if (pat.empty()) {
    // Rust's split("") yields "", every char, "".
    out.push_back("");
    for (size_t i = 0; i < s.size();) {
      size_t start = i;
      unicode::Next(s, i);
      out.push_back(std::string(s.substr(start, i - start)));
    }
    out.push_back("");
    return out;
  }
  size_t start = 0;
  for (size_t at; (at = s.find(pat, start)) != std::string_view::npos; start = at + pat.size()) {
    out.push_back(std::string(s.substr(start, at - start)));
  }
  out.push_back(std::string(s.substr(start)));
  return out;
}

// i64::from_str_radix: optional sign, at least one digit of the base.
std::optional<int64_t> FromStrRadix(std::string_view s, int base) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  __int128 v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                   : 99;
    if (d >= base) return std::nullopt;
    v = v * base + d;
    if (v > static_cast<__int128>(INT64_MAX) + 1) return std::nullopt;
  }
  if (negative) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(v);
}

int64_t SaturatingCast(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

Value Int(const Value& v, const Kwargs& args) {
  const Value* def = FindArg(args, "default");
  int64_t fallback = def ? ArgI64("int", "default", *def) : 0;
  const Value* base_arg = FindArg(args, "base");
  int64_t base = base_arg ? ArgIntIn("int", "base", *base_arg, 0, UINT32_MAX, "u32") : 10;
  if (v.is_string()) {
    std::string_view s = unicode::Trim(v.get_ref<const std::string&>());
    std::string_view prefix = base == 2 ? "0b" : base == 8 ? "0o" : base == 16 ? "0x" : "";
    if (!prefix.empty()) {
      while (s.starts_with(prefix)) s.remove_prefix(prefix.size());
    }
    if (base < 2 || base > 36) throw BuiltinError("from_str_radix: the base must lie in [2, 36]");
    if (auto n = FromStrRadix(s, static_cast<int>(base))) return *n;
    if (s.find('.') != std::string_view::npos) {
      if (auto f = ParseRustF64(s)) return SaturatingCast(*f);
    }
    return fallback;
  }
  if (auto f = AsF64(v)) return SaturatingCast(*f);
  throw BuiltinError("Filter `int` received an unexpected type");
}

Value Float(const Value& v, const Kwargs& args) {
  const Value* def = FindArg(args, "default");
  double fallback = def ? ArgF64("float", "default", *def) : 0.0;
  if (v.is_string()) {
    auto f = ParseRustF64(unicode::Trim(v.get_ref<const std::string&>()));
    return FloatValue(f ? *f : fallback);
  }
  if (auto f = AsF64(v)) return FloatValue(*f);
  throw BuiltinError("Filter `float` received an unexpected type");
}

}  // namespace

void RegisterStringFilters(std::unordered_map<std::string, Filter>& f) {
  f["upper"] = Upper;
  f["lower"] = Lower;
  f["trim"] = Trim;
  f["trim_start"] = TrimStart;
  f["trim_end"] = TrimEnd;
  f["trim_start_matches"] = TrimStartMatches;
  f["trim_end_matches"] = TrimEndMatches;
  f["truncate"] = Truncate;
  f["wordcount"] = Wordcount;
  f["replace"] = Replace;
  f["capitalize"] = Capitalize;
  f["title"] = Title;
  f["linebreaksbr"] = Linebreaksbr;
  f["striptags"] = Striptags;
  f["spaceless"] = Spaceless;
  f["urlencode"] = Urlencode;
  f["urlencode_strict"] = UrlencodeStrict;
  f["escape"] = Escape;
  f["escape_xml"] = EscapeXml;
  f["slugify"] = SlugifyFilter;
  f["addslashes"] = Addslashes;
  f["split"] = Split;
  f["int"] = Int;
  f["float"] = Float;
}

// slug::slugify: a-z, 0-9 and single dashes, none at either end.
std::string Slugify(std::string_view s) {
  std::string slug;
  bool prev_dash = true;
  auto push = [&](char c) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      slug += c;
      prev_dash = false;
    } else if (c >= 'A' && c <= 'Z') {
      slug += static_cast<char>(c - 'A' + 'a');
      prev_dash = false;
    } else if (!prev_dash) {
      slug += '-';
      prev_dash = true;
    }
  };
  for (size_t i = 0; i < s.size();) {
    char32_t c = unicode::Next(s, i);
    if (c < 0x80) {
      push(static_cast<char>(c));
    } else {
      for (char ch : SlugText(c)) push(ch);
    }
  }
  if (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

}  // namespace pond::tmpl
