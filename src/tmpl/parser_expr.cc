// Expression rules of tera.pest. Between the parts of a non-atomic rule pest skips
// whitespace; `SkipWs()` calls mark those places. Comments name the pest rule.
#include <charconv>
#include <cstdlib>

#include "tmpl/parser.h"

namespace pond::tmpl {

namespace {

constexpr int kMaxDepth = 200;  // nesting of expressions and tags; deeper is refused
// Operators in one chain, to bound the work. Tera overflows its stack before this
// (after about 13,000 `+` or a few tens of thousands of `and`).
constexpr size_t kMaxChain = 50000;

bool IsMulOp(MathOp op) { return op == MathOp::kMul || op == MathOp::kDiv || op == MathOp::kMod; }

ExprP Math(ExprP lhs, MathOp op, ExprP rhs) {
  auto e = NewExpr(ExprKind::kMath, lhs->pos);
  e->math_op = op;
  e->lhs = std::move(lhs);
  e->rhs = std::move(rhs);
  return e;
}

// Pest's precedence climber for MATH_CLIMBER: * / % bind tighter than + -, all left-assoc.
ExprP ClimbMath(const std::vector<ExprP>& operands, const std::vector<MathOp>& ops) {
  ExprP sum;
  MathOp pending = MathOp::kAdd;
  ExprP term = operands[0];
  for (size_t i = 0; i < ops.size(); ++i) {
    if (IsMulOp(ops[i])) {
      term = Math(term, ops[i], operands[i + 1]);
    } else {
      sum = sum ? Math(sum, pending, term) : term;
      pending = ops[i];
      term = operands[i + 1];
    }
  }
  return sum ? Math(sum, pending, term) : term;
}

ExprP Logic(ExprP lhs, LogicOp op, ExprP rhs) {
  auto e = NewExpr(ExprKind::kLogic, lhs->pos);
  e->logic_op = op;
  e->lhs = std::move(lhs);
  e->rhs = std::move(rhs);
  return e;
}

}  // namespace

Expr::~Expr() {
  std::vector<ExprP> sole;  // children no one else holds, detached from their own
  auto detach = [&sole](ExprP& child) {
    if (child && child.use_count() == 1) sole.push_back(std::move(child));
  };
  detach(lhs);
  detach(rhs);
  while (!sole.empty()) {
    ExprP next = std::move(sole.back());
    sole.pop_back();
    auto& e = const_cast<Expr&>(*next);  // made by make_shared<Expr>, never const itself
    detach(e.lhs);
    detach(e.rhs);
  }  // each `next` dies with no lhs/rhs left: no recursion
}

void Parser::Enter() {
  if (++depth_ > kMaxDepth) s_.FailAt(s_.pos(), "expression nested too deeply");
}

void Parser::CheckChain(size_t operators, size_t at) {
  if (operators > kMaxChain) {
    s_.FailAt(at,
              "expression chain too long (more than " + std::to_string(kMaxChain) + " operators)");
  }
}

ExprP Parser::IntLiteral(const std::string& text, size_t at) {
  int64_t v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size()) {
    s_.FailAt(at, "Integer out of bounds: `" + text + "`");
  }
  auto e = NewExpr(ExprKind::kInt, s_.PosAt(at));
  e->literal = Value(v);
  return e;
}

ExprP Parser::FloatLiteral(const std::string& text, size_t at) {
  auto e = NewExpr(ExprKind::kFloat, s_.PosAt(at));
  e->literal = Value(std::strtod(text.c_str(), nullptr));
  return e;
}

// logic_expr = !{ logic_val ~ ((op_or | op_and) ~ logic_val)* }; `and` binds tighter.
ExprP Parser::LogicExpr() {
  ExprP first = LogicVal();
  if (!first) return nullptr;
  ExprP any;
  LogicOp pending = LogicOp::kOr;
  ExprP all = first;
  size_t links = 0;
  for (;;) {
    size_t save = s_.pos();
    s_.SkipWs();
    LogicOp op;
    size_t op_at = s_.pos();
    if (s_.Tok("or", "`or`") && s_.WsChar()) {
      op = LogicOp::kOr;
    } else if ((s_.set_pos(op_at), s_.Tok("and", "`and`")) && s_.WsChar()) {
      op = LogicOp::kAnd;
    } else {
      s_.set_pos(save);
      break;
    }
    s_.SkipWs();
    ExprP next = LogicVal();
    if (!next) {
      s_.set_pos(save);
      break;
    }
    CheckChain(++links, save);
    if (op == LogicOp::kAnd) {
      all = Logic(all, op, next);
    } else {
      any = any ? Logic(any, pending, all) : all;
      pending = op;
      all = next;
    }
  }
  return any ? Logic(any, pending, all) : all;
}

