#include "store/table_source.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <vector>

#include "base/strings.h"
#include "store/disk.h"

namespace pond::store {

namespace fs = std::filesystem;
using engine::QuoteIdent;
using engine::QuoteLiteral;

namespace {

bool IsNumericType(const std::string& t) {
  static const char* kNumeric[] = {"TINYINT", "SMALLINT", "INTEGER",   "BIGINT",
                                   "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                                   "UBIGINT", "UHUGEINT", "FLOAT",     "DOUBLE"};
  for (const char* n : kNumeric)
    if (t == n) return true;
  return t.starts_with("DECIMAL");
}

// Index of the time column, or -1: the first recognised name, in priority order.
int FindTimeColumn(const std::vector<Column>& cols) {
  for (const char* name : {"timestamp", "time", "ts", "datetime", "date time"}) {
    for (size_t i = 0; i < cols.size(); ++i)
      if (AsciiLower(cols[i].name) == name) return static_cast<int>(i);
  }
  return -1;
}

std::string TimeExpression(const Column& c, const TableSource& source) {
  const std::string q = QuoteIdent(c.name);
  if (c.type == "TIMESTAMP") return q;
  if (c.type == "TIMESTAMP WITH TIME ZONE") return "timezone('UTC', " + q + ")";
  if (c.type == "TIMESTAMP_S" || c.type == "TIMESTAMP_MS" || c.type == "TIMESTAMP_NS")
    return "CAST(" + q + " AS TIMESTAMP)";
  if (IsNumericType(c.type)) {
    // Epochs to µs: exact for integers; a fractional column goes through DOUBLE,
    // exact to the µs for any date this side of the year 2255.
    const bool integral = c.type.find("INT") != std::string::npos;
    const std::string factor = source.timestamp_unit == "s" ? "1000000" : "1000";
    if (source.timestamp_unit == "s" || source.timestamp_unit == "ms")
      return integral ? "make_timestamp(CAST(" + q + " AS BIGINT) * " + factor + ")"
                      : "make_timestamp(CAST(round(CAST(" + q + " AS DOUBLE) * " + factor +
                            ") AS BIGINT))";
    throw Error("time column '" + c.name + "' is " + c.type +
                    "; give its epoch unit with --timestamp-unit s|ms",
                source.label);
  }
  throw Error("time column '" + c.name + "' has type " + c.type + ", not a timestamp",
              source.label);
}

// The number of fields in a CSV header line ("a,"b,c",d" has 3).
size_t CountCsvFields(const std::string& line) {
  size_t fields = 1;
  bool quoted = false;
  for (char c : line) {
    if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      ++fields;
  }
  return fields;
}

// A NUL byte never belongs in a text CSV (a binary or damaged file); DuckDB would
// keep it inside a VARCHAR value. Names the first line that has one.
void CheckNoNulBytes(const std::string& path) {
  int64_t line = 1;
  ReadFileChunks(path, [&](std::string_view chunk) {
    const size_t nul = chunk.find('\0');
    line += std::count(chunk.begin(), nul == std::string_view::npos ? chunk.end()
                                                                    : chunk.begin() + nul, '\n');
    if (nul != std::string_view::npos)
      throw Error("malformed CSV row: a NUL byte (not a text file?)",
                  path + ":" + std::to_string(line));
  });
}

// DuckDB's sniffer gives up on a file whose rows disagree with its header (it falls
// back to one VARCHAR column or fails without a line). Reading it again with the
// header's field count and a fixed RFC 4180 dialect makes DuckDB name the bad line.
void CheckCsvRows(engine::Connection& con, const std::string& path, size_t header_fields) {
  std::string columns;
  for (size_t i = 1; i <= header_fields; ++i)
    columns += (i > 1 ? ", " : "") + QuoteLiteral("c" + std::to_string(i)) + ": 'VARCHAR'";
  try {
    con.Execute("SELECT count(*) FROM read_csv(" + QuoteLiteral(path) +
                ", header = true, auto_detect = false, delim = ',', quote = '\"', "
                "escape = '\"', columns = {" +
                columns + "})");
  } catch (const Error& e) {
    throw SourceError(e, path);
  }
}

}  // namespace

Error SourceError(const Error& e, const std::string& label) {
  const std::string& msg = e.message();
  std::vector<std::string> lines;
  std::string::size_type start = 0;
  while (start <= msg.size()) {
    auto nl = msg.find('\n', start);
    if (nl == std::string::npos) nl = msg.size();
    lines.push_back(msg.substr(start, nl - start));
    start = nl + 1;
  }
  static const std::regex kCsvLine("CSV Error on Line: (\\d+)");
  std::smatch m;
  if (std::regex_search(lines[0], m, kCsvLine)) {
    // The reason follows `Original Line:`. An original line with an unterminated
    // quote (an odd number of `"`) runs on over the next lines, up to a blank one.
    std::string reason;
    size_t i = 1;
    if (i < lines.size() && lines[i].starts_with("Original Line:")) {
      if (std::count(lines[i].begin(), lines[i].end(), '"') % 2 == 1)
        while (i < lines.size() && !lines[i].empty()) ++i;
      ++i;
    }
    for (; i < lines.size() && reason.empty(); ++i) reason = lines[i];
    if (reason.empty()) reason = lines[0];
    return Error("malformed CSV row: " + reason, label + ":" + m[1].str());
  }
  return Error(lines[0], label);
}

std::vector<Column> DescribeSource(engine::Connection& con, const std::string& select_sql,
                                   const std::string& label) {
  engine::Result r;
  try {
    r = con.Query("DESCRIBE SELECT * FROM (" + select_sql + ")");
  } catch (const Error& e) {
    throw SourceError(e, label);
  }
  std::vector<Column> out;
  for (size_t i = 0; i < r.row_count(); ++i)
    out.push_back({r.at(i, "column_name").as_string(), r.at(i, "column_type").as_string()});
  return out;
}

std::vector<Column> SourceColumns(engine::Connection& con, const TableSource& source) {
  return source.columns.empty() ? DescribeSource(con, source.sql, source.label) : source.columns;
}

std::string SeriesSelect(engine::Connection& con, const TableSource& source,
                         std::vector<Column>* columns) {
  if (!source.timestamp_unit.empty() && source.timestamp_unit != "s" &&
      source.timestamp_unit != "ms")
    throw Error("timestamp unit must be s or ms, not '" + source.timestamp_unit + "'",
                source.label);
  std::vector<Column> cols = SourceColumns(con, source);
  int t = FindTimeColumn(cols);
  if (t < 0)
    throw Error("no time column (timestamp, time, ts, datetime or Date Time)", source.label);
  std::string list;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!list.empty()) list += ", ";
    if (static_cast<int>(i) == t) {
      list += TimeExpression(cols[i], source) + " AS \"timestamp\"";
      cols[i] = {"timestamp", "TIMESTAMP"};
    } else {
      list += QuoteIdent(cols[i].name);
    }
  }
  if (columns != nullptr) *columns = cols;
  return "SELECT " + list + " FROM (" + source.sql + ") AS __pond_source";
}

