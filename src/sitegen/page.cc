#include "sitegen/page.h"

#include <yaml-cpp/yaml.h>

#include <regex>

#include "base/error.h"

namespace pond::sitegen {

namespace {

std::string Where(const std::string& name, int line) { return name + ":" + std::to_string(line); }

// The next line of `text` from `at` (without its newline), and where the one after starts.
std::string_view LineAt(std::string_view text, size_t at, size_t* next) {
  const size_t end = text.find('\n', at);
  *next = end == std::string_view::npos ? text.size() : end + 1;
  std::string_view line = text.substr(at, (end == std::string_view::npos ? text.size() : end) - at);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

Layout LayoutNamed(std::string_view name) {
  if (name == "data") return Layout::kData;
  if (name == "page") return Layout::kPage;
  if (name == "blog") return Layout::kBlog;
  if (name == "explore") return Layout::kExplore;
  if (name == "logs") return Layout::kLogs;
  return Layout::kDefault;
}

Page ParsePage(std::string_view text, const std::string& name) {
  Page page;
  size_t next = 0;
  if (LineAt(text, 0, &next) != "---") {
    page.body = std::string(text);
    return page;
  }
  // The frontmatter runs to the next line that is exactly `---`.
  int line = 2;
  size_t at = next, close = std::string_view::npos;
  for (; at < text.size(); at = next, ++line) {
    if (LineAt(text, at, &next) == "---") {
      close = at;
      break;
    }
  }
  if (close == std::string_view::npos) throw Error("frontmatter has no closing '---'", Where(name, 1));
  const std::string yaml(text.substr(text.find('\n') + 1, close - text.find('\n') - 1));
  page.body = std::string(text.substr(next));
  page.body_line = line + 1;

  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw Error("frontmatter: " + e.msg, Where(name, 2 + e.mark.line));
  }
  if (!root || root.IsNull()) return page;
  if (!root.IsMap()) throw Error("frontmatter must be a map of key: value", Where(name, 2));
  Frontmatter& f = page.front;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>("");
    const YAML::Node& v = kv.second;
    const std::string where = Where(name, 2 + v.Mark().line);
    if (!v.IsScalar() && !v.IsNull())
      throw Error("frontmatter '" + key + "' must be a single value", where);
    const std::string s = v.IsNull() ? "" : v.Scalar();
    try {
      if (key == "title") f.title = s;
      else if (key == "layout") f.layout = LayoutNamed(s);
      else if (key == "weight") f.weight = v.as<int64_t>();
      else if (key == "hidden") f.hidden = v.as<bool>();
      else if (key == "slug") f.slug = s;
      else if (key == "section") f.section = s;
      else if (key == "summary") f.summary = s;
      else if (key == "image") f.image = s;
      else if (key == "date") {
        static const std::regex kDate("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
        if (!std::regex_match(s, kDate))
          throw Error("frontmatter 'date' must be YYYY-MM-DD, not '" + s + "'", where);
        f.date = s;
      }
    } catch (const YAML::Exception&) {
      throw Error("frontmatter '" + key + "' must be " +
                      (key == "weight" ? "an integer" : "true or false") + ", not '" + s + "'",
                  where);
    }
  }
  return page;
}

std::string SubstituteCaptures(std::string_view text, const std::vector<std::string>& captures) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    // Exactly `{{ $N }}`; `\{{ $N }}` stays for the shortcodes, which make it literal.
    if ((i == 0 || text[i - 1] != '\\') && text.compare(i, 4, "{{ $") == 0 &&
        i + 8 <= text.size() && text[i + 4] >= '0' &&
        text[i + 4] <= '9' && text.compare(i + 5, 3, " }}") == 0) {
      const size_t n = static_cast<size_t>(text[i + 4] - '0');
      if (n < captures.size()) {
        out += captures[n];
        i += 8;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace pond::sitegen
