// Reading sitegen's pages in tests (docs/web.md, "The HTML contract").
#pragma once

#include <string>

namespace pond::testing {

// The text inside the first `<div class="KIND">`'s `<script>` in `html` (KIND
// "pond-viz" or "pond-explore"): the JSON chart.js or explore.js parses; "" when the
// page has no such container.
inline std::string ContainerText(const std::string& html, const std::string& kind) {
  const size_t at = html.find("<div class=\"" + kind + "\"");
  if (at == std::string::npos) return "";
  const size_t script = html.find("<script", at);
  if (script == std::string::npos) return "";
  const size_t begin = html.find('>', script) + 1;
  return html.substr(begin, html.find("</script>", begin) - begin);
}

}  // namespace pond::testing
