#include "sitegen/shortcodes.h"

#include <algorithm>

#include "base/error.h"

namespace pond::sitegen {

namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

enum class TagKind { kOpen, kSelfClosing, kClose };

struct Tag {
  TagKind kind = TagKind::kOpen;
  std::string name;  // underscored
  std::map<std::string, std::string> args;
  size_t end = 0;  // just past its `}}`
  std::optional<std::string> malformed;  // shaped like a shortcode, but its arguments are not
};

class Parser {
 public:
  Parser(std::string_view body, const std::string& page, int first_line,
         const std::set<std::string>& known)
      : body_(body), page_(page), first_line_(first_line), known_(known) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < body.size(); ++i)
      if (body[i] == '\n') line_starts_.push_back(i + 1);
  }

  std::vector<Segment> Parse() {
    std::vector<Segment> out;
    std::string literal;
    for (size_t i = 0; i < body_.size();) {
      if (body_.compare(i, 3, "\\{{") == 0) {
        literal += "{{";
        i += 3;
        continue;
      }
      std::optional<Tag> tag;
      if (body_.compare(i, 2, "{{") == 0) tag = ReadTag(i);
      if (!tag) {
        literal += body_[i++];
        continue;
      }
      if (tag->malformed) throw Error(*tag->malformed, Where(i));
      if (tag->kind == TagKind::kClose)
        throw Error("closing {{ /" + tag->name + " }} without its opening", Where(i));
      if (!known_.contains(tag->name)) throw Error("unknown shortcode '" + tag->name + "'", Where(i));
      if (!literal.empty()) out.push_back(Segment{std::move(literal), std::nullopt});
      literal.clear();
      Shortcode sc{tag->name, std::move(tag->args), std::nullopt, Line(i), Column(i)};
      size_t next = tag->end;
      if (tag->kind == TagKind::kOpen) {
        const auto [body_end, close_end] = FindClose(tag->name, tag->end);
        if (body_end == std::string_view::npos)
          throw Error("shortcode '" + tag->name + "' is never closed by {{ /" + tag->name + " }}",
                      Where(i));
        sc.body = std::string(body_.substr(tag->end, body_end - tag->end));
        next = close_end;
      }
      out.push_back(Segment{"", std::move(sc)});
      i = next;
    }
    if (!literal.empty()) out.push_back(Segment{std::move(literal), std::nullopt});
    return out;
  }

 private:
  // The tag at `at` (which starts with `{{`), or nullopt for brace text that is no tag.
  std::optional<Tag> ReadTag(size_t at) const {
    Tag tag;
    size_t i = at + 2;
    SkipSpace(i);
    if (i < body_.size() && body_[i] == '/') {
      tag.kind = TagKind::kClose;
      ++i;
    }
    const size_t name_start = i;
    if (i >= body_.size() || !IsNameStart(body_[i])) return std::nullopt;
    while (i < body_.size() && IsNameChar(body_[i])) ++i;
    if (i - name_start < 2) return std::nullopt;
    tag.name = std::string(body_.substr(name_start, i - name_start));
    std::replace(tag.name.begin(), tag.name.end(), '-', '_');
    if (i < body_.size() && !IsSpace(body_[i]) && body_[i] != '/' && body_[i] != '}')
      return std::nullopt;  // `{{ a.b }}`, `{{ a+b }}`: brace text
    if (tag.kind == TagKind::kClose) {
      SkipSpace(i);
      if (body_.compare(i, 2, "}}") != 0) return std::nullopt;
      tag.end = i + 2;
      return tag;
    }
    for (;;) {
      SkipSpace(i);
      if (body_.compare(i, 3, "/}}") == 0) {
        tag.kind = TagKind::kSelfClosing;
        tag.end = i + 3;
        return tag;
      }
      if (body_.compare(i, 2, "}}") == 0) {
        tag.end = i + 2;
        return tag;
      }
      // key="value"
      const size_t key_start = i;
      while (i < body_.size() && IsNameChar(body_[i])) ++i;
      const std::string key(body_.substr(key_start, i - key_start));
      if (key.empty() || !IsNameStart(key[0]) || i >= body_.size() || body_[i] != '=')
        return Malformed(tag, "argument of '" + tag.name + "' is not key=\"value\"");
      ++i;
      if (i >= body_.size() || (body_[i] != '"' && body_[i] != '\''))
        return Malformed(tag, "value of '" + key + "' in '" + tag.name + "' must be quoted");
      const char quote = body_[i++];
      std::string value;
      for (;; ++i) {
        if (i >= body_.size())
          return Malformed(tag, "value of '" + key + "' in '" + tag.name + "' is never closed");
        const char c = body_[i];
        if (c == quote) break;
        if (c == '\\' && i + 1 < body_.size()) {
          const char e = body_[++i];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e;  // \" \' \\ as themselves
          continue;
        }
        value += c;
      }
      ++i;
      if (tag.args.contains(key))
        return Malformed(tag, "argument '" + key + "' given twice in '" + tag.name + "'");
      tag.args[key] = std::move(value);
    }
  }

  // A shortcode's arguments that do not parse are an error only for a name that
  // exists; for another, the braces are text.
  std::optional<Tag> Malformed(Tag& tag, std::string what) const {
    if (!known_.contains(tag.name)) return std::nullopt;
    tag.malformed = std::move(what);
    return tag;
  }

  // The block of `name` opened before `from`: where its body ends and its closing tag
  // ends (blocks of the same name nest).
  std::pair<size_t, size_t> FindClose(const std::string& name, size_t from) const {
    int depth = 1;
    for (size_t i = from; (i = body_.find("{{", i)) != std::string_view::npos;) {
      if (i > 0 && body_[i - 1] == '\\') {
        i += 2;
        continue;
      }
      const std::optional<Tag> tag = ReadTag(i);
      if (!tag || tag->malformed || tag->name != name) {
        i += 2;
        continue;
      }
      if (tag->kind == TagKind::kOpen) ++depth;
      if (tag->kind == TagKind::kClose && --depth == 0) return {i, tag->end};
      i = tag->end;
    }
    return {std::string_view::npos, std::string_view::npos};
  }

  void SkipSpace(size_t& i) const {
    while (i < body_.size() && IsSpace(body_[i])) ++i;
  }
  int Index(size_t at) const {
    return static_cast<int>(std::upper_bound(line_starts_.begin(), line_starts_.end(), at) -
                            line_starts_.begin()) - 1;
  }
  int Line(size_t at) const { return first_line_ + Index(at); }
  int Column(size_t at) const { return static_cast<int>(at - line_starts_[Index(at)]) + 1; }
  std::string Where(size_t at) const {
    return page_ + ":" + std::to_string(Line(at)) + ":" + std::to_string(Column(at));
  }

  std::string_view body_;
  const std::string& page_;
  int first_line_;
  const std::set<std::string>& known_;
  std::vector<size_t> line_starts_;
};

}  // namespace

std::vector<Segment> ParseShortcodes(std::string_view body, const std::string& page,
                                     int first_line, const std::set<std::string>& known) {
  return Parser(body, page, first_line, known).Parse();
}

}  // namespace pond::sitegen
