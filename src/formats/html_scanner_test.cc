// ReadHtmlFile on what a hand-written scanner can get wrong. Every page is read with
// blocks of 1, 2, 3, 5 and 7 bytes as well as whole: each token is then cut at every
// place, and the events must not change.
#include "formats/html_scanner.h"

#include <gtest/gtest.h>

#include <random>

#include "base/error.h"
#include "support/scenario.h"

namespace pond::formats {
namespace {

constexpr const char* kName = "/hydrovu/page.htm";

// The events as one string: `S(td class=[x])`, `T[text]` (pieces joined), `E(td)`.
// The attributes shown are those of kShown a tag has.
class Recorder : public HtmlHandler {
 public:
  explicit Recorder(std::string stop_after = "", bool lines = false)
      : stop_after_(std::move(stop_after)), lines_(lines) {}

  void Start(std::string_view element, const HtmlAttributes& attributes) override {
    EndText();
    events_ += "S(" + std::string(element);
    for (const char* name : {"id", "class", "a", "b", "c", "isi-data-row"})
      if (auto v = attributes.Find(name))
        events_ += " " + std::string(name) + "=[" + std::string(*v) + "]";
    if (lines_) events_ += " @" + std::to_string(line());
    events_ += ")";
  }
  void End(std::string_view element) override {
    EndText();
    events_ += "E(" + std::string(element) + ")";
    if (element == stop_after_) Stop();
  }
  void Text(std::string_view text) override {
    if (text.empty()) ADD_FAILURE() << "an empty text piece";
    if (text_.empty() && lines_) text_line_ = line();
    text_ += text;
  }

  std::string events() {
    EndText();
    return events_;
  }

 private:
  void EndText() {
    if (text_.empty()) return;
    events_ += "T[" + text_ + "]";
    if (lines_) events_ += "@" + std::to_string(text_line_);
    text_.clear();
  }

  std::string stop_after_;
  bool lines_;
  std::string events_, text_;
  int text_line_ = 0;
};

class HtmlScannerTest : public ::testing::Test {
 protected:
  // The events of `html` read whole, after checking that every small block size
  // gives the same; an error as `error: <message> (<where>)`.
  std::string Read(const std::string& html, const std::string& stop_after = "",
                   bool lines = false) {
    const std::string whole = ReadWith(html, kHtmlBlockBytes, stop_after, lines);
    for (size_t block : {1, 2, 3, 5, 7})
      EXPECT_EQ(ReadWith(html, block, stop_after, lines), whole) << "blocks of " << block;
    return whole;
  }

  std::string ReadWith(const std::string& html, size_t block, const std::string& stop_after,
                       bool lines) {
    testing::WriteFile(tmp_.path() / "page.htm", html);
    Recorder recorder(stop_after, lines);
    try {
      ReadHtmlFile(tmp_ / "page.htm", kName, recorder, block);
    } catch (const Error& e) {
      return recorder.events() + "error: " + e.what();
    }
    return recorder.events();
  }

