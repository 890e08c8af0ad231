// A parsed format's rows on their way to Parquet: a uniquely named TEMP table on
// the caller's connection, filled through engine::Appender and written with one
// COPY. Internal to the formats layer (oteljson and jsonlogs parse in C++).
//
// Promises:
// - The table is dropped when the TempTable goes, whatever happened.
// - CopyToParquet leaves nothing at `output` when it fails.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/duckdb.h"

namespace pond::formats {

// A column name as DuckDB compares it: ignoring ASCII case.
std::string ColumnKey(std::string_view name);

class TempTable {
 public:
  struct Column {
    std::string name;
    std::string type;  // SQL, e.g. "DOUBLE"
  };

  // Creates the table with `columns`. A name given twice throws `two columns named
  // 'a' (<name>)`, names DuckDB would take for one (it ignores case) `columns 'a' and
  // 'A' would be one column (names in DuckDB ignore case)`; `name` names the input.
  TempTable(engine::Connection& con, const std::vector<Column>& columns, const std::string& name);
  ~TempTable();
  TempTable(const TempTable&) = delete;
  TempTable& operator=(const TempTable&) = delete;

  // The table's name, unquoted, for engine::Appender.
  const std::string& table() const { return table_; }

  // Writes `columns` of every row, ordered by the column `order_by`, to the host
  // file `output` as Parquet. Throws `cannot write Parquet: <DuckDB's message>`.
  void CopyToParquet(const std::vector<std::string>& columns, const std::string& order_by,
                     const std::string& output);

 private:
  engine::Connection& con_;
  std::string table_;
  std::string name_;
};

}  // namespace pond::formats
