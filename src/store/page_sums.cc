#include "store/page_sums.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <xxhash.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <string_view>
#include <thread>
#include <utility>

#include "store/vfs_shim.h"

namespace pond::store::sqlite {

namespace {

thread_local std::string last_damage;  // for TakePageDamage

bool VerifyReads() { return CatalogChecksOn(); }

uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

uint64_t PageSum(const unsigned char* page, size_t size) {
  return XXH3_64bits(page, size - kPageSumBytes);
}

void SealPage(unsigned char* page, size_t size) {
  const uint64_t sum = PageSum(page, size);
  for (int i = 0; i < kPageSumBytes; ++i)
    page[size - kPageSumBytes + static_cast<size_t>(i)] =
        static_cast<unsigned char>(sum >> (8 * i));
}

// A database header's page size (bytes 16-17; 1 means 65536), or 0 when the bytes
// are not an SQLite header.
uint32_t HeaderPageSize(const unsigned char* h) {
  if (std::memcmp(h, "SQLite format 3", 16) != 0) return 0;
  const uint32_t v = (uint32_t{h[16]} << 8) | h[17];
  const uint32_t size = v == 1 ? 65536 : v;
  return size >= 512 && (size & (size - 1)) == 0 ? size : 0;
}

// --- the write-ahead log's own checksums (SQLite's file format, "WAL file format") --
struct WalSum {
  uint32_t s1 = 0, s2 = 0;
  bool operator==(const WalSum&) const = default;
};

// The WAL header's magic says in which byte order its words are summed.
bool WalBigEndian(const unsigned char* header) { return (Be32(header) & 1) != 0; }
bool WalMagic(const unsigned char* header) { return (Be32(header) & ~1u) == 0x377f0682; }

WalSum WalChecksum(bool big_endian, const unsigned char* a, size_t n, WalSum s) {
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint32_t x0, x1;
    if (big_endian) {
      x0 = Be32(a + i);
      x1 = Be32(a + i + 4);
    } else {
      std::memcpy(&x0, a + i, 4);
      std::memcpy(&x1, a + i + 4, 4);
    }
    s.s1 += x0 + s.s2;
    s.s2 += x1 + s.s1;
  }
  return s;
}

WalSum StoredSum(const unsigned char* p) { return {Be32(p), Be32(p + 4)}; }

// Frame `header` (24 bytes) and its page, seeded with the sum stored before it.
bool FrameHolds(bool big_endian, WalSum seed, const unsigned char* header,
                const unsigned char* page, size_t page_size) {
  WalSum s = WalChecksum(big_endian, header, 8, seed);
  s = WalChecksum(big_endian, page, page_size, s);
  return s == StoredSum(header + 16);
}

constexpr int64_t kWalHeader = 32;
constexpr int64_t kFrameHeader = 24;

// --- the layer -----------------------------------------------------------------

// Set up by SumOpen in memory SQLite allocates (szOsFile): a plain struct.
struct SumFile {
  shim::ShimFile shim;
  bool wal;     // else the main database
  bool sealed;  // main database: its reserved bytes are ours (8)
  uint32_t page_size;
  const char* name;
  // Main database: the pages whose sum held (or that this file sealed), checked once
  // per connection as blob ranges are once per process (docs/storage.md, "Verified
  // reads"): SQLite fetches a mapped page anew at every B-tree descent.
  std::vector<bool>* checked;
};

bool Checked(const SumFile* f, int64_t index) {
  return index < static_cast<int64_t>(f->checked->size()) &&
         (*f->checked)[static_cast<size_t>(index)];
}
void MarkChecked(SumFile* f, int64_t index) {
  if (index >= static_cast<int64_t>(f->checked->size()))
    f->checked->resize(static_cast<size_t>(index) + 1024);
  (*f->checked)[static_cast<size_t>(index)] = true;
}

SumFile* Sum(sqlite3_file* f) { return reinterpret_cast<SumFile*>(f); }

std::string BaseName(const char* name) {
  return name == nullptr ? "catalog" : std::filesystem::path(name).filename().string();
}

int Damaged(std::string what) {
  last_damage = std::move(what);
  return SQLITE_IOERR_DATA;
}

void NoteHeader(SumFile* f, const unsigned char* h) {
  if (const uint32_t size = HeaderPageSize(h); size != 0) {
    f->page_size = size;
    f->sealed = h[20] == kPageSumBytes;
  }
}

int ReadReal(SumFile* f, void* buf, int n, sqlite3_int64 off) {
  return f->shim.real->pMethods->xRead(f->shim.real, buf, n, off);
}

// A main-database read: whole pages are checked as read; a part of one page (the
// header, SQLite's direct reads of overflow pages) is checked through its whole page.
int ReadMain(SumFile* f, unsigned char* buf, int n, sqlite3_int64 off) {
  const int64_t ps = f->page_size;
  if (!f->sealed || !VerifyReads() || ps == 0) return ReadReal(f, buf, n, off);
  if (n == ps && off % ps == 0) {
    const int rc = ReadReal(f, buf, n, off);
    if (rc != SQLITE_OK || Checked(f, off / ps)) return rc;
    if (!PageSumHolds(buf, static_cast<size_t>(ps)))
      return Damaged(fmt::format("page {} fails its checksum", off / ps + 1));
    MarkChecked(f, off / ps);
    return rc;
  }
  const int64_t first = off / ps;
  if (n <= 0 || (off + n - 1) / ps != first) return ReadReal(f, buf, n, off);
  thread_local std::vector<unsigned char> page;
  page.resize(static_cast<size_t>(ps));
  const int rc = ReadReal(f, page.data(), static_cast<int>(ps), first * ps);
  if (rc == SQLITE_IOERR_SHORT_READ) return ReadReal(f, buf, n, off);  // being created
  if (rc != SQLITE_OK) return rc;
  if (!Checked(f, first) && !PageSumHolds(page.data(), page.size()))
    return Damaged(fmt::format("page {} fails its checksum", first + 1));
  MarkChecked(f, first);
  std::memcpy(buf, page.data() + (off - first * ps), static_cast<size_t>(n));
  return SQLITE_OK;
}

// A WAL read of a frame's page (SQLite reads frames it has indexed): checked against
// the frame's checksum, seeded with the one stored before it. Writers never reread
// their own frames before COMMIT rewrites their checksums: they do not spill
// (sqlite.cc sets cache_spill off).
int ReadWal(SumFile* f, unsigned char* buf, int n, sqlite3_int64 off) {
  const int rc = ReadReal(f, buf, n, off);
  if (rc != SQLITE_OK || !VerifyReads() || n < 512 || (n & (n - 1)) != 0) return rc;
  unsigned char header[kWalHeader];
  if (ReadReal(f, header, sizeof header, 0) != SQLITE_OK || !WalMagic(header)) return rc;
  const int64_t ps = Be32(header + 8);
  const int64_t frame_size = ps + kFrameHeader;
  if (n != ps || off < kWalHeader + kFrameHeader || (off - kWalHeader - kFrameHeader) % frame_size)
    return rc;
  const int64_t index = (off - kWalHeader - kFrameHeader) / frame_size;  // 0-based
  unsigned char frame[kFrameHeader];
  if (ReadReal(f, frame, sizeof frame, off - kFrameHeader) != SQLITE_OK) return rc;
  WalSum seed = StoredSum(header + 24);
  if (index > 0) {
    unsigned char prev[kFrameHeader];
    if (ReadReal(f, prev, sizeof prev, off - kFrameHeader - frame_size) != SQLITE_OK)
      return Damaged(fmt::format("frame {} of {} is unreadable", index, BaseName(f->name)));
    seed = StoredSum(prev + 16);
  }
  if (std::memcmp(frame + 8, header + 16, 8) != 0 ||
      !FrameHolds(WalBigEndian(header), seed, frame, buf, static_cast<size_t>(ps)))
    return Damaged(fmt::format("frame {} of {} fails its checksum", index + 1, BaseName(f->name)));
  return rc;
}

int SumClose(sqlite3_file* f) {
  delete Sum(f)->checked;
  Sum(f)->checked = nullptr;
  return shim::Real(f)->pMethods->xClose(shim::Real(f));
}
int SumRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  auto* p = static_cast<unsigned char*>(buf);
  return Sum(f)->wal ? ReadWal(Sum(f), p, n, off) : ReadMain(Sum(f), p, n, off);
}
int SumWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  SumFile* s = Sum(f);
  sqlite3_file* real = s->shim.real;
  const auto* bytes = static_cast<const unsigned char*>(buf);
  if (s->wal) return real->pMethods->xWrite(real, buf, n, off);
  if (off == 0 && n >= 100) NoteHeader(s, bytes);
  if (!s->sealed || n != static_cast<int>(s->page_size) || off % n != 0)
    return real->pMethods->xWrite(real, buf, n, off);
  // SQLite's buffer is not ours to change: seal a copy.
  thread_local std::vector<unsigned char> page;
  page.assign(bytes, bytes + n);
  SealPage(page.data(), page.size());
  const int rc = real->pMethods->xWrite(real, page.data(), n, off);
  if (rc == SQLITE_OK) MarkChecked(s, off / n);
  return rc;
}

