#include "tmpl/lexer.h"

#include <algorithm>

#include "base/error.h"
#include "tmpl/unicode.h"

namespace pond::tmpl {

namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAllChar(char c) { return IsAlpha(c) || IsDigit(c); }

}  // namespace

std::string Where(const Pos& pos) {
  return (pos.file ? *pos.file : std::string("?")) + ":" + std::to_string(pos.line) + ":" +
         std::to_string(pos.col);
}

Scanner::Scanner(std::string_view src, const std::string* file) : src_(src), file_(file) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < src.size(); ++i) {
    if (src[i] == '\n') line_starts_.push_back(i + 1);
  }
  constexpr size_t kCharMarkBytes = 256;
  size_t chars = 0;
  for (size_t i = 0, next_mark = 0; i < src.size(); ++chars) {
    if (i >= next_mark) {
      char_marks_.emplace_back(i, chars);
      next_mark = i - i % kCharMarkBytes + kCharMarkBytes;
    }
    unicode::Next(src, i);
  }
  if (char_marks_.empty()) char_marks_.emplace_back(0, 0);
}

size_t Scanner::CharsBefore(size_t offset) const {
  auto it =
      std::upper_bound(char_marks_.begin(), char_marks_.end(), offset,
                       [](size_t o, const std::pair<size_t, size_t>& m) { return o < m.first; }) -
      1;
  auto [i, chars] = *it;
  std::string_view upto = src_.substr(0, offset);
  for (; i < offset; ++chars) unicode::Next(upto, i);
  return chars;
}

Pos Scanner::PosAt(size_t offset) const {
  offset = std::min(offset, src_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
  Pos p;
  p.file = file_;
  p.line = static_cast<uint32_t>(it - line_starts_.begin() + 1);
  p.col = static_cast<uint32_t>(CharsBefore(offset) - CharsBefore(*it) + 1);
  return p;
}

void Scanner::Expect(size_t offset, std::string_view what) {
  if (offset < furthest_) return;
  if (offset > furthest_) {
    furthest_ = offset;
    expected_.clear();
  }
  if (std::find(expected_.begin(), expected_.end(), what) == expected_.end()) {
    expected_.emplace_back(what);
  }
}

void Scanner::Fail() const {
  std::string msg = "expected ";
  size_t n = std::min<size_t>(expected_.size(), 8);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) msg += i + 1 == n ? " or " : ", ";
    msg += expected_[i];
  }
  if (n == 0) msg += "more input";
  std::string_view rest = src_.substr(std::min(furthest_, src_.size()));
  if (rest.empty()) {
    msg += " but found the end of the template";
  } else {
    size_t len = 0;
    while (len < rest.size() && len < 20 && !IsWs(rest[len])) ++len;
    if (len == 0) len = 1;
    msg += " but found '" + std::string(rest.substr(0, len)) + "'";
  }
  throw Error(msg, Where(PosAt(furthest_)));
}

void Scanner::FailAt(size_t offset, const std::string& message) const {
  throw Error(message, Where(PosAt(offset)));
}

bool Scanner::Lit(std::string_view s) {
  if (!LooksAt(s)) return false;
  pos_ += s.size();
  return true;
}

bool Scanner::Tok(std::string_view s, std::string_view what) {
  if (Lit(s)) return true;
  Expect(pos_, what);
  return false;
}

void Scanner::SkipWs() {
  while (pos_ < src_.size() && IsWs(src_[pos_])) ++pos_;
}

bool Scanner::Ws1() {
  if (pos_ >= src_.size() || !IsWs(src_[pos_])) return false;
  SkipWs();
  return true;
}

bool Scanner::WsChar() {
  if (pos_ >= src_.size() || !IsWs(src_[pos_])) return false;
  ++pos_;
  return true;
}

