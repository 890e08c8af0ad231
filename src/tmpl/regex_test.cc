#include "tmpl/regex.h"

#include <gtest/gtest.h>

#include "tmpl/errors.h"

namespace pond::tmpl {
namespace {

bool M(const char* pattern, const char* text) { return Regex(pattern).IsMatch(text); }

TEST(RegexTest, Basics) {
  EXPECT_TRUE(M("^j.*", "john"));
  EXPECT_FALSE(M("^x", "john"));
  EXPECT_TRUE(M("^[0-9]{4}-[0-9]{2}$", "2024-07"));
  EXPECT_FALSE(M("^[0-9]{4}-[0-9]{2}$", "2024-7"));
  EXPECT_TRUE(M("a|b", "xxb"));
  EXPECT_TRUE(M("(ab)+c", "ababc"));
  EXPECT_TRUE(M("colou?r", "color"));
  EXPECT_TRUE(M("a{2,}", "baab"));
  EXPECT_FALSE(M("a{3}", "baab"));
  EXPECT_TRUE(M("", "anything"));
  EXPECT_TRUE(M("x*", ""));
}

TEST(RegexTest, UnicodeClassesAndFlags) {
  EXPECT_TRUE(M("^\\w+$", "école"));
  EXPECT_TRUE(M("(?i)ÉCOLE", "école"));
  EXPECT_TRUE(M("(?i)hello", "HeLLo"));
  EXPECT_FALSE(M("hello", "HeLLo"));
  EXPECT_TRUE(M("\\bcat\\b", "a cat!"));
  EXPECT_FALSE(M("\\bcat\\b", "concat"));
  EXPECT_TRUE(M("(?m)^b$", "a\nb\nc"));
  EXPECT_FALSE(M("^b$", "a\nb\nc"));
  EXPECT_FALSE(M("a.c", "a\nc"));
  EXPECT_TRUE(M("(?s)a.c", "a\nc"));
  EXPECT_TRUE(M("[[:alpha:]]+[^a-z]", "abc1"));
  EXPECT_TRUE(M("\\x41\\u{42}", "AB"));
  EXPECT_TRUE(M("\\d\\s\\S", "1 x"));
}

TEST(RegexTest, UnicodePropertiesWithLooseNames) {
  EXPECT_TRUE(M("^\\p{Greek}+$", "αβγ"));
  EXPECT_TRUE(M("^\\p{is_GREEK}+$", "αβγ"));
  EXPECT_TRUE(M("^\\p{sc=grek}+$", "αβγ"));
  EXPECT_FALSE(M("\\p{Greek}", "abc"));
  EXPECT_TRUE(M("^\\P{Greek}+$", "abc"));
  EXPECT_TRUE(M("^\\p{sc!=Greek}+$", "αβγ"));  // regex-syntax 0.6.27 ignores the '!'
  EXPECT_FALSE(M("\\p{sc!=Greek}", "abc"));
  EXPECT_TRUE(M("^\\p{Han}$", "漢"));
  EXPECT_TRUE(M("^\\p{Emoji}$", "😀"));
  EXPECT_TRUE(M("^\\p{Any}$", "\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_FALSE(M("\\p{ASCII}", "é"));
  EXPECT_TRUE(M("^\\p{gc=Lt}$", "ǅ"));
  EXPECT_TRUE(M("^\\p{age=1.1}$", "a"));
  EXPECT_FALSE(M("\\p{age=1.1}", "😀"));
  // The alias "cf" is the Format category, not the Case_Folding property.
  EXPECT_TRUE(M("^\\p{cf}$", "\u200B"));
}

TEST(RegexTest, ClassSetOperations) {
  EXPECT_TRUE(M("^[\\w&&[^\\d]]+$", "abc"));
  EXPECT_FALSE(M("^[\\w&&[^\\d]]+$", "a1"));
  EXPECT_TRUE(M("^[a-z--[aeiou]]+$", "xyz"));
  EXPECT_FALSE(M("^[a-z--[aeiou]]+$", "xay"));
  EXPECT_TRUE(M("^[a-c~~b-d]+$", "ad"));
  EXPECT_FALSE(M("^[a-c~~b-d]+$", "b"));
  // Equal precedence, left to right; negation applies to the whole.
  EXPECT_TRUE(M("^[a-z&&b-y--c]+$", "by"));
  EXPECT_FALSE(M("^[a-z&&b-y--c]+$", "c"));
  EXPECT_TRUE(M("^[^a-z&&[^k]]$", "k"));
  EXPECT_TRUE(M("^[--a]+$", "a-"));
}

TEST(RegexTest, SimpleCaseFolding) {
  EXPECT_TRUE(M("(?i)^s$", "ſ"));
  EXPECT_TRUE(M("(?i)^σ$", "ς"));
  EXPECT_TRUE(M("(?i)^k$", "\u212A"));  // KELVIN SIGN
  EXPECT_TRUE(M("(?i)^[a-z]$", "\u212A"));
  EXPECT_FALSE(M("(?i)^[^k]$", "K"));
  EXPECT_FALSE(M("(?i)^ß$", "ss"));  // full folding is not simple folding
  EXPECT_TRUE(M("(?i)^\\p{Lu}$", "a"));
}

TEST(RegexTest, UnicodeFlagOff) {
  EXPECT_FALSE(M("(?-u)^\\w+$", "école"));
  EXPECT_TRUE(M("(?-u:\\b)x(?-u:\\b)", "éxé"));
  EXPECT_FALSE(M("\\bx\\b", "éxé"));
  EXPECT_FALSE(M("(?i-u)^k$", "\u212A"));
  // \W without u is one byte: é is two of them; matches start at characters.
  EXPECT_TRUE(M("(?-u)^\\W\\W$", "é"));
  EXPECT_FALSE(M("(?-u)\\Wx", "éx"));
  for (const char* bad :
       {"(?-u).", "(?-u)\\B", "(?-u)[^a]", "(?-u)é", "(?-u)\\pL", "(?-u)[\\W]", "(?-u)\\xE9"}) {
    EXPECT_THROW(Regex{bad}, BuiltinError) << bad;
  }
}

TEST(RegexTest, InvalidPatternsThrow) {
  for (const char* bad :
       {"(", "a)", "[a", "*a", "a{2,1}", "\\q", "(?<=a)b", "a\\", "\\p{Klingon}", "\\p{sc=Klingon}",
        "[a&&b]", "\\P{Any}", "(?ii)a", "(?i-)a", "(?)a", "[\\d-z]", "\\p{isc}"}) {
    EXPECT_THROW(Regex{bad}, BuiltinError) << bad;
  }
}

TEST(RegexTest, HostilePatternsStayLinear) {
  std::string text(20000, 'a');
  EXPECT_FALSE(Regex("(a*)*b").IsMatch(text));
  EXPECT_FALSE(Regex("(a|a)*b").IsMatch(text));
  EXPECT_THROW(Regex("(a{1000}){1000}"), BuiltinError);
}

}  // namespace
}  // namespace pond::tmpl