  testing::TempDir tmp_;
};

TEST_F(HtmlScannerTest, TagsAttributesAndText) {
  EXPECT_EQ(Read("<table id=\"isi-report\">\n<tr class=\"data\" isi-data-row=\"\"><td>1</td>"
                 "</tr></table>"),
            "S(table id=[isi-report])T[\n]S(tr class=[data] isi-data-row=[])S(td)T[1]E(td)"
            "E(tr)E(table)");
}

TEST_F(HtmlScannerTest, GreaterThanInsideQuotedValues) {
  EXPECT_EQ(Read("<td a=\"x>y\" b='p>q' c=\"it's\">t</td><td a='say \"hi\"'>u"),
            "S(td a=[x>y] b=[p>q] c=[it's])T[t]E(td)S(td a=[say \"hi\"])T[u]");
}

TEST_F(HtmlScannerTest, UnquotedAndValuelessAttributes) {
  EXPECT_EQ(Read("<tr class=data isi-data-row><td a=it's b = x c=>1<td\n\ta=1\n/b=2>2"),
            "S(tr class=[data] isi-data-row=[])S(td a=[it's] b=[x] c=[])T[1]S(td a=[1] b=[2])T[2]");
  // The first of two attributes with one name counts; '/' can end an unquoted value.
  EXPECT_EQ(Read("<p id=a ID=b class=y/>x"), "S(p id=[a] class=[y/])T[x]");
}

TEST_F(HtmlScannerTest, UppercaseTagsAndAttributes) {
  EXPECT_EQ(Read("<TABLE ID=\"isi-report\"><Tr CLASS=\"Data\"><TD>1<TD>2</TD></tR></TABLE>"),
            "S(table id=[isi-report])S(tr class=[Data])S(td)T[1]S(td)T[2]E(td)E(tr)E(table)");
}

TEST_F(HtmlScannerTest, EndTagsAreReportedAsWritten) {
  // No tree: omitted end tags are the reader's to imply; `/>` ends an element.
  EXPECT_EQ(Read("<tr><td>a<td>b<tr><td/>c<br/>d</td >e</td foo=\"x>\">"),
            "S(tr)S(td)T[a]S(td)T[b]S(tr)S(td)E(td)T[c]S(br)E(br)T[d]E(td)T[e]E(td)");
}

TEST_F(HtmlScannerTest, CommentsAndDeclarationsAreSkipped) {
  EXPECT_EQ(Read("<!DOCTYPE html><?xml version=\"1.0\"?>a<!-- <tr class=\"data\"><td>9</td> -->b"
                 "<!-- -- > --->c<!---->d<!-->e-->f<!doctype x>g"),
            "T[abcdfg]");
}

TEST_F(HtmlScannerTest, ScriptStyleAndCdataHideTheirMarkup) {
  EXPECT_EQ(Read("<td>a<script type=\"x\">if (x</td>) s = \"</scrip\";</script>b"
                 "<style>td:after { content: '</td>' }</STYLE >c"
                 "<SCRIPT>x</scriptx></Script>d<![CDATA[ </td> ]]>e</td>"),
            "S(td)T[a]S(script)E(script)T[b]S(style)E(style)T[c]S(script)E(script)T[de]E(td)");
}

TEST_F(HtmlScannerTest, LessThanThatStartsNoTag) {
  EXPECT_EQ(Read("a < b <3 <. </> </ x>c"), "T[a < b <3 <.  c]");
}

TEST_F(HtmlScannerTest, CharacterReferences) {
  EXPECT_EQ(Read("<td a=\"&amp;&lt;&#45;&nbsp;|\" b=&quot;x>"
                 "&amp;&lt;&gt;&quot;&apos;&nbsp;|&#176;&#xB0;&#Xb0;&#176 &deg;&micro;&mu;"),
            "S(td a=[&<-\u00A0|] b=[\"x])T[&<>\"'\u00A0|°°°° °µμ]");
  // Unknown, unterminated or empty references are text as written; code points that
  // are not characters become U+FFFD.
  EXPECT_EQ(Read("&foo; &amp &AMP; &#; &#x; & ; &#0; &#xD800; &#x110000; &#99999999999;"),
            "T[&foo; &amp &AMP; &#; &#x; & ; \uFFFD \uFFFD \uFFFD \uFFFD]");
  EXPECT_EQ(Read("a&amp"), "T[a&amp]");
  EXPECT_EQ(Read("a&#65"), "T[aA]");
}

TEST_F(HtmlScannerTest, LineBreaksAreLf) {
  EXPECT_EQ(Read("<td a=\"1\r\n2\">x\r\ny\rz\r"), "S(td a=[1\n2])T[x\ny\nz\n]");
}

TEST_F(HtmlScannerTest, ByteOrderMarkIsSkipped) {
  EXPECT_EQ(Read("\xEF\xBB\xBF<p>x"), "S(p)T[x]");
  EXPECT_EQ(Read("\xEF\xBB"), "error: not valid UTF-8 (/hydrovu/page.htm:1)");
  EXPECT_EQ(Read(""), "");
}

TEST_F(HtmlScannerTest, LinesAreWhereTheTokenBegins) {
  EXPECT_EQ(Read("a\n<td\n a=1\n>b\n\nc<!--\n\n-->\r\n<script>\n</script><td>", "", true),
            "T[a\n]@1S(td a=[1] @2)T[b\n\nc\n]@4S(script @9)E(script)S(td @10)");
}

TEST_F(HtmlScannerTest, Utf8IsChecked) {
  EXPECT_EQ(Read("<td>°µ\U0001F600</td>"), "S(td)T[°µ\U0001F600]E(td)");
  EXPECT_EQ(Read("<td>a</td>\n<td>1\xB0</td>"),
            "S(td)T[a]E(td)T[\n]S(td)T[1]error: not valid UTF-8 (/hydrovu/page.htm:2)");
  EXPECT_EQ(Read("a\n\n<td x=\"\xC0\x80\">"),
            "T[a\n\n]error: not valid UTF-8 (/hydrovu/page.htm:3)");
  EXPECT_EQ(Read("<!-- \xED\xA0\x80 -->"), "error: not valid UTF-8 (/hydrovu/page.htm:1)");
  EXPECT_EQ(Read("a\xF4\x90\x80\x80"), "T[a]error: not valid UTF-8 (/hydrovu/page.htm:1)");
  EXPECT_EQ(Read("ab\xE2\x82"), "T[ab]error: not valid UTF-8 (/hydrovu/page.htm:1)");
}

TEST_F(HtmlScannerTest, NothingAfterStopIsRead) {
  EXPECT_EQ(Read("<table><td>1</table>\xFF<p", "table"), "S(table)S(td)T[1]E(table)");
}

TEST_F(HtmlScannerTest, FileEndingInsideATagIsRefused) {
  EXPECT_EQ(Read("<tr>\n<td a=\"b"),
            "S(tr)T[\n]error: the file ends inside a tag (/hydrovu/page.htm:2)");
  EXPECT_EQ(Read("<tr>\n<td a=b"),
            "S(tr)T[\n]error: the file ends inside a tag (/hydrovu/page.htm:2)");
  EXPECT_EQ(Read("<td>x</t"), "S(td)T[x]error: the file ends inside a tag (/hydrovu/page.htm:1)");
  EXPECT_EQ(Read("x<"), "T[x]error: the file ends inside a tag (/hydrovu/page.htm:1)");
  EXPECT_EQ(Read("<!DOCTYPE"), "error: the file ends inside a tag (/hydrovu/page.htm:1)");
  EXPECT_EQ(Read("<!-"), "error: the file ends inside a tag (/hydrovu/page.htm:1)");
  EXPECT_EQ(Read("\n<!-- <td>"),
            "T[\n]error: the file ends inside a comment (/hydrovu/page.htm:2)");
  EXPECT_EQ(Read("<![CDATA[ x"),
            "error: the file ends inside a CDATA section (/hydrovu/page.htm:1)");
  EXPECT_EQ(Read("<td><Script>\nx</scr"),
            "S(td)S(script)error: the file ends inside <script> (/hydrovu/page.htm:1)");
}

TEST_F(HtmlScannerTest, TagLongerThanTheLimitIsRefused) {
  const std::string long_value(kMaxHtmlTagBytes, 'x');
  EXPECT_EQ(ReadWith("<p>\n<td a=\"" + long_value + ">1</td>", kHtmlBlockBytes, "", false),
            "S(p)T[\n]error: a tag longer than 1048576 bytes (a quote not closed?) "
            "(/hydrovu/page.htm:2)");
  // A comment or script is skipped however long.
  EXPECT_EQ(ReadWith("<!--" + long_value + long_value + "--><script>" + long_value + "</script>x",
                     kHtmlBlockBytes, "", false),
            "S(script)E(script)T[x]");
}

TEST_F(HtmlScannerTest, MissingFile) {
  Recorder recorder;
  try {
    ReadHtmlFile(tmp_ / "none.htm", kName, recorder);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "cannot read: No such file or directory");
    EXPECT_EQ(e.where(), tmp_ / "none.htm");
  }
}

// Pages of random pieces of markup, valid or not: whatever the events or the error,
// every block size gives the same.
TEST_F(HtmlScannerTest, RandomPagesReadTheSameInAnyBlocks) {
  const std::vector<std::string> pieces = {
      "<td",      "<TR",       "</td",      ">",   "/>", " ", "\n", "\r", "=",     "\"",   "'",
      "a",        "class=x",   "&amp;",     "&#",  "x",  "1", ";",  "&",  "&nbsp", "<!--", "-->",
      "<script>", "</script>", "<![CDATA[", "]]>", "<!", "<", "</", "°",  "\xC2",  "\xA0", "\xFF"};
  std::mt19937 random(32);
  for (int page = 0; page < 300; ++page) {
    std::string html;
    const int n = std::uniform_int_distribution<int>(1, 40)(random);
    for (int i = 0; i < n; ++i)
      html += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(random)];
    SCOPED_TRACE(html);
    Read(html);
  }
}

}  // namespace
}  // namespace pond::formats
