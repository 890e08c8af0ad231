// `base_url` on a built page's absolute links (docs/sitegen.md, "Links"): a site
// served below a path (a subsite at /noyo/, a GitHub Pages project) keeps its pages'
// links written from the site's root.
#pragma once

#include <string>
#include <string_view>

namespace pond::sitegen {

// `html` with every href, src and action attribute whose value starts with one `/`
// prefixed by `base_url` ("/noyo/": "/data/a.html" → "/noyo/data/a.html"). Values
// starting with `//`, a scheme or `#`, text outside tags, and the insides of <script>
// and <style> are left as they are. A `base_url` of "/" changes nothing.
std::string WithBaseUrl(std::string_view html, std::string_view base_url);

}  // namespace pond::sitegen
