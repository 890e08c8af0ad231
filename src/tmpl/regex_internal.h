// Internals shared by regex_parse.cc (pattern -> syntax tree), regex_charset.cc (class
// set algebra and Unicode data) and regex.cc (tree -> NFA, and matching).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tmpl/regex.h"

namespace pond::tmpl::regex_internal {

constexpr int kInfinite = -1;  // an unbounded repetition's max

enum Assertion {
  kStartText,
  kEndText,
  kStartLine,
  kEndLine,
  kWordBoundary,
  kNotWordBoundary,
  kAsciiWordBoundary,  // \b with the u flag off
};

// Sorted, disjoint, non-adjacent code point ranges: a character class.
using Ranges = std::vector<std::pair<char32_t, char32_t>>;

// Sorts and merges `r` into canonical form.
void Canonicalize(Ranges* r);
// Set algebra on canonical ranges (results are canonical).
Ranges Union(const Ranges& a, const Ranges& b);
Ranges Intersect(const Ranges& a, const Ranges& b);
Ranges Difference(const Ranges& a, const Ranges& b);
Ranges SymmetricDifference(const Ranges& a, const Ranges& b);
Ranges Negate(const Ranges& r);  // within U+0000..U+10FFFF
bool IsAscii(const Ranges& r);
// Adds every character's simple case folding orbit (Unicode, or ASCII letters only).
void CaseFold(Ranges* r, bool unicode);

// \w \d \s: 'w', 'd' or 's'; Unicode tables or their ASCII versions.
Ranges PerlClass(char kind, bool unicode);
// A \p{..} class: `query` is the text between the braces (or the one letter).
// Throws BuiltinError when the property or value is unknown.
Ranges UnicodeClass(std::string_view query);

struct Syntax;
using SyntaxP = std::unique_ptr<Syntax>;
struct Syntax {
  enum Kind {
    kEmpty,
    kLiteral,
    kClass,
    kByteClass,  // one byte: in the (ASCII) class, or any non-ASCII byte
    kAny,
    kAssert,
    kConcat,
    kAlt,
    kRepeat
  } kind = kEmpty;
  char32_t c = 0;
  bool flag = false;  // kAny: matches newline
  int index = 0;      // kClass: class index; kAssert: Assertion
  int min = 0, max = 0;
  std::vector<SyntaxP> kids;
};

// Parses `pattern`, adding its classes to `classes`; throws BuiltinError when invalid.
SyntaxP ParseRegex(std::string_view pattern, std::vector<Regex::CharClass>* classes);

}  // namespace pond::tmpl::regex_internal
