// An HTML file read as a stream of start tags, end tags and text: a small strict
// scanner written for the table of HydroVu's exports (isi_report.h), in one pass
// over the bytes. libxml2's HTML parser alone took 1.7 times DuckDB's whole read of
// the same rows as CSV (docs/benchmarks.md, case 16); Debian 12 has no HTML parser
// that streams faster (gumbo and MyHTML build the whole page in memory).
//
// It accepts, as a browser does:
// - tags in any case (names are given lowercase); attribute values in double or
//   single quotes (a '>' inside is part of the value) or unquoted, or no value;
// - character references in text and values (html_text.h), CR LF read as LF;
// - comments `<!-- … -->`, `<!DOCTYPE …>`, `<?…>` and `<![CDATA[ … ]]>`, skipped
//   (markup inside them is not read); the content of <script> and <style>, skipped
//   up to their end tag;
// - a '<' that does not begin a tag (`a < b`) as text; a UTF-8 byte-order mark.
// It builds no tree: end tags are reported as written (a `<td/>` as <td></td>), and
// the reader implies the ones HTML lets a page omit (`<td>a<td>b`).
//
// It refuses, naming `<name>:<line>`: bytes that are not UTF-8 (whatever the page's
// <meta charset> says), a file that ends inside a tag, comment or <script> (a cut
// download), and a tag longer than kMaxHtmlTagBytes (an unclosed quote).
//
// Memory is one block of the file plus the tag being read, whatever the file's
// size. Internal to the formats layer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pond::formats {

class HtmlScanner;

// The bytes read from the file at a time.
inline constexpr size_t kHtmlBlockBytes = 64 * 1024;
// The longest tag, attributes included, read before the read is refused.
inline constexpr size_t kMaxHtmlTagBytes = 1024 * 1024;

// A start tag's attributes, valid during the Start callback only.
class HtmlAttributes {
 public:
  // The value of attribute `name` (lowercase), references decoded; "" for one
  // written without a value; nullopt when the tag does not have it. The first of two
  // with the same name counts. The view is valid until the next Find.
  std::optional<std::string_view> Find(std::string_view name) const;

 private:
  friend class HtmlScanner;
  struct Attribute {
    std::string_view name;   // as written
    std::string_view value;  // as written, without its quotes
  };
  std::vector<Attribute> list_;
  mutable std::string decoded_;
};

// What a reader of the stream implements. Text may arrive in several pieces. An
// exception from a callback ends the read and propagates out of ReadHtmlFile.
class HtmlHandler {
 public:
  virtual ~HtmlHandler() = default;
  virtual void Start(std::string_view element, const HtmlAttributes& attributes) = 0;
  virtual void End(std::string_view element) = 0;
  virtual void Text(std::string_view text) = 0;

 protected:
  // During a callback: the line of the file where the tag or text begins (1-based);
  // 0 outside a read.
  int line() const;
  // During a callback: ends the read after it, as the rest is not needed.
  void Stop() { stopped_ = true; }

 private:
  friend class HtmlScanner;
  const HtmlScanner* scanner_ = nullptr;  // while a read is under way
  bool stopped_ = false;
};

// Reads the host file `path` into `handler`, to its end or the handler's Stop(),
// `block_bytes` at a time (tests pass tiny blocks). Throws Error `cannot read` naming
// `path`; the refusals above naming `<name>:<line>`.
void ReadHtmlFile(const std::string& path, const std::string& name, HtmlHandler& handler,
                  size_t block_bytes = kHtmlBlockBytes);

}  // namespace pond::formats
