// The pattern syntax of the Rust regex crate (regex-syntax 0.6), parsed into a tree.
#include <cctype>
#include <optional>

#include "tmpl/errors.h"
#include "tmpl/regex_internal.h"
#include "tmpl/unicode.h"

namespace pond::tmpl::regex_internal {

namespace {

constexpr int kMaxNesting = 200;

SyntaxP Make(Syntax::Kind kind) {
  auto n = std::make_unique<Syntax>();
  n->kind = kind;
  return n;
}

[[noreturn]] void Bad(const std::string& why) { throw BuiltinError("regex parse error: " + why); }

struct Flags {
  bool i = false, m = false, s = false, x = false;
};

class Parser {
 public:
  Parser(std::string_view p, std::vector<Regex::CharClass>* classes) : p_(p), classes_(classes) {}

  SyntaxP Parse() {
    SyntaxP n = Alternation();
    if (pos_ < p_.size()) Bad("unopened group");
    return n;
  }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }
  char32_t Peek() const {
    size_t k = pos_;
    return unicode::Next(p_, k);
  }
  char32_t Take() { return unicode::Next(p_, pos_); }
  bool Eat(char c) {
    if (!AtEnd() && p_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void SkipExtended() {
    while (flags_.x && !AtEnd()) {
      if (unicode::IsWhitespace(Peek())) {
        Take();
      } else if (p_[pos_] == '#') {
        while (!AtEnd() && p_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  SyntaxP Alternation() {
    if (++depth_ > kMaxNesting) Bad("nesting too deep");
    SyntaxP first = Concat();
    if (AtEnd() || p_[pos_] != '|') {
      --depth_;
      return first;
    }
    SyntaxP alt = Make(Syntax::kAlt);
    alt->kids.push_back(std::move(first));
    while (Eat('|')) alt->kids.push_back(Concat());
    --depth_;
    return alt;
  }

  SyntaxP Concat() {
    SyntaxP seq = Make(Syntax::kConcat);
    for (;;) {
      SkipExtended();
      if (AtEnd() || p_[pos_] == '|' || p_[pos_] == ')') break;
      SyntaxP atom = Atom();
      if (!atom) continue;  // a flag group such as (?i)
      seq->kids.push_back(Repetition(std::move(atom)));
    }
    return seq;
  }

  SyntaxP Repetition(SyntaxP atom) {
    for (;;) {
      SkipExtended();
      if (AtEnd()) return atom;
      int min, max;
      char c = p_[pos_];
      if (c == '*') {
        min = 0, max = kInfinite;
      } else if (c == '+') {
        min = 1, max = kInfinite;
      } else if (c == '?') {
        min = 0, max = 1;
      } else if (c == '{') {
        size_t save = pos_;
        ++pos_;
        if (!Count(&min)) {
          pos_ = save;
          Bad("invalid counted repetition");
        }
        max = min;
        if (Eat(',')) {
          max = kInfinite;
          if (!AtEnd() && p_[pos_] != '}' && !Count(&max)) Bad("invalid counted repetition");
        }
        if (!Eat('}')) Bad("unclosed counted repetition");
        if (max != kInfinite && max < min) Bad("invalid repetition range");
        --pos_;
      } else {
        return atom;
      }
      ++pos_;
      Eat('?');  // lazy: the same for is_match
      if (atom->kind == Syntax::kAssert || atom->kind == Syntax::kEmpty)
        Bad("repetition operator missing expression");
      SyntaxP rep = Make(Syntax::kRepeat);
      rep->min = min;
      rep->max = max;
      rep->kids.push_back(std::move(atom));
      atom = std::move(rep);
    }
  }

  bool Count(int* out) {
    size_t start = pos_;
    long v = 0;
    while (!AtEnd() && p_[pos_] >= '0' && p_[pos_] <= '9') {
      v = v * 10 + (p_[pos_++] - '0');
      if (v > 100000) Bad("repetition count too large");
    }
    *out = static_cast<int>(v);
    return pos_ > start;
  }

  SyntaxP Atom() {
    char32_t c = Take();
    switch (c) {
      case '(':
        return Group();
      case '[': {
        SyntaxP n = Make(Syntax::kClass);
        n->index = static_cast<int>(classes_->size());
        classes_->push_back(Class());
        return n;
      }
      case '.': {
        SyntaxP n = Make(Syntax::kAny);
        n->flag = flags_.s;
        return n;
      }
      case '^':
        return Assert(flags_.m ? kStartLine : kStartText);
      case '$':
        return Assert(flags_.m ? kEndLine : kEndText);
      case '\\':
        return Escape();
      case ')':
        Bad("unopened group");
      case '*':
      case '+':
      case '?':
      case '{':
        Bad("repetition operator missing expression");
      default:
        return Literal(c);
    }
  }

  SyntaxP Assert(int kind) {
    SyntaxP n = Make(Syntax::kAssert);
    n->index = kind;
    return n;
  }

  SyntaxP Literal(char32_t c) {
    SyntaxP n = Make(Syntax::kLiteral);
    n->c = c;
    n->flag = flags_.i;
    return n;
  }

  SyntaxP ClassNode(Regex::CharClass cls) {
    cls.case_insensitive = cls.case_insensitive || flags_.i;
    SyntaxP n = Make(Syntax::kClass);
    n->index = static_cast<int>(classes_->size());
    classes_->push_back(std::move(cls));
    return n;
  }

  SyntaxP Group() {
    Flags saved = flags_;
    if (Eat('?')) {
      if (Eat('P')) {
        if (!Eat('<')) Bad("invalid group name");
        size_t end = p_.find('>', pos_);
        if (end == std::string_view::npos || end == pos_) Bad("invalid capture group name");
        pos_ = end + 1;
      } else {
        // Flags: (?flags) for the rest of the group, (?flags:...) for a subexpression.
        bool negate = false;
        for (;;) {
          if (AtEnd()) Bad("unclosed group");
          char c = p_[pos_++];
          if (c == ')') return nullptr;
          if (c == ':') break;
          if (c == '-') {
            negate = true;
            continue;
          }
          bool* f = c == 'i'   ? &flags_.i
                    : c == 'm' ? &flags_.m
                    : c == 's' ? &flags_.s
                    : c == 'x' ? &flags_.x
                               : nullptr;
          if (c == 'U') continue;
          if (!f) Bad("unrecognized flag");
          *f = !negate;
        }
      }
    }
    SyntaxP inner = Alternation();
    if (!Eat(')')) Bad("unclosed group");
    flags_ = saved;
    return inner;
  }

  // \d \w \s and their negations, as a class.
  bool PerlClass(char32_t c, Regex::CharClass* cls) {
    int p = c == 'd' || c == 'D'   ? kDigit
            : c == 'w' || c == 'W' ? kWord
            : c == 's' || c == 'S' ? kSpace
                                   : 0;
    if (!p) return false;
    cls->predicates.push_back(c >= 'a' ? p : -p);
    return true;
  }

  // \p{..}: the Unicode categories this engine knows.
  int UnicodeProperty() {
    std::string name;
    if (Eat('{')) {
      size_t end = p_.find('}', pos_);
      if (end == std::string_view::npos) Bad("unclosed Unicode class");
      name = std::string(p_.substr(pos_, end - pos_));
      pos_ = end + 1;
    } else if (!AtEnd()) {
      name = std::string(1, static_cast<char>(p_[pos_++]));
    }
    if (name == "L" || name == "Letter" || name == "Alphabetic") return kLetter;
    if (name == "Lu" || name == "Uppercase_Letter" || name == "Uppercase") return kUpper;
    if (name == "Ll" || name == "Lowercase_Letter" || name == "Lowercase") return kLower;
    if (name == "N" || name == "Nd" || name == "Number" || name == "Decimal_Number") return kDigit;
    if (name == "Z" || name == "White_Space" || name == "Whitespace") return kSpace;
    Bad("unsupported Unicode class \\p{" + name + "}");
  }

  char32_t Hex(size_t digits) {
    bool braced = digits == 0 || Eat('{');
    size_t start = pos_;
    char32_t v = 0;
    while (!AtEnd() && std::isxdigit(static_cast<unsigned char>(p_[pos_])) &&
           (braced || pos_ - start < digits)) {
      char ch = p_[pos_++];
      v = v * 16 + (ch <= '9' ? ch - '0' : (ch | 32) - 'a' + 10);
      if (v > 0x10FFFF) Bad("invalid hex escape");
    }
    if (braced ? !Eat('}') || pos_ - start < 2 : pos_ - start != digits) Bad("invalid hex escape");
    if (v >= 0xD800 && v <= 0xDFFF) Bad("invalid hex escape");
    return v;
  }

  // One escaped character (shared by classes); returns false for non-character escapes.
  bool EscapedChar(char32_t e, char32_t* out) {
    static const std::string_view kMeta = "\\.+*?()|[]{}^$#&-~";
    if (e < 0x80 && kMeta.find(static_cast<char>(e)) != std::string_view::npos) {
      *out = e;
      return true;
    }
    switch (e) {
      case 'n':
        *out = '\n';
        return true;
      case 't':
        *out = '\t';
        return true;
      case 'r':
        *out = '\r';
        return true;
      case 'f':
        *out = '\f';
        return true;
      case 'v':
        *out = '\v';
        return true;
      case 'a':
        *out = 0x07;
        return true;
      case 'x':
        *out = Hex(2);
        return true;
      case 'u':
        *out = Hex(4);
        return true;
      case 'U':
        *out = Hex(8);
        return true;
      case ' ':
        if (flags_.x) {
          *out = ' ';
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  SyntaxP Escape() {
    if (AtEnd()) Bad("incomplete escape sequence");
    char32_t e = Take();
    Regex::CharClass cls;
    if (PerlClass(e, &cls)) return ClassNode(std::move(cls));
    switch (e) {
      case 'b':
        return Assert(kWordBoundary);
      case 'B':
        return Assert(kNotWordBoundary);
      case 'A':
        return Assert(kStartText);
      case 'z':
        return Assert(kEndText);
      case 'p':
      case 'P':
        cls.predicates.push_back(e == 'p' ? UnicodeProperty() : -UnicodeProperty());
        return ClassNode(std::move(cls));
    }
    char32_t c;
    if (!EscapedChar(e, &c)) Bad("unrecognized escape sequence");
    return Literal(c);
  }

  bool PosixClass(Regex::CharClass* cls) {
    if (!p_.substr(pos_).starts_with("[:")) return false;
    size_t end = p_.find(":]", pos_ + 2);
    if (end == std::string_view::npos) return false;
    std::string_view name = p_.substr(pos_ + 2, end - pos_ - 2);
    bool negate = name.starts_with('^');
    if (negate) name.remove_prefix(1);
    Regex::CharClass sub;
    auto add = [&](char32_t a, char32_t b) { sub.ranges.emplace_back(a, b); };
    if (name == "alnum")
      add('0', '9'), add('A', 'Z'), add('a', 'z');
    else if (name == "alpha")
      add('A', 'Z'), add('a', 'z');
    else if (name == "ascii")
      add(0, 0x7F);
    else if (name == "blank")
      add('\t', '\t'), add(' ', ' ');
    else if (name == "cntrl")
      add(0, 0x1F), add(0x7F, 0x7F);
    else if (name == "digit")
      add('0', '9');
    else if (name == "graph")
      add('!', '~');
    else if (name == "lower")
      add('a', 'z');
    else if (name == "print")
      add(' ', '~');
    else if (name == "punct")
      add('!', '/'), add(':', '@'), add('[', '`'), add('{', '~');
    else if (name == "space")
      add('\t', '\r'), add(' ', ' ');
    else if (name == "upper")
      add('A', 'Z');
    else if (name == "word")
      add('0', '9'), add('A', 'Z'), add('a', 'z'), add('_', '_');
    else if (name == "xdigit")
      add('0', '9'), add('A', 'F'), add('a', 'f');
    else
      Bad("invalid POSIX class");
    pos_ = end + 2;
    if (!negate) {
      cls->ranges.insert(cls->ranges.end(), sub.ranges.begin(), sub.ranges.end());
      return true;
    }
    // Complement of the ranges.
    char32_t next = 0;
    for (auto [a, b] : sub.ranges) {
      if (a > next) cls->ranges.emplace_back(next, a - 1);
      next = b + 1;
    }
    cls->ranges.emplace_back(next, 0x10FFFF);
    return true;
  }

  // After '[': items up to the matching ']'.
  Regex::CharClass Class() {
    if (++depth_ > kMaxNesting) Bad("nesting too deep");
    Regex::CharClass cls;
    cls.case_insensitive = flags_.i;
    cls.negated = Eat('^');
    bool first = true;
    for (;;) {
      if (AtEnd()) Bad("unclosed character class");
      if (!first && p_[pos_] == ']') {
        ++pos_;
        break;
      }
      if (p_.substr(pos_).starts_with("&&") || p_.substr(pos_).starts_with("--") ||
          p_.substr(pos_).starts_with("~~")) {
        Bad("class set operations are not supported");
      }
      first = false;
      if (PosixClass(&cls)) continue;
      if (p_[pos_] == '[') {
        ++pos_;
        Regex::CharClass nested = Class();
        if (nested.negated || !nested.predicates.empty()) Bad("unsupported nested class");
        cls.ranges.insert(cls.ranges.end(), nested.ranges.begin(), nested.ranges.end());
        continue;
      }
      char32_t lo;
      if (!ClassChar(&cls, &lo)) continue;
      if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        char32_t hi;
        if (!ClassChar(&cls, &hi)) Bad("invalid range");
        if (hi < lo) Bad("invalid range");
        cls.ranges.emplace_back(lo, hi);
      } else {
        cls.ranges.emplace_back(lo, lo);
      }
    }
    --depth_;
    return cls;
  }

  // One class member: a char (returned) or an escape class added to `cls` (false).
  bool ClassChar(Regex::CharClass* cls, char32_t* out) {
    char32_t c = Take();
    if (c != '\\') {
      *out = c;
      return true;
    }
    if (AtEnd()) Bad("incomplete escape sequence");
    char32_t e = Take();
    if (PerlClass(e, cls)) return false;
    if (e == 'p' || e == 'P') {
      cls->predicates.push_back(e == 'p' ? UnicodeProperty() : -UnicodeProperty());
      return false;
    }
    if (!EscapedChar(e, out)) Bad("unrecognized escape sequence");
    return true;
  }

  std::string_view p_;
  size_t pos_ = 0;
  Flags flags_;
  int depth_ = 0;
  std::vector<Regex::CharClass>* classes_;
};

}  // namespace

SyntaxP ParseRegex(std::string_view pattern, std::vector<Regex::CharClass>* classes) {
  return Parser(pattern, classes).Parse();
}

}  // namespace pond::tmpl::regex_internal
