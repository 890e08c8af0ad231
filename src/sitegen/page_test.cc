// Pages: frontmatter, captures, and the errors that name the page and line.
#include "sitegen/page.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace pond::sitegen {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParsePage(text, "content/data.md");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The Noyo pond's data page, as the deployment has it.
TEST(Page, TheNoyoDataPage) {
  const Page p = ParsePage(
      "---\ntitle: \"{{ $0 }}\"\nlayout: data\n---\n# {{ $0 }}\n{{ breadcrumb /}}\n{{ chart /}}\n",
      "data.md");
  EXPECT_EQ(p.front.title, "{{ $0 }}");
  EXPECT_EQ(p.front.layout, Layout::kData);
  EXPECT_EQ(p.front.weight, 100);
  EXPECT_FALSE(p.front.hidden);
  EXPECT_EQ(p.body_line, 5);
  EXPECT_EQ(p.body, "# {{ $0 }}\n{{ breadcrumb /}}\n{{ chart /}}\n");
  EXPECT_EQ(SubstituteCaptures(p.front.title, {"Fort Bragg"}), "Fort Bragg");
  EXPECT_EQ(SubstituteCaptures(p.body, {"Fort Bragg"}),
            "# Fort Bragg\n{{ breadcrumb /}}\n{{ chart /}}\n");
}

TEST(Page, EveryKeyAndDefaults) {
  const Page p = ParsePage(
      "---\r\ntitle: Spring report\nlayout: blog\nweight: 7\nslug: spring\nhidden: true\n"
      "section: blog\ndate: 2025-04-01\nsummary: What the wells did\nimage: /img/a.png\n"
      "description: ignored\n---\nBody\n",
      "p.md");
  EXPECT_EQ(p.front.title, "Spring report");
  EXPECT_EQ(p.front.layout, Layout::kBlog);
  EXPECT_EQ(p.front.weight, 7);
  EXPECT_EQ(p.front.slug, "spring");
  EXPECT_TRUE(p.front.hidden);
  EXPECT_EQ(p.front.section, "blog");
  EXPECT_EQ(p.front.date, "2025-04-01");
  EXPECT_EQ(p.front.summary, "What the wells did");
  EXPECT_EQ(p.front.image, "/img/a.png");
  EXPECT_EQ(p.body, "Body\n");
  EXPECT_EQ(ParsePage("---\nlayout: fancy\n---\n", "q.md").front.layout, Layout::kDefault);
  // No frontmatter: all body, from line 1; an empty one is fine.
  EXPECT_EQ(ParsePage("# Hi\n---\n", "r.md").body, "# Hi\n---\n");
  EXPECT_EQ(ParsePage("---\n---\nx", "s.md").body, "x");
  EXPECT_EQ(ParsePage("---\n---\nx", "s.md").body_line, 3);
}

TEST(Page, BadFrontmatterNamesThePageAndLine) {
  EXPECT_EQ(ErrorOf("---\ntitle: x\n"), "frontmatter has no closing '---' (content/data.md:1)");
  EXPECT_EQ(ErrorOf("---\ntitle: x\nweight: heavy\n---\n"),
            "frontmatter 'weight' must be an integer, not 'heavy' (content/data.md:3)");
  EXPECT_EQ(ErrorOf("---\nhidden: maybe\n---\n"),
            "frontmatter 'hidden' must be true or false, not 'maybe' (content/data.md:2)");
  EXPECT_EQ(ErrorOf("---\ntitle: a\ndate: 2025-13-01\n---\n"),
            "frontmatter 'date' must be YYYY-MM-DD, not '2025-13-01' (content/data.md:3)");
  EXPECT_EQ(ErrorOf("---\ntitle: [a, b]\n---\n"),
            "frontmatter 'title' must be a single value (content/data.md:2)");
  EXPECT_EQ(ErrorOf("---\n- a\n---\n"), "frontmatter must be a map of key: value (content/data.md:2)");
  EXPECT_NE(ErrorOf("---\ntitle: [open\n---\n").find("(content/data.md:"), std::string::npos);
}

TEST(Page, CapturesAreExactlyTheFourForms) {
  const std::vector<std::string> caps = {"A", "B", "C", "D"};
  EXPECT_EQ(SubstituteCaptures("{{ $0 }}-{{ $3 }}", caps), "A-D");
  EXPECT_EQ(SubstituteCaptures("{{$0}} {{ $0}} {{  $0 }} {{ $4 }}", caps),
            "{{$0}} {{ $0}} {{  $0 }} {{ $4 }}");
  EXPECT_EQ(SubstituteCaptures("{{ $1 }}", {"only"}), "{{ $1 }}");  // no such capture
  EXPECT_EQ(SubstituteCaptures("\\{{ $0 }}", caps), "\\{{ $0 }}");  // escaped
}

}  // namespace
}  // namespace pond::sitegen
