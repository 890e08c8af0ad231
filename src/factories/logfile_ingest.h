// logfile-ingest (docs/logfile-ingest.md): an executable node; `pond run NODE`
// mirrors its host logs (src/logfile). Its config, checked here.
#pragma once

#include "factories/factory.h"
#include "logfile/config.h"

namespace pond::factories {

// The node's config; throws naming the field and line (`missing field 'pond_path'`).
logfile::Config LogfileIngestConfig(const Config& config);

}  // namespace pond::factories
