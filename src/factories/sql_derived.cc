// sql-derived-series and sql-derived-table (docs/factories.md): a user query over
// named inputs. One file for both: they differ only in what the output must hold.
#include <spdlog/spdlog.h>

#include <cctype>
#include <set>

#include "base/error.h"
#include "factories/builtin.h"
#include "factories/config.h"
#include "factories/inputs.h"
#include "factories/query_reach.h"
#include "factories/sql.h"
#include "store/table_source.h"

namespace pond::factories {

namespace {

struct SqlDerivedConfig {
  std::vector<std::pair<std::string, InputUrl>> patterns;  // view name → input, config order
  std::string query;
};

SqlDerivedConfig Parse(const Config& c) {
  Fields f(c.root, c, "config", {"patterns", "query"});
  SqlDerivedConfig out;
  YAML::Node patterns = f.Required("patterns");
  if (!patterns.IsMap() || patterns.size() == 0)
    throw Error("field 'patterns' must be a non-empty map of name: pattern", WhereOf(c, patterns));
  std::set<std::string> names;
  for (const auto& kv : patterns) {
    const std::string name = kv.first.Scalar();
    if (name.empty() || !names.insert(name).second)
      throw Error("duplicate or empty pattern name '" + name + "'", WhereOf(c, kv.first));
    out.patterns.emplace_back(name, InputText(kv.second, "patterns." + name, c));
  }
  out.query = f.String("query");
  // The query is wrapped as a subquery, where a trailing ';' is a syntax error.
  while (!out.query.empty() &&
         (std::isspace(static_cast<unsigned char>(out.query.back())) || out.query.back() == ';'))
    out.query.pop_back();
  if (out.query.empty())
    throw Error("field 'query' must not be empty", f.Where(f.Required("query")));
  return out;
}

// Whether the query may give other rows from the same inputs: it names a function of
// the clock or of chance. Such a query has no identity (recomputed at every read).
bool ReadsTheClockOrChance(const std::string& query) {
  std::string q = query;
  for (char& c : q) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : {"now", "current_", "today", "random", "uuid", "setseed", "getenv"})
    if (q.find(word) != std::string::npos) return true;
  return false;
}

class SqlDerivedNode : public Generated {
 public:
  SqlDerivedNode(Shape shape, std::string path, SqlDerivedConfig config)
      : shape_(shape), path_(std::move(path)), config_(std::move(config)) {}

  Shape shape() const override { return shape_; }
  std::string name() const {
    return shape_ == Shape::kSeries ? "sql-derived-series" : "sql-derived-table";
  }

  std::string RelationSql(View& view) const override {
    View::Guard guard(view, path_);
    return Bind(view, QueryOverInputs(view, std::nullopt));
  }

  // A query of known reach reads its inputs over `range` widened by it; any other is
  // computed whole (docs/factories.md, "Incremental analyses").
  std::string RangeRelationSql(View& view, const TimeRange& range) const override {
    View::Guard guard(view, path_);
    const std::optional<QueryReach>& reach = Reach(view);
    if (!reach || range == TimeRange{}) return RelationSql(view);
    return Bind(view, QueryOverInputs(view, reach->InputRange(range)));
  }

  // The query and its inputs' identities over the range its rows in `range` read:
  // the range widened by the query's reach, or all time when the reach is unknown
  // (SQL may read any row: a LAG, a total), so a new row anywhere changes every range
  // (docs/factories.md, "Identity"). Unchanged inputs leave it unchanged, and an
  // export keeps the files of an analysis nothing new reached.
  std::optional<std::string> Identity(View& view, const TimeRange& range) const override {
    if (ReadsTheClockOrChance(config_.query)) return std::nullopt;
    View::Guard guard(view, path_);
    TimeRange inputs;
    if (range != TimeRange{})
      if (const std::optional<QueryReach>& reach = Reach(view)) inputs = reach->InputRange(range);
    std::vector<std::optional<std::string>> parts{name(), config_.query};
    for (const auto& [name, url] : config_.patterns) {
      parts.push_back(name + " " + url.text);
      for (const GlobMatch& m : view.MatchedFiles(url.glob)) {
        parts.push_back(m.path);
        parts.push_back(view.Identity(InputNode(view, url, m.path), inputs));
      }
    }
    return Digest(parts);
  }

  bool ComputedByRange(View& view) const override {
    View::Guard guard(view, path_);
    return Reach(view).has_value();
  }

