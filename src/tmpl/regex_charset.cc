// Character classes as sorted code point ranges: the set algebra of [..&&..], [..--..],
// [..~~..] and negation, simple case folding, and the Unicode data behind \p{..} \w \d \s
// (regex_tables.cc), looked up the way regex-syntax 0.6 does.
#include <algorithm>
#include <cstring>

#include "tmpl/errors.h"
#include "tmpl/regex_internal.h"
#include "tmpl/regex_tables.h"

namespace pond::tmpl::regex_internal {

namespace rt = regex_tables;

constexpr char32_t kMaxChar = 0x10FFFF;

void Canonicalize(Ranges* r) {
  std::sort(r->begin(), r->end());
  Ranges out;
  for (auto [lo, hi] : *r) {
    if (!out.empty() && lo <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, hi);
    } else {
      out.emplace_back(lo, hi);
    }
  }
  *r = std::move(out);
}

Ranges Union(const Ranges& a, const Ranges& b) {
  Ranges r = a;
  r.insert(r.end(), b.begin(), b.end());
  Canonicalize(&r);
  return r;
}

Ranges Intersect(const Ranges& a, const Ranges& b) {
  Ranges r;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    char32_t lo = std::max(a[i].first, b[j].first), hi = std::min(a[i].second, b[j].second);
    if (lo <= hi) r.emplace_back(lo, hi);
    (a[i].second < b[j].second ? i : j)++;
  }
  return r;
}

Ranges Negate(const Ranges& r) {
  Ranges out;
  char32_t next = 0;
  for (auto [lo, hi] : r) {
    if (lo > next) out.emplace_back(next, lo - 1);
    next = hi + 1;
  }
  if (r.empty() || r.back().second < kMaxChar) out.emplace_back(next, kMaxChar);
  return out;
}

Ranges Difference(const Ranges& a, const Ranges& b) { return Intersect(a, Negate(b)); }

Ranges SymmetricDifference(const Ranges& a, const Ranges& b) {
  return Difference(Union(a, b), Intersect(a, b));
}

bool IsAscii(const Ranges& r) { return r.empty() || r.back().second <= 0x7F; }

void CaseFold(Ranges* r, bool unicode) {
  Ranges added;
  for (auto [lo, hi] : *r) {
    if (!unicode) {
      // ASCII letters only: A-Z <-> a-z.
      for (auto [a, b, delta] :
           {std::tuple<char32_t, char32_t, int>{'A', 'Z', 32}, {'a', 'z', -32}}) {
        char32_t s = std::max(lo, a), e = std::min(hi, b);
        if (s <= e) added.emplace_back(s + delta, e + delta);
      }
      continue;
    }
    const rt::FoldEntry* end = rt::kFoldEntries + rt::kFoldEntriesSize;
    const rt::FoldEntry* it = std::lower_bound(
        rt::kFoldEntries, end, lo, [](const rt::FoldEntry& e, char32_t c) { return e.cp < c; });
    for (; it != end && it->cp <= hi; ++it) {
      for (uint32_t k = 0; k < it->count; ++k) {
        char32_t t = rt::kFoldTargets[it->first + k];
        added.emplace_back(t, t);
      }
    }
  }
  r->insert(r->end(), added.begin(), added.end());
  Canonicalize(r);
}

namespace {

[[noreturn]] void Bad(const std::string& why) { throw BuiltinError("regex parse error: " + why); }

Ranges SetRanges(const rt::PropertySet& s) {
  Ranges r;
  for (uint32_t k = 0; k < s.count; ++k) {
    const unicode::Range& x = rt::kPropertyRanges[s.first + k];
    r.emplace_back(x.start, x.end);
  }
  return r;
}

const rt::PropertySet* FindSet(rt::SetKind kind, std::string_view name) {
  for (size_t i = 0; i < rt::kPropertySetsSize; ++i) {
    if (rt::kPropertySets[i].kind == kind && name == rt::kPropertySets[i].name) {
      return &rt::kPropertySets[i];
    }
  }
  return nullptr;
}

Ranges SetOf(rt::SetKind kind, std::string_view name) {
  const rt::PropertySet* s = FindSet(kind, name);
  if (!s) Bad("Unicode property not found");
  return SetRanges(*s);
}

// UAX44-LM3 loose matching as regex-syntax applies it: case, spaces, '_' and '-' are
// ignored, and so is an "is" prefix (but "isc" stays: the Other category's alias).
std::string Loose(std::string_view name) {
  bool is = name.size() >= 2 && (name[0] | 32) == 'i' && (name[1] | 32) == 's';
  if (is) name.remove_prefix(2);
  std::string out;
  for (char ch : name) {
    if (ch == ' ' || ch == '_' || ch == '-' || static_cast<unsigned char>(ch) >= 0x80) continue;
    out += ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch | 32) : ch;
  }
  if (is && out == "c") out = "isc";
  return out;
}

