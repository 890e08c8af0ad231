#include "tmpl/unicode.h"

#include <algorithm>

#include "tmpl/regex_tables.h"
#include "tmpl/unicode_tables.h"

namespace pond::tmpl::unicode {

char32_t Next(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || c > 0xF4 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += len;
  return cp;
}

void Append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t before = i;
    char32_t cp = Next(s, i);
    // A genuine U+FFFD is three bytes; a one-byte step means an invalid byte.
    if (cp == 0xFFFD && i - before != 3) return false;
  }
  return true;
}

size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    Next(s, i);
    ++n;
  }
  return n;
}

bool IsWhitespace(char32_t c) {
  return (c >= 9 && c <= 13) || c == 32 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool IsWordChar(char32_t c) {
  if (c < 0x80)
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  // The regex crate's \w (regex_tables.cc), which Tera's `title` also relies on.
  using regex_tables::kPerlWord;
  const Range* end = kPerlWord + regex_tables::kPerlWordSize;
  const Range* it =
      std::upper_bound(kPerlWord, end, c, [](char32_t v, const Range& r) { return v < r.start; });
  return it != kPerlWord && c <= (it - 1)->end;
}

bool IsAlphanumeric(char32_t c) { return c != '_' && IsWordChar(c); }

std::string_view TrimStart(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t next = i;
    if (!IsWhitespace(Next(s, next))) break;
    i = next;
  }
  return s.substr(i);
}

std::string_view TrimEnd(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t k = start;
    char32_t cp = Next(s, k);
    if (k != end || !IsWhitespace(cp)) break;
    end = start;
  }
  return s.substr(0, end);
}

std::string_view Trim(std::string_view s) { return TrimEnd(TrimStart(s)); }

namespace {

// Maps `cp` through a run table, or returns false when no run covers it.
bool MapRuns(const CaseRun* runs, size_t n, char32_t cp, char32_t& out) {
  const CaseRun* end = runs + n;
  const CaseRun* it =
      std::upper_bound(runs, end, cp, [](char32_t v, const CaseRun& r) { return v < r.start; });
  if (it == runs) return false;
  --it;
  if (cp > it->end || (cp - it->start) % it->stride != 0) return false;
  out = static_cast<char32_t>(static_cast<int64_t>(cp) + it->delta);
  return true;
}

const char* FindMulti(const CaseMulti* table, size_t n, char32_t cp) {
  const CaseMulti* end = table + n;
  const CaseMulti* it =
      std::lower_bound(table, end, cp, [](const CaseMulti& m, char32_t v) { return m.cp < v; });
  return it != end && it->cp == cp ? it->utf8 : nullptr;
}

bool IsCased(char32_t c) {
  char32_t m;
  return MapRuns(kUpperRuns, kUpperRunsSize, c, m) || MapRuns(kLowerRuns, kLowerRunsSize, c, m) ||
         FindMulti(kUpperMulti, kUpperMultiSize, c) != nullptr;
}

bool IsCaseIgnorable(char32_t c) {
  return c == 0x27 || c == 0x2E || c == 0x3A || c == 0x5E || c == 0x60 || c == 0xA8 || c == 0xAD ||
         c == 0xAF || c == 0xB4 || c == 0xB7 || c == 0xB8 || c == 0x2019 ||
         (c >= 0x300 && c <= 0x36F);
}

// Rust's Final_Sigma test: a cased letter before (skipping case-ignorables) and none after.
bool IsFinalSigma(std::string_view s, size_t at, size_t after) {
  bool cased_before = false;
  std::vector<char32_t> before;
  for (size_t i = 0; i < at;) before.push_back(Next(s, i));
  for (auto it = before.rbegin(); it != before.rend(); ++it) {
    if (IsCaseIgnorable(*it)) continue;
    cased_before = IsCased(*it);
    break;
  }
  if (!cased_before) return false;
  for (size_t i = after; i < s.size();) {
    char32_t c = Next(s, i);
    if (IsCaseIgnorable(c)) continue;
    return !IsCased(c);
  }
  return true;
}

}  // namespace

