#include "sitegen/links.h"

#include <cctype>

namespace pond::sitegen {

namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool StartsWithNoCase(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (Lower(s[at + i]) != word[i]) return false;
  return true;
}

}  // namespace

std::string WithBaseUrl(std::string_view html, std::string_view base_url) {
  std::string base(base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) return std::string(html);
  std::string out;
  out.reserve(html.size() + html.size() / 16);
  size_t i = 0;
  while (i < html.size()) {
    const size_t lt = html.find('<', i);
    if (lt == std::string_view::npos || lt + 1 >= html.size()) break;
    out.append(html.substr(i, lt - i));
    i = lt;
    if (!std::isalpha(static_cast<unsigned char>(html[lt + 1]))) {  // </x>, <!-- -->, text
      if (html.compare(lt, 4, "<!--") == 0) {
        const size_t end = html.find("-->", lt + 4);
        const size_t stop = end == std::string_view::npos ? html.size() : end + 3;
        out.append(html.substr(lt, stop - lt));
        i = stop;
      } else {
        out += '<';
        ++i;
      }
      continue;
    }
    // An opening tag: its name, then attributes up to the `>` outside quotes.
    size_t j = lt + 1;
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '-')) ++j;
    std::string name;
    for (size_t k = lt + 1; k < j; ++k) name += Lower(html[k]);
    out.append(html.substr(lt, j - lt));
    while (j < html.size() && html[j] != '>') {
      if (!IsSpace(html[j])) {
        out += html[j++];
        continue;
      }
      out += html[j++];
      size_t k = j;
      while (k < html.size() && !IsSpace(html[k]) && html[k] != '=' && html[k] != '>') ++k;
      std::string attr;
      for (size_t a = j; a < k; ++a) attr += Lower(html[a]);
      const bool link = attr == "href" || attr == "src" || attr == "action";
      out.append(html.substr(j, k - j));
      j = k;
      while (j < html.size() && IsSpace(html[j])) out += html[j++];
      if (j >= html.size() || html[j] != '=') continue;
      out += html[j++];
      while (j < html.size() && IsSpace(html[j])) out += html[j++];
      const char quote = j < html.size() && (html[j] == '"' || html[j] == '\'') ? html[j] : '\0';
      if (quote) out += html[j++];
      if (link && j < html.size() && html[j] == '/' &&
          (j + 1 >= html.size() || html[j + 1] != '/'))
        out += base;
      // The value itself, as written.
      while (j < html.size() && (quote ? html[j] != quote : !IsSpace(html[j]) && html[j] != '>'))
        out += html[j++];
      if (quote && j < html.size()) out += html[j++];
    }
    if (j < html.size()) out += html[j++];  // '>'
    i = j;
    if (name == "script" || name == "style") {  // its text, untouched, to its closing tag
      size_t end = i;
      for (; end < html.size(); ++end)
        if (html[end] == '<' && html.compare(end, 2, "</") == 0 &&
            StartsWithNoCase(html, end + 2, name))
          break;
      out.append(html.substr(i, end - i));
      i = end;
    }
  }
  out.append(html.substr(std::min(i, html.size())));
  return out;
}

}  // namespace pond::sitegen
