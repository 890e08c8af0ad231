// `pond export` (docs/export.md): each --pattern is a stage, run in order. Tables
// and series become Hive-partitioned Parquet written by DuckDB, with metadata taken
// from COPY … RETURN_STATS or the partitions' count (never by listing or re-reading
// files); template and data nodes become files. Stage N's templates see stage N-1's
// ExportSet.
//
// Promises:
// - All or nothing (staging.h): the new OUT is built whole beside it (from the tree
//   before the last export, kept as OUT's spare) and swapped with OUT in one rename
//   when every stage succeeded. Killed or failing at any moment (every write goes
//   through the Disk seam), the export leaves OUT as it was or as it should be, never
//   a mix, to anyone reading it meanwhile and to the next export. Entries of OUT this
//   export did not produce stay (as hard links), but OUT and its folders are other
//   directories after each export that changes anything.
// - Deterministic: unchanged data re-exports to byte-identical files at the same
//   paths (fixed names data_<i>.parquet, rows in timestamp order).
// - Incremental (manifest.h): with OUT's manifest, a file whose inputs' identity is
//   unchanged and which nobody touched is neither recomputed nor rewritten (same
//   inode and mtime: a hard link in the new tree); outputs of earlier exports that no
//   longer exist are left out of it. The ExportSet lists every file alike. When
//   nothing changed, OUT is not touched at all.
// - The pond is never modified.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/export_set.h"
#include "factories/view.h"
#include "store/disk.h"

namespace pond::exporter {

// Where one match's files go (folders below OUT, one ExportSet level each) and its
// time partitions (partitioned_copy.h's keys).
struct TargetLayout {
  std::vector<std::string> keys;
  std::vector<std::string> temporal;
};

struct ExportOptions {
  std::vector<std::string> patterns;       // one stage each, in order
  std::string out_dir;
  std::vector<std::string> temporal;       // subset of year, month, day, hour, in that order
  // Instead of the captures and `temporal`, for every match of stage N (sitegen's
  // stages: docs/sitegen.md, "Exports").
  std::function<TargetLayout(size_t stage, const GlobMatch& match)> layout;
  std::optional<int64_t> start_us, end_us;  // half-open time range
  bool progress = false;                   // targets done / total on stderr
  bool rebuild = false;                    // ignore OUT's manifest: recompute and rewrite all
};

struct StageResult {
  std::string pattern;
  std::vector<TargetOutput> targets;  // in match (sorted path) order
  nlohmann::json export_set;
};

struct ExportResult {
  std::vector<StageResult> stages;
  size_t total_files = 0;
  // Of total_files: written by this export, and kept as they were (manifest.h);
  // files of earlier exports that no longer exist, removed.
  size_t files_written = 0, files_kept = 0, files_removed = 0;
  std::vector<std::string> warnings;  // also printed as they happen
};

// Parses `--temporal` ("year,month"); throws UsageError for an unknown key or order.
std::vector<std::string> ParseTemporal(const std::string& spec);

// Runs every stage, writing through `disk` (DiskFromEnvironment() in `pond export`).
// Throws pond::Error (OUT untouched) on any failure.
ExportResult Export(factories::View& view, const ExportOptions& options, store::Disk& disk);

// The summary of docs/export.md, "Summary"
// (📊 Export Context Summary: … ✅ Export completed successfully!).
std::string FormatSummary(const ExportResult& result, const std::string& out_dir,
                          const std::map<std::string, std::string>& vars);
// {"output_dir", "total_files", "vars", "stages": [{"pattern", "export"}], "warnings"}.
nlohmann::json ToJson(const ExportResult& result, const std::string& out_dir,
                      const std::map<std::string, std::string>& vars);

}  // namespace pond::exporter
