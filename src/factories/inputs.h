// How factories read their inputs through the View, and the relations they share.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "factories/view.h"

namespace pond::factories {

// Every file matched by `pattern` as one relation (several matches: UNION ALL BY
// NAME). Throws `pattern matched nothing (<pattern>)`, or for a match that is not
// a table or series.
std::string MatchedRelation(View& view, const std::string& pattern);

// The matches of `in_pattern` (files only, or directories too), each named by
// `out_pattern` (spec factories.md rule 3). Throws `pattern matched nothing
// (<in_pattern>)`, or when two matches give one name (where = the node's path).
std::map<std::string, GlobMatch> NamedMatches(View& view, const std::string& in_pattern,
                                              const std::string& out_pattern, bool files_only,
                                              const std::string& where);

// A directory with one child per match of `in_pattern`, named by `out_pattern`
// (template, temporal-reduce). Subclasses make the child for one match.
class MatchedDir : public Generated {
 public:
  MatchedDir(std::string path, std::string in_pattern, std::string out_pattern, bool files_only)
      : path_(std::move(path)),
        in_pattern_(std::move(in_pattern)),
        out_pattern_(std::move(out_pattern)),
        files_only_(files_only) {}

  Shape shape() const override { return Shape::kDir; }
  std::vector<std::string> List(View& view) const override;
  std::shared_ptr<const Generated> Child(View& view, const std::string& name) const override;

 protected:
  // The child at `child_path` for `match`.
  virtual std::shared_ptr<const Generated> MakeChild(const std::string& child_path,
                                                     const GlobMatch& match) const = 0;
  const std::string& path() const { return path_; }

 private:
  std::map<std::string, GlobMatch> Matches(View& view) const;

  std::string path_, in_pattern_, out_pattern_;
  bool files_only_;
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

}  // namespace pond::factories
