// Input formats (docs/inputs.md): the bytes of a pond file read as a table, for
// URL-typed input patterns such as `oteljson:///ingest/*.json` or
// `csv+gzip:///history/usage.csv.gz?delimiter=;`. Each format writes its table as
// one Parquet file, so that callers can keep the parse of an immutable version
// and read it again as a file (the factories layer keys it by content).
//
// Promises:
// - A format error is one Error naming the input (`name`) and, where there is one,
//   the line or row: `<name>:12: …`. Nothing is left at `output` on failure.
// - Memory follows one row (streaming parsers) or one file's table, never a pond.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "engine/duckdb.h"

namespace pond::formats {

// `csv`, `oteljson`, `excelhtml`, `jsonlogs`: the formats that parse bytes.
enum class Format { kCsv, kOtelJson, kExcelHtml, kJsonLogs };
// `gzip`, `zstd`, `bzip2`: decompressed before parsing.
enum class Compression { kNone, kGzip, kZstd, kBzip2 };

// The scheme word of a format and back; nullopt for a word that names none.
std::string FormatName(Format format);
std::optional<Format> FormatNamed(const std::string& word);
std::string CompressionName(Compression compression);
std::optional<Compression> CompressionNamed(const std::string& word);

// A URL's `?key=value&…` options, for the format (csv: delimiter, has_header,
// quote, escape, schema_infer_max_records; the others take none).
using Options = std::map<std::string, std::string>;

// Throws `unknown <format> option '<key>' (<where>)`, or a bad value's error, so a
// config is refused when it is applied rather than at its first read.
void CheckOptions(Format format, const Options& options, const std::string& where);

// What one parse did.
struct Parsed {
  int64_t rows = 0;
  // Lines skipped as malformed (oteljson, jsonlogs): the caller warns once with the count.
  int64_t skipped = 0;
};

// Reads the host file `input`, compressed as `compression`, as `format` with
// `options`, and writes its table to `output` (a host path not yet there) as
// Parquet through `con`. `name` names the input in errors (the pond path).
// Tables by format (docs/inputs.md):
//   csv        DuckDB's read_csv with the options (header and types inferred).
//   oteljson   `timestamp` TIMESTAMP, then one DOUBLE per gauge metric name in byte
//              order; one row per distinct timestamp, ascending.
//   excelhtml  the isi-report table: `Date Time` VARCHAR, every other column DOUBLE.
//   jsonlogs   one VARCHAR per key seen, sorted, a row per JSON-object line.
Parsed WriteParquet(engine::Connection& con, Format format, Compression compression,
                    const Options& options, const std::string& input, const std::string& output,
                    const std::string& name);

}  // namespace pond::formats
