// temporal-reduce (spec factories.md, issue #19): a dynamic directory with, for each
// name out_pattern gives the matches of in_pattern, a directory holding
// `res=<r>.series` per resolution over the rows of those matches (several are
// merged by column name). Buckets are exactly the stated width, aligned to the Unix
// epoch and labelled by their start; empty buckets are not emitted.
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <spdlog/spdlog.h>

#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "factories/sql.h"
#include "path/path.h"
#include "store/table_source.h"

namespace pond::factories {

namespace {

struct Resolution {
  std::string text;      // as written: `2h`
  std::string interval;  // DuckDB interval text: `2 hours`
};

struct Aggregation {
  std::string type;                  // avg|min|max|count|sum
  std::vector<std::string> columns;  // column patterns; empty = every numeric column
  // count with the pattern `*`: rows per bucket, as `timestamp.count` (the original's
  // name); `*` then selects no column.
  bool rows = false;
};

// The output column of a count of rows.
constexpr const char* kRowCount = "timestamp.count";

struct ReduceConfig {
  std::string in_pattern, out_pattern, time_column;
  std::vector<std::string> transforms;
  std::vector<Resolution> resolutions;
  std::vector<Aggregation> aggregations;
};

// `<n>s`, `<n>m`, `<n>h`, `<n>d` or `<n>w`, n ≥ 1 without leading zeros. A week
// is 7 days, so like the others it is aligned to the epoch (weeks start on Thursday).
std::optional<Resolution> ParseResolution(const std::string& text) {
  static const std::regex re("([1-9][0-9]{0,5})([smhdw])");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  const bool one = m[1] == "1";
  static const std::map<char, std::string> kWords{
      {'s', "second"}, {'m', "minute"}, {'h', "hour"}, {'d', "day"}, {'w', "week"}};
  const std::string& word = kWords.at(m[2].str()[0]);
  return Resolution{text, m[1].str() + " " + word + (one ? "" : "s")};
}

std::vector<Resolution> ParseResolutions(const Fields& f) {
  std::vector<Resolution> out;
  std::set<std::string> seen;
  const auto nodes = f.List("resolutions");
  for (const auto& node : nodes) {
    const std::string text = ScalarText(node, "resolutions", f.config());
    std::optional<Resolution> r = ParseResolution(text);
    if (!r)
      throw Error("invalid resolution '" + text + "' (expected <n>s, <n>m, <n>h, <n>d or <n>w)",
                  f.Where(node));
    if (!seen.insert(text).second)
      throw Error("duplicate resolution '" + text + "'", f.Where(node));
    out.push_back(*r);
  }
  if (out.empty())
    throw Error("field 'resolutions' must not be empty", f.Where(f.Required("resolutions")));
  return out;
}

std::vector<Aggregation> ParseAggregations(const Fields& f) {
  std::vector<Aggregation> out;
  for (const auto& node : f.List("aggregations")) {
    Fields a(node, f.config(), "an aggregation", {"type", "columns"});
    Aggregation agg{a.String("type"), a.OptionalStringList("columns")};
    if (agg.type != "avg" && agg.type != "min" && agg.type != "max" && agg.type != "count" &&
        agg.type != "sum")
      throw Error(
          "invalid aggregation type '" + agg.type + "' (expected avg, min, max, count or sum)",
          a.Where(a.Required("type")));
    if (a.Has("columns") && agg.columns.empty())
      throw Error("field 'columns' must not be empty", a.Where(a.Required("columns")));
    if (agg.type == "count") {
      const auto star = std::find(agg.columns.begin(), agg.columns.end(), "*");
      if (star != agg.columns.end()) {
        agg.rows = true;
        agg.columns.erase(star);
      }
    }
    out.push_back(std::move(agg));
  }
  if (out.empty())
    throw Error("field 'aggregations' must not be empty", f.Where(f.Required("aggregations")));
  return out;
}

ReduceConfig Parse(const Config& c) {
  Fields f(
      c.root, c, "config",
      {"in_pattern", "out_pattern", "time_column", "resolutions", "aggregations", "transforms"});
  ReduceConfig out;
  out.in_pattern = GlobField(f, "in_pattern");
  out.out_pattern = f.String("out_pattern");
  CheckOutPattern(out.out_pattern, out.in_pattern, f.Where(f.Required("out_pattern")));
  out.time_column = TimeColumnField(f);
  out.transforms = TransformsField(f);
  out.resolutions = ParseResolutions(f);
  out.aggregations = ParseAggregations(f);
  return out;
}

// Inputs that out_pattern gives one name but that cannot be read as one.
class MergeClash : public Error {
 public:
  using Error::Error;
};

// The rows of `inputs` (several when out_pattern gives them one name: rotating
// files, a replaced instrument), each through the transforms, matched by column
// name; a column only some inputs have is NULL in the others. Two inputs that type
// one column differently (not both numeric) cannot be merged: the error names the
// output `name`, both inputs and the column (where = the node).
std::string MergedInputs(View& view, const std::vector<std::string>& inputs,
                         const ReduceConfig& config, const std::string& name,
                         const std::string& where) {
  std::vector<std::string> relations;
  std::vector<std::vector<store::Column>> columns;  // of each input so far
  for (const auto& input : inputs) {
    relations.push_back(ApplyTransforms(view, view.RelationSql(view.Get(input)), config.transforms,
                                        config.time_column, input));
    if (inputs.size() == 1) break;
    columns.emplace_back();
    for (const auto& c : sql::Describe(view.pond().sql(), relations.back()))
      columns.back().push_back({c.name, c.type});
    for (size_t i = 0; i + 1 < columns.size(); ++i)
      if (auto clash = store::FirstTypeClash(columns[i], columns.back()))
        throw MergeClash("out_pattern gives '" + name + "' for " + inputs[i] + " and " + input +
                             ", whose column '" + clash->first.name + "' is " + clash->first.type +
                             " in one and " + clash->second.type + " in the other",
                         where);
  }
  return sql::UnionAllByName(relations);
}

// Inputs as one label for errors.
std::string Joined(const std::vector<std::string>& inputs) {
  std::string out;
  for (const auto& input : inputs) out += (out.empty() ? "" : ", ") + input;
  return out;
}

// `res=1h.series` of one output: one GROUP BY over its inputs' rows.
class ReducedSeries : public Generated {
 public:
  ReducedSeries(std::string path, std::string dir_path, std::vector<std::string> inputs,
                const Resolution& resolution, std::shared_ptr<const ReduceConfig> config)
      : path_(std::move(path)),
        dir_path_(std::move(dir_path)),
        inputs_(std::move(inputs)),
        label_(Joined(inputs_)),
        resolution_(resolution),
        config_(std::move(config)) {}

