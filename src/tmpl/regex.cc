#include "tmpl/regex.h"

#include <cctype>
#include <memory>
#include <optional>

#include "tmpl/errors.h"
#include "tmpl/unicode.h"

namespace pond::tmpl {

namespace {

constexpr size_t kMaxProgram = 200000;  // instructions; Rust's regex has a size limit too
constexpr int kMaxNesting = 200;
constexpr int kInfinite = -1;

enum Predicate { kWord = 1, kDigit, kSpace, kLetter, kUpper, kLower };
enum Assertion { kStartText, kEndText, kStartLine, kEndLine, kWordBoundary, kNotWordBoundary };

bool IsDigitChar(char32_t c) {
  static const std::pair<char32_t, char32_t> kNd[] = {
      {'0', '9'},       {0x660, 0x669},   {0x6F0, 0x6F9},   {0x7C0, 0x7C9},   {0x966, 0x96F},
      {0x9E6, 0x9EF},   {0xA66, 0xA6F},   {0xAE6, 0xAEF},   {0xB66, 0xB6F},   {0xBE6, 0xBEF},
      {0xC66, 0xC6F},   {0xCE6, 0xCEF},   {0xD66, 0xD6F},   {0xE50, 0xE59},   {0xED0, 0xED9},
      {0xF20, 0xF29},   {0x1040, 0x1049}, {0x17E0, 0x17E9}, {0x1810, 0x1819}, {0xFF10, 0xFF19}};
  for (auto [lo, hi] : kNd) {
    if (c >= lo && c <= hi) return true;
  }
  return false;
}

char32_t SimpleMap(char32_t c, bool upper) {
  std::string s;
  if (upper) {
    unicode::AppendUpper(s, c);
  } else {
    unicode::AppendLower(s, c);
  }
  size_t i = 0;
  char32_t m = unicode::Next(s, i);
  return i == s.size() ? m : c;
}

bool HasPredicate(int p, char32_t c) {
  switch (p) {
    case kWord:
      return unicode::IsWordChar(c);
    case kDigit:
      return IsDigitChar(c);
    case kSpace:
      return unicode::IsWhitespace(c);
    case kLetter:
      return unicode::IsWordChar(c) && !IsDigitChar(c) && c != '_' && !(c >= 0x300 && c <= 0x36F);
    case kUpper:
      return SimpleMap(c, false) != c;
    case kLower:
      return SimpleMap(c, true) != c;
  }
  return false;
}

struct Node;
using NodeP = std::unique_ptr<Node>;
struct Node {
  enum Kind { kEmpty, kLiteral, kClass, kAny, kAssert, kConcat, kAlt, kRepeat } kind = kEmpty;
  char32_t c = 0;
  bool flag = false;  // kLiteral: case-insensitive; kAny: matches newline
  int index = 0;      // kClass: class index; kAssert: Assertion
  int min = 0, max = 0;
  std::vector<NodeP> kids;
};

NodeP Make(Node::Kind kind) {
  auto n = std::make_unique<Node>();
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

  NodeP Parse() {
    NodeP n = Alternation();
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

  NodeP Alternation() {
    if (++depth_ > kMaxNesting) Bad("nesting too deep");
    NodeP first = Concat();
    if (AtEnd() || p_[pos_] != '|') {
      --depth_;
      return first;
    }
    NodeP alt = Make(Node::kAlt);
    alt->kids.push_back(std::move(first));
    while (Eat('|')) alt->kids.push_back(Concat());
    --depth_;
    return alt;
  }

  NodeP Concat() {
    NodeP seq = Make(Node::kConcat);
    for (;;) {
      SkipExtended();
      if (AtEnd() || p_[pos_] == '|' || p_[pos_] == ')') break;
      NodeP atom = Atom();
      if (!atom) continue;  // a flag group such as (?i)
      seq->kids.push_back(Repetition(std::move(atom)));
    }
    return seq;
  }

  NodeP Repetition(NodeP atom) {
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
      if (atom->kind == Node::kAssert || atom->kind == Node::kEmpty) Bad("repetition operator missing expression");
      NodeP rep = Make(Node::kRepeat);
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

  NodeP Atom() {
    char32_t c = Take();
    switch (c) {
      case '(':
        return Group();
      case '[': {
        NodeP n = Make(Node::kClass);
        n->index = static_cast<int>(classes_->size());
        classes_->push_back(Class());
        return n;
      }
      case '.': {
        NodeP n = Make(Node::kAny);
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

  NodeP Assert(int kind) {
    NodeP n = Make(Node::kAssert);
    n->index = kind;
    return n;
  }

  NodeP Literal(char32_t c) {
    NodeP n = Make(Node::kLiteral);
    n->c = c;
    n->flag = flags_.i;
    return n;
  }

  NodeP ClassNode(Regex::CharClass cls) {
    cls.case_insensitive = cls.case_insensitive || flags_.i;
    NodeP n = Make(Node::kClass);
    n->index = static_cast<int>(classes_->size());
    classes_->push_back(std::move(cls));
    return n;
  }

  NodeP Group() {
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
          bool* f = c == 'i' ? &flags_.i : c == 'm' ? &flags_.m : c == 's' ? &flags_.s
                    : c == 'x' ? &flags_.x : nullptr;
          if (c == 'U') continue;
          if (!f) Bad("unrecognized flag");
          *f = !negate;
        }
      }
    }
    NodeP inner = Alternation();
    if (!Eat(')')) Bad("unclosed group");
    flags_ = saved;
    return inner;
  }

  // \d \w \s and their negations, as a class.
  bool PerlClass(char32_t c, Regex::CharClass* cls) {
    int p = c == 'd' || c == 'D' ? kDigit : c == 'w' || c == 'W' ? kWord : c == 's' || c == 'S' ? kSpace : 0;
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
    while (!AtEnd() && std::isxdigit(static_cast<unsigned char>(p_[pos_])) && (braced || pos_ - start < digits)) {
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
      case 'n': *out = '\n'; return true;
      case 't': *out = '\t'; return true;
      case 'r': *out = '\r'; return true;
      case 'f': *out = '\f'; return true;
      case 'v': *out = '\v'; return true;
      case 'a': *out = 0x07; return true;
      case 'x': *out = Hex(2); return true;
      case 'u': *out = Hex(4); return true;
      case 'U': *out = Hex(8); return true;
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

  NodeP Escape() {
    if (AtEnd()) Bad("incomplete escape sequence");
    char32_t e = Take();
    Regex::CharClass cls;
    if (PerlClass(e, &cls)) return ClassNode(std::move(cls));
    switch (e) {
      case 'b': return Assert(kWordBoundary);
      case 'B': return Assert(kNotWordBoundary);
      case 'A': return Assert(kStartText);
      case 'z': return Assert(kEndText);
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
    if (name == "alnum") add('0', '9'), add('A', 'Z'), add('a', 'z');
    else if (name == "alpha") add('A', 'Z'), add('a', 'z');
    else if (name == "ascii") add(0, 0x7F);
    else if (name == "blank") add('\t', '\t'), add(' ', ' ');
    else if (name == "cntrl") add(0, 0x1F), add(0x7F, 0x7F);
    else if (name == "digit") add('0', '9');
    else if (name == "graph") add('!', '~');
    else if (name == "lower") add('a', 'z');
    else if (name == "print") add(' ', '~');
    else if (name == "punct") add('!', '/'), add(':', '@'), add('[', '`'), add('{', '~');
    else if (name == "space") add('\t', '\r'), add(' ', ' ');
    else if (name == "upper") add('A', 'Z');
    else if (name == "word") add('0', '9'), add('A', 'Z'), add('a', 'z'), add('_', '_');
    else if (name == "xdigit") add('0', '9'), add('A', 'F'), add('a', 'f');
    else Bad("invalid POSIX class");
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

class Compiler {
 public:
  explicit Compiler(std::vector<Regex::Inst>* prog) : prog_(prog) {}

  void Emit(const Node& n) {
    if (prog_->size() > kMaxProgram) throw BuiltinError("regex is too large");
    switch (n.kind) {
      case Node::kEmpty:
        return;
      case Node::kLiteral:
        Push({Regex::Op::kChar, 0, 0, n.flag ? SimpleMap(n.c, false) : n.c, n.flag});
        return;
      case Node::kClass:
        Push({Regex::Op::kClass, n.index, 0, 0, false});
        return;
      case Node::kAny:
        Push({n.flag ? Regex::Op::kAny : Regex::Op::kAnyNoNl, 0, 0, 0, false});
        return;
      case Node::kAssert:
        Push({Regex::Op::kAssert, n.index, 0, 0, false});
        return;
      case Node::kConcat:
        for (const NodeP& k : n.kids) Emit(*k);
        return;
      case Node::kAlt: {
        std::vector<int> jumps;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          if (i + 1 < n.kids.size()) {
            int split = Push({Regex::Op::kSplit, 0, 0, 0, false});
            (*prog_)[split].x = Size();
            Emit(*n.kids[i]);
            jumps.push_back(Push({Regex::Op::kJmp, 0, 0, 0, false}));
            (*prog_)[split].y = Size();
          } else {
            Emit(*n.kids[i]);
          }
        }
        for (int j : jumps) (*prog_)[j].x = Size();
        return;
      }
      case Node::kRepeat: {
        const Node& body = *n.kids[0];
        for (int i = 0; i < n.min; ++i) Emit(body);
        if (n.max == kInfinite) {
          int split = Push({Regex::Op::kSplit, 0, 0, 0, false});
          (*prog_)[split].x = Size();
          Emit(body);
          Push({Regex::Op::kJmp, split, 0, 0, false});
          (*prog_)[split].y = Size();
        } else {
          std::vector<int> splits;
          for (int i = n.min; i < n.max; ++i) {
            int split = Push({Regex::Op::kSplit, 0, 0, 0, false});
            (*prog_)[split].x = Size();
            splits.push_back(split);
            Emit(body);
          }
          for (int s : splits) (*prog_)[s].y = Size();
        }
        return;
      }
    }
  }

 private:
  int Size() const { return static_cast<int>(prog_->size()); }
  int Push(Regex::Inst inst) {
    prog_->push_back(inst);
    return Size() - 1;
  }
  std::vector<Regex::Inst>* prog_;
};

bool AssertionHolds(int kind, std::string_view text, size_t pos) {
  auto prev = [&]() -> std::optional<char32_t> {
    if (pos == 0) return std::nullopt;
    size_t start = pos - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    return unicode::Next(text, start);
  };
  auto next = [&]() -> std::optional<char32_t> {
    if (pos >= text.size()) return std::nullopt;
    size_t k = pos;
    return unicode::Next(text, k);
  };
  switch (kind) {
    case kStartText:
      return pos == 0;
    case kEndText:
      return pos == text.size();
    case kStartLine:
      return pos == 0 || text[pos - 1] == '\n';
    case kEndLine:
      return pos == text.size() || text[pos] == '\n';
    default: {
      auto p = prev(), n = next();
      bool a = p && unicode::IsWordChar(*p), b = n && unicode::IsWordChar(*n);
      return kind == kWordBoundary ? a != b : a == b;
    }
  }
}

}  // namespace

bool Regex::CharClass::Contains(char32_t c) const {
  auto plain = [&](char32_t ch) {
    for (auto [lo, hi] : ranges) {
      if (ch >= lo && ch <= hi) return true;
    }
    for (int p : predicates) {
      if (p > 0 ? HasPredicate(p, ch) : !HasPredicate(-p, ch)) return true;
    }
    return false;
  };
  bool in = plain(c) || (case_insensitive && (plain(SimpleMap(c, false)) || plain(SimpleMap(c, true))));
  return in != negated;
}

Regex::Regex(std::string_view pattern) {
  Parser parser(pattern, &classes_);
  NodeP root = parser.Parse();
  Compiler compiler(&prog_);
  compiler.Emit(*root);
  prog_.push_back({Op::kMatch, 0, 0, 0, false});
}

bool Regex::IsMatch(std::string_view text) const {
  size_t n = prog_.size();
  std::vector<int> current, next, stack;
  std::vector<size_t> mark(n, SIZE_MAX);  // the step a pc was last added at
  size_t step = 0;
  // Follows empty transitions from `pc` at text position `pos`; true on a match.
  auto add = [&](std::vector<int>& list, int pc, size_t pos) {
    stack.assign(1, pc);
    while (!stack.empty()) {
      int at = stack.back();
      stack.pop_back();
      if (mark[at] == step) continue;
      mark[at] = step;
      const Inst& inst = prog_[at];
      switch (inst.op) {
        case Op::kMatch:
          return true;
        case Op::kJmp:
          stack.push_back(inst.x);
          break;
        case Op::kSplit:
          stack.push_back(inst.y);
          stack.push_back(inst.x);
          break;
        case Op::kAssert:
          if (AssertionHolds(inst.x, text, pos)) stack.push_back(at + 1);
          break;
        default:
          list.push_back(at);
      }
    }
    return false;
  };
  // `current` holds the threads at `pos`, all marked with the current `step`.
  for (size_t pos = 0;;) {
    if (add(current, start_, pos)) return true;
    if (pos >= text.size()) return false;
    size_t after = pos;
    char32_t c = unicode::Next(text, after);
    ++step;
    next.clear();
    for (int pc : current) {
      const Inst& inst = prog_[pc];
      bool ok = false;
      switch (inst.op) {
        case Op::kChar:
          ok = inst.fold ? SimpleMap(c, false) == inst.c : c == inst.c;
          break;
        case Op::kClass:
          ok = classes_[inst.x].Contains(c);
          break;
        case Op::kAny:
          ok = true;
          break;
        case Op::kAnyNoNl:
          ok = c != '\n';
          break;
        default:
          break;
      }
      if (ok && add(next, pc + 1, after)) return true;
    }
    std::swap(current, next);
    pos = after;
  }
}

}  // namespace pond::tmpl
