// Markdown through cmark-gfm: the extensions pages use, raw HTML kept, and heading ids;
// checked byte for byte against Debian's cmark-gfm command on the same text.
#include "markdown/markdown.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pond::markdown {
namespace {

std::string Slug(std::string_view s) {
  std::string out;
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string Html(std::string_view text) { return ToHtml(text, Slug); }

// What `cmark-gfm --unsafe` with the four extensions prints for `text`.
std::string Oracle(const std::string& text) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("md-oracle-" + std::to_string(::getpid()) + ".md");
  std::ofstream(file) << text;
  const std::string cmd = "/usr/bin/cmark-gfm --unsafe -e table -e strikethrough -e tasklist "
                          "-e autolink " + file.string();
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = ::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
  }
  std::filesystem::remove(file);
  return out;
}

const char* const kPage =
    "Readings of the **well**, ~~old~~ new, see https://example.org/x.\n"
    "\n"
    "| site | depth |\n"
    "|:-----|------:|\n"
    "| A    | 43.6  |\n"
    "| B    | `n/a` |\n"
    "\n"
    "- [x] calibrated\n"
    "- [ ] cleaned\n"
    "\n"
    "<div id=\"map\" style=\"height: 300px\"></div>\n"
    "<script type=\"module\">\n"
    "const a = 1 < 2 && 3 > 2;\n"
    "\n"
    "console.log(`*not emphasis*`);\n"
    "</script>\n"
    "\n"
    "A <span class=\"x\">raw</span> span and a [link](/data/a.html).\n";

TEST(Markdown, IsCmarkGfmsWithTheExtensionsPagesUse) {
  if (!std::filesystem::exists("/usr/bin/cmark-gfm")) GTEST_SKIP() << "no /usr/bin/cmark-gfm";
  const std::string page = kPage;
  const std::string html = Html(page);
  // cmark-gfm's own, but for the script, which it cuts at the blank line.
  const size_t script = page.find("<script"), end = page.find("</script>\n") + 10;
  const std::string without = page.substr(0, script) + page.substr(end);
  EXPECT_EQ(Html(without), Oracle(without));
  EXPECT_NE(Oracle(page).find("<p>console.log"), std::string::npos);
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_NE(html.find("<del>old</del>"), std::string::npos);
  EXPECT_NE(html.find("type=\"checkbox\""), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://example.org/x\">"), std::string::npos);
  // The script is kept whole, blank line and all.
  EXPECT_NE(html.find("const a = 1 < 2 && 3 > 2;\n\nconsole.log(`*not emphasis*`);\n</script>"),
            std::string::npos);
}

TEST(Markdown, ScriptsPassWholeWhateverTheirCase) {
  const std::string html =
      Html("<div>\n<SCRIPT>\nlet x = '*a*';\n\nlet y = 2;\n</SCRIPT>\n\n*b*\n\n<scripts>\n\n"
           "<script src=\"/x.js\">");
  EXPECT_NE(html.find("<SCRIPT>\nlet x = '*a*';\n\nlet y = 2;\n</SCRIPT>"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<p><em>b</em></p>"), std::string::npos) << html;
  EXPECT_NE(html.find("<scripts>"), std::string::npos) << html;  // not a script
  EXPECT_NE(html.find("<script src=\"/x.js\">"), std::string::npos) << html;  // never closed
  EXPECT_EQ(html.find("pond-script"), std::string::npos) << html;
}

TEST(Markdown, HeadingsGetIdsAndDeeperOnesAnAnchor) {
  const std::string html = Html(
      "# Caspar Water\n\n## Well depth\n\ntext\n\n## Well *depth*\n\n### The `pH` probe\n\n"
      "## ***\n");
  EXPECT_NE(html.find("<h1 id=\"caspar-water\">Caspar Water</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<h2 id=\"well-depth\">Well depth <a class=\"anchor\" "
                      "href=\"#well-depth\">#</a></h2>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<h2 id=\"well-depth-1\">Well <em>depth</em> <a class=\"anchor\" "
                      "href=\"#well-depth-1\">#</a></h2>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<h3 id=\"the-ph-probe\">The <code>pH</code> probe"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<h2 id=\"section\">"), std::string::npos) << html;  // nothing to slug
  EXPECT_NE(html.find("<p>text</p>"), std::string::npos);
}

TEST(Markdown, SetextHeadingsAndEmptyText) {
  EXPECT_EQ(Html(""), "");
  const std::string html = Html("Title\n=====\n\nSub\n---\n");
  EXPECT_NE(html.find("<h1 id=\"title\">Title</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<h2 id=\"sub\">Sub <a class=\"anchor\" href=\"#sub\">#</a></h2>"),
            std::string::npos)
      << html;
}

}  // namespace
}  // namespace pond::markdown
