// The grammar: what Tera 1.17.1 accepts and refuses (checked with tools/tera-oracle),
// the shape of the AST, and where syntax errors point.
#include "tmpl/parser.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "tmpl/test_util.h"

namespace pond::tmpl {
namespace {

const std::string kName = "p.tera";

std::string SyntaxErrorWhere(const std::string& source) {
  try {
    ParseTemplate(source, &kName);
  } catch (const pond::Error& e) {
    return e.where();
  }
  return "parsed";
}

TEST(ParserTest, BuildsNodes) {
  Body b = ParseTemplate("a{{ x }}{% if y %}b{% endif %}{% for k, v in m %}{% endfor %}", &kName);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0].kind, NodeKind::kText);
  EXPECT_EQ(b[1].kind, NodeKind::kVariable);
  EXPECT_EQ(b[1].expr->kind, ExprKind::kIdent);
  EXPECT_EQ(b[2].kind, NodeKind::kIf);
  EXPECT_EQ(b[3].kind, NodeKind::kFor);
  EXPECT_EQ(b[3].key, "k");
  EXPECT_EQ(b[3].value, "v");
}

TEST(ParserTest, Precedence) {
  Body b = ParseTemplate("{{ a or b and c }}{{ 1 + 2 * 3 }}{{ x | length + 1 }}", &kName);
  const Expr& logic = *b[0].expr;
  ASSERT_EQ(logic.kind, ExprKind::kLogic);
  EXPECT_EQ(logic.logic_op, LogicOp::kOr);
  EXPECT_EQ(logic.rhs->logic_op, LogicOp::kAnd);
  const Expr& math = *b[1].expr;
  EXPECT_EQ(math.math_op, MathOp::kAdd);
  EXPECT_EQ(math.rhs->math_op, MathOp::kMul);
  const Expr& filtered = *b[2].expr;  // (x | length) + 1
  EXPECT_EQ(filtered.kind, ExprKind::kMath);
  EXPECT_EQ(filtered.lhs->filters.size(), 1u);
}

TEST(ParserTest, AdjacentStringsFold) {
  Body b = ParseTemplate("{{ 'a' ~ \"b\" }}{{ 'a' ~ x ~ 'b' ~ 'c' }}", &kName);
  EXPECT_EQ(b[0].expr->kind, ExprKind::kString);
  EXPECT_EQ(b[0].expr->literal, "ab");
  ASSERT_EQ(b[1].expr->kind, ExprKind::kStringConcat);
  ASSERT_EQ(b[1].expr->items.size(), 3u);
  EXPECT_EQ(b[1].expr->items[2]->literal, "bc");
}

TEST(ParserTest, AcceptsWhatTeraAccepts) {
  for (const char* ok : {
           "{{ x | replace(from='a', to='b',) }}",  // trailing comma in kwargs
           "{% for x in xs | reverse %}{% endfor %}",
           "{% block a %}{% endblock b %}",  // the endblock name is not checked
           "{% set_global x = [1, 2,] %}",
           "{% include ['a', 'b'] ignore missing %}",
           "{% macro f(a, b=1, c='x', d=true) %}{% endmacro f %}",
           "{{ x is not defined }}{{ not x in y }}{{ a.0.b[c.d][\"e\"] }}",
           "{{- -1 -}}",
       }) {
    EXPECT_EQ(SyntaxErrorWhere(ok), "parsed") << ok;
  }
}

TEST(ParserTest, RefusesWhatTeraRefuses) {
  for (const char* bad : {
           "{{ trueish }}",                          // `true` is matched as a boolean first
           "{% if (a and b) %}{% endif %}",          // parentheses only hold math
           "{{ \"a\" + 1 }}",                        // strings are not math operands
           "{% if(x) %}{% endif %}",                 // `if` needs whitespace
           "{% macro f(a, b = 1) %}{% endmacro %}",  // no spaces around a default
           "{{ a < b < c }}",                        // one comparison only
           "{% for x in 'abc' %}{% endfor %}",       // no string literal containers
           "{% break %}",                            // only inside for
           "x{% extends 'b' %}",                     // extends must come first
           "{##}",                                   // comments are not empty
           "{{ x is containing([1]) }}",             // Tera panics on array test args
           "{{ 99999999999999999999 }}",             // integer out of bounds
       }) {
    EXPECT_NE(SyntaxErrorWhere(bad), "parsed") << bad;
  }
}

TEST(ParserTest, ErrorPositions) {
  EXPECT_EQ(SyntaxErrorWhere("{% if %}"), "p.tera:1:7");
  EXPECT_EQ(SyntaxErrorWhere("{{ trueish }}"), "p.tera:1:8");
  EXPECT_EQ(SyntaxErrorWhere("ok\n{% for x in xs %}\n{% endif %}"), "p.tera:3:1");
  EXPECT_EQ(SyntaxErrorWhere("{{ x "), "p.tera:1:6");
}

TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(10000, '(');
  EXPECT_NE(SyntaxErrorWhere("{{ " + deep + "1 }}"), "parsed");
  std::string ifs;
  for (int i = 0; i < 5000; ++i) ifs += "{% if x %}";
  EXPECT_NE(SyntaxErrorWhere(ifs), "parsed");
}

TEST(ParserTest, NestedCallsParseInPolynomialTime) {
  std::string call = "1";
  for (int i = 0; i < 40; ++i) call = "f(a=" + call + ")";
  std::string arr = "1";  // array elements cannot be arrays, but can be calls on arrays
  for (int i = 0; i < 40; ++i) arr = "[f(a=" + arr + "), 1]";
  EXPECT_EQ(SyntaxErrorWhere("{{ " + call + " }}{{ " + arr + " }}"), "parsed");
}

TEST(ParserTest, WhitespaceControlTrimsText) {
  Body b = ParseTemplate("a  {%- if x -%}  b  {%- endif -%}  c", &kName);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].text, "a");
  EXPECT_EQ(b[1].conditions[0].body[0].text, "b");
  EXPECT_EQ(b[2].text, "c");
}

}  // namespace
}  // namespace pond::tmpl
