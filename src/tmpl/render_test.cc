// Rendering: expected bytes are Tera 1.17.1's (checked with tools/tera-oracle).
#include <gtest/gtest.h>

#include "tmpl/test_util.h"

namespace pond::tmpl {
namespace {

using testing::ErrorWhere;
using testing::Render;

TEST(RenderTest, PrintsValuesLikeTera) {
  const char* ctx = R"({"a": 1, "b": 2.5, "xs": [1, "a", [true, null]], "m": {"k": 1}, "n": null})";
  EXPECT_EQ(Render("{{ a }} {{ b }} {{ xs }} {{ m }} [{{ n }}] {{ true }} {{ False }}", ctx),
            "1 2.5 [1, a, [true, ]] [object] [] true false");
  EXPECT_EQ(Render("{{ 'single' }} {{ `back` }} {{ \"double\" }}"), "single back double");
}

TEST(RenderTest, MathKeepsIntegersAndDividesToFloats) {
  EXPECT_EQ(Render("{{ 2 + 3 }} {{ 7 % 3 }} {{ 7 / 2 }} {{ 10 / 5 }} {{ 2.1 * 5.05 }}"),
            "5 1 3.5 2 10.605");
  EXPECT_EQ(Render("{{ (1 + 2) * 3 }} {{ 1 + 2 * 3 }} {{ 10 - 2 - 3 }} {{ 1 / 0 }}"), "9 7 5 NaN");
  EXPECT_EQ(Render("{{ 0.1 + 0.2 }} {{ 1 / 3 }}"), "0.30000000000000004 0.3333333333333333");
  EXPECT_EQ(Render("{{ big + 0 }}", R"({"big": 18446744073709551615})"), "18446744073709551615");
}

TEST(RenderTest, ComparisonsAndLogic) {
  EXPECT_EQ(Render("{{ 1 < 2 }} {{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ 1 == 'a' }}"),
            "true true true false");
  EXPECT_EQ(Render("{{ x and y }} {{ x or y }} {{ not x }} {{ not y }}", R"({"x": 5})"),
            "false true false true");
  // Tera applies `not` twice to a comparison printed directly.
  EXPECT_EQ(Render("{{ not 1 == 1 }}{% if not 1 == 1 %}T{% else %}F{% endif %}"), "trueF");
  EXPECT_EQ(Render("{{ 'a' in 'abc' }} {{ 3 not in [1, 2] }} {{ 'k' in m }}", R"({"m": {"k": 1}})"),
            "true true true");
}

TEST(RenderTest, StringConcatenation) {
  EXPECT_EQ(Render("{{ s ~ a ~ 1.0 ~ b }}", R"({"s": "x", "a": 1, "b": 1.0})"), "x111.0");
}

TEST(RenderTest, ForLoops) {
  EXPECT_EQ(
      Render("{% for x in xs %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}"
             "{% break %}{% endif %}{{ loop.index }}{{ loop.first }}{{ loop.last }},{% endfor %}",
             R"({"xs": [1, 2, 3, 4]})"),
      "1truefalse,3falsefalse,");
  EXPECT_EQ(Render("{% for k, v in m %}{{ k }}={{ v }};{% endfor %}", R"({"m": {"z": 1, "a": 2}})"),
            "a=2;z=1;");
  EXPECT_EQ(Render("{% for c in s %}[{{ c }}]{% endfor %}", R"({"s": "héy"})"), "[h][é][y]");
  EXPECT_EQ(Render("{% for x in [] %}a{% else %}empty{% endfor %}"), "empty");
}

TEST(RenderTest, SetIsLoopLocalAndSetGlobalIsNot) {
  EXPECT_EQ(Render("{% set x = 1 %}{% for i in [1, 2] %}{% set x = i %}{% set_global y = i %}"
                   "{{ x }}{% endfor %}{{ x }}{{ y }}"),
            "1212");
}

TEST(RenderTest, WhitespaceControl) {
  EXPECT_EQ(Render("  {%- if true -%}   a   {%- endif -%}   b {{- ' c ' -}} d {#- c -#}  e"),
            "ab c de");
  // A comment first in the template is dropped before whitespace control applies.
  EXPECT_EQ(Render("{# c -#}  hello"), "  hello");
  EXPECT_EQ(Render("<ul>\n{%- for x in xs %}\n  <li>{{ x }}</li>\n{%- endfor %}\n</ul>",
                   R"({"xs": [1, 2]})"),
            "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>");
}

TEST(RenderTest, RawAndFilterSections) {
  EXPECT_EQ(Render("{% raw %}{{ not }}{% endraw %}"), "{{ not }}");
  EXPECT_EQ(Render("{% filter upper %}abc {{ 'd' }}{% endfilter %}"), "ABC D");
}

TEST(RenderTest, DefaultOnlyAppliesFirstToIdents) {
  EXPECT_EQ(
      Render("{{ y | default(value='d') }} {{ x | default(value='d') }} {{ n | default(value=3) }}",
             R"({"x": 5, "n": null})"),
      "d 5 3");
}

TEST(RenderTest, AutoescapeFollowsTheName) {
  const char* ctx = R"({"x": "<a href='/'>&\"</a>"})";
  EXPECT_EQ(Render("{{ x }}|{{ x | safe }}", ctx, "p.html"),
            "&lt;a href=&#x27;&#x2F;&#x27;&gt;&amp;&quot;&lt;&#x2F;a&gt;|<a href='/'>&\"</a>");
  EXPECT_EQ(Render("{{ x }}", ctx, "p.md"), "<a href='/'>&\"</a>");
  // The default value is escaped, then the whole expression again (as Tera does).
  EXPECT_EQ(Render("{{ y | default(value='<b>') }}", "{}", "p.html"), "&amp;lt;b&amp;gt;");
}