// logic_val = !{ op_not? ~ (in_cond | comparison_expr) }
ExprP Parser::LogicVal() {
  size_t start = s_.pos();
  if (auto it = logic_val_memo_.find(start); it != logic_val_memo_.end()) {
    if (it->second.second) s_.set_pos(it->second.first);
    return it->second.second;
  }
  Enter();
  bool negated = false;
  if (s_.Tok("not", "`not`") && s_.WsChar()) {
    negated = true;
  } else {
    s_.set_pos(start);
  }
  s_.SkipWs();
  ExprP e = InOrComparison();
  if (e && negated) {
    auto copy = std::make_shared<Expr>(*e);
    copy->negated = true;
    e = copy;
  }
  if (!e) s_.set_pos(start);
  Leave();
  logic_val_memo_[start] = {s_.pos(), e};
  return e;
}

// in_cond = !{ (string_expr_filter | basic_expr_filter) ~ op_not? ~ "in" ~ in_cond_container }
// comparison_expr = { (string_expr_filter | comparison_val) ~ (comparison_op ~ ...)? }
// Both start with the same operand, parsed once here.
ExprP Parser::InOrComparison() {
  size_t start = s_.pos();
  bool is_string = true;
  ExprP lhs = StringExprFilter();
  if (!lhs) {
    is_string = false;
    lhs = BasicExprFilter();
    if (!lhs) return nullptr;
  }
  size_t after = s_.pos();
  s_.SkipWs();
  bool not_in = false;
  size_t not_at = s_.pos();
  if (s_.Tok("not", "`not`") && s_.WsChar()) {
    not_in = true;
  } else {
    s_.set_pos(not_at);
  }
  s_.SkipWs();
  if (s_.Tok("in", "`in`")) {
    s_.SkipWs();
    if (ExprP container = InContainer()) {
      auto e = NewExpr(ExprKind::kIn, s_.PosAt(start));
      e->lhs = lhs;
      e->rhs = container;
      e->in_negated = not_in;
      return e;
    }
  }
  s_.set_pos(after);
  return ComparisonRest(lhs, is_string);
}

ExprP Parser::ComparisonRest(ExprP lhs, bool lhs_is_string) {
  if (!lhs_is_string) lhs = ComparisonValTail(lhs);
  size_t save = s_.pos();
  s_.SkipWs();
  static constexpr std::pair<std::string_view, LogicOp> kOps[] = {
      {"<=", LogicOp::kLte}, {">=", LogicOp::kGte}, {">", LogicOp::kGt},
      {"<", LogicOp::kLt},   {"==", LogicOp::kEq},  {"!=", LogicOp::kNotEq}};
  for (auto [text, op] : kOps) {
    if (s_.Tok(text, std::string("`") + std::string(text) + "`")) {
      s_.SkipWs();
      if (ExprP rhs = StringOrComparisonVal()) return Logic(lhs, op, rhs);
      break;
    }
  }
  s_.set_pos(save);
  return lhs;
}

// (string_expr_filter | comparison_val)
ExprP Parser::StringOrComparisonVal() {
  if (ExprP s = StringExprFilter()) return s;
  ExprP first = BasicExprFilter();
  return first ? ComparisonValTail(first) : nullptr;
}

// comparison_val = { basic_expr_filter ~ (basic_op ~ basic_expr_filter)* }
ExprP Parser::ComparisonValTail(ExprP first) {
  std::vector<ExprP> operands{first};
  std::vector<MathOp> ops;
  for (;;) {
    size_t save = s_.pos();
    s_.SkipWs();
    MathOp op;
    if (s_.Tok("+", "`+`")) {
      op = MathOp::kAdd;
    } else if (s_.Tok("-", "`-`")) {
      op = MathOp::kSub;
    } else if (s_.Tok("*", "`*`")) {
      op = MathOp::kMul;
    } else if (s_.Tok("/", "`/`")) {
      op = MathOp::kDiv;
    } else if (s_.Tok("%", "`%`")) {
      op = MathOp::kMod;
    } else {
      s_.set_pos(save);
      break;
    }
    s_.SkipWs();
    ExprP next = BasicExprFilter();
    if (!next) {
      s_.set_pos(save);
      break;
    }
    operands.push_back(next);
    ops.push_back(op);
    CheckChain(ops.size(), save);
  }
  return ClimbMath(operands, ops);
}

