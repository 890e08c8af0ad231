// sitegen's export stages (docs/sitegen.md, "Exports"): each stage's matches written
// by the exporter as Hive-partitioned Parquet for the browser's charts, into a data
// folder beside OUTDIR that the site links its `data/` files from.
//
// Promises:
// - A match `/reduced/BDock/res=1h.series` goes to `data/BDock/res=1h/<partitions>/`
//   (its pond path without the first component and extension), partitioned in time by
//   sitegen/partitioning.h; a `://` pattern gives one unpartitioned file per match, and
//   one that matches nothing is a warning.
// - The data folder is an export's OUT (export/exporter.h): all or nothing, and
//   incremental: an unchanged partition keeps its file, so the site's hard link to it
//   keeps its inode.
// - `quick`: nothing is exported; the files are those of the last export, as its
//   manifest records them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "factories/view.h"
#include "sitegen/config.h"
#include "store/disk.h"

namespace pond::site {

// One Parquet file of a stage, as pages see it.
struct DataFile {
  std::string pond_path;
  std::vector<std::string> captures;
  std::optional<int64_t> resolution_us;                       // from a `res=` capture
  std::vector<std::pair<std::string, std::string>> temporal;  // its partition keys, in order
  std::string rel;  // relative to OUTDIR: data/BDock/res=1h/year=2024/quarter=3/data_0.parquet
  std::optional<int64_t> start_time, end_time, rows;  // Unix ms
};

struct DataStages {
  std::map<std::string, std::vector<DataFile>> files;  // by stage name, in match order
  std::filesystem::path dir;                           // where `rel` less its `data/` is on disk
  std::vector<std::string> warnings;
};

// The data folder of OUTDIR `out_dir`: OUT_PARENT/.OUTNAME.pond-data.
std::filesystem::path DataDirOf(const std::filesystem::path& out_dir);

DataStages WriteDataStages(factories::View& view, const sitegen::SiteConfig& config,
                           const std::filesystem::path& out_dir, store::Disk& disk, bool quick,
                           bool progress);

}  // namespace pond::site
