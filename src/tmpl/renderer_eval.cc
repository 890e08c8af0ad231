// Expression evaluation, following Tera's eval_expression / eval_as_bool /
// eval_as_number closely: which errors are raised, what is escaped, and how numbers
// combine (integers stay integers, `/` may give an integer when exact).
#include <cmath>

#include "base/error.h"
#include "tmpl/errors.h"
#include "tmpl/ident_path.h"
#include "tmpl/math.h"
#include "tmpl/renderer.h"

namespace pond::tmpl {

namespace {

std::string ErrorText(const std::exception& e) {
  if (auto* pe = dynamic_cast<const pond::Error*>(&e)) return pe->message();
  return e.what();
}

std::string Display(const Value& v) { return ToJson(v); }

}  // namespace

Val Renderer::SafeEval(const Expr& e) {
  bool saved = should_escape_;
  should_escape_ = false;
  try {
    Val v = Eval(e);
    should_escape_ = saved;
    return v;
  } catch (...) {
    should_escape_ = saved;
    throw;
  }
}

// evaluate_sub_variables: replaces each `[var]` by the variable's value.
std::string Renderer::EvaluateKey(const IdentPath& path, const Pos& pos) {
  std::string key = path.raw;
  for (size_t i = 0; i < path.sub_vars.size(); ++i) {
    const std::string& sub = path.sub_vars[i];
    Val v;
    try {
      v = LookupPath(*path.sub_paths[i], pos);
    } catch (const RenderError& e) {
      Fail(pos, "Variable " + path.raw + " can not be evaluated because: " + e.what());
    }
    std::string text;
    if (v->is_string()) {
      text = "\"" + v->get<std::string>() + "\"";
    } else if (auto n = Number::Of(*v)) {
      text = NumberToString(*n);
    } else {
      Fail(pos, "Only variables evaluating to String or Number can be used as index (`" + sub +
                    "` of `" + path.raw + "`)");
    }
    std::string divider = "[" + sub + "]";
    size_t at = key.find(divider);
    key = at == std::string::npos
              ? key + "." + text
              : key.substr(0, at) + "." + text + key.substr(at + divider.size());
  }
  return RewriteBrackets(key);
}

// process_path: the variable's value, or a RenderError when it is not defined.
Val Renderer::LookupPath(const IdentPath& path, const Pos& pos) {
  if (path.sub_vars.empty()) {
    if (Val v = stack_.Lookup(path.key, path.dot, path.tokens)) return v;
    if (!path.has_bracket) {
      Fail(pos, "Variable `" + path.raw + "` not found in context while rendering '" +
                    stack_.ActiveTemplate()->name + "'");
    }
    Fail(pos, "Variable `" + path.raw + "` not found in context while rendering '" +
                  stack_.ActiveTemplate()->name + "': the evaluated version was `" + path.key +
                  "`. Maybe the index is out of bounds?");
  }
  std::string key = EvaluateKey(path, pos);
  if (Val v = stack_.Lookup(key, key.find('.'), PointerTokens(key))) return v;
  Fail(pos, "Variable `" + path.raw + "` not found in context while rendering '" +
                stack_.ActiveTemplate()->name + "': the evaluated version was `" + key +
                "`. Maybe the index is out of bounds?");
}

Val Renderer::LookupIdent(const IdentPath& path, const Pos& pos) {
  if (path.dump) return Val::Own(Value(ToJson(stack_.ContextSnapshot(), true)));
  return LookupPath(path, pos);
}

Val Renderer::DefaultValue(const Expr& e) {
  for (const auto& [name, arg] : e.filters[0].args) {
    if (name == "value") return Eval(*arg);
  }
  Fail(e.filters[0].pos, "The `default` filter requires a `value` argument.");
}

bool Renderer::Measure(const Value& v, int depth, uint64_t* size) const {
  if (depth > env_.limits.max_value_depth) return false;
  *size += 16;
  if (v.is_string()) {
    *size += v.get_ref<const std::string&>().size();
  } else if (v.is_array()) {
    for (const Value& item : v) {
      if (!Measure(item, depth + 1, size)) return false;
    }
  } else if (v.is_object()) {
    for (const auto& [key, item] : v.get_ref<const Value::object_t&>()) {
      *size += key.size();
      if (!Measure(item, depth + 1, size)) return false;
    }
  }
  return true;
}

void Renderer::FailValueTooLarge(const Pos& pos) const {
  Fail(pos, "the template builds a value larger than " +
                std::to_string(env_.limits.max_value_bytes) + " bytes (the limit of one value)");
}

Val Renderer::Built(Value v, const Pos& pos) {
  uint64_t size = 0;
  bool shallow = Measure(v, 0, &size);
  if (shallow && size > env_.limits.max_value_bytes) FailValueTooLarge(pos);
  built_bytes_ += size;
  if (!shallow || built_bytes_ > env_.limits.max_built_bytes) {
    Fail(pos, "the template builds values too large or too deeply nested (limits " +
                  std::to_string(env_.limits.max_built_bytes) + " bytes, depth " +
                  std::to_string(env_.limits.max_value_depth) + ")");
  }
  return Val::Own(std::move(v));
}

Val Renderer::Eval(const Expr& e) {
  bool needs_escape = false;
  Val res;
  switch (e.kind) {
    case ExprKind::kArray: {
      Value arr = Value::array();
      for (const ExprP& item : e.items) arr.push_back(*Eval(*item));
      res = Built(std::move(arr), e.pos);
      break;
    }
    case ExprKind::kIn:
      res = Val::Own(Value(EvalIn(e)));
      break;
    case ExprKind::kString:
      needs_escape = true;
      res = Val::Borrow(e.literal);
      break;
    case ExprKind::kStringConcat:
      res = EvalConcat(e, &needs_escape);
      break;
    case ExprKind::kFloat:
      if (!std::isfinite(e.literal.get<double>())) Fail(e.pos, "Float out of bounds");
      res = Val::Borrow(e.literal);
      break;
    case ExprKind::kInt:
    case ExprKind::kBool:
      res = Val::Borrow(e.literal);
      break;
    case ExprKind::kIdent: {
      needs_escape = !e.ident->dump;
      // `not undefined` is true rather than an error; `default` replaces undefined/null.
      try {
        res = LookupIdent(*e.ident, e.pos);
        if (res->is_null() && e.HasDefaultFilter()) res = DefaultValue(e);
      } catch (const RenderError&) {
        if (e.HasDefaultFilter()) {
          res = DefaultValue(e);
        } else if (e.negated) {
          return Val::Own(Value(true));
        } else {
          throw;
        }
      }
      break;
    }
    case ExprKind::kFunctionCall:
      needs_escape = true;
      res = CallFunction(e.call);
      break;
    case ExprKind::kMacroCall: {
      std::string out;
      RenderMacroCall(e, out);
      res = Built(Value(std::move(out)), e.pos);
      break;
    }
    case ExprKind::kTest:
      res = Val::Own(Value(EvalTest(e)));
      break;
    case ExprKind::kLogic:
      // eval_as_bool applies `not` itself, and it is applied again below (as in Tera).
      res = Val::Own(Value(EvalAsBool(e)));
      break;
    case ExprKind::kMath: {
      auto n = EvalAsNumber(e);
      res = Val::Own(n ? n->ToValue() : Value("NaN"));
      break;
    }
  }
  for (const Call& filter : e.filters) {
    if (e.any_special && (filter.IsSafe() || filter.IsDefault())) continue;
    res = CallFilter(res, filter);
    needs_escape = true;
  }
  if (e.negated) return Val::Own(Value(!IsTruthy(*res)));
  if (should_escape_ && needs_escape && res->is_string() && !e.IsMarkedSafe()) {
    const std::string& s = res->get_ref<const std::string&>();
    if (s.find_first_of("&<>\"'/") != std::string::npos) res = Val::Own(Value(EscapeHtml(s)));
  }
  return res;
}

Val Renderer::EvalConcat(const Expr& e, bool* needs_escape) {
  std::string out;
  // Refuses to grow past max_value_bytes before allocating, so `s ~ s` stays bounded.
  auto append = [&](std::string_view piece, const Pos& pos) {
    if (out.size() + piece.size() > env_.limits.max_value_bytes) FailValueTooLarge(pos);
    out += piece;
  };
  for (const ExprP& part : e.items) {
    switch (part->kind) {
      case ExprKind::kString:
        append(part->literal.get_ref<const std::string&>(), part->pos);
        break;
      case ExprKind::kInt:
        append(std::to_string(part->literal.get<int64_t>()), part->pos);
        break;
      case ExprKind::kFloat:
        append(FormatFloat(part->literal.get<double>()), part->pos);
        break;
      case ExprKind::kIdent: {
        Val v = LookupIdent(*part->ident, part->pos);
        if (v->is_string()) {
          append(v->get_ref<const std::string&>(), part->pos);
        } else if (auto n = Number::Of(*v)) {
          append(NumberToString(*n), part->pos);
        } else {
          Fail(part->pos, "Tried to concat a value that is not a string or a number from ident " +
                              part->ident->raw);
        }
        break;
      }
      case ExprKind::kFunctionCall: {
        *needs_escape = true;
        Val v = CallFunction(part->call);
        if (v->is_string()) {
          append(v->get_ref<const std::string&>(), part->pos);
        } else if (auto n = Number::Of(*v)) {
          append(NumberToString(*n), part->pos);
        } else {
          Fail(part->pos,
               "Tried to concat a value that is not a string or a number from "
               "function call " +
                   part->call.name);
        }
        break;
      }
      default:
        Fail(part->pos, "unexpected part in a string concatenation");
    }
  }
  return Built(Value(std::move(out)), e.pos);
}

Kwargs Renderer::EvalArgs(const Call& call) {
  Kwargs args;
  for (const auto& [name, expr] : call.args) args[name] = *SafeEval(*expr);
  return args;
}

// Filters and functions are looked up once per call site and engine generation.
template <typename Map>
const typename Map::mapped_type* Resolve(const Map& map, const Call& call, uint64_t generation) {
  if (call.resolved && call.resolved_generation == generation) {
    return static_cast<const typename Map::mapped_type*>(call.resolved);
  }
  auto it = map.find(call.name);
  if (it == map.end()) return nullptr;
  call.resolved = &it->second;
  call.resolved_generation = generation;
  return &it->second;
}

Val Renderer::CallFunction(const Call& call) {
  const Function* fn = Resolve(*env_.functions, call, env_.generation);
  if (!fn) Fail(call.pos, "Function '" + call.name + "' not found");
  Kwargs args = EvalArgs(call);
  Value result;
  try {
    result = (*fn)(args);
  } catch (const RenderError&) {
    throw;
  } catch (const std::exception& e) {
    Fail(call.pos, "Function call '" + call.name + "' failed: " + ErrorText(e));
  }
  return Built(std::move(result), call.pos);
}

Val Renderer::CallFilter(const Val& value, const Call& call) {
  const Filter* filter = Resolve(*env_.filters, call, env_.generation);
  if (!filter) Fail(call.pos, "Filter '" + call.name + "' not found");
  Kwargs args = EvalArgs(call);
  Value result;
  try {
    result = (*filter)(*value, args);
  } catch (const RenderError&) {
    throw;
  } catch (const std::exception& e) {
    Fail(call.pos, "Filter call '" + call.name + "' failed: " + ErrorText(e));
  }
  return Built(std::move(result), call.pos);
}

bool Renderer::EvalTest(const Expr& e) {
  const TestCall& test = *e.test;
  auto it = env_.testers->find(test.name);
  if (it == env_.testers->end()) Fail(e.pos, "Test '" + test.name + "' not found");
  std::vector<Value> args;
  for (const ExprP& arg : test.args) args.push_back(*SafeEval(*arg));
  Val found;
  try {
    found = LookupIdent(test.subject, e.pos);
  } catch (const RenderError&) {
  }
  try {
    bool result = it->second(found.get(), args);
    return test.negated ? !result : result;
  } catch (const std::exception& ex) {
    Fail(e.pos, "Test call '" + test.name + "' failed: " + ErrorText(ex));
  }
}

bool Renderer::EvalIn(const Expr& e) {
  Val lhs = SafeEval(*e.lhs);
  Val rhs = SafeEval(*e.rhs);
  bool present = false;
  if (rhs->is_array()) {
    for (const Value& item : *rhs) {
      if (Equal(item, *lhs)) {
        present = true;
        break;
      }
    }
  } else if (rhs->is_string()) {
    if (!lhs->is_string()) {
      Fail(e.pos, "Tried to check if " + Display(*lhs) + " is in a string, but it isn't a string");
    }
    present = rhs->get_ref<const std::string&>().find(lhs->get_ref<const std::string&>()) !=
              std::string::npos;
  } else if (rhs->is_object()) {
    if (!lhs->is_string()) {
      Fail(e.pos, "Tried to check if " + Display(*lhs) + " is in a object, but it isn't a string");
    }
    present = rhs->contains(lhs->get_ref<const std::string&>());
  } else {
    Fail(e.pos, "The `in` operator only supports strings, arrays and objects.");
  }
  return e.in_negated ? !present : present;
}

bool Renderer::EvalAsBool(const Expr& e) {
  bool res = false;
  switch (e.kind) {
    case ExprKind::kLogic: {
      LogicOp op = e.logic_op;
      if (op == LogicOp::kOr || op == LogicOp::kAnd) {
        return EvalAndOr(e);
      } else if (op == LogicOp::kEq || op == LogicOp::kNotEq) {
        Val l = Eval(*e.lhs);
        Val r = Eval(*e.rhs);
        if (l->is_number() || r->is_number()) {
          // Different types are unequal, and Tera returns before applying `not`.
          if (!l->is_number() || !r->is_number()) return false;
          bool eq = *AsF64(*l) == *AsF64(*r);
          res = op == LogicOp::kEq ? eq : !eq;
        } else {
          bool eq = Equal(*l, *r);
          res = op == LogicOp::kEq ? eq : !eq;
        }
      } else {
        auto l = EvalExprAsNumber(*e.lhs);
        auto r = EvalExprAsNumber(*e.rhs);
        if (!l || !r) Fail(e.pos, "Comparison to NaN");
        double a = l->AsF64(), b = r->AsF64();
        res = op == LogicOp::kGt    ? a > b
              : op == LogicOp::kGte ? a >= b
              : op == LogicOp::kLt  ? a < b
                                    : a <= b;
      }
      break;
    }
    case ExprKind::kIdent: {
      Val v;
      try {
        v = Eval(e);
      } catch (const RenderError&) {
        v = Val::Own(Value(false));
      }
      res = IsTruthy(*v);
      if (e.negated) res = !res;
      break;
    }
    case ExprKind::kMath:
    case ExprKind::kInt:
    case ExprKind::kFloat: {
      auto n = EvalAsNumber(e);
      res = n && n->AsF64() != 0.0;
      break;
    }
    case ExprKind::kIn:
      res = EvalIn(e);
      break;
    case ExprKind::kTest:
      res = EvalTest(e);
      break;
    case ExprKind::kBool:
      res = e.literal.get<bool>();
      break;
    case ExprKind::kString:
      res = !e.literal.get_ref<const std::string&>().empty();
      break;
    case ExprKind::kFunctionCall: {
      Val v = CallFunction(e.call);
      if (!v->is_boolean()) {
        Fail(e.pos, "Function `" + e.call.name +
                        "` was used in a logic operation but is not returning a bool");
      }
      res = v->get<bool>();
      break;
    }
    case ExprKind::kStringConcat: {
      bool ignored = false;
      res = !EvalConcat(e, &ignored)->get_ref<const std::string&>().empty();
      break;
    }
    case ExprKind::kMacroCall: {
      std::string out;
      RenderMacroCall(e, out);
      res = !out.empty();
      break;
    }
    case ExprKind::kArray:
      Fail(e.pos, "an array cannot be used as a condition");
  }
  return e.negated ? !res : res;
}

// A left-deep chain of `and`/`or` (as the parser builds them), walked in a loop like
// EvalMath, each link short-circuiting and applying its own `not`.
bool Renderer::EvalAndOr(const Expr& e) {
  auto is_and_or = [](const Expr& x) {
    return x.kind == ExprKind::kLogic &&
           (x.logic_op == LogicOp::kOr || x.logic_op == LogicOp::kAnd);
  };
  std::vector<const Expr*> spine{&e};
  while (is_and_or(*spine.back()->lhs)) spine.push_back(spine.back()->lhs.get());
  bool acc = EvalAsBool(*spine.back()->lhs);
  for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
    const Expr& link = **it;
    acc =
        link.logic_op == LogicOp::kOr ? acc || EvalAsBool(*link.rhs) : acc && EvalAsBool(*link.rhs);
    if (link.negated) acc = !acc;
  }
  return acc;
}

