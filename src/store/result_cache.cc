#include "store/result_cache.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string_view>
#include <utility>

#include "base/error.h"
#include "base/time.h"
#include "store/blob_store.h"
#include "store/chunk_sums.h"

namespace pond::store {

namespace fs = std::filesystem;

namespace {

constexpr const char* kExtension = ".parquet";

// `<key>.<xxh3-128>.parquet` → key and hash; false for any other name. A name with a
// sha256 (64 digits: caches written before XXH3) splits too, to be found stale and
// dropped.
bool SplitName(const std::string& name, std::string& key, std::string& hash) {
  if (name.size() < 64 + 1 + 32 + 8 || !name.ends_with(kExtension)) return false;
  const std::string stem = name.substr(0, name.size() - 8);
  const size_t dot = stem.rfind('.');
  if (dot == std::string::npos || (stem.size() - dot - 1 != 32 && stem.size() - dot - 1 != 64))
    return false;
  key = stem.substr(0, dot);
  hash = stem.substr(dot + 1);
  return !key.empty();
}

constexpr const char* kTextExtension = ".txt";

// Results are read by time range (an hourly refresh reads its month of years of
// buckets): small row groups let DuckDB skip the rest by their min/max statistics
// instead of decoding DuckDB's default of 122,880 rows (14 years of hours).
constexpr int kRowGroupRows = 8192;

std::string RandomName() {
  std::random_device rd;
  return fmt::format("{:016x}{:08x}", (uint64_t{rd()} << 32) | rd(), rd());
}

// Best effort: a temporary left behind is swept by `pond maintain` after an hour.
void DropTemp(Disk& disk, const std::string& tmp) {
  try {
    disk.Remove(tmp);
  } catch (const std::exception& e) {
    spdlog::debug("cache: {}", e.what());
  }
}

}  // namespace

void ResultCache::MarkUsed(const std::string& path) {
  try {
    disk_.Touch(path);
  } catch (const std::exception& e) {
    spdlog::debug("cache: not marked used: {}", e.what());  // swept sooner, at worst
  }
}

bool ResultCache::Enabled() {
  const char* v = std::getenv("POND_CACHE");
  return v == nullptr || std::string(v) != "off";
}

std::map<std::string, std::vector<std::string>>& ResultCache::Listing(const std::string& kind) {
  auto [it, fresh] = listings_.try_emplace(kind);
  if (!fresh) return it->second;
  std::error_code ec;
  for (fs::directory_iterator d(fs::path(dir_) / "cache" / kind, ec), end; !ec && d != end;
       d.increment(ec)) {
    std::string key, hash;
    const std::string name = d->path().filename().string();
    if (SplitName(name, key, hash)) it->second[key].push_back(name);
  }
  return it->second;
}

std::optional<std::string> ResultCache::Find(const std::string& kind, const std::string& key) {
  auto& listing = Listing(kind);
  auto it = listing.find(key);
  if (it != listing.end()) {
    for (auto name = it->second.begin(); name != it->second.end();) {
      const std::string path = (fs::path(dir_) / "cache" / kind / *name).string();
      if (verified_.contains(path)) {
        ++stats_.hits;
        return path;
      }
      std::string k, hash;
      SplitName(*name, k, hash);
      std::string actual;
      try {
        if (hash.size() == 32) actual = Xxh3OfFile(path);  // else a sha256 name: stale
      } catch (const Error& e) {
        actual = e.what();
      }
      if (actual == hash) {
        ++stats_.hits;
        verified_.insert(path);
        MarkUsed(path);
        return path;
      }
      // Damaged or gone: the reader recomputes; another reader would find the same.
      spdlog::debug("cache: {} is damaged, recomputing", path);
      ++stats_.damaged;
      DropTemp(disk_, path);  // best effort, as for a temporary
      name = it->second.erase(name);
    }
  }
  ++stats_.misses;
  return std::nullopt;
}

std::optional<std::string> ResultCache::Put(engine::Connection& con, const std::string& kind,
                                            const std::string& key, const std::string& select) {
  return PutFile(kind, key, [&](const std::string& path) {
    con.Execute("COPY (" + select + ") TO " + engine::QuoteLiteral(path) +
                " (FORMAT parquet, ROW_GROUP_SIZE " + std::to_string(kRowGroupRows) + ")");
  });
}

std::optional<std::string> ResultCache::PutFile(
    const std::string& kind, const std::string& key,
    const std::function<void(const std::string& path)>& write) {
  const fs::path tmp_dir = fs::path(dir_) / "cache" / "tmp";
  const fs::path kind_dir = fs::path(dir_) / "cache" / kind;
  const fs::path tmp = tmp_dir / (RandomName() + kExtension);
  try {
    disk_.MakeDirs(tmp_dir.string());
    disk_.MakeDirs(kind_dir.string());
    disk_.ExternalWrite(tmp.string(), [&] { write(tmp.string()); });
    const std::string name = key + "." + Xxh3OfFile(tmp.string()) + kExtension;
    const fs::path path = kind_dir / name;
    disk_.Fsync(tmp.string());  // whole before it has its name, even after a power cut
    disk_.Rename(tmp.string(), path.string());
    Listing(kind)[key].push_back(name);
    verified_.insert(path.string());
    ++stats_.written;
    return path.string();
  } catch (const std::exception& e) {
    spdlog::debug("cache: not written ({}): {}", kind, e.what());
    ++stats_.failed;
    DropTemp(disk_, tmp.string());
    return std::nullopt;
  }
}

namespace {

// A text's last line: the XXH3 of the bytes before it. Texts are not fsynced, so a
// crash may leave one empty or cut short; sealed, such a text reads as missing.
constexpr std::string_view kSealPrefix = "\npond-text-xxh3 ";
constexpr size_t kSealSize = kSealPrefix.size() + 16 + 1;

// The seal of `text`, the line that follows it.
std::string SealOf(std::string_view text) {
  return fmt::format("{}{:016x}\n", kSealPrefix, XXH3_64bits(text.data(), text.size()));
}

// The text `file` holds when its seal matches it; nullopt otherwise.
std::optional<std::string> Unseal(std::string file) {
  if (file.size() < kSealSize) return std::nullopt;
  const size_t size = file.size() - kSealSize;
  if (std::string_view(file).substr(size) != SealOf(std::string_view(file).substr(0, size)))
    return std::nullopt;
  file.resize(size);
  return file;
}

}  // namespace

std::optional<std::string> ResultCache::FindText(const std::string& kind, const std::string& key) {
  const fs::path path = fs::path(dir_) / "cache" / kind / (key + kTextExtension);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  std::optional<std::string> text = Unseal(std::move(file));
  if (text) MarkUsed(path.string());
  return text;
}

bool ResultCache::PutText(const std::string& kind, const std::string& key,
                          const std::string& text) {
  const fs::path kind_dir = fs::path(dir_) / "cache" / kind;
  const fs::path tmp = fs::path(dir_) / "cache" / "tmp" / RandomName();
  try {
    disk_.MakeDirs(tmp.parent_path().string());
    disk_.MakeDirs(kind_dir.string());
    // Not fsynced: a text lost to a crash is computed again, and one cut short fails
    // its seal (an fsync was 49 of case 23's 70, docs/benchmarks.md).
    disk_.WriteFile(tmp.string(), text + SealOf(text));
    disk_.Rename(tmp.string(), (kind_dir / (key + kTextExtension)).string());
    return true;
  } catch (const std::exception& e) {
    spdlog::debug("cache: not written ({}): {}: {}", kind, key, e.what());
    ++stats_.failed;
    DropTemp(disk_, tmp.string());
    return false;
  }
}

void ResultCache::MarkTextUsed(const std::string& kind, const std::string& key) {
  MarkUsed((fs::path(dir_) / "cache" / kind / (key + kTextExtension)).string());
}

CacheSweep SweepCache(const std::string& dir, int64_t unused_for_us, Disk& disk) {
  CacheSweep out;
  const auto now = fs::file_time_type::clock::now();
  const auto unused = std::chrono::microseconds(unused_for_us);
  std::vector<std::pair<fs::path, int64_t>> doomed;  // removed after the walk
  std::vector<fs::path> folders;
  std::error_code ec;
  for (fs::recursive_directory_iterator d(fs::path(dir) / "cache", ec), end; !ec && d != end;
       d.increment(ec)) {
    std::error_code fe;
    if (d->is_directory(fe)) folders.push_back(d->path());
    if (!d->is_regular_file(fe)) continue;
    const bool temporary = d->path().parent_path().filename() == "tmp";
    const auto age = now - d->last_write_time(fe);
    if (fe || age < (temporary ? std::chrono::microseconds(std::chrono::hours(1)) : unused))
      continue;
    const auto size = d->file_size(fe);
    if (!fe) doomed.emplace_back(d->path(), static_cast<int64_t>(size));
  }
  // Best effort, file by file: what cannot be removed now is tried next time.
  auto remove = [&](const fs::path& path) {
    try {
      disk.Remove(path.string());
      return true;
    } catch (const std::exception& e) {
      spdlog::debug("cache: {}", e.what());
      return false;
    }
  };
  for (const auto& [path, size] : doomed) {
    if (!remove(path)) continue;
    ++out.files;
    out.bytes += size;
  }
  // Deepest first; a folder still holding files stays.
  for (auto it = folders.rbegin(); it != folders.rend(); ++it)
    if (fs::is_empty(*it, ec) && !ec) remove(*it);
  return out;
}

}  // namespace pond::store