bool Scanner::Ident(std::string* out) {
  size_t start = pos_;
  if (pos_ >= src_.size() || !IsAlpha(src_[pos_])) {
    Expect(pos_, "an identifier");
    return false;
  }
  ++pos_;
  while (pos_ < src_.size() && IsAllChar(src_[pos_])) ++pos_;
  if (out) *out = std::string(src_.substr(start, pos_ - start));
  return true;
}

bool Scanner::DottedIdent(std::string* out) {
  size_t start = pos_;
  if (!Ident(nullptr)) return false;
  while (pos_ + 1 < src_.size() && src_[pos_] == '.' && IsAllChar(src_[pos_ + 1])) {
    pos_ += 2;
    while (pos_ < src_.size() && IsAllChar(src_[pos_])) ++pos_;
  }
  if (out) *out = std::string(src_.substr(start, pos_ - start));
  return true;
}

bool Scanner::SquareBrackets() {
  size_t start = pos_;
  if (!Lit("[")) return false;  // a suffix: its absence is no error
  if (!IntText(nullptr) && !StringLit(nullptr) && !DottedSquareBracketIdent(nullptr)) {
    pos_ = start;
    return false;
  }
  if (!Lit("]")) {
    pos_ = start;
    return false;
  }
  return true;
}

bool Scanner::DottedSquareBracketIdent(std::string* out) {
  size_t start = pos_;
  if (!DottedIdent(nullptr)) return false;
  for (;;) {
    if (pos_ + 1 < src_.size() && src_[pos_] == '.' && IsAllChar(src_[pos_ + 1])) {
      pos_ += 2;
      while (pos_ < src_.size() && IsAllChar(src_[pos_])) ++pos_;
    } else if (!SquareBrackets()) {
      break;
    }
  }
  if (out) *out = std::string(src_.substr(start, pos_ - start));
  return true;
}

bool Scanner::IntText(std::string* out) {
  size_t p = pos_;
  if (p < src_.size() && src_[p] == '-') ++p;
  if (p < src_.size() && src_[p] == '0') {
    ++p;
  } else if (p < src_.size() && src_[p] >= '1' && src_[p] <= '9') {
    while (p < src_.size() && IsDigit(src_[p])) ++p;
  } else {
    Expect(pos_, "an integer");
    return false;
  }
  if (out) *out = std::string(src_.substr(pos_, p - pos_));
  pos_ = p;
  return true;
}

bool Scanner::FloatText(std::string* out) {
  size_t p = pos_;
  if (p < src_.size() && src_[p] == '-') ++p;
  if (p < src_.size() && src_[p] == '0') {
    ++p;
  } else if (p < src_.size() && src_[p] >= '1' && src_[p] <= '9') {
    while (p < src_.size() && IsDigit(src_[p])) ++p;
  } else {
    Expect(pos_, "a float");
    return false;
  }
  if (p + 1 >= src_.size() || src_[p] != '.' || !IsDigit(src_[p + 1])) {
    Expect(pos_, "a float");
    return false;
  }
  p += 2;
  while (p < src_.size() && IsDigit(src_[p])) ++p;
  if (out) *out = std::string(src_.substr(pos_, p - pos_));
  pos_ = p;
  return true;
}

bool Scanner::StringLit(std::string* out) {
  if (pos_ < src_.size()) {
    char q = src_[pos_];
    if (q == '"' || q == '\'' || q == '`') {
      size_t end = src_.find(q, pos_ + 1);
      if (end != std::string_view::npos) {
        if (out) *out = std::string(src_.substr(pos_ + 1, end - pos_ - 1));
        pos_ = end + 1;
        return true;
      }
    }
  }
  Expect(pos_, "a string");
  return false;
}

bool Scanner::Boolean(bool* out) {
  for (auto [text, value] : {std::pair{"true", true}, std::pair{"false", false},
                             std::pair{"True", true}, std::pair{"False", false}}) {
    std::string_view t(text);
    if (LooksAt(t)) {
      pos_ += t.size();
      if (out) *out = value;
      return true;
    }
  }
  Expect(pos_, "`true` or `false`");
  return false;
}

}  // namespace pond::tmpl
