// The factory registry. A factory turns a dynamic node's config (YAML, expanded as
// a template first) into computed content. One file per factory, each listed
// in registry.cc. See docs/factories.md.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "factories/view.h"

namespace pond::factories {

// A config after template expansion and YAML parsing. `source` names it in errors
// (the host file at mknod, the pond path later): `unknown field 'x' (reduce.yaml:4)`.
struct Config {
  YAML::Node root;
  std::string source;
  std::string text;                         // the expanded text
  std::map<std::string, std::string> vars;  // the vars it was expanded with
  // The catalog id of the stored dynamic node it configures (LoadConfig); 0 at mknod
  // and for an entry inline in another's config (dynamic-dir). git-ingest keeps its
  // clone by this id, which a `pond mv` keeps.
  uint64_t node_id = 0;
};

// Renders the raw config text as a template with {vars: …} plus each var as a
// top-level name and env(name, default), then parses YAML. Throws Error naming source.
Config ExpandConfig(const std::string& raw, const std::string& source,
                    const std::map<std::string, std::string>& vars);

// The expanded config of a dynamic node (View::ConfigOf, then ExpandConfig; source =
// the node's path). For `pond run`: the hydrovu collector parses config.root.
Config LoadConfig(View& view, const Node& node);

class Factory {
 public:
  virtual ~Factory() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // What the node itself reads as (pond list-factories prints its ShapeName); known
  // without its config, so listing a directory never expands or parses configs.
  virtual Shape shape() const = 0;
  // Whether `pond run` runs its node: executables, and git-ingest, a directory that
  // `pond run NODE pull` updates.
  virtual bool runnable() const { return shape() == Shape::kExecutable; }
  // Checks the config's fields and types (unknown/missing/wrong type: one line naming
  // the field and source:line). Inputs are not read here.
  virtual void Validate(const Config& config) const = 0;
  // At mknod, after Validate: what can be checked against the inputs that exist now
  // (sql-derived binds its query). Throws Error naming `path`. Nothing by default.
  virtual void CheckInputs(View& /*view*/, const std::string& /*path*/,
                           const Config& /*config*/) const {}
  // The node itself. `path` is where it is mounted (symlinks resolved). Validates
  // the config as Validate does; inputs are read later, by the node's methods.
  virtual std::shared_ptr<const Generated> Create(const std::string& path,
                                                  const Config& config) const = 0;
};

// The factory called `name`; throws `unknown factory 'x' (see 'pond list-factories')`.
const Factory& GetFactory(const std::string& name);
// All factories, by name.
std::vector<const Factory*> AllFactories();

// What mknod and apply check before they store `raw` for `factory`: ExpandConfig, then
// factory.Validate. Returns the expanded config.
Config CheckConfig(const Factory& factory, const std::string& raw, const std::string& source,
                   const std::map<std::string, std::string>& vars);

// registry.cc lists every factory explicitly: a static library would drop
// self-registering objects that nothing references.

}  // namespace pond::factories
