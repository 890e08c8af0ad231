// How factories read their inputs through the View, and the relations they share.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "factories/input_url.h"
#include "factories/view.h"

namespace pond::factories {

// The node a match `path` of `url` reads as (docs/inputs.md): the node itself for a
// bare glob or file://, and a table or series node for series:// and table://. A data
// node read as Parquet or through a format is a computed table (a series when it has a
// `timestamp`: oteljson, series://) whose parse is kept in the pond's cache, keyed by
// the bytes' identity, so each version is parsed once. Throws naming the path when the
// match cannot be read so (`not a data file`, `not a Parquet file`, a format's error).
Node InputNode(View& view, const InputUrl& url, const std::string& path);

// Every file matched by `url` as one relation, each through InputNode (several
// matches: UNION ALL BY NAME). Throws `pattern matched nothing (<url>)`, or for a
// match that is not a table or series.
std::string MatchedRelation(View& view, const InputUrl& url);
// The same restricted to `range` (View::RelationSql with a range).
std::string MatchedRelation(View& view, const InputUrl& url, const TimeRange& range);

// sha256 hex of `parts` (each length-prefixed, so no two lists give one text), or
// nullopt when one is nullopt: an identity made of unknown parts is unknown.
std::optional<std::string> Digest(const std::vector<std::optional<std::string>>& parts);
// The identities of the transform nodes `transforms` (pond paths), as Digest parts.
void AddTransformIdentities(View& view, const std::vector<std::string>& transforms,
                            std::vector<std::optional<std::string>>& parts);

// The matches of `in_pattern` (files only, or directories too), grouped by the name
// `out_pattern` gives each (docs/factories.md, "Config rules", 3), in match order. Throws
// `pattern matched nothing (<in_pattern>)`.
std::map<std::string, std::vector<GlobMatch>> GroupedMatches(View& view,
                                                             const std::string& in_pattern,
                                                             const std::string& out_pattern,
                                                             bool files_only);

// A directory with one child per name `out_pattern` gives the matches of
// `in_pattern` (template, temporal-reduce). Subclasses make the child for the
// matches of one name: one, or several when they can be merged (`merges`);
// otherwise two matches with one name are an error naming both (where = the node).
class MatchedDir : public Generated {
 public:
  MatchedDir(std::string path, std::string in_pattern, std::string out_pattern, bool files_only,
             bool merges)
      : path_(std::move(path)),
        in_pattern_(std::move(in_pattern)),
        out_pattern_(std::move(out_pattern)),
        files_only_(files_only),
        merges_(merges) {}

  Shape shape() const override { return Shape::kDir; }
  std::vector<std::string> List(View& view) const override;
  std::shared_ptr<const Generated> Child(View& view, const std::string& name) const override;

  // At mknod: refuses what the matches that exist now would make fail on every
  // read (two matches for one name that cannot be merged). Inputs that do not
  // exist yet are not an error.
  void CheckMatches(View& view) const;

 protected:
  // The child at `child_path` for `matches` (several only when merging).
  virtual std::shared_ptr<const Generated> MakeChild(
      const std::string& child_path, const std::vector<GlobMatch>& matches) const = 0;
  // For a merging dir: throws, naming `name` and the inputs, when `matches` cannot be
  // merged into one child. Nothing by default.
  virtual void CheckMerge(View& /*view*/, const std::string& /*name*/,
                          const std::vector<GlobMatch>& /*matches*/) const {}
  const std::string& path() const { return path_; }

 private:
  std::map<std::string, std::vector<GlobMatch>> Matches(View& view) const;

  std::string path_, in_pattern_, out_pattern_;
  bool files_only_, merges_;
};

// A relation with a TIMESTAMP column named `timestamp` plus `columns`.
struct TimedRelation {
  std::string relation;
  std::vector<std::string> columns;  // output names, without `timestamp`
};

// Full outer join of `parts` on `timestamp`, ordered by it: `timestamp` (the first
// non-NULL of the parts') then each part's columns in order. Throws
// `duplicate output column 'x' (<where>)` when two parts share a column name.
std::string FullOuterJoinOnTime(const std::vector<TimedRelation>& parts, const std::string& where);

// A transform (column-rename): rewrites an input relation's columns.
class Transform : public Generated {
 public:
  Shape shape() const override { return Shape::kTransform; }
  // `relation` with its columns renamed and cast; the time column is never renamed.
  // `input` names the input in errors.
  virtual std::string Apply(View& view, const std::string& relation, const std::string& time_column,
                            const std::string& input) const = 0;
};

// The transform node at `path`; throws `no such node` or `not a transform (<path>)`.
std::shared_ptr<const Transform> GetTransform(View& view, const std::string& path);

// `relation` through each transform of `transforms` (pond paths), in order.
std::string ApplyTransforms(View& view, std::string relation,
                            const std::vector<std::string>& transforms,
                            const std::string& time_column, const std::string& input);

}  // namespace pond::factories
