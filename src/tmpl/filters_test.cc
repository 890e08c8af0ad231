// Built-in filters, tests and functions: expected bytes are Tera 1.17.1's.
#include <gtest/gtest.h>

#include "tmpl/test_util.h"

namespace pond::tmpl {
namespace {

using testing::ErrorWhere;
using testing::Render;

TEST(FiltersTest, Strings) {
  EXPECT_EQ(Render("{{ s | trim }}|{{ s | trim_start }}|{{ s | trim_end }}|{{ s | lower }}|"
                   "{{ s | wordcount }}|{{ s | length }}|{{ s | capitalize }}|{{ s | title }}",
                   R"({"s": "  Hello wORLD  "})"),
            "Hello wORLD|Hello wORLD  |  Hello wORLD|  hello world  |2|15|  hello world  |  Hello "
            "World  ");
  EXPECT_EQ(Render("{{ 'hello world' | truncate(length=5) }} {{ 'abc' | truncate(length=5) }}"),
            "hello… abc");
  EXPECT_EQ(
      Render("{{ 'a-b' | replace(from='-', to='_') }} {{ 'abc' | replace(from='', to='-') }}"),
      "a_b -a-b-c-");
  EXPECT_EQ(Render("{{ 'a,b,,c' | split(pat=',') | join(sep='|') }}"), "a|b||c");
  EXPECT_EQ(Render("{{ 'ß' | upper }} {{ 'ΣΑΣ' | lower }}"), "SS σας");
}

TEST(FiltersTest, HtmlAndUrls) {
  EXPECT_EQ(Render("{{ '<p>Hi <b>x</b></p><!-- c -->' | striptags }}"), "Hi x");
  EXPECT_EQ(Render("{{ '<a>  <b> x </b>' | spaceless }}"), "<a><b> x </b>");
  EXPECT_EQ(Render("{{ 'a b&c/d?e=f+g%h~i' | urlencode }}"), "a%20b%26c/d%3Fe%3Df%2Bg%h~i");
  EXPECT_EQ(Render("{{ 'a b/c' | urlencode_strict }}"), "a%20b%2Fc");
  EXPECT_EQ(Render("{{ \"<a & 'b'>\" | escape_xml }}"), "&lt;a &amp; &apos;b&apos;&gt;");
  EXPECT_EQ(Render("{{ 'Hello World! ñ Æúű--cool?' | slugify }}"), "hello-world-n-aeuu-cool");
}

TEST(FiltersTest, Numbers) {
  EXPECT_EQ(
      Render("{{ '42' | int }} {{ '3.9' | int }} {{ 'x' | int(default=7) }} "
             "{{ '0x1F' | int(base=16) }} {{ 3.7 | int }} {{ '1.5' | float }} {{ 2 | float }}"),
      "42 3 7 31 3 1.5 2");
  EXPECT_EQ(
      Render("{{ 2.567 | round(precision=2) }} {{ 2.5 | round }} {{ 2.1 | round(method='ceil') }}"),
      "2.57 3 3");
  EXPECT_EQ(
      Render(
          "{{ 1024 | filesizeformat }} {{ 123456789 | filesizeformat }} {{ 10 | filesizeformat }}"),
      "1 KB 117.74 MB 10 B");
  EXPECT_EQ(Render("{{ 1 | pluralize }}|{{ 2 | pluralize(singular='y', plural='ies') }}"), "|ies");
}

TEST(FiltersTest, Arrays) {
  const char* ctx =
      R"({"xs": [3, 1, 2], "ys": [{"n": "b", "v": 2}, {"n": "a", "v": 1}, {"n": "b", "v": null}]})";
  EXPECT_EQ(Render("{{ xs | first }} {{ xs | last }} {{ xs | nth(n=1) }} {{ xs | sort }} "
                   "{{ xs | reverse }} {{ ys | sort(attribute='n') | map(attribute='v') }}",
                   ctx),
            "3 2 1 [1, 2, 3] [2, 1, 3] [1, 2]");
  EXPECT_EQ(
      Render("{% for k, g in ys | group_by(attribute='n') %}{{ k }}{{ g | length }}{% endfor %} "
             "{{ ys | filter(attribute='n', value='b') | length }} {{ ys | unique(attribute='n') | "
             "length }}",
             ctx),
      "a1b2 2 2");
  EXPECT_EQ(Render("{{ [1, 2, 3, 4, 5] | slice(start=1, end=-1) }} {{ [1] | concat(with=[2]) }}"),
            "[2, 3, 4] [1, 2]");
}

TEST(FiltersTest, ObjectsAndJson) {
  const char* ctx = R"({"o": {"b": [1, 2.0, "x"], "a": null}})";
  EXPECT_EQ(
      Render("{{ o | get(key='b') }} {{ o | get(key='z', default='d') }} {{ o | json_encode }}",
             ctx),
      "[1, 2, x] d {\"a\":null,\"b\":[1,2.0,\"x\"]}");
  EXPECT_EQ(Render("{{ o | to_json }} {{ n | to_json }}", R"({"o": {"b": 1.5}, "n": null})"),
            "{\"b\":1.5} null");
}

TEST(FiltersTest, Dates) {
  EXPECT_EQ(
      Render(
          "{{ 1700000000 | date }} {{ 1700000000 | date(format='%H:%M:%S %a %b %j %e %U %V') }}"),
      "2023-11-14 22:13:20 Tue Nov 318 14 46 46");
  EXPECT_EQ(Render("{{ '2024-07-01T12:30:45.123+02:00' | date(format='%F %T%.3f %z %Z') }}"),
            "2024-07-01 12:30:45.123 +0200 +02:00");
  EXPECT_EQ(Render("{{ '2024-07-01' | date(format='%d/%m/%Y %Z') }}"), "01/07/2024 UTC");
  EXPECT_EQ(Render("{{ 1700000000 | date(format='%H:%M %Z', timezone='Etc/GMT+5') }}"),
            "17:13 -05");
  EXPECT_NE(ErrorWhere("{{ 0 | date(format='%Q') }}"), "no error");
  EXPECT_NE(ErrorWhere("{{ 0 | date(format='%z') }}"), "no error");  // a timestamp has no offset
}

TEST(FiltersTest, Tests) {
  EXPECT_EQ(Render("{{ s is string }} {{ s is number }} {{ s is containing('x') }} "
                   "{{ s is matching('^x+$') }} {{ n is odd }} {{ n is divisibleby(3) }} {{ u is "
                   "undefined }}",
                   R"({"s": "xx", "n": 3})"),
            "true false true true true true true");
  EXPECT_EQ(Render("{{ xs is containing(1) }} {{ s is matching('(?i)ÉCOLE') }} {{ s is "
                   "matching('^\\w+$') }}",
                   R"({"xs": [1.0, 2.0], "s": "école"})"),
            "false true true");
  EXPECT_EQ(ErrorWhere("{{ n is nope }}", R"({"n": 1})"), "t.tera:1:4");
}

TEST(FiltersTest, Functions) {
  EXPECT_EQ(Render("{{ range(end=3) }} {{ range(start=2, end=10, step_by=3) }}"),
            "[0, 1, 2] [2, 5, 8]");
  EXPECT_EQ(Render("{{ get_env(name='POND_SURELY_UNSET_VAR', default='d') }}"), "d");
  EXPECT_EQ(ErrorWhere("x\n{{ throw(message='boom') }}"), "t.tera:2:4");
}

}  // namespace
}  // namespace pond::tmpl
