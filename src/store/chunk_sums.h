// Checksums of a Parquet blob's byte ranges (docs/storage.md, "Verified reads"): one per
// column chunk, plus the frame (magic bytes, page indexes, footer: every byte no
// chunk holds), so that a read verifies the chunks it reads and nothing else. The
// blob's sha256 name still covers the whole file; these only make reads cheaper.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pond::engine {
class Connection;
}

namespace pond::store {

// Smaller Parquet blobs are verified whole (sha256 of a MiB costs under a
// millisecond); each range costs a catalog row.
inline constexpr int64_t kChunkSumsMinBytes = int64_t{1} << 20;

struct ChunkSum {
  int64_t start = 0, length = 0;
  std::string column;  // top-level column, lowercase; "" for the frame
  std::string xxh3;    // XXH3-128 of the range, hex
};

// The columns a read needs, lowercase (DuckDB's identifiers are case-insensitive);
// nullopt: every column.
using ReadColumns = std::optional<std::set<std::string>>;

// XXH3-128 of the whole file at `path`, hex (32 characters): how the result cache
// names and checks its files (result_cache.h). Throws Error when it cannot be read.
std::string Xxh3OfFile(const std::string& path);

// The ranges of the Parquet file at `path` (its footer read by DuckDB's
// parquet_metadata), each with its checksum, covering the whole file. Empty when the
// file has nested columns (a chunk is a leaf; mapping leaves to the columns a query
// names is not worth it) or its chunks do not tile it: such blobs are verified whole.
std::vector<ChunkSum> ComputeChunkSums(engine::Connection& con, const std::string& path);

// Whether the file at `path` is `size` bytes and each of `ranges` has its checksum.
// nullopt: the file cannot be read.
std::optional<bool> RangesMatch(const std::string& path, int64_t size,
                                const std::vector<const ChunkSum*>& ranges);

}  // namespace pond::store
