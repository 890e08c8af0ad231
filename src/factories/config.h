// Reading factory configs (docs/factories.md, "Config rules"): every error is one
// line naming the field and `<source>:<line>` (1-based, from yaml-cpp's Mark).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "factories/factory.h"
#include "factories/input_url.h"

namespace pond::factories {

// `<source>:<line>` of a node; just the source when the node has no position.
std::string WhereOf(const Config& config, const YAML::Node& node);

// One YAML map of a config. Construction rejects a non-map, duplicate keys and keys
// not in `known`, so a misspelled field reads `unknown field 'resolution' (r.yaml:4)`
// rather than `missing field 'resolutions'`.
class Fields {
 public:
  Fields(const YAML::Node& map, const Config& config, std::string_view what,
         std::initializer_list<std::string_view> known);

  bool Has(std::string_view key) const;
  // The value; throws `missing field '<key>' (<source>:<line of the map>)`.
  YAML::Node Required(std::string_view key) const;
  // The value, or an undefined node when absent.
  YAML::Node Optional(std::string_view key) const;

  std::string String(std::string_view key) const;
  std::optional<std::string> OptionalString(std::string_view key) const;
  // A list of scalars; an absent optional list is empty.
  std::vector<std::string> StringList(std::string_view key) const;
  std::vector<std::string> OptionalStringList(std::string_view key) const;
  // A list of nodes (each checked by the caller).
  std::vector<YAML::Node> List(std::string_view key) const;

  const Config& config() const { return config_; }
  std::string Where(const YAML::Node& node) const { return WhereOf(config_, node); }
  std::string Where() const { return WhereOf(config_, map_); }

 private:
  YAML::Node map_;
  const Config& config_;
};

// A scalar as text; throws `field '<field>' must be a string (<where>)` otherwise.
std::string ScalarText(const YAML::Node& node, std::string_view field, const Config& config);

// The pattern after checking it is a valid pond glob (error names the field and line).
std::string GlobField(const Fields& fields, std::string_view key);
// An input pattern: a bare glob or a URL (input_url.h), checked the same way.
InputUrl InputField(const Fields& fields, std::string_view key);
// The same for a scalar that is not a map field (`patterns.NAME`).
InputUrl InputText(const YAML::Node& node, std::string_view field, const Config& config);
std::string PathField(const Fields& fields, std::string_view key);
// The optional `transforms` list: normalized pond paths of column-rename nodes,
// applied in order to each input (timeseries-join inputs, temporal-reduce and
// timeseries-pivot matches).
std::vector<std::string> TransformsField(const Fields& fields);

// Checks an out_pattern against its in_pattern at mknod, so a config no match can
// expand is refused there rather than on every later read: `$` must be followed by
// digits or `$`, no `/`, a pattern without captures must be a valid name, and without
// `**` in in_pattern (whose capture count varies) every `$N` must be below the
// number of `*`.
void CheckOutPattern(std::string_view pattern, std::string_view in_pattern,
                     const std::string& where);
// `$0`, `$12` → captures[0], captures[12] (digits are maximal); `$$` → `$`. Throws
// when an index is beyond the captures, or the result is not a valid name;
// `where` is the match's path.
std::string ExpandOutPattern(std::string_view pattern, const std::vector<std::string>& captures,
                             const std::string& where);

// The `time_column` field (default `timestamp`).
std::string TimeColumnField(const Fields& fields);

}  // namespace pond::factories
