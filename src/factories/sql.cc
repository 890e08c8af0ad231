#include "factories/sql.h"

#include <nlohmann/json.hpp>

#include <cctype>

#include "base/error.h"
#include "base/strings.h"
#include "base/time.h"

namespace pond::factories::sql {

namespace {

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string Aliased(const std::string& relation, std::string_view alias) {
  return alias.empty() ? relation : relation + " AS " + Ident(alias);
}

}  // namespace

std::string Ident(std::string_view name) { return engine::QuoteIdent(name); }
std::string Literal(std::string_view text) { return engine::QuoteLiteral(text); }

std::string TimestampLiteral(int64_t micros) {
  // Readable where the text is plain (years 1…9999); DuckDB spells others with BC.
  constexpr int64_t kYear1 = -62135596800'000'000, kYear10000 = 253402300800'000'000;
  if (micros < kYear1 || micros >= kYear10000) return "make_timestamp(" + std::to_string(micros) + ")";
  return "TIMESTAMP " + Literal(FormatTimestamp(micros));
}

std::string InRange(const std::string& time, const TimeRange& range) {
  std::string out;
  if (range.begin) out = time + " >= " + TimestampLiteral(*range.begin);
  if (range.end) out += (out.empty() ? "" : " AND ") + time + " < " + TimestampLiteral(*range.end);
  return out;
}

std::string WhereInRange(const std::string& time, const TimeRange& range) {
  const std::string cond = InRange(time, range);
  return cond.empty() ? "" : " WHERE " + cond;
}

namespace {

// Adds the columns `node`'s references name to `out`; false when it may read others.
bool CollectColumnRefs(const nlohmann::json& node, const std::set<std::string>& known,
                       std::set<std::string>& out) {
  if (node.is_array()) {
    for (const auto& child : node)
      if (!CollectColumnRefs(child, known, out)) return false;
    return true;
  }
  if (!node.is_object()) return true;
  if (auto cls = node.find("class"); cls != node.end() && cls->is_string()) {
    if (*cls == "STAR" || *cls == "POSITIONAL_REFERENCE") return false;
    if (*cls == "COLUMN_REF") {
      bool named = false;
      for (const auto& part : node.value("column_names", nlohmann::json::array())) {
        if (!part.is_string()) continue;
        std::string name = AsciiLower(part.get<std::string>());
        if (known.contains(name)) {
          out.insert(std::move(name));
          named = true;
        }
      }
      return named;
    }
  }
  for (const auto& [key, child] : node.items())
    if (!CollectColumnRefs(child, known, out)) return false;
  return true;
}

}  // namespace

std::optional<std::set<std::string>> ColumnsRead(engine::Connection& con,
                                                 const std::string& query,
                                                 const std::vector<std::string>& columns) {
  std::set<std::string> known;
  for (const auto& c : columns) known.insert(AsciiLower(c));
  const std::optional<nlohmann::json> tree = ParseTree(con, query);
  if (!tree) return std::nullopt;
  std::set<std::string> out;
  if (!CollectColumnRefs(*tree, known, out)) return std::nullopt;
  return out;
}

std::optional<nlohmann::json> ParseTree(engine::Connection& con, const std::string& query) {
  engine::Result r = con.Query("SELECT json_serialize_sql(" + Literal(query) + ")::VARCHAR");
  if (r.row_count() != 1 || r.at(0, 0).is_null()) return std::nullopt;
  auto tree = nlohmann::json::parse(r.at(0, 0).as_string(), nullptr, false);
  if (tree.is_discarded() || tree.value("error", true) || !tree.contains("statements"))
    return std::nullopt;
  return std::move(tree["statements"]);
}

std::vector<Column> Describe(engine::Connection& con, const std::string& relation) {
  engine::Result r = con.Query("SELECT * FROM " + relation + " LIMIT 0");
  std::vector<Column> out;
  for (size_t i = 0; i < r.column_count(); ++i)
    out.push_back(Column{r.column_names()[i], r.column_types()[i]});
  return out;
}

bool IsNumeric(const std::string& type) {
  static const char* const kNumeric[] = {"TINYINT", "SMALLINT", "INTEGER",   "BIGINT",
                                         "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                                         "UBIGINT", "UHUGEINT", "FLOAT",     "DOUBLE"};
  for (const char* t : kNumeric)
    if (type == t) return true;
  return type.rfind("DECIMAL", 0) == 0;
}

const Column* FindColumn(const std::vector<Column>& columns, std::string_view name) {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

std::string TimeExpr(const std::vector<Column>& columns, const std::string& name,
                     const std::string& where, std::string_view qualifier) {
  const Column* c = FindColumn(columns, name);
  if (!c) throw Error("no time column '" + name + "'", where);
  const std::string ref = std::string(qualifier) + Ident(name);
  if (c->type == "TIMESTAMP") return ref;
  // The session time zone is UTC, so a TIMESTAMPTZ cast yields UTC wall time.
  if (c->type == "TIMESTAMP WITH TIME ZONE" || c->type == "TIMESTAMP_S" ||
      c->type == "TIMESTAMP_MS" || c->type == "TIMESTAMP_NS" || c->type == "DATE")
    return "CAST(" + ref + " AS TIMESTAMP)";
  throw Error("time column '" + name + "' is " + c->type + ", not a timestamp", where);
}

Select& Select::With(std::string_view name, const std::string& relation) {
  with_.push_back(Ident(name) + " AS (SELECT * FROM " + relation + ")");
  return *this;
}

Select& Select::Column(const std::string& expr) {
  columns_.push_back(expr);
  return *this;
}

Select& Select::Column(const std::string& expr, std::string_view alias) {
  columns_.push_back(expr + " AS " + Ident(alias));
  return *this;
}

Select& Select::From(const std::string& relation, std::string_view alias) {
  from_ = Aliased(relation, alias);
  return *this;
}

Select& Select::FullOuterJoin(const std::string& relation, std::string_view alias,
                              const std::string& on) {
  joins_.push_back("FULL OUTER JOIN " + Aliased(relation, alias) + " ON " + on);
  return *this;
}

Select& Select::Where(const std::string& condition) {
  where_.push_back("(" + condition + ")");
  return *this;
}

Select& Select::GroupBy(const std::string& expr) {
  group_by_.push_back(expr);
  return *this;
}

Select& Select::OrderBy(const std::string& expr) {
  order_by_.push_back(expr);
  return *this;
}

std::string Select::Relation() const {
  std::string s = "(";
  if (!with_.empty()) s += "WITH " + Join(with_, ", ") + " ";
  s += "SELECT " + (columns_.empty() ? std::string("*") : Join(columns_, ", "));
  if (!from_.empty()) s += " FROM " + from_;
  for (const auto& j : joins_) s += " " + j;
  if (!where_.empty()) s += " WHERE " + Join(where_, " AND ");
  if (!group_by_.empty()) s += " GROUP BY " + Join(group_by_, ", ");
  if (!order_by_.empty()) s += " ORDER BY " + Join(order_by_, ", ");
  return s + ")";
}

namespace {

std::string Union(const std::vector<std::string>& relations, const char* op) {
  if (relations.size() == 1) return relations[0];
  std::vector<std::string> selects;
  for (const auto& r : relations) selects.push_back("SELECT * FROM " + r);
  return "(" + Join(selects, op) + ")";
}

}  // namespace

std::string UnionAllByName(const std::vector<std::string>& relations) {
  return Union(relations, " UNION ALL BY NAME ");
}

std::string UnionByName(const std::vector<std::string>& relations) {
  if (relations.size() == 1) return "(SELECT DISTINCT * FROM " + relations[0] + ")";
  return Union(relations, " UNION BY NAME ");
}

}  // namespace pond::factories::sql
