// What the formats' tests share: an input written to a temp folder, parsed by
// WriteParquet through a real DuckDB, and the Parquet read back.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/time.h"
#include "engine/duckdb.h"
#include "formats/format.h"
#include "support/scenario.h"

namespace pond::formats {

// The lines, each ended by a newline.
inline std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class FormatTest : public ::testing::Test {
 protected:
  explicit FormatTest(Format format) : format_(format) {}

  // Writes `text` as the input and parses it.
  Parsed Parse(const std::string& text) {
    pond::testing::WriteFile(tmp_.path() / "in.json", text);
    return ParseFile(tmp_ / "in.json");
  }

  // Parses the host file `input` (named kName in errors) and reads the Parquet back.
  Parsed ParseFile(const std::string& input) {
    std::filesystem::remove(output());
    Parsed parsed = WriteParquet(con_, format_, Compression::kNone, {}, input, output(), kName);
    table_ = con_.Query("SELECT * FROM read_parquet(" + engine::QuoteLiteral(output()) + ")");
    return parsed;
  }

  std::string output() const { return tmp_ / "out.parquet"; }

  // The columns read back, as `name TYPE`.
  std::vector<std::string> Columns() const {
    std::vector<std::string> out;
    for (size_t c = 0; c < table_.column_count(); ++c)
      out.push_back(table_.column_names()[c] + " " + table_.column_types()[c]);
    return out;
  }

  // The rows read back, as `2024-07-01 00:00:30 | 7.08 | NULL`.
  std::vector<std::string> Rows() const {
    std::vector<std::string> out;
    for (const auto& row : table_.rows()) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c)
        line += (c ? " | " : "") + (row[c].is_timestamp()
                                        ? FormatTimestamp(row[c].as_timestamp().micros)
                                        : row[c].ToString());
      out.push_back(line);
    }
    return out;
  }

  static constexpr const char* kName = "/ingest/in.json";
  const Format format_;
  pond::testing::TempDir tmp_;
  engine::Database db_;
  engine::Connection con_{db_};
  engine::Result table_;
};

}  // namespace pond::formats
