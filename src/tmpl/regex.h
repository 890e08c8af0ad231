// Regular expressions for the `matching` test, in the syntax of the Rust regex crate
// Tera uses (regex 1.7, regex-syntax 0.6): Unicode-aware \w \d \s \b, \p{..} general
// categories, scripts, script extensions, boolean properties and ages (Unicode 14, as
// regex-syntax's tables), class set operations && -- ~~, (?i) (?m) (?s) (?x) (?U) (?u)
// flags with simple case folding, groups, alternation, greedy and lazy repetition,
// \x.. \u{..} escapes. Look-around and backreferences are errors, as in Rust.
// Matching is a Thompson NFA simulation: linear in the text, no recursion, so hostile
// patterns cannot hang or overflow the stack.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pond::tmpl {

class Regex {
 public:
  // Throws BuiltinError("<reason>") for an invalid or too large pattern.
  explicit Regex(std::string_view pattern);
  // Whether the pattern matches anywhere in `text` (Regex::is_match).
  bool IsMatch(std::string_view text) const;

  // Sorted, disjoint code point ranges.
  struct CharClass {
    std::vector<std::pair<char32_t, char32_t>> ranges;
    bool Contains(char32_t c) const;
  };
  enum class Op : uint8_t {
    kChar,
    kClass,
    kByteClass,  // consumes one byte, not one character: (?-u)\W \D \S
    kAny,
    kAnyNoNl,
    kSplit,
    kJmp,
    kAssert,
    kMatch
  };
  struct Inst {
    Op op;
    int x = 0, y = 0;  // successors for kSplit/kJmp; class index; assertion kind
    char32_t c = 0;
  };

 private:
  std::vector<Inst> prog_;
  std::vector<CharClass> classes_;
  int start_ = 0;
};

}  // namespace pond::tmpl