TEST(RenderTest, MacrosIncludesAndInheritance) {
  Engine e;
  e.AddTemplate(
      "macros.tera",
      "{% macro row(f, sep=',') %}<{{ f }}{{ sep }}>{% endmacro row %}"
      "{% macro rec(n) %}{{ n }}{% if n > 0 %}{{ self::rec(n=n-1) }}{% endif %}{% endmacro %}");
  e.AddTemplate("base.tera", "A{% block a %}base{% block b %}B{% endblock %}{% endblock %}Z");
  e.AddTemplate("mid.tera",
                "{% extends \"base.tera\" %}{% block a %}mid[{{ super() }}]{% endblock %}");
  e.AddTemplate("inc.tera", "[inc {{ v }}]");
  e.AddTemplate(
      "main.tera",
      "{% extends \"mid.tera\" %}{% import \"macros.tera\" as m %}"
      "{% block b %}{{ m::row(f=1) }}{{ m::rec(n=2) }}{% include \"inc.tera\" %}{% endblock %}");
  EXPECT_EQ(e.Render("main.tera", Value::parse(R"({"v": 7})")), "Amid[base<1,>210[inc 7]]Z");
}

TEST(RenderTest, LoaderFetchesReferencedTemplates) {
  Engine e;
  int loads = 0;
  e.SetLoader([&](const std::string& name) -> std::optional<std::string> {
    ++loads;
    if (name == "part.tera") return std::string("part{{ x }}");
    return std::nullopt;
  });
  e.AddTemplate("main.tera", "[{% include 'part.tera' %}{% include 'gone.tera' ignore missing %}]");
  EXPECT_EQ(e.Render("main.tera", Value::parse(R"({"x": 1})")), "[part1]");
  EXPECT_EQ(e.Render("main.tera", Value::parse(R"({"x": 2})")), "[part2]");
  EXPECT_EQ(loads, 2);  // once per name, not per render
}

TEST(RenderTest, ExportSnippet) {
  const char* ctx = R"({"export": {"A": {"files": [
      {"start_time": 1719792000000, "end_time": null, "file": "a.parquet"}]}},
      "args": ["A"], "vars": {}})";
  EXPECT_EQ(Render("{%- for v3 in export[args[0]].files %}{{ v3.start_time | to_json }},"
                   "{{ v3.end_time | to_json }},{{ args[0] }}/{{ v3.file }},"
                   "{{ (v3.start_time / 1000) | int | date(format='%Y-%m-%d') }}{% endfor %}",
                   ctx),
            "1719792000000,null,A/a.parquet,2024-07-01");
}

TEST(RenderTest, GroupHelper) {
  const char* ctx = R"({"fs": [{"unit": "m", "name": "a"}, {"unit": "s", "name": "b"},
                               {"unit": "m", "name": "c"}]})";
  EXPECT_EQ(Render("{% for u, fs in group(by='unit', in=fs) %}{{ u }}:"
                   "{{ fs | map(attribute='name') | join(sep=',') }};{% endfor %}",
                   ctx),
            "m:a,c;s:b;");
  EXPECT_EQ(ErrorWhere("{{ group(by='x', in=fs) }}", ctx), "t.tera:1:4");
}

TEST(RenderTest, ErrorsNameTheFailingExpression) {
  EXPECT_EQ(ErrorWhere("line one\n  {{ exprt }}"), "t.tera:2:6");
  EXPECT_EQ(ErrorWhere("{{ 1 }}{{ 'a' | nope }}"), "t.tera:1:17");
  EXPECT_EQ(ErrorWhere("{% for x in 5 %}{% endfor %}"), "t.tera:1:13");
  EXPECT_EQ(ErrorWhere("{{ throw(message='boom') }}"), "t.tera:1:4");
  EXPECT_EQ(ErrorWhere("{{ x }}", "{}", "p.html"), "p.html:1:4");
  try {
    Render("{{ undefined_var }}");
    FAIL();
  } catch (const pond::Error& e) {
    EXPECT_EQ(e.message(),
              "Variable `undefined_var` not found in context while rendering 't.tera'");
  }
}

TEST(RenderTest, ErrorsInOtherTemplatesNameThem) {
  Engine e;
  e.AddTemplate("m.tera", "{% macro f() %}\n{{ missing }}{% endmacro %}");
  e.AddTemplate("main.tera", "{% import 'm.tera' as m %}{{ m::f() }}");
  try {
    e.Render("main.tera", Value::object());
    FAIL();
  } catch (const pond::Error& e) {
    EXPECT_EQ(e.where(), "m.tera:2:4");
  }
}