// A mapped page is checked like a read one; a page that fails is handed back, and
// SQLite then reads it (SumRead), which reports the damage.
int SumFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  SumFile* s = Sum(f);
  sqlite3_file* real = s->shim.real;
  *out = nullptr;
  if (real->pMethods->iVersion < 3 || real->pMethods->xFetch == nullptr) return SQLITE_OK;
  const int rc = real->pMethods->xFetch(real, off, n, out);
  if (rc != SQLITE_OK || *out == nullptr || !s->sealed || !VerifyReads()) return rc;
  if (n != static_cast<int>(s->page_size) || off % n != 0 || Checked(s, off / n)) return SQLITE_OK;
  if (PageSumHolds(static_cast<const unsigned char*>(*out), static_cast<size_t>(n))) {
    MarkChecked(s, off / n);
  } else {
    real->pMethods->xUnfetch(real, off, *out);
    *out = nullptr;
  }
  return SQLITE_OK;
}

const sqlite3_io_methods kSumMethods = shim::Methods(
    {.version = 3, .close = SumClose, .read = SumRead, .write = SumWrite, .fetch = SumFetch});

int SumOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* lower = shim::Lower(vfs);
  // Journals and temporary files are the lower layer's own.
  if ((flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) == 0)
    return lower->xOpen(lower, name, file, flags, out_flags);
  auto* s = reinterpret_cast<SumFile*>(file);
  s->shim.base.pMethods = nullptr;
  s->shim.real = reinterpret_cast<sqlite3_file*>(s + 1);
  s->shim.real->pMethods = nullptr;
  s->wal = (flags & SQLITE_OPEN_WAL) != 0;
  s->sealed = false;
  s->page_size = 0;
  s->name = name;
  s->checked = nullptr;
  const int rc = lower->xOpen(lower, name, s->shim.real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  s->checked = new (std::nothrow) std::vector<bool>();
  if (s->checked == nullptr) {
    s->shim.real->pMethods->xClose(s->shim.real);
    return SQLITE_NOMEM;
  }
  if (!s->wal) {
    unsigned char h[100];
    if (ReadReal(s, h, sizeof h, 0) == SQLITE_OK) NoteHeader(s, h);
  }
  s->shim.base.pMethods = &kSumMethods;
  return SQLITE_OK;
}

