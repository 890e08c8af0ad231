// Export metadata (docs/export.md, "Metadata"): what one stage wrote, organised by
// the glob captures that matched. Stage N+1's templates see it as `export`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pond::exporter {

// One file written, relative to its target's folder OUT/<captures…>.
struct ExportOutput {
  std::string file;                    // "year=2024/month=7/data_0.parquet"
  std::optional<int64_t> start_time;   // Unix ms of the first timestamp; null if none
  std::optional<int64_t> end_time;     // Unix ms of the last timestamp
  std::optional<int64_t> rows;         // null for rendered/copied files
  int64_t bytes = 0;
};

// One column of an exported table: `AT500_Surface.DO.mg/L.avg` splits into
// instrument AT500_Surface, name DO, unit mg/L, agg avg.
struct SchemaField {
  std::string column;
  std::string type;
  std::optional<std::string> name, instrument, unit, agg;
};
SchemaField SplitColumn(const std::string& column, const std::string& type);

// What one target contributed: its captures (the ExportSet keys) and its files.
struct TargetOutput {
  std::string pond_path;
  // One ExportSet level each: the match's captures, or with none the components
  // of the pond path without extension (/raw/a.series → raw, a).
  std::vector<std::string> keys;
  std::vector<ExportOutput> files;       // sorted by start_time (null last), then file
  std::optional<std::vector<SchemaField>> schema;  // null for rendered/copied files
};

// Sorts files as the ExportSet promises: by start_time (null last), then file name.
void SortFiles(std::vector<ExportOutput>& files);

// A value, or JSON null.
nlohmann::json OptJson(const std::optional<std::string>& s);
nlohmann::json OptJson(const std::optional<int64_t>& v);

nlohmann::json ToJson(const ExportOutput& o);
nlohmann::json ToJson(const SchemaField& f);

// Builds the nested ExportSet of one stage: one object level per capture, leaves
// {files, schema}. Throws Error when one target's captures are a prefix of
// another's (a leaf and a map at the same key).
nlohmann::json BuildExportSet(const std::vector<TargetOutput>& targets);

}  // namespace pond::exporter
