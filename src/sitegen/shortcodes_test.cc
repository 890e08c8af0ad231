// Shortcodes: both forms, arguments and escapes, brace text left alone, and errors
// that name the page, line and column.
#include "sitegen/shortcodes.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace pond::sitegen {
namespace {

const std::set<std::string> kKnown = {"breadcrumb", "chart", "figure", "nav_list", "content_nav",
                                      "explore", "viz"};

std::vector<Segment> Parse(const std::string& body, int first_line = 1) {
  return ParseShortcodes(body, "content/p.md", first_line, kKnown);
}

std::string ErrorOf(const std::string& body, int first_line = 1) {
  try {
    Parse(body, first_line);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Shortcodes, SelfClosingAndBlocksWithArguments) {
  const auto s = Parse(
      "# Title\n{{ breadcrumb /}}\nText {{ figure src=\"/a.png\" caption='A \\'b\\' \\\"c\\\"\\n' "
      "float=\"left\" /}} end\n{{ explore table=\"well\" }}SELECT 1{{ /explore }}\n");
  ASSERT_EQ(s.size(), 7u);
  EXPECT_EQ(s[0].text, "# Title\n");
  ASSERT_TRUE(s[1].shortcode);
  EXPECT_EQ(s[1].shortcode->name, "breadcrumb");
  EXPECT_EQ(s[1].shortcode->line, 2);
  EXPECT_EQ(s[1].shortcode->column, 1);
  EXPECT_FALSE(s[1].shortcode->body);
  EXPECT_EQ(s[2].text, "\nText ");
  const Shortcode& fig = *s[3].shortcode;
  EXPECT_EQ(fig.name, "figure");
  EXPECT_EQ(fig.args.at("src"), "/a.png");
  EXPECT_EQ(fig.args.at("caption"), "A 'b' \"c\"\n");
  EXPECT_EQ(fig.args.at("float"), "left");
  EXPECT_EQ(fig.line, 3);
  EXPECT_EQ(fig.column, 6);
  EXPECT_EQ(s[4].text, " end\n");
  EXPECT_EQ(s[5].shortcode->name, "explore");
  EXPECT_EQ(s[5].shortcode->args.at("table"), "well");
  EXPECT_EQ(s[5].shortcode->body, "SELECT 1");
  EXPECT_EQ(s[6].text, "\n");
}

TEST(Shortcodes, DashedNamesNestedBlocksAndLiteralBraces) {
  auto s = Parse("{{ nav-list /}}{{ viz }}a{{ viz }}b{{ /viz }}c{{ /viz }}");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].shortcode->name, "nav_list");
  EXPECT_EQ(s[1].shortcode->body, "a{{ viz }}b{{ /viz }}c");
  // Escaped, not shaped like a shortcode, or a capture beyond $3: text.
  s = Parse("\\{{ chart /}} {{ 1 + 2 }} {{ a.b }} {{ x }} {{ $7 }} {{ }} {{");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text, "{{ chart /}} {{ 1 + 2 }} {{ a.b }} {{ x }} {{ $7 }} {{ }} {{");
  // An unknown name whose arguments do not parse is brace text too.
  EXPECT_EQ(Parse("{{ foo + 1 }}")[0].text, "{{ foo + 1 }}");
  EXPECT_TRUE(Parse("").empty());
}

TEST(Shortcodes, ErrorsNameThePageLineAndColumn) {
  EXPECT_EQ(ErrorOf("intro\n\n  {{ sparkline /}}\n", 5),
            "unknown shortcode 'sparkline' (content/p.md:7:3)");
  EXPECT_EQ(ErrorOf("{{ explore }}\nSELECT 1\n"),
            "shortcode 'explore' is never closed by {{ /explore }} (content/p.md:1:1)");
  EXPECT_EQ(ErrorOf("a {{ /chart }}"), "closing {{ /chart }} without its opening (content/p.md:1:3)");
  EXPECT_EQ(ErrorOf("{{ figure src=/a.png /}}"),
            "value of 'src' in 'figure' must be quoted (content/p.md:1:1)");
  EXPECT_EQ(ErrorOf("{{ figure src=\"/a.png }}"),
            "value of 'src' in 'figure' is never closed (content/p.md:1:1)");
  EXPECT_EQ(ErrorOf("{{ figure src=\"a\" src=\"b\" /}}"),
            "argument 'src' given twice in 'figure' (content/p.md:1:1)");
  EXPECT_EQ(ErrorOf("{{ chart 3 /}}"),
            "argument of 'chart' is not key=\"value\" (content/p.md:1:1)");
}

}  // namespace
}  // namespace pond::sitegen
