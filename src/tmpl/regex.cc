#include "tmpl/regex.h"

#include <algorithm>
#include <array>
#include <optional>

#include "tmpl/errors.h"
#include "tmpl/regex_internal.h"
#include "tmpl/unicode.h"

namespace pond::tmpl {

using regex_internal::Assertion;
using regex_internal::kInfinite;
using regex_internal::ParseRegex;
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
        Push({Regex::Op::kChar, 0, 0, n.c});
        return;
      case Syntax::kClass:
        Push({Regex::Op::kClass, n.index, 0, 0});
        return;
      case Syntax::kByteClass:
        Push({Regex::Op::kByteClass, n.index, 0, 0});
        return;
      case Syntax::kAny:
        Push({n.flag ? Regex::Op::kAny : Regex::Op::kAnyNoNl, 0, 0, 0});
        return;
      case Syntax::kAssert:
        Push({Regex::Op::kAssert, n.index, 0, 0});
        return;
      case Syntax::kConcat:
        for (const SyntaxP& k : n.kids) Emit(*k);
        return;
      case Syntax::kAlt: {
        std::vector<int> jumps;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          if (i + 1 < n.kids.size()) {
            int split = Push({Regex::Op::kSplit, 0, 0, 0});
            (*prog_)[split].x = Size();
            Emit(*n.kids[i]);
            jumps.push_back(Push({Regex::Op::kJmp, 0, 0, 0}));
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
          int split = Push({Regex::Op::kSplit, 0, 0, 0});
          (*prog_)[split].x = Size();
          Emit(body);
          Push({Regex::Op::kJmp, split, 0, 0});
          (*prog_)[split].y = Size();
        } else {
          std::vector<int> splits;
          for (int i = n.min; i < n.max; ++i) {
            int split = Push({Regex::Op::kSplit, 0, 0, 0});
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
      if (kind == Assertion::kAsciiWordBoundary) {
        auto ascii_word = [](char32_t c) { return c < 0x80 && unicode::IsWordChar(c); };
        return (p && ascii_word(*p)) != (n && ascii_word(*n));
      }
      bool a = p && unicode::IsWordChar(*p), b = n && unicode::IsWordChar(*n);
      return kind == Assertion::kWordBoundary ? a != b : a == b;
    }
  }
}

}  // namespace

bool Regex::CharClass::Contains(char32_t c) const {
  auto it = std::upper_bound(
      ranges.begin(), ranges.end(), c,
      [](char32_t x, const std::pair<char32_t, char32_t>& r) { return x < r.first; });
  return it != ranges.begin() && c <= (it - 1)->second;
}

Regex::Regex(std::string_view pattern) {
  SyntaxP root = ParseRegex(pattern, &classes_);
  Compiler compiler(&prog_);
  compiler.Emit(*root);
  prog_.push_back({Op::kMatch, 0, 0, 0});
}

bool Regex::IsMatch(std::string_view text) const {
  size_t n = prog_.size();
  std::vector<int> current, stack;
  // Threads resume at pos + 1..4 (a byte or a whole UTF-8 character later): a ring of
  // the pcs arriving at each of the next positions.
  std::array<std::vector<int>, 5> arriving;
  std::vector<size_t> mark(n, SIZE_MAX);  // the position a pc was last added at
  // Follows empty transitions from `pc` at text position `pos`; true on a match.
  auto add = [&](int pc, size_t pos) {
    stack.assign(1, pc);
    while (!stack.empty()) {
      int at = stack.back();
      stack.pop_back();
      if (mark[at] == pos) continue;
      mark[at] = pos;
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
          current.push_back(at);
      }
    }
    return false;
  };
  for (size_t pos = 0;; ++pos) {
    current.clear();
    std::vector<int>& arrived = arriving[pos % arriving.size()];
    for (int pc : arrived) {
      if (add(pc, pos)) return true;
    }
    arrived.clear();
    // Characters start only at character boundaries; so does a match (as in Rust).
    bool boundary = pos >= text.size() || (static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80;
    if (boundary && add(start_, pos)) return true;
    if (pos >= text.size()) return false;
    size_t after = pos;
    char32_t c = boundary ? unicode::Next(text, after) : 0;
    auto byte = static_cast<unsigned char>(text[pos]);
    for (int pc : current) {
      const Inst& inst = prog_[pc];
      bool ok = false;
      size_t to = after;
      switch (inst.op) {
        case Op::kChar:
          ok = boundary && c == inst.c;
          break;
        case Op::kClass:
          ok = boundary && classes_[inst.x].Contains(c);
          break;
        case Op::kByteClass:
          ok = byte >= 0x80 || classes_[inst.x].Contains(byte);
          to = pos + 1;
          break;
        case Op::kAny:
          ok = boundary;
          break;
        case Op::kAnyNoNl:
          ok = boundary && c != '\n';
          break;
        default:
          break;
      }
      if (ok) arriving[to % arriving.size()].push_back(pc + 1);
    }
  }
}

}  // namespace pond::tmpl