void AppendUpper(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp >= 'a' && cp <= 'z' ? cp - 32 : cp);
    return;
  }
  if (const char* m = FindMulti(kUpperMulti, kUpperMultiSize, cp)) {
    out += m;
    return;
  }
  char32_t mapped = cp;
  MapRuns(kUpperRuns, kUpperRunsSize, cp, mapped);
  Append(out, mapped);
}

void AppendLower(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    return;
  }
  if (const char* m = FindMulti(kLowerMulti, kLowerMultiSize, cp)) {
    out += m;
    return;
  }
  char32_t mapped = cp;
  MapRuns(kLowerRuns, kLowerRunsSize, cp, mapped);
  Append(out, mapped);
}

std::string ToUpper(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) AppendUpper(out, Next(s, i));
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t at = i;
    char32_t cp = Next(s, i);
    if (cp == 0x3A3) {
      Append(out, IsFinalSigma(s, at, i) ? 0x3C2 : 0x3C3);
    } else {
      AppendLower(out, cp);
    }
  }
  return out;
}

namespace {

Gcb GcbOf(char32_t c) {
  const GcbRange* end = kGcbRanges + kGcbRangesSize;
  const GcbRange* it = std::upper_bound(kGcbRanges, end, c,
                                        [](char32_t v, const GcbRange& r) { return v < r.start; });
  if (it == kGcbRanges) return Gcb::kOther;
  --it;
  return c <= it->end ? it->prop : Gcb::kOther;
}

enum class Pair { kNoBreak, kBreak, kRegional, kEmoji };

// The pair table of UAX #29 for Unicode 10, extended clusters.
Pair CheckPair(Gcb a, Gcb b) {
  using G = Gcb;
  if (a == G::kCR && b == G::kLF) return Pair::kNoBreak;
  if (a == G::kControl || a == G::kCR || a == G::kLF) return Pair::kBreak;
  if (b == G::kControl || b == G::kCR || b == G::kLF) return Pair::kBreak;
  if (a == G::kL && (b == G::kL || b == G::kV || b == G::kLV || b == G::kLVT))
    return Pair::kNoBreak;
  if ((a == G::kLV || a == G::kV) && (b == G::kV || b == G::kT)) return Pair::kNoBreak;
  if ((a == G::kLVT || a == G::kT) && b == G::kT) return Pair::kNoBreak;
  if (b == G::kExtend || b == G::kZWJ) return Pair::kNoBreak;
  if (b == G::kSpacingMark || a == G::kPrepend) return Pair::kNoBreak;
  if ((a == G::kEBase || a == G::kEBaseGAZ) && b == G::kEModifier) return Pair::kNoBreak;
  if (a == G::kExtend && b == G::kEModifier) return Pair::kEmoji;
  if (a == G::kZWJ && (b == G::kGlueAfterZwj || b == G::kEBaseGAZ)) return Pair::kNoBreak;
  if (a == G::kRegionalIndicator && b == G::kRegionalIndicator) return Pair::kRegional;
  return Pair::kBreak;
}

}  // namespace

std::vector<size_t> GraphemeStarts(std::string_view s) {
  std::vector<size_t> starts;
  std::vector<Gcb> props;  // properties of the code points seen so far
  Gcb prev = Gcb::kOther;
  for (size_t i = 0; i < s.size();) {
    size_t at = i;
    Gcb cur = GcbOf(Next(s, i));
    bool brk = true;
    if (!props.empty()) {
      switch (CheckPair(prev, cur)) {
        case Pair::kNoBreak:
          brk = false;
          break;
        case Pair::kBreak:
          break;
        case Pair::kRegional: {
          size_t ris = 0;
          for (auto it = props.rbegin(); it != props.rend() && *it == Gcb::kRegionalIndicator; ++it)
            ++ris;
          brk = ris % 2 == 0;
          break;
        }
        case Pair::kEmoji: {
          auto it = props.rbegin();
          while (it != props.rend() && *it == Gcb::kExtend) ++it;
          brk = !(it != props.rend() && (*it == Gcb::kEBase || *it == Gcb::kEBaseGAZ));
          break;
        }
      }
    }
    if (brk) starts.push_back(at);
    props.push_back(cur);
    prev = cur;
  }
  return starts;
}

}  // namespace pond::tmpl::unicode
