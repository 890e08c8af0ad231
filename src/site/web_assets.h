// The browser half of a site (docs/sitegen.md, "Charts and the explorer"): our
// modules (chart.js, explore.js, duckdb-shared.js) and the pinned npm artefacts they
// load (DuckDB-WASM, Apache Arrow, uPlot), shipped with pond as a folder that every
// build copies into OUTDIR whole. No Node.js and no CDN where the site is built or
// served.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pond::site {

struct WebAssets {
  std::filesystem::path dir;
  std::vector<std::string> files;  // relative to dir, sorted
  std::string importmap;           // importmap.json, its site-root paths under base_url
};

// The folder: $POND_WEB_DIR, else share/pond/web beside the pond binary (the build
// tree) or above it (an install: /usr/bin/pond, /usr/share/pond/web). nullopt when
// none exists; `looked` then says where it looked.
std::optional<WebAssets> FindWebAssets(const std::string& base_url, std::string* looked);

}  // namespace pond::site
