// Rendering of nodes: loops, conditions, inheritance, includes and macros.
#include "tmpl/renderer.h"

#include "tmpl/errors.h"
#include "tmpl/unicode.h"

namespace pond::tmpl {

namespace {

const Template& RootOf(const TemplateMap& templates, const Template& t) {
  if (t.parents.empty()) return t;
  return *templates.at(t.parents.back());
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Renderer::Renderer(const RenderEnv& env, const Template& tpl, const Value& context)
    : env_(env),
      template_(tpl),
      template_root_(RootOf(*env.templates, tpl)),
      stack_(context, &tpl),
      should_escape_(EndsWith(tpl.name, ".html") || EndsWith(tpl.name, ".htm") ||
                     EndsWith(tpl.name, ".xml")) {}

void Renderer::Render(std::string& out) {
  LimitsScope scope(&env_.limits);
  AddMacros(template_, Pos{&template_.name, 1, 1});
  for (const Node& n : template_root_.ast) RenderNode(n, out);
}

const Template& Renderer::GetTemplate(const std::string& name, const Pos& pos) const {
  auto it = env_.templates->find(name);
  if (it == env_.templates->end()) Fail(pos, "Template '" + name + "' not found");
  return *it->second;
}

void Renderer::CheckOutput(const std::string& out, const Pos& pos) const {
  if (out.size() > env_.limits.max_output_bytes) {
    Fail(pos, "output exceeds " + std::to_string(env_.limits.max_output_bytes) + " bytes");
  }
}

void Renderer::RenderBody(const Body& body, std::string& out) {
  for (const Node& n : body) {
    RenderNode(n, out);
    if (stack_.ShouldBreakBody()) break;
  }
}

void Renderer::RenderNode(const Node& n, std::string& out) {
  switch (n.kind) {
    case NodeKind::kComment:
    case NodeKind::kImport:
      break;
    case NodeKind::kText:
    case NodeKind::kRaw:
      out += n.text;
      break;
    case NodeKind::kVariable:
      RenderValue(*Eval(*n.expr), out);
      break;
    case NodeKind::kSet:
      stack_.Assign(n.text, n.flag, SafeEval(*n.expr));
      break;
    case NodeKind::kFilterSection: {
      std::string body;
      RenderBody(n.body, body);
      // `safe` is no real filter: the body is written as is.
      if (n.filter.IsSafe()) {
        out += body;
      } else {
        RenderValue(*CallFilter(Val::Own(Value(std::move(body))), n.filter), out);
      }
      break;
    }
    case NodeKind::kIf:
      RenderIf(n, out);
      break;
    case NodeKind::kFor:
      RenderFor(n, out);
      break;
    case NodeKind::kBreak:
    case NodeKind::kContinue: {
      ForLoop* loop = stack_.CurrentLoop();
      if (!loop) {
        Fail(n.pos, std::string("Attempted `") +
                        (n.kind == NodeKind::kBreak ? "break" : "continue") +
                        "` while not in `for loop`");
      }
      loop->state = n.kind == NodeKind::kBreak ? ForLoop::State::kBreak : ForLoop::State::kContinue;
      break;
    }
    case NodeKind::kBlock:
      RenderBlock(n, 0, out);
      break;
    case NodeKind::kSuper:
      RenderSuper(n, out);
      break;
    case NodeKind::kInclude:
      RenderInclude(n, out);
      break;
    case NodeKind::kExtends:
      Fail(n.pos, "Inheritance in included templates is currently not supported: extended `" +
                      n.text + "`");
    case NodeKind::kMacroDef:
      // Tera renders macro files only through imports.
      Fail(n.pos, "Invalid macro definition: `" + n.macro->name + "`");
  }
  if (out.size() > env_.limits.max_output_bytes) CheckOutput(out, n.pos);
}

void Renderer::RenderIf(const Node& n, std::string& out) {
  for (const IfBranch& branch : n.conditions) {
    if (EvalAsBool(*branch.cond)) {
      RenderBody(branch.body, out);
      return;
    }
  }
  if (n.otherwise) RenderBody(n.otherwise->second, out);
}

void Renderer::RenderFor(const Node& n, std::string& out) {
  const Expr& container = *n.expr;
  std::string name;
  switch (container.kind) {
    case ExprKind::kIdent:
      name = container.ident->raw;
      break;
    case ExprKind::kFunctionCall:
      name = container.call.name;
      break;
    case ExprKind::kArray:
      name = "an array literal";
      break;
    default:
      Fail(container.pos, "Forloop containers have to be an ident or a function call");
  }
  Val val = SafeEval(container);
  auto loop = std::make_unique<ForLoop>();
  loop->key_name = n.key;
  loop->value_name = n.value;
  if (val->is_array() || val->is_string()) {
    if (!n.key.empty()) {
      Fail(container.pos, "Tried to iterate using key value on variable `" + name +
                              "`, but it isn't an object/map");
    }
    loop->container = val;
    if (val->is_array()) {
      loop->kind = ForLoop::Kind::kArray;
      loop->len = val->size();
    } else {
      const std::string& s = val->get_ref<const std::string&>();
      loop->kind = ForLoop::Kind::kString;
      loop->len = unicode::CharCount(s);
      loop->grapheme_starts = unicode::GraphemeStarts(s);
    }
  } else if (val->is_object()) {
    if (n.key.empty()) {
      Fail(container.pos,
           "Tried to iterate using key value on variable `" + name + "`, but it is missing a key");
    }
    loop->kind = ForLoop::Kind::kObject;
    for (const auto& [k, v] : val->get_ref<const Value::object_t&>()) {
      loop->items.emplace_back(&k, val.Sub(v));
    }
    loop->len = loop->items.size();
  } else {
    Fail(container.pos,
         "Tried to iterate on a container (`" + name + "`) that has a unsupported type");
  }
  size_t len = loop->len;
  if (len == 0) {
    if (n.empty_body) RenderBody(*n.empty_body, out);
    return;
  }
  stack_.PushForLoop(n.value, std::move(loop));
  for (size_t i = 0; i < len; ++i) {
    if (++loop_iterations_ > env_.limits.max_loop_iterations) {
      Fail(n.pos, "too many loop iterations (limit " +
                      std::to_string(env_.limits.max_loop_iterations) + ")");
    }
    try {
      RenderBody(n.body, out);
    } catch (const BuiltinError& e) {
      Fail(n.pos, e.what());
    }
    if (stack_.ShouldBreakLoop()) break;
    Frame& frame = stack_.Current();
    frame.vars.clear();
    frame.for_loop->current++;
    frame.for_loop->state = ForLoop::State::kNormal;
  }
  stack_.Pop();
}

// Blocks are looked up from the template being rendered (level 0) up its parents; the
// most derived definition wins. Like Tera, the entry pushed here is never popped.
void Renderer::RenderBlock(const Node& block, size_t level, std::string& out) {
  const Template* active = stack_.ActiveTemplate();
  const Template* level_tpl =
      level == 0 ? active : &GetTemplate(active->parents[level - 1], block.pos);
  auto it = level_tpl->block_defs.find(block.text);
  if (it != level_tpl->block_defs.end()) {
    blocks_.push_back({block.text, level_tpl, level});
    RenderBody(it->second[0].node->body, out);
    return;
  }
  if (level < active->parents.size()) {
    RenderBlock(block, level + 1, out);
    return;
  }
  RenderBody(block.body, out);
}

void Renderer::RenderSuper(const Node& n, std::string& out) {
  if (blocks_.empty()) Fail(n.pos, "Tried to use super() outside of a block");
  BlockFrame current = blocks_.back();
  for (size_t next = current.level + 1; next <= template_.parents.size(); ++next) {
    const Template& t = GetTemplate(template_.parents[next - 1], n.pos);
    auto it = t.block_defs.find(std::string(current.name));
    if (it == t.block_defs.end()) continue;
    const BlockDef& def = it->second[0];
    blocks_.push_back({current.name, def.tpl, next});
    RenderBody(def.node->body, out);
    blocks_.pop_back();
    // Tera drops the block's own entry once the top of the chain is reached.
    if (next >= template_.parents.size()) blocks_.pop_back();
    return;
  }
  Fail(n.pos, "Tried to use super() in the top level block");
}

void Renderer::RenderInclude(const Node& n, std::string& out) {
  for (const std::string& name : n.files) {
    auto it = env_.templates->find(name);
    if (it == env_.templates->end()) continue;
    const Template& t = *it->second;
    AddMacros(t, n.pos);
    if (++call_depth_ > env_.limits.max_call_depth) {
      Fail(n.pos, "too many nested includes and macro calls (limit " +
                      std::to_string(env_.limits.max_call_depth) + ")");
    }
    stack_.PushInclude(name, &t);
    RenderBody(t.ast, out);
    stack_.Pop();
    --call_depth_;
    return;
  }
  if (!n.flag) {
    std::string names;
    for (const std::string& f : n.files) names += (names.empty() ? "" : ", ") + f;
    Fail(n.pos, "Template '[" + names + "]' not found");
  }
}

// MacroCollection::add_macros_from_template: `self`, the imports (and what they
// import), then the parents' namespaces, each without overriding earlier ones.
void Renderer::AddMacros(const Template& t, const Pos& pos) {
  if (macros_.count(t.name)) return;
  if (!macros_loading_.insert(t.name).second)
    Fail(pos, "circular macro import of '" + t.name + "'");
  NamespaceMap spaces;
  if (!t.macros.empty()) spaces["self"] = {&t, &t.macros};
  for (const auto& [file, ns] : t.imports) {
    const Template& mt = GetTemplate(file, pos);
    spaces[ns] = {&mt, &mt.macros};
    AddMacros(mt, pos);
    for (const auto& entry : macros_.at(mt.name)) spaces.insert(entry);
  }
  macros_[t.name] = spaces;
  for (const std::string& parent : t.parents) {
    const Template& pt = GetTemplate(parent, pos);
    AddMacros(pt, pos);
    NamespaceMap inherited = macros_.at(pt.name);
    for (const auto& entry : inherited) macros_[t.name].insert(entry);
  }
  macros_loading_.erase(t.name);
}

void Renderer::RenderMacroCall(const Expr& e, std::string& out) {
  const Call& call = e.call;
  const std::string* active;
  if (!blocks_.empty()) {
    active = &blocks_.back().tpl->name;
  } else if (template_.name != template_root_.name) {
    active = &template_root_.name;
  } else {
    active = &stack_.ActiveTemplate()->name;
  }
  auto spaces = macros_.find(*active);
  const std::pair<const Template*, const MacroMap*>* space = nullptr;
  if (spaces != macros_.end()) {
    auto it = spaces->second.find(call.ns);
    if (it != spaces->second.end()) space = &it->second;
  }
  if (!space) {
    Fail(call.pos, "Macro namespace `" + call.ns + "` was not found in template `" + *active +
                       "`. Have you maybe forgotten to import it, or misspelled it?");
  }
  auto def_it = space->second->find(call.name);
  if (def_it == space->second->end()) {
    Fail(call.pos,
         "Macro `" + call.ns + "::" + call.name + "` not found in template `" + *active + "`");
  }
  const MacroDef& def = *def_it->second;
  FrameVars vars;
  for (const auto& [arg, default_value] : def.args) {
    const Expr* given = nullptr;
    for (const auto& [name, expr] : call.args) {
      if (name == arg) given = expr.get();
    }
    if (!given) given = default_value.get();
    if (!given) {
      Fail(call.pos, "Macro `" + call.name + "` is missing the argument `" + arg + "`");
    }
    vars.emplace_back(arg, SafeEval(*given));
  }
  if (++call_depth_ > env_.limits.max_call_depth) {
    Fail(call.pos, "too many nested includes and macro calls (limit " +
                       std::to_string(env_.limits.max_call_depth) + ")");
  }
  stack_.PushMacro(call.ns, call.name, std::move(vars), space->first);
  RenderBody(def.body, out);
  stack_.Pop();
  --call_depth_;
}

}  // namespace pond::tmpl
