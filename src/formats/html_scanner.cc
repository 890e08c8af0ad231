// ReadHtmlFile (html_scanner.h): one pass over a buffer of the file. Bytes are checked
// as UTF-8 when read; the scan goes no further than the checked bytes, so a bad byte
// past what the handler needed (after its Stop) is never reported. A token cut by the
// block's end is scanned again once the next block is read behind it.
#include "formats/html_scanner.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "base/error.h"
#include "formats/html_text.h"

namespace pond::formats {

namespace {

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
// Where a tag's name ends.
bool IsNameEnd(char c) { return IsHtmlSpace(c) || c == '/' || c == '>'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLower(a[i]) != lower[i]) return false;
  return true;
}

// The bytes of the UTF-8 sequence at `p` (before `end`): its length when valid and
// complete, 0 when it is not UTF-8, -1 when it is cut short by `end` so far valid.
int Utf8SequenceAt(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  int length;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;   // no overlong forms
    if (c == 0xED) high = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  for (int i = 1; i < length; ++i) {
    if (p + i == end) return -1;
    const unsigned char lo = i == 1 ? low : 0x80, hi = i == 1 ? high : 0xBF;
    if (p[i] < lo || p[i] > hi) return 0;
  }
  return length;
}

// How many newlines [begin, end) holds.
int CountLines(const char* begin, const char* end) {
  int n = 0;
  while (begin < end &&
         (begin = static_cast<const char*>(std::memchr(begin, '\n', end - begin))) != nullptr) {
    ++n;
    ++begin;
  }
  return n;
}

}  // namespace

std::optional<std::string_view> HtmlAttributes::Find(std::string_view name) const {
  for (const Attribute& a : list_) {
    if (!EqualsIgnoreCase(a.name, name)) continue;
    if (!NeedsDecoding(a.value)) return a.value;
    decoded_.clear();
    AppendDecoded(a.value, decoded_);
    return std::string_view(decoded_);
  }
  return std::nullopt;
}

class HtmlScanner {
 public:
  HtmlScanner(const std::string& path, const std::string& name, HtmlHandler& handler,
              size_t block_bytes)
      : name_(name),
        path_(path),
        handler_(handler),
        block_bytes_(std::max<size_t>(block_bytes, 1)),
        file_(std::fopen(path.c_str(), "rb"), &std::fclose),
        buf_(block_bytes_) {
    if (!file_) throw Error(std::string("cannot read: ") + std::strerror(errno), path);
  }

  void Run() {
    handler_.scanner_ = this;
    struct Detach {
      HtmlHandler& h;
      ~Detach() { h.scanner_ = nullptr; }
    } detach{handler_};
    SkipByteOrderMark();
    while (!handler_.stopped_) {
      if (Step() == kDone) continue;
      if (!More()) return AtEnd();
    }
  }

  // The line of the token being reported.
  int TokenLine() const { return LineAt(token_); }

 private:
  enum class State { kText, kComment, kCdata, kDeclaration, kRawText };
  enum Progress { kDone, kNeedMore };

  const char* data() const { return buf_.data(); }

  // One token from pos_ (reported, or skipped), or kNeedMore when the checked bytes
  // end inside it: pos_ is then where it begins (or how far a skip got).
  Progress Step() {
    switch (state_) {
      case State::kText:
        return ScanText();
      case State::kComment:
        return SkipPast("-->");
      case State::kCdata:
        return SkipPast("]]>");
      case State::kDeclaration:
        return SkipPast(">");
      case State::kRawText:
        return SkipRawText();
    }
    return kNeedMore;
  }

  Progress ScanText() {
    const char* p = data() + pos_;
    const char* limit = data() + valid_;
    if (p == limit) return kNeedMore;
    if (*p == '<') return ScanMarkup();
    const char* lt = static_cast<const char*>(std::memchr(p, '<', limit - p));
    std::string_view text(p, (lt != nullptr ? lt : limit) - p);
    if (lt == nullptr) text.remove_suffix(MayContinueAfter(text));
    if (text.empty()) return kNeedMore;
    token_ = pos_;
    pos_ += text.size();
    EmitText(text);
    return kDone;
  }

  void EmitText(std::string_view text) {
    if (!NeedsDecoding(text)) return handler_.Text(text);
    decoded_.clear();
    AppendDecoded(text, decoded_);
    handler_.Text(decoded_);
  }

