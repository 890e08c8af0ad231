#include "factories/query_reach.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "base/error.h"
#include "base/strings.h"
#include "factories/sql.h"

namespace pond::factories {

namespace {

using Json = nlohmann::json;

constexpr int64_t kDayUs = 86'400'000'000;

// `node[key]`, or null when absent (operator[] of a const json must not miss).
const Json& At(const Json& node, const char* key) {
  static const Json kNull;
  if (!node.is_object()) return kNull;
  const auto it = node.find(key);
  return it == node.end() ? kNull : *it;
}

bool IsClass(const Json& node, const char* cls) {
  return node.is_object() && node.value("class", "") == cls;
}

// A column reference to `timestamp` (qualified or not).
bool IsTimeRef(const Json& node) {
  if (!IsClass(node, "COLUMN_REF")) return false;
  const Json& names = node.value("column_names", Json::array());
  return !names.empty() && names.back().is_string() &&
         AsciiLower(names.back().get<std::string>()) == "timestamp";
}

bool ReadsAColumn(const Json& node) {
  if (IsClass(node, "COLUMN_REF") || IsClass(node, "STAR")) return true;
  if (node.is_structured())
    for (const auto& child : node)
      if (ReadsAColumn(child)) return true;
  return false;
}

// `node` without its source positions and alias: two spellings of one expression
// (GROUP BY repeating the select item) compare equal.
Json Bare(Json node) {
  if (node.is_object()) {
    node.erase("query_location");
    node.erase("alias");
  }
  if (node.is_structured())
    for (auto& child : node) child = Bare(std::move(child));
  return node;
}

class Judge {
 public:
  Judge(engine::Connection& con, std::vector<std::pair<std::string, std::string>> inputs)
      : con_(con), inputs_(std::move(inputs)) {
    for (const auto& [name, relation] : inputs_) relations_.insert(AsciiLower(name));
  }

  std::optional<QueryReach> Of(const std::string& query) {
    const std::optional<Json> statements = sql::ParseTree(con_, query);
    if (!statements || statements->size() != 1) return std::nullopt;
    const Json& node = At((*statements)[0], "node");
    if (node.value("type", "") != "SELECT_NODE") return std::nullopt;
    if (!At(At(node, "cte_map"), "map").empty()) return std::nullopt;
    if (!At(node, "sample").is_null() || !At(node, "qualify").is_null()) return std::nullopt;
    if (node.value("aggregate_handling", "") != "STANDARD_HANDLING") return std::nullopt;
    for (const auto& m : node.value("modifiers", Json::array()))
      if (m.value("type", "") != "ORDER_MODIFIER") return std::nullopt;  // LIMIT, DISTINCT
    if (!OneInput(At(node, "from_table"))) return std::nullopt;

    const Json& groups = node.value("group_expressions", Json::array());
    grouped_ = !groups.empty();
    if (grouped_ && !PlainGroupBy(node, groups.size())) return std::nullopt;
    if (!grouped_ && !At(node, "having").is_null()) return std::nullopt;

    // The output's `timestamp`: the input's, or its time_bucket.
    const Json& items = node.value("select_list", Json::array());
    std::optional<size_t> time_item;
    for (size_t i = 0; i < items.size(); ++i) {
      const Json& item = items[i];
      const std::string alias = AsciiLower(item.value("alias", ""));
      if (IsClass(item, "STAR")) {
        if (grouped_ || !PlainStar(item)) return std::nullopt;
      } else if (alias != "timestamp" && !(alias.empty() && IsTimeRef(item))) {
        continue;
      } else if (!IsTimeRef(item) && !Bucket(item)) {
        return std::nullopt;
      }
      if (time_item) return std::nullopt;  // two columns called timestamp
      time_item = i;
    }
    if (!time_item) return std::nullopt;
    if (grouped_ && !GroupsByTime(groups, items[*time_item], *time_item)) return std::nullopt;

    for (const char* key : {"select_list", "where_clause", "group_expressions", "having", "modifiers"})
      if (!Walk(At(node, key))) return std::nullopt;
    if (!grouped_ && TotalsAllRows(query)) return std::nullopt;
    return reach_;
  }

