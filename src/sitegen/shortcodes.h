// Shortcodes in a page body (docs/sitegen.md, "Pages"): `{{ NAME key="v" … /}}` or
// `{{ NAME … }}body{{ /NAME }}`. A name is [A-Za-z_][A-Za-z0-9_-]* (dashes read as
// underscores: `nav-list` is `nav_list`); values are quoted with " or ', with the
// escapes \", \', \\, \n and \t. `\{{` is a literal `{{`, and brace text not shaped
// like a shortcode (`{{ 1 + 2 }}`, `{{ $7 }}`) stays as it is.
//
// Every failure throws pond::Error whose `where` is `<page>:<line>:<col>` of the
// shortcode at fault: an unknown name, a block never closed, a closing tag without
// its opening, a malformed argument.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pond::sitegen {

struct Shortcode {
  std::string name;  // underscores for dashes
  std::map<std::string, std::string> args;
  std::optional<std::string> body;  // a block's text, as written (its own shortcodes unparsed)
  int line = 0, column = 0;         // of its `{{`, in the page file
};

// Literal text, or a shortcode.
struct Segment {
  std::string text;
  std::optional<Shortcode> shortcode;
};

// The segments of `body` (which starts on line `first_line` of `page`), in order.
// `known`: the shortcode names that exist (underscored).
std::vector<Segment> ParseShortcodes(std::string_view body, const std::string& page,
                                     int first_line, const std::set<std::string>& known);

}  // namespace pond::sitegen
