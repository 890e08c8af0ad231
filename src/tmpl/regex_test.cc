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

TEST(RegexTest, InvalidPatternsThrow) {
  for (const char* bad : {"(", "a)", "[a", "*a", "a{2,1}", "\\q", "(?<=a)b", "a\\"}) {
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
