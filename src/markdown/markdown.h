// Markdown pages to HTML (docs/sitegen.md, "Markdown"): CommonMark with GitHub's
// tables, strikethrough, task lists and autolinks, by cmark-gfm. Raw HTML passes
// through as written (a page's Leaflet map, its <script type="module">), so pages
// are trusted input, as the site's own content is. A <script>…</script> passes whole
// even where CommonMark would end its HTML block (a blank line after a <div>).
//
// Promises:
// - the HTML is cmark-gfm's for the same text and extensions, except headings and
//   scripts;
// - every heading gets an `id`, its text slugged by `slug` ("Well depth" → "well-depth"),
//   a repeated one suffixed -1, -2… in page order; h2 and deeper also end with an
//   anchor link to themselves: <h2 id="x">Title <a class="anchor" href="#x">#</a></h2>.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace pond::markdown {

using Slugger = std::function<std::string(std::string_view text)>;

std::string ToHtml(std::string_view text, const Slugger& slug);

}  // namespace pond::markdown
