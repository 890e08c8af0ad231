// jsonlogs: JSON Lines of log records, a row per line that is a JSON object and a
// VARCHAR column per key seen in the file, in byte order. A string is its
// unescaped text, a number or boolean its JSON text as written, an array or object
// its compact JSON; null and a missing key are NULL. When one object repeats a key,
// the later value wins.
//
// Two reads of the file: the first finds the keys, the second appends the rows,
// so that memory follows one line rather than the file.
//
// Skipped and counted (Parsed::skipped): lines that are not JSON, JSON that is not
// an object, and objects with an empty key (which cannot name a column). A file
// with no key at all (no object line, or only `{}`) gives, as DuckDB's read_json
// does, one VARCHAR column `json` holding `{}` a row per object line: Parquet has
// no table without columns.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"
#include "formats/json_lines.h"
#include "formats/parsers.h"
#include "formats/temp_table.h"

namespace pond::formats {

namespace {

using Keys = std::set<std::string, std::less<>>;

bool IsRecord(const Json& root) {
  return root.ForEachMember([](std::string_view key, const Json&) { return !key.empty(); });
}

// The keys of the file's records, and how many lines are not records.
std::pair<Keys, int64_t> ReadKeys(const std::string& input, const std::string& name) {
  Keys keys;
  JsonLinesReader lines(input, name);
  while (lines.Next()) {
    if (!IsRecord(lines.root())) {
      lines.Refuse();
      continue;
    }
    lines.root().ForEachMember([&](std::string_view key, const Json&) {
      if (keys.find(key) == keys.end()) keys.emplace(key);
      return true;
    });
  }
  return {std::move(keys), lines.skipped()};
}

// A name for the column that keeps the file's line order, unlike any key.
std::string OrderColumn(const Keys& keys) {
  std::set<std::string> taken;
  for (const auto& k : keys) taken.insert(ColumnKey(k));
  std::string column = "line";
  while (taken.count(column)) column += "_";
  return column;
}

// Appends a row per record of the file to `table`: its line number, then the text
// of each of `columns` (by key in `column_of`). Returns the rows.
int64_t AppendRecords(engine::Connection& con, const TempTable& table,
                      const std::map<std::string, size_t, std::less<>>& column_of, bool keyless,
                      const std::string& input, const std::string& name) {
  // A row's values; the strings keep their capacity from row to row.
  std::vector<std::string> texts(column_of.size());
  std::vector<bool> set(column_of.size());
  engine::Appender appender(con, table.table());
  JsonLinesReader lines(input, name);
  int64_t rows = 0;
  while (lines.Next()) {
    if (!IsRecord(lines.root())) continue;
    std::fill(set.begin(), set.end(), false);
    if (keyless) {
      texts[0] = "{}";
      set[0] = true;
    }
    lines.ForEachMemberText([&](std::string_view key, std::optional<std::string_view> text) {
      auto it = column_of.find(key);
      if (it == column_of.end()) throw Error("changed while it was read", name);
      set[it->second] = text.has_value();
      if (text) texts[it->second].assign(*text);
    });
    appender.Int(lines.line_number());
    for (size_t i = 0; i < texts.size(); ++i) {
      if (set[i])
        appender.Text(texts[i]);
      else
        appender.Null();
    }
    appender.EndRow();
    ++rows;
  }
  appender.Close();
  return rows;
}

}  // namespace

Parsed WriteJsonLogs(engine::Connection& con, const std::string& input, const std::string& output,
                     const std::string& name) {
  auto [keys, skipped] = ReadKeys(input, name);
  const bool keyless = keys.empty();
  if (keyless) keys.insert("json");
  const std::string order = OrderColumn(keys);

  std::vector<TempTable::Column> schema{{order, "BIGINT"}};
  std::vector<std::string> columns;
  std::map<std::string, size_t, std::less<>> column_of;
  for (const auto& k : keys) {
    column_of.emplace(k, columns.size());
    columns.push_back(k);
    schema.push_back({k, "VARCHAR"});
  }
  TempTable table(con, schema, name);
  const int64_t rows = AppendRecords(con, table, column_of, keyless, input, name);
  table.CopyToParquet(columns, order, output);
  return Parsed{rows, skipped};
}

}  // namespace pond::formats