  Shape shape() const override { return Shape::kSeries; }

  std::string RelationSql(View& view) const override {
    View::Guard guard(view, path_);
    const std::string input =
        MergedInputs(view, inputs_, *config_, BaseName(dir_path_), ParentPath(dir_path_));
    const auto columns = sql::Describe(view.pond().sql(), input);
    const std::string time = sql::TimeExpr(columns, config_->time_column, label_);

    sql::Select select;
    select.Column("time_bucket(INTERVAL " + sql::Literal(resolution_.interval) + ", " + time +
                      ", TIMESTAMP '1970-01-01')",
                  "timestamp");
    std::set<std::string> outputs{"timestamp"};
    for (const auto& agg : config_->aggregations) {
      if (agg.rows && outputs.insert(kRowCount).second) select.Column("count(*)", kRowCount);
      for (const sql::Column* c : Selected(columns, agg)) {
        const std::string out = c->name + "." + agg.type;
        if (!outputs.insert(out).second)
          throw Error("duplicate output column '" + out + "'", path_);
        const std::string call = agg.type + "(" + sql::Ident(c->name) + ")";
        // count is BIGINT already; the others are DOUBLE whatever the input type.
        select.Column(agg.type == "count" ? call : "CAST(" + call + " AS DOUBLE)", out);
      }
    }
    return select.From(input).Where(time + " IS NOT NULL").GroupBy("1").OrderBy("1").Relation();
  }

