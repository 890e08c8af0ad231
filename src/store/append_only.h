// The byte work of an append-only data file (file:log, docs/append-only.md): an
// append read from its host file in one pass (the prefix verified, the new bytes
// stored and hashed on), and consecutive pieces merged into one blob. The catalog
// rows are the transaction's (transaction.cc). Internal to src/store/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/blob_store.h"
#include "store/disk.h"
#include "store/log_sums.h"
#include "store/pond.h"

namespace pond::store {

// The state of a file:log with no bytes yet: size 0, the BLAKE3 of nothing.
LogState EmptyLogState();

struct StoredAppend {
  BlobStore::Stored blob;  // the new bytes, a raw blob
  LogState after;          // the whole file's, new bytes included
  LogSums sums;            // after's, from the first segment this append hashed on
};

// Reads `host_path` once: its first `before.size` bytes must be the log's (else
// PrefixMismatchError naming `pond_path`, and nothing is written); its bytes
// [before.size, host_size) are then stored as one raw blob through `disk` (a write
// point before and after the copy, ExternalWrite) while the hashes go on over them.
// With `sums` (the log's, matching `before`), the first bytes are checked segment by
// segment on every core and only the new ones are hashed on; without, or when the
// saved state is not this build's, they are hashed in one pass against before.blake3.
// Throws `cannot read file (<host_path>)` when the file ends before host_size.
StoredAppend StoreAppend(BlobStore& blobs, Disk& disk, const std::string& host_path,
                         const LogState& before, const LogSums* sums, int64_t host_size,
                         const std::string& pond_path);

// The check alone: the first `before.size` bytes of `host_path` are the log's, else
// PrefixMismatchError.
void VerifyPrefix(const std::string& host_path, const LogState& before, const LogSums* sums,
                  const std::string& pond_path);

// One raw blob holding the bytes of the files `paths` (verified blobs) in order.
BlobStore::Stored StoreConcatenation(BlobStore& blobs, Disk& disk,
                                     const std::vector<std::string>& paths);

// Reads the files `paths` as one stream of bytes and returns the hex BLAKE3 of its
// first `sizes[i]` bytes for each i (`sizes` ascending): one pass, however many. When
// the stream ends early, only the hashes it reached. With `sums`, also the sums of
// the whole stream, in the same pass.
std::vector<std::string> PrefixHashes(const std::vector<std::string>& paths,
                                      const std::vector<int64_t>& sizes,
                                      LogSums* sums = nullptr);

}  // namespace pond::store
