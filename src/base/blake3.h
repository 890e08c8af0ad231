// BLAKE3, the hash `b3sum` prints: the cumulative hash of an append-only data file
// (docs/append-only.md). The reference C implementation that Debian ships in
// librust-blake3-dev, built by src/base/CMakeLists.txt; only blake3.cc sees its header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace pond {

// A running hash: Update with bytes in order, HexDigest whenever wanted.
class Blake3 {
 public:
  Blake3();
  ~Blake3();
  Blake3(const Blake3&) = delete;
  Blake3& operator=(const Blake3&) = delete;
  Blake3(Blake3&&) noexcept;
  Blake3& operator=(Blake3&&) noexcept;

  void Update(std::string_view bytes);
  // Lowercase hex of the 32-byte hash of every byte given so far, as `b3sum` prints
  // it. The state is not consumed: more Updates may follow.
  std::string HexDigest() const;
  // Back to the hash of nothing.
  void Reset();

  // The state after the bytes given so far, as bytes to keep (a file:log's, so that
  // its next append hashes only the new bytes; docs/append-only.md, "Cost"). The C
  // code calls its struct private: the bytes name the version they come from, and
  // LoadState refuses others (false) as well as anything malformed.
  std::string SaveState() const;
  bool LoadState(std::string_view saved);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The hex BLAKE3 of `bytes`.
std::string Blake3Hex(std::string_view bytes);

// The hex BLAKE3 of the first `n` bytes of the host file `path` (all of it when n is
// negative), read in chunks: memory stays bounded whatever the file's size. Throws
// `cannot read file (<path>)`, or `file has fewer than N bytes (<path>)`.
std::string Blake3OfFile(const std::string& path, int64_t n = -1);

}  // namespace pond