TEST(RenderTest, RunawayTemplatesHitLimits) {
  Engine e;
  Limits limits;
  limits.max_call_depth = 50;
  limits.max_range_length = 1000;
  e.SetLimits(limits);
  e.AddTemplate("self.tera", "x{% include 'self.tera' %}");
  EXPECT_THROW(e.Render("self.tera", Value::object()), pond::Error);
  e.AddTemplate("m.tera", "{% macro f() %}{{ self::f() }}{% endmacro %}");
  e.AddTemplate("rec.tera", "{% import 'm.tera' as m %}{{ m::f() }}");
  EXPECT_THROW(e.Render("rec.tera", Value::object()), pond::Error);
  e.AddTemplate("range.tera", "{{ range(end=100000) | length }}");
  EXPECT_THROW(e.Render("range.tera", Value::object()), pond::Error);
  e.AddTemplate("zero.tera", "{{ range(end=3, step_by=0) }}");
  EXPECT_THROW(e.Render("zero.tera", Value::object()), pond::Error);
}

// The first error of rendering template "t.tera" under `limits`: "where: message".
std::string LimitError(const Limits& limits, const std::string& source) {
  Engine e;
  e.SetLimits(limits);
  e.AddTemplate("t.tera", source);
  try {
    e.Render("t.tera", Value::object());
  } catch (const pond::Error& err) {
    return err.where() + ": " + err.message();
  }
  return "no error";
}

// Doubling a string (checked before the concatenation allocates) or an array (checked
// once built) stops at max_value_bytes.
TEST(RenderTest, DoublingStopsAtTheValueLimit) {
  Limits limits;
  limits.max_value_bytes = 1 << 20;
  EXPECT_EQ(LimitError(limits,
                       "{% set s = 'ab' %}{% for i in range(end=40) %}\n"
                       "{% set_global s = s ~ s %}{% endfor %}{{ s | length }}"),
            "t.tera:2:19: the template builds a value larger than 1048576 bytes (the limit "
            "of one value)");
  std::string err = LimitError(limits,
                               "{% set a = [1] %}{% for i in range(end=40) %}"
                               "{% set_global a = a | concat(with=a) %}{% endfor %}");
  EXPECT_NE(err.find("larger than 1048576 bytes"), std::string::npos) << err;
  EXPECT_EQ(err.rfind("t.tera:1:", 0), 0u) << err;
}

TEST(RenderTest, OutputStopsAtItsLimit) {
  Limits limits;
  limits.max_output_bytes = 1000;
  std::string err = LimitError(limits, "{% for i in range(end=1000) %}0123456789{% endfor %}");
  EXPECT_NE(err.find("output exceeds 1000 bytes"), std::string::npos) << err;
}

TEST(RenderTest, ReplaceStopsAtTheValueLimit) {
  Limits limits;
  limits.max_value_bytes = 1000;
  std::string b50(50, 'b'), a25(25, 'a');
  std::string err = LimitError(
      limits, "{% set t = '" + b50 + "' %}{{ '" + a25 + "' | replace(from='a', to=t) }}");
  EXPECT_NE(err.find("limit 1000"), std::string::npos) << err;
}

// A long filter chain is a list, not a tree: it neither recurses nor re-scans the line
// for each filter's column (which made 50,000 filters take 24 s).
TEST(RenderTest, FiftyThousandFilterChainRenders) {
  std::string source = "{{ x";
  for (int i = 0; i < 50000; ++i) source += " | lower";
  source += " }}";
  EXPECT_EQ(Render(source, R"({"x": "AbC"})"), "abc");
  EXPECT_EQ(ErrorWhere(source + "{{ nope }}", R"({"x": "AbC"})"),
            "t.tera:1:" + std::to_string(source.size() + 4));
}

// Math and logic chains are walked in loops: 50,000 operators render (Tera overflows
// its stack long before); one more is refused, never a crash.
TEST(RenderTest, LongOperatorChainsRenderOrFailCleanly) {
  auto chain = [](const std::string& op, int n) {
    std::string s = "{{ 1";
    for (int i = 0; i < n; ++i) s += " " + op + " 1";
    return s + " }}";
  };
  EXPECT_EQ(Render(chain("+", 50000)), "50001");
  EXPECT_EQ(Render(chain("and", 50000)), "true");
  EXPECT_EQ(Render("{{ 0" + chain("or", 50000).substr(4)), "true");
  EXPECT_EQ(ErrorWhere(chain("*", 50001)), "t.tera:1:" + std::to_string(3 + 4 * 50000 + 2));
}

TEST(RenderTest, RenderingTwiceGivesTheSameBytes) {
  Engine e;
  e.AddTemplate("t.tera", "{% for x in xs %}{{ x }}{% endfor %}");
  Value ctx = Value::parse(R"({"xs": [1, 2, 3]})");
  EXPECT_EQ(e.Render("t.tera", ctx), "123");
  EXPECT_EQ(e.Render("t.tera", ctx), "123");
}

}  // namespace
}  // namespace pond::tmpl
