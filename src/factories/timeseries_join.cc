// timeseries-join (docs/factories.md): inputs of one scope are stacked (UNION BY
// NAME, each after its own range filter and transforms), then scopes are
// full-outer-joined on time; columns become `<scope>.<column>`.
#include <algorithm>
#include <optional>

#include "base/error.h"
#include "base/time.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "factories/sql.h"
#include "path/path.h"

namespace pond::factories {

namespace {

struct JoinInput {
  InputUrl pattern;
  std::optional<std::string> scope;
  std::optional<int64_t> begin, end;  // half-open, µs UTC
  std::vector<std::string> transforms;
};

struct JoinConfig {
  std::string time_column;
  std::vector<JoinInput> inputs;
  std::string text;  // expanded: what the node's identity names
};

std::optional<int64_t> TimeField(const Fields& f, std::string_view key) {
  std::optional<std::string> text = f.OptionalString(key);
  if (!text) return std::nullopt;
  std::optional<int64_t> t = ParseTime(*text);
  if (!t)
    throw Error("field '" + std::string(key) + "' is not a time: '" + *text + "'",
                f.Where(f.Required(key)));
  return t;
}

JoinInput ParseInput(const YAML::Node& node, const Config& c) {
  Fields f(node, c, "an input", {"pattern", "scope", "range", "transforms"});
  JoinInput in;
  in.pattern = InputField(f, "pattern");
  in.scope = f.OptionalString("scope");
  if (in.scope && in.scope->empty())
    throw Error("field 'scope' must not be empty", f.Where(f.Required("scope")));
  if (YAML::Node range = f.Optional("range"); range.IsDefined() && !range.IsNull()) {
    Fields r(range, c, "field 'range'", {"begin", "end"});
    in.begin = TimeField(r, "begin");
    in.end = TimeField(r, "end");
    if (in.begin && in.end && *in.begin >= *in.end)
      throw Error("range begin must be before its end", r.Where());
  }
  in.transforms = TransformsField(f);
  return in;
}

JoinConfig Parse(const Config& c) {
  Fields f(c.root, c, "config", {"time_column", "inputs"});
  JoinConfig out;
  out.text = c.text;
  out.time_column = TimeColumnField(f);
  for (const auto& item : f.List("inputs")) out.inputs.push_back(ParseInput(item, c));
  if (out.inputs.empty())
    throw Error("field 'inputs' must not be empty", f.Where(f.Required("inputs")));
  return out;
}

class JoinNode : public Generated {
 public:
  JoinNode(std::string path, JoinConfig config)
      : path_(std::move(path)), config_(std::move(config)) {}

  Shape shape() const override { return Shape::kSeries; }

  std::string RelationSql(View& view) const override { return RangeRelationSql(view, {}); }

  // An output row at time t comes from the inputs' rows at t only, so the rows in a
  // range are the join of the inputs' rows in it.
  std::string RangeRelationSql(View& view, const TimeRange& range) const override {
    View::Guard guard(view, path_);
    // Scopes in order of first appearance; an input without scope stands alone. An
    // input matching nothing (an instrument not collected yet, or retired) is left
    // out with a warning; only a join with no input at all fails.
    std::vector<const JoinInput*> present;
    for (const auto& in : config_.inputs)
      if (!view.MatchedFiles(in.pattern.glob).empty()) present.push_back(&in);
    if (present.empty()) {
      std::string patterns;
      for (const auto& in : config_.inputs) patterns += (patterns.empty() ? "" : ", ") + in.pattern.text;
      throw Error("no input matched anything: " + patterns, path_);
    }
    for (const auto& in : config_.inputs)
      if (std::find(present.begin(), present.end(), &in) == present.end())
        view.WarnOnce(path_ + ": input matched nothing, joined without it", in.pattern.text);

    std::vector<std::pair<std::optional<std::string>, std::vector<TimedRelation>>> groups;
    for (const JoinInput* in : present) {
      TimedRelation relation = InputRelation(view, *in, range);
      auto it = in->scope ? std::find_if(groups.begin(), groups.end(),
                                         [&](const auto& g) { return g.first == in->scope; })
                          : groups.end();
      if (it == groups.end()) {
        groups.emplace_back(in->scope, std::vector<TimedRelation>{});
        it = std::prev(groups.end());
      }
      it->second.push_back(std::move(relation));
    }

    std::vector<TimedRelation> parts;
    for (auto& [scope, inputs] : groups) {
      if (!scope || ScopeSize(*scope) == 1) {
        parts.push_back(std::move(inputs[0]));
        continue;
      }
      std::vector<std::string> relations;
      for (const auto& in : inputs) relations.push_back(in.relation);
      // Live collection and archives overlap: a reading in both is one reading. A
      // scope configured with several inputs is merged so even while only one of them
      // matches (before the first collection), or its rows would change with the
      // arrival of another input's.
      TimedRelation part{sql::UnionByName(relations), {}};
      for (const auto& c : view.Describe(part.relation))
        if (c.name != "timestamp") part.columns.push_back(c.name);
      parts.push_back(std::move(part));
    }
    if (parts.size() == 1)
      return sql::Select().From(parts[0].relation).OrderBy(sql::Ident("timestamp")).Relation();
    return FullOuterJoinOnTime(parts, path_);
  }

