// temporal-reduce (spec factories.md): a dynamic directory with, for each match of
// in_pattern, a directory named by out_pattern holding `res=<r>.series` per
// resolution. Buckets are exactly the stated width, aligned to the Unix epoch and
// labelled by their start; empty buckets are not emitted.
#include <regex>
#include <set>

#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "factories/sql.h"
#include "path/path.h"

namespace pond::factories {

namespace {

struct Resolution {
  std::string text;      // as written: `2h`
  std::string interval;  // DuckDB interval text: `2 hours`
};

struct Aggregation {
  std::string type;                  // avg|min|max|count|sum
  std::vector<std::string> columns;  // column patterns; empty = every numeric column
};

struct ReduceConfig {
  std::string in_pattern, out_pattern, time_column;
  std::vector<Resolution> resolutions;
  std::vector<Aggregation> aggregations;
};

// `<n>m`, `<n>h` or `<n>d`, n ≥ 1 without leading zeros.
std::optional<Resolution> ParseResolution(const std::string& text) {
  static const std::regex re("([1-9][0-9]{0,5})([mhd])");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  const bool one = m[1] == "1";
  const char unit = m[2].str()[0];
  const std::string word = unit == 'm' ? "minute" : unit == 'h' ? "hour" : "day";
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
      throw Error("invalid resolution '" + text + "' (expected <n>m, <n>h or <n>d)", f.Where(node));
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
    out.push_back(std::move(agg));
  }
  if (out.empty())
    throw Error("field 'aggregations' must not be empty", f.Where(f.Required("aggregations")));
  return out;
}

ReduceConfig Parse(const Config& c) {
  Fields f(c.root, c, "config",
           {"in_pattern", "out_pattern", "time_column", "resolutions", "aggregations"});
  ReduceConfig out;
  out.in_pattern = GlobField(f, "in_pattern");
  out.out_pattern = f.String("out_pattern");
  CheckOutPattern(out.out_pattern, out.in_pattern, f.Where(f.Required("out_pattern")));
  out.time_column = TimeColumnField(f);
  out.resolutions = ParseResolutions(f);
  out.aggregations = ParseAggregations(f);
  return out;
}

// `res=1h.series` of one input: one GROUP BY over the input's relation.
class ReducedSeries : public Generated {
 public:
  ReducedSeries(std::string path, std::string input, const Resolution& resolution,
                std::shared_ptr<const ReduceConfig> config)
      : path_(std::move(path)),
        input_(std::move(input)),
        resolution_(resolution),
        config_(std::move(config)) {}

  Shape shape() const override { return Shape::kSeries; }

  std::string RelationSql(View& view) const override {
    View::Guard guard(view, path_);
    const std::string input = view.RelationSql(view.Get(input_));
    const auto columns = sql::Describe(view.pond().sql(), input);
    const std::string time = sql::TimeExpr(columns, config_->time_column, input_);

    sql::Select select;
    select.Column("time_bucket(INTERVAL " + sql::Literal(resolution_.interval) + ", " + time +
                      ", TIMESTAMP '1970-01-01')",
                  "timestamp");
    std::set<std::string> outputs{"timestamp"};
    for (const auto& agg : config_->aggregations) {
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
      bool match = agg.columns.empty() && sql::IsNumeric(c.type);
      for (const auto& pattern : agg.columns) match = match || MatchColumnPattern(pattern, c.name);
      if (!match) continue;
      if (agg.type != "count" && !sql::IsNumeric(c.type))
        throw Error("cannot " + agg.type + " column '" + c.name + "' of type " + c.type, input_);
      out.push_back(&c);
    }
    return out;
  }

  std::string path_, input_;
  Resolution resolution_;
  std::shared_ptr<const ReduceConfig> config_;
};

// `<out_pattern>` for one input: one series per resolution.
class ReducedDir : public Generated {
 public:
  ReducedDir(std::string path, std::string input, std::shared_ptr<const ReduceConfig> config)
      : path_(std::move(path)), input_(std::move(input)), config_(std::move(config)) {}

  Shape shape() const override { return Shape::kDir; }

  std::vector<std::string> List(View&) const override {
    std::vector<std::string> names;
    for (const auto& r : config_->resolutions) names.push_back(NameOf(r));
    return names;
  }

  std::shared_ptr<const Generated> Child(View&, const std::string& name) const override {
    for (const auto& r : config_->resolutions)
      if (NameOf(r) == name)
        return std::make_shared<ReducedSeries>(JoinPath(path_, name), input_, r, config_);
    return nullptr;
  }

 private:
  static std::string NameOf(const Resolution& r) { return "res=" + r.text + ".series"; }

  std::string path_, input_;
  std::shared_ptr<const ReduceConfig> config_;
};

class ReduceNode : public MatchedDir {
 public:
  ReduceNode(const std::string& path, ReduceConfig config)
      : MatchedDir(path, config.in_pattern, config.out_pattern, /*files_only=*/true),
        config_(std::make_shared<const ReduceConfig>(std::move(config))) {}

 protected:
  std::shared_ptr<const Generated> MakeChild(const std::string& child_path,
                                             const GlobMatch& match) const override {
    return std::make_shared<ReducedDir>(child_path, match.path, config_);
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
