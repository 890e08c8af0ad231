// The config of an apply mknod (docs/apply.md, "Processing"): the text stored is the
// canonical, unexpanded text of `spec.config` (canonical_yaml.h); it is checked as
// `pond mknod` checks a config file (factories::CheckConfig), with the document as
// source, so a factory's error keeps its words and names `water.yaml[3]:12`, where 12
// is the line of the host file.
#pragma once

#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

#include "apply/documents.h"
#include "factories/factory.h"

namespace pond::apply {

struct MknodConfig {
  std::string text;           // canonical and unexpanded: what is stored and compared
  factories::Config checked;  // expanded with the environment and `vars`, validated
};

// Throws the factory's or the expansion's pond::Error, its `<source>:<line>` turned
// into `<origin>:<line of the host file>`; origin alone when the line cannot be
// traced back (an expansion that added lines before it).
MknodConfig CheckMknodConfig(const factories::Factory& factory, const YAML::Node& config,
                             const Document& doc, const std::map<std::string, std::string>& vars);

}  // namespace pond::apply
