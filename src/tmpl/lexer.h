// Character-level scanning for the template parser. Tera's grammar (tera.pest) is a
// PEG without a separate token stream, so the "lexer" is a cursor with the grammar's
// atomic rules (identifiers, numbers, strings) and pest-style error reporting: the
// furthest position any rule failed at, and what was expected there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tmpl/ast.h"

namespace pond::tmpl {

class Scanner {
 public:
  Scanner(std::string_view src, const std::string* file);

  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  bool AtEnd() const { return pos_ >= src_.size(); }
  std::string_view rest() const { return src_.substr(pos_); }
  bool LooksAt(std::string_view s) const { return src_.substr(pos_).starts_with(s); }

  // Consumes `s` if it is next. Like pest, a bare literal that does not match is not
  // reported; Tok is for the grammar's rules that are literals (operators, tag ends).
  bool Lit(std::string_view s);
  bool Tok(std::string_view s, std::string_view what);
  void SkipWs();  // WHITESPACE*
  bool Ws1();     // WHITESPACE+
  bool WsChar();  // exactly one WHITESPACE (the end of `or`, `and`, `not`)

  // Atomic rules of the grammar; each consumes nothing when it fails.
  bool Ident(std::string* out);
  bool DottedIdent(std::string* out);
  bool DottedSquareBracketIdent(std::string* out);
  bool IntText(std::string* out);
  bool FloatText(std::string* out);
  bool StringLit(std::string* out);  // the text between the quotes
  bool Boolean(bool* out);

  Pos PosAt(size_t offset) const;
  Pos Here() const { return PosAt(pos_); }
  // Records that `what` was expected at `offset` (kept only for the furthest offset).
  void Expect(size_t offset, std::string_view what);
  // Throws the syntax error for the furthest failure.
  [[noreturn]] void Fail() const;
  [[noreturn]] void FailAt(size_t offset, const std::string& message) const;

 private:
  bool SquareBrackets();
  static bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

  std::string_view src_;
  const std::string* file_;
  size_t pos_ = 0;
  size_t furthest_ = 0;
  std::vector<std::string> expected_;
  std::vector<size_t> line_starts_;
  // (byte offset, characters before it) every kCharMarkBytes or so, so that a column
  // costs O(kCharMarkBytes) and not the whole line: a 50,000-filter chain on one line
  // asks for a column per filter.
  std::vector<std::pair<size_t, size_t>> char_marks_;
  size_t CharsBefore(size_t offset) const;
};

}  // namespace pond::tmpl
