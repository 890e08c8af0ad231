// Text for HTML and XML (pages, attributes, feed.xml): & < > " ' as entities. A URL's
// slashes stay as they are, so that base_url still finds them (links.h).
#pragma once

#include <string>
#include <string_view>

namespace pond::sitegen {

std::string Escape(std::string_view text);

}  // namespace pond::sitegen
