// Template source -> AST, following Tera 1.17.1's grammar (tera.pest) rule for rule,
// so that exactly the templates Tera accepts parse, with the same meaning.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "tmpl/ast.h"
#include "tmpl/lexer.h"

namespace pond::tmpl {

// A new expression node (for the parser's rules).
inline std::shared_ptr<Expr> NewExpr(ExprKind kind, Pos pos) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->pos = pos;
  return e;
}

// Parses `source` (the template named *file) and applies whitespace control.
// Throws pond::Error naming file:line:col on a syntax error.
Body ParseTemplate(std::string_view source, const std::string* file);

// Tera's remove_whitespace: trims text next to `{%-`/`-%}` and drops empty text.
Body RemoveWhitespace(Body nodes, const WS* body_ws);

// The parser proper. Each rule consumes nothing when it fails (returns null/false);
// results of the rules PEG backtracking retries (fn_call, logic_val) are memoized so
// parsing stays polynomial.
class Parser {
 public:
  Parser(std::string_view src, const std::string* file) : s_(src, file) {}
  Body Template();

  // Expressions (parser_expr.cc).
  ExprP LogicExpr();
  ExprP LogicVal();
  ExprP ArrayFilter();
  ExprP BasicExprFilter();
  ExprP StringExprFilter();
  bool FnCall(Call* out);
  bool Kwargs(KwargExprs* out);
  bool MacroDefArgs(KwargExprs* out);

 private:
  enum class Content { kTop, kMacro, kBlock, kFor, kFilter };

  // Expressions.
  ExprP InOrComparison();
  ExprP ComparisonRest(ExprP lhs, bool lhs_is_string);
  ExprP StringOrComparisonVal();
  ExprP ComparisonValTail(ExprP first);
  ExprP BasicExpr();
  ExprP ParenOrBasicVal();
  ExprP BasicVal();
  ExprP TestExpr(bool negated);
  ExprP StringConcat();
  ExprP ConcatItem();
  ExprP InContainer();
  ExprP ArrayLit();
  bool Kwarg(std::string* name, ExprP* value);
  bool MacroCall(Call* out);
  bool FilterCall(Call* out);
  bool Filters(std::vector<Call>* out);
  ExprP IntLiteral(const std::string& text, size_t at);
  ExprP FloatLiteral(const std::string& text, size_t at);
  void Enter();
  // Refuses a chain of more than kMaxChain operators (a + b + ..., a and b and ...).
  void CheckChain(size_t operators, size_t at);
  void Leave() { --depth_; }

  // Tags and content (parser_tags.cc).
  bool ContentItem(Content kind, Body* out);
  void ContentStar(Content kind, Body* out);
  bool TagStart(bool* left);
  bool TagEnd(bool* right);
  bool SimpleTag(std::string_view keyword, WS* ws, bool optional_ident = false);
  bool CommentTag(Node* out);
  bool IncludeTag(Node* out);
  bool VariableTag(Node* out);
  bool SuperTag();
  bool SetTag(bool global, Node* out);
  bool TextNode(Node* out);
  bool RawNode(Node* out);
  bool FilterSection(Node* out);
  bool ForLoop(Node* out);
  bool IfNode(Content kind, Node* out);
  bool BlockNode(Node* out);
  bool MacroDefinition(Node* out);
  bool ExtendsTag(Node* out);
  bool ImportTag(Node* out);
  bool KeywordTagStart(std::string_view keyword, bool* left);

  Scanner s_;
  int depth_ = 0;
  std::map<size_t, std::pair<size_t, std::shared_ptr<const Call>>> fn_memo_;
  std::map<size_t, std::pair<size_t, ExprP>> logic_val_memo_;
};

}  // namespace pond::tmpl
