// hydrovu (docs/hydrovu.md): an executable node holding only config; `pond run PATH
// collect` downloads (src/hydrovu) and stores (src/cli/cmd_run.cc). Here: what the
// collector needs from the pond, read through the View as any factory reads inputs.
#pragma once

#include <cstdint>

#include "factories/view.h"
#include "hydrovu/config.h"

namespace pond::factories {

// Where `device` resumes, in Unix seconds (docs/hydrovu.md, "collect", step 3): one
// second after the latest time of all `*.series` in its device folder; when they
// hold no time, with archive_path set, one second after the latest time of all
// `<archive_path>/devices/<id>/*.series`, read as `series://` inputs (stored series
// or Parquet data files); otherwise `start_time`. Reads, never writes.
// Throws Error (where `device <id>, <name>`) when archive_path is set and no archive
// has a time (`no writeable data and no resume point in seed archive <dir>;
// refusing to crawl HydroVu from epoch`), and naming the file when a match cannot
// be read as a series.
int64_t HydroVuResumeStart(View& view, const hydrovu::HydroVuConfig& config,
                           const hydrovu::HydroVuDevice& device);

}  // namespace pond::factories
