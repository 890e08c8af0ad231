// base_url on absolute links: attributes only, scripts and styles untouched.
#include "sitegen/links.h"

#include <gtest/gtest.h>

namespace pond::sitegen {
namespace {

TEST(Links, AbsoluteLinksGetTheBaseUrl) {
  const std::string page =
      "<p><a href=\"/data/a.html\">A</a> <img src='/img/b.png' alt=\"/x\"> "
      "<form ACTION=/search method=get></form> <a href=\"//cdn.example/x\">c</a> "
      "<a href=\"https://example.org/\">d</a> <a href=\"#top\">e</a> <a href=\"rel.html\">f</a> "
      "<img data-src=\"/lazy.png\"> <link rel=\"stylesheet\" href = \"/style.css\">"
      "/text/outside <!-- <a href=\"/in-comment\"> --></p>\n"
      "<script type=\"module\" src=\"/chart.js\">const u = \"/data/x.parquet\"; if (a<b) {}</script>"
      "<style>a[href=\"/y\"] {}</style><a href=\"/after\">g</a>";
  EXPECT_EQ(WithBaseUrl(page, "/noyo/"),
            "<p><a href=\"/noyo/data/a.html\">A</a> <img src='/noyo/img/b.png' alt=\"/x\"> "
            "<form ACTION=/noyo/search method=get></form> <a href=\"//cdn.example/x\">c</a> "
            "<a href=\"https://example.org/\">d</a> <a href=\"#top\">e</a> <a href=\"rel.html\">f</a> "
            "<img data-src=\"/lazy.png\"> <link rel=\"stylesheet\" href = \"/noyo/style.css\">"
            "/text/outside <!-- <a href=\"/in-comment\"> --></p>\n"
            "<script type=\"module\" src=\"/noyo/chart.js\">const u = \"/data/x.parquet\"; if (a<b) {}"
            "</script><style>a[href=\"/y\"] {}</style><a href=\"/noyo/after\">g</a>");
}

TEST(Links, ARootBaseChangesNothing) {
  const std::string page = "<a href=\"/x\">x</a> < 3 <";
  EXPECT_EQ(WithBaseUrl(page, "/"), page);
  EXPECT_EQ(WithBaseUrl(page, ""), page);
  EXPECT_EQ(WithBaseUrl(page, "/site"), "<a href=\"/site/x\">x</a> < 3 <");
  EXPECT_EQ(WithBaseUrl("<a href=\"/x", "/b/"), "<a href=\"/b/x");  // cut short: no crash
}

}  // namespace
}  // namespace pond::sitegen
