#include "store/result_cache.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "base/error.h"
#include "base/time.h"
#include "store/blob_store.h"

namespace pond::store {

namespace fs = std::filesystem;

namespace {

constexpr const char* kExtension = ".parquet";

// `<key>.<sha256>.parquet` → key and hash; false for any other name.
bool SplitName(const std::string& name, std::string& key, std::string& hash) {
  if (name.size() < 64 + 1 + 64 + 8 || !name.ends_with(kExtension)) return false;
  const std::string stem = name.substr(0, name.size() - 8);
  const size_t dot = stem.rfind('.');
  if (dot == std::string::npos || stem.size() - dot - 1 != 64) return false;
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

void MarkUsed(const std::string& path) {
  std::error_code ec;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
}

}  // namespace

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
        actual = Sha256OfFile(path);
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
      std::error_code ec;
      fs::remove(path, ec);
      name = it->second.erase(name);
    }
  }
  ++stats_.misses;
  return std::nullopt;
}

std::optional<std::string> ResultCache::Put(engine::Connection& con, const std::string& kind,
                                            const std::string& key, const std::string& select) {
  const fs::path tmp_dir = fs::path(dir_) / "cache" / "tmp";
  const fs::path kind_dir = fs::path(dir_) / "cache" / kind;
  const fs::path tmp = tmp_dir / (RandomName() + kExtension);
  try {
    std::error_code ec;
    fs::create_directories(tmp_dir, ec);
    if (!ec) fs::create_directories(kind_dir, ec);
    if (ec) throw Error("cannot create " + kind_dir.string() + ": " + ec.message());
    con.Execute("COPY (" + select + ") TO " + engine::QuoteLiteral(tmp.string()) +
                " (FORMAT parquet, ROW_GROUP_SIZE " + std::to_string(kRowGroupRows) + ")");
    const std::string name = key + "." + Sha256OfFile(tmp.string()) + kExtension;
    const fs::path path = kind_dir / name;
    fs::rename(tmp, path, ec);
    if (ec) throw Error("cannot rename into " + path.string() + ": " + ec.message());
    Listing(kind)[key].push_back(name);
    verified_.insert(path.string());
    ++stats_.written;
    return path.string();
  } catch (const std::exception& e) {
    spdlog::debug("cache: not written ({}): {}", kind, e.what());
    ++stats_.failed;
    std::error_code ec;
    fs::remove(tmp, ec);
    return std::nullopt;
  }
}

std::optional<std::string> ResultCache::FindText(const std::string& kind, const std::string& key) {
  const fs::path path = fs::path(dir_) / "cache" / kind / (key + kTextExtension);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  MarkUsed(path.string());
  return text;
}

bool ResultCache::PutText(const std::string& kind, const std::string& key,
                          const std::string& text) {
  const fs::path kind_dir = fs::path(dir_) / "cache" / kind;
  const fs::path tmp = fs::path(dir_) / "cache" / "tmp" / RandomName();
  std::error_code ec;
  fs::create_directories(tmp.parent_path(), ec);
  if (!ec) fs::create_directories(kind_dir, ec);
  if (!ec) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) ec = std::make_error_code(std::errc::io_error);
  }
  if (!ec) fs::rename(tmp, kind_dir / (key + kTextExtension), ec);
  if (ec) {
    spdlog::debug("cache: not written ({}): {}: {}", kind, key, ec.message());
    ++stats_.failed;
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

void ResultCache::MarkTextUsed(const std::string& kind, const std::string& key) {
  MarkUsed((fs::path(dir_) / "cache" / kind / (key + kTextExtension)).string());
}

CacheSweep SweepCache(const std::string& dir, int64_t unused_for_us) {
  CacheSweep out;
  const auto now = fs::file_time_type::clock::now();
  const auto unused = std::chrono::microseconds(unused_for_us);
  std::error_code ec;
  for (fs::recursive_directory_iterator d(fs::path(dir) / "cache", ec), end; !ec && d != end;
       d.increment(ec)) {
    std::error_code fe;
    if (!d->is_regular_file(fe)) continue;
    const bool temporary = d->path().parent_path().filename() == "tmp";
    const auto age = now - d->last_write_time(fe);
    if (fe || age < (temporary ? std::chrono::microseconds(std::chrono::hours(1)) : unused))
      continue;
    const auto size = d->file_size(fe);
    if (fs::remove(d->path(), fe)) {
      ++out.files;
      out.bytes += static_cast<int64_t>(size);
    }
  }
  return out;
}

}  // namespace pond::store
