// Regular expressions for the `matching` test, in the syntax of the Rust regex crate
// Tera uses: Unicode-aware \w \d \s \b, (?i) (?m) (?s) (?x) (?U) flags, classes with
// ranges and [[:alpha:]], groups (?:..) (?P<name>..), alternation, greedy and lazy
// repetition, \x.. \u{..} escapes. \p{..} supports only letter/number/whitespace
// categories; look-around and backreferences are errors, as in Rust.
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

  struct CharClass {
    std::vector<std::pair<char32_t, char32_t>> ranges;
    std::vector<int> predicates;  // ClassPredicate values; negative means negated
    bool negated = false;
    bool case_insensitive = false;
    bool Contains(char32_t c) const;
  };
  enum class Op : uint8_t { kChar, kClass, kAny, kAnyNoNl, kSplit, kJmp, kAssert, kMatch };
  struct Inst {
    Op op;
    int x = 0, y = 0;  // successors for kSplit/kJmp; class index; assertion kind
    char32_t c = 0;
    bool fold = false;  // case-insensitive kChar
  };

 private:
  std::vector<Inst> prog_;
  std::vector<CharClass> classes_;
  int start_ = 0;
};

}  // namespace pond::tmpl
