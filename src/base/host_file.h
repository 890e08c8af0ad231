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
//
// Past its first MiB a read goes on in a thread of its own, a few chunks of 1 MiB ahead
// of the consumer, which gets them in order on the calling thread: a hash of a 1 GB log
// then overlaps the kernel's copies (a quarter of its time on one core;
// docs/append-only.md).
class HostFileReader {
 public:
  explicit HostFileReader(const std::string& path);
  ~HostFileReader();
  HostFileReader(const HostFileReader&) = delete;
  HostFileReader& operator=(const HostFileReader&) = delete;

  // Hands the next `n` bytes to `chunk` in order, on the calling thread; returns how
  // many there were, fewer than `n` only at the end of the file. What `chunk` throws
  // ends the read (the thread reading ahead is stopped first) and is rethrown.
  int64_t Read(int64_t n, const std::function<void(std::string_view)>& chunk);

  // The next Read starts at `offset`.
  void Seek(int64_t offset);
  // Its size now.
  int64_t Size() const;
  // Hands the `n` bytes at `offset` to `chunk` in order; returns how many there were.
  // Leaves Read's position alone, and several threads may call it at once (one
  // parallel check of a log's segments, docs/append-only.md).
  int64_t ReadAt(int64_t offset, int64_t n,
                 const std::function<void(std::string_view)>& chunk) const;

 private:
  // Reads into `buf`: bytes read, 0 at the end; throws on an error.
  int64_t ReadSome(char* buf, int64_t n);
  // The rest of a Read, with a thread reading ahead.
  int64_t ReadAhead(int64_t n, const std::function<void(std::string_view)>& chunk);

  std::string path_;
  int fd_ = -1;
  // 64 KiB stays in the L2 cache between read() and its consumer (a hash): faster
  // than 1 MiB on a 1 GB file (docs/append-only.md, "Cost").
  std::vector<char> buf_ = std::vector<char>(64 << 10);
};

}  // namespace pond
