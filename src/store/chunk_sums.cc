#include "store/chunk_sums.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "base/error.h"
#include "base/strings.h"
#include "engine/duckdb.h"
#include "store/disk.h"

namespace pond::store {

namespace {

// An open file whose ranges are hashed where they lie: each is mapped with its
// pages populated in one call (no copy, no fault per page; the fastest of the ways
// we measured; docs/storage.md, "Verified reads"). Blobs are immutable: the size is
// checked first, and only a file cut short under a running reader could fault.
class HashedFile {
 public:
  explicit HashedFile(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    struct stat st {};
    if (fd_ >= 0 && ::fstat(fd_, &st) == 0) size_ = st.st_size;
  }
  ~HashedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  HashedFile(const HashedFile&) = delete;
  HashedFile& operator=(const HashedFile&) = delete;

  bool ok() const { return size_ >= 0; }
  int64_t size() const { return size_; }
  // nullopt when the range is not inside the file or cannot be mapped.
  std::optional<std::string> Hash(int64_t start, int64_t length) const {
    if (start < 0 || length < 0 || start + length > size_) return std::nullopt;
    if (length == 0) return Hex(XXH3_128bits(nullptr, 0));
    static const int64_t page = ::sysconf(_SC_PAGESIZE);
    const int64_t offset = start / page * page;
    const size_t mapped = static_cast<size_t>(start + length - offset);
    void* p = ::mmap(nullptr, mapped, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, offset);
    if (p == MAP_FAILED) return std::nullopt;
    const auto h = XXH3_128bits(static_cast<const unsigned char*>(p) + (start - offset),
                                static_cast<size_t>(length));
    ::munmap(p, mapped);
    return Hex(h);
  }

 private:
  static std::string Hex(XXH128_hash_t h) {
    return fmt::format("{:016x}{:016x}", h.high64, h.low64);
  }
  int fd_;
  int64_t size_ = -1;
};

}  // namespace

std::string Xxh3OfFile(const std::string& path) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                 &XXH3_freeState);
  XXH3_128bits_reset(state.get());
  if (!ReadFileChunks(
          path, [&](std::string_view b) { XXH3_128bits_update(state.get(), b.data(), b.size()); }))
    throw Error("cannot read", path);
  const XXH128_hash_t h = XXH3_128bits_digest(state.get());
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::vector<ChunkSum> ComputeChunkSums(engine::Connection& con, const std::string& path) {
  const std::string quoted = engine::QuoteLiteral(path);
  // A leaf per top-level column, or nothing: the root is the schema's only group.
  if (con.Query("SELECT count(*) FROM parquet_schema(" + quoted +
                ") WHERE coalesce(num_children, 0) > 0")
          .at(0, 0)
          .as_int() != 1)
    return {};
  engine::Result meta = con.Query(
      "SELECT path_in_schema, data_page_offset, dictionary_page_offset, total_compressed_size "
      "FROM parquet_metadata(" +
      quoted + ")");
  std::vector<ChunkSum> chunks;
  for (size_t i = 0; i < meta.row_count(); ++i) {
    ChunkSum c;
    c.start = meta.at(i, 1).as_int();
    const engine::Value& dict = meta.at(i, 2);
    // A dictionary page, when there is one, comes first in the chunk.
    if (!dict.is_null() && dict.as_int() > 0) c.start = std::min(c.start, dict.as_int());
    c.length = meta.at(i, 3).as_int();
    c.column = AsciiLower(meta.at(i, 0).as_string());
    chunks.push_back(std::move(c));
  }
  HashedFile file(path);
  if (!file.ok()) return {};
  std::sort(chunks.begin(), chunks.end(),
            [](const ChunkSum& a, const ChunkSum& b) { return a.start < b.start; });
  // The frame is every byte between and around the chunks.
  std::vector<ChunkSum> out;
  int64_t at = 0;
  for (auto& c : chunks) {
    if (c.start < at || c.length <= 0 || c.start + c.length > file.size()) return {};
    if (c.start > at) out.push_back({at, c.start - at, "", ""});
    at = c.start + c.length;
    out.push_back(std::move(c));
  }
  if (at < file.size()) out.push_back({at, file.size() - at, "", ""});
  for (auto& r : out) {
    auto h = file.Hash(r.start, r.length);
    if (!h) return {};
    r.xxh3 = std::move(*h);
  }
  return out;
}

std::optional<bool> RangesMatch(const std::string& path, int64_t size,
                                const std::vector<const ChunkSum*>& ranges) {
  HashedFile file(path);
  if (!file.ok()) return std::nullopt;
  if (file.size() != size) return false;
  for (const ChunkSum* r : ranges) {
    if (r->start < 0 || r->start + r->length > size) return false;
    if (file.Hash(r->start, r->length) != r->xxh3) return false;
  }
  return true;
}

}  // namespace pond::store
