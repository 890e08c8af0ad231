// The renderer's frames (Tera's renderer/call_stack.rs, stack_frame.rs, for_loop.rs):
// where `set` variables, loop variables and macro arguments live, and how a variable
// path is looked up through them and then in the user context.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tmpl/template_set.h"
#include "tmpl/value.h"

namespace pond::tmpl {

enum class FrameKind { kOrigin, kMacro, kForLoop, kInclude };

struct ForLoop {
  enum class Kind { kArray, kString, kObject };
  enum class State { kNormal, kBreak, kContinue };

  Kind kind = Kind::kArray;
  std::string_view key_name;  // set for `for k, v in map`
  std::string_view value_name;
  Val container;                                          // kArray, kString
  std::vector<std::pair<const std::string*, Val>> items;  // kObject: sorted keys
  std::vector<size_t> grapheme_starts;                    // kString
  size_t len = 0;                                         // chars for a string
  size_t current = 0;
  State state = State::kNormal;

  Val CurrentValue() const;  // throws RenderError past the last grapheme (Tera panics)
  Val CurrentKey() const;
};

// The value bound to a name in a frame; `set` keys and macro arguments live in the AST.
using FrameVars = std::vector<std::pair<std::string_view, Val>>;

struct Frame {
  FrameKind kind = FrameKind::kOrigin;
  std::string_view name;
  const Template* active_template = nullptr;
  FrameVars vars;
  std::unique_ptr<ForLoop> for_loop;
  std::string_view macro_namespace;

  Val Find(const std::string& key, size_t dot, const std::vector<std::string>& tokens) const;
};

// Follows pointer tokens [from, end) into `v`: object keys, and array indexes written
// as plain decimal numbers (serde_json's Value::pointer). Empty when a step is missing.
Val FollowPointer(const Val& v, const std::vector<std::string>& tokens, size_t from);

class CallStack {
 public:
  CallStack(const Value& context, const Template* tpl);

  void PushForLoop(std::string_view name, std::unique_ptr<ForLoop> loop);
  void PushMacro(std::string_view ns, std::string_view name, FrameVars vars, const Template* tpl);
  void PushInclude(std::string_view name, const Template* tpl);
  void Pop() { frames_.pop_back(); }
  size_t depth() const { return frames_.size(); }

  // Tera's CallStack::lookup: frames up to the nearest macro/origin frame, then the
  // context. `tokens` are PointerTokens(key). Empty when not found.
  Val Lookup(const std::string& key, size_t dot, const std::vector<std::string>& tokens) const;
  void Assign(std::string_view key, bool global, Val value);

  Frame& Current() { return frames_.back(); }
  const Frame& Current() const { return frames_.back(); }
  const Template* ActiveTemplate() const { return frames_.back().active_template; }
  ForLoop* CurrentLoop() { return frames_.back().for_loop.get(); }

  bool ShouldBreakBody() const;
  bool ShouldBreakLoop() const;
  // The variables visible here, as `{{ __tera_context }}` dumps them.
  Value ContextSnapshot() const;

 private:
  const Value& context_;
  std::vector<Frame> frames_;
};

}  // namespace pond::tmpl