std::optional<Number> Renderer::EvalExprAsNumber(const Expr& e) {
  if (e.filters.empty()) return EvalAsNumber(e);
  Val v = Eval(e);
  auto n = Number::Of(*v);
  if (!n) Fail(e.pos, "Tried to do math with an expression not resulting in a number");
  return n;
}

std::optional<Number> Renderer::EvalAsNumber(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kIdent: {
      Val v = LookupIdent(*e.ident, e.pos);
      auto n = Number::Of(*v);
      if (!n) {
        Fail(e.pos,
             "Variable `" + e.ident->raw + "` was used in a math operation but is not a number");
      }
      return n;
    }
    case ExprKind::kInt:
      return Number::FromI64(e.literal.get<int64_t>());
    case ExprKind::kFloat: {
      auto n = Number::FromF64(e.literal.get<double>());
      if (!n) Fail(e.pos, "Float out of bounds");
      return n;
    }
    case ExprKind::kMath:
      return EvalMath(e);
    case ExprKind::kFunctionCall: {
      Val v = CallFunction(e.call);
      auto n = Number::Of(*v);
      if (!n) {
        Fail(e.pos, "Function `" + e.call.name +
                        "` was used in a math operation but is not returning a number");
      }
      return n;
    }
    case ExprKind::kString:
      Fail(e.pos, "Tried to do math with a string: `" + e.literal.get<std::string>() + "`");
    case ExprKind::kBool:
      Fail(e.pos, std::string("Tried to do math with a boolean: `") +
                      (e.literal.get<bool>() ? "true" : "false") + "`");
    case ExprKind::kStringConcat:
      Fail(e.pos, "Tried to do math with a string concatenation");
    case ExprKind::kTest:
      Fail(e.pos, "Tried to do math with a test: " + e.test->name);
    default:
      Fail(e.pos, "this expression cannot be used in a math operation");
  }
}

// `1 + 1 + ... + 1` parses left-deep: its left spine is walked in a loop, so a chain
// of any length costs no stack.
std::optional<Number> Renderer::EvalMath(const Expr& e) {
  std::vector<const Expr*> spine{&e};
  while (spine.back()->lhs->kind == ExprKind::kMath && spine.back()->lhs->filters.empty()) {
    spine.push_back(spine.back()->lhs.get());
  }
  auto acc = EvalExprAsNumber(*spine.back()->lhs);
  for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
    const Expr& op = **it;
    auto r = EvalExprAsNumber(*op.rhs);
    if (!acc || !r) {
      acc = std::nullopt;
      continue;
    }
    try {
      acc = ApplyMath(op.math_op, *acc, *r);
    } catch (const BuiltinError& err) {
      Fail(op.pos, err.what());
    }
  }
  return acc;
}

}  // namespace pond::tmpl
