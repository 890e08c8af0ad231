// Whitespace control, as Tera's parser/whitespace.rs does it after parsing (including
// its quirks: the `else` body of a for loop is left untouched).
#include "tmpl/parser.h"
#include "tmpl/unicode.h"

namespace pond::tmpl {

namespace {

// trim_right_previous!: trims the end of the last node if it is text, dropping it if empty.
void TrimRightPrevious(Body& nodes) {
  if (nodes.empty() || nodes.back().kind != NodeKind::kText) return;
  std::string_view trimmed = unicode::TrimEnd(nodes.back().text);
  if (trimmed.empty()) {
    nodes.pop_back();
  } else {
    nodes.back().text.resize(trimmed.size());
  }
}

}  // namespace

Body RemoveWhitespace(Body nodes, const WS* body_ws) {
  Body res;
  res.reserve(nodes.size());
  bool previous_was_text = false;
  bool trim_left_next = body_ws && body_ws->left;

  for (Node& n : nodes) {
    switch (n.kind) {
      case NodeKind::kText: {
        previous_was_text = true;
        if (!trim_left_next) {
          res.push_back(std::move(n));
          continue;
        }
        trim_left_next = false;
        std::string_view trimmed = unicode::TrimStart(n.text);
        if (!trimmed.empty()) {
          n.text = std::string(trimmed);
          res.push_back(std::move(n));
        }
        continue;
      }
      case NodeKind::kVariable:
      case NodeKind::kImport:
      case NodeKind::kExtends:
      case NodeKind::kInclude:
      case NodeKind::kSet:
      case NodeKind::kBreak:
      case NodeKind::kComment:
      case NodeKind::kContinue:
        if (previous_was_text && n.ws.left) TrimRightPrevious(res);
        trim_left_next = n.ws.right;
        break;
      case NodeKind::kRaw:
        if (previous_was_text && n.ws.left) TrimRightPrevious(res);
        trim_left_next = n.end_ws.right;
        if (n.ws.right && n.end_ws.left) {
          n.text = std::string(unicode::Trim(n.text));
        } else if (n.ws.right) {
          n.text = std::string(unicode::TrimStart(n.text));
        } else if (n.end_ws.left) {
          n.text = std::string(unicode::TrimEnd(n.text));
        }
        break;
      case NodeKind::kFor:
      case NodeKind::kMacroDef:
      case NodeKind::kFilterSection:
      case NodeKind::kBlock: {
        if (previous_was_text && n.ws.left) TrimRightPrevious(res);
        previous_was_text = false;
        trim_left_next = n.end_ws.right;
        WS inner{n.ws.right, n.end_ws.left};
        if (n.kind == NodeKind::kMacroDef) {
          auto def = std::make_shared<MacroDef>(*n.macro);
          def->body = RemoveWhitespace(std::move(def->body), &inner);
          n.macro = def;
        } else {
          n.body = RemoveWhitespace(std::move(n.body), &inner);
        }
        res.push_back(std::move(n));
        continue;
      }
      case NodeKind::kIf: {
        trim_left_next = n.end_ws.right;
        std::vector<IfBranch> branches;
        for (IfBranch& branch : n.conditions) {
          if (branch.ws.left) {
            if (branches.empty() && previous_was_text) {
              TrimRightPrevious(res);
            } else if (!branches.empty()) {
              TrimRightPrevious(branches.back().body);
            }
          }
          WS inner{branch.ws.right, false};
          branch.body = RemoveWhitespace(std::move(branch.body), &inner);
          branches.push_back(std::move(branch));
        }
        n.conditions = std::move(branches);
        previous_was_text = false;
        if (n.otherwise) {
          auto& [else_ws, body] = *n.otherwise;
          if (else_ws.left && !n.conditions.empty()) TrimRightPrevious(n.conditions.back().body);
          WS inner{else_ws.right, false};
          body = RemoveWhitespace(std::move(body), &inner);
          if (n.end_ws.left) TrimRightPrevious(body);
        } else if (n.end_ws.left && !n.conditions.empty()) {
          TrimRightPrevious(n.conditions.back().body);
        }
        res.push_back(std::move(n));
        continue;
      }
      case NodeKind::kSuper:
        break;
    }
    previous_was_text = false;
    res.push_back(std::move(n));
  }
  if (body_ws && body_ws->right) TrimRightPrevious(res);
  return res;
}

}  // namespace pond::tmpl
