// Reading host files: whole (a config, an apply file) or front to back in chunks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pond {

// The bytes of the host file `path`; throws `cannot read <what> (<path>)` when it
// cannot be opened or read (missing, a directory, no permission).
std::string ReadHostFile(const std::string& path, const std::string& what);

// A host file open for reading front to back, a range at a time, in chunks of 64 KiB
// (memory bounded whatever the file's size). A file renamed or replaced while open is
// still the one opened. Errors: `cannot read file (<path>)`.
class HostFileReader {
 public:
  explicit HostFileReader(const std::string& path);
  ~HostFileReader();
  HostFileReader(const HostFileReader&) = delete;
  HostFileReader& operator=(const HostFileReader&) = delete;

  // Hands the next `n` bytes to `chunk` in order; returns how many there were, fewer
  // than `n` only at the end of the file.
  int64_t Read(int64_t n, const std::function<void(std::string_view)>& chunk);

 private:
  std::string path_;
  int fd_ = -1;
  // 64 KiB stays in the L2 cache between read() and its consumer (a hash): faster
  // than 1 MiB on a 1 GB file (docs/append-only.md, "Cost").
  std::vector<char> buf_ = std::vector<char>(64 << 10);
};

}  // namespace pond
