// Retention (docs/storage.md, "Retention"): which blobs the views at or after a
// horizon transaction need. Logical history stays in the catalog; blobs that no view
// at or after the horizon reads may be deleted, and a read --at an older transaction
// fails naming the horizon. Internal to src/store/.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "store/sqlite.h"

namespace pond::store {

// The catalog's horizon: the oldest transaction a view may show (1 when nothing was
// ever dropped).
int64_t Horizon(sqlite::Db& db);

// Every blob file (relative: `blobs/ab/<hash>[.parquet]`) that some view at a seq in
// [horizon, last_seq] reads: each node's latest version as of the horizon and every
// later one, and for series the cover (layout.h) of each of those views.
std::set<std::string> NeededBlobs(sqlite::Db& db, int64_t horizon, int64_t last_seq);

// Every blob file any version or segment row names.
std::set<std::string> ReferencedBlobs(sqlite::Db& db);

}  // namespace pond::store
