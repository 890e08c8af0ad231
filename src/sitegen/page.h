// A sitegen content page (docs/sitegen.md, "Pages"): optional YAML frontmatter
// between two `---` lines, then the body. Captures `{{ $0 }}`…`{{ $3 }}` (one space
// inside each brace pair) are replaced in the title and the body by the route's
// captures, already passed through `labels` by the caller.
//
// Every failure throws pond::Error whose `where` is `<page>:<line>` (or
// `<page>:<line>:<col>`), lines counted in the whole file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pond::sitegen {

// The layouts pages name; any other name is kDefault, as in the original.
enum class Layout { kDefault, kData, kPage, kBlog, kExplore, kLogs };
Layout LayoutNamed(std::string_view name);

struct Frontmatter {
  std::string title;
  Layout layout = Layout::kDefault;
  int64_t weight = 100;  // content pages sort by weight, then title
  std::optional<std::string> slug, section, date, summary, image;  // date: YYYY-MM-DD
  bool hidden = false;
};

struct Page {
  Frontmatter front;
  std::string body;
  int body_line = 1;  // the file's line the body starts on
};

// Splits and reads the frontmatter; keys other than the spec's are ignored. Throws
// for YAML that does not parse, a mistyped key or a malformed date, naming the line.
Page ParsePage(std::string_view text, const std::string& name);

// `text` with each `{{ $N }}` (N < captures.size()) replaced by captures[N]; other
// brace text is left for the shortcodes.
std::string SubstituteCaptures(std::string_view text, const std::vector<std::string>& captures);

}  // namespace pond::sitegen