const char* Lookup(const rt::NameAlias* table, size_t n, const std::string& loose) {
  const rt::NameAlias* end = table + n;
  const rt::NameAlias* it =
      std::lower_bound(table, end, loose, [](const rt::NameAlias& a, const std::string& k) {
        return std::strcmp(a.loose, k.c_str()) < 0;
      });
  return it != end && loose == it->loose ? it->canonical : nullptr;
}

const char* CanonicalValue(std::string_view property, const std::string& loose) {
  for (size_t i = 0; i < rt::kPropertyValuesSize; ++i) {
    const rt::PropertyValues& v = rt::kPropertyValues[i];
    if (property == v.property) return Lookup(v.values, v.count, loose);
  }
  return nullptr;
}

// General categories, plus the three pseudo-categories regex-syntax adds.
Ranges GeneralCategory(const std::string& loose, bool* found) {
  *found = true;
  if (loose == "any") return {{0, kMaxChar}};
  if (loose == "ascii") return {{0, 0x7F}};
  if (loose == "assigned") return Negate(SetOf(rt::SetKind::kGeneralCategory, "Unassigned"));
  const char* canon = CanonicalValue("General_Category", loose);
  *found = canon != nullptr;
  return canon ? SetOf(rt::SetKind::kGeneralCategory, canon) : Ranges{};
}

// \p{name}: a binary property, else a general category, else a script.
Ranges Binary(std::string_view name) {
  std::string loose = Loose(name);
  // "cf" is both a property (Case_Folding) and a category (Format): the category wins.
  if (loose != "cf") {
    if (const char* prop = Lookup(rt::kPropertyNames, rt::kPropertyNamesSize, loose)) {
      return SetOf(rt::SetKind::kBool, prop);
    }
  }
  bool found;
  Ranges r = GeneralCategory(loose, &found);
  if (found) return r;
  if (const char* script = CanonicalValue("Script", loose)) {
    return SetOf(rt::SetKind::kScript, script);
  }
  Bad("Unicode property not found");
}

// \p{name=value}.
Ranges ByValue(std::string_view name, std::string_view value) {
  const char* prop = Lookup(rt::kPropertyNames, rt::kPropertyNamesSize, Loose(name));
  if (!prop) Bad("Unicode property not found");
  std::string loose = Loose(value);
  std::string_view p = prop;
  if (p == "General_Category") {
    bool found;
    Ranges r = GeneralCategory(loose, &found);
    if (!found) Bad("Unicode property value not found");
    return r;
  }
  const char* canon = CanonicalValue(p, loose);
  if (!canon) Bad("Unicode property value not found");
  if (p == "Script") return SetOf(rt::SetKind::kScript, canon);
  if (p == "Script_Extensions") return SetOf(rt::SetKind::kScriptExtensions, canon);
  if (p == "Grapheme_Cluster_Break") return SetOf(rt::SetKind::kGraphemeClusterBreak, canon);
  if (p == "Word_Break") return SetOf(rt::SetKind::kWordBreak, canon);
  if (p == "Sentence_Break") return SetOf(rt::SetKind::kSentenceBreak, canon);
  if (p == "Age") {
    Ranges r;
    for (size_t i = 0; i < rt::kPropertySetsSize; ++i) {
      const rt::PropertySet& s = rt::kPropertySets[i];
      if (s.kind != rt::SetKind::kAge) continue;
      Ranges more = SetRanges(s);
      r.insert(r.end(), more.begin(), more.end());
      if (canon == std::string_view(s.name)) break;
    }
    Canonicalize(&r);
    return r;
  }
  Bad("Unicode property not found");
}

}  // namespace

Ranges PerlClass(char kind, bool unicode) {
  if (!unicode) {
    if (kind == 'd') return {{'0', '9'}};
    if (kind == 's') return {{'\t', '\r'}, {' ', ' '}};
    return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
  }
  return SetOf(rt::SetKind::kPerl, kind == 'd' ? "Decimal" : kind == 's' ? "Space" : "Word");
}

Ranges UnicodeClass(std::string_view query) {
  // regex-syntax 0.6.27 splits at "!=", then ':', then '=', and (a quirk Tera keeps)
  // does not negate for "!=": \p{sc!=Greek} is \p{sc=Greek}.
  size_t at = query.find("!=");
  if (at != std::string_view::npos) return ByValue(query.substr(0, at), query.substr(at + 2));
  at = query.find(':');
  if (at == std::string_view::npos) at = query.find('=');
  if (at != std::string_view::npos) return ByValue(query.substr(0, at), query.substr(at + 1));
  return Binary(query);
}

}  // namespace pond::tmpl::regex_internal
