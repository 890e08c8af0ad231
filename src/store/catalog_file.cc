#include "store/catalog_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "store/page_sums.h"
#include "store/sqlite.h"

namespace pond::store {

namespace {

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

[[noreturn]] void Refuse(const std::string& path, const std::string& what) {
  throw sqlite::CatalogDamage(std::filesystem::path(path).filename().string() + " " + what, path);
}

std::string RecordPath(const std::string& dir) { return dir + "/catalog.seq"; }

}  // namespace

CatalogFile CheckCatalogFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw sqlite::CatalogDamage(std::string("cannot open catalog: ") + std::strerror(errno), path);
  struct stat st {};
  // Page 1 is read whole for its sum; 4 KiB (SQLite's default page) on the stack, a
  // larger page into the heap: no fresh pages to fault in for the usual catalog.
  unsigned char first[4096];
  std::vector<unsigned char> large;
  const ssize_t got = ::fstat(fd, &st) == 0 ? ::pread(fd, first, sizeof first, 0) : -1;
  const int64_t size = st.st_size;
  const unsigned char* h = first;
  if (got >= 100 && std::memcmp(first, "SQLite format 3", 16) == 0 &&
      ((uint32_t{first[16]} << 8) | first[17]) != 4096 && size > 4096) {
    large.resize(static_cast<size_t>(std::min<int64_t>(size, 65536)));
    if (::pread(fd, large.data(), large.size(), 0) == static_cast<ssize_t>(large.size()))
      h = large.data();
  }
  ::close(fd);
  if (got < 0)
    throw sqlite::CatalogDamage(std::string("cannot read catalog: ") + std::strerror(errno), path);
  if (size == 0) Refuse(path, "is empty: not a pond catalog, or damaged");
  if (size < 100 || std::memcmp(h, "SQLite format 3", 16) != 0)
    Refuse(path, "is not an SQLite file: not a pond catalog, or damaged");
  const uint32_t v = (uint32_t{h[16]} << 8) | h[17];
  const int64_t ps = v == 1 ? 65536 : v;
  if (ps < 512 || (ps & (ps - 1)) != 0) Refuse(path, "is damaged: its header names no page size");
  if (size % ps != 0)
    Refuse(path, fmt::format("is damaged: {} bytes are not a whole number of {}-byte pages "
                             "(truncated?)",
                             size, ps));
  const int64_t app_id = Be32(h + 68);
  if (app_id != kPondApplicationId && app_id != 0)
    Refuse(path, fmt::format("is not a pond catalog (application id {:#x})", app_id));
  if (app_id == 0) {
    // Ponds of format 2 predate the id; they were always in WAL mode. One whose
    // migration (pond.cc, SealCatalog) stopped after its VACUUM has sums already.
    if (h[18] != 2 || h[19] != 2) Refuse(path, "is not a pond catalog (not in WAL mode)");
    if (h[20] == sqlite::kPageSumBytes && sqlite::CatalogChecksOn() &&
        ((ps > 4096 && h == first) || !sqlite::PageSumHolds(h, static_cast<size_t>(ps))))
      Refuse(path, "is damaged: page 1 fails its checksum; run 'pond check'");
    return CatalogFile::kUnsealed;
  }
  if (ps > 4096 && h == first) Refuse(path, "is damaged: its first page cannot be read whole");
  if (h[20] != sqlite::kPageSumBytes || size < ps)
    Refuse(path, "is damaged: its header does not reserve the page sums");
  if (sqlite::CatalogChecksOn() && !sqlite::PageSumHolds(h, static_cast<size_t>(ps)))
    Refuse(path, "is damaged: page 1 fails its checksum; run 'pond check'");
  // The page count in the header is valid when its change counter matches (SQLite's
  // file format). While a WAL holds frames, a checkpoint may have stopped (a crash)
  // after page 1 and before the pages that extend the file: SQLite reads those from
  // the WAL, and a page that is in neither reads as malformed.
  const int64_t pages = Be32(h + 28);
  std::error_code ec;
  const auto wal = std::filesystem::file_size(path + "-wal", ec);
  const bool wal_frames = !ec && wal > 32;
  if (!wal_frames && pages != 0 && Be32(h + 24) == Be32(h + 92) && size / ps < pages)
    Refuse(path,
           fmt::format("is damaged: it holds {} of its {} pages (truncated)", size / ps, pages));
  return CatalogFile::kSealed;
}

std::optional<int64_t> ReadCommitRecord(const std::string& dir) {
  if (!sqlite::CatalogChecksOn()) return std::nullopt;
  const int fd = ::open(RecordPath(dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long seq = std::strtoll(buf, &end, 10);
  while (*end == ' ') ++end;
  // Anything but digits, padding and a newline is a torn or foreign record: no record.
  if (errno != 0 || end == buf || *end != '\n' || seq < 1) return std::nullopt;
  return seq;
}

void WriteCommitRecord(const std::string& dir, int64_t seq) {
  // Fixed width, written in place: a later shorter number leaves no stale digits.
  const std::string line = fmt::format("{:<20}\n", seq);
  const int fd = ::open(RecordPath(dir).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::pwrite(fd, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size()))
    spdlog::debug("cannot record commit {} in {}: {}", seq, RecordPath(dir), std::strerror(errno));
  if (fd >= 0) ::close(fd);
}

}  // namespace pond::store
