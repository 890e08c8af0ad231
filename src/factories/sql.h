// The one SQL builder of the factories layer. Every identifier goes through Ident
// and every literal through Literal (engine::QuoteIdent/QuoteLiteral), so column
// names like `AT500_Surface.DO.mg/L` or `a"b` are always safe. Relations are
// parenthesized SELECTs that nest: a factory wraps its inputs' relations, so
// reading a derived series is one DuckDB statement (logged at debug by the engine).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "engine/duckdb.h"

namespace pond::factories::sql {

struct Column {
  std::string name;
  std::string type;  // DuckDB's type name: "DOUBLE", "TIMESTAMP", "DECIMAL(18,3)"…
};

std::string Ident(std::string_view name);
std::string Literal(std::string_view text);
// `TIMESTAMP '2024-07-01 00:00:00'`.
std::string TimestampLiteral(int64_t micros);
// `time >= … AND time < …` for the bounds `range` has (a time expression, or the
// quoted `"timestamp"`); empty for an unbounded range.
std::string InRange(const std::string& time, const TimeRange& range);
// ` WHERE <InRange>`, or empty.
std::string WhereInRange(const std::string& time, const TimeRange& range);

// The columns of a relation, in order (one `SELECT * FROM rel LIMIT 0`).
std::vector<Column> Describe(engine::Connection& con, const std::string& relation);
// DuckDB's parse tree of `query` (json_serialize_sql): its "statements" array;
// nullopt when it does not parse as SELECTs.
std::optional<nlohmann::json> ParseTree(engine::Connection& con, const std::string& query);
// The columns of `columns` (a relation's names) that `query` can read, lowercase,
// judged from DuckDB's parse tree (json_serialize_sql): the ones its column
// references name. nullopt (any column) when it does not parse as SELECTs, or uses
// `*`, COLUMNS(…), a positional reference, or a reference naming none of them (an
// alias, a lambda parameter, a whole-row reference like `s` in `FROM series s`):
// never fewer than DuckDB reads, so that verifying only those is safe.
std::optional<std::set<std::string>> ColumnsRead(engine::Connection& con,
                                                 const std::string& query,
                                                 const std::vector<std::string>& columns);
// Integer, floating and decimal types (what `avg` can take).
bool IsNumeric(const std::string& type);
// The column called `name`, or nullptr.
const Column* FindColumn(const std::vector<Column>& columns, std::string_view name);

// An expression giving the time column `name` as TIMESTAMP (TIMESTAMPTZ is taken in
// UTC; other timestamp precisions and DATE are cast). `qualifier` prefixes the column
// (`"j0".`). Throws `no time column 'x' (<where>)` or `time column 'x' is VARCHAR,
// not a timestamp (<where>)`.
std::string TimeExpr(const std::vector<Column>& columns, const std::string& name,
                     const std::string& where, std::string_view qualifier = "");

// One SELECT, built clause by clause, rendered as a parenthesized relation.
class Select {
 public:
  // A common table expression visible to the whole statement.
  Select& With(std::string_view name, const std::string& relation);
  // `expr` as written (`*`, an already quoted column, an aggregate…).
  Select& Column(const std::string& expr);
  // `expr AS "alias"`.
  Select& Column(const std::string& expr, std::string_view alias);
  Select& From(const std::string& relation, std::string_view alias = "");
  Select& FullOuterJoin(const std::string& relation, std::string_view alias, const std::string& on);
  // Conditions are ANDed.
  Select& Where(const std::string& condition);
  Select& GroupBy(const std::string& expr);
  Select& OrderBy(const std::string& expr);

  // `(WITH … SELECT … FROM … WHERE … GROUP BY … ORDER BY …)`.
  std::string Relation() const;

 private:
  std::vector<std::string> with_, columns_, joins_, where_, group_by_, order_by_;
  std::string from_;
};

// Rows of every relation matched by column name (`UNION ALL BY NAME`; a column
// missing from one reads as NULL). One relation is returned unchanged.
std::string UnionAllByName(const std::vector<std::string>& relations);
// The same without repeated rows (`UNION BY NAME`): a row in two relations, or twice
// in one, is one row; one relation is `SELECT DISTINCT` of it.
std::string UnionByName(const std::vector<std::string>& relations);

}  // namespace pond::factories::sql