std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The WAL's frames of its current generation (salts as in its header), checked as a
// chain. A frame that fails is damage when a later commit frame still holds its sum
// seeded from the stored ones: committed transactions follow it, which SQLite's
// recovery would silently drop. Otherwise it is the torn tail of a crash. `pages`:
// those the frames up to the last commit before any failure hold, as recovery
// replays them.
struct WalScan {
  std::optional<std::string> damage;
  std::set<int64_t> pages;
};
WalScan ScanWal(const std::string& wal_path) {
  WalScan out;
  const std::optional<std::string> bytes = ReadWhole(wal_path);
  if (!bytes || bytes->size() < static_cast<size_t>(kWalHeader)) return out;
  const auto* w = reinterpret_cast<const unsigned char*>(bytes->data());
  const std::string name = std::filesystem::path(wal_path).filename().string();
  if (!WalMagic(w)) {
    out.damage = "the header of " + name + " is not a write-ahead log's";
    return out;
  }
  const bool big = WalBigEndian(w);
  const int64_t ps = Be32(w + 8);
  if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0) {
    out.damage = "the header of " + name + " names no valid page size";
    return out;
  }
  std::optional<std::string> first_bad;
  if (WalChecksum(big, w, 24, {}) != StoredSum(w + 24))
    first_bad = "the header of " + name + " fails its checksum";
  WalSum seed = StoredSum(w + 24);
  std::set<int64_t> pending;
  const int64_t size = static_cast<int64_t>(bytes->size());
  for (int64_t i = 0, off = kWalHeader; off + kFrameHeader + ps <= size;
       ++i, off += kFrameHeader + ps) {
    const unsigned char* frame = w + off;
    if (std::memcmp(frame + 8, w + 16, 8) != 0) break;  // an older generation's frame
    const bool holds = FrameHolds(big, seed, frame, frame + kFrameHeader, static_cast<size_t>(ps));
    const bool commit = Be32(frame + 4) != 0;
    if (!holds && !first_bad) {
      first_bad = fmt::format("frame {} of {} fails its checksum", i + 1, name);
    } else if (holds && first_bad && commit) {
      out.damage = *first_bad + ": the transactions after it are lost";
      return out;
    } else if (holds && !first_bad) {
      pending.insert(Be32(frame));
      if (commit) {
        out.pages.insert(pending.begin(), pending.end());
        pending.clear();
      }
    }
    seed = StoredSum(frame + 16);
  }
  return out;
}