  // The join's config and, per input, its matches' identities over the part of
  // `range` that input reads, and its transforms'.
  std::optional<std::string> Identity(View& view, const TimeRange& range) const override {
    if (!RangesApply()) return std::nullopt;
    View::Guard guard(view, path_);
    std::vector<std::optional<std::string>> parts{"timeseries-join", config_.text};
    for (const auto& in : config_.inputs) {
      const TimeRange within = Within(in, range);
      for (const GlobMatch& m : view.MatchedFiles(in.pattern.glob)) {
        parts.push_back(m.path);
        parts.push_back(view.Identity(InputNode(view, in.pattern, m.path), within));
      }
      AddTransformIdentities(view, in.transforms, parts);
    }
    return Digest(parts);
  }

  std::optional<TimeExtent> Extent(View& view) const override {
    if (!RangesApply()) return std::nullopt;
    View::Guard guard(view, path_);
    TimeExtent out;
    for (const auto& in : config_.inputs) {
      for (const GlobMatch& m : view.MatchedFiles(in.pattern.glob)) {
        std::optional<TimeExtent> e = view.Extent(InputNode(view, in.pattern, m.path));
        if (!e) return std::nullopt;
        out.null_times |= e->null_times;  // whatever the range: a join keeps them
        if (e->empty) continue;
        if (in.begin) e->min = std::max(e->min, *in.begin);
        if (in.end) e->max = std::min(e->max, *in.end - 1);
        if (e->min <= e->max) out.Add(*e);
      }
    }
    return out;
  }

 private:
  // How many inputs the config gives `scope`.
  size_t ScopeSize(const std::string& scope) const {
    return static_cast<size_t>(
        std::count_if(config_.inputs.begin(), config_.inputs.end(),
                      [&](const JoinInput& in) { return in.scope == scope; }));
  }

  // Ranges name the inputs' stored `timestamp` only when that is the time column.
  bool RangesApply() const { return config_.time_column == "timestamp"; }

  // `range` within the input's own range.
  static TimeRange Within(const JoinInput& in, const TimeRange& range) {
    TimeRange out = range;
    if (in.begin) out.begin = std::max(out.begin.value_or(*in.begin), *in.begin);
    if (in.end) out.end = std::min(out.end.value_or(*in.end), *in.end);
    return out;
  }

  // One input: filtered by its range (and `range`), transformed, renamed to
  // `timestamp` plus `<scope>.<column>`. A range changes the rows, not the columns:
  // those are bound on the whole relations, once per View whatever the range.
  // The time is taken after the transforms, which may make it (an HTML export's
  // `Date Time` renamed and cast to `timestamp`).
  TimedRelation InputRelation(View& view, const JoinInput& in, const TimeRange& range) const {
    const TimeRange within = RangesApply() ? Within(in, range) : TimeRange{in.begin, in.end};
    const std::string& label = in.pattern.text;
    const std::string whole = MatchedRelation(view, in.pattern);
    std::string relation =
        RangesApply() && (within.begin || within.end) ? MatchedRelation(view, in.pattern, within)
                                                      : whole;
    relation = ApplyTransforms(view, relation, in.transforms, config_.time_column, label);
    const auto columns = view.Describe(
        in.transforms.empty()
            ? whole
            : ApplyTransforms(view, whole, in.transforms, config_.time_column, label));
    const std::string time = sql::TimeExpr(columns, config_.time_column, label);
    if (const std::string w = sql::InRange(time, within); !w.empty())
      relation = sql::Select().From(relation).Where(w).Relation();

    sql::Select renamed;
    TimedRelation out;
    renamed.Column(time, "timestamp");
    for (const auto& c : columns) {
      if (c.name == config_.time_column) continue;
      const std::string name = in.scope ? *in.scope + "." + c.name : c.name;
      if (name == "timestamp")
        throw Error("input column 'timestamp' clashes with the output time column", label);
      renamed.Column(sql::Ident(c.name), name);
      out.columns.push_back(name);
    }
    out.relation = renamed.From(relation).Relation();
    return out;
  }

  std::string path_;
  JoinConfig config_;
};

class TimeseriesJoin : public Factory {
 public:
  std::string name() const override { return "timeseries-join"; }
  std::string description() const override { return "full outer join of series on time"; }
  Shape shape() const override { return Shape::kSeries; }
  void Validate(const Config& config) const override { Parse(config); }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<JoinNode>(path, Parse(config));
  }
};

}  // namespace

const Factory& TimeseriesJoinFactory() {
  static const TimeseriesJoin f;
  return f;
}

}  // namespace pond::factories
