#include "tmpl/call_stack.h"

#include "tmpl/errors.h"

namespace pond::tmpl {

namespace {

// serde_json's parse_index: plain decimal, no sign, no leading zero.
bool ParseIndex(const std::string& s, size_t* out) {
  if (s.empty() || s.size() > 19 || (s[0] == '0' && s.size() > 1)) return false;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Val FollowPointer(const Val& v, const std::vector<std::string>& tokens, size_t from) {
  const Value* cur = v.get();
  for (size_t i = from; i < tokens.size(); ++i) {
    if (cur->is_object()) {
      const auto& obj = cur->get_ref<const Value::object_t&>();
      auto it = obj.find(tokens[i]);
      if (it == obj.end()) return Val();
      cur = &it->second;
    } else if (cur->is_array()) {
      size_t idx;
      if (!ParseIndex(tokens[i], &idx) || idx >= cur->size()) return Val();
      cur = &(*cur)[idx];
    } else {
      return Val();
    }
  }
  return v.Sub(*cur);
}

Val ForLoop::CurrentValue() const {
  switch (kind) {
    case Kind::kArray:
      return container.Sub((*container)[current]);
    case Kind::kObject:
      return items[current].second;
    case Kind::kString: {
      if (current >= grapheme_starts.size()) {
        throw BuiltinError("a string for loop ran out of grapheme clusters (Tera panics here)");
      }
      const std::string& s = container->get_ref<const std::string&>();
      size_t start = grapheme_starts[current];
      size_t end = current + 1 < grapheme_starts.size() ? grapheme_starts[current + 1] : s.size();
      return Val::Own(Value(s.substr(start, end - start)));
    }
  }
  return Val();
}

Val ForLoop::CurrentKey() const { return Val::Own(Value(*items[current].first)); }

Val Frame::Find(const std::string& key, size_t dot, const std::vector<std::string>& tokens) const {
  // find_value_in_frame: `set` variables and macro arguments.
  std::string_view root =
      dot == std::string::npos ? std::string_view(key) : std::string_view(key).substr(0, dot);
  for (const auto& [name, val] : vars) {
    if (name != root) continue;
    if (dot == std::string::npos) return val;
    if (Val found = FollowPointer(val, tokens, 1)) return found;
    break;
  }
  if (!for_loop) return Val();
  // find_value_in_for_loop: the key, `loop.*`, then the value.
  const ForLoop& loop = *for_loop;
  if (loop.kind == ForLoop::Kind::kObject && key == loop.key_name) return loop.CurrentKey();
  std::string_view tail =
      dot == std::string::npos ? std::string_view() : std::string_view(key).substr(dot + 1);
  if (root == "loop") {
    if (tail == "index") return Val::Own(Value(static_cast<uint64_t>(loop.current + 1)));
    if (tail == "index0") return Val::Own(Value(static_cast<uint64_t>(loop.current)));
    if (tail == "first") return Val::Own(Value(loop.current == 0));
    if (tail == "last") return Val::Own(Value(loop.current + 1 == loop.len));
    return Val();
  }
  if (key == loop.value_name) return loop.CurrentValue();
  if (root == loop.value_name && !tail.empty())
    return FollowPointer(loop.CurrentValue(), tokens, 1);
  return Val();
}

CallStack::CallStack(const Value& context, const Template* tpl) : context_(context) {
  Frame origin;
  origin.kind = FrameKind::kOrigin;
  origin.name = "ORIGIN";
  origin.active_template = tpl;
  frames_.push_back(std::move(origin));
}

void CallStack::PushForLoop(std::string_view name, std::unique_ptr<ForLoop> loop) {
  Frame f;
  f.kind = FrameKind::kForLoop;
  f.name = name;
  f.active_template = frames_.back().active_template;
  f.for_loop = std::move(loop);
  frames_.push_back(std::move(f));
}

void CallStack::PushMacro(std::string_view ns, std::string_view name, FrameVars vars,
                          const Template* tpl) {
  Frame f;
  f.kind = FrameKind::kMacro;
  f.name = name;
  f.active_template = tpl;
  f.vars = std::move(vars);
  f.macro_namespace = ns;
  frames_.push_back(std::move(f));
}

void CallStack::PushInclude(std::string_view name, const Template* tpl) {
  Frame f;
  f.kind = FrameKind::kInclude;
  f.name = name;
  f.active_template = tpl;
  frames_.push_back(std::move(f));
}

Val CallStack::Lookup(const std::string& key, size_t dot,
                      const std::vector<std::string>& tokens) const {
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
    if (Val found = it->Find(key, dot, tokens)) return found;
    if (it->kind == FrameKind::kMacro || it->kind == FrameKind::kOrigin) break;
  }
  if (!context_.is_object()) return Val();
  const auto& ctx = context_.get_ref<const Value::object_t&>();
  auto it = ctx.find(dot == std::string::npos ? key : tokens[0]);
  if (it == ctx.end()) return Val();
  Val root = Val::Borrow(it->second);
  return dot == std::string::npos ? root : FollowPointer(root, tokens, 1);
}

void CallStack::Assign(std::string_view key, bool global, Val value) {
  Frame* target = &frames_.back();
  if (global && target->kind == FrameKind::kForLoop) {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      if (it->kind != FrameKind::kForLoop) {
        target = &*it;
        break;
      }
    }
  }
  for (auto& [name, val] : target->vars) {
    if (name == key) {
      val = std::move(value);
      return;
    }
  }
  target->vars.emplace_back(key, std::move(value));
}

bool CallStack::ShouldBreakBody() const {
  const ForLoop* loop = frames_.back().for_loop.get();
  return loop && loop->state != ForLoop::State::kNormal;
}

bool CallStack::ShouldBreakLoop() const {
  const ForLoop* loop = frames_.back().for_loop.get();
  return loop && loop->state == ForLoop::State::kBreak;
}

Value CallStack::ContextSnapshot() const {
  Value vars = Value::object();
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
    for (const auto& [name, val] : it->vars) vars[std::string(name)] = *val;
    if (const ForLoop* loop = it->for_loop.get()) {
      vars[std::string(loop->value_name)] = *loop->CurrentValue();
      if (loop->kind == ForLoop::Kind::kObject) {
        vars[std::string(loop->key_name)] = *loop->CurrentKey();
      }
    }
    if (it->kind == FrameKind::kMacro) return vars;
  }
  Value all = context_.is_object() ? context_ : Value::object();
  for (auto& [name, val] : vars.items()) all[name] = val;
  return all;
}

}  // namespace pond::tmpl