// basic_expr_filter = !{ basic_expr ~ filter* }
ExprP Parser::BasicExprFilter() {
  ExprP e = BasicExpr();
  if (!e) return nullptr;
  std::vector<Call> filters;
  if (!Filters(&filters)) return e;
  auto copy = std::make_shared<Expr>(*e);
  copy->SetFilters(std::move(filters));
  return copy;
}

// string_expr_filter = !{ (string_concat | string) ~ filter* }
ExprP Parser::StringExprFilter() {
  size_t start = s_.pos();
  ExprP e = StringConcat();
  if (!e) {
    std::string text;
    if (!s_.StringLit(&text)) return nullptr;
    auto lit = NewExpr(ExprKind::kString, s_.PosAt(start));
    lit->literal = Value(text);
    e = lit;
  }
  std::vector<Call> filters;
  if (!Filters(&filters)) return e;
  auto copy = std::make_shared<Expr>(*e);
  copy->SetFilters(std::move(filters));
  return copy;
}

// filter* with the whitespace pest skips before each; returns whether any matched.
bool Parser::Filters(std::vector<Call>* out) {
  for (;;) {
    size_t save = s_.pos();
    s_.SkipWs();
    Call f;
    if (!FilterCall(&f)) {
      s_.set_pos(save);
      break;
    }
    out->push_back(std::move(f));
  }
  return !out->empty();
}

// filter = { "|" ~ (fn_call | ident) }
bool Parser::FilterCall(Call* out) {
  size_t start = s_.pos();
  if (!s_.Tok("|", "a filter")) return false;
  s_.SkipWs();
  if (FnCall(out)) return true;
  size_t at = s_.pos();
  if (s_.Ident(&out->name)) {
    out->pos = s_.PosAt(at);
    out->args.clear();
    return true;
  }
  s_.set_pos(start);
  return false;
}

// basic_expr = { ("(" ~ basic_expr ~ ")" | basic_val) ~ (basic_op ~ (...))* }
ExprP Parser::BasicExpr() {
  ExprP first = ParenOrBasicVal();
  if (!first) return nullptr;
  std::vector<ExprP> operands{first};
  std::vector<MathOp> ops;
  for (;;) {
    size_t save = s_.pos();
    s_.SkipWs();
    MathOp op;
    if (s_.Tok("+", "`+`")) {
      op = MathOp::kAdd;
    } else if (s_.Tok("-", "`-`")) {
      op = MathOp::kSub;
    } else if (s_.Tok("*", "`*`")) {
      op = MathOp::kMul;
    } else if (s_.Tok("/", "`/`")) {
      op = MathOp::kDiv;
    } else if (s_.Tok("%", "`%`")) {
      op = MathOp::kMod;
    } else {
      s_.set_pos(save);
      break;
    }
    s_.SkipWs();
    ExprP next = ParenOrBasicVal();
    if (!next) {
      s_.set_pos(save);
      break;
    }
    operands.push_back(next);
    ops.push_back(op);
    CheckChain(ops.size(), save);
  }
  return ClimbMath(operands, ops);
}

ExprP Parser::ParenOrBasicVal() {
  size_t start = s_.pos();
  if (s_.Lit("(")) {
    Enter();
    s_.SkipWs();
    ExprP inner = BasicExpr();
    Leave();
    if (inner) {
      s_.SkipWs();
      if (s_.Lit(")")) return inner;
    }
    s_.set_pos(start);
  }
  return BasicVal();
}

// basic_val = _{ boolean | test_not | test | macro_call | fn_call |
//                dotted_square_bracket_ident | float | int }
ExprP Parser::BasicVal() {
  size_t start = s_.pos();
  bool b;
  if (s_.Boolean(&b)) {
    auto e = NewExpr(ExprKind::kBool, s_.PosAt(start));
    e->literal = Value(b);
    return e;
  }
  if (ExprP t = TestExpr(true)) return t;
  if (ExprP t = TestExpr(false)) return t;
  Call call;
  if (MacroCall(&call)) {
    auto e = NewExpr(ExprKind::kMacroCall, call.pos);
    e->call = std::move(call);
    return e;
  }
  if (FnCall(&call)) {
    auto e = NewExpr(ExprKind::kFunctionCall, call.pos);
    e->call = std::move(call);
    return e;
  }
  std::string text;
  if (s_.DottedSquareBracketIdent(&text)) {
    auto e = NewExpr(ExprKind::kIdent, s_.PosAt(start));
    e->ident = MakeIdentPath(text);
    return e;
  }
  if (s_.FloatText(&text)) return FloatLiteral(text, start);
  if (s_.IntText(&text)) return IntLiteral(text, start);
  return nullptr;
}

}  // namespace pond::tmpl
