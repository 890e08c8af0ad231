// Turning a TableSource into what the store writes: its columns, the SELECT that
// makes it a series (docs/storage.md, "Series rules"), host CSV/Parquet files as
// sources, and DuckDB's multi-line errors about a source as one line naming it.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "engine/duckdb.h"
#include "store/pond.h"

namespace pond::store {

// The columns `select_sql` yields (DESCRIBE). Errors are SourceError(…, label).
std::vector<Column> DescribeSource(engine::Connection& con, const std::string& select_sql,
                                   const std::string& label);
// `source.columns`, or DescribeSource when they are not known.
std::vector<Column> SourceColumns(engine::Connection& con, const TableSource& source);

// The SELECT that turns `source` into series rows, columns in source order, with the
// time column renamed to "timestamp" and converted to TIMESTAMP (UTC):
// - recognised names, case-insensitive, first found in this order: timestamp, time,
//   ts, datetime, "date time";
// - TIMESTAMP kept; TIMESTAMP WITH TIME ZONE converted to UTC; TIMESTAMP_S/MS/NS cast;
//   numbers are Unix epochs when source.timestamp_unit is "s" or "ms".
// Throws, naming source.label: no time column; a time column of another type (naming
// the column and type); an unknown timestamp_unit.
std::string SeriesSelect(engine::Connection& con, const TableSource& source,
                         std::vector<Column>* columns = nullptr);

// The first column of `incoming` that `existing` also has (names compared
// case-insensitively, as UNION BY NAME does) with a type the two cannot be read as
// one column with: not the same, and not both numeric. {existing's, incoming's}.
std::optional<std::pair<Column, Column>> FirstTypeClash(const std::vector<Column>& existing,
                                                        const std::vector<Column>& incoming);

// Checks that a series version with `incoming` columns can be appended to one whose
// versions have `existing` columns: a column present in both (names compared
// case-insensitively, as UNION BY NAME does) must have the same type, or both must be
// numeric. Throws `column 'v' is VARCHAR here but DOUBLE in <node_path> (<label>)`.
void CheckAppendSchema(const std::vector<Column>& existing, const std::vector<Column>& incoming,
                       const std::string& node_path, const std::string& label);

// A host file as a source, labelled with its path: Parquet when it has the PAR1
// magic bytes, CSV when named `.csv` or `.csv.gz` (header required, RFC 4180: `,`
// `"` `"`, strict). Throws `no such file (<path>)`; for a CSV whose rows do not
// parse, the first bad row: `malformed CSV row: … (<path>:<line>)`; for any other
// file, one line saying it is neither and suggesting --format data.
TableSource HostFileSource(engine::Connection& con, const std::string& host_path,
                           const std::string& timestamp_unit = "");

// DuckDB's error about reading `label` as one line: CSV errors become
// `malformed CSV row: <reason> (<label>:<line>)`; others keep their first line.
Error SourceError(const Error& e, const std::string& label);

}  // namespace pond::store
