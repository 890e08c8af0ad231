// timeseries-pivot (docs/factories.md): one column per matched series and listed
// column, named `<captures joined by ".">.<column>`, full-outer-joined on time.
#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "factories/sql.h"
#include "path/path.h"

namespace pond::factories {

namespace {

struct PivotConfig {
  InputUrl pattern;
  std::vector<std::string> columns;
  std::string time_column;
  std::vector<std::string> transforms;  // applied to each match before its columns are taken
};

PivotConfig Parse(const Config& c) {
  Fields f(c.root, c, "config", {"pattern", "columns", "time_column", "transforms"});
  PivotConfig out{InputField(f, "pattern"), f.StringList("columns"), TimeColumnField(f),
                  TransformsField(f)};
  if (out.columns.empty())
    throw Error("field 'columns' must not be empty", f.Where(f.Required("columns")));
  return out;
}

// The prefix of a match's columns: its captures joined by "."; a pattern without
// wildcards has none, so its one match is named by its file name without extension.
std::string PrefixOf(const GlobMatch& m) {
  if (m.captures.empty()) return BaseName(PathWithoutExtension(m.path));
  std::string prefix;
  for (size_t i = 0; i < m.captures.size(); ++i) prefix += (i ? "." : "") + m.captures[i];
  return prefix;
}

class PivotNode : public Generated {
 public:
  PivotNode(std::string path, PivotConfig config)
      : path_(std::move(path)), config_(std::move(config)) {}

  Shape shape() const override { return Shape::kSeries; }

  std::string RelationSql(View& view) const override {
    View::Guard guard(view, path_);
    std::vector<TimedRelation> parts;
    for (const GlobMatch& m : view.GlobFiles(config_.pattern.glob)) {
      const std::string input = ApplyTransforms(view, view.RelationSql(InputNode(view, config_.pattern, m.path)),
                                                config_.transforms, config_.time_column, m.path);
      const auto columns = view.Describe(input);
      const std::string prefix = PrefixOf(m);
      sql::Select select;
      select.Column(sql::TimeExpr(columns, config_.time_column, m.path), "timestamp");
      TimedRelation part;
      for (const auto& name : config_.columns) {
        const std::string out = prefix + "." + name;
        // A listed column missing from this match reads as NULL (docs/factories.md).
        select.Column(sql::FindColumn(columns, name) ? sql::Ident(name) : "CAST(NULL AS DOUBLE)",
                      out);
        part.columns.push_back(out);
      }
      part.relation = select.From(input).Relation();
      parts.push_back(std::move(part));
    }
    return FullOuterJoinOnTime(parts, path_);
  }

 private:
  std::string path_;
  PivotConfig config_;
};

class TimeseriesPivot : public Factory {
 public:
  std::string name() const override { return "timeseries-pivot"; }
  std::string description() const override { return "one column per matched series and column"; }
  Shape shape() const override { return Shape::kSeries; }
  void Validate(const Config& config) const override { Parse(config); }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<PivotNode>(path, Parse(config));
  }
};

}  // namespace

const Factory& TimeseriesPivotFactory() {
  static const TimeseriesPivot f;
  return f;
}

}  // namespace pond::factories