  // At a '<': a tag, a comment or declaration, or a '<' that is text.
  Progress ScanMarkup() {
    const char* p = data() + pos_;
    const size_t available = valid_ - pos_;
    if (available < 2) return kNeedMore;
    if (IsAsciiAlpha(p[1])) return ScanTag(false);
    if (p[1] == '/') {
      if (available < 3) return kNeedMore;
      if (IsAsciiAlpha(p[2])) return ScanTag(true);
      if (p[2] == '>') {  // `</>`: nothing
        pos_ += 3;
        return kDone;
      }
      return Enter(State::kDeclaration, 2);  // `</ x>`: a bogus comment, as browsers read it
    }
    if (p[1] == '!') {
      for (auto [opening, state] : {std::pair{std::string_view("<!--"), State::kComment},
                                    std::pair{std::string_view("<![CDATA["), State::kCdata}}) {
        const size_t n = std::min(available, opening.size());
        if (std::string_view(p, n) != opening.substr(0, n)) continue;
        if (n < opening.size()) return kNeedMore;
        return Enter(state, opening.size());
      }
      return Enter(State::kDeclaration, 2);
    }
    if (p[1] == '?') return Enter(State::kDeclaration, 2);
    token_ = pos_;
    pos_ += 1;
    handler_.Text("<");
    return kDone;
  }

  // Starts skipping what follows the `skip` bytes of its opening at pos_.
  Progress Enter(State state, size_t skip) {
    open_line_ = LineAt(pos_);
    state_ = state;
    pos_ += skip;
    return kDone;
  }

  // A start tag (`<td class=x>`) or an end tag (`</td>`) at pos_, whole in the
  // checked bytes; its attributes are read the way browsers read them.
  Progress ScanTag(bool end_tag) {
    const char* p = data() + pos_ + (end_tag ? 2 : 1);
    const char* const limit = data() + valid_;
    const char* const name = p;
    while (p < limit && !IsNameEnd(*p)) ++p;
    if (p == limit) return kNeedMore;
    element_.assign(name, p);
    for (char& c : element_) c = AsciiLower(c);
    attributes_.list_.clear();
    bool self_closing = false;
    for (;;) {
      bool slash = false;  // `/>` ends an element at once
      for (; p < limit && (IsHtmlSpace(*p) || *p == '/'); ++p) slash = *p == '/';
      if (p == limit) return kNeedMore;
      if (*p == '>') {
        self_closing = slash;
        ++p;
        break;
      }
      const char* const attribute = p++;  // a first '=' is part of the name
      while (p < limit && !IsNameEnd(*p) && *p != '=') ++p;
      const std::string_view attribute_name(attribute, p - attribute);
      while (p < limit && IsHtmlSpace(*p)) ++p;
      if (p == limit) return kNeedMore;
      std::string_view value;
      if (*p == '=') {
        ++p;
        while (p < limit && IsHtmlSpace(*p)) ++p;
        if (p == limit) return kNeedMore;
        if (*p == '"' || *p == '\'') {
          const char* close = static_cast<const char*>(std::memchr(p + 1, *p, limit - p - 1));
          if (close == nullptr) return kNeedMore;
          value = std::string_view(p + 1, close - p - 1);
          p = close + 1;
        } else {
          const char* const unquoted = p;
          while (p < limit && !IsHtmlSpace(*p) && *p != '>') ++p;
          if (p == limit) return kNeedMore;
          value = std::string_view(unquoted, p - unquoted);
        }
      }
      attributes_.list_.push_back({attribute_name, value});
    }
    token_ = pos_;
    pos_ = p - data();
    if (end_tag) {
      handler_.End(element_);
      return kDone;
    }
    handler_.Start(element_, attributes_);
    if (self_closing) {
      if (!handler_.stopped_) handler_.End(element_);
    } else if (element_ == "script" || element_ == "style") {
      open_line_ = LineAt(token_);
      raw_element_ = element_;
      state_ = State::kRawText;
    }
    return kDone;
  }

  // Skips to the end of `closing`, unseen bytes being part of what is skipped.
  Progress SkipPast(std::string_view closing) {
    const std::string_view rest(data() + pos_, valid_ - pos_);
    const size_t at = rest.find(closing);
    if (at == std::string_view::npos) {
      // Keep what could be the start of `closing`.
      pos_ += rest.size() - std::min(rest.size(), closing.size() - 1);
      return kNeedMore;
    }
    pos_ += at + closing.size();
    state_ = State::kText;
    return kDone;
  }

  // Skips a <script> or <style> body up to its end tag, which is then read as a tag.
  Progress SkipRawText() {
    const char* const limit = data() + valid_;
    for (;;) {
      const char* p = data() + pos_;
      const char* lt = static_cast<const char*>(std::memchr(p, '<', limit - p));
      if (lt == nullptr) {
        pos_ = valid_;
        return kNeedMore;
      }
      pos_ = lt - data();
      const size_t n = raw_element_.size();
      if (static_cast<size_t>(limit - lt) < n + 3) return kNeedMore;
      if (lt[1] == '/' && EqualsIgnoreCase({lt + 2, n}, raw_element_) && IsNameEnd(lt[2 + n])) {
        state_ = State::kText;
        return kDone;
      }
      ++pos_;
    }
  }

