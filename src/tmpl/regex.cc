#include "tmpl/regex.h"

#include <optional>

#include "tmpl/errors.h"
#include "tmpl/regex_internal.h"
#include "tmpl/unicode.h"

namespace pond::tmpl {

namespace regex_internal {

static bool IsDigitChar(char32_t c) {
  static const std::pair<char32_t, char32_t> kNd[] = {
      {'0', '9'},     {0x660, 0x669},   {0x6F0, 0x6F9},   {0x7C0, 0x7C9},   {0x966, 0x96F},
      {0x9E6, 0x9EF}, {0xA66, 0xA6F},   {0xAE6, 0xAEF},   {0xB66, 0xB6F},   {0xBE6, 0xBEF},
      {0xC66, 0xC6F}, {0xCE6, 0xCEF},   {0xD66, 0xD6F},   {0xE50, 0xE59},   {0xED0, 0xED9},
      {0xF20, 0xF29}, {0x1040, 0x1049}, {0x17E0, 0x17E9}, {0x1810, 0x1819}, {0xFF10, 0xFF19}};
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

}  // namespace regex_internal

using regex_internal::Assertion;
using regex_internal::HasPredicate;
using regex_internal::kInfinite;
using regex_internal::ParseRegex;
using regex_internal::SimpleMap;
using regex_internal::Syntax;
using regex_internal::SyntaxP;

namespace {

constexpr size_t kMaxProgram = 200000;  // instructions; Rust's regex has a size limit too

class Compiler {
 public:
  explicit Compiler(std::vector<Regex::Inst>* prog) : prog_(prog) {}

  void Emit(const Syntax& n) {
    if (prog_->size() > kMaxProgram) throw BuiltinError("regex is too large");
    switch (n.kind) {
      case Syntax::kEmpty:
        return;
      case Syntax::kLiteral:
        Push({Regex::Op::kChar, 0, 0, n.flag ? SimpleMap(n.c, false) : n.c, n.flag});
        return;
      case Syntax::kClass:
        Push({Regex::Op::kClass, n.index, 0, 0, false});
        return;
      case Syntax::kAny:
        Push({n.flag ? Regex::Op::kAny : Regex::Op::kAnyNoNl, 0, 0, 0, false});
        return;
      case Syntax::kAssert:
        Push({Regex::Op::kAssert, n.index, 0, 0, false});
        return;
      case Syntax::kConcat:
        for (const SyntaxP& k : n.kids) Emit(*k);
        return;
      case Syntax::kAlt: {
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
      case Syntax::kRepeat: {
        const Syntax& body = *n.kids[0];
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
    case Assertion::kStartText:
      return pos == 0;
    case Assertion::kEndText:
      return pos == text.size();
    case Assertion::kStartLine:
      return pos == 0 || text[pos - 1] == '\n';
    case Assertion::kEndLine:
      return pos == text.size() || text[pos] == '\n';
    default: {
      auto p = prev(), n = next();
      bool a = p && unicode::IsWordChar(*p), b = n && unicode::IsWordChar(*n);
      return kind == Assertion::kWordBoundary ? a != b : a == b;
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
  bool in =
      plain(c) || (case_insensitive && (plain(SimpleMap(c, false)) || plain(SimpleMap(c, true))));
  return in != negated;
}

Regex::Regex(std::string_view pattern) {
  SyntaxP root = ParseRegex(pattern, &classes_);
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
