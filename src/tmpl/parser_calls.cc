// Expression rules of tera.pest for calls and compound values: tests, function and
// macro calls with their keyword arguments, string concatenation, arrays and macro
// parameter lists.
#include "tmpl/parser.h"

namespace pond::tmpl {

// test_not = { dotted_ident ~ "is" ~ "not" ~ test_call }
// test = { dotted_ident ~ "is" ~ test_call }
// test_call = !{ ident ~ ("(" ~ test_args ~ ")")? }
ExprP Parser::TestExpr(bool negated) {
  size_t start = s_.pos();
  auto test = std::make_shared<TestCall>();
  test->negated = negated;
  std::string subject;
  if (!s_.DottedIdent(&subject)) return nullptr;
  s_.SkipWs();
  if (!s_.Lit("is")) {
    s_.set_pos(start);
    return nullptr;
  }
  s_.SkipWs();
  if (negated) {
    if (!s_.Lit("not")) {
      s_.set_pos(start);
      return nullptr;
    }
    s_.SkipWs();
  }
  if (!s_.Ident(&test->name)) {
    s_.set_pos(start);
    return nullptr;
  }
  size_t save = s_.pos();
  s_.SkipWs();
  bool args_ok = false;
  // test_args = _{ test_arg ~ ("," ~ test_arg)* }; test_arg = { logic_expr | array_filter }
  auto test_arg = [&]() -> ExprP {
    size_t at = s_.pos();
    ExprP arg = LogicExpr();
    if (!arg && ArrayFilter()) {
      // Tera's parser panics on an array test argument (parse_test_call).
      s_.FailAt(at, "arrays are not supported as test arguments");
    }
    return arg;
  };
  if (s_.Lit("(")) {
    s_.SkipWs();
    if (ExprP first = test_arg()) {
      std::vector<ExprP> args{first};
      for (;;) {
        size_t sep = s_.pos();
        s_.SkipWs();
        if (!s_.Lit(",")) {
          s_.set_pos(sep);
          break;
        }
        s_.SkipWs();
        ExprP next = test_arg();
        if (!next) {
          s_.set_pos(sep);
          break;
        }
        args.push_back(next);
      }
      s_.SkipWs();
      if (s_.Lit(")")) {
        test->args = std::move(args);
        args_ok = true;
      }
    }
  }
  if (!args_ok) s_.set_pos(save);
  test->subject = *MakeIdentPath(subject);
  auto e = NewExpr(ExprKind::kTest, s_.PosAt(start));
  e->test = test;
  return e;
}

// macro_call = { ident ~ "::" ~ ident ~ "(" ~ kwargs? ~ ")" }
bool Parser::MacroCall(Call* out) {
  size_t start = s_.pos();
  Call call;
  call.pos = s_.PosAt(start);
  if (!s_.Ident(&call.ns)) return false;
  s_.SkipWs();
  if (!s_.Lit("::")) {
    s_.set_pos(start);
    return false;
  }
  s_.SkipWs();
  if (!s_.Ident(&call.name)) {
    s_.set_pos(start);
    return false;
  }
  s_.SkipWs();
  if (!s_.Lit("(")) {
    s_.set_pos(start);
    return false;
  }
  s_.SkipWs();
  size_t save = s_.pos();
  if (!Kwargs(&call.args)) s_.set_pos(save);
  s_.SkipWs();
  if (!s_.Lit(")")) {
    s_.set_pos(start);
    return false;
  }
  *out = std::move(call);
  return true;
}

// fn_call = !{ ident ~ "(" ~ kwargs? ~ ")" }
bool Parser::FnCall(Call* out) {
  size_t start = s_.pos();
  if (auto it = fn_memo_.find(start); it != fn_memo_.end()) {
    if (!it->second.second) return false;
    s_.set_pos(it->second.first);
    *out = *it->second.second;
    return true;
  }
  Enter();
  auto call = std::make_shared<Call>();
  call->pos = s_.PosAt(start);
  bool ok = s_.Ident(&call->name);
  if (ok) {
    s_.SkipWs();
    ok = s_.Lit("(");
  }
  if (ok) {
    s_.SkipWs();
    size_t save = s_.pos();
    if (!Kwargs(&call->args)) s_.set_pos(save);
    s_.SkipWs();
    ok = s_.Lit(")");
  }
  Leave();
  if (!ok) {
    s_.set_pos(start);
    fn_memo_[start] = {start, nullptr};
    return false;
  }
  fn_memo_[start] = {s_.pos(), call};
  *out = *call;
  return true;
}

// kwargs = _{ kwarg ~ ("," ~ kwarg)* ~ ","? }; a repeated name keeps the last value.
bool Parser::Kwargs(KwargExprs* out) {
  std::string name;
  ExprP value;
  if (!Kwarg(&name, &value)) return false;
  auto put = [&](std::string n, ExprP v) {
    for (auto& [k, e] : *out) {
      if (k == n) {
        e = std::move(v);
        return;
      }
    }
    out->emplace_back(std::move(n), std::move(v));
  };
  put(name, value);
  for (;;) {
    size_t save = s_.pos();
    s_.SkipWs();
    if (!s_.Lit(",")) {
      s_.set_pos(save);
      break;
    }
    s_.SkipWs();
    if (!Kwarg(&name, &value)) {
      s_.set_pos(save);
      break;
    }
    put(name, value);
  }
  size_t save = s_.pos();
  s_.SkipWs();
  if (!s_.Lit(",")) s_.set_pos(save);
  return true;
}

// kwarg = { ident ~ "=" ~ (logic_expr | array_filter) }
bool Parser::Kwarg(std::string* name, ExprP* value) {
  size_t start = s_.pos();
  if (!s_.Ident(name)) return false;
  s_.SkipWs();
  if (s_.Lit("=")) {
    s_.SkipWs();
    *value = LogicExpr();
    if (!*value) *value = ArrayFilter();
    if (*value) return true;
  }
  s_.set_pos(start);
  return false;
}

// string_concat = { (fn_call | float | int | string | dotted_square_bracket_ident) ~
//                   ("~" ~ (fn_call | float | int | string | ...))+ }
// Adjacent strings fold into one; all-string concatenations become a plain string.
ExprP Parser::StringConcat() {
  size_t start = s_.pos();
  ExprP first = ConcatItem();
  if (!first) return nullptr;
  std::vector<ExprP> items{first};
  for (;;) {
    size_t save = s_.pos();
    s_.SkipWs();
    if (!s_.Lit("~")) {
      s_.set_pos(save);
      break;
    }
    s_.SkipWs();
    ExprP next = ConcatItem();
    if (!next) {
      s_.set_pos(save);
      break;
    }
    items.push_back(next);
  }
  if (items.size() < 2) {
    s_.set_pos(start);
    return nullptr;
  }
  std::vector<ExprP> values;
  std::string current;
  Pos current_pos;
  for (const ExprP& item : items) {
    if (item->kind == ExprKind::kString) {
      if (current.empty()) current_pos = item->pos;
      current += item->literal.get_ref<const std::string&>();
      continue;
    }
    if (!current.empty()) {
      auto lit = NewExpr(ExprKind::kString, current_pos);
      lit->literal = Value(current);
      values.push_back(lit);
      current.clear();
    }
    values.push_back(item);
  }
  if (values.empty()) {
    auto lit = NewExpr(ExprKind::kString, s_.PosAt(start));
    lit->literal = Value(current);
    return lit;
  }
  if (!current.empty()) {
    auto lit = NewExpr(ExprKind::kString, current_pos);
    lit->literal = Value(current);
    values.push_back(lit);
  }
  auto e = NewExpr(ExprKind::kStringConcat, s_.PosAt(start));
  e->items = std::move(values);
  return e;
}

ExprP Parser::ConcatItem() {
  size_t start = s_.pos();
  Call call;
  if (FnCall(&call)) {
    auto e = NewExpr(ExprKind::kFunctionCall, call.pos);
    e->call = std::move(call);
    return e;
  }
  std::string text;
  if (s_.FloatText(&text)) return FloatLiteral(text, start);
  if (s_.IntText(&text)) return IntLiteral(text, start);
  if (s_.StringLit(&text)) {
    auto e = NewExpr(ExprKind::kString, s_.PosAt(start));
    e->literal = Value(text);
    return e;
  }
  if (s_.DottedSquareBracketIdent(&text)) {
    auto e = NewExpr(ExprKind::kIdent, s_.PosAt(start));
    e->ident = MakeIdentPath(text);
    return e;
  }
  return nullptr;
}

// in_cond_container = { string_expr_filter | array_filter | dotted_square_bracket_ident }
ExprP Parser::InContainer() {
  if (ExprP s = StringExprFilter()) return s;
  if (ExprP a = ArrayFilter()) return a;
  size_t start = s_.pos();
  std::string text;
  if (!s_.DottedSquareBracketIdent(&text)) return nullptr;
  auto e = NewExpr(ExprKind::kIdent, s_.PosAt(start));
  e->ident = MakeIdentPath(text);
  return e;
}

// array_filter = !{ array ~ filter* }
ExprP Parser::ArrayFilter() {
  ExprP a = ArrayLit();
  if (!a) return nullptr;
  std::vector<Call> filters;
  if (!Filters(&filters)) return a;
  auto copy = std::make_shared<Expr>(*a);
  copy->SetFilters(std::move(filters));
  return copy;
}

// array = !{ "[" ~ (logic_val ~ ",")* ~ logic_val? ~ "]" }
ExprP Parser::ArrayLit() {
  size_t start = s_.pos();
  if (!s_.Lit("[")) return nullptr;
  Enter();
  auto e = NewExpr(ExprKind::kArray, s_.PosAt(start));
  s_.SkipWs();
  for (bool first = true;; first = false) {
    size_t save = s_.pos();
    if (!first) s_.SkipWs();
    ExprP v = LogicVal();
    if (v) {
      s_.SkipWs();
      if (s_.Lit(",")) {
        e->items.push_back(v);
        continue;
      }
    }
    s_.set_pos(save);
    break;
  }
  s_.SkipWs();
  size_t save = s_.pos();
  if (ExprP last = LogicVal()) {
    e->items.push_back(last);
  } else {
    s_.set_pos(save);
  }
  s_.SkipWs();
  Leave();
  if (!s_.Lit("]")) {
    s_.set_pos(start);
    return nullptr;
  }
  return e;
}

// macro_def_args = _{ macro_def_arg ~ ("," ~ macro_def_arg)* }
// macro_def_arg = ${ (ident ~ "=" ~ (boolean | string | float | int)) | ident }
bool Parser::MacroDefArgs(KwargExprs* out) {
  auto one = [&]() -> bool {
    size_t start = s_.pos();
    std::string name;
    if (!s_.Ident(&name)) return false;
    ExprP def;
    if (s_.Lit("=")) {
      size_t at = s_.pos();
      bool b;
      std::string text;
      if (s_.Boolean(&b)) {
        auto e = NewExpr(ExprKind::kBool, s_.PosAt(at));
        e->literal = Value(b);
        def = e;
      } else if (s_.StringLit(&text)) {
        auto e = NewExpr(ExprKind::kString, s_.PosAt(at));
        e->literal = Value(text);
        def = e;
      } else if (s_.FloatText(&text)) {
        def = FloatLiteral(text, at);
      } else if (s_.IntText(&text)) {
        def = IntLiteral(text, at);
      } else {
        // The first alternative failed: the argument is the bare identifier.
        s_.set_pos(start);
        s_.Ident(&name);
      }
    }
    for (auto& [k, v] : *out) {
      if (k == name) {
        v = def;
        return true;
      }
    }
    out->emplace_back(name, def);
    return true;
  };
  if (!one()) return false;
  for (;;) {
    size_t save = s_.pos();
    s_.SkipWs();
    if (!s_.Lit(",")) {
      s_.set_pos(save);
      break;
    }
    s_.SkipWs();
    if (!one()) {
      s_.set_pos(save);
      break;
    }
  }
  return true;
}

}  // namespace pond::tmpl
