// Internals shared by regex_parse.cc (pattern -> syntax tree) and regex.cc (tree ->
// NFA, and matching).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tmpl/regex.h"

namespace pond::tmpl::regex_internal {

constexpr int kInfinite = -1;  // an unbounded repetition's max

enum Predicate { kWord = 1, kDigit, kSpace, kLetter, kUpper, kLower };
enum Assertion { kStartText, kEndText, kStartLine, kEndLine, kWordBoundary, kNotWordBoundary };

bool HasPredicate(int predicate, char32_t c);
// A character's single-character upper/lower case mapping (itself when there is none).
char32_t SimpleMap(char32_t c, bool upper);

struct Syntax;
using SyntaxP = std::unique_ptr<Syntax>;
struct Syntax {
  enum Kind { kEmpty, kLiteral, kClass, kAny, kAssert, kConcat, kAlt, kRepeat } kind = kEmpty;
  char32_t c = 0;
  bool flag = false;  // kLiteral: case-insensitive; kAny: matches newline
  int index = 0;      // kClass: class index; kAssert: Assertion
  int min = 0, max = 0;
  std::vector<SyntaxP> kids;
};

// Parses `pattern`, adding its classes to `classes`; throws BuiltinError when invalid.
SyntaxP ParseRegex(std::string_view pattern, std::vector<Regex::CharClass>* classes);

}  // namespace pond::tmpl::regex_internal
