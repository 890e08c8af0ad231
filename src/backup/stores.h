// The two ObjectStore implementations (internal to src/backup/).
#pragma once

#include <memory>
#include <string>

#include "backup/object_store.h"

namespace pond::backup {

// A host directory: each key a file under `root`; writes go to `root`/tmp/ first and
// are renamed into place after an fsync.
std::unique_ptr<ObjectStore> OpenFileStore(const std::string& url, const std::string& root);

// An S3 bucket, keys under `prefix` (empty, or ending in '/').
std::unique_ptr<ObjectStore> OpenS3Store(const std::string& url, const std::string& bucket,
                                         const std::string& prefix);

}  // namespace pond::backup
