// The oteljson table while a file is read: a value per (timestamp, metric), the
// later one winning, then written as one wide table. Internal to the formats layer.
//
// Memory: one row per distinct timestamp, 8 bytes and a bit per metric, and an
// index entry per row; nothing per point once it is set.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/duckdb.h"

namespace pond::formats {

class GaugeTable {
 public:
  // Sets `metric` at `micros` (µs UTC), replacing a value set there before.
  void Set(int64_t micros, std::string_view metric, double value);

  // Distinct timestamps so far.
  int64_t rows() const { return static_cast<int64_t>(times_.size()); }

  // Writes the table to the host file `output` as Parquet through `con` and returns
  // its rows: `timestamp` TIMESTAMP, then a DOUBLE per metric (NULL where it has no
  // value) in byte order of the names; a row per timestamp, ascending. `name` names
  // the input in errors. Consumes the table: its memory is freed once DuckDB holds
  // the rows, before DuckDB sorts them.
  int64_t WriteParquet(engine::Connection& con, const std::string& output,
                       const std::string& name) &&;

 private:
  size_t RowAt(int64_t micros);
  size_t ColumnOf(std::string_view metric);

  struct Column {
    std::string metric;
    std::vector<double> values;  // by row
    std::vector<bool> set;       // by row
  };
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::vector<int64_t> times_;  // by row, in order of first sight
  std::unordered_map<int64_t, size_t> row_of_;
  std::vector<Column> columns_;  // in order of first sight
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> column_of_;
  // A line's points share their timestamp: the last row found, looked up once.
  int64_t last_micros_ = 0;
  size_t last_row_ = SIZE_MAX;
};

}  // namespace pond::formats
