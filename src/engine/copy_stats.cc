#include "engine/copy_stats.h"

#include "base/error.h"
#include "base/time.h"

namespace pond::engine {

namespace {

std::optional<int64_t> StatTime(const Value& stats, const std::string& key) {
  Value v = stats.Get(key);
  if (v.is_null()) return std::nullopt;
  auto t = ParseTimestampText(v.as_string());
  if (!t) throw Error("cannot parse COPY statistic " + key + " '" + v.as_string() + "'");
  return t;
}

}  // namespace

std::vector<WrittenFile> DecodeCopyStats(const Result& stats, const std::string& time_column) {
  size_t c_file = stats.ColumnIndex("filename");
  size_t c_count = stats.ColumnIndex("count");
  size_t c_bytes = stats.ColumnIndex("file_size_bytes");
  size_t c_cols = stats.ColumnIndex("column_statistics");
  size_t c_parts = stats.ColumnIndex("partition_keys");
  const std::string key = QuoteIdent(time_column);
  std::vector<WrittenFile> out;
  for (const auto& row : stats.rows()) {
    WrittenFile f;
    f.path = row[c_file].as_string();
    f.rows = row[c_count].as_int();
    f.bytes = row[c_bytes].as_int();
    if (!row[c_cols].is_null()) {
      Value ts = row[c_cols].Get(key);
      if (!ts.is_null()) {
        f.min_ts = StatTime(ts, "min");
        f.max_ts = StatTime(ts, "max");
        Value nulls = ts.Get("null_count");
        if (!nulls.is_null()) f.ts_null_count = std::stoll(nulls.ToString());
      }
    }
    if (!row[c_parts].is_null()) {
      for (const auto& [k, v] : row[c_parts].as_map())
        f.partition_keys[k.as_string()] = v.is_null() ? "NULL" : v.ToString();
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace pond::engine
