// Time-partitioned Parquet (`--temporal year,month`): one file per partition,
// <dir>/year=2024/month=7/data_0.parquet, holding its rows in the relation's order.
//
// DuckDB's COPY … PARTITION_BY writes one file per thread and partition (data_0,
// data_1, … once data is large), does not keep row order inside a file, and on two
// cores runs about five times slower than a single-file COPY once partitions are many.
// When every partition is one time range (keys year, year+month, … as a prefix of
// year, month, day, hour, minute; or year+quarter), this writes instead:
//  1. one query counts the rows of each partition (date_trunc of "timestamp") and
//     takes their first and last timestamps: with the size of the file written, the
//     file's metadata, as exact as COPY … RETURN_STATS but without its cost per file;
//  2. consecutive small partitions form windows of about 32 MiB, each read once into
//     a temp table, from which each partition is written by a plain, order-keeping
//     COPY … TO '<dir>/year=…/month=…/data_0.parquet'; a partition larger than a
//     window is copied from the source alone;
//  3. windows run on one thread per DuckDB thread, each thread with its own
//     connection, while DuckDB itself is set to one thread: small statements spread
//     over several DuckDB threads spend more time handing work over than doing it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/copy_stats.h"
#include "engine/duckdb.h"
#include "store/disk.h"

namespace pond::exporter {

// True when `keys` are year, or year, month, or … down to minute, or year, quarter
// (each partition is one time range).
bool IsTimeRangeKeys(const std::vector<std::string>& keys);

struct PartitionedWrite {
  // A relation `(SELECT …)` with a TIMESTAMP column "timestamp". Any row order works;
  // sorted by "timestamp" (as series are), each window reads only its own row groups.
  std::string source;
  std::vector<std::string> keys;  // IsTimeRangeKeys
  std::filesystem::path dir;      // the output folder; partitions are folders below it
  size_t column_count = 1;        // of the source: sizes the windows
};

// Opens one more connection to the database `source` is read on.
using Connector = std::function<std::unique_ptr<engine::Connection>()>;

// Writes every partition (rows with a NULL timestamp in year=NULL/…); returns each
// file's metadata, in time order. `con` is the caller's connection
// (for the count and the threads setting, restored afterwards). Folders are made and
// files written through `disk` (each COPY between two write points, from several
// threads). Throws pond::Error with DuckDB's message; files written so far stay (the
// caller's staging folder).
std::vector<engine::WrittenFile> WritePartitioned(engine::Connection& con, const Connector& connect,
                                                  store::Disk& disk, const PartitionedWrite& write);

}  // namespace pond::exporter
