// `pond run NODE build OUTDIR` of a sitegen node (docs/sitegen.md, "Build"): its
// routes and content pages become HTML pages in OUTDIR, with style.css, theme.css,
// the static files and feed.xml.
//
// Promises:
// - All or nothing: the site is built beside OUTDIR and swapped in whole
//   (export/staging.h); a build that fails or is killed leaves OUTDIR as it was. A bad
//   page fails the build with one line naming it, line and column.
// - A file whose bytes are unchanged keeps its inode (a hard link of the old one), so
//   rsync or a CDN upload skips it; files the build no longer makes are removed.
// - The pond is only read.
#pragma once

#include <string>
#include <vector>

#include "factories/view.h"
#include "sitegen/config.h"
#include "store/disk.h"

namespace pond::site {

struct BuildResult {
  size_t pages = 0;
  size_t files = 0, written = 0, kept = 0;
  std::vector<std::string> warnings;
};

struct BuildOptions {
  bool quick = false;     // --quick: no export stages (the last build's data) and no subsites
  bool progress = false;  // the export stages' targets done / total, on a terminal's stderr
};

BuildResult Build(factories::View& view, const sitegen::SiteConfig& config,
                  const std::string& out_dir, store::Disk& disk, const BuildOptions& options = {});

}  // namespace pond::site
