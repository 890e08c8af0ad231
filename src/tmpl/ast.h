// The parsed form of a template, mirroring Tera's AST (parser/ast.rs) so that the
// renderer can follow Tera's evaluation rules step by step. Every expression and tag
// carries its position for error messages.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tmpl/template.h"

namespace pond::tmpl {

struct Pos {
  const std::string* file = nullptr;  // the template's name, owned by its Template
  uint32_t line = 0;
  uint32_t col = 0;
};
std::string Where(const Pos& pos);  // "name:line:col"

enum class MathOp { kAdd, kSub, kMul, kDiv, kMod };
enum class LogicOp { kGt, kGte, kLt, kLte, kEq, kNotEq, kAnd, kOr };

struct Expr;
using ExprP = std::shared_ptr<const Expr>;
using KwargExprs = std::vector<std::pair<std::string, ExprP>>;  // names unique, last wins

// A function call, filter or macro call.
struct Call {
  std::string ns;  // macro namespace; empty otherwise
  std::string name;
  KwargExprs args;
  Pos pos;
  // `safe` and `default` are not real filters; the renderer special-cases them.
  bool IsSafe() const { return name == "safe"; }
  bool IsDefault() const { return name == "default"; }
  // The renderer's cache of the filter/function `name` resolved to (see Renderer).
  mutable const void* resolved = nullptr;
  mutable uint64_t resolved_generation = 0;
};

// A variable path such as `a.b[c]["d"]`. Tera looks it up as a string `key`
// (brackets rewritten to dots) split into JSON-pointer `tokens`; when the brackets
// hold variables (`sub_vars`) the key is only known at render time.
struct IdentPath {
  std::string raw;
  bool has_bracket = false;
  std::vector<std::string> sub_vars;
  std::vector<std::shared_ptr<const IdentPath>> sub_paths;  // parsed sub_vars
  std::string key;                                          // static paths only
  std::vector<std::string> tokens;                          // static paths only
  size_t dot = std::string::npos;                           // first '.' of key
  bool dump = false;  // `__tera_context`, which prints the whole context
};
std::shared_ptr<IdentPath> MakeIdentPath(const std::string& raw);
// Tera's get_json_pointer followed by serde_json's pointer token split and unescape.
std::vector<std::string> PointerTokens(const std::string& key);

struct TestCall {
  IdentPath subject;
  bool negated = false;
  std::string name;
  std::vector<ExprP> args;
};

enum class ExprKind {
  kString,
  kInt,
  kFloat,
  kBool,
  kIdent,
  kMath,
  kLogic,
  kTest,
  kMacroCall,
  kFunctionCall,
  kArray,
  kStringConcat,
  kIn,
};

struct Expr {
  Expr() = default;
  Expr(const Expr&) = default;
  Expr& operator=(const Expr&) = default;
  // Frees a long left-leaning chain (a + b + ..., a and b and ...) in a loop: the
  // implicit, recursive teardown could exhaust the stack (parser_expr.cc).
  ~Expr();

  ExprKind kind = ExprKind::kString;
  Pos pos;
  bool negated = false;
  std::vector<Call> filters;

  Value literal;  // kString, kInt, kFloat, kBool: the value itself, borrowed when rendering
  std::shared_ptr<const IdentPath> ident;  // kIdent
  MathOp math_op = MathOp::kAdd;           // kMath
  LogicOp logic_op = LogicOp::kAnd;        // kLogic
  bool in_negated = false;                 // kIn: `not in`
  ExprP lhs, rhs;                          // kMath, kLogic, kIn
  std::vector<ExprP> items;                // kArray elements, kStringConcat parts
  Call call;                               // kFunctionCall, kMacroCall
  std::shared_ptr<const TestCall> test;    // kTest

  bool HasDefaultFilter() const { return has_default; }
  bool IsMarkedSafe() const { return marked_safe; }
  // Set once filters are attached (SetFilters), for the render loop.
  bool has_default = false;  // the first filter is `default`
  bool marked_safe = false;  // the last filter is `safe`
  bool any_special = false;  // some filter is `safe` or `default`
  void SetFilters(std::vector<Call> f) {
    filters = std::move(f);
    has_default = !filters.empty() && filters[0].IsDefault();
    marked_safe = !filters.empty() && filters.back().IsSafe();
    any_special = false;
    for (const Call& c : filters) any_special = any_special || c.IsSafe() || c.IsDefault();
  }
};

struct WS {
  bool left = false;   // `{%-`
  bool right = false;  // `-%}`
};

enum class NodeKind {
  kSuper,
  kText,
  kVariable,
  kMacroDef,
  kExtends,
  kInclude,
  kImport,
  kSet,
  kRaw,
  kFilterSection,
  kBlock,
  kFor,
  kIf,
  kBreak,
  kContinue,
  kComment,
};

struct Node;
using Body = std::vector<Node>;

struct IfBranch {
  WS ws;
  ExprP cond;
  Body body;
};

struct MacroDef {
  std::string name;
  KwargExprs args;  // default value, or null when the argument is required
  Body body;
};

struct Node {
  NodeKind kind = NodeKind::kText;
  Pos pos;
  WS ws;      // the tag's own whitespace control (the opening tag of a pair)
  WS end_ws;  // the closing tag of a pair

  std::string text;   // kText, kRaw, kComment; file of kExtends/kImport; kSet key; kBlock name
  std::string name;   // kImport namespace
  ExprP expr;         // kVariable, kSet value, kFor container
  bool flag = false;  // kSet: set_global; kInclude: ignore missing
  std::vector<std::string> files;    // kInclude
  Call filter;                       // kFilterSection
  Body body;                         // kFilterSection, kBlock, kFor
  std::optional<Body> empty_body;    // kFor `else`
  std::string key, value;            // kFor loop variables (key empty unless `for k, v`)
  std::vector<IfBranch> conditions;  // kIf
  std::optional<std::pair<WS, Body>> otherwise;  // kIf `else`
  std::shared_ptr<const MacroDef> macro;         // kMacroDef
};

}  // namespace pond::tmpl
