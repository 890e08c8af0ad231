#include "formats/temp_table.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <map>

#include "base/error.h"

namespace pond::formats {

std::string ColumnKey(std::string_view name) {
  std::string key(name);
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

namespace {

// DuckDB would refuse the table with "Column with name … already exists": say
// which input and which two names instead.
void CheckDistinct(const std::vector<TempTable::Column>& columns, const std::string& name) {
  std::map<std::string, std::string> seen;  // lower case → as given
  for (const auto& c : columns) {
    auto [it, added] = seen.emplace(ColumnKey(c.name), c.name);
    if (added) continue;
    if (it->second == c.name) throw Error("two columns named '" + c.name + "'", name);
    throw Error("columns '" + it->second + "' and '" + c.name +
                    "' would be one column (names in DuckDB ignore case)",
                name);
  }
}

}  // namespace

TempTable::TempTable(engine::Connection& con, const std::vector<Column>& columns,
                     const std::string& name)
    : con_(con), name_(name) {
  CheckDistinct(columns, name);
  // TEMP tables belong to the connection: a process-wide counter makes the name unique.
  static std::atomic<uint64_t> counter{0};
  table_ = "pond_formats_" + std::to_string(++counter);
  std::string sql = "CREATE TEMP TABLE " + engine::QuoteIdent(table_) + " (";
  for (size_t i = 0; i < columns.size(); ++i)
    sql += (i ? ", " : "") + engine::QuoteIdent(columns[i].name) + " " + columns[i].type;
  con_.Execute(sql + ")");
}

TempTable::~TempTable() {
  try {
    con_.Execute("DROP TABLE IF EXISTS temp." + engine::QuoteIdent(table_));
  } catch (const std::exception& e) {
    spdlog::debug("cannot drop {}: {}", table_, e.what());
  }
}

void TempTable::CopyToParquet(const std::vector<std::string>& columns, const std::string& order_by,
                              const std::string& output) {
  std::string select;
  for (const auto& c : columns) select += (select.empty() ? "" : ", ") + engine::QuoteIdent(c);
  try {
    con_.Execute("COPY (SELECT " + select + " FROM temp." + engine::QuoteIdent(table_) +
                 " ORDER BY " + engine::QuoteIdent(order_by) + ") TO " +
                 engine::QuoteLiteral(output) + " (FORMAT parquet)");
  } catch (const Error& e) {
    std::error_code ec;
    std::filesystem::remove(output, ec);
    throw Error(std::string("cannot write Parquet: ") + e.what(), name_);
  }
}

}  // namespace pond::formats
