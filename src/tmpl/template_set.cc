#include "tmpl/template_set.h"

#include <algorithm>

#include "base/error.h"
#include "tmpl/parser.h"
#include "tmpl/unicode.h"

namespace pond::tmpl {

namespace {

void FindBlocks(const Body& body, Template& t) {
  for (const Node& n : body) {
    if (n.kind != NodeKind::kBlock) continue;
    if (t.blocks.count(n.text)) throw Error("Block `" + n.text + "` is duplicated", Where(n.pos));
    t.blocks[n.text] = &n;
    FindBlocks(n.body, t);
  }
}

void CollectIncludes(const Body& body, std::vector<std::string>* out) {
  for (const Node& n : body) {
    switch (n.kind) {
      case NodeKind::kInclude:
        out->insert(out->end(), n.files.begin(), n.files.end());
        break;
      case NodeKind::kMacroDef:
        CollectIncludes(n.macro->body, out);
        break;
      case NodeKind::kFor:
        CollectIncludes(n.body, out);
        if (n.empty_body) CollectIncludes(*n.empty_body, out);
        break;
      case NodeKind::kIf:
        for (const IfBranch& b : n.conditions) CollectIncludes(b.body, out);
        if (n.otherwise) CollectIncludes(n.otherwise->second, out);
        break;
      case NodeKind::kBlock:
      case NodeKind::kFilterSection:
        CollectIncludes(n.body, out);
        break;
      default:
        break;
    }
  }
}

}  // namespace

std::shared_ptr<Template> BuildTemplate(const std::string& name, std::string_view source) {
  auto t = std::make_shared<Template>();
  t->name = name;
  if (!unicode::IsValidUtf8(source)) throw Error("template is not valid UTF-8", name + ":1:1");
  t->ast = ParseTemplate(source, &t->name);
  FindBlocks(t->ast, *t);
  for (const Node& n : t->ast) {
    if (n.kind == NodeKind::kExtends) {
      t->parent = n.text;
      t->parent_pos = n.pos;
    } else if (n.kind == NodeKind::kMacroDef) {
      if (t->macros.count(n.macro->name)) {
        throw Error("Macro `" + n.macro->name + "` is duplicated", Where(n.pos));
      }
      t->macros[n.macro->name] = n.macro;
    } else if (n.kind == NodeKind::kImport) {
      t->imports.emplace_back(n.text, n.name);
      t->import_pos.push_back(n.pos);
    }
  }
  return t;
}

void CollectReferences(const Template& t, std::vector<std::string>* required,
                       std::vector<std::string>* optional) {
  if (t.parent) required->push_back(*t.parent);
  for (const auto& imp : t.imports) required->push_back(imp.first);
  CollectIncludes(t.ast, optional);
}

void LinkTemplates(TemplateMap& templates) {
  for (auto& [name, t] : templates) {
    t->parents.clear();
    t->block_defs.clear();
  }
  for (auto& [name, t] : templates) {
    if (!t->parent && t->blocks.empty()) continue;
    std::vector<const Template*> chain;
    const Template* cur = t.get();
    while (cur->parent) {
      auto it = templates.find(*cur->parent);
      if (it == templates.end()) {
        throw Error("Template '" + cur->name + "' is inheriting from '" + *cur->parent +
                        "', which doesn't exist or isn't loaded.",
                    Where(cur->parent_pos));
      }
      const Template* p = it->second.get();
      if (p == t.get() || std::find(chain.begin(), chain.end(), p) != chain.end()) {
        std::string names;
        for (const Template* c : chain) names += (names.empty() ? "" : ", ") + c->name;
        throw Error("Circular extend detected for template '" + t->name +
                        "'. Inheritance chain: [" + names + "]",
                    Where(t->parent_pos));
      }
      chain.push_back(p);
      cur = p;
    }
    for (const Template* p : chain) t->parents.push_back(p->name);
    for (const auto& [block, node] : t->blocks) {
      std::vector<BlockDef> defs{{t.get(), node}};
      for (const Template* p : chain) {
        auto it = p->blocks.find(block);
        if (it != p->blocks.end()) defs.push_back({p, it->second});
      }
      t->block_defs[block] = std::move(defs);
    }
  }
  for (auto& [name, t] : templates) {
    for (size_t i = 0; i < t->imports.size(); ++i) {
      const std::string& file = t->imports[i].first;
      if (!templates.count(file)) {
        throw Error(
            "Template `" + t->name + "` loads macros from `" + file + "` which isn't present",
            Where(t->import_pos[i]));
      }
    }
  }
}

}  // namespace pond::tmpl
