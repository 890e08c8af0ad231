// Tag and content rules of tera.pest. The tags are compound-atomic (`${}`): only the
// whitespace the grammar spells out is allowed, so e.g. `{% if(x) %}` is an error.
#include "tmpl/parser.h"

namespace pond::tmpl {

Body ParseTemplate(std::string_view source, const std::string* file) {
  Parser parser(source, file);
  return parser.Template();
}

// template = ${ SOI ~ comment_tag* ~ top_imports? ~ content* ~ EOI }
// top_imports = _{ (extends_tag ~ import_macro_tag*) | (import_macro_tag+ ~ extends_tag?) }
Body Parser::Template() {
  Body nodes;
  Node n;
  while (CommentTag(&n)) {
  }
  if (ExtendsTag(&n)) {
    nodes.push_back(std::move(n));
    while (ImportTag(&n)) nodes.push_back(std::move(n));
  } else if (ImportTag(&n)) {
    nodes.push_back(std::move(n));
    while (ImportTag(&n)) nodes.push_back(std::move(n));
    if (ExtendsTag(&n)) nodes.push_back(std::move(n));
  }
  ContentStar(Content::kTop, &nodes);
  if (!s_.AtEnd()) {
    s_.Expect(s_.pos(), "end of input");
    s_.Fail();
  }
  return RemoveWhitespace(std::move(nodes), nullptr);
}

void Parser::ContentStar(Content kind, Body* out) {
  while (ContentItem(kind, out)) {
  }
}

// content, macro_content, block_content, for_content and filter_section_content.
bool Parser::ContentItem(Content kind, Body* out) {
  if (s_.AtEnd()) return false;
  Node n;
  n.pos = s_.Here();
  bool ok = IncludeTag(&n);
  if (!ok && kind == Content::kBlock && SuperTag()) {
    n.kind = NodeKind::kSuper;
    ok = true;
  }
  ok = ok || VariableTag(&n) || CommentTag(&n) || SetTag(false, &n) || SetTag(true, &n);
  if (!ok && kind == Content::kTop) ok = MacroDefinition(&n);
  if (!ok && (kind == Content::kTop || kind == Content::kBlock || kind == Content::kFilter)) {
    ok = BlockNode(&n);
  }
  if (!ok)
    ok = kind == Content::kFilter ? ForLoop(&n) || IfNode(kind, &n)
                                  : IfNode(kind, &n) || ForLoop(&n);
  if (!ok && kind == Content::kFor) {
    if (SimpleTag("break", &n.ws)) {
      n.kind = NodeKind::kBreak;
      ok = true;
    } else if (SimpleTag("continue", &n.ws)) {
      n.kind = NodeKind::kContinue;
      ok = true;
    }
  }
  if (!ok)
    ok = kind == Content::kFilter ? RawNode(&n) || FilterSection(&n)
                                  : FilterSection(&n) || RawNode(&n);
  ok = ok || TextNode(&n);
  if (ok) {
    out->push_back(std::move(n));
  } else {
    s_.Expect(s_.pos(), "some content");
  }
  return ok;
}

bool Parser::TagStart(bool* left) {
  if (s_.Lit("{%-")) {
    *left = true;
    return true;
  }
  *left = false;
  return s_.Lit("{%");
}

bool Parser::TagEnd(bool* right) {
  *right = s_.Lit("-%}");
  return *right || s_.Tok("%}", "`%}` or `-%}`");
}

// tag_start ~ WHITESPACE* ~ "<keyword>" ~ WHITESPACE+ (the head of the atomic tags).
bool Parser::KeywordTagStart(std::string_view keyword, bool* left) {
  size_t start = s_.pos();
  if (TagStart(left)) {
    s_.SkipWs();
    if (s_.Lit(keyword) && s_.Ws1()) return true;
  }
  s_.set_pos(start);
  return false;
}

// !{ tag_start ~ "<keyword>" ~ ident? ~ tag_end } (else, endif, endblock, break, ...)
bool Parser::SimpleTag(std::string_view keyword, WS* ws, bool optional_ident) {
  size_t start = s_.pos();
  if (TagStart(&ws->left)) {
    s_.SkipWs();
    if (s_.Lit(keyword)) {
      s_.SkipWs();
      if (optional_ident && s_.Ident(nullptr)) s_.SkipWs();
      if (TagEnd(&ws->right)) return true;
    }
  }
  s_.set_pos(start);
  s_.Expect(start, "`{% " + std::string(keyword) + " %}`");
  return false;
}

// comment_tag = ${ comment_start ~ comment_text ~ comment_end }; the text is not empty.
bool Parser::CommentTag(Node* out) {
  size_t start = s_.pos();
  bool left = s_.Lit("{#-");
  if (!left && !s_.Lit("{#")) return false;
  std::string_view rest = s_.rest();
  size_t close = rest.find("#}");
  if (close != std::string_view::npos) {
    size_t text_end = close > 0 && rest[close - 1] == '-' ? close - 1 : close;
    if (text_end > 0) {
      *out = Node();
      out->kind = NodeKind::kComment;
      out->pos = s_.PosAt(start);
      out->ws.left = left;
      out->ws.right = text_end != close;
      out->text = std::string(rest.substr(0, text_end));
      s_.set_pos(s_.pos() + close + 2);
      return true;
    }
  }
  s_.Expect(start, "a comment");
  s_.set_pos(start);
  return false;
}

// include_tag = ${ tag_start ~ WHITESPACE* ~ "include" ~ WHITESPACE+ ~ (string | string_array)
//                  ~ WHITESPACE* ~ ignore_missing? ~ WHITESPACE* ~ tag_end }
bool Parser::IncludeTag(Node* out) {
  size_t start = s_.pos();
  Node n;
  n.kind = NodeKind::kInclude;
  n.pos = s_.PosAt(start);
  if (!KeywordTagStart("include", &n.ws.left)) return false;
  std::string file;
  if (s_.StringLit(&file)) {
    n.files.push_back(file);
  } else if (s_.Lit("[")) {
    // string_array = !{ "[" ~ (string ~ ",")* ~ string? ~ "]" }
    s_.SkipWs();
    for (bool first = true;; first = false) {
      size_t save = s_.pos();
      if (!first) s_.SkipWs();
      if (s_.StringLit(&file)) {
        s_.SkipWs();
        if (s_.Lit(",")) {
          n.files.push_back(file);
          continue;
        }
      }
      s_.set_pos(save);
      break;
    }
    s_.SkipWs();
    if (s_.StringLit(&file)) n.files.push_back(file);
    s_.SkipWs();
    if (!s_.Lit("]")) {
      s_.set_pos(start);
      return false;
    }
  } else {
    s_.set_pos(start);
    return false;
  }
  s_.SkipWs();
  size_t save = s_.pos();
  if (s_.Lit("ignore")) {
    s_.SkipWs();
    if (s_.Lit("missing")) {
      n.flag = true;
    } else {
      s_.set_pos(save);
    }
  }
  s_.SkipWs();
  if (!TagEnd(&n.ws.right)) {
    s_.set_pos(start);
    return false;
  }
  *out = std::move(n);
  return true;
}

// variable_tag = !{ variable_start ~ (logic_expr | array_filter) ~ variable_end }
bool Parser::VariableTag(Node* out) {
  size_t start = s_.pos();
  bool left = s_.Lit("{{-");
  if (!left && !s_.Lit("{{")) return false;
  s_.SkipWs();
  ExprP e = LogicExpr();
  if (!e) e = ArrayFilter();
  if (e) {
    s_.SkipWs();
    bool right = s_.Lit("-}}");
    if (right || s_.Tok("}}", "a variable end (`}}`)")) {
      *out = Node();
      out->kind = NodeKind::kVariable;
      out->pos = s_.PosAt(start);
      out->ws = {left, right};
      out->expr = e;
      return true;
    }
  }
  s_.set_pos(start);
  return false;
}

// super_tag = !{ variable_start ~ "super()" ~ variable_end }
bool Parser::SuperTag() {
  size_t start = s_.pos();
  if (s_.Lit("{{-") || s_.Lit("{{")) {
    s_.SkipWs();
    if (s_.Lit("super()")) {
      s_.SkipWs();
      if (s_.Lit("-}}") || s_.Lit("}}")) return true;
    }
  }
  s_.set_pos(start);
  return false;
}

// set_tag = ${ tag_start ~ WHITESPACE* ~ "set" ~ WHITESPACE+ ~ ident ~ WHITESPACE* ~ "=" ~
//              WHITESPACE* ~ (logic_expr | array_filter) ~ WHITESPACE* ~ tag_end }
bool Parser::SetTag(bool global, Node* out) {
  size_t start = s_.pos();
  Node n;
  n.kind = NodeKind::kSet;
  n.pos = s_.PosAt(start);
  n.flag = global;
  if (!KeywordTagStart(global ? "set_global" : "set", &n.ws.left)) return false;
  if (s_.Ident(&n.text)) {
    s_.SkipWs();
    if (s_.Lit("=")) {
      s_.SkipWs();
      n.expr = LogicExpr();
      if (!n.expr) n.expr = ArrayFilter();
      if (n.expr) {
        s_.SkipWs();
        if (TagEnd(&n.ws.right)) {
          *out = std::move(n);
          return true;
        }
      }
    }
  }
  s_.set_pos(start);
  return false;
}

// text = ${ (!(block_start) ~ ANY)+ }
bool Parser::TextNode(Node* out) {
  std::string_view rest = s_.rest();
  size_t end = 0;
  while (end < rest.size()) {
    size_t brace = rest.find('{', end);
    if (brace == std::string_view::npos || brace + 1 >= rest.size()) {
      end = rest.size();
      break;
    }
    char c = rest[brace + 1];
    if (c == '{' || c == '%' || c == '#') {
      end = brace;
      break;
    }
    end = brace + 1;
  }
  if (end == 0) {
    s_.Expect(s_.pos(), "some text");
    return false;
  }
  *out = Node();
  out->kind = NodeKind::kText;
  out->pos = s_.Here();
  out->text = std::string(rest.substr(0, end));
  s_.set_pos(s_.pos() + end);
  return true;
}

// raw = ${ raw_tag ~ raw_text ~ endraw_tag }; raw_text runs to the first endraw_tag.
bool Parser::RawNode(Node* out) {
  size_t start = s_.pos();
  Node n;
  n.kind = NodeKind::kRaw;
  n.pos = s_.PosAt(start);
  if (!SimpleTag("raw", &n.ws)) return false;
  size_t text_start = s_.pos();
  std::string_view text = s_.rest();
  for (size_t search = 0, cand; (cand = text.find("{%", search)) != std::string_view::npos;
       search = cand + 1) {
    s_.set_pos(text_start + cand);
    if (SimpleTag("endraw", &n.end_ws)) {
      n.text = std::string(text.substr(0, cand));
      *out = std::move(n);
      return true;
    }
  }
  s_.set_pos(start);
  return false;
}

// filter_section = ${ filter_tag ~ filter_section_content* ~ endfilter_tag }
bool Parser::FilterSection(Node* out) {
  size_t start = s_.pos();
  Node n;
  n.kind = NodeKind::kFilterSection;
  n.pos = s_.PosAt(start);
  if (!KeywordTagStart("filter", &n.ws.left)) return false;
  size_t at = s_.pos();
  if (!FnCall(&n.filter)) {
    if (!s_.Ident(&n.filter.name)) {
      s_.set_pos(start);
      return false;
    }
    n.filter.pos = s_.PosAt(at);
  }
  s_.SkipWs();
  if (!TagEnd(&n.ws.right)) {
    s_.set_pos(start);
    return false;
  }
  Enter();
  ContentStar(Content::kFilter, &n.body);
  Leave();
  if (!SimpleTag("endfilter", &n.end_ws)) {
    s_.set_pos(start);
    return false;
  }
  *out = std::move(n);
  return true;
}

// forloop = ${ for_tag ~ for_content* ~ (else_tag ~ for_content*)* ~ endfor_tag }
bool Parser::ForLoop(Node* out) {
  size_t start = s_.pos();
  Node n;
  n.kind = NodeKind::kFor;
  n.pos = s_.PosAt(start);
  if (!KeywordTagStart("for", &n.ws.left)) return false;
  auto fail = [&] {
    s_.set_pos(start);
    return false;
  };
  if (!s_.Ident(&n.value)) return fail();
  size_t save = s_.pos();
  std::string second;
  if (s_.Lit(",")) {
    s_.SkipWs();
    if (s_.Ident(&second)) {
      n.key = n.value;
      n.value = second;
    } else {
      s_.set_pos(save);
    }
  }
  if (!s_.Ws1() || !s_.Lit("in") || !s_.Ws1()) return fail();
  n.expr = BasicExprFilter();
  if (!n.expr) n.expr = ArrayFilter();
  if (!n.expr) return fail();
  s_.SkipWs();
  if (!TagEnd(&n.ws.right)) return fail();
  Enter();
  ContentStar(Content::kFor, &n.body);
  WS else_ws;
  while (SimpleTag("else", &else_ws)) {
    n.empty_body = Body();
    ContentStar(Content::kFor, &*n.empty_body);
  }
  Leave();
  if (!SimpleTag("endfor", &n.end_ws)) return fail();
  *out = std::move(n);
  return true;
}

// content_if & co = ${ if_tag ~ C* ~ (elif_tag ~ C*)* ~ (else_tag ~ C*)? ~ endif_tag }
bool Parser::IfNode(Content kind, Node* out) {
  size_t start = s_.pos();
  Node n;
  n.kind = NodeKind::kIf;
  n.pos = s_.PosAt(start);
  auto fail = [&] {
    s_.set_pos(start);
    return false;
  };
  // if_tag / elif_tag = ${ tag_start ~ WHITESPACE* ~ "if" ~ WHITESPACE+ ~ logic_expr ~
  //                       WHITESPACE* ~ tag_end }
  auto cond_tag = [&](std::string_view keyword, IfBranch* branch) {
    size_t at = s_.pos();
    if (!KeywordTagStart(keyword, &branch->ws.left)) {
      if (keyword == "elif") s_.Expect(at, "`{% elif ... %}`");
      return false;
    }
    branch->cond = LogicExpr();
    if (branch->cond) {
      s_.SkipWs();
      if (TagEnd(&branch->ws.right)) return true;
    }
    s_.set_pos(at);
    return false;
  };
  IfBranch branch;
  if (!cond_tag("if", &branch)) return false;
  Enter();
  ContentStar(kind, &branch.body);
  n.conditions.push_back(std::move(branch));
  for (;;) {
    IfBranch elif;
    if (!cond_tag("elif", &elif)) break;
    ContentStar(kind, &elif.body);
    n.conditions.push_back(std::move(elif));
  }
  WS else_ws;
  if (SimpleTag("else", &else_ws)) {
    Body body;
    ContentStar(kind, &body);
    n.otherwise = std::make_pair(else_ws, std::move(body));
  }
  Leave();
  if (!SimpleTag("endif", &n.end_ws)) return fail();
  *out = std::move(n);
  return true;
}

// block = ${ block_tag ~ block_content* ~ endblock_tag }
bool Parser::BlockNode(Node* out) {
  size_t start = s_.pos();
  Node n;
  n.kind = NodeKind::kBlock;
  n.pos = s_.PosAt(start);
  if (!KeywordTagStart("block", &n.ws.left)) return false;
  if (!s_.Ident(&n.text)) {
    s_.set_pos(start);
    return false;
  }
  s_.SkipWs();
  if (!TagEnd(&n.ws.right)) {
    s_.set_pos(start);
    return false;
  }
  Enter();
  ContentStar(Content::kBlock, &n.body);
  Leave();
  if (!SimpleTag("endblock", &n.end_ws, true)) {
    s_.set_pos(start);
    return false;
  }
  *out = std::move(n);
  return true;
}

// macro_definition = ${ macro_tag ~ macro_content* ~ endmacro_tag }
bool Parser::MacroDefinition(Node* out) {
  size_t start = s_.pos();
  Node n;
  n.kind = NodeKind::kMacroDef;
  n.pos = s_.PosAt(start);
  if (!KeywordTagStart("macro", &n.ws.left)) return false;
  auto def = std::make_shared<MacroDef>();
  auto fail = [&] {
    s_.set_pos(start);
    return false;
  };
  if (!s_.Ident(&def->name)) return fail();
  s_.SkipWs();
  if (!s_.Lit("(")) return fail();
  s_.SkipWs();
  size_t save = s_.pos();
  if (!MacroDefArgs(&def->args)) s_.set_pos(save);
  s_.SkipWs();
  if (!s_.Lit(")")) return fail();
  s_.SkipWs();
  if (!TagEnd(&n.ws.right)) return fail();
  Enter();
  ContentStar(Content::kMacro, &def->body);
  Leave();
  if (!SimpleTag("endmacro", &n.end_ws, true)) return fail();
  n.macro = def;
  *out = std::move(n);
  return true;
}

// extends_tag = ${ WHITESPACE* ~ tag_start ~ WHITESPACE* ~ "extends" ~ WHITESPACE+ ~ string
//                  ~ WHITESPACE* ~ tag_end ~ WHITESPACE* }
bool Parser::ExtendsTag(Node* out) {
  size_t start = s_.pos();
  s_.SkipWs();
  Node n;
  n.kind = NodeKind::kExtends;
  n.pos = s_.Here();
  if (KeywordTagStart("extends", &n.ws.left) && s_.StringLit(&n.text)) {
    s_.SkipWs();
    if (TagEnd(&n.ws.right)) {
      s_.SkipWs();
      *out = std::move(n);
      return true;
    }
  }
  s_.set_pos(start);
  return false;
}

// import_macro_tag = ${ WHITESPACE* ~ tag_start ~ WHITESPACE* ~ "import" ~ WHITESPACE+ ~
//   string ~ WHITESPACE+ ~ "as" ~ WHITESPACE+ ~ ident ~ WHITESPACE* ~ tag_end ~ WHITESPACE* }
bool Parser::ImportTag(Node* out) {
  size_t start = s_.pos();
  s_.SkipWs();
  Node n;
  n.kind = NodeKind::kImport;
  n.pos = s_.Here();
  if (KeywordTagStart("import", &n.ws.left) && s_.StringLit(&n.text) && s_.Ws1() && s_.Lit("as") &&
      s_.Ws1() && s_.Ident(&n.name)) {
    s_.SkipWs();
    if (TagEnd(&n.ws.right)) {
      s_.SkipWs();
      *out = std::move(n);
      return true;
    }
  }
  s_.set_pos(start);
  return false;
}

}  // namespace pond::tmpl