 private:
  // FROM one of the named relations, as it is (no sample, no renamed columns).
  bool OneInput(const Json& from) const {
    return from.value("type", "") == "BASE_TABLE" && from.value("schema_name", "").empty() &&
           from.value("catalog_name", "").empty() && At(from, "at_clause").is_null() &&
           At(from, "sample").is_null() && from.value("column_name_alias", Json::array()).empty() &&
           relations_.contains(AsciiLower(from.value("table_name", "")));
  }

  // GROUP BY a, b, … (no GROUPING SETS, ROLLUP or CUBE): one set of every expression.
  static bool PlainGroupBy(const Json& node, size_t count) {
    const Json& sets = node.value("group_sets", Json::array());
    if (sets.size() != 1 || sets[0].size() != count) return false;
    std::set<size_t> seen;
    for (const auto& i : sets[0])
      if (i.is_number_unsigned()) seen.insert(i.get<size_t>());
    return seen.size() == count && *seen.rbegin() == count - 1;
  }

  static bool PlainStar(const Json& star) {
    for (const char* key : {"exclude_list", "replace_list", "rename_list", "qualified_exclude_list"})
      if (!star.value(key, Json::array()).empty()) return false;
    return !star.value("columns", false) && At(star, "expr").is_null();
  }

  // time_bucket(<constant interval>, timestamp[, <constant>…]): notes its width.
  bool Bucket(const Json& item) {
    if (!IsClass(item, "FUNCTION") || AsciiLower(item.value("function_name", "")) != "time_bucket" ||
        !item.value("schema", "").empty())
      return false;
    const Json& args = item.value("children", Json::array());
    if (args.size() < 2 || !IsTimeRef(args[1])) return false;
    for (size_t i = 0; i < args.size(); ++i)
      if (i != 1 && ReadsAColumn(args[i])) return false;
    const std::optional<int64_t> width = IntervalUs(args[0]);
    if (!width || *width <= 0) return false;
    reach_.bucket_us = *width;
    return true;
  }

  // The groups include the time item (by position, by `timestamp`, or spelled again),
  // so every group's rows lie in one bucket (or have one time).
  static bool GroupsByTime(const Json& groups, const Json& time_item, size_t index) {
    const Json bare = Bare(time_item);
    for (const auto& g : groups) {
      if (IsTimeRef(g)) return true;
      if (IsClass(g, "CONSTANT") && At(At(g, "value"), "value") == Json(index + 1)) return true;
      if (Bare(g) == bare) return true;
    }
    return false;
  }

  // Every expression below `node`: no subquery or parameter; windows only over RANGE
  // frames of the input's time.
  bool Walk(const Json& node) {
    if (node.is_array()) {
      for (const auto& child : node)
        if (!Walk(child)) return false;
      return true;
    }
    if (!node.is_object()) return true;
    const std::string cls = node.value("class", "");
    if (cls == "SUBQUERY" || cls == "PARAMETER" || cls == "POSITIONAL_REFERENCE" ||
        cls == "DEFAULT")
      return false;
    if (cls == "STAR" && !PlainStar(node)) return false;
    if (cls == "FUNCTION" &&
        (!node.value("schema", "").empty() || !node.value("catalog", "").empty()))
      return false;
    if (cls == "WINDOW" && !Window(node)) return false;
    for (const auto& [key, child] : node.items())
      if (child.is_structured() && !Walk(child)) return false;
    return true;
  }

  // A frame-bounded window: aggregates and first/last/nth value, ordered by the
  // input's time ascending, framed by RANGE offsets. Rows counted (ROWS, LAG, LEAD,
  // row_number, rank…) or unbounded frames may reach any distance.
  bool Window(const Json& w) {
    if (grouped_) return false;
    const std::string type = w.value("type", "");
    if (type != "WINDOW_AGGREGATE" && type != "WINDOW_FIRST_VALUE" &&
        type != "WINDOW_LAST_VALUE" && type != "WINDOW_NTH_VALUE")
      return false;
    const Json& orders = w.value("orders", Json::array());
    if (orders.size() != 1 || !IsTimeRef(At(orders[0], "expression"))) return false;
    const std::string direction = orders[0].value("type", "");
    if (direction != "ORDER_DEFAULT" && direction != "ASCENDING") return false;
    const std::string start = w.value("start", ""), end = w.value("end", "");
    if (start == "EXPR_PRECEDING_RANGE") {
      if (!Extend(At(w, "start_expr"), reach_.before_us)) return false;
    } else if (start != "CURRENT_ROW_RANGE" && start != "EXPR_FOLLOWING_RANGE") {
      return false;
    }
    if (end == "EXPR_FOLLOWING_RANGE") {
      if (!Extend(At(w, "end_expr"), reach_.after_us)) return false;
    } else if (end != "CURRENT_ROW_RANGE" && end != "EXPR_PRECEDING_RANGE") {
      return false;
    }
    // A frame starting after the row or ending before it lies within the other bound.
    if (start == "EXPR_FOLLOWING_RANGE" && !Extend(At(w, "start_expr"), reach_.after_us)) return false;
    if (end == "EXPR_PRECEDING_RANGE" && !Extend(At(w, "end_expr"), reach_.before_us)) return false;
    return true;
  }

