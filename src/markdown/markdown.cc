#include "markdown/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "base/error.h"
#include "base/strings.h"

namespace pond::markdown {

namespace {

constexpr int kOptions = CMARK_OPT_UNSAFE;  // raw HTML as written (the page is trusted)

// cmark-gfm's strings are freed by its allocator.
std::string Take(char* text) {
  std::string out = text ? text : "";
  cmark_get_default_mem_allocator()->free(text);
  return out;
}

// The text a heading shows: its text and code spans, without markup.
std::string PlainText(cmark_node* node) {
  std::string out;
  cmark_iter* it = cmark_iter_new(node);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(it);
    const cmark_node_type type = cmark_node_get_type(n);
    if (ev == CMARK_EVENT_ENTER && (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE))
      out += cmark_node_get_literal(n);
  }
  cmark_iter_free(it);
  return out;
}

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

// Each <script…>…</script> of `text`, replaced by a comment that CommonMark passes as
// it is; Restore puts them back.
struct Scripts {
  std::string text;
  std::vector<std::string> scripts;

  static std::string Marker(size_t i) { return "<!--pond-script-" + std::to_string(i) + "-->"; }

  explicit Scripts(std::string_view in) {
    const std::string lower = AsciiLower(std::string(in));
    size_t from = 0;
    for (size_t at; (at = lower.find("<script", from)) != std::string::npos;) {
      const char next = at + 7 < lower.size() ? lower[at + 7] : '\0';
      const size_t end = lower.find("</script>", at);
      if ((next != '>' && next != ' ' && next != '\t' && next != '\n') || end == std::string::npos) {
        text.append(in.substr(from, at + 7 - from));
        from = at + 7;
        continue;
      }
      text.append(in.substr(from, at - from));
      text += Marker(scripts.size());
      scripts.emplace_back(in.substr(at, end + 9 - at));
      from = end + 9;
    }
    text.append(in.substr(from));
  }

  std::string Restore(std::string html) const {
    for (size_t i = 0; i < scripts.size(); ++i)
      if (const size_t at = html.find(Marker(i)); at != std::string::npos)
        html.replace(at, Marker(i).size(), scripts[i]);
    return html;
  }
};

}  // namespace

std::string ToHtml(std::string_view text, const Slugger& slug) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(kOptions));
  for (const char* name : {"table", "strikethrough", "tasklist", "autolink"}) {
    cmark_syntax_extension* ext = cmark_find_syntax_extension(name);
    if (!ext || !cmark_parser_attach_syntax_extension(parser.get(), ext))
      throw Error("cmark-gfm has no extension '" + std::string(name) + "'", "markdown");
  }
  const Scripts protected_text(text);
  cmark_parser_feed(parser.get(), protected_text.text.data(), protected_text.text.size());
  std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));
  cmark_llist* extensions = cmark_parser_get_syntax_extensions(parser.get());

  // Each heading becomes the HTML cmark-gfm renders for it, with its id (and anchor).
  std::vector<cmark_node*> headings;
  cmark_iter* it = cmark_iter_new(doc.get());
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_HEADING)
      headings.push_back(n);
  }
  cmark_iter_free(it);
  std::map<std::string, int> seen;
  for (cmark_node* h : headings) {
    std::string id = slug(PlainText(h));
    if (id.empty()) id = "section";
    if (const int n = seen[id]++; n > 0) id += "-" + std::to_string(n);
    const int level = cmark_node_get_heading_level(h);
    std::string html = Take(cmark_render_html(h, kOptions, extensions));
    const std::string open = "<h" + std::to_string(level) + ">";
    const std::string close = "</h" + std::to_string(level) + ">";
    if (html.rfind(open, 0) != 0) continue;  // not cmark's usual shape: left as it is
    html.replace(0, open.size(), "<h" + std::to_string(level) + " id=\"" + id + "\">");
    if (level >= 2)
      if (const size_t end = html.rfind(close); end != std::string::npos)
        html.insert(end, " <a class=\"anchor\" href=\"#" + id + "\">#</a>");
    cmark_node* block = cmark_node_new(CMARK_NODE_HTML_BLOCK);
    cmark_node_set_literal(block, html.c_str());
    cmark_node_replace(h, block);
    cmark_node_free(h);
  }
  return protected_text.Restore(Take(cmark_render_html(doc.get(), kOptions, extensions)));
}

}  // namespace pond::markdown
