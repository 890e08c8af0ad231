// Text for HTML and XML (pages, attributes, feed.xml): & < > " ' as entities. A URL's
// slashes stay as they are, so that base_url still finds them (links.h).
#pragma once

#include <string>
#include <string_view>

namespace pond::sitegen {

std::string Escape(std::string_view text);

// A path of the site's files as a URL path: every byte but letters, digits, `-._~`,
// `/` and `=` (Hive's keys) as %XX, so that `My Site.html` or a `#` in a pond name
// links to the file it names.
std::string UrlPath(std::string_view path);

}  // namespace pond::sitegen
