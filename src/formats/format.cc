#include "formats/format.h"

#include <filesystem>

#include "base/error.h"
#include "formats/parsers.h"

namespace pond::formats {

namespace {

const std::map<std::string, Format>& Formats() {
  static const std::map<std::string, Format> m{{"csv", Format::kCsv},
                                               {"oteljson", Format::kOtelJson},
                                               {"excelhtml", Format::kExcelHtml},
                                               {"jsonlogs", Format::kJsonLogs}};
  return m;
}

const std::map<std::string, Compression>& Compressions() {
  static const std::map<std::string, Compression> m{
      {"gzip", Compression::kGzip}, {"zstd", Compression::kZstd}, {"bzip2", Compression::kBzip2}};
  return m;
}

// Removes a host file when the scope ends (the decompressed copy of an input).
struct RemoveOnExit {
  std::string path;
  ~RemoveOnExit() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove(path, ec);
  }
};

}  // namespace

namespace {

// The word for `value` in `words`, or `none`.
template <class T>
std::string WordFor(const std::map<std::string, T>& words, T value, const char* none) {
  for (const auto& [word, v] : words)
    if (v == value) return word;
  return none;
}

template <class T>
std::optional<T> Named(const std::map<std::string, T>& words, const std::string& word) {
  auto it = words.find(word);
  if (it == words.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::string FormatName(Format format) { return WordFor(Formats(), format, "?"); }
std::optional<Format> FormatNamed(const std::string& word) { return Named(Formats(), word); }
std::string CompressionName(Compression c) { return WordFor(Compressions(), c, "none"); }
std::optional<Compression> CompressionNamed(const std::string& word) {
  return Named(Compressions(), word);
}

void CheckOptions(Format format, const Options& options, const std::string& where) {
  for (const auto& [key, value] : options) {
    const std::string option = FormatName(format) + " option '" + key + "'";
    if (format != Format::kCsv) throw Error("unknown " + option, where);
    if (key == "delimiter" || key == "quote" || key == "escape") {
      if (value.size() != 1) throw Error(option + " must be one character, not '" + value + "'", where);
    } else if (key == "has_header") {
      if (value != "true" && value != "false")
        throw Error(option + " must be true or false, not '" + value + "'", where);
    } else if (key == "schema_infer_max_records") {
      if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos ||
          value == "0" || value[0] == '0')
        throw Error(option + " must be a positive integer, not '" + value + "'", where);
    } else {
      throw Error("unknown " + option + " (expected delimiter, has_header, quote, escape or "
                  "schema_infer_max_records)", where);
    }
  }
}

Parsed WriteCsv(engine::Connection& con, const Options& options, const std::string& input,
                const std::string& output, const std::string& name) {
  // The original's header default is true; DuckDB would sniff it.
  std::string args = engine::QuoteLiteral(input) + ", header = ";
  auto header = options.find("has_header");
  args += header == options.end() ? "true" : header->second;
  for (const auto& [key, sql] : std::map<std::string, std::string>{
           {"delimiter", "delim"}, {"quote", "quote"}, {"escape", "escape"}})
    if (auto it = options.find(key); it != options.end())
      args += ", " + sql + " = " + engine::QuoteLiteral(it->second);
  if (auto it = options.find("schema_infer_max_records"); it != options.end())
    args += ", sample_size = " + it->second;
  try {
    engine::Result r = con.Query("COPY (SELECT * FROM read_csv(" + args + ")) TO " +
                                 engine::QuoteLiteral(output) + " (FORMAT parquet)");
    return Parsed{r.row_count() > 0 ? r.at(0, 0).as_int() : 0, 0};
  } catch (const Error& e) {
    std::error_code ec;
    std::filesystem::remove(output, ec);
    throw Error(std::string("cannot read as CSV: ") + e.what(), name);
  }
}

Parsed WriteParquet(engine::Connection& con, Format format, Compression compression,
                    const Options& options, const std::string& input, const std::string& output,
                    const std::string& name) {
  CheckOptions(format, options, name);
  RemoveOnExit plain;
  std::string source = input;
  if (compression != Compression::kNone) {
    plain.path = output + ".plain";
    Decompress(compression, input, plain.path, name);
    source = plain.path;
  }
  switch (format) {
    case Format::kCsv:
      return WriteCsv(con, options, source, output, name);
    case Format::kOtelJson:
      return WriteOtelJson(con, source, output, name);
    case Format::kExcelHtml:
      return WriteExcelHtml(con, source, output, name);
    case Format::kJsonLogs:
      return WriteJsonLogs(con, source, output, name);
  }
  throw Error("unknown format", name);
}

}  // namespace pond::formats
