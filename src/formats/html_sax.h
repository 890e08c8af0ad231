// An HTML file read as a stream of start tags, end tags and text, the way a browser
// reads it: libxml2's HTML parser in push mode, which implies the end tags HTML lets
// a page omit (`<td>a<td>b<tr>` closes both cells and the row), decodes entities and
// lowercases element and attribute names. Memory is one block of the file plus the
// open elements, whatever the file's size. Internal to the formats layer; only
// html_sax.cc includes libxml2.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pond::formats {

// A start tag's attributes, valid during the Start callback only.
class HtmlAttributes {
 public:
  // libxml2's array: name, value, name, value, …, null (a value may be null).
  explicit HtmlAttributes(const char* const* pairs) : pairs_(pairs) {}
  // The value of attribute `name` (lowercase); "" for one written without a value;
  // nullopt when the tag does not have it.
  std::optional<std::string_view> Find(std::string_view name) const;

 private:
  const char* const* pairs_;
};

// What a reader of the stream implements. Text may arrive in several pieces, and
// with entities decoded (UTF-8). An exception from a callback ends the read and
// propagates out of ReadHtmlFile.
class HtmlHandler {
 public:
  virtual ~HtmlHandler() = default;
  virtual void Start(std::string_view element, const HtmlAttributes& attributes) = 0;
  virtual void End(std::string_view element) = 0;
  virtual void Text(std::string_view text) = 0;

 protected:
  // During a callback: the line of the file the parser is at (1-based).
  int line() const;
  // During a callback: ends the read after it, as the rest is not needed.
  void Stop();

 private:
  friend class HtmlFileReader;
  void* parser_ = nullptr;  // libxml2's context while a read is under way
  bool stopped_ = false;
};

// Reads the host file `path`, decoded as UTF-8 whatever its <meta charset> says,
// into `handler`, to its end or the handler's Stop(). Throws Error `cannot read`
// naming `path` when the file cannot be read, and `not valid UTF-8` naming
// `<name>:<line>` at the first byte that is not (rather than read on as Latin-1,
// libxml2's recovery).
void ReadHtmlFile(const std::string& path, const std::string& name, HtmlHandler& handler);

}  // namespace pond::formats