// A page read while a writer's checkpoint rewrote it may be torn (a read takes no
// lock against a write); read again a moment later, a sound page holds its sum.
bool HoldsOnSecondRead(const std::string& path, size_t offset, uint32_t size) {
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> page(size);
  in.seekg(static_cast<std::streamoff>(offset));
  return in.read(reinterpret_cast<char*>(page.data()), size) && PageSumHolds(page.data(), size);
}

}  // namespace

bool CatalogChecksOn() {
  static const bool on = [] {
    const char* v = std::getenv("POND_CATALOG_VERIFY");
    return v == nullptr || (std::string_view(v) != "off" && std::string_view(v) != "0");
  }();
  return on;
}

bool PageSumHolds(const unsigned char* page, size_t size) {
  const uint64_t sum = PageSum(page, size);
  for (int i = 0; i < kPageSumBytes; ++i)
    if (page[size - kPageSumBytes + static_cast<size_t>(i)] !=
        static_cast<unsigned char>(sum >> (8 * i)))
      return false;
  return true;
}

std::string TakePageDamage() { return std::exchange(last_damage, std::string()); }

void RegisterPageSums() {
  static std::once_flag once;
  std::call_once(once, [] {
    static sqlite3_vfs vfs;
    shim::Register(vfs, "pond-page-sums", static_cast<int>(sizeof(SumFile)), SumOpen,
                   /*make_default=*/true);
  });
}

std::vector<PageDamage> ScanCatalogPages(const std::string& path) {
  std::vector<PageDamage> out;
  const std::string name = std::filesystem::path(path).filename().string();
  const WalScan wal = ScanWal(path + "-wal");
  if (std::optional<std::string> bytes = ReadWhole(path); bytes && bytes->size() >= 100) {
    const auto* d = reinterpret_cast<const unsigned char*>(bytes->data());
    const uint32_t ps = HeaderPageSize(d);
    if (ps == 0 || d[20] != kPageSumBytes) return out;
    for (size_t off = 0, page = 1; off + ps <= bytes->size(); off += ps, ++page) {
      if (PageSumHolds(d + off, ps) || HoldsOnSecondRead(path, off, ps)) continue;
      PageDamage damage;
      damage.page = static_cast<int64_t>(page);
      damage.in_wal = !wal.damage && page != 1 && wal.pages.contains(damage.page);
      damage.text = fmt::format("page {} of {} fails its checksum", page, name);
      if (damage.in_wal) damage.text += " (the write-ahead log holds a newer copy)";
      out.push_back(std::move(damage));
    }
  }
  if (wal.damage) out.push_back({*wal.damage, 0, false});
  return out;
}

}  // namespace pond::store::sqlite
