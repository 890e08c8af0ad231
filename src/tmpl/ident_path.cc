// How Tera turns a variable path into a lookup key (renderer/processor.rs
// evaluate_sub_variables, renderer/square_brackets.rs, context.rs get_json_pointer).
#include <string_view>

#include "tmpl/ast.h"
#include "tmpl/ident_path.h"

namespace pond::tmpl {

namespace {

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  for (size_t at; (at = s.find(from, start)) != std::string::npos; start = at + from.size()) {
    out.append(s, start, at - start);
    out += to;
  }
  out.append(s, start, std::string::npos);
  s = std::move(out);
}

bool IsUsize(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return s.size() < 20 || s <= "18446744073709551615";
}

// pull_out_square_bracket: the bracketed parts that are neither strings nor numbers.
std::vector<std::string> PullOutSquareBracket(std::string_view s) {
  std::vector<std::string> results;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i++] != '[' || i >= s.size()) continue;
    char c = s[i++];
    if (c == '"' || c == '\'') continue;
    std::string inside(1, c);
    int count = 1;
    while (i < s.size()) {
      char d = s[i++];
      if (d == ']') --count;
      if (d == '[') ++count;
      if (count == 0) {
        if (!IsUsize(inside)) results.push_back(inside);
        break;
      }
      inside += d;
    }
  }
  return results;
}

}  // namespace

std::string RewriteBrackets(std::string key) {
  ReplaceAll(key, "/", "~1");
  ReplaceAll(key, "['", ".\"");
  ReplaceAll(key, "[\"", ".\"");
  ReplaceAll(key, "[", ".");
  ReplaceAll(key, "']", "\"");
  ReplaceAll(key, "\"]", "\"");
  ReplaceAll(key, "]", "");
  return key;
}

std::string GetJsonPointer(std::string_view key) {
  std::string pointer;
  if (key.find('"') == std::string_view::npos) {
    pointer = "/";
    for (char c : key) pointer += c == '.' ? '/' : c;
    return pointer;
  }
  // Segments are "quoted strings" (quotes trimmed) or runs without dots.
  size_t i = 0;
  while (i < key.size()) {
    std::string_view seg;
    if (key[i] == '"' && key.find('"', i + 1) != std::string_view::npos) {
      size_t end = key.find('"', i + 1);
      seg = key.substr(i, end - i + 1);
      i = end + 1;
    } else if (key[i] == '.') {
      ++i;
      continue;
    } else {
      size_t end = key.find('.', i);
      if (end == std::string_view::npos) end = key.size();
      seg = key.substr(i, end - i);
      i = end;
    }
    while (!seg.empty() && seg.front() == '"') seg.remove_prefix(1);
    while (!seg.empty() && seg.back() == '"') seg.remove_suffix(1);
    pointer += '/';
    pointer += seg;
  }
  return pointer;
}

std::vector<std::string> PointerTokens(const std::string& key) {
  std::string pointer = GetJsonPointer(key);
  std::vector<std::string> tokens;
  size_t start = 1;
  for (;;) {
    size_t end = pointer.find('/', start);
    std::string token = pointer.substr(start, end == std::string::npos ? end : end - start);
    ReplaceAll(token, "~1", "/");
    ReplaceAll(token, "~0", "~");
    tokens.push_back(std::move(token));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return tokens;
}

std::shared_ptr<IdentPath> MakeIdentPath(const std::string& raw) {
  auto p = std::make_shared<IdentPath>();
  p->raw = raw;
  p->has_bracket = raw.find('[') != std::string::npos;
  p->sub_vars = PullOutSquareBracket(raw);
  for (const auto& sub : p->sub_vars) p->sub_paths.push_back(MakeIdentPath(sub));
  if (p->sub_vars.empty()) {
    p->key = p->has_bracket ? RewriteBrackets(raw) : raw;
    p->tokens = PointerTokens(p->key);
    p->dot = p->key.find('.');
  }
  p->dump = raw == "__tera_context";
  return p;
}

}  // namespace pond::tmpl
