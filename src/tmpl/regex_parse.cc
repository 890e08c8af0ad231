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
  bool i = false, m = false, s = false, x = false, u = true;
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
      case '[':
        return ClassNode(Bracketed());
      case '.': {
        // Without u, '.' is any byte: Rust refuses what can match invalid UTF-8.
        if (!flags_.u) Bad("pattern can match invalid UTF-8");
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

  // Under i, a literal with case variants becomes the class of its folding orbit.
  SyntaxP Literal(char32_t c) {
    if (!flags_.u && c > 0x7F) Bad("Unicode not allowed here");
    if (flags_.i) {
      Ranges r{{c, c}};
      CaseFold(&r, flags_.u);
      if (r.size() > 1 || r[0].second != c || r[0].first != c) return ClassNode(std::move(r));
    }
    SyntaxP n = Make(Syntax::kLiteral);
    n->c = c;
    return n;
  }

  SyntaxP ClassNode(Ranges r) {
    if (r.empty()) Bad("empty character classes are not allowed");
    SyntaxP n = Make(Syntax::kClass);
    n->index = static_cast<int>(classes_->size());
    classes_->push_back(Regex::CharClass{std::move(r)});
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
        if (!GroupFlags()) return nullptr;
      }
    }
    SyntaxP inner = Alternation();
    if (!Eat(')')) Bad("unclosed group");
    flags_ = saved;
    return inner;
  }

  // \p{..} or \P{..} after the 'p' or 'P': the query's code points, folded then negated.
  Ranges UnicodeProperty(bool negated) {
    if (!flags_.u) Bad("Unicode not allowed here");
    std::string query;
    if (Eat('{')) {
      for (;;) {
        SkipExtended();
        if (AtEnd()) Bad("unclosed Unicode class");
        if (Eat('}')) break;
        query += p_[pos_++];
      }
    } else if (!AtEnd() && p_[pos_] != '\\') {
      unicode::Append(query, Take());
    } else {
      Bad("invalid Unicode class");
    }
    Ranges r = FoldNegate(UnicodeClass(query), negated);
    if (r.empty()) Bad("empty character classes are not allowed");
    return r;
  }

  // After "(?": flags up to ':' (true: a group follows) or ')' (false: they hold for the
  // rest of the enclosing group). Errors as regex-syntax's: each flag once, one '-'.
  bool GroupFlags() {
    std::string seen;
    bool negate = false, dangling = false;
    for (;;) {
      if (AtEnd()) Bad("unclosed group");
      char c = p_[pos_++];
      if (c == ')' || c == ':') {
        if (dangling) Bad("dangling flag negation operator");
        if (c == ')' && seen.empty()) Bad("repetition operator missing expression");
        return c == ':';
      }
      if (c == '-') {
        if (negate) Bad("flag negation operator repeated");
        negate = dangling = true;
        continue;
      }
      bool* f = c == 'i'   ? &flags_.i
                : c == 'm' ? &flags_.m
                : c == 's' ? &flags_.s
                : c == 'x' ? &flags_.x
                : c == 'u' ? &flags_.u
                           : nullptr;
      if (!f && c != 'U') Bad("unrecognized flag");
      if (seen.find(c) != std::string::npos) Bad("duplicate flag");
      seen += c;
      dangling = false;
      if (f) *f = !negate;
    }
  }

  // \d \w \s (and \D \W \S) after the backslash; false for other escapes.
  bool Perl(char32_t e, Ranges* out) {
    char32_t lower = e | 32;
    if (e > 0x7F || (lower != 'd' && lower != 'w' && lower != 's')) return false;
    *out = PerlClass(static_cast<char>(lower), flags_.u);
    if (e != lower) *out = Negate(*out);
    return true;
  }

  // Case folding (under i) comes before negation, as in regex-syntax: (?i)[^x] excludes X.
  Ranges FoldNegate(Ranges r, bool negated) {
    if (flags_.i) CaseFold(&r, flags_.u);
    if (negated) r = Negate(r);
    if (!flags_.u && !IsAscii(r)) Bad("pattern can match invalid UTF-8");
    return r;
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
    Ranges perl;
    if (Perl(e, &perl)) {
      if (flags_.u || e == (e | 32)) return ClassNode(std::move(perl));
      // (?-u)\W \D \S match one byte: an ASCII one of the class, or any byte >= 0x80.
      SyntaxP n = ClassNode(Intersect(perl, {{0, 0x7F}}));
      n->kind = Syntax::kByteClass;
      return n;
    }
    switch (e) {
      case 'b':
        return Assert(flags_.u ? kWordBoundary : kAsciiWordBoundary);
      case 'B':
        // Rust refuses an ASCII \B: it could match inside a multi-byte character.
        if (!flags_.u) Bad("pattern can match invalid UTF-8");
        return Assert(kNotWordBoundary);
      case 'A':
        return Assert(kStartText);
      case 'z':
        return Assert(kEndText);
      case 'p':
      case 'P':
        return ClassNode(UnicodeProperty(e == 'P'));
    }
    char32_t c;
    if (!EscapedChar(e, &c)) Bad("unrecognized escape sequence");
    return Literal(c);
  }

  // [:name:] or [:^name:] at pos_; false (nothing consumed) when there is none.
  bool PosixClass(Ranges* out) {
    if (!p_.substr(pos_).starts_with("[:")) return false;
    size_t end = p_.find(":]", pos_ + 2);
    if (end == std::string_view::npos) return false;
    std::string_view name = p_.substr(pos_ + 2, end - pos_ - 2);
    bool negate = name.starts_with('^');
    if (negate) name.remove_prefix(1);
    static const std::pair<std::string_view, Ranges> kPosix[] = {
        {"alnum", {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}},
        {"alpha", {{'A', 'Z'}, {'a', 'z'}}},
        {"ascii", {{0, 0x7F}}},
        {"blank", {{'\t', '\t'}, {' ', ' '}}},
        {"cntrl", {{0, 0x1F}, {0x7F, 0x7F}}},
        {"digit", {{'0', '9'}}},
        {"graph", {{'!', '~'}}},
        {"lower", {{'a', 'z'}}},
        {"print", {{' ', '~'}}},
        {"punct", {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}}},
        {"space", {{'\t', '\r'}, {' ', ' '}}},
        {"upper", {{'A', 'Z'}}},
        {"word", {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}},
        {"xdigit", {{'0', '9'}, {'A', 'F'}, {'a', 'f'}}},
    };
    for (const auto& [n, r] : kPosix) {
      if (n == name) {
        pos_ = end + 2;
        *out = FoldNegate(r, negate);
        return true;
      }
    }
    Bad("invalid POSIX class");
  }

  bool AtSetOperator() const {
    std::string_view two = p_.substr(pos_, 2);
    return two == "&&" || two == "--" || two == "~~";
  }

  // After '[': a union of items, then any of && (intersection), -- (difference) and ~~
  // (symmetric difference), equal precedence, left to right; folded, then negated.
  Ranges Bracketed() {
    if (++depth_ > kMaxNesting) Bad("nesting too deep");
    bool negated = Eat('^');
    Ranges acc = ClassUnion(true);
    for (;;) {
      if (Eat(']')) break;
      char op = p_[pos_];
      pos_ += 2;
      Ranges rhs = ClassUnion(false);
      if (flags_.i) {
        CaseFold(&acc, flags_.u);
        CaseFold(&rhs, flags_.u);
      }
      acc = op == '&'   ? Intersect(acc, rhs)
            : op == '-' ? Difference(acc, rhs)
                        : SymmetricDifference(acc, rhs);
    }
    --depth_;
    return FoldNegate(std::move(acc), negated);
  }

  // Class items up to a ']' or a set operator. At a class's start, ']' and '-' are
  // literal characters.
  Ranges ClassUnion(bool at_start) {
    Ranges r;
    if (at_start) {
      SkipExtended();
      if (Eat(']')) r.emplace_back(']', ']');
      while (Eat('-')) r.emplace_back('-', '-');
    }
    for (;;) {
      SkipExtended();
      if (AtEnd()) Bad("unclosed character class");
      if (p_[pos_] == ']' || AtSetOperator()) break;
      Ranges sub;
      if (PosixClass(&sub)) {
        r = Union(r, sub);
      } else if (Eat('[')) {
        r = Union(r, Bracketed());
      } else {
        ClassItem(&r);
      }
    }
    Canonicalize(&r);
    return r;
  }

  // One character, range or escape class, added to `r`.
  void ClassItem(Ranges* r) {
    char32_t lo;
    bool is_char = ClassChar(r, &lo);
    SkipExtended();
    if (!is_char) {
      if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']' && !AtSetOperator()) {
        Bad("invalid range boundary, must be a literal");
      }
      return;
    }
    if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']' && p_[pos_ + 1] != '-') {
      ++pos_;
      SkipExtended();
      char32_t hi;
      Ranges none;
      if (AtEnd() || !ClassChar(&none, &hi)) Bad("invalid range boundary, must be a literal");
      if (hi < lo) Bad("invalid range");
      r->emplace_back(lo, hi);
    } else {
      r->emplace_back(lo, lo);
    }
  }

  // One class member: a char (returned) or an escape class added to `r` (false).
  bool ClassChar(Ranges* r, char32_t* out) {
    char32_t c = Take();
    if (c == '\\') {
      if (AtEnd()) Bad("incomplete escape sequence");
      char32_t e = Take();
      Ranges cls;
      if (Perl(e, &cls) || e == 'p' || e == 'P') {
        if (e == 'p' || e == 'P') cls = UnicodeProperty(e == 'P');
        r->insert(r->end(), cls.begin(), cls.end());
        return false;
      }
      if (!EscapedChar(e, &c)) Bad("unrecognized escape sequence");
    }
    if (!flags_.u && c > 0x7F) Bad("Unicode not allowed here");
    *out = c;
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