  bool Extend(const Json& expr, int64_t& bound) {
    const std::optional<int64_t> us = IntervalUs(expr);
    if (!us) return false;
    bound = std::max(bound, *us);
    return true;
  }

  // A constant INTERVAL expression in µs, months as 31 days; nullopt when it reads a
  // column, is not an interval, or is negative. DuckDB evaluates it: the parse tree
  // spells `INTERVAL 30 MINUTES` as to_minutes(CAST(trunc(…) AS BIGINT)).
  std::optional<int64_t> IntervalUs(const Json& expr) {
    if (!expr.is_object() || ReadsAColumn(expr) || !Walk(expr)) return std::nullopt;
    std::optional<Json> statements = sql::ParseTree(con_, "SELECT 1 AS x");
    if (!statements) return std::nullopt;
    Json item = expr;
    item["alias"] = "x";
    (*statements)[0]["node"]["select_list"] = Json::array({item});
    const Json tree = {{"error", false}, {"statements", *statements}};
    try {
      const std::string select =
          con_.Query("SELECT json_deserialize_sql(" + sql::Literal(tree.dump()) + ") AS q")
              .at(0, "q")
              .as_string();
      const engine::Result r = con_.Query(
          "SELECT datepart('year', x) * 12 + datepart('month', x) AS months, datepart('day', x) "
          "AS days, datepart('hour', x) * 3600000000 + datepart('minute', x) * 60000000 + "
          "datepart('microseconds', x) AS micros, typeof(x) AS type FROM (" + select + ")");
      if (r.row_count() != 1 || r.at(0, "type").as_string() != "INTERVAL") return std::nullopt;
      const int64_t months = r.at(0, "months").as_int(), days = r.at(0, "days").as_int(),
                    micros = r.at(0, "micros").as_int();
      if (months < 0 || days < 0 || micros < 0) return std::nullopt;
      return (months * 31 + days) * kDayUs + micros;
    } catch (const Error&) {
      return std::nullopt;
    }
  }

  // Without GROUP BY, an aggregate would total all rows: such a query gives one row
  // over inputs without any (a window or a row-wise query gives none).
  bool TotalsAllRows(const std::string& query) {
    std::string with;
    for (const auto& [name, relation] : inputs_)
      with += (with.empty() ? "WITH " : ", ") + sql::Ident(name) + " AS (SELECT * FROM " +
              relation + " WHERE false)";
    try {
      return con_.Query("SELECT count(*) AS n FROM (" + with + " SELECT * FROM (" + query + "))")
                 .at(0, "n")
                 .as_int() > 0;
    } catch (const Error&) {
      return true;
    }
  }

  engine::Connection& con_;
  std::set<std::string> relations_;
  bool grouped_ = false;
  QueryReach reach_;
  std::vector<std::pair<std::string, std::string>> inputs_;
};

}  // namespace

TimeRange QueryReach::InputRange(const TimeRange& range) const {
  TimeRange out = range;
  if (out.begin) *out.begin -= before_us;
  if (out.end) *out.end += after_us + bucket_us;
  return out;
}

TimeExtent QueryReach::OutputExtent(TimeExtent inputs) const {
  if (!inputs.empty) inputs.min -= bucket_us;
  return inputs;
}

std::optional<QueryReach> ReachOf(
    engine::Connection& con, const std::string& query,
    const std::vector<std::pair<std::string, std::string>>& relations) {
  return Judge(con, relations).Of(query);
}

}  // namespace pond::factories
