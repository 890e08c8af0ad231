// Parsed templates and what Tera derives from them (template.rs and
// Tera::build_inheritance_chains): macros, blocks, parents, block definitions.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tmpl/ast.h"

namespace pond::tmpl {

struct Template;
using MacroMap = std::map<std::string, std::shared_ptr<const MacroDef>>;

// One definition of a block: the template holding it and its `block` node.
struct BlockDef {
  const Template* tpl = nullptr;  // owned by the engine's template map
  const Node* node = nullptr;
};

struct Template {
  std::string name;  // Pos::file of every node points here, so a Template never moves
  Body ast;
  MacroMap macros;
  std::vector<std::pair<std::string, std::string>> imports;  // (file, namespace)
  std::vector<Pos> import_pos;
  std::optional<std::string> parent;
  Pos parent_pos;
  std::map<std::string, const Node*> blocks;  // top-level blocks and the blocks inside them

  // Filled by LinkTemplates: parents closest first, and for each of this template's
  // blocks its definitions from this template up through the parents.
  std::vector<std::string> parents;
  std::map<std::string, std::vector<BlockDef>> block_defs;
};

using TemplateMap = std::map<std::string, std::shared_ptr<Template>>;

// Parses `source` into a Template named `name`; throws pond::Error on a syntax error
// or a duplicated block/macro.
std::shared_ptr<Template> BuildTemplate(const std::string& name, std::string_view source);

// Names a template refers to: its parent and imports (required) and includes (optional).
void CollectReferences(const Template& t, std::vector<std::string>* required,
                       std::vector<std::string>* optional);

// Tera::build_inheritance_chains + check_macro_files over all templates: fills
// parents/block_defs; throws pond::Error on a missing parent, circular extends or a
// missing macro file.
void LinkTemplates(TemplateMap& templates);

}  // namespace pond::tmpl