 private:
  // The columns `agg` applies to, in table order. A pattern matching no column of
  // this input adds nothing: sites need not carry the same instruments.
  std::vector<const sql::Column*> Selected(const std::vector<sql::Column>& columns,
                                           const Aggregation& agg) const {
    std::vector<const sql::Column*> out;
    for (const auto& c : columns) {
      if (c.name == config_->time_column) continue;
      bool match = agg.columns.empty() && !agg.rows && sql::IsNumeric(c.type);
      for (const auto& pattern : agg.columns) match = match || MatchColumnPattern(pattern, c.name);
      if (!match) continue;
      if (agg.type != "count" && !sql::IsNumeric(c.type))
        throw Error("cannot " + agg.type + " column '" + c.name + "' of type " + c.type, label_);
      out.push_back(&c);
    }
    return out;
  }

  std::string path_, dir_path_;
  std::vector<std::string> inputs_;
  std::string label_;
  Resolution resolution_;
  std::shared_ptr<const ReduceConfig> config_;
};

// `<out_pattern>` for its inputs: one series per resolution.
class ReducedDir : public Generated {
 public:
  ReducedDir(std::string path, std::vector<std::string> inputs,
             std::shared_ptr<const ReduceConfig> config)
      : path_(std::move(path)), inputs_(std::move(inputs)), config_(std::move(config)) {}

  Shape shape() const override { return Shape::kDir; }

  std::vector<std::string> List(View&) const override {
    std::vector<std::string> names;
    for (const auto& r : config_->resolutions) names.push_back(NameOf(r));
    return names;
  }

  std::shared_ptr<const Generated> Child(View&, const std::string& name) const override {
    for (const auto& r : config_->resolutions)
      if (NameOf(r) == name)
        return std::make_shared<ReducedSeries>(JoinPath(path_, name), path_, inputs_, r, config_);
    return nullptr;
  }

 private:
  static std::string NameOf(const Resolution& r) { return "res=" + r.text + ".series"; }

  std::string path_;
  std::vector<std::string> inputs_;
  std::shared_ptr<const ReduceConfig> config_;
};

std::vector<std::string> Paths(const std::vector<GlobMatch>& matches) {
  std::vector<std::string> paths;
  for (const auto& m : matches) paths.push_back(m.path);
  return paths;
}

class ReduceNode : public MatchedDir {
 public:
  ReduceNode(const std::string& path, ReduceConfig config)
      : MatchedDir(path, config.in_pattern, config.out_pattern, /*files_only=*/true,
                   /*merges=*/true),
        config_(std::make_shared<const ReduceConfig>(std::move(config))) {}

 protected:
  std::shared_ptr<const Generated> MakeChild(const std::string& child_path,
                                             const std::vector<GlobMatch>& matches) const override {
    return std::make_shared<ReducedDir>(child_path, Paths(matches), config_);
  }
  void CheckMerge(View& view, const std::string& name,
                  const std::vector<GlobMatch>& matches) const override {
    try {
      MergedInputs(view, Paths(matches), *config_, name, path());
    } catch (const MergeClash&) {
      throw;
    } catch (const Error& e) {
      // An input or transform that fails on its own is the read's to report.
      spdlog::debug("mknod {}: inputs of '{}' not checked: {}", path(), name, e.what());
    }
  }

 private:
  std::shared_ptr<const ReduceConfig> config_;
};

class TemporalReduce : public Factory {
 public:
  std::string name() const override { return "temporal-reduce"; }
  std::string category() const override { return "dir"; }
  std::string description() const override { return "time-bucketed aggregates per match"; }
  Shape shape() const override { return Shape::kDir; }
  void Validate(const Config& config) const override { Parse(config); }
  void CheckInputs(View& view, const std::string& path, const Config& config) const override {
    ReduceNode(path, Parse(config)).CheckMatches(view);
  }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<ReduceNode>(path, Parse(config));
  }
};

}  // namespace

const Factory& TemporalReduceFactory() {
  static const TemporalReduce f;
  return f;
}

}  // namespace pond::factories
