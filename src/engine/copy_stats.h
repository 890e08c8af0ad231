// Decoding of `COPY … TO … (FORMAT parquet, RETURN_STATS true)`: one row per file
// DuckDB wrote, so the export never has to list or re-read the files it wrote.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/duckdb.h"

namespace pond::engine {

struct WrittenFile {
  std::string path;                                   // as DuckDB reports it
  int64_t rows = 0;
  int64_t bytes = 0;
  std::optional<int64_t> min_ts;                      // µs; nullopt when the column is all NULL
  std::optional<int64_t> max_ts;
  int64_t ts_null_count = 0;                          // rows whose time column is NULL
  std::map<std::string, std::string> partition_keys;  // {"year": "2024", "month": "7"}
};

// Decodes a RETURN_STATS result; columns are read by name. `time_column` names the
// column whose min/max become min_ts/max_ts (statistics are keyed by the quoted name).
// Throws Error if a column is missing or a statistic does not parse.
std::vector<WrittenFile> DecodeCopyStats(const Result& stats,
                                         const std::string& time_column = "timestamp");

}  // namespace pond::engine