  // The end of the file, the handler not having stopped.
  void AtEnd() {
    switch (state_) {
      case State::kText:
        if (pos_ == valid_) return;
        if (data()[pos_] == '<') throw Refusal("the file ends inside a tag", LineAt(pos_));
        token_ = pos_;
        EmitText({data() + pos_, valid_ - pos_});  // held back for a reference or a CR
        return;
      case State::kComment:
        throw Refusal("the file ends inside a comment", open_line_);
      case State::kCdata:
        throw Refusal("the file ends inside a CDATA section", open_line_);
      case State::kDeclaration:
        throw Refusal("the file ends inside a tag", open_line_);
      case State::kRawText:
        throw Refusal("the file ends inside <" + raw_element_ + ">", open_line_);
    }
  }

  // U+FEFF, one UTF-8 sequence: whole in the checked bytes once the first is.
  void SkipByteOrderMark() {
    if (valid_ == pos_ && !More()) return;
    if (std::string_view(data() + pos_, valid_ - pos_).starts_with("\xEF\xBB\xBF")) pos_ += 3;
  }

  // Drops the bytes before pos_ and reads until more checked bytes follow. Returns
  // false at the end of the file.
  bool More() {
    if (invalid_) throw Refusal("not valid UTF-8", LineAt(valid_));
    if (valid_ - pos_ > kMaxHtmlTagBytes)
      throw Refusal(
          "a tag longer than " + std::to_string(kMaxHtmlTagBytes) + " bytes (a quote not closed?)",
          LineAt(pos_));
    lines_before_ = LineAt(pos_) - 1;
    line_mark_ = 0;
    lines_at_mark_ = 0;
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    valid_ -= pos_;
    token_ = 0;
    pos_ = 0;
    for (;;) {
      if (eof_) {
        if (valid_ < end_) throw Refusal("not valid UTF-8", LineAt(valid_));
        return false;
      }
      if (buf_.size() < end_ + block_bytes_) buf_.resize(end_ + block_bytes_);
      const size_t n = std::fread(buf_.data() + end_, 1, block_bytes_, file_.get());
      if (n == 0) {
        if (std::ferror(file_.get())) throw Error("cannot read", path_);
        eof_ = true;
        continue;
      }
      end_ += n;
      const size_t before = valid_;
      CheckUtf8();
      if (valid_ > before) return true;
      if (invalid_) throw Refusal("not valid UTF-8", LineAt(valid_));
    }
  }

  // Advances valid_ over the complete UTF-8 sequences read; sets invalid_ at a byte
  // that is not UTF-8.
  void CheckUtf8() {
    const auto* p = reinterpret_cast<const unsigned char*>(data()) + valid_;
    const auto* end = reinterpret_cast<const unsigned char*>(data()) + end_;
    while (p < end && !invalid_) {
      uint64_t word;  // ASCII eight bytes at a time
      while (end - p >= 8 && (std::memcpy(&word, p, 8), (word & 0x8080808080808080ULL) == 0))
        p += 8;
      while (p < end && *p < 0x80) ++p;
      if (p == end) break;
      const int n = Utf8SequenceAt(p, end);
      if (n < 0) break;  // cut by the block's end
      if (n == 0) invalid_ = true;
      p += n;
    }
    valid_ = p - reinterpret_cast<const unsigned char*>(data());
  }

  // The line of buf_[offset] (1-based). Lines are counted from a mark that moves
  // forward, so the file's newlines are counted about once.
  int LineAt(size_t offset) const {
    if (offset >= line_mark_) {
      lines_at_mark_ += CountLines(data() + line_mark_, data() + offset);
      line_mark_ = offset;
      return lines_before_ + lines_at_mark_ + 1;
    }
    return lines_before_ + lines_at_mark_ - CountLines(data() + offset, data() + line_mark_) + 1;
  }

  Error Refusal(const std::string& message, int line) const {
    return Error(message, name_ + ":" + std::to_string(line));
  }

  const std::string& name_;
  const std::string& path_;
  HtmlHandler& handler_;
  const size_t block_bytes_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;

  std::vector<char> buf_;  // [0, pos_) scanned, [pos_, valid_) checked, [valid_, end_) not
  size_t pos_ = 0;
  size_t valid_ = 0;
  size_t end_ = 0;
  bool invalid_ = false;  // buf_[valid_] is not UTF-8
  bool eof_ = false;
  int lines_before_ = 0;  // newlines before buf_[0]
  mutable size_t line_mark_ = 0;
  mutable int lines_at_mark_ = 0;  // newlines in [0, line_mark_)

  State state_ = State::kText;
  size_t token_ = 0;   // where the token being reported begins
  int open_line_ = 0;  // where the comment or <script> being skipped began
  std::string raw_element_;
  std::string element_;  // the tag's name, lowercase
  HtmlAttributes attributes_;
  std::string decoded_;
};

int HtmlHandler::line() const { return scanner_ != nullptr ? scanner_->TokenLine() : 0; }

void ReadHtmlFile(const std::string& path, const std::string& name, HtmlHandler& handler,
                  size_t block_bytes) {
  HtmlScanner(path, name, handler, block_bytes).Run();
}

}  // namespace pond::formats