std::optional<std::pair<Column, Column>> FirstTypeClash(const std::vector<Column>& existing,
                                                        const std::vector<Column>& incoming) {
  for (const auto& in : incoming)
    for (const auto& old : existing)
      if (AsciiLower(old.name) == AsciiLower(in.name) && old.type != in.type &&
          !(IsNumericType(old.type) && IsNumericType(in.type)))
        return std::pair{old, in};
  return std::nullopt;
}

void CheckAppendSchema(const std::vector<Column>& existing, const std::vector<Column>& incoming,
                       const std::string& node_path, const std::string& label) {
  if (auto clash = FirstTypeClash(existing, incoming)) {
    const auto& [old, in] = *clash;
    throw Error(
        "column '" + in.name + "' is " + in.type + " here but " + old.type + " in " + node_path,
        label);
  }
}

namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::getline(in, line);
  return line;
}

// The first line of a gzip file, through zlib.
std::string GzipFirstLine(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw Error("cannot open", path);
  std::string line;
  char buf[4096];
  while (gzgets(f, buf, sizeof buf) != nullptr) {
    line += buf;
    if (!line.empty() && line.back() == '\n') break;
  }
  gzclose(f);
  if (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

}  // namespace

namespace {

// The 4 bytes at the start and at the end of a file ("" when it is shorter than 8).
std::pair<std::string, std::string> Ends(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in.tellg();
  if (size < 8) return {};
  std::string head(4, '\0'), tail(4, '\0');
  in.seekg(0);
  in.read(head.data(), 4);
  in.seekg(size - 4);
  in.read(tail.data(), 4);
  return {head, tail};
}

// A CSV read strictly: the RFC 4180 dialect is given, not sniffed (a sniffer that
// gives up on a stray quote falls back to reading it as text), and a row that does
// not parse or convert fails the read naming its line. Only the types are sniffed.
TableSource CsvSource(engine::Connection& con, const std::string& path, bool gzipped,
                      TableSource s) {
  s.sql = "SELECT * FROM read_csv(" + QuoteLiteral(path) +
          ", header = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true)";
  std::string header = gzipped ? GzipFirstLine(path) : FirstLine(path);
  if (!header.empty() && header.back() == '\r') header.pop_back();
  if (header.empty()) throw Error("CSV file has no header line", path);
  const size_t fields = CountCsvFields(header);
  if (!gzipped) CheckNoNulBytes(path);
  std::vector<Column> cols;
  try {
    cols = DescribeSource(con, s.sql, path);
  } catch (const Error&) {
    CheckCsvRows(con, path, fields);
    throw;
  }
  if (cols.size() != fields) {
    CheckCsvRows(con, path, fields);
    throw Error("cannot detect the CSV layout (the header has " + std::to_string(fields) +
                    " columns, DuckDB found " + std::to_string(cols.size()) + ")",
                path);
  }
  s.columns = std::move(cols);
  return s;
}

}  // namespace

TableSource HostFileSource(engine::Connection& con, const std::string& path,
                           const std::string& timestamp_unit) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error("no such file", path);
  if (!fs::is_regular_file(path, ec)) throw Error("not a regular file", path);
  const std::string ext = AsciiLower(fs::path(path).extension().string());
  // `x.csv.gz`: DuckDB's read_csv decompresses it; the header check reads it through zlib.
  const bool gzipped = ext == ".gz" && AsciiLower(fs::path(path).stem().extension().string()) == ".csv";
  TableSource s;
  s.label = path;
  s.timestamp_unit = timestamp_unit;
  // Parquet is recognised by its magic bytes, whatever the name: `copy` out names
  // files by their pond name (`a.series`), and those must come back in.
  const auto [head, tail] = Ends(path);
  if (head == "PAR1") {
    if (tail != "PAR1")
      throw Error("not a readable Parquet file: no PAR1 magic bytes at its end (truncated?)", path);
    s.sql = "SELECT * FROM read_parquet(" + QuoteLiteral(path) + ")";
    return s;
  }
  if (ext == ".csv" || gzipped) return CsvSource(con, path, gzipped, std::move(s));
  // Not read as CSV on a guess: almost any text reads as a one-column CSV.
  throw Error(
      "neither Parquet (no PAR1 magic bytes) nor CSV (named .csv or .csv.gz); to store its "
      "bytes as they are, use --format data",
      path);
}

}  // namespace pond::store
