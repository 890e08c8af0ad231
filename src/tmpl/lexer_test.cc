#include "tmpl/lexer.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace pond::tmpl {
namespace {

const std::string kName = "t.tera";

TEST(LexerTest, AtomicRules) {
  Scanner s("abc.d1[0][\"x y\"] rest", &kName);
  std::string out;
  ASSERT_TRUE(s.DottedSquareBracketIdent(&out));
  EXPECT_EQ(out, "abc.d1[0][\"x y\"]");
  EXPECT_EQ(s.rest(), " rest");

  Scanner n("-12.5x", &kName);
  EXPECT_TRUE(n.FloatText(&out));
  EXPECT_EQ(out, "-12.5");
  Scanner i("012", &kName);
  EXPECT_TRUE(i.IntText(&out));
  EXPECT_EQ(out, "0");  // one leading zero only

  Scanner q("`a\"b` x", &kName);
  EXPECT_TRUE(q.StringLit(&out));
  EXPECT_EQ(out, "a\"b");
}

TEST(LexerTest, BooleanMatchesPrefixes) {
  Scanner s("trueish", &kName);
  bool b = false;
  EXPECT_TRUE(s.Boolean(&b));
  EXPECT_TRUE(b);
  EXPECT_EQ(s.rest(), "ish");  // why `{{ trueish }}` is a syntax error in Tera
}

TEST(LexerTest, ErrorsNameTheFurthestPosition) {
  Scanner s("ab\ncd  x", &kName);
  s.set_pos(7);
  s.Expect(7, "'%}'");
  s.Expect(3, "ignored, not the furthest");
  try {
    s.Fail();
    FAIL();
  } catch (const pond::Error& e) {
    EXPECT_EQ(e.where(), "t.tera:2:5");
    EXPECT_EQ(e.message(), "expected '%}' but found 'x'");
  }
}

TEST(LexerTest, ColumnsCountCharacters) {
  Scanner s("é{{", &kName);
  Pos p = s.PosAt(2);
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.col, 2u);
}

}  // namespace
}  // namespace pond::tmpl