  // Of a query of known reach: its inputs' times, an earlier bucket start included.
  std::optional<TimeExtent> Extent(View& view) const override {
    View::Guard guard(view, path_);
    const std::optional<QueryReach>& reach = Reach(view);
    if (!reach) return std::nullopt;
    TimeExtent inputs;
    for (const auto& [name, url] : config_.patterns)
      for (const GlobMatch& m : view.MatchedFiles(url.glob)) {
        const std::optional<TimeExtent> e = view.Extent(InputNode(view, url, m.path));
        if (!e) return std::nullopt;
        inputs.Add(*e);
      }
    return reach->OutputExtent(inputs);
  }

  // The user's query with each pattern's matches as a named relation (reads inputs),
  // each restricted to `range` when one is given.
  std::string QueryOverInputs(View& view, const std::optional<TimeRange>& range) const {
    sql::Select query;
    for (const auto& [name, pattern] : config_.patterns)
      query.With(name, range ? MatchedRelation(view, pattern, *range) : MatchedRelation(view, pattern));
    query.From("(" + config_.query + ")", "query");
    return query.Relation();
  }

  // Binds the query, so a bad one fails as one line naming this node, not as DuckDB's
  // multi-line report (with blob paths) from whichever statement reads it; then the
  // series rules.
  std::string Bind(View& view, const std::string& relation) const {
    std::vector<sql::Column> columns;
    try {
      columns = view.Describe(relation);
    } catch (const Error& e) {
      throw store::SourceError(e, path_);
    }
    if (shape_ == Shape::kTable) return relation;

    if (!sql::FindColumn(columns, "timestamp"))
      throw Error("query result has no 'timestamp' column", path_);
    const std::string time = sql::TimeExpr(columns, "timestamp", path_);
    sql::Select series;
    if (time == sql::Ident("timestamp"))
      series.Column("*");
    else
      series.Column("* REPLACE (" + time + " AS " + sql::Ident("timestamp") + ")");
    return series.From(relation).OrderBy(sql::Ident("timestamp")).Relation();
  }

 private:
  // The query's reach, judged once per node (one per View).
  const std::optional<QueryReach>& Reach(View& view) const {
    if (!reach_) {
      // Inputs that cannot be read now (none matched yet) leave the reach unknown: the
      // read itself reports them.
      try {
        std::vector<std::pair<std::string, std::string>> inputs;
        for (const auto& [name, url] : config_.patterns)
          inputs.emplace_back(name, MatchedRelation(view, url));
        reach_ = ReachOf(view.pond().sql(), config_.query, inputs);
      } catch (const Error&) {
        reach_ = std::optional<QueryReach>();
      }
    }
    return *reach_;
  }

  Shape shape_;
  std::string path_;
  SqlDerivedConfig config_;
  mutable std::optional<std::optional<QueryReach>> reach_;
};

class SqlDerivedFactory : public Factory {
 public:
  explicit SqlDerivedFactory(Shape shape) : shape_(shape) {}
  std::string name() const override {
    return shape_ == Shape::kSeries ? "sql-derived-series" : "sql-derived-table";
  }
  std::string description() const override {
    return shape_ == Shape::kSeries ? "SQL over matched series" : "SQL over matched tables/series";
  }
  Shape shape() const override { return shape_; }
  void Validate(const Config& config) const override { Parse(config); }
  // The query is bound against the inputs when they can be read now. Inputs still to
  // come (or failing on their own, e.g. a cycle through this node) are the read's to
  // report: mknod accepts them.
  void CheckInputs(View& view, const std::string& path, const Config& config) const override {
    const SqlDerivedNode node(shape_, path, Parse(config));
    std::string relation;
    try {
      View::Guard guard(view, path);
      relation = node.QueryOverInputs(view, std::nullopt);
    } catch (const Error& e) {
      spdlog::debug("mknod {}: query not checked: {}", path, e.what());
      return;
    }
    node.Bind(view, relation);
  }
  std::shared_ptr<const Generated> Create(const std::string& path,
                                          const Config& config) const override {
    return std::make_shared<SqlDerivedNode>(shape_, path, Parse(config));
  }

 private:
  Shape shape_;
};

}  // namespace

const Factory& SqlDerivedSeriesFactory() {
  static const SqlDerivedFactory f(Shape::kSeries);
  return f;
}

const Factory& SqlDerivedTableFactory() {
  static const SqlDerivedFactory f(Shape::kTable);
  return f;
}

}  // namespace pond::factories
