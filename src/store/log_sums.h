// What a file:log keeps so that an append checks the bytes it already holds on every
// core and hashes on from where the last append stopped (docs/append-only.md, "Cost"):
// the BLAKE3 of each whole segment of its bytes, of the bytes after them, and the
// cumulative hasher's state. A summary only: the log's size and BLAKE3 stay the
// authority, and a log without sums (appended before them) is checked in one pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pond::store {

// 64 segments to a GB: enough to share among the cores, a catalog row each.
inline constexpr int64_t kLogSegmentBytes = int64_t{16} << 20;

struct LogSums {
  size_t first = 0;                   // index of segments[0] (0 when loaded whole)
  std::vector<std::string> segments;  // hex BLAKE3 of bytes [i*kLogSegmentBytes, +kLogSegmentBytes)
  std::string tail;                   // hex BLAKE3 of the bytes after the whole segments
  std::string state;                  // Blake3::SaveState after every byte
};

}  // namespace pond::store
