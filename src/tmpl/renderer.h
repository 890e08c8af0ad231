// Renders one template: a port of Tera's renderer/processor.rs, keeping its order of
// evaluation, its escaping rules and its quirks (see the comments at each).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "tmpl/builtins.h"
#include "tmpl/call_stack.h"
#include "tmpl/template_set.h"

namespace pond::tmpl {

// What a render needs from the engine.
struct RenderEnv {
  const TemplateMap* templates = nullptr;
  const std::unordered_map<std::string, Filter>* filters = nullptr;
  const std::unordered_map<std::string, Tester>* testers = nullptr;
  const std::unordered_map<std::string, Function>* functions = nullptr;
  uint64_t generation = 0;  // changes whenever a filter or function is (re)registered
  Limits limits;
};

class Renderer {
 public:
  Renderer(const RenderEnv& env, const Template& tpl, const Value& context);
  // Appends the output; throws RenderError.
  void Render(std::string& out);

 private:
  // Nodes (renderer.cc).
  void RenderBody(const Body& body, std::string& out);
  void RenderNode(const Node& n, std::string& out);
  void RenderFor(const Node& n, std::string& out);
  void RenderIf(const Node& n, std::string& out);
  void RenderBlock(const Node& block, size_t level, std::string& out);
  void RenderSuper(const Node& n, std::string& out);
  void RenderInclude(const Node& n, std::string& out);
  void RenderMacroCall(const Expr& e, std::string& out);
  const Template& GetTemplate(const std::string& name, const Pos& pos) const;
  void AddMacros(const Template& t, const Pos& pos);
  void CheckOutput(const std::string& out, const Pos& pos) const;

  // Expressions (renderer_eval.cc).
  Val Eval(const Expr& e);
  Val SafeEval(const Expr& e);
  bool EvalAsBool(const Expr& e);
  std::optional<Number> EvalAsNumber(const Expr& e);      // Tera's eval_as_number (ExprVal)
  std::optional<Number> EvalExprAsNumber(const Expr& e);  // eval_expr_as_number (Expr)
  std::optional<Number> EvalMath(const Expr& e);
  bool EvalAndOr(const Expr& e);
  bool EvalIn(const Expr& e);
  bool EvalTest(const Expr& e);
  Val LookupIdent(const IdentPath& path, const Pos& pos);
  Val LookupPath(const IdentPath& path, const Pos& pos);
  std::string EvaluateKey(const IdentPath& path, const Pos& pos);
  Val DefaultValue(const Expr& e);
  Val CallFunction(const Call& call);
  Val CallFilter(const Val& value, const Call& call);
  Kwargs EvalArgs(const Call& call);
  Val EvalConcat(const Expr& e, bool* needs_escape);
  // Counts a value this render built against the Limits on bytes and depth.
  Val Built(Value v, const Pos& pos);
  // Adds v's size to *size; false when v nests deeper than max_value_depth.
  bool Measure(const Value& v, int depth, uint64_t* size) const;
  [[noreturn]] void FailValueTooLarge(const Pos& pos) const;

  const RenderEnv& env_;
  const Template& template_;       // the template asked for
  const Template& template_root_;  // its top-most parent, whose AST is rendered
  CallStack stack_;
  bool should_escape_;
  uint64_t loop_iterations_ = 0;
  uint64_t built_bytes_ = 0;
  int call_depth_ = 0;

  // Macro namespaces per template (Tera's MacroCollection): template name ->
  // namespace -> (template defining the macros, its macros).
  using NamespaceMap = std::map<std::string, std::pair<const Template*, const MacroMap*>>;
  std::map<std::string, NamespaceMap> macros_;
  std::set<std::string> macros_loading_;

  // Blocks being rendered, for super() and macro lookup: (block, template, level).
  struct BlockFrame {
    std::string_view name;
    const Template* tpl;
    size_t level;
  };
  std::vector<BlockFrame> blocks_;
};

}  // namespace pond::tmpl
